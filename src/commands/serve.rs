//! `simpul serve`: the server, on the embedded defaults when nothing is configured.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use simpul_api::AppState;
use simpul_store::Store;

/// Arguments of `simpul serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (default: `SIMPUL_BIND`, the config file's `bind`, or 127.0.0.1:8080).
    #[arg(long)]
    bind: Option<String>,
    /// Database URL (default: `DATABASE_URL`, the config file, or the SQLite file under ./data/).
    #[arg(long)]
    database_url: Option<String>,
    /// The definitions folder imported on first start (default: the config file's, or the definitions shipped in
    /// this binary).
    #[arg(long, env = "SIMPUL_DEFINITIONS")]
    definitions: Option<PathBuf>,
    /// For a first look: create a user `<role>@<tenant>` for every role of every office and `admin@<province>`,
    /// all with the password `demo`. Refused on an address other than loopback.
    #[arg(long)]
    demo: bool,
}

/// Opens the store (migrating the embedded database and importing the definitions on first start), then serves
/// until SIGTERM or Ctrl-C, finishing requests in flight.
pub async fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let bind = crate::config::bind(args.bind.as_deref())?;
    let url = crate::config::database_url(args.database_url.as_deref())?;
    let definitions = crate::definitions_source::definitions(args.definitions.as_deref())?;
    let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("listening on {bind}"))?;
    let address = listener.local_addr()?;
    if args.demo && !address.ip().is_loopback() {
        anyhow::bail!("--demo creates users with a known password and runs only on a loopback address, not {address}");
    }
    let mut store = Store::open(&url, definitions.path()).await.context("opening the database")?;
    if let Some((replica, max_lag)) = crate::config::replica()? {
        store = store.with_replica(&replica, max_lag).await.context("connecting to the read replica")?;
        tracing::info!(max_lag_ms = max_lag.as_millis() as u64, "reads that may lag go to the read replica");
    }
    let tenants = store.tenants().await?;
    let demo_users = if args.demo {
        let users = store.ensure_demo_users("demo").await?;
        println!("demo users (password `demo`): {}", users.join(", "));
        users
    } else {
        Vec::new()
    };
    let secret = crate::config::token_secret()?;
    println!("simpul listening on http://{address} with {} offices", tenants.len());
    tracing::info!(%address, offices = tenants.len(), definitions = %definitions.describe(), "serving");
    let objects = crate::config::object_store().await?;
    tracing::info!(files = %objects.describe(), "file store");
    let files = simpul_files::Files::new(objects, &secret);
    let public_url = crate::config::public_url(address)?;
    // The offices' templates come from the database, each set read when a letter of the office is first made.
    let letters = simpul_letters::Renderer::new().context("starting the letter renderer")?;
    let shared_state = crate::config::shared_state()?;
    tracing::info!(redis = shared_state.status().label(), "shared state");
    let settings = simpul_api::Settings {
        public_url,
        state: shared_state,
        webhooks: crate::config::webhook_policy()?,
        notifier: simpul_api::notifications::sender::Notifier::new(crate::config::notifications()?)
            .map_err(|e| anyhow::anyhow!("notifications: {e}"))?,
        lapor: crate::config::lapor()?,
        // No office has API access to SIKS-NG or E-Dabu yet: their uploads answer.
        online_registries: Vec::new(),
        forwarded_hops: crate::config::forwarded_hops()?,
        demo_users,
        trusted_bundle_keys: crate::config::trusted_bundle_keys()?,
    };
    let state = AppState::new(store, &secret, files, letters, settings)?;
    // Background work, supervised (a task that panics is logged and started again; `/readyz` names it meanwhile).
    // Each but the database watch is done by one instance at a time (a lease in the database): handing the outbox
    // to subscribers, webhooks and messages, sending webhooks and messages, giving deadline notices, archiving
    // signed letters.
    use crate::config::interval;
    use std::time::Duration;
    let ms = Duration::from_millis(1);
    // A commit on this instance wakes the dispatcher at once, and the dispatcher wakes the webhook and message
    // senders, and a signing wakes the archiver; the polls catch the work of other instances and retries falling
    // due, so once a second, every 2 s and every 5 s are enough, and an idle server's database does little (each
    // poll is a statement, each lease renewal a commit).
    let outbox = interval("SIMPUL_OUTBOX_POLL_MS", Duration::from_secs(1), ms)?;
    let webhooks = interval("SIMPUL_WEBHOOK_POLL_MS", Duration::from_secs(2), ms)?;
    let deadlines = interval("SIMPUL_DEADLINE_WATCH_SECS", Duration::from_secs(30), Duration::from_secs(1))?;
    let archive = interval("SIMPUL_ARCHIVE_POLL_MS", Duration::from_secs(5), ms)?;
    let messages = interval("SIMPUL_NOTIFY_POLL_MS", Duration::from_secs(2), ms)?;
    // Hourly: retention periods are counted in days.
    let retention = interval("SIMPUL_REGISTRY_RETENTION_SECS", Duration::from_secs(3600), Duration::from_secs(1))?;
    let tasks = state.shared.tasks.clone();
    let shared = state.shared.clone();
    tasks.spawn("database-watch", move || {
        let shared = shared.clone();
        async move { shared.store.watch_database(Duration::from_secs(1)).await }
    });
    let shared = state.shared.clone();
    // Twice a second: a caller's reads go to the primary after each write until the replica has replayed it, so
    // the sooner its progress is seen, the sooner they go back to the replica.
    tasks.spawn("replica-watch", move || {
        let shared = shared.clone();
        async move { shared.store.watch_replica(Duration::from_millis(500)).await }
    });
    let shared = state.shared.clone();
    tasks.spawn("outbox", move || simpul_api::outbox_dispatcher::run(shared.clone(), outbox));
    let shared = state.shared.clone();
    tasks.spawn("webhooks", move || simpul_api::webhooks::sender::run(shared.clone(), webhooks));
    let shared = state.shared.clone();
    tasks.spawn("notifications", move || simpul_api::notifications::sender::run(shared.clone(), messages));
    let shared = state.shared.clone();
    tasks.spawn("deadline-watcher", move || simpul_api::deadline_watcher::run(shared.clone(), deadlines));
    let shared = state.shared.clone();
    tasks.spawn("letter-archiver", move || simpul_api::letter_archiver::run(shared.clone(), archive));
    let shared = state.shared.clone();
    tasks.spawn("registry-retention", move || simpul_api::registry_retention::run(shared.clone(), retention));
    simpul_api::serve(listener, state, simpul_console::routes(), shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGTERM (what orchestrators send) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
