//! `simpul files gc`: the orphan sweep over the configured file store and the database.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use simpul_files::ObjectKey;
use simpul_store::Store;

/// Arguments of `simpul files`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Delete stored objects that no database row names (older than the grace period) and list rows whose
    /// object is missing. Exit status 1 when rows are missing their objects.
    Gc {
        /// Only report; delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// Objects younger than this many minutes are spared (an upload may be committing).
        #[arg(long, default_value_t = 60)]
        grace_minutes: u64,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
}

/// Runs the subcommand.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Gc { dry_run, grace_minutes, database_url } => {
            let store = Store::connect(&crate::config::database_url(database_url.as_deref())?).await?;
            let objects = crate::config::object_store().await?;
            // Keys first, objects second: an upload committed in between is then a known key whose object is
            // listed, never an orphan.
            let known = store.stored_keys(&store.system_access()).await?;
            let listed = objects.list("").await?;
            let grace = Duration::from_secs(grace_minutes * 60);
            let found = simpul_files::sweep(listed, &known, SystemTime::now(), grace);
            println!("{}: {} objects known to the database", objects.describe(), known.len());
            for orphan in &found.orphans {
                if *dry_run {
                    println!("orphan (kept, dry run): {} ({} bytes)", orphan.key, orphan.size);
                } else {
                    objects.delete(&ObjectKey::parse(&orphan.key)?).await?;
                    println!("orphan deleted: {} ({} bytes)", orphan.key, orphan.size);
                }
            }
            for recent in &found.recent {
                println!("unrecorded but recent (kept): {}", recent.key);
            }
            for missing in &found.missing {
                println!("missing object of a database row: {missing}");
            }
            println!(
                "{} orphans {}, {} recent kept, {} rows missing their object",
                found.orphans.len(),
                if *dry_run { "found" } else { "deleted" },
                found.recent.len(),
                found.missing.len()
            );
            Ok(if found.missing.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}
