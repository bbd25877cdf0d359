//! Indexes for the console's lists, measured with `cargo bench --bench console` (100,000 applications in one office
//! on PostgreSQL; before them an inbox page took 183 ms at p50, a name or NIK search 213 and 271 ms, each a
//! sequential scan of the whole table):
//!
//! - `applications_open`: the open applications only (a partial index), in deadline order and with what an inbox
//!   counts and filters by (service, step, inbox tokens, deadlines), so that an inbox lists and counts from the
//!   open rows of the index and never reads the ended ones, which are most of an office's history. SQLite and
//!   PostgreSQL alike. A query uses it only where its condition says `stage <> 'ended'` literally (a bound
//!   parameter cannot prove the index's predicate in a prepared statement's generic plan): see the store's
//!   `applications::filtered`.
//! - On PostgreSQL, trigram indexes (the `pg_trgm` extension, shipped with PostgreSQL and trusted since 13) on the
//!   search text and the NIK digests, so that `LIKE '%…%'` — a name, a code, or a NIK's digest — is an index
//!   lookup. SQLite, the embedded default for one small office, scans.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE INDEX applications_open ON applications \
             (tenant_id, sort_due_at, id, service_code, step, inbox, service_due_at, service_nearing_at) \
             WHERE stage <> 'ended'",
        )
        .await?;
        if m.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
            db.execute_unprepared("CREATE INDEX applications_search ON applications USING gin (search gin_trgm_ops)")
                .await?;
            db.execute_unprepared("CREATE INDEX applications_nik ON applications USING gin (nik_digests gin_trgm_ops)")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS applications_nik").await?;
            db.execute_unprepared("DROP INDEX IF EXISTS applications_search").await?;
        }
        db.execute_unprepared("DROP INDEX IF EXISTS applications_open").await?;
        Ok(())
    }
}
