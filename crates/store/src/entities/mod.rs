//! sea-orm entities, one module per table (the schema is in the `migrations` crate). They are private to the
//! store: other crates go through the tenant-scoped repositories.

pub mod api_key;
pub mod application;
pub mod application_event;
pub mod application_search;
pub mod audit;
pub mod calendar;
pub mod complaint;
pub mod complaint_event;
pub mod deadline_notice;
pub mod document;
pub mod fact_check;
pub mod lease;
pub mod letter;
pub mod letter_sequence;
pub mod list_number;
pub mod membership;
pub mod notification;
pub mod notification_attempt;
pub mod office_file_version;
pub mod outbox;
pub mod province_setting;
pub mod public_code;
pub mod registry_person;
pub mod registry_snapshot;
pub mod service_version;
pub mod signing_key;
pub mod step_time;
pub mod survey_response;
pub mod template_file;
pub mod tenant;
pub mod user;
pub mod version_move;
pub mod webhook;
pub mod webhook_attempt;
pub mod webhook_delivery;
