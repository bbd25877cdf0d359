//! `simpul registry import|list|purge`: an office's registry exports (DTSEN from SIKS-NG, PBI status from
//! E-Dabu), as the console's and the API's `importRegistry` take them, for scripted monthly uploads.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use simpul_definitions::model::RegistrySource;
use simpul_store::registry::ImportRequest;

/// Arguments of `simpul registry`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

fn source(code: &str) -> Result<RegistrySource, String> {
    RegistrySource::ALL.into_iter().find(|s| s.code() == code).ok_or_else(|| {
        let known: Vec<&str> = RegistrySource::ALL.iter().map(|s| s.code()).collect();
        format!("unknown registry `{code}`; one of: {}", known.join(", "))
    })
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Import an export (CSV or XLSX) as the tenant's data of a registry as of a date; the previous upload stays
    /// in force if the file cannot be read.
    Import {
        /// The export file.
        file: PathBuf,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The registry: `dtsen` or `edabu`.
        #[arg(long, value_parser = source)]
        source: RegistrySource,
        /// The date the data is as of, e.g. 2026-11-01.
        #[arg(long)]
        as_of: NaiveDate,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// List the tenant's uploads, newest first.
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Delete the rows of uploads replaced longer ago than their office's retention period (the server does
    /// this every hour).
    Purge {
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
}

/// Runs the subcommand.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Import { file, tenant, source, as_of, database_url } => {
            let store = super::store(database_url).await?;
            let scope = store.system_scope(tenant).await?;
            let opened = std::fs::File::open(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let file_name = file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let request = ImportRequest { source: *source, as_of: *as_of, file_name, file: opened };
            let record = match store.import_registry(&scope, "simpul registry import", request, Utc::now()).await {
                Ok(record) => record,
                Err(error) => {
                    eprintln!("impor gagal: {error}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            println!(
                "{} per {}: {} baris dibaca, {} orang, {} keluarga, {} baris ditolak (id {})",
                record.source.label(),
                record.as_of,
                record.rows,
                record.people,
                record.households,
                record.rejected,
                record.id
            );
            for rejection in record.rejections.iter().take(20) {
                println!("  baris {}: {}", rejection.line, rejection.reason);
            }
            if record.rejections.len() > 20 {
                println!("  … dan {} baris lain", record.rejected - 20);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::List { tenant, database_url } => {
            let store = super::store(database_url).await?;
            let scope = store.system_scope(tenant).await?;
            for r in store.registry_snapshots(&scope).await? {
                println!(
                    "{}  {:<24} per {}  {:<32} {:>9} orang {:>7} ditolak  {}",
                    r.imported_at.format("%Y-%m-%d %H:%M"),
                    r.source.label(),
                    r.as_of,
                    r.status.label(),
                    r.people,
                    r.rejected,
                    r.file_name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge { database_url } => {
            let store = super::store(database_url).await?;
            let emptied = store.purge_registry(&store.system_access(), Utc::now()).await?;
            println!("{emptied} unggahan dihapus datanya");
            Ok(ExitCode::SUCCESS)
        }
    }
}
