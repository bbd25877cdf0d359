//! Why a letter could not be made.

/// A failure of the letters layer.
#[derive(Debug, thiserror::Error)]
pub enum LettersError {
    /// No template of that name for the tenant.
    #[error("template {0} not found")]
    UnknownTemplate(String),
    /// A template does not parse or does not render (a fault of the definition, shown to admins).
    #[error("template {name}: {message}")]
    Template {
        /// The template.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The Typst markup the template produced does not compile.
    #[error("letter layout failed: {0}")]
    Typst(String),
    /// PDF export failed.
    #[error("PDF export failed: {0}")]
    Pdf(String),
    /// PNG export (a preview image) failed.
    #[error("PNG export failed: {0}")]
    Png(String),
    /// The QR code could not be made.
    #[error("QR code: {0}")]
    Qr(String),
    /// A verification code that is not one of ours, or whose signature does not match.
    #[error("kode verifikasi tidak sah")]
    BadCode,
    /// CSV or XLSX export failed.
    #[error("export failed: {0}")]
    Export(String),
    /// Reading templates failed.
    #[error("reading templates: {0}")]
    Io(#[from] std::io::Error),
}

/// Results of the letters layer.
pub type LettersResult<T> = Result<T, LettersError>;
