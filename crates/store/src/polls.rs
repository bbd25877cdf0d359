//! The background polls' queries as the database plans them. Each poll runs every few seconds for as long as the
//! server runs, so each must read its partial index (migration `poll_indexes`) whatever the statistics say; this
//! is how a test, a bench or an operator checks that it does, on PostgreSQL and on SQLite. The predicates the
//! indexes hold are written as literals (`crate::predicates`), so no parameter's value decides whether the index
//! can serve the poll.
//!
//! A partial index holds the waiting rows, but also, until a vacuum removes them, the entries of rows that waited
//! once and were handed over since: with autovacuum off, the outbox's index kept 1,000,000 such entries and each
//! poll stepped over all of them (21 ms). So the frequent polls read only the recent part of their index — rows
//! written, or fallen due, within [`WINDOW`] — and once every [`SWEEP`] a poll reads all of it ([`Sweeps`]).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};
use uuid::Uuid;

use crate::error::StoreResult;
use crate::scope::SystemAccess;
use crate::{Store, deadlines, letters, notifications, outbox, webhooks};

/// How the database would run one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollPlan {
    /// The poll, as the code names it.
    pub poll: &'static str,
    /// The partial indexes it is meant to read (any of them: each holds the waiting rows only).
    pub indexes: &'static [&'static str],
    /// The plan, as `EXPLAIN` (PostgreSQL) or `EXPLAIN QUERY PLAN` (SQLite) prints it.
    pub plan: String,
}

impl PollPlan {
    /// Whether the plan reads one of the poll's partial indexes (named as a whole word: one index's name may
    /// begin another's).
    pub fn reads_its_index(&self) -> bool {
        self.indexes.iter().any(|index| {
            self.plan.match_indices(index).any(|(at, _)| {
                !self.plan[at + index.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
    }
}

/// A poll's row limit in the plans: the pollers' own rounds are of this order.
const LIMIT: u64 = 500;

/// How far back a frequent poll reads. It must be longer than a transaction may take between choosing a row's id
/// (or due time) and committing it, plus the clocks' disagreement between instances, plus a poll's interval: a
/// request is cut off after 30 s and NTP keeps clocks within a second, so five minutes leaves room. A row outside
/// it anyway is found by the next sweep.
pub const WINDOW: chrono::Duration = chrono::Duration::minutes(5);

/// How often a poll reads its whole index instead of the window: the most a row outside the window waits (rows
/// left by an outage, by a long transaction, or found by an instance that just took the work over). A sweep over
/// 1,000,000 handed-over entries costs about 20 ms, so once a minute is nothing.
pub const SWEEP: Duration = Duration::from_secs(60);

/// When a poller sweeps: on its first round and every [`SWEEP`] after.
#[derive(Debug, Default)]
pub struct Sweeps {
    last: Option<Instant>,
}

impl Sweeps {
    /// From when this round reads: `None` (everything) when a sweep is due, otherwise `now - WINDOW`.
    pub fn since(&mut self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.last {
            Some(last) if last.elapsed() < SWEEP => Some(now - WINDOW),
            _ => {
                self.last = Some(Instant::now());
                None
            }
        }
    }
}

/// The smallest time-ordered (version 7) id of the millisecond `at`: every id chosen at or after `at` is at least
/// this.
pub(crate) fn first_id_of(at: DateTime<Utc>) -> Uuid {
    let millis = u128::try_from(at.timestamp_millis()).unwrap_or(0);
    Uuid::from_u128(millis << 80)
}

impl Store {
    /// The plan of every background poll at `now` (the frequent polls' windowed round).
    pub async fn poll_plans(&self, _system: &SystemAccess, now: DateTime<Utc>) -> StoreResult<Vec<PollPlan>> {
        let backend = self.db.get_database_backend();
        let [nearing, passed, step] = deadlines::ROUNDS.map(|round| deadlines::due_query(round, now).build(backend));
        let since = Some(now - WINDOW);
        let polls: [(&str, &[&str], Statement); 7] = [
            ("outbox", &["outbox_undelivered"], outbox::pending_query(since, LIMIT).build(backend)),
            (
                "webhooks",
                &["webhook_deliveries_pending", "webhook_deliveries_pending_queue"],
                webhooks::due_query(now, since, LIMIT).build(backend),
            ),
            ("notifications", &["notifications_pending"], notifications::due_query(now, since, LIMIT).build(backend)),
            ("letter archive", &["letters_unarchived"], letters::unarchived_query(now, LIMIT).build(backend)),
            ("deadlines: service nearing", &["applications_service_nearing"], nearing),
            ("deadlines: service passed", &["applications_service_due"], passed),
            ("deadlines: step passed", &["applications_step_due"], step),
        ];
        let (explain, column) = match backend {
            DbBackend::Postgres => ("EXPLAIN", 0),
            _ => ("EXPLAIN QUERY PLAN", 3),
        };
        let mut plans = Vec::new();
        for (poll, indexes, statement) in polls {
            let statement = Statement { sql: format!("{explain} {}", statement.sql), ..statement };
            let lines: Vec<String> = self
                .db
                .query_all_raw(statement)
                .await?
                .iter()
                .map(|row| row.try_get_by_index::<String>(column))
                .collect::<Result<_, _>>()?;
            plans.push(PollPlan { poll, indexes, plan: lines.join("\n") });
        }
        Ok(plans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_id_of_a_moment_is_below_every_id_chosen_from_then_on() {
        let at = Utc::now();
        let first = first_id_of(at);
        let later = Uuid::now_v7();
        assert!(first <= later);
        assert!(first_id_of(at + chrono::Duration::seconds(1)) > later);
    }

    #[test]
    fn a_poller_sweeps_first_then_reads_the_window() {
        let mut sweeps = Sweeps::default();
        let now = Utc::now();
        assert_eq!(sweeps.since(now), None);
        assert_eq!(sweeps.since(now), Some(now - WINDOW));
    }
}
