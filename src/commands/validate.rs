//! `simpul validate [DIR] [--format text|json]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use simpul_definitions::diagnostics::{has_errors, render_text};
use simpul_definitions::{Level, load_and_validate, summary};
use simpul_letters::sample::TemplateProblem;

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

/// Renders every product's template with sample data when the definitions themselves are sound, so that a
/// template that would fail at signing fails here.
fn template_problems(dir: &std::path::Path, catalog: &simpul_definitions::Catalog) -> Vec<TemplateProblem> {
    match simpul_letters::Renderer::load_dir(dir) {
        Ok(renderer) => simpul_letters::sample::check_all(&renderer, catalog),
        Err(error) => {
            vec![TemplateProblem {
                template: dir.display().to_string(),
                product: String::new(),
                message: error.to_string(),
            }]
        }
    }
}

/// Loads and checks the folder; exits with 1 when there is any error.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let report = load_and_validate(&args.dir).with_context(|| format!("reading {}", args.dir.display()))?;
    let definitions_failed = has_errors(&report.diagnostics);
    let templates = if definitions_failed { Vec::new() } else { template_problems(&args.dir, &report.catalog) };
    let failed = definitions_failed || !templates.is_empty();
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "ok": !failed,
                "diagnostics": report.diagnostics,
                "templates": templates
                    .iter()
                    .map(|t| serde_json::json!({ "template": t.template, "product": t.product, "message": t.message }))
                    .collect::<Vec<_>>(),
                "tenants": report.catalog.tenants.len(),
                "services": report.catalog.tenants.iter().map(|t| t.services.len()).sum::<usize>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Text => {
            print!("{}", render_text(&report.diagnostics, &report.files));
            let errors = report.diagnostics.iter().filter(|d| d.level == Level::Error).count();
            let warnings = report.diagnostics.len() - errors;
            for t in &templates {
                println!("error[template]: {} ({}): {}", t.template, t.product, t.message);
            }
            if definitions_failed {
                println!(
                    "{errors} errors, {warnings} warnings: the definitions cannot be used until the errors are fixed"
                );
            } else if failed {
                println!("{} templates do not render: letters cannot be issued until they are fixed", templates.len());
            } else {
                print!("{}", summary::table(&report.catalog));
                println!("ok: {errors} errors, {warnings} warnings; every letter, list and recap template renders");
            }
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
