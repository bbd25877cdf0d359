//! Persistence of Simpul on sea-orm: SQLite by default, PostgreSQL in production, with the same code.
//!
//! The promises kept here: an office never loses an application (every change is one transaction of events,
//! snapshot, outbox and audit rows), never sees another office's residents (every query takes a
//! [`TenantScope`] that only [`auth`] can make), and never issues two letters with the same number (numbers are
//! taken from a per-tenant, per-series, per-year sequence inside the signing transaction).

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod auth;
mod backfill;
mod batch;
pub mod complaints;
pub mod dashboard;
pub mod db;
pub mod deadlines;
pub mod definitions;
pub mod documents;
mod entities;
pub mod error;
mod health;
pub mod inbox;
pub mod letters;
pub mod notifications;
pub mod outbox;
pub mod polls;
mod predicates;
mod public_codes;
pub mod registry;
pub mod replica;
pub mod scope;
pub mod signing;
mod snapshot;
pub mod statements;
pub mod surveys;
pub mod webhooks;
pub mod workflow;
mod written;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use simpul_migrations::{Migrate, Migrator};
use uuid::Uuid;

pub use applications::{ApplicationFilter, ApplicationRecord, Page, StageFilter, TrackingProof};
pub use definitions::TenantRuntime;
pub use error::{StoreError, StoreResult};
pub use scope::{Membership, Principal, SystemAccess, TenantScope};
pub use workflow::{Acted, SubmitRequest, Submitted};

use definitions::VersionInfo;

/// Compiled definitions, which version of each service is published, and tenant calendars, shared by all requests
/// of a process. Compiled versions never change (a version is immutable by id); the other two are cleared when
/// any instance publishes or syncs definitions ([`Store::forget_definitions`], told through the shared state),
/// and trusted for [`FRESH`] at most in case such a notice was lost.
#[derive(Default)]
struct Caches {
    services: RwLock<HashMap<Uuid, (VersionInfo, Arc<simpul_engine::Service>)>>,
    published: RwLock<HashMap<(String, String), (Uuid, Instant)>>,
    tenants: RwLock<HashMap<String, definitions::CachedTenant>>,
    templates: RwLock<HashMap<String, (Arc<definitions::TemplateFiles>, Instant)>>,
    /// The applications this process wrote last (see [`written`]).
    written: written::WrittenApplications,
}

/// How long a cached published version or tenant calendar is used without hearing of a change: the safety net
/// for a notice that was lost (Redis down, a `definitions sync` on a deployment without Redis).
const FRESH: Duration = Duration::from_secs(30);

/// The store: a connection pool and the caches.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    caches: Arc<Caches>,
    /// The URL connected to (the database watch opens its own connection to it).
    url: Arc<str>,
    health: Arc<health::DatabaseHealth>,
    /// The streaming replica for reads that may lag, when one is configured.
    replica: Option<Arc<replica::Replica>>,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Ok(Store::with_connection(db::connect(url).await?, url))
    }

    fn with_connection(db: DatabaseConnection, url: &str) -> Self {
        Store { db, caches: Arc::default(), url: Arc::from(url), health: Arc::default(), replica: None }
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> StoreResult<()> {
        Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// The connection, for health checks and benchmarks.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Forgets which versions are published and the tenants' calendars, so that the next request reads them
    /// again: called by this process after it changed definitions, and on every instance when it hears that
    /// another one did.
    pub fn forget_definitions(&self) {
        if let Ok(mut published) = self.caches.published.write() {
            published.clear();
        }
        if let Ok(mut tenants) = self.caches.tenants.write() {
            tenants.clear();
        }
        if let Ok(mut templates) = self.caches.templates.write() {
            templates.clear();
        }
    }
}

/// Whether a URL names the embedded SQLite database.
pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

impl Store {
    /// Opens the store the way the server starts: connects (with the server's [`db::timeouts`]), applies the migrations on the embedded database
    /// (on PostgreSQL they are applied by `simpul migrate`, and a database behind them is refused), and imports
    /// the shipped definitions when the database has none.
    pub async fn open(url: &str, definitions: &std::path::Path) -> StoreResult<Store> {
        let store = Store::with_connection(db::connect_for_server(url).await?, url);
        if is_sqlite(url) {
            store.migrate().await?;
        } else {
            let pending = Migrator::get_pending_migrations(&store.db).await?;
            if !pending.is_empty() {
                return Err(StoreError::MigrationsPending { count: pending.len() });
            }
        }
        store.import_definitions_if_empty(definitions).await?;
        store.import_templates_if_empty(definitions).await?;
        let filled = store.fill_derived_columns().await?;
        if filled > 0 {
            tracing::info!(filled, "computed the derived columns of applications from before them");
        }
        Ok(store)
    }
}
