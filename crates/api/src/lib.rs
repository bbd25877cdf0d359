//! The HTTP side of Simpul: one axum router assembled from one module per area, sharing one small state.
//!
//! For now it serves the probes a deployment needs; the GraphQL API, the public pages and the metrics join it
//! as their own modules.

mod health;

use axum::Router;
use simpul_store::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
}

/// The whole router.
pub fn router(state: AppState) -> Router {
    Router::new().merge(health::routes()).with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves; requests in flight are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
