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
    /// The application's satisfaction survey was answered already.
    #[error("survei kepuasan permohonan ini sudah diisi; terima kasih")]
    SurveyAnswered,
    /// A complaint's status does not allow the step (closing one not yet answered, say), or it changed meanwhile.
    #[error("{0}")]
    ComplaintStep(String),
    /// The letter was revoked already.
    #[error("surat nomor {number} sudah dicabut sebelumnya")]
    AlreadyRevoked {
        /// Its number.
        number: String,
    },
    /// The engine refused the command.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database lacks migrations a server must not run itself (PostgreSQL).
    #[error("the database needs {count} migrations: run `simpul migrate` first")]
    MigrationsPending {
        /// How many.
        count: usize,
    },
    /// An area-limited caller placed an application outside their area.
    #[error("Anda hanya dapat menangani permohonan untuk {area}; isi desa/kelurahan di wilayah itu")]
    OutsideArea {
        /// The caller's area, in words.
        area: String,
    },
    /// An area that is no kecamatan or desa/kelurahan of the office.
    #[error("{code} bukan kode kecamatan atau desa/kelurahan di wilayah dinas ini")]
    UnknownArea {
        /// The code given.
        code: String,
    },
    /// A disposisi names an id that is no user.
    #[error("Petugas yang ditunjuk tidak dikenal")]
    UnknownAssignee,
    /// A page cursor this server did not hand out.
    #[error("Penanda halaman (cursor) tidak valid; mulai lagi dari halaman pertama")]
    InvalidCursor,
    /// A version asked to take a step its status does not allow (publish a retired one, review a draft …).
    #[error("Versi {version} tidak dapat {step}: versi itu {status}")]
    VersionStatus {
        /// The version number.
        version: i32,
        /// What was asked, in words ("diterbitkan").
        step: &'static str,
        /// Its status, in words.
        status: &'static str,
    },
    /// Publishing needs another admin's approval (the province's four-eyes rule).
    #[error(
        "Versi {version} belum disetujui: provinsi mewajibkan persetujuan admin lain sebelum terbit; ajukan untuk ditinjau"
    )]
    ApprovalRequired {
        /// The version number.
        version: i32,
    },
    /// The author of a version cannot approve it (four eyes).
    #[error("Anda tidak dapat meninjau versi yang Anda buat atau ajukan sendiri; mintalah admin lain meninjaunya")]
    OwnReview,
    /// Sending a version back needs the reason.
    #[error("Tuliskan alasan pengembalian, agar penyusun tahu apa yang harus diperbaiki")]
    ReturnReasonRequired,
    /// A dry run of moving applications that can no longer be applied.
    #[error("Pemindahan tidak dapat diterapkan: {reason}; jalankan uji coba lagi")]
    MoveStale {
        /// Why, in words.
        reason: &'static str,
    },
    /// An office file changing what identifies the office.
    #[error("{what} tidak dapat diubah di sini (tetap {before}); hubungi pengelola server")]
    OfficeIdentity {
        /// What, in words.
        what: &'static str,
        /// Its value.
        before: String,
    },
    /// A template or image file name an office's folder cannot have.
    #[error(
        "Nama berkas \"{name}\" tidak dapat dipakai: gunakan huruf kecil, angka, - atau _, diakhiri .hbs (templat) atau .svg, .png, .jpg (gambar)"
    )]
    TemplateName {
        /// The name given.
        name: String,
    },
    /// A template or image over its size limit.
    #[error("Berkas \"{name}\" terlalu besar: paling besar {limit_kb} KB")]
    TemplateTooLarge {
        /// The file.
        name: String,
        /// The limit, in KB.
        limit_kb: usize,
    },
    /// A template that is not text, or an image that is not what its name says.
    #[error("Berkas \"{name}\" {problem}")]
    TemplateContent {
        /// The file.
        name: String,
        /// What is wrong, in words.
        problem: &'static str,
    },
    /// A start date in the past.
    #[error("Tanggal mulai berlaku sudah lewat; pilih hari ini atau sesudahnya")]
    StartInPast,
    /// The definitions folder could not be read at all.
    #[error("the definitions folder cannot be read: {0}")]
    DefinitionsUnreadable(#[from] simpul_definitions::load::LoadError),
    /// An account needs a login name.
    #[error("Nama pengguna wajib diisi")]
    UsernameRequired,
    /// The login name is someone else's.
    #[error("Nama pengguna \"{username}\" sudah dipakai; pilih nama lain")]
    UsernameTaken {
        /// The name asked for.
        username: String,
    },
    /// The password is too short.
    #[error("Kata sandi paling sedikit {min} karakter")]
    PasswordTooShort {
        /// The minimum.
        min: usize,
    },
    /// A role the office's `tenant.yaml` does not define.
    #[error("Peran \"{role}\" tidak ada di dinas ini")]
    UnknownRole {
        /// The role code given.
        role: String,
    },
    /// An account of an office needs a role there.
    #[error("Pilih paling sedikit satu peran; untuk menghentikan akses, nonaktifkan pengguna")]
    NoRoles,
    /// No office has this code (from the command line).
    #[error("Dinas \"{tenant}\" tidak dikenal")]
    UnknownTenant {
        /// The code given.
        tenant: String,
    },
    /// An API key needs a name saying who uses it.
    #[error("Nama kunci API wajib diisi (siapa yang memakainya, mis. \"SIKS desa Malili\")")]
    KeyNameRequired,
    /// An API key's last day is already past.
    #[error("Tanggal berakhir kunci API sudah lewat; pilih hari ini atau sesudahnya, atau kosongkan untuk tanpa batas")]
    KeyExpiryPast,
    /// An admin tried to disable, reset or demote their own account.
    #[error("Anda tidak dapat menonaktifkan, mengatur ulang kata sandi, atau melepas peran admin akun Anda sendiri")]
    OwnAccount,
    /// The account also serves another office or a province, so one office's admin may not change it as a whole.
    #[error(
        "Pengguna ini juga bertugas di dinas lain atau di provinsi; akunnya hanya dapat diubah oleh pengelola server"
    )]
    AccountShared,
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
    /// Work handed to the blocking pool did not finish (it panicked, or the runtime is shutting down).
    #[error("a worker task failed: {0}")]
    Task(String),
    /// A registry upload could not be read; the previous snapshot stays in force.
    #[error(transparent)]
    Registry(#[from] crate::registry::RegistryError),
    /// The database failed.
    /// `DATABASE_REPLICA_URL` set where a replica cannot be used: the primary or the replica is not PostgreSQL.
    #[error("a read replica needs PostgreSQL for both the primary and the replica")]
    ReplicaNeedsPostgres,
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
}

impl StoreError {
    /// Whether the database could not be reached or gave up on the statement (connection refused or lost, pool
    /// timed out, statement timeout, server shutting down): an outage to report as such, not a bug.
    pub fn is_unavailable(&self) -> bool {
        let StoreError::Database(error) = self else { return false };
        match error {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => true,
            sea_orm::DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
            | sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => sqlx_unavailable(e),
            _ => false,
        }
    }

    /// Whether a database error is the violation of a unique constraint.
    pub(crate) fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
        matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
    }
}

fn sqlx_unavailable(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match error {
        Error::Io(_) | Error::Tls(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception), 57014 (statement timeout or cancel), 57P01–57P03 (the
        // server is shutting down or not yet accepting connections).
        Error::Database(db) => db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57")),
        _ => false,
    }
}

/// Results of the store.
pub type StoreResult<T> = Result<T, StoreError>;
