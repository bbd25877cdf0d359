//! `simpul apikey create|list|revoke`: API keys of the integrating systems of one tenant.

use std::collections::BTreeSet;
use std::process::ExitCode;

use simpul_store::auth::{ApiScope, KeyLimits};

/// Arguments of `simpul apikey`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create a key; it is printed once and stored only hashed. Read-only unless `--write`.
    Create {
        /// The tenant the key belongs to.
        #[arg(long)]
        tenant: String,
        /// Who uses it, e.g. "SIKS desa Malili".
        #[arg(long)]
        name: String,
        /// Allow submitting and acting, not only reading.
        #[arg(long)]
        write: bool,
        /// A role of the tenant the system acts with (e.g. `operator_desa`); repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Limit the key to a kecamatan or desa/kelurahan code of the tenant (a village system), e.g. `73.24.04`.
        #[arg(long)]
        area: Option<String>,
        /// The last day the key is accepted, e.g. 2027-12-31 (none: no end).
        #[arg(long)]
        expires_on: Option<chrono::NaiveDate>,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// List the keys of a tenant, newest first, with their last use.
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Revoke a key: the next request with it is refused.
    Revoke {
        /// The key's id (from `simpul apikey list`).
        id: uuid::Uuid,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
}

/// Runs the subcommand.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Create { tenant, name, write, roles, area, expires_on, database_url } => {
            let store = super::store(database_url).await?;
            let scope = store.system_scope(tenant).await?;
            let mut scopes = BTreeSet::from([ApiScope::Read]);
            if *write {
                scopes.insert(ApiScope::Write);
            }
            let roles = roles.iter().cloned().collect();
            let limits = KeyLimits { area: area.as_deref(), expires_on: *expires_on };
            let (id, secret) =
                store.create_api_key(&scope, name, &scopes, &roles, limits, "simpul apikey create").await?;
            println!("api key {id} for {tenant}: {secret}");
            println!("send it as `Authorization: Bearer <key>`; it is not shown again");
            Ok(ExitCode::SUCCESS)
        }
        Command::List { tenant, database_url } => {
            let store = super::store(database_url).await?;
            let scope = store.system_scope(tenant).await?;
            for key in store.api_keys(&scope).await? {
                let roles: Vec<&str> = key.roles.iter().map(String::as_str).collect();
                let access = if key.scopes.contains(&ApiScope::Write) { "read+write" } else { "read" };
                let used = key.last_used_at.map_or_else(|| String::from("never used"), |t| format!("last used {t}"));
                let state = key.revoked_at.map_or_else(|| String::from("active"), |t| format!("revoked {t}"));
                println!(
                    "{}\t{}\tspl_{}_…\t{access}\t{}\t{used}\t{state}",
                    key.id,
                    key.name,
                    key.prefix,
                    roles.join(",")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Revoke { id, tenant, database_url } => {
            let store = super::store(database_url).await?;
            let scope = store.system_scope(tenant).await?;
            let key = store.revoke_api_key(&scope, *id, "simpul apikey revoke").await?;
            println!("api key {} ({}) revoked", key.id, key.name);
            Ok(ExitCode::SUCCESS)
        }
    }
}
