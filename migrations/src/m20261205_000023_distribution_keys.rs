//! Keys ready for Citus, distributed by `tenant_id` (deploy/README.md, "How a deployment grows").
//!
//! Citus keeps a primary key or unique index only where it holds the distribution column: each shard can check
//! uniqueness only among its own rows. So:
//! - every tenant table's primary key becomes `(id, tenant_id)` on PostgreSQL. `id` first, so that the lookups by
//!   id alone (sea-orm's updates by primary key, the outbox's deliveries) keep using the key's index;
//! - the unique indexes that lacked `tenant_id` get it as their last column, for the same reason;
//! - the public codes that must be unique across offices — tracking codes, complaint codes, letters' short codes,
//!   which a person types without saying which office — move their cross-office uniqueness to `public_codes`,
//!   one row per code naming its office. Under Citus it is distributed by `code` itself, so that the
//!   public pages find the office of a code on one shard and then the rest on that office's shard.
//!
//! API keys, users and their memberships (a province admin's has no office), tenants, calendars and the province
//! settings stay as they are: small tables read across
//! offices (a key is found by its prefix before its office is known), reference tables under Citus.
//!
//! SQLite is never distributed, and changing a primary key or an inline `UNIQUE` there means rebuilding the table:
//! it keeps its keys as they were (the store's `ON CONFLICT` clauses name no columns, so they hold on both). Only
//! `public_codes` is made on both, so that the store has one way to find an office by a public code.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PublicCodes {
    Table,
    Code,
    Kind,
    TenantId,
}

/// Tenant tables whose primary key was `id` alone.
const KEYED_BY_ID: [&str; 22] = [
    "application_events",
    "applications",
    "audit_log",
    "complaint_events",
    "complaints",
    "documents",
    "fact_checks",
    "letters",
    "list_numbers",
    "notification_attempts",
    "notifications",
    "office_file_versions",
    "outbox",
    "registry_snapshots",
    "service_versions",
    "step_times",
    "survey_responses",
    "template_files",
    "version_moves",
    "webhook_attempts",
    "webhook_deliveries",
    "webhooks",
];

/// (name, table, columns before, columns now) of the unique indexes that get `tenant_id`.
const UNIQUE: [(&str, &str, &str, &str); 7] = [
    ("application_events_order", "application_events", "application_id, seq", "application_id, seq, tenant_id"),
    (
        "notification_attempts_notification",
        "notification_attempts",
        "notification_id, number",
        "notification_id, number, tenant_id",
    ),
    ("notifications_once", "notifications", "event_id, channel, recipient", "event_id, channel, recipient, tenant_id"),
    ("survey_responses_application", "survey_responses", "application_id", "application_id, tenant_id"),
    ("webhook_deliveries_event", "webhook_deliveries", "webhook_id, event_id", "webhook_id, event_id, tenant_id"),
    ("complaints_code", "complaints", "code", "code, tenant_id"),
    ("letters_short_code", "letters", "short_code", "short_code, tenant_id"),
];

/// The public codes there are already, with their kind (`PublicCodeKind` in the store).
const CODES: [(&str, &str, &str); 3] = [
    ("application", "applications", "tracking_code"),
    ("complaint", "complaints", "code"),
    ("letter", "letters", "short_code"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        m.create_table(
            Table::create()
                .table(PublicCodes::Table)
                .col(string(PublicCodes::Code).primary_key())
                .col(string(PublicCodes::Kind))
                .col(string(PublicCodes::TenantId))
                .to_owned(),
        )
        .await?;
        for (kind, table, column) in CODES {
            db.execute_unprepared(&format!(
                "INSERT INTO public_codes (code, kind, tenant_id) \
                 SELECT {column}, '{kind}', tenant_id FROM {table} WHERE {column} IS NOT NULL"
            ))
            .await?;
        }
        if m.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (name, table, _, now) in UNIQUE {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX {name} ON {table} ({now})")).await?;
        }
        for table in KEYED_BY_ID {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, ADD CONSTRAINT {table}_pkey PRIMARY KEY (id, tenant_id)"
            ))
            .await?;
        }
        db.execute_unprepared("ALTER TABLE applications DROP CONSTRAINT applications_tracking_code_key").await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX applications_tracking_code ON applications (tracking_code, tenant_id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP INDEX applications_tracking_code").await?;
            db.execute_unprepared(
                "ALTER TABLE applications ADD CONSTRAINT applications_tracking_code_key UNIQUE (tracking_code)",
            )
            .await?;
            for table in KEYED_BY_ID {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)"
                ))
                .await?;
            }
            for (name, table, before, _) in UNIQUE {
                db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
                db.execute_unprepared(&format!("CREATE UNIQUE INDEX {name} ON {table} ({before})")).await?;
            }
        }
        m.drop_table(Table::drop().table(PublicCodes::Table).to_owned()).await
    }
}
