//! One error type for the API boundary. Each variant becomes a GraphQL error whose `extensions.code` is stable
//! for integrators and whose message an officer can act on, in Bahasa Indonesia. Internal errors are logged with
//! their detail and never shown.

use async_graphql::ErrorExtensions;
use serde::Serialize;
use simpul_engine::refusal::Named;
use simpul_engine::{InputField, Refusal};
use simpul_files::FilesError;
use simpul_store::StoreError;

/// One field's problem in a `VALIDATION` error (`extensions.fields`): the input's path as the client sent it,
/// and what is wrong with that one field, so that a form shows each message beside its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The input's path: `data.nik`, `checklist.sptjm`, `assignee`.
    pub path: String,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
}

/// What a `REFUSED` error names, so that a client can point at it (`extensions.missingDocuments`,
/// `extensions.rule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Nothing more than the message.
    Plain,
    /// Required documents neither attached nor received.
    MissingDocuments(Vec<Named>),
    /// A blocking eligibility rule failed.
    RuleFailed {
        /// The rule's code.
        rule: String,
    },
}

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
        /// Each field concerned, with its own message.
        fields: Vec<FieldError>,
    },
    /// It changed since the caller read it (`CONFLICT`); with the current version where it is known.
    Conflict {
        /// What happened.
        message: String,
        /// The version to reload (`extensions.currentVersion`).
        current_version: Option<u64>,
    },
    /// The procedure does not allow it now (`REFUSED`).
    Refused {
        /// Why not.
        message: String,
        /// What it names.
        detail: Refused,
    },
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
            | ApiError::Conflict { message: m, .. }
            | ApiError::Refused { message: m, .. }
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
            ApiError::Conflict { .. } => "CONFLICT",
            ApiError::Refused { .. } => "REFUSED",
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
    pub fn field(path: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Validation { fields: vec![FieldError { path: path.to_string(), message: message.clone() }], message }
    }

    /// A refusal of the procedure that names nothing more than its message.
    pub fn refused(message: impl Into<String>) -> Self {
        ApiError::Refused { message: message.into(), detail: Refused::Plain }
    }

    /// A conflict whose current version is not known here.
    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::Conflict { message: message.into(), current_version: None }
    }
}

/// The input path of a command's input, as the `act` mutation names it.
fn input_path(input: InputField) -> &'static str {
    match input {
        InputField::Note => "note",
        InputField::Checklist => "checklist",
        InputField::Facts => "facts",
        InputField::DocumentsReceived => "documentsReceived",
        InputField::Missing => "missing",
        InputField::Assignee => "assignee",
        InputField::Data => "data",
    }
}

impl From<Refusal> for ApiError {
    /// Every refusal by its own arm, so that a new one cannot silently become a generic error.
    fn from(refusal: Refusal) -> Self {
        let message = refusal.to_string();
        let one = |path: String| ApiError::field(&path, message.clone());
        match refusal {
            Refusal::InvalidData { problems } => ApiError::Validation {
                message,
                fields: problems
                    .into_iter()
                    .map(|p| FieldError { path: format!("data.{}", p.field), message: p.problem })
                    .collect(),
            },
            Refusal::ChecklistIncomplete { items } => ApiError::Validation {
                message,
                fields: items
                    .into_iter()
                    .map(|i| FieldError {
                        path: format!("checklist.{}", i.code),
                        message: format!("Belum dikonfirmasi: {}", i.label),
                    })
                    .collect(),
            },
            Refusal::InvalidFact { fact, .. } => one(format!("facts.{fact}")),
            Refusal::UnknownChecklistItem { item } => one(format!("checklist.{item}")),
            Refusal::UnknownRequirement { requirement } => one(format!("documentsReceived.{requirement}")),
            Refusal::InputNotTaken { input } => one(input_path(input).to_string()),
            Refusal::NoteRequired => one(String::from("note")),
            Refusal::InvalidMissingList { .. } => one(String::from("missing")),
            Refusal::InvalidAssignee { .. } => one(String::from("assignee")),
            Refusal::ActionNotAvailable { .. } => one(String::from("action")),
            Refusal::ChannelNotAccepted { .. } => one(String::from("channel")),
            Refusal::StaleVersion { actual, .. } => ApiError::Conflict { message, current_version: Some(actual) },
            Refusal::RoleNotAllowed { .. } | Refusal::NotAssignee | Refusal::InitialledCannotSign => {
                ApiError::Forbidden(message)
            }
            Refusal::MissingDocuments { missing } => {
                ApiError::Refused { message, detail: Refused::MissingDocuments(missing) }
            }
            Refusal::RuleFailed { rule, .. } => ApiError::Refused { message, detail: Refused::RuleFailed { rule } },
            Refusal::ParafOutOfOrder { .. }
            | Refusal::AlreadyInitialled
            | Refusal::Ended { .. }
            | Refusal::DefinitionMismatch { .. }
            | Refusal::AlreadySubmitted
            | Refusal::NotSubmitted
            | Refusal::WrongStage { .. } => ApiError::refused(message),
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
            StoreError::Conflict => ApiError::conflict(message),
            StoreError::Refused(refusal) => refusal.into(),
            StoreError::UnknownAssignee => ApiError::field("assignee", message),
            StoreError::UnknownArea { .. } => ApiError::field("area", message),
            StoreError::OutsideArea { .. } => ApiError::Forbidden(message),
            StoreError::InvalidCursor => ApiError::field("after", message),
            StoreError::VersionStatus { .. }
            | StoreError::ApprovalRequired { .. }
            | StoreError::MoveStale { .. }
            | StoreError::AlreadyRevoked { .. }
            | StoreError::SurveyAnswered
            | StoreError::ComplaintStep(_) => ApiError::refused(message),
            StoreError::UsernameRequired | StoreError::UsernameTaken { .. } => ApiError::field("username", message),
            StoreError::PasswordTooShort { .. } => ApiError::field("password", message),
            StoreError::UnknownRole { .. } | StoreError::NoRoles => ApiError::field("roles", message),
            StoreError::UnknownTenant { .. } => ApiError::field("tenant", message),
            StoreError::KeyNameRequired => ApiError::field("name", message),
            StoreError::KeyExpiryPast => ApiError::field("expiresOn", message),
            StoreError::Registry(_) => ApiError::field("file", message),
            StoreError::OwnAccount | StoreError::AccountShared | StoreError::OwnReview => ApiError::Forbidden(message),
            StoreError::ReturnReasonRequired => ApiError::field("comment", message),
            StoreError::OfficeIdentity { .. } => ApiError::field("yaml", message),
            StoreError::StartInPast => ApiError::field("effectiveFrom", message),
            StoreError::TemplateName { .. } => ApiError::field("name", message),
            StoreError::TemplateTooLarge { .. } | StoreError::TemplateContent { .. } => {
                ApiError::field("content", message)
            }
            StoreError::BadCredentials => ApiError::InvalidCredential(crate::caller::Credential::Password),
            StoreError::Definitions { diagnostics } => ApiError::Validation {
                message: format!("definisi layanan memuat {} kesalahan", diagnostics.len()),
                fields: diagnostics
                    .iter()
                    .map(|d| FieldError {
                        path: String::from("yaml"),
                        message: format!("baris {}: {} ({})", d.line, d.message, d.path),
                    })
                    .collect(),
            },
            StoreError::DefinitionsUnreadable(_)
            | StoreError::MigrationsPending { .. }
            | StoreError::ReplicaNeedsPostgres
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
            FilesError::InvalidKey(_) | FilesError::Config(_) | FilesError::Io(_) => {
                tracing::error!(error = %error, "files error");
                ApiError::Internal(error.to_string())
            }
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        if let ApiError::Internal(detail) = &error {
            tracing::error!(%detail, "internal error");
        }
        let code = error.code();
        async_graphql::Error::new(error.message()).extend_with(|_, e| {
            e.set("code", code);
            match &error {
                ApiError::Validation { fields, .. } if !fields.is_empty() => e.set("fields", to_value(fields)),
                ApiError::Conflict { current_version: Some(version), .. } => e.set("currentVersion", *version),
                ApiError::Refused { detail: Refused::MissingDocuments(missing), .. } => {
                    e.set("missingDocuments", to_value(missing));
                }
                ApiError::Refused { detail: Refused::RuleFailed { rule }, .. } => e.set("rule", rule.as_str()),
                _ => {}
            }
        })
    }
}

/// A serializable value as a GraphQL value; these types hold only strings, so this cannot fail.
fn to_value(value: &impl Serialize) -> async_graphql::Value {
    async_graphql::to_value(value).unwrap_or_default()
}

/// Results of resolvers.
pub type ApiResult<T> = Result<T, ApiError>;
