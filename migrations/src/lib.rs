//! Database migrations of Simpul, written with sea-orm-migration so that one set runs on SQLite (the embedded
//! default) and PostgreSQL alike. `simpul migrate` applies them; the server applies them on start.

use sea_orm_migration::prelude::*;

mod helpers;
mod m20261123_000001_initial;
mod m20261123_000002_letter_signing;
mod m20261123_000003_deadline_watch;
mod m20261123_000004_webhooks;
mod m20261201_000005_letter_archiving;
mod m20261202_000006_accounts;
mod m20261203_000007_areas;
mod m20261203_000008_nik_search;
mod m20261203_000009_inbox_keys;
mod m20261204_000010_list_indexes;
mod m20261204_000011_letter_verification;
mod m20261204_000012_list_numbers;
mod m20261204_000013_survey_responses;
mod m20261204_000014_notifications;
mod m20261204_000015_complaints;
mod m20261204_000016_dashboard;
mod m20261204_000017_registry;
mod m20261204_000018_definition_review;
mod m20261204_000019_version_moves;
mod m20261204_000020_office_file_versions;
mod m20261204_000021_template_files;
mod m20261204_000022_poll_indexes;
mod m20261205_000023_distribution_keys;
mod m20261205_000024_transition_indexes;
mod m20261205_000025_search_table;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261123_000002_letter_signing::Migration),
            Box::new(m20261123_000003_deadline_watch::Migration),
            Box::new(m20261123_000004_webhooks::Migration),
            Box::new(m20261201_000005_letter_archiving::Migration),
            Box::new(m20261202_000006_accounts::Migration),
            Box::new(m20261203_000007_areas::Migration),
            Box::new(m20261203_000008_nik_search::Migration),
            Box::new(m20261203_000009_inbox_keys::Migration),
            Box::new(m20261204_000010_list_indexes::Migration),
            Box::new(m20261204_000011_letter_verification::Migration),
            Box::new(m20261204_000012_list_numbers::Migration),
            Box::new(m20261204_000013_survey_responses::Migration),
            Box::new(m20261204_000014_notifications::Migration),
            Box::new(m20261204_000015_complaints::Migration),
            Box::new(m20261204_000016_dashboard::Migration),
            Box::new(m20261204_000017_registry::Migration),
            Box::new(m20261204_000018_definition_review::Migration),
            Box::new(m20261204_000019_version_moves::Migration),
            Box::new(m20261204_000020_office_file_versions::Migration),
            Box::new(m20261204_000021_template_files::Migration),
            Box::new(m20261204_000022_poll_indexes::Migration),
            Box::new(m20261205_000023_distribution_keys::Migration),
            Box::new(m20261205_000024_transition_indexes::Migration),
            Box::new(m20261205_000025_search_table::Migration),
        ]
    }
}

pub use sea_orm_migration::MigratorTrait as Migrate;
