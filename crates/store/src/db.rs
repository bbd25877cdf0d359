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

/// How long the server waits for PostgreSQL before it tells the caller the database is unavailable. A request that
/// cannot reach the database must be answered within 5 s, never hang with its connection (and its pool slot).
pub mod timeouts {
    use std::time::Duration;

    /// Opening a connection: on loopback or a LAN it takes milliseconds; a server that has not answered in 3 s is
    /// down or unreachable.
    pub const CONNECT: Duration = Duration::from_secs(3);
    /// Waiting for a pooled connection (and its liveness check): past 3 s the pool is exhausted by connections
    /// that hang, which is an outage too.
    pub const ACQUIRE: Duration = Duration::from_secs(3);
    /// PostgreSQL's `statement_timeout` on the server's connections: no statement of a request needs seconds (the
    /// slowest, a page at a million rows, takes milliseconds); one that runs longer is cancelled so that it does
    /// not hold its connection and locks.
    pub const STATEMENT: &str = "5s";
    /// PostgreSQL's `idle_in_transaction_session_timeout`: a transaction left open by a client that vanished
    /// would hold its row locks; the server ends it after 10 s.
    pub const IDLE_IN_TRANSACTION: &str = "10s";
}

/// Opens a connection pool for the server: as [`connect`], with the [`timeouts`] on PostgreSQL and the server's
/// TCP keepalive (probe after 10 s idle, every 5 s, give up after 3), so that PostgreSQL ends the session of a
/// server that vanished instead of keeping its locks. sqlx offers no TCP socket options on the client side; the
/// server's database watch (`Store::watch_database`) notices a connection that went silent instead.
pub async fn connect_for_server(url: &str) -> StoreResult<DatabaseConnection> {
    connect_with(url, true, false).await
}

/// As [`connect_for_server`], but connecting only when first used: for the read replica, which must not keep the
/// server from starting when it is down (its reads go to the primary meanwhile).
pub async fn connect_lazily_for_server(url: &str) -> StoreResult<DatabaseConnection> {
    connect_with(url, true, true).await
}

/// Opens a connection pool.
///
/// SQLite gets WAL mode, a busy timeout and foreign keys, and one connection: SQLite has one writer at a time,
/// and a single pooled connection makes every transaction wait its turn instead of failing with "database is
/// locked". PostgreSQL gets a pool sized for a server.
pub async fn connect(url: &str) -> StoreResult<DatabaseConnection> {
    connect_with(url, false, false).await
}

async fn connect_with(url: &str, server: bool, lazy: bool) -> StoreResult<DatabaseConnection> {
    if let Some(path) = url.strip_prefix("sqlite://").map(|rest| rest.split('?').next().unwrap_or(rest))
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
        && path != ":memory:"
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| sea_orm::DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .connect_lazy(lazy);
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
        // sqlx pings a connection before handing it out, one more round trip for every statement and transaction
        // (half of an idle server's statements, a sixth of a transition's). A connection used in the last 10 s
        // is trusted instead; one idle for longer, which a restart or a network may have broken meanwhile, is
        // still pinged.
        options.max_connections(32).min_connections(2).test_before_acquire_if_idle_for(Duration::from_secs(10));
        if server {
            options.connect_timeout(timeouts::CONNECT).acquire_timeout(timeouts::ACQUIRE);
            options.map_sqlx_postgres_opts(|o| {
                o.options([
                    ("statement_timeout", timeouts::STATEMENT),
                    ("idle_in_transaction_session_timeout", timeouts::IDLE_IN_TRANSACTION),
                    ("tcp_keepalives_idle", "10"),
                    ("tcp_keepalives_interval", "5"),
                    ("tcp_keepalives_count", "3"),
                ])
            });
        }
    }
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(|info| crate::statements::count_one(info.statement));
    Ok(db)
}

/// Which database a connection talks to.
pub fn backend(db: &DatabaseConnection) -> DbBackend {
    db.get_database_backend()
}
