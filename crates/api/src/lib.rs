//! The HTTP side of Simpul: one axum router assembled from one module per area, sharing one small state.

pub mod caller;
pub mod deadline_watcher;
pub mod documents;
pub mod error;
pub mod graphql;
mod health;
pub mod lease;
pub mod letters;
pub mod metrics;
pub mod outbox_dispatcher;
mod public_page;
pub mod shared_state;
pub mod token;
mod verify_page;
pub mod webhooks;

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::GraphQLResponse;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use simpul_store::Store;

use caller::Caller;
use token::TokenKeys;

/// Largest GraphQL request body accepted, uploads aside.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Largest file in a multipart upload; each requirement's own limit (usually far lower) is checked while the file
/// is stored.
pub const UPLOAD_LIMIT: usize = 25 * 1024 * 1024;

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
    /// Template files of each tenant, for validating drafts.
    pub templates: std::collections::HashMap<String, std::collections::BTreeSet<String>>,
    /// Stored documents and letters.
    pub files: simpul_files::Files,
    /// Every tenant's letter templates.
    pub letters: Arc<simpul_letters::Renderer>,
    /// The address people reach the server at, without a trailing slash.
    pub public_url: String,
    /// Wakes this instance's outbox dispatcher when a request has committed events.
    pub outbox_nudge: tokio::sync::Notify,
    /// Wakes this instance's webhook sender when deliveries were queued.
    pub webhook_nudge: tokio::sync::Notify,
    /// How webhooks are sent.
    pub webhook_policy: webhooks::WebhookPolicy,
}

/// How this deployment runs, beyond the store and the files.
pub struct Settings {
    /// The address people reach the server at, without a trailing slash.
    pub public_url: String,
    /// What the instances share.
    pub state: Arc<shared_state::SharedState>,
    /// How webhooks are sent.
    pub webhooks: webhooks::WebhookPolicy,
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
    /// State for a store, a token secret, the tenants' template files, the files, the letters and the settings.
    pub fn new(
        store: Store,
        token_secret: &[u8],
        templates: std::collections::HashMap<String, std::collections::BTreeSet<String>>,
        files: simpul_files::Files,
        letters: simpul_letters::Renderer,
        settings: Settings,
    ) -> Result<Self, prometheus::Error> {
        let forget = store.clone();
        settings.state.on_definitions_changed(move || forget.forget_definitions());
        let shared = Arc::new(Services {
            store,
            tokens: TokenKeys::new(token_secret),
            state: settings.state,
            metrics: metrics::Metrics::new()?,
            templates,
            files,
            letters: Arc::new(letters),
            public_url: settings.public_url,
            outbox_nudge: tokio::sync::Notify::new(),
            webhook_nudge: tokio::sync::Notify::new(),
            webhook_policy: settings.webhooks,
        });
        Ok(AppState { schema: graphql::schema(shared.clone()), shared })
    }
}

/// Who the `Authorization` header says is calling: `Bearer <token>` or `Bearer <API key>`.
async fn caller(shared: &Services, headers: &HeaderMap) -> Caller {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Caller::Anonymous;
    };
    let Some(credential) = value.strip_prefix("Bearer ").map(str::trim) else { return Caller::Anonymous };
    if credential.starts_with("spl_") {
        return match shared.store.authenticate_api_key(credential).await {
            Ok(key) => Caller::ApiKey(key),
            Err(_) => Caller::Anonymous,
        };
    }
    match shared.tokens.verify(credential) {
        Some(user) => match shared.store.principal_by_id(user).await {
            Ok(principal) => Caller::User(principal),
            Err(_) => Caller::Anonymous,
        },
        None => Caller::Anonymous,
    }
}

/// Reads a GraphQL request: JSON up to [`BODY_LIMIT`], or a multipart upload (the GraphQL multipart request
/// spec) whose file is spooled to a temporary file as it arrives, up to [`UPLOAD_LIMIT`].
async fn read_request(request: axum::extract::Request) -> Result<async_graphql::Request, axum::response::Response> {
    use futures_util::TryStreamExt;
    let content_type =
        request.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(String::from);
    let options = async_graphql::http::MultipartOptions::default().max_file_size(UPLOAD_LIMIT).max_num_files(1);
    let parsed = if content_type.as_deref().is_some_and(|c| c.starts_with("multipart/")) {
        let body = request.into_body().into_data_stream().map_err(std::io::Error::other).into_async_read();
        async_graphql::http::receive_body(content_type, body, options).await
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "Permintaan melebihi 1 MB").into_response())?;
        async_graphql::http::receive_body(content_type, futures_util::io::Cursor::new(bytes), options).await
    };
    parsed.map_err(|error| (axum::http::StatusCode::BAD_REQUEST, error.to_string()).into_response())
}

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> axum::response::Response {
    let request = match read_request(request).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    let caller = caller(&state.shared, &headers).await;
    let request = request.data(caller);
    let response = match tokio::time::timeout(std::time::Duration::from_secs(30), state.schema.execute(request)).await {
        Ok(response) => response,
        Err(_) => async_graphql::Response::from_errors(vec![async_graphql::ServerError::new(
            "Permintaan terlalu lama; coba lagi",
            None,
        )]),
    };
    GraphQLResponse::from(response).into_response()
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql/ws").finish())
}

/// Subscriptions over WebSocket (graphql-transport-ws or graphql-ws). The credentials come in the
/// `connection_init` payload as `{ "Authorization": "Bearer …" }`.
async fn graphql_ws(
    State(state): State<AppState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> axum::response::Response {
    upgrade.protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |stream| {
        let shared = state.shared.clone();
        async_graphql_axum::GraphQLWebSocket::new(stream, state.schema.clone(), protocol)
            .on_connection_init(move |payload| async move {
                let mut headers = HeaderMap::new();
                if let Some(value) = payload.get("Authorization").and_then(|v| v.as_str())
                    && let Ok(value) = value.parse()
                {
                    headers.insert(axum::http::header::AUTHORIZATION, value);
                }
                let mut data = async_graphql::Data::default();
                data.insert(caller(&shared, &headers).await);
                Ok(data)
            })
            .serve()
    })
}

/// The whole router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(graphql_ws))
        .merge(health::routes())
        .merge(documents::routes())
        .merge(verify_page::routes())
        .merge(public_page::routes())
        .merge(metrics::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves; requests in flight are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
