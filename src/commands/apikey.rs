//! `simpul apikey create`: an API key for an integrating system of one tenant.

use std::collections::BTreeSet;
use std::process::ExitCode;

use simpul_store::Store;
use simpul_store::auth::ApiScope;

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
        /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
        #[arg(long)]
        database_url: Option<String>,
    },
}

/// Runs the subcommand.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Create { tenant, name, write, roles, database_url } => {
            let store = Store::connect(&crate::config::database_url(database_url.as_deref())?).await?;
            let scope = store.system_scope(tenant).await?;
            let mut scopes = BTreeSet::from([ApiScope::Read]);
            if *write {
                scopes.insert(ApiScope::Write);
            }
            let roles = roles.iter().cloned().collect();
            let (id, secret) = store.create_api_key(&scope, name, &scopes, &roles, "simpul apikey create").await?;
            println!("api key {id} for {tenant}: {secret}");
            println!("send it as `Authorization: Bearer <key>`; it is not shown again");
            Ok(ExitCode::SUCCESS)
        }
    }
}
