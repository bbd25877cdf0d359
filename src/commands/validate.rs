//! `simpul validate [DIR] [--format text|json]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use simpul_definitions::diagnostics::{has_errors, render_text};
use simpul_definitions::{Level, load_and_validate, summary};

/// Arguments of `simpul validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The definitions folder.
    #[arg(default_value = super::DEFAULT_DEFINITIONS_DIR, env = "SIMPUL_DEFINITIONS")]
    dir: PathBuf,
    /// `text` for people (source lines shown), `json` for machines.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Loads and checks the folder; exits with 1 when there is any error.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let report = load_and_validate(&args.dir).with_context(|| format!("reading {}", args.dir.display()))?;
    let failed = has_errors(&report.diagnostics);
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "ok": !failed,
                "diagnostics": report.diagnostics,
                "tenants": report.catalog.tenants.len(),
                "services": report.catalog.tenants.iter().map(|t| t.services.len()).sum::<usize>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Text => {
            print!("{}", render_text(&report.diagnostics, &report.files));
            let errors = report.diagnostics.iter().filter(|d| d.level == Level::Error).count();
            let warnings = report.diagnostics.len() - errors;
            if failed {
                println!(
                    "{errors} errors, {warnings} warnings: the definitions cannot be used until the errors are fixed"
                );
            } else {
                print!("{}", summary::table(&report.catalog));
                println!("ok: {errors} errors, {warnings} warnings");
            }
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
