//! Connecting: SQLite (a file, WAL mode) when nothing is configured, PostgreSQL when the URL says so.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};

use crate::error::StoreResult;

/// The database file used when no URL is configured, relative to the working directory.
pub const DEFAULT_SQLITE_PATH: &str = "data/simpul.db";

/// The URL of the embedded default database.
pub fn default_url() -> String {
    format!("sqlite://{DEFAULT_SQLITE_PATH}?mode=rwc")
}

/// Opens a connection pool.
///
/// SQLite gets WAL mode, a busy timeout and foreign keys, and one connection: SQLite has one writer at a time,
/// and a single pooled connection makes every transaction wait its turn instead of failing with "database is
/// locked". PostgreSQL gets a pool sized for a server.
pub async fn connect(url: &str) -> StoreResult<DatabaseConnection> {
    if let Some(path) = url.strip_prefix("sqlite://").map(|rest| rest.split('?').next().unwrap_or(rest))
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
        && path != ":memory:"
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| sea_orm::DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut options = ConnectOptions::new(url.to_string());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        options.max_connections(1).min_connections(1).idle_timeout(None::<Duration>).max_lifetime(None::<Duration>);
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        options.max_connections(32).min_connections(2);
    }
    Ok(Database::connect(options).await?)
}

/// Which database a connection talks to.
pub fn backend(db: &DatabaseConnection) -> DbBackend {
    db.get_database_backend()
}
