//! The HTTP side of Simpul: one axum router assembled from one module per area, sharing one small state.

pub mod bundles;
pub mod caller;
pub mod complaints;
pub mod deadline_watcher;
pub mod documents;
pub mod error;
pub mod graphql;
mod graphql_http;
mod graphql_upload;
mod graphql_ws;
mod health;
pub mod lease;
pub mod letter_archiver;
pub mod letters;
pub mod limits;
pub mod metrics;
pub mod notifications;
pub mod outbox_dispatcher;
mod pages;
mod public_page;
mod reads;
pub mod registry;
pub mod registry_retention;
mod security;
pub mod shared_state;
pub mod supervisor;
pub mod templates;
pub mod token;
pub mod tracking;
mod verify_page;
pub mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use simpul_store::Store;

use token::TokenKeys;

/// Largest GraphQL request body accepted, uploads aside (and the `operations` part of an upload): the largest
/// real request, a form with its data, is a few KB; a megabyte leaves room and bounds what is read into memory.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Largest file in a multipart upload: a scan of a KTP or a village letter is well under 5 MB, a multi-page PDF
/// under 25; each requirement's own limit (usually far lower) is checked while the file is stored.
pub const UPLOAD_LIMIT: usize = 25 * 1024 * 1024;

/// Largest image upload (`uploadLetterImage`, the emblem of an office's kop): the store's own limit for an
/// image, which the request is bounded by before the store sees it.
pub const IMAGE_UPLOAD_LIMIT: usize = simpul_store::definitions::IMAGE_LIMIT;

/// Largest bundle (`planBundleImport`, `importBundle`): the definitions crate's limit, which the request is
/// bounded by before the bundle is read.
pub const BUNDLE_UPLOAD_LIMIT: usize = simpul_definitions::bundle::BUNDLE_LIMIT;

/// Largest registry export (`importRegistry`): a DTSEN export of a large kabupaten — a million people at about
/// 80 bytes a row in CSV — is under 100 MB; the file is spooled to disk and read as it streams, never held in
/// memory.
pub const REGISTRY_UPLOAD_LIMIT: usize = 150 * 1024 * 1024;

/// What resolvers share.
pub struct Services {
    /// The store.
    pub store: Store,
    /// Token signing keys.
    pub tokens: TokenKeys,
    /// What instances share (Redis) or this one holds: login failures, idempotency claims, event fan-out.
    pub state: Arc<shared_state::SharedState>,
    /// Prometheus metrics.
    pub metrics: metrics::Metrics,
    /// Stored documents and letters.
    pub files: simpul_files::Files,
    /// Every tenant's letter templates, as [`templates::renderer_for`] keeps them in step with the database.
    pub letters: Arc<simpul_letters::Renderer>,
    /// The address people reach the server at, without a trailing slash.
    pub public_url: String,
    /// Wakes this instance's outbox dispatcher when a request has committed events.
    pub outbox_nudge: tokio::sync::Notify,
    /// Wakes this instance's webhook sender when deliveries were queued.
    pub webhook_nudge: tokio::sync::Notify,
    /// How webhooks are sent.
    pub webhook_policy: webhooks::WebhookPolicy,
    /// Wakes this instance's letter archiver when a signing committed.
    pub archive_nudge: tokio::sync::Notify,
    /// How messages to applicants are sent.
    pub notifier: notifications::sender::Notifier,
    /// Wakes this instance's message sender when messages were queued.
    pub notify_nudge: tokio::sync::Notify,
    /// Where complaints are forwarded to SP4N-LAPOR!, when the deployment has a connection.
    pub lapor: Option<Arc<dyn complaints::ComplaintForwarder>>,
    /// Where registry facts come from: the office's uploads, or an online source the deployment has.
    pub registries: registry::Registries,
    /// This instance's background tasks, for `/readyz`.
    pub tasks: Arc<supervisor::Supervisor>,
    /// How many trusted reverse proxies stand in front of the server (see [`caller::ClientAddress`]).
    pub forwarded_hops: usize,
    /// The demo accounts (`<role>@<tenant>`, password `demo`) when the server runs with `--demo`, for the
    /// console's login page to list; empty otherwise, and then nothing lists any account.
    pub demo_users: Vec<String>,
    /// The installation's key for signing bundles (derived from the token secret: the same on every instance).
    pub bundle_key: simpul_definitions::bundle::BundleKey,
    /// Public keys (base64) of the installations whose bundles this one imports, beside its own.
    pub trusted_bundle_keys: Vec<String>,
    /// The key the console signs its forms' CSRF tokens with: derived from the token secret, so that every
    /// instance of a deployment accepts the forms the others rendered.
    pub form_key: [u8; 32],
}

/// How this deployment runs, beyond the store and the files.
pub struct Settings {
    /// The address people reach the server at, without a trailing slash.
    pub public_url: String,
    /// What the instances share.
    pub state: Arc<shared_state::SharedState>,
    /// How webhooks are sent.
    pub webhooks: webhooks::WebhookPolicy,
    /// How messages to applicants are sent.
    pub notifier: notifications::sender::Notifier,
    /// Where complaints are forwarded to SP4N-LAPOR!.
    pub lapor: Option<Arc<dyn complaints::ComplaintForwarder>>,
    /// Online registry sources the deployment has access to; the office's uploads answer for the others.
    pub online_registries: Vec<Arc<dyn registry::RegistryAdapter>>,
    /// How many trusted reverse proxies stand in front of the server.
    pub forwarded_hops: usize,
    /// The demo accounts, when the server runs with `--demo`.
    pub demo_users: Vec<String>,
    /// Public keys (base64) of the installations whose bundles are imported (`SIMPUL_TRUSTED_BUNDLE_KEYS`).
    pub trusted_bundle_keys: Vec<String>,
}

/// Shared services, as resolvers receive them.
pub type Shared = Arc<Services>;

/// The router's state.
#[derive(Clone)]
pub struct AppState {
    /// The shared services.
    pub shared: Shared,
    /// The GraphQL schema.
    pub schema: graphql::ApiSchema,
}

impl AppState {
    /// State for a store, a token secret, the files, the letters and the settings.
    pub fn new(
        store: Store,
        token_secret: &[u8],
        files: simpul_files::Files,
        letters: simpul_letters::Renderer,
        settings: Settings,
    ) -> Result<Self, prometheus::Error> {
        let forget = store.clone();
        let registries = registry::Registries::default_with(&store, settings.online_registries);
        settings.state.on_definitions_changed(move || forget.forget_definitions());
        let shared = Arc::new(Services {
            store,
            tokens: TokenKeys::new(token_secret),
            state: settings.state,
            metrics: metrics::Metrics::new()?,
            files,
            letters: Arc::new(letters),
            public_url: settings.public_url,
            outbox_nudge: tokio::sync::Notify::new(),
            webhook_nudge: tokio::sync::Notify::new(),
            webhook_policy: settings.webhooks,
            archive_nudge: tokio::sync::Notify::new(),
            notifier: settings.notifier,
            notify_nudge: tokio::sync::Notify::new(),
            lapor: settings.lapor,
            registries,
            tasks: Arc::default(),
            forwarded_hops: settings.forwarded_hops,
            demo_users: settings.demo_users,
            form_key: form_key(token_secret),
            bundle_key: simpul_definitions::bundle::BundleKey::from_secret(token_secret),
            trusted_bundle_keys: settings.trusted_bundle_keys,
        });
        Ok(AppState { schema: graphql::schema(shared.clone()), shared })
    }
}

/// The key of the console's forms: HMAC-SHA256 of a fixed label under the token secret, so that it differs from
/// the token key while every instance derives the same one.
fn form_key(token_secret: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(token_secret).expect("HMAC takes a key of any length");
    mac.update(b"simpul console forms");
    mac.finalize().into_bytes().into()
}

/// The whole router: the API's routes and `pages` (the console's), under one set of layers.
pub fn router(state: AppState, pages: Router<AppState>) -> Router {
    Router::new()
        .merge(pages)
        .merge(graphql_http::routes())
        .merge(health::routes())
        .merge(documents::routes())
        .merge(verify_page::routes())
        .merge(public_page::routes())
        .merge(metrics::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Serves the API and `pages` on `listener` until `shutdown` resolves; requests in flight are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    pages: Router<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer's address reaches handlers, for limits per client.
    let service = router(state, pages).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}
