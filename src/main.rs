//! `simpul`: the one binary of Simpul. Each subcommand lives in its own module under `commands/`.

mod commands;
mod config;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Migrate(args) => runtime().and_then(|rt| rt.block_on(commands::migrate::run(&args))),
        Command::Definitions(args) => runtime().and_then(|rt| rt.block_on(commands::definitions::run(&args))),
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
