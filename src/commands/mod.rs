//! The subcommands of `simpul`.

pub mod apikey;
pub mod definitions;
pub mod files;
pub mod migrate;
pub mod registry;
pub mod schema;
pub mod serve;
pub mod user;
pub mod validate;

/// Where the definitions live unless a command is told otherwise.
pub const DEFAULT_DEFINITIONS_DIR: &str = "service-definitions";
