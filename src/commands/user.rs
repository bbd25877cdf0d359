//! `simpul user add|list|disable|enable|roles`: officers' and admins' accounts, from the command line (the server's
//! operator; an office's admin does the same through GraphQL).

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::Context;
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
    /// List the accounts of an office with their roles.
    List {
        /// The office (tenant code).
        #[arg(long)]
        tenant: String,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Disable an account wherever it serves: it cannot sign in, and its sessions end.
    Disable {
        /// Login name.
        username: String,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Enable a disabled account again.
    Enable {
        /// Login name.
        username: String,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Replace the roles an account holds in one office.
    Roles {
        /// Login name.
        username: String,
        /// The office (tenant code).
        #[arg(long)]
        tenant: String,
        /// A role of the office (e.g. `verifikator`); repeatable, at least one.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
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
            let store = super::store(database_url).await?;
            let id = store.create_user(username, name, password.trim_end_matches(['\r', '\n']), &grants).await?;
            println!("created user {username} ({id})");
            Ok(ExitCode::SUCCESS)
        }
        Command::List { tenant, database_url } => {
            let store = super::store(database_url).await?;
            let scope = store.system_scope(tenant).await?;
            for user in store.users(&scope).await? {
                let roles: Vec<&str> = user.roles.iter().map(String::as_str).collect();
                let state = if user.disabled { "disabled" } else { "active" };
                let shared = if user.shared { " (also serves elsewhere)" } else { "" };
                println!("{}\t{}\t{}\t{state}{shared}", user.username, user.display_name, roles.join(","));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Disable { username, database_url } | Command::Enable { username, database_url } => {
            let disabled = matches!(args.command, Command::Disable { .. });
            let actor = if disabled { "simpul user disable" } else { "simpul user enable" };
            super::store(database_url).await?.set_account_disabled(username, disabled, actor).await?;
            println!("{username} {}", if disabled { "disabled: it cannot sign in" } else { "enabled" });
            Ok(ExitCode::SUCCESS)
        }
        Command::Roles { username, tenant, roles, database_url } => {
            let store = super::store(database_url).await?;
            let scope = store.system_scope(tenant).await?;
            let id = store.user_id(username).await?;
            let roles = roles.iter().cloned().collect();
            let user = store.set_user_roles(&scope, id, &roles, "simpul user roles").await?;
            let roles: Vec<&str> = user.roles.iter().map(String::as_str).collect();
            println!("{username} in {tenant}: {}", roles.join(", "));
            Ok(ExitCode::SUCCESS)
        }
    }
}
