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

/// How long `/readyz` waits for each dependency: a probe must answer within 2 s in all, whatever is down.
const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(800);

/// Runs a check within [`CHECK_TIMEOUT`]: "ok", or "unreachable" (logged at warning; the outage itself is logged
/// once, by whoever watches it).
async fn check<E: std::fmt::Display>(what: &str, work: impl Future<Output = Result<(), E>>) -> &'static str {
    match tokio::time::timeout(CHECK_TIMEOUT, work).await {
        Ok(Ok(())) => "ok",
        Ok(Err(error)) => {
            tracing::warn!(%error, what, "readiness check failed");
            "unreachable"
        }
        Err(_) => {
            tracing::warn!(what, "readiness check timed out");
            "unreachable"
        }
    }
}

/// The process can serve: its database and its file store answer (503 otherwise, so a load balancer sends
/// requests elsewhere), within 2 s whatever is down. Redis is reported (`ok`, `unreachable` — status
/// `degraded` —, or `off`) but does not make the instance unready: it serves from its own state meanwhile. So are
/// the background tasks: one that is restarting after a panic is named (status `degraded`), and the read replica
/// (`off`, `starting`, `ok`, or `behind` and `unreachable` — status `degraded`, its reads going to the primary).
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let store = &state.shared.store;
    let database = if store.database_up() {
        check("database", async { store.connection().execute_unprepared("SELECT 1").await.map(|_| ()) }).await
    } else {
        "unreachable"
    };
    let files = check("file store", state.shared.files.backend().check()).await;
    // Without Redis the instance still serves (from its own state), so Redis decides nothing here; it is shown.
    let redis = state.shared.state.status().label();
    let tasks: serde_json::Map<String, serde_json::Value> = state
        .shared
        .tasks
        .statuses()
        .into_iter()
        .map(|(name, status)| (name.to_string(), json!(status.state.label())))
        .collect();
    let tasks_down: Vec<&String> = tasks.iter().filter(|(_, s)| *s != "running").map(|(n, _)| n).collect();
    // A replica that is behind or unreachable costs the primary its reads, but every read is still answered.
    let replica = store.replica_status();
    let ready = database == "ok" && files == "ok";
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let summary = match (ready, redis, tasks_down.is_empty() && !replica.is_failing()) {
        (false, _, _) => "unavailable",
        (true, "unreachable", _) | (true, _, false) => "degraded",
        (true, _, true) => "ready",
    };
    let body = json!({
        "status": summary, "database": database, "replica": replica.label(), "files": files, "redis": redis,
        "tasks": tasks, "tasks_down": tasks_down,
    });
    (status, Json(body))
}
