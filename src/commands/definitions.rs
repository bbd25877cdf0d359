//! `simpul definitions sync [DIR]`: imports changed definition files as new versions.

use std::path::PathBuf;
use std::process::ExitCode;

use simpul_definitions::diagnostics::render_text;
use simpul_store::{Store, StoreError};

/// Arguments of `simpul definitions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Import every changed service file as a new published version (by content hash) and report the changes.
    Sync {
        /// The definitions folder (default: `SIMPUL_DEFINITIONS`, the config file's, or the definitions shipped in
        /// this binary).
        #[arg(env = "SIMPUL_DEFINITIONS")]
        dir: Option<PathBuf>,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
}

/// Runs the subcommand.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Sync { dir, database_url } => {
            let definitions = crate::definitions_source::definitions(dir.as_deref())?;
            let dir = definitions.path();
            let url = crate::config::database_url(database_url.as_deref())?;
            let store = Store::connect(&url).await?;
            if simpul_store::is_sqlite(&url) {
                store.migrate().await?;
            }
            match store.sync_definitions(dir, "simpul definitions sync").await {
                Ok(report) => {
                    println!("{report}");
                    // Running servers forget their cached definitions now (without Redis: within 30 s).
                    if let Some((url, prefix)) = crate::config::redis()?
                        && let Err(error) = simpul_api::shared_state::tell_definitions_changed(&url, &prefix).await
                    {
                        eprintln!("warning: servers not told of the change ({error}); they pick it up within 30 s");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(StoreError::Definitions { diagnostics }) => {
                    let files = simpul_definitions::load_dir(dir).map(|r| r.files).unwrap_or_default();
                    print!("{}", render_text(&diagnostics, &files));
                    println!("nothing imported: fix the errors above first");
                    Ok(ExitCode::FAILURE)
                }
                Err(other) => Err(other.into()),
            }
        }
    }
}
