//! What a decision writes, made smaller (issue 20, point 1: the store bench's profile at 16 clients).
//!
//! - **The searched text in a table of its own**, `application_search`: an application's search text (tracking
//!   code and names) and NIK digests, with their trigram indexes on PostgreSQL. An application's row is updated at
//!   every decision and that update is never HOT (its step and deadlines are indexed), so every index of
//!   `applications` got new entries each time — for a trigram index one per trigram of the text, about a hundred
//!   per application for the two: 9 % of PostgreSQL's time in the bench, for text that changes only when the form
//!   does. Here the row is written at submission and again only when the form's data or the definition changes.
//!   Keyed by `(application_id, tenant_id)` like every office table (Citus, migration 23).
//! - **lz4 for the stored state** on PostgreSQL: an application's state (about 2 KB of JSON for a typical one)
//!   passes PostgreSQL's compression threshold, and with the default (pglz) compressing it at every decision was
//!   4 % of PostgreSQL's time; lz4 compresses several times faster. Rows written before keep their pglz until
//!   rewritten. A server built without lz4 keeps pglz (the statement is skipped there, not failed).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApplicationSearch {
    Table,
    ApplicationId,
    TenantId,
    Search,
    NikDigests,
}

/// lz4 where the server has it (PostgreSQL 14+, built `--with-lz4`, as Debian's and the official images are).
const STATE_LZ4: &str = "DO $$ BEGIN \
     ALTER TABLE applications ALTER COLUMN state SET COMPRESSION lz4; \
     EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL; END $$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == DatabaseBackend::Postgres;
        m.create_table(
            Table::create()
                .table(ApplicationSearch::Table)
                .col(ColumnDef::new(ApplicationSearch::ApplicationId).uuid().not_null())
                .col(ColumnDef::new(ApplicationSearch::TenantId).string().not_null())
                .col(ColumnDef::new(ApplicationSearch::Search).text().not_null())
                .col(ColumnDef::new(ApplicationSearch::NikDigests).text().not_null())
                .primary_key(Index::create().col(ApplicationSearch::ApplicationId).col(ApplicationSearch::TenantId))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO application_search (application_id, tenant_id, search, nik_digests) \
             SELECT id, tenant_id, search, nik_digests FROM applications",
        )
        .await?;
        if postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS applications_search").await?;
            db.execute_unprepared("DROP INDEX IF EXISTS applications_nik").await?;
            db.execute_unprepared(
                "CREATE INDEX application_search_text ON application_search USING gin (search gin_trgm_ops)",
            )
            .await?;
            db.execute_unprepared(
                "CREATE INDEX application_search_nik ON application_search USING gin (nik_digests gin_trgm_ops)",
            )
            .await?;
            db.execute_unprepared(STATE_LZ4).await?;
        }
        db.execute_unprepared("ALTER TABLE applications DROP COLUMN search").await?;
        db.execute_unprepared("ALTER TABLE applications DROP COLUMN nik_digests").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == DatabaseBackend::Postgres;
        db.execute_unprepared("ALTER TABLE applications ADD COLUMN search text NOT NULL DEFAULT ''").await?;
        db.execute_unprepared("ALTER TABLE applications ADD COLUMN nik_digests text NOT NULL DEFAULT ''").await?;
        db.execute_unprepared(
            "UPDATE applications SET \
             search = (SELECT s.search FROM application_search s \
                       WHERE s.application_id = applications.id AND s.tenant_id = applications.tenant_id), \
             nik_digests = (SELECT s.nik_digests FROM application_search s \
                            WHERE s.application_id = applications.id AND s.tenant_id = applications.tenant_id) \
             WHERE EXISTS (SELECT 1 FROM application_search s \
                           WHERE s.application_id = applications.id AND s.tenant_id = applications.tenant_id)",
        )
        .await?;
        m.drop_table(Table::drop().table(ApplicationSearch::Table).to_owned()).await?;
        if postgres {
            db.execute_unprepared("ALTER TABLE applications ALTER COLUMN state SET COMPRESSION pglz").await?;
            db.execute_unprepared("CREATE INDEX applications_search ON applications USING gin (search gin_trgm_ops)")
                .await?;
            db.execute_unprepared("CREATE INDEX applications_nik ON applications USING gin (nik_digests gin_trgm_ops)")
                .await?;
        }
        Ok(())
    }
}
