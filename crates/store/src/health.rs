//! Whether the database answers, watched from a connection of its own.
//!
//! A database that refuses connections fails requests at once; one whose network silently drops packets does
//! not: a statement already sent waits for an answer that never comes, and no timeout on the server's side can
//! help. So the server probes PostgreSQL every second on a separate connection, with a short timeout; when the
//! probe fails, every request waiting on the database is answered UNAVAILABLE at once (the API races each
//! request against [`Store::database_down`]), requests meanwhile are refused without waiting, and the outage is
//! logged once, as an ERROR. The first probe that succeeds ends it. SQLite, a file of this process, is always up.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::sync::watch;

use crate::Store;
use crate::error::StoreResult;

/// How long the probe waits for `SELECT 1`: PostgreSQL answers it in a millisecond; two seconds without an answer
/// is an outage, and leaves time to answer a waiting request within 5 s.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The database's state as the watch last saw it.
pub struct DatabaseHealth {
    up: watch::Sender<bool>,
}

impl Default for DatabaseHealth {
    fn default() -> Self {
        DatabaseHealth { up: watch::Sender::new(true) }
    }
}

impl Store {
    /// Whether the last probe of the database succeeded.
    pub fn database_up(&self) -> bool {
        *self.health.up.borrow()
    }

    /// Resolves when the database is (or goes) down: a request raced against it is answered at once instead of
    /// waiting for a connection that went silent.
    pub fn database_down(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut up = self.health.up.subscribe();
        async move {
            if up.wait_for(|up| !*up).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// Probes the database every `every` until the process ends (PostgreSQL only), logging each change once.
    pub async fn watch_database(&self, every: Duration) {
        if crate::is_sqlite(&self.url) {
            // Nothing to watch; the task stays, so that its supervisor does not take it for ended.
            return std::future::pending().await;
        }
        let mut probe: Option<DatabaseConnection> = None;
        loop {
            let result = self.probe(&mut probe).await;
            let up = result.is_ok();
            let was_up = self.health.up.send_replace(up);
            match result {
                Err(error) if was_up => tracing::error!(
                    %error,
                    "database unreachable: requests are answered UNAVAILABLE until it answers again"
                ),
                Ok(()) if !was_up => tracing::info!("database answers again"),
                Err(error) => tracing::debug!(%error, "database still unreachable"),
                Ok(()) => {}
            }
            if !up {
                // A connection that hung may never come back: the next probe connects afresh.
                probe = None;
            }
            tokio::time::sleep(every).await;
        }
    }

    async fn probe(&self, probe: &mut Option<DatabaseConnection>) -> Result<(), String> {
        let work = async {
            if probe.is_none() {
                *probe = Some(probe_pool(&self.url).await.map_err(|e| e.to_string())?);
            }
            let Some(connection) = probe.as_ref() else { return Err(String::from("no probe connection")) };
            connection.execute_unprepared("SELECT 1").await.map(|_| ()).map_err(|e| e.to_string())
        };
        match tokio::time::timeout(PROBE_TIMEOUT, work).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
        }
    }
}

/// One connection for the probe, apart from the pool that requests use (a pool exhausted by busy requests is
/// not an outage).
pub(crate) async fn probe_pool(url: &str) -> StoreResult<DatabaseConnection> {
    let mut options = sea_orm::ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .max_connections(1)
        .min_connections(0)
        .connect_timeout(PROBE_TIMEOUT)
        .acquire_timeout(PROBE_TIMEOUT);
    Ok(sea_orm::Database::connect(options).await?)
}
