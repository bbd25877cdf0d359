//! Partial indexes for the background polls, so that their plans do not depend on fresh statistics.
//!
//! Each poll asks for the few rows still waiting (undelivered outbox rows, pending webhook deliveries and messages,
//! unarchived letters, open applications whose deadline came) among a table that grows with every event. With the
//! old full indexes the planner chose by its statistics: on a database whose statistics were stale (autovacuum off,
//! as on the shared server here) the outbox poll read all 72,824 rows four times a second — 65.6 ms a poll instead
//! of 0.05 ms. A partial index holds the waiting rows only, in the order the poll reads them, so reading it is the
//! cheapest plan whatever the statistics say: its size is what it is, not an estimate.
//!
//! A query uses one of these only where its condition states the index's predicate literally (`delivered_at IS
//! NULL`, `status = 'pending'`, `stage = 'at_step'`): a bound parameter cannot prove it in a prepared statement's
//! generic plan. The store's pollers write it so (its `predicates::literal`). SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns, predicate) of every poll index; the full indexes they replace are dropped.
const INDEXES: [(&str, &str, &str, &str); 9] = [
    ("outbox_undelivered", "outbox", "id", "delivered_at IS NULL"),
    ("webhook_deliveries_pending", "webhook_deliveries", "next_attempt_at", "status = 'pending'"),
    (
        "webhook_deliveries_pending_queue",
        "webhook_deliveries",
        "webhook_id, application_id, event_seq",
        "status = 'pending'",
    ),
    ("notifications_pending", "notifications", "next_attempt_at", "status = 'pending'"),
    (
        "notifications_pending_queue",
        "notifications",
        "application_id, channel, recipient, event_seq",
        "status = 'pending'",
    ),
    ("letters_unarchived", "letters", "issued_at", "sha256 IS NULL"),
    ("applications_service_nearing", "applications", "service_nearing_at", "stage = 'at_step'"),
    ("applications_service_due", "applications", "service_due_at", "stage = 'at_step'"),
    ("applications_step_due", "applications", "step_due_at", "stage = 'at_step'"),
];

/// The full indexes the partial ones replace, with what recreates them on the way down.
const REPLACED: [(&str, &str, &str); 3] = [
    ("outbox_pending", "outbox", "delivered_at, id"),
    ("webhook_deliveries_due", "webhook_deliveries", "status, next_attempt_at"),
    ("notifications_due", "notifications", "status, next_attempt_at"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (name, table, columns, predicate) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns}) WHERE {predicate}")).await?;
        }
        for (name, _, _) in REPLACED {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (name, table, columns) in REPLACED {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})")).await?;
        }
        for (name, ..) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
        }
        Ok(())
    }
}
