//! Reads from a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`), for the reads that may lag: lists, inboxes,
//! dashboards, exports, public pages, tracking.
//!
//! A replica shows what the primary committed a moment ago, so a read that follows the caller's own write must
//! not go there blindly. The rule, kept here and nowhere else:
//!
//! - A watch samples, every half second, the primary's WAL position and the time it asked, and the replica's
//!   replayed position. Once the replica has replayed past a sample, everything committed on the primary before
//!   that sample's time is visible on the replica: that time is the replica's *horizon*.
//! - The API runs each request under a [`ReadPolicy`]: a mutation under [`ReadPolicy::Primary`], a query under
//!   [`ReadPolicy::MayLag`] with the time of the caller's last write, if it remembers one. Work outside any policy
//!   (background tasks, the command line) reads the primary.
//! - A read that may lag goes to the replica when the horizon is later than the caller's last write (plus
//!   [`CLOCK_SKEW`], since the write may have been marked by another instance's clock) and is no older than the
//!   configured maximum lag; otherwise to the primary. So a caller's own writes are always seen: the read is
//!   routed to the primary until the replica has replayed them (rather than waiting for the replica, which would
//!   make the officer who just acted wait for replication).
//! - A lookup by a code that someone may have just been given (a tracking code, a complaint's code, a letter's
//!   short code, typed by a person who is not signed in) that the replica does not find is asked again on the
//!   primary: a miss on a replica is never final, and the rest of that request reads the primary too.
//! - The first read that may lag decides for the whole request, so that no answer mixes the two.
//! - A replica that stops replaying (its horizon falls more than the maximum lag behind) or does not answer sends
//!   every read to the primary; the watch logs it once as a WARNING, and `/readyz` names it.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::Store;
use crate::error::{StoreError, StoreResult};

tokio::task_local! {
    static ROUTE: Arc<Mutex<Route>>;
}

/// Where a scope's reads that may lag go: undecided until the first of them, then kept for the rest of the work,
/// so that one request does not read part of its answer from the replica and part from the primary.
#[derive(Debug, Clone, Copy)]
enum Route {
    Undecided(ReadPolicy),
    Replica,
    Primary,
}

/// Where the reads of a piece of work may go; set by [`ReadPolicy::scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPolicy {
    /// Everything from the primary: work that writes, and everything outside a scope.
    Primary,
    /// Reads that may lag may come from the replica, as long as it has replayed the caller's last write (`None`:
    /// none remembered, as for a caller who is not signed in).
    MayLag { last_write: Option<SystemTime> },
}

impl ReadPolicy {
    /// `work`, its reads routed by this policy; with where its reads that may lag went (`None`: it made none),
    /// for the metrics.
    pub async fn scope<F: Future>(self, work: F) -> (F::Output, Option<ReadFrom>) {
        let route = Arc::new(Mutex::new(Route::Undecided(self)));
        let output = ROUTE.scope(route.clone(), work).await;
        let from = match route.lock().map(|route| *route) {
            Ok(Route::Replica) => Some(ReadFrom::Replica),
            Ok(Route::Primary) => Some(ReadFrom::Primary),
            Ok(Route::Undecided(_)) | Err(_) => None,
        };
        (output, from)
    }
}

/// Where a scope's reads that may lag went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    Replica,
    /// The primary: no replica serving, or it had not replayed the caller's last write.
    Primary,
}

impl ReadFrom {
    /// As the metrics label it.
    pub fn label(self) -> &'static str {
        match self {
            ReadFrom::Replica => "replica",
            ReadFrom::Primary => "primary",
        }
    }
}

/// How far the clocks of a deployment's instances may disagree: a write marked by one instance is compared with
/// the horizon measured by another's clock. NTP keeps servers within milliseconds; a second is a wide margin, and
/// costs only that a caller's reads go to the primary for a second longer after each write.
pub const CLOCK_SKEW: Duration = Duration::from_secs(1);

/// The default maximum lag: past it, the replica is taken for stopped and reads go to the primary. Streaming
/// replication on a LAN replays within milliseconds; a replica seconds behind is stuck or overloaded, and a list
/// seconds old would puzzle an officer.
pub const DEFAULT_MAX_LAG: Duration = Duration::from_secs(5);

/// How long the watch waits for each of its two statements: both answer in a millisecond; a replica that has not
/// answered within a second is taken for unreachable (reads then go to the primary, which is always safe).
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Samples kept while the replica catches up: one per probe, so at the default period a minute's worth. A replica
/// further behind is stopped anyway, and the oldest samples are dropped.
const MAX_SAMPLES: usize = 120;

/// The replica as the watch last saw it, for `/readyz` and the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaStatus {
    /// No replica configured: every read goes to the primary.
    Off,
    /// Not probed yet (just started): reads go to the primary until it is.
    Starting,
    /// Replaying within the maximum lag: reads that may lag go to it.
    Current,
    /// Replaying more than the maximum lag behind, or not at all: reads go to the primary.
    Behind,
    /// Does not answer, or is not a standby: reads go to the primary.
    Unreachable,
}

impl ReplicaStatus {
    /// As `/readyz` shows it.
    pub fn label(self) -> &'static str {
        match self {
            ReplicaStatus::Off => "off",
            ReplicaStatus::Starting => "starting",
            ReplicaStatus::Current => "ok",
            ReplicaStatus::Behind => "behind",
            ReplicaStatus::Unreachable => "unreachable",
        }
    }

    /// Whether reads go to the primary instead of a configured replica.
    pub fn is_failing(self) -> bool {
        matches!(self, ReplicaStatus::Behind | ReplicaStatus::Unreachable)
    }
}

/// What the watch knows.
#[derive(Debug, Clone, Copy)]
struct Seen {
    status: ReplicaStatus,
    /// Everything committed on the primary before this time is visible on the replica.
    horizon: Option<SystemTime>,
}

/// A configured replica: its pool, its URL (the watch opens its own connections) and what the watch saw.
pub(crate) struct Replica {
    db: DatabaseConnection,
    url: Arc<str>,
    max_lag: Duration,
    seen: RwLock<Seen>,
}

impl Replica {
    fn seen(&self) -> Seen {
        self.seen.read().map(|s| *s).unwrap_or(Seen { status: ReplicaStatus::Unreachable, horizon: None })
    }

    /// Whether a read by a caller whose last write was `last_write` may go to the replica now.
    fn serves(&self, last_write: Option<SystemTime>, now: SystemTime) -> bool {
        serves(self.seen(), self.max_lag, last_write, now)
    }
}

/// The rule itself: the replica is current, its horizon no more than `max_lag` old, and past the caller's last
/// write by more than the clocks may disagree.
fn serves(seen: Seen, max_lag: Duration, last_write: Option<SystemTime>, now: SystemTime) -> bool {
    let Seen { status: ReplicaStatus::Current, horizon: Some(horizon) } = seen else { return false };
    let fresh = now.duration_since(horizon).map_or(true, |lag| lag <= max_lag);
    fresh && last_write.is_none_or(|written| horizon > written + CLOCK_SKEW)
}

impl Store {
    /// Adds a streaming replica at `url` for the reads that may lag, taken for stopped once it is `max_lag`
    /// behind. PostgreSQL only. Reads go to the primary until [`Store::watch_replica`] has seen the replica
    /// replaying.
    pub async fn with_replica(mut self, url: &str, max_lag: Duration) -> StoreResult<Store> {
        if crate::is_sqlite(url) || crate::is_sqlite(&self.url) {
            return Err(StoreError::ReplicaNeedsPostgres);
        }
        let db = crate::db::connect_lazily_for_server(url).await?;
        let seen = RwLock::new(Seen { status: ReplicaStatus::Starting, horizon: None });
        self.replica = Some(Arc::new(Replica { db, url: Arc::from(url), max_lag, seen }));
        Ok(self)
    }

    /// How long a caller's write must be remembered for [`ReadPolicy::MayLag`] (`None` without a replica: nothing
    /// to remember). Past the maximum lag and the clock skew, a replica still behind the write is stopped, so its
    /// reads go to the primary anyway.
    pub fn remember_writes_for(&self) -> Option<Duration> {
        self.replica.as_ref().map(|replica| replica.max_lag + CLOCK_SKEW + Duration::from_secs(1))
    }

    /// The replica as last seen ([`ReplicaStatus::Off`] without one).
    pub fn replica_status(&self) -> ReplicaStatus {
        self.replica.as_ref().map_or(ReplicaStatus::Off, |replica| replica.seen().status)
    }

    /// The connection for a read that may lag: the replica when the current [`ReadPolicy`] and the replica's
    /// horizon allow it, the primary otherwise.
    /// The first such read of a scope decides for the rest of it.
    pub(crate) fn lagging(&self) -> &DatabaseConnection {
        let Some(replica) = &self.replica else { return &self.db };
        let route = ROUTE.try_with(|route| {
            let Ok(mut route) = route.lock() else { return Route::Primary };
            let decided = match *route {
                Route::Undecided(ReadPolicy::MayLag { last_write })
                    if replica.serves(last_write, SystemTime::now()) =>
                {
                    Route::Replica
                }
                Route::Undecided(_) => Route::Primary,
                decided => decided,
            };
            *route = decided;
            decided
        });
        match route {
            Ok(Route::Replica) => &replica.db,
            _ => &self.db,
        }
    }

    /// Sends the rest of the scope's reads to the primary: it found there what the replica lacks.
    fn stay_on_primary() {
        let _ = ROUTE.try_with(|route| {
            if let Ok(mut route) = route.lock() {
                *route = Route::Primary;
            }
        });
    }

    /// A lookup by a code someone may have just been given: read where [`Store::lagging`] says, and, when that was
    /// the replica and it found nothing (or failed), again on the primary.
    pub(crate) async fn lookup<'a, T, F, Found>(&'a self, find: F) -> StoreResult<Option<T>>
    where
        F: Fn(&'a DatabaseConnection) -> Found,
        Found: Future<Output = StoreResult<Option<T>>>,
    {
        let db = self.lagging();
        if std::ptr::eq(db, &self.db) {
            return find(db).await;
        }
        match find(db).await {
            Ok(Some(found)) => Ok(Some(found)),
            Ok(None) | Err(_) => {
                Store::stay_on_primary();
                find(&self.db).await
            }
        }
    }

    /// Watches the replica every `every` until the process ends (a no-op without one): keeps its horizon, and
    /// logs once when it stops serving reads and when it serves them again.
    pub async fn watch_replica(&self, every: Duration) {
        let Some(replica) = self.replica.clone() else { return std::future::pending().await };
        let mut samples: VecDeque<(SystemTime, i64)> = VecDeque::new();
        let mut probes: Option<(DatabaseConnection, DatabaseConnection)> = None;
        // Whether reads were last sent away from the replica (`starting` in between does not count), for the one
        // line saying they are back.
        let mut failing = false;
        loop {
            let checked =
                tokio::time::timeout(PROBE_TIMEOUT * 2, self.sample_replica(&replica, &mut probes, &mut samples))
                    .await
                    .unwrap_or_else(|_| Err(format!("no answer within {} s", (PROBE_TIMEOUT * 2).as_secs())));
            let previous = replica.seen();
            let next = match checked {
                Ok(horizon) => {
                    let horizon = horizon.or(previous.horizon);
                    let lag = horizon.and_then(|h| SystemTime::now().duration_since(h).ok());
                    let status = match lag {
                        Some(lag) if lag > replica.max_lag => ReplicaStatus::Behind,
                        None if horizon.is_none() => ReplicaStatus::Starting,
                        _ => ReplicaStatus::Current,
                    };
                    Seen { status, horizon }
                }
                Err(error) => {
                    tracing::debug!(%error, "replica probe failed");
                    probes = None;
                    samples.clear();
                    Seen { status: ReplicaStatus::Unreachable, horizon: None }
                }
            };
            if let Ok(mut seen) = replica.seen.write() {
                *seen = next;
            }
            match next.status {
                status if status == previous.status => {}
                ReplicaStatus::Behind => tracing::warn!(
                    max_lag_ms = replica.max_lag.as_millis() as u64,
                    "read replica is behind by more than the maximum lag: reads go to the primary until it catches up"
                ),
                ReplicaStatus::Unreachable => {
                    tracing::warn!("read replica unreachable: reads go to the primary until it answers")
                }
                ReplicaStatus::Current if failing => {
                    tracing::info!("read replica current again: reads that may lag go to it")
                }
                _ => {}
            }
            match next.status {
                ReplicaStatus::Behind | ReplicaStatus::Unreachable => failing = true,
                ReplicaStatus::Current => failing = false,
                ReplicaStatus::Starting | ReplicaStatus::Off => {}
            }
            tokio::time::sleep(every).await;
        }
    }

    /// One probe: samples the primary's WAL position, then reads how far the replica has replayed, and returns
    /// the time of the latest sample it has passed (`None` if it has passed none yet).
    async fn sample_replica(
        &self,
        replica: &Replica,
        probes: &mut Option<(DatabaseConnection, DatabaseConnection)>,
        samples: &mut VecDeque<(SystemTime, i64)>,
    ) -> Result<Option<SystemTime>, String> {
        if probes.is_none() {
            let primary = crate::health::probe_pool(&self.url).await.map_err(|e| e.to_string())?;
            let standby = crate::health::probe_pool(&replica.url).await.map_err(|e| e.to_string())?;
            *probes = Some((primary, standby));
        }
        let Some((primary, standby)) = probes.as_ref() else { return Err(String::from("no probe connections")) };
        // Taken before asking: a write whose commit returned before this time is at or before the position read.
        // The insert position, not the flushed one: it is at or past every commit, whatever `synchronous_commit`.
        let asked = SystemTime::now();
        let written = position(primary, "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint").await?;
        samples.push_back((asked, written));
        while samples.len() > MAX_SAMPLES {
            samples.pop_front();
        }
        // NULL on a server that is not a standby: pointing the replica URL at a primary is a mistake, not a
        // replica that is current.
        let replayed = position(standby, "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint").await?;
        let mut horizon = None;
        while let Some(&(at, lsn)) = samples.front() {
            if lsn > replayed {
                break;
            }
            horizon = Some(at);
            samples.pop_front();
        }
        Ok(horizon)
    }
}

/// A WAL position asked of one connection, within [`PROBE_TIMEOUT`].
async fn position(db: &DatabaseConnection, sql: &str) -> Result<i64, String> {
    let ask = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql));
    let row = match tokio::time::timeout(PROBE_TIMEOUT, ask).await {
        Ok(row) => row.map_err(|e| e.to_string())?,
        Err(_) => return Err(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
    };
    let value: Option<i64> = row.ok_or("no row")?.try_get_by_index(0).map_err(|e| e.to_string())?;
    value.ok_or_else(|| String::from("not a standby (no replay position): DATABASE_REPLICA_URL names a primary"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_LAG: Duration = Duration::from_secs(5);

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + seconds)
    }

    fn current(horizon: u64) -> Seen {
        Seen { status: ReplicaStatus::Current, horizon: Some(at(horizon)) }
    }

    #[test]
    fn a_caller_who_wrote_nothing_reads_a_current_replica() {
        assert!(serves(current(100), MAX_LAG, None, at(101)));
        // Up to the maximum lag, and not past it.
        assert!(serves(current(100), MAX_LAG, None, at(105)));
        assert!(!serves(current(100), MAX_LAG, None, at(106)));
    }

    #[test]
    fn a_caller_reads_the_replica_only_once_it_has_replayed_their_write_by_more_than_the_clock_skew() {
        // Wrote at 100: the horizon must pass 101 (the write plus a second of skew).
        assert!(!serves(current(99), MAX_LAG, Some(at(100)), at(101)));
        assert!(!serves(current(101), MAX_LAG, Some(at(100)), at(102)));
        assert!(serves(current(102), MAX_LAG, Some(at(100)), at(102)));
    }

    #[test]
    fn a_replica_not_current_serves_nobody() {
        for status in [ReplicaStatus::Starting, ReplicaStatus::Behind, ReplicaStatus::Unreachable, ReplicaStatus::Off] {
            assert!(!serves(Seen { status, horizon: Some(at(100)) }, MAX_LAG, None, at(100)), "{status:?}");
        }
        assert!(!serves(Seen { status: ReplicaStatus::Current, horizon: None }, MAX_LAG, None, at(100)));
    }
}
