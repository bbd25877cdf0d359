//! Codes for the errors async-graphql raises itself, so that every error a client sees has one, and telling
//! request errors from execution errors.
//!
//! A document that does not parse or validate never runs: GraphQL over HTTP answers it 400 under
//! `application/graphql-response+json` (200 under `application/json`, for old clients) and leaves out `data`.
//! async-graphql reports both kinds in one list, so this extension marks the request when parsing or validation
//! fails and codes those errors `GRAPHQL_PARSE_FAILED` and `GRAPHQL_VALIDATION_FAILED`. An argument whose literal
//! is not a value of its type (`first: 99999999999`, a date `"w"`) fails while the field runs; it is coded
//! `VALIDATION`, as the API's own input errors are.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

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
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

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

/// Whether async-graphql raised the error for an input value of the wrong type.
fn is_input_error(error: &ServerError) -> bool {
    error.message.starts_with("Failed to parse \"") || error.message.starts_with("Expected input type \"")
}

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in response.errors.iter_mut().filter(|e| is_input_error(e)) {
            *error = coded(std::mem::replace(error, ServerError::new("", None)), "VALIDATION");
            error.message = format!("Nilai masukan tidak sesuai jenisnya: {}", error.message);
        }
        response
    }

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
