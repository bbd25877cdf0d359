//! End-to-end tests: the real `simpul serve --demo` on a free port, spoken to over HTTP with GraphQL only, as
//! an officer's tool would. Every test runs on the embedded SQLite database, and also on PostgreSQL when
//! `TEST_DATABASE_URL` names a server.

mod admin;
mod apikeys;
mod documents;
mod flows;
mod letters;
mod outage;
mod public;
mod refusals;
mod server;
mod subscriptions;
