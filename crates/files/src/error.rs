//! Why a file was not stored or read, in words an officer can act on.

/// A failure of the files layer. Whatever the error, no object was left behind by the failed call.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// The file's content is not one of the accepted types.
    #[error("berkas berjenis {found}, sedangkan yang diterima hanya {}", accepted.join(", "))]
    TypeNotAccepted {
        /// What the bytes are (e.g. "ZIP", "tidak dikenal").
        found: String,
        /// The accepted kinds, as officers know them ("PDF", "JPG").
        accepted: Vec<String>,
    },
    /// The file is larger than allowed.
    #[error("berkas melebihi ukuran maksimum {} KB", max_bytes / 1024)]
    TooLarge {
        /// The limit in bytes.
        max_bytes: u64,
    },
    /// The upload had no content.
    #[error("berkas kosong")]
    Empty,
    /// No object under this key.
    #[error("berkas tidak ditemukan")]
    NotFound,
    /// A key that does not name an object of this layer (e.g. `..` in a path).
    #[error("kunci berkas tidak sah: {0}")]
    InvalidKey(String),
    /// The download link is expired or was altered.
    #[error("tautan unduhan tidak sah atau sudah kedaluwarsa")]
    BadLink,
    /// The object store cannot be reached or refused the request.
    #[error("penyimpanan berkas tidak dapat dihubungi ({0}); coba lagi nanti")]
    Unavailable(String),
    /// Misconfiguration (missing bucket name, bad endpoint).
    #[error("konfigurasi penyimpanan berkas salah: {0}")]
    Config(String),
    /// Reading the upload or the local folder failed.
    #[error("gagal membaca atau menulis berkas: {0}")]
    Io(#[from] std::io::Error),
}

/// Results of the files layer.
pub type FilesResult<T> = Result<T, FilesError>;
