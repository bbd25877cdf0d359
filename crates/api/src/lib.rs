//! The HTTP side of Simpul: one axum router assembled from one module per area, sharing one small state.

pub mod caller;
pub mod error;
pub mod graphql;
mod health;
pub mod metrics;
mod public_page;
pub mod token;

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use simpul_store::Store;

use caller::{Caller, LoginLimiter};
use token::TokenKeys;

/// Largest request body accepted (uploads come through their own route).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What resolvers share.
pub struct Services {
    /// The store.
    pub store: Store,
    /// Token signing keys.
    pub tokens: TokenKeys,
    /// Failed-login throttle.
    pub logins: LoginLimiter,
    /// Prometheus metrics.
    pub metrics: metrics::Metrics,
    /// Fan-out of application events to subscriptions.
    pub events: tokio::sync::broadcast::Sender<graphql::subscription::ApplicationEvent>,
    /// Template files of each tenant, for validating drafts.
    pub templates: std::collections::HashMap<String, std::collections::BTreeSet<String>>,
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
    /// State for a store, a token secret and the tenants' template files.
    pub fn new(
        store: Store,
        token_secret: &[u8],
        templates: std::collections::HashMap<String, std::collections::BTreeSet<String>>,
    ) -> Result<Self, prometheus::Error> {
        let shared = Arc::new(Services {
            store,
            tokens: TokenKeys::new(token_secret),
            logins: LoginLimiter::default(),
            metrics: metrics::Metrics::new()?,
            events: tokio::sync::broadcast::channel(1024).0,
            templates,
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

async fn graphql(State(state): State<AppState>, headers: HeaderMap, request: GraphQLRequest) -> GraphQLResponse {
    let caller = caller(&state.shared, &headers).await;
    let request = request.into_inner().data(caller);
    match tokio::time::timeout(std::time::Duration::from_secs(30), state.schema.execute(request)).await {
        Ok(response) => response.into(),
        Err(_) => async_graphql::Response::from_errors(vec![async_graphql::ServerError::new(
            "Permintaan terlalu lama; coba lagi",
            None,
        )])
        .into(),
    }
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
