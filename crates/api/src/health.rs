//! Liveness and readiness probes (`/healthz`, `/readyz`), for load balancers and Kubernetes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database and its file store answer (503 otherwise, so a load balancer sends
/// requests elsewhere). Redis is reported (`ok`, `unreachable` — status `degraded` —, or `off`) but does not
/// make the instance unready: it serves from its own state meanwhile.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let db = state.shared.store.connection();
    let database = match db.execute_unprepared("SELECT 1").await {
        Ok(_) => "ok",
        Err(error) => {
            tracing::warn!(%error, "database unreachable");
            "unreachable"
        }
    };
    let files = match state.shared.files.backend().check().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "file store unreachable");
            "unreachable"
        }
    };
    // Without Redis the instance still serves (from its own state), so Redis decides nothing here; it is shown.
    let redis = state.shared.state.status().label();
    let ready = database == "ok" && files == "ok";
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let summary = match (ready, redis) {
        (false, _) => "unavailable",
        (true, "unreachable") => "degraded",
        (true, _) => "ready",
    };
    (status, Json(json!({ "status": summary, "database": database, "files": files, "redis": redis })))
}
