//! Telling request errors from execution errors. A document that does not parse or validate never runs: GraphQL
//! over HTTP answers it 400 under `application/graphql-response+json` (200 under `application/json`, for old
//! clients) and leaves out `data`. async-graphql reports both kinds in one list, so this extension marks the
//! request when parsing or validation fails, and gives those errors their codes (`GRAPHQL_PARSE_FAILED`,
//! `GRAPHQL_VALIDATION_FAILED`), as every other error has one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};

/// Set when the request's document did not parse or validate; the HTTP layer puts one in each request's data.
#[derive(Clone, Default)]
pub struct RequestErrorFlag(Arc<AtomicBool>);

impl RequestErrorFlag {
    /// Whether the document failed before execution.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The extension's factory, registered on the schema.
pub struct RequestErrors;

impl ExtensionFactory for RequestErrors {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestErrorsExtension)
    }
}

struct RequestErrorsExtension;

/// An error with its code, unless it has one already.
fn coded(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

fn flag(ctx: &ExtensionContext<'_>) {
    if let Some(flag) = ctx.data_opt::<RequestErrorFlag>() {
        flag.set();
    }
}

#[async_trait::async_trait]
impl Extension for RequestErrorsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|error| {
            flag(ctx);
            coded(error, "GRAPHQL_PARSE_FAILED")
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            flag(ctx);
            errors.into_iter().map(|e| coded(e, "GRAPHQL_VALIDATION_FAILED")).collect()
        })
    }
}
