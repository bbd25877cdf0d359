//! Integration tests of the store, in one test binary. Every test runs on SQLite, and also on PostgreSQL when
//! `TEST_DATABASE_URL` names a server (each run creates and drops its own databases there).

mod auth;
mod deadlines;
mod definitions;
mod distribution;
mod isolation;
mod letters;
mod listing;
mod polls;
mod registry;
mod support;
mod webhooks;
mod workflow;
