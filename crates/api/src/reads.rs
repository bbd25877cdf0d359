//! Where a request's reads go when the store has a read replica (`simpul_store::replica` holds the rule): a
//! GraphQL mutation reads and writes the primary, and marks that its caller wrote; a query may read from the
//! replica, unless the replica has not replayed that caller's last write yet — over HTTP, over the WebSocket and
//! in the console alike, since all of them run through the schema. The public pages the API serves itself (the
//! office's page, letter verification) read as an anonymous query does when they are fetched, and from the
//! primary when a form is posted.

use async_graphql::Response;
use async_graphql::extensions::{ExtensionContext, NextExecute};
use async_graphql::parser::types::OperationType;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use simpul_store::replica::ReadPolicy;

use crate::Shared;
use crate::caller::Caller;

/// The operation a request runs, put in its data by the guard once it has parsed the document.
#[derive(Debug, Clone, Copy)]
pub struct Operation(pub Option<OperationType>);

/// Who wrote, as remembered between requests: the user or the API key (never an anonymous caller, whose reads
/// that need to find what they wrote are lookups by code, which the store asks the primary again).
fn writer(caller: &Caller) -> Option<String> {
    match caller {
        Caller::User(principal) => Some(format!("user:{}", principal.user_id)),
        Caller::ApiKey(key) => Some(format!("apikey:{}", key.key_id)),
        Caller::Anonymous | Caller::Rejected(_) => None,
    }
}

/// Runs the operation under its [`ReadPolicy`].
pub async fn route(ctx: &ExtensionContext<'_>, operation_name: Option<&str>, next: NextExecute<'_>) -> Response {
    let shared = ctx.data_opt::<Shared>();
    let remember = shared.and_then(|shared| shared.store.remember_writes_for());
    let (Some(shared), Some(remember)) = (shared, remember) else { return next.run(ctx, operation_name).await };
    let writer = ctx.data_opt::<Caller>().and_then(writer);
    let query = matches!(ctx.data_opt::<Operation>(), Some(Operation(Some(OperationType::Query))));
    if query {
        let last_write = match &writer {
            Some(writer) => shared.state.last_written(writer).await,
            None => None,
        };
        let (response, from) = ReadPolicy::MayLag { last_write }.scope(next.run(ctx, operation_name)).await;
        if let Some(from) = from {
            shared.metrics.lagging_reads(from);
        }
        return response;
    }
    let (response, _) = ReadPolicy::Primary.scope(next.run(ctx, operation_name)).await;
    if let Some(writer) = writer {
        shared.state.mark_written(&writer, remember).await;
    }
    response
}

/// Layer of the public pages' routes: a GET or HEAD may read from the replica (nobody signed in has a write to
/// see there, and lookups by code ask the primary again); anything else reads the primary.
pub async fn public_pages(request: Request, next: Next) -> axum::response::Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        ReadPolicy::MayLag { last_write: None }.scope(next.run(request)).await.0
    } else {
        next.run(request).await
    }
}
