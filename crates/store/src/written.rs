//! The applications this process wrote last, each at the version it wrote, so that the next decision on one of
//! them need not read it back from the database: one round trip of the two a decision costs (the read, and the
//! write in one statement — see [`crate::batch`]).
//!
//! Why it cannot answer wrongly: an application's state at a version never changes — every writer of a state
//! raises the version (actions, version moves), except the backfill, which forgets what it rewrites. So a
//! remembered state is either the current one or an older one. A decision uses it only when its command was given
//! against exactly that version, and its write checks the version in the database as every write does. When another
//! instance (or a writer that does not pass through here) wrote meanwhile, that write finds nothing to update; the
//! entry is forgotten and the decision made again on the state read from the database, so the caller gets what they
//! would have got without this.

use std::sync::{Arc, Mutex};

use chrono::SubsecRound;
use hashlink::LruCache;
use sea_orm::DbBackend;
use uuid::Uuid;

use crate::applications::ApplicationRecord;
use crate::scope::TenantScope;

/// How many applications are remembered, the least recently used forgotten first. A state is a few kilobytes, so
/// this bounds the memory to some ten or twenty megabytes, while the applications an office works on in a day,
/// acted on step after step, stay in it.
const CAPACITY: usize = 2_048;

/// An application as this process wrote it.
pub(crate) struct Written {
    /// The record, at the version written.
    pub(crate) record: ApplicationRecord,
    /// Its area, as the row's `area` column holds it: the reader's scope must cover it as the database query's
    /// would ([`crate::applications::visible`]).
    pub(crate) area: Option<String>,
}

/// The remembered applications, shared by the requests of a process.
pub(crate) struct WrittenApplications {
    entries: Mutex<LruCache<Uuid, Arc<Written>>>,
}

impl Default for WrittenApplications {
    fn default() -> Self {
        WrittenApplications { entries: Mutex::new(LruCache::new(CAPACITY)) }
    }
}

impl WrittenApplications {
    /// The application `id` as last written here, if it is at `version` and `scope` may see it.
    pub(crate) fn recall(&self, scope: &TenantScope, id: Uuid, version: u64) -> Option<Arc<Written>> {
        let written = self.entries.lock().ok()?.get(&id).cloned()?;
        let usable = written.record.tenant_id == scope.tenant_id()
            && u64::try_from(written.record.version).is_ok_and(|v| v == version)
            && scope.covers(written.area.as_deref());
        usable.then_some(written)
    }

    /// Remembers an application just written, as [`as_stored`] gives it.
    pub(crate) fn remember(&self, record: ApplicationRecord, area: Option<String>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(record.id, Arc::new(Written { record, area }));
        }
    }

    /// Forgets an application: its remembered state is no longer the current one, or may not be.
    pub(crate) fn forget(&self, id: Uuid) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&id);
        }
    }
}

/// `record` with its times as `backend` keeps them (PostgreSQL to the microsecond): what a writer returns and
/// remembers is then what a read of the row would give.
pub(crate) fn as_stored(mut record: ApplicationRecord, backend: DbBackend) -> ApplicationRecord {
    if backend == DbBackend::Postgres {
        record.submitted_at = record.submitted_at.trunc_subsecs(6);
        record.updated_at = record.updated_at.trunc_subsecs(6);
    }
    record
}
