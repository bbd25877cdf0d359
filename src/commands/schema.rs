//! `simpul schema [KIND] [--out DIR]`: the JSON Schemas of the definition files, or the GraphQL SDL of the API.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use simpul_definitions::schema;

/// Arguments of `simpul schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which file kind to print.
    #[arg(value_enum, default_value_t = Kind::Service)]
    kind: Kind,
    /// Write into this folder instead of printing: every JSON Schema (e.g. `service-definitions/schema`), or for
    /// `graphql` the SDL as `schema.graphql` (e.g. `crates/api`).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    Service,
    Tenant,
    Calendar,
    /// The GraphQL API's SDL.
    Graphql,
}

/// The SDL's file name.
const SDL_FILE: &str = "schema.graphql";

/// Prints one schema, or writes them.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let wanted = match args.kind {
        Kind::Graphql => return sdl(args.out.as_deref()),
        Kind::Service => "service.schema.json",
        Kind::Tenant => "tenant.schema.json",
        Kind::Calendar => "calendar.schema.json",
    };
    let files = schema::files();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for (name, text) in &files {
            let path = dir.join(name);
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some((_, text)) = files.iter().find(|(name, _)| *name == wanted) {
        print!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the API's SDL, or writes it into `dir`.
fn sdl(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let sdl = simpul_api::graphql::sdl();
    match dir {
        Some(dir) => {
            let path = dir.join(SDL_FILE);
            std::fs::write(&path, sdl).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        None => print!("{sdl}"),
    }
    Ok(ExitCode::SUCCESS)
}
