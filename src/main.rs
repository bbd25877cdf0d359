//! `simpul`: the one binary of Simpul. Each subcommand lives in its own module under `commands/`.

mod commands;
mod config;
mod definitions_source;
mod generated_offices;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// jemalloc rather than glibc's malloc: with glibc the server kept what a load had used (argon2id's 19 MiB per
/// sign-in, a signing's render) — 325–388 MB idle after a load run; jemalloc gives freed pages back to the system
/// after its decay time (10 s), and with its background thread (enabled in `main`) it does so while the server
/// idles, when no allocation would trigger it.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Simpul runs the service standards of Indonesia's district social-service offices.
#[derive(Debug, Parser)]
#[command(name = "simpul", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every definition file and report all problems, with file, line and column.
    Validate(commands::validate::Args),
    /// Print or write the JSON Schemas of the definition files, for editors.
    Schema(commands::schema::Args),
    /// Apply the database migrations.
    Migrate(commands::migrate::Args),
    /// Manage the service definitions stored in the database.
    Definitions(commands::definitions::Args),
    /// Run the server.
    Serve(commands::serve::Args),
    /// Manage user accounts.
    User(commands::user::Args),
    /// Manage API keys of integrating systems.
    Apikey(commands::apikey::Args),
    /// Maintain the file store.
    Files(commands::files::Args),
    /// Import and list offices' registry exports (DTSEN, E-Dabu).
    Registry(commands::registry::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to standard error; `RUST_LOG` chooses what (default: info for Simpul, warnings for the rest).
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,simpul=info,simpul_api=info,simpul_store=info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).init();
    if let Err(error) = tikv_jemalloc_ctl::background_thread::write(true) {
        tracing::warn!(%error, "the allocator's background thread did not start: freed memory returns only as memory is used");
    }
    let result = match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Migrate(args) => runtime().and_then(|rt| rt.block_on(commands::migrate::run(&args))),
        Command::Definitions(args) => runtime().and_then(|rt| rt.block_on(commands::definitions::run(&args))),
        Command::Serve(args) => runtime().and_then(|rt| rt.block_on(commands::serve::run(&args))),
        Command::User(args) => runtime().and_then(|rt| rt.block_on(commands::user::run(&args))),
        Command::Apikey(args) => runtime().and_then(|rt| rt.block_on(commands::apikey::run(&args))),
        Command::Files(args) => runtime().and_then(|rt| rt.block_on(commands::files::run(&args))),
        Command::Registry(args) => runtime().and_then(|rt| rt.block_on(commands::registry::run(&args))),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}
