//! Prometheus metrics at `/metrics`: requests by route and status, their latency, actions by tenant and
//! outcome, the SQL statements of each GraphQL request, and where queries' reads that may lag went (replica or
//! primary) when a read replica is configured.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus::{Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

use crate::AppState;

/// The metrics of one process.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    actions: IntCounterVec,
    statements: Histogram,
    lagging_reads: IntCounterVec,
}

impl Metrics {
    /// Registers the metrics.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("simpul_http_requests_total", "HTTP requests by route and status"),
            &["route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("simpul_http_request_duration_seconds", "HTTP request latency by route")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
            &["route"],
        )?;
        let actions = IntCounterVec::new(
            Opts::new("simpul_actions_total", "Submissions and actions by tenant and outcome"),
            &["tenant", "outcome"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        // Buckets up to the statements of a full page read the wrong way (one per row of 100, times a few).
        let statements = Histogram::with_opts(
            HistogramOpts::new("simpul_graphql_statements", "SQL statements run by each GraphQL request")
                .buckets(vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0]),
        )?;
        registry.register(Box::new(actions.clone()))?;
        registry.register(Box::new(statements.clone()))?;
        let lagging_reads = IntCounterVec::new(
            Opts::new(
                "simpul_lagging_reads_total",
                "GraphQL queries with reads that may lag, by where they went (with a read replica configured)",
            ),
            &["database"],
        )?;
        registry.register(Box::new(lagging_reads.clone()))?;
        Ok(Metrics { registry, requests, latency, actions, statements, lagging_reads })
    }

    /// Records the SQL statements one GraphQL request ran.
    pub fn statements(&self, count: u64) {
        self.statements.observe(count as f64);
    }

    /// Counts a query whose reads that may lag went to the replica or, when it was behind or had not replayed the
    /// caller's last write, the primary.
    pub fn lagging_reads(&self, from: simpul_store::replica::ReadFrom) {
        self.lagging_reads.with_label_values(&[from.label()]).inc();
    }

    /// Counts one submission or action: `ok`, or the error code in lower case.
    pub fn action(&self, tenant: &str, outcome: &str) {
        self.actions.with_label_values(&[tenant, outcome]).inc();
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

async fn render(State(state): State<AppState>) -> Response {
    let mut buffer = Vec::new();
    match TextEncoder::new().encode(&state.shared.metrics.registry.gather(), &mut buffer) {
        Ok(()) => ([("content-type", "text/plain; version=0.0.4")], buffer).into_response(),
        Err(error) => {
            tracing::error!(%error, "encoding metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Middleware that counts and times every request by its route pattern (never by its raw path, which could
/// carry ids).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.shared.metrics;
    metrics.latency.with_label_values(&[route.as_str()]).observe(started.elapsed().as_secs_f64());
    metrics.requests.with_label_values(&[route.as_str(), response.status().as_str()]).inc();
    response
}
