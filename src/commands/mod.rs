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

/// The store at `database_url`, else `DATABASE_URL`, the config file, or the SQLite file under ./data/.
pub async fn store(database_url: &Option<String>) -> anyhow::Result<simpul_store::Store> {
    Ok(simpul_store::Store::connect(&crate::config::database_url(database_url.as_deref())?).await?)
}

/// Where the definitions live unless a command is told otherwise.
pub const DEFAULT_DEFINITIONS_DIR: &str = "service-definitions";
