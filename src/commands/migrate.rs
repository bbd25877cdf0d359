//! `simpul migrate`: applies the database migrations.

use std::process::ExitCode;

use simpul_store::Store;

/// Arguments of `simpul migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
    #[arg(long)]
    database_url: Option<String>,
}

/// Connects and migrates.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let url = crate::config::database_url(args.database_url.as_deref())?;
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    println!("migrations applied");
    Ok(ExitCode::SUCCESS)
}
