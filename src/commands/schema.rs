//! `simpul schema [KIND] [--out DIR]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use simpul_definitions::schema;

/// Arguments of `simpul schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which file kind to print.
    #[arg(value_enum, default_value_t = Kind::Service)]
    kind: Kind,
    /// Write every schema into this folder instead of printing one (e.g. `service-definitions/schema`).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    Service,
    Tenant,
    Calendar,
}

/// Prints one schema, or writes them all.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
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
    let wanted = match args.kind {
        Kind::Service => "service.schema.json",
        Kind::Tenant => "tenant.schema.json",
        Kind::Calendar => "calendar.schema.json",
    };
    if let Some((_, text)) = files.iter().find(|(name, _)| *name == wanted) {
        print!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}
