//! The errors of the store, each meaning one thing a caller can act on.

use simpul_definitions::Diagnostic;
use simpul_engine::Refusal;

/// Why a store operation did not happen. Whatever the error, nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row for this tenant (a row of another tenant is "not found" too).
    #[error("{what} tidak ditemukan")]
    NotFound {
        /// What was looked for.
        what: &'static str,
    },
    /// Someone else changed the application at the same time; reload and try again.
    #[error("permohonan telah diubah oleh petugas lain; muat ulang lalu coba lagi")]
    Conflict,
    /// The engine refused the command.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The input cannot be used (e.g. a username already taken).
    #[error("{0}")]
    Invalid(String),
    /// Definition files with errors were not imported.
    #[error("definitions have {} errors", diagnostics.iter().filter(|d| d.level == simpul_definitions::Level::Error).count())]
    Definitions {
        /// Every problem found.
        diagnostics: Vec<Diagnostic>,
    },
    /// Wrong username or password, unknown or revoked API key.
    #[error("nama pengguna atau kata sandi salah")]
    BadCredentials,
    /// A stored row could not be read back (a bug or a manual edit).
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
}

impl StoreError {
    /// Whether a database error is the violation of a unique constraint.
    pub(crate) fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
        matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
    }
}

/// Results of the store.
pub type StoreResult<T> = Result<T, StoreError>;
