//! End-to-end tests: the real `simpul serve --demo` on a free port, spoken to over HTTP with GraphQL only, as
//! an officer's tool would. Every test runs on the embedded SQLite database with the local folder and in-process
//! state, and also on PostgreSQL when `TEST_DATABASE_URL` names a server (with S3 when `TEST_S3_ENDPOINT` and Redis
//! when `TEST_REDIS_URL` are set).

mod accounts;
mod admin;
mod apikeys;
mod areas;
mod browser;
mod bundles;
mod complaints;
mod console;
mod contract;
mod dashboard;
mod database_outage;
mod deadlines;
mod documents;
mod examples;
mod flows;
mod hardening;
mod instances;
mod letter_templates;
mod letters;
mod moves;
mod notifications;
mod office_file;
mod outage;
mod process;
mod public;
mod redis_outage;
mod refusals;
mod registry;
mod replica;
mod server;
mod subscriptions;
mod webhooks;

/// Today as an office in `zone` reads it: the API reads periods and forms as office dates, and UTC's date is a
/// day behind in Indonesia from 17.00 WIB (16.00 WITA) to midnight.
fn office_today(zone: chrono_tz::Tz) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&zone).date_naive()
}
