//! `simpul user add`: creates an officer or admin account from the command line.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::Context;
use simpul_store::Store;
use simpul_store::auth::RoleGrant;

/// Arguments of `simpul user`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create a user. The password is read from standard input (one line), so it stays out of shell history.
    Add {
        /// Login name.
        username: String,
        /// Name shown to people.
        #[arg(long)]
        name: String,
        /// A role in a tenant, as `<tenant>:<role>` (e.g. `bulukumba:kabid`); repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// A province whose definitions the user administers (e.g. `73`); repeatable.
        #[arg(long = "province")]
        provinces: Vec<String>,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
}

/// Runs the subcommand.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Add { username, name, roles, provinces, database_url } => {
            let mut grants = Vec::new();
            for role in roles {
                let (tenant, role) =
                    role.split_once(':').with_context(|| format!("`{role}`: write a role as <tenant>:<role>"))?;
                grants.push(RoleGrant::Tenant { tenant: tenant.to_string(), role: role.to_string() });
            }
            grants.extend(provinces.iter().map(|p| RoleGrant::Province { province: p.clone() }));
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).context("reading the password from standard input")?;
            let store = Store::connect(&crate::config::database_url(database_url.as_deref())?).await?;
            let id = store.create_user(username, name, password.trim_end_matches(['\r', '\n']), &grants).await?;
            println!("created user {username} ({id})");
            Ok(ExitCode::SUCCESS)
        }
    }
}
