//! What a file really is, from its first bytes rather than its name or the client's word, checked against what a
//! requirement accepts.

use simpul_definitions::model::FileType;

use crate::error::{FilesError, FilesResult};

/// What a requirement accepts: file types (empty = PDF, JPG and PNG, the scans an office can read) and a size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept {
    /// Accepted types.
    pub types: Vec<FileType>,
    /// Largest size in bytes.
    pub max_bytes: u64,
}

/// Largest upload when a requirement states none: 10 MiB, a phone photo or a multi-page scan.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

impl Accept {
    /// From a requirement's `accept` and `max_size_kb`.
    pub fn new(types: &[FileType], max_size_kb: Option<u32>) -> Self {
        let types = if types.is_empty() { vec![FileType::Pdf, FileType::Jpg, FileType::Png] } else { types.to_vec() };
        Accept { types, max_bytes: max_size_kb.map_or(DEFAULT_MAX_BYTES, |kb| u64::from(kb) * 1024) }
    }

    /// Checks the sniffed head of a file and returns its content type.
    pub fn check(&self, head: &[u8]) -> FilesResult<&'static str> {
        if head.is_empty() {
            return Err(FilesError::Empty);
        }
        match sniff(head) {
            Some(kind) if self.types.contains(&kind) => Ok(mime(kind)),
            found => Err(FilesError::TypeNotAccepted {
                found: found.map_or_else(
                    || infer::get(head).map_or_else(|| String::from("tidak dikenal"), |t| t.extension().to_uppercase()),
                    |k| label(k).to_string(),
                ),
                accepted: self.types.iter().map(|t| label(*t).to_string()).collect(),
            }),
        }
    }
}

/// The type of a file from its first bytes, when it is one an office accepts.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    match infer::get(head)?.mime_type() {
        "application/pdf" => Some(FileType::Pdf),
        "image/jpeg" => Some(FileType::Jpg),
        "image/png" => Some(FileType::Png),
        _ => None,
    }
}

/// The content type stored with an object.
pub fn mime(kind: FileType) -> &'static str {
    match kind {
        FileType::Pdf => "application/pdf",
        FileType::Jpg => "image/jpeg",
        FileType::Png => "image/png",
    }
}

fn label(kind: FileType) -> &'static str {
    match kind {
        FileType::Pdf => "PDF",
        FileType::Jpg => "JPG",
        FileType::Png => "PNG",
    }
}
