//! One error type for the API boundary. Each variant becomes a GraphQL error whose `extensions.code` is stable
//! for integrators and whose message an officer can act on, in Bahasa Indonesia. Internal errors are logged with
//! their detail and never shown.

use async_graphql::ErrorExtensions;
use simpul_engine::Refusal;
use simpul_files::FilesError;
use simpul_store::StoreError;

/// An error of a request.
///
/// It deliberately does not implement `Display`: async-graphql converts every `Display` type into an error
/// without extensions, and this type must become one *with* its code, through the `From` impl below.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// No credentials where some are needed (`UNAUTHENTICATED`).
    Unauthenticated,
    /// Credentials that are wrong, expired or revoked (`UNAUTHENTICATED`).
    InvalidCredential(crate::caller::Credential),
    /// Authenticated, but not allowed (`FORBIDDEN`).
    Forbidden(String),
    /// No such thing for this caller (`NOT_FOUND`); another tenant's things are not found either.
    NotFound(String),
    /// Bad input, naming the fields (`VALIDATION`).
    Validation {
        /// What is wrong.
        message: String,
        /// The fields concerned.
        fields: Vec<String>,
    },
    /// Someone else changed it first (`CONFLICT`).
    Conflict(String),
    /// The procedure does not allow it now (`REFUSED`).
    Refused(String),
    /// Too many attempts (`RATE_LIMITED`).
    RateLimited(String),
    /// A service the request needs (the database, the file store) is down; nothing was saved (`UNAVAILABLE`).
    Unavailable(String),
    /// The request did not finish in time (`TIMEOUT`); a change it made may or may not have been saved.
    Timeout,
    /// The GraphQL document costs more than the caller's budget allows (`QUERY_TOO_COMPLEX`); nothing ran.
    TooComplex(String),
    /// The HTTP request is not a GraphQL request this server can read (`BAD_REQUEST`); nothing ran.
    BadRequest(String),
    /// A bug or an outage (`INTERNAL`); the detail goes to the log only.
    Internal(String),
}

impl ApiError {
    /// The message for people.
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthenticated => String::from("Silakan masuk terlebih dahulu"),
            ApiError::InvalidCredential(crate::caller::Credential::ApiKey) => {
                String::from("Kunci API tidak berlaku: salah, atau sudah dicabut oleh admin dinas")
            }
            ApiError::InvalidCredential(crate::caller::Credential::Token) => {
                String::from("Sesi Anda sudah berakhir atau tidak berlaku lagi; silakan masuk kembali")
            }
            ApiError::InvalidCredential(crate::caller::Credential::Password) => {
                String::from("Nama pengguna atau kata sandi salah")
            }
            ApiError::Internal(_) => String::from("Terjadi kesalahan pada server; silakan coba lagi"),
            ApiError::Timeout => String::from(
                "Permintaan terlalu lama dan dihentikan; bila Anda mengubah data, periksa dulu apakah perubahan \
                 tersimpan sebelum mengulang",
            ),
            ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::Refused(m)
            | ApiError::RateLimited(m)
            | ApiError::Unavailable(m)
            | ApiError::TooComplex(m)
            | ApiError::BadRequest(m) => m.clone(),
            ApiError::Validation { message, .. } => message.clone(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated | ApiError::InvalidCredential(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Validation { .. } => "VALIDATION",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Refused(_) => "REFUSED",
            ApiError::RateLimited(_) => "RATE_LIMITED",
            ApiError::Unavailable(_) => "UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
            ApiError::Timeout => "TIMEOUT",
            ApiError::TooComplex(_) => "QUERY_TOO_COMPLEX",
            ApiError::BadRequest(_) => "BAD_REQUEST",
        }
    }

    /// The database cannot be reached: what every request that needs it is told meanwhile.
    pub fn database_unavailable() -> Self {
        ApiError::Unavailable(String::from("Basis data tidak dapat dihubungi; coba beberapa saat lagi"))
    }

    /// As a GraphQL server error (for errors raised outside resolvers: budget, timeout, authentication).
    pub fn server_error(self) -> async_graphql::ServerError {
        let error: async_graphql::Error = self.into();
        let mut server_error = async_graphql::ServerError::new(error.message, None);
        server_error.extensions = error.extensions;
        server_error
    }

    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation { message: message.into(), fields: vec![field.to_string()] }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            Refusal::InvalidData { problems } => ApiError::Validation {
                message,
                fields: problems.into_iter().map(|p| format!("data.{}", p.field)).collect(),
            },
            Refusal::InvalidFact { fact, .. } => {
                ApiError::Validation { message, fields: vec![format!("facts.{fact}")] }
            }
            Refusal::NoteRequired => ApiError::Validation { message, fields: vec![String::from("note")] },
            Refusal::InvalidMissingList { .. } => {
                ApiError::Validation { message, fields: vec![String::from("missing")] }
            }
            Refusal::InvalidAssignee { .. } => ApiError::Validation { message, fields: vec![String::from("assignee")] },
            Refusal::ChecklistIncomplete { items } => {
                ApiError::Validation { message, fields: items.into_iter().map(|i| format!("checklist.{i}")).collect() }
            }
            Refusal::UnknownRequirement { requirement } => {
                ApiError::Validation { message, fields: vec![format!("documentsReceived.{requirement}")] }
            }
            Refusal::ActionNotAvailable { .. } => {
                ApiError::Validation { message, fields: vec![String::from("action")] }
            }
            Refusal::StaleVersion { .. } => ApiError::Conflict(message),
            Refusal::RoleNotAllowed { .. } | Refusal::NotAssignee => ApiError::Forbidden(message),
            _ => ApiError::Refused(message),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        // The outage is logged once by the database watch, not by every request that meets it.
        if error.is_unavailable() {
            tracing::debug!(%error, "database unreachable");
            return ApiError::database_unavailable();
        }
        let message = error.to_string();
        match error {
            StoreError::NotFound { .. } => ApiError::NotFound(message),
            StoreError::Conflict => ApiError::Conflict(message),
            StoreError::Refused(refusal) => refusal.into(),
            StoreError::Invalid(message) => ApiError::Validation { message, fields: vec![] },
            StoreError::UsernameRequired | StoreError::UsernameTaken { .. } => ApiError::field("username", message),
            StoreError::PasswordTooShort { .. } => ApiError::field("password", message),
            StoreError::UnknownRole { .. } | StoreError::NoRoles => ApiError::field("roles", message),
            StoreError::UnknownTenant { .. } => ApiError::field("tenant", message),
            StoreError::KeyNameRequired => ApiError::field("name", message),
            StoreError::OwnAccount | StoreError::AccountShared => ApiError::Forbidden(message),
            StoreError::BadCredentials => ApiError::InvalidCredential(crate::caller::Credential::Password),
            StoreError::Definitions { diagnostics } => ApiError::Validation {
                message: format!("definisi layanan memuat {} kesalahan", diagnostics.len()),
                fields: vec![String::from("yaml")],
            },
            StoreError::DefinitionsUnreadable(_)
            | StoreError::Corrupt(_)
            | StoreError::Task(_)
            | StoreError::Database(_) => {
                tracing::error!(error = %message, "store error");
                ApiError::Internal(message)
            }
        }
    }
}

impl From<FilesError> for ApiError {
    fn from(error: FilesError) -> Self {
        match error {
            FilesError::TypeNotAccepted { .. } | FilesError::TooLarge { .. } | FilesError::Empty => {
                ApiError::field("file", error.to_string())
            }
            FilesError::NotFound | FilesError::BadLink => ApiError::NotFound(error.to_string()),
            FilesError::Unavailable(ref detail) => {
                tracing::error!(%detail, "file store unavailable");
                ApiError::Unavailable(String::from(
                    "Penyimpanan berkas sedang tidak dapat dihubungi; tidak ada yang tersimpan, coba lagi nanti",
                ))
            }
            other => {
                tracing::error!(error = %other, "files error");
                ApiError::Internal(other.to_string())
            }
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        let fields = match &error {
            ApiError::Validation { fields, .. } => fields.clone(),
            _ => Vec::new(),
        };
        if let ApiError::Internal(detail) = &error {
            tracing::error!(%detail, "internal error");
        }
        async_graphql::Error::new(error.message()).extend_with(|_, e| {
            e.set("code", code);
            if !fields.is_empty() {
                e.set("fields", fields.clone());
            }
        })
    }
}

/// Results of resolvers.
pub type ApiResult<T> = Result<T, ApiError>;
