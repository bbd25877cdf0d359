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
    /// Write test offices for load tests: one per kabupaten/kota of the region list (514 in all), each with the
    /// twelve services of the five offices, into a new folder that `definitions sync` or `serve` imports. Their
    /// addresses and officials are placeholders: never for a real installation.
    Generate {
        /// How many offices (the first kabupaten/kota by region code).
        #[arg(long, default_value_t = 514)]
        offices: usize,
        /// The folder to write (new or empty).
        #[arg(long)]
        out: PathBuf,
        /// The five offices' definitions (default: the definitions shipped in this binary).
        #[arg(long)]
        from: Option<PathBuf>,
    },
}

/// Runs the subcommand.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Generate { offices, out, from } => {
            let sources = match from {
                Some(dir) => crate::definitions_source::Definitions::Folder(dir.clone()),
                None => crate::definitions_source::shipped()?,
            };
            let generated = crate::generated_offices::generate(sources.path(), *offices, out)?;
            println!(
                "{} offices with {} services each written to {}",
                generated.offices.len(),
                generated.services,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
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
