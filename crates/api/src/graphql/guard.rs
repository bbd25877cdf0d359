//! What every request goes through before it runs, whether it came over HTTP or a WebSocket, and codes for the
//! errors async-graphql raises itself, so that every error a client sees has one.
//!
//! - *Budget*: the document is measured against its caller's [`Budget`] on the blocking pool (parsing is CPU
//!   work) before async-graphql parses or validates it; over budget is `QUERY_TOO_COMPLEX`.
//! - *Reads*: a query's reads may come from the read replica, a mutation's from the primary ([`crate::reads`]).
//! - *Read-only requests*: a request marked [`ReadOnly`] (GraphQL over HTTP's GET) runs queries only.
//! - *Request errors*: a document that does not parse, validate or fit never runs. GraphQL over HTTP answers it
//!   400 under `application/graphql-response+json` (200 under `application/json`, for old clients) and leaves
//!   out `data`; async-graphql reports such errors and execution errors in one list, so the request's
//!   [`Outcome`] records which it was. Parse and validation errors are coded `GRAPHQL_PARSE_FAILED` and
//!   `GRAPHQL_VALIDATION_FAILED`.
//! - *Input errors*: an argument whose literal is not a value of its type (`first: 99999999999`, a date `"w"`)
//!   fails while the field runs; it is coded `VALIDATION`, as the API's own input errors are.

use std::any::TypeId;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextRequest,
    NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Variables};

use super::budget::{self, Budget, DocumentError};
use crate::caller::Caller;
use crate::error::ApiError;

/// How a request ended before execution, for the HTTP layer's status code; put one in each request's data.
#[derive(Clone, Default)]
pub struct Outcome(Arc<AtomicU8>);

/// What [`Outcome`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The request ran (its errors, if any, are execution errors).
    None,
    /// The document did not parse, validate or fit the budget.
    RequestError,
    /// A read-only request carried a mutation or subscription.
    NotAQuery,
}

impl Outcome {
    /// What happened.
    pub fn rejection(&self) -> Rejection {
        match self.0.load(Ordering::Relaxed) {
            1 => Rejection::RequestError,
            2 => Rejection::NotAQuery,
            _ => Rejection::None,
        }
    }

    fn set(&self, rejection: Rejection) {
        let value = match rejection {
            Rejection::None => 0,
            Rejection::RequestError => 1,
            Rejection::NotAQuery => 2,
        };
        self.0.store(value, Ordering::Relaxed);
    }
}

/// Marks a request that may only read (GraphQL over HTTP's GET).
pub struct ReadOnly;

/// The extension's factory, registered on the schema.
pub struct Guard;

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension)
    }
}

struct GuardExtension;

/// An error with its code, unless it has one already.
fn coded(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// Data of the request itself (before execution only the request holds it), else of the WebSocket connection.
fn data<'a, D: std::any::Any + Send + Sync>(request: &'a Request, ctx: &ExtensionContext<'a>) -> Option<&'a D> {
    request.data.get(&TypeId::of::<D>()).and_then(|d| d.downcast_ref::<D>()).or_else(|| ctx.data_opt::<D>())
}

fn reject(ctx: &ExtensionContext<'_>, rejection: Rejection) {
    if let Some(outcome) = ctx.data_opt::<Outcome>() {
        outcome.set(rejection);
    }
}

/// Whether async-graphql raised the error for an input value of the wrong type.
fn is_input_error(error: &ServerError) -> bool {
    error.message.starts_with("Failed to parse \"") || error.message.starts_with("Expected input type \"")
}

#[async_trait::async_trait]
impl Extension for GuardExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let anonymous = data::<Caller>(&request, ctx).is_none_or(Caller::is_anonymous);
        let budget = if anonymous { Budget::ANONYMOUS } else { Budget::SIGNED_IN };
        let outcome = data::<Outcome>(&request, ctx).cloned().unwrap_or_default();
        let query = request.query.clone();
        let checked = tokio::task::spawn_blocking(move || budget::check(&query, &budget))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()).server_error())?;
        let document = match checked {
            Ok(document) => document,
            Err(DocumentError::OverBudget(message)) => {
                outcome.set(Rejection::RequestError);
                return Err(ApiError::TooComplex(message).server_error());
            }
            Err(DocumentError::Parse(error)) => {
                outcome.set(Rejection::RequestError);
                return Err(coded(error, "GRAPHQL_PARSE_FAILED"));
            }
        };
        let operation = budget::operation_type(&document, request.operation_name.as_deref());
        if data::<ReadOnly>(&request, ctx).is_some() && operation.is_some_and(|ty| ty != OperationType::Query) {
            outcome.set(Rejection::NotAQuery);
            return Err(ApiError::BadRequest(String::from("Mutasi dan langganan hanya lewat POST")).server_error());
        }
        request.set_parsed_query(document);
        request.data.insert(crate::reads::Operation(operation));
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|error| {
            reject(ctx, Rejection::RequestError);
            coded(error, "GRAPHQL_PARSE_FAILED")
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            reject(ctx, Rejection::RequestError);
            errors.into_iter().map(|e| coded(e, "GRAPHQL_VALIDATION_FAILED")).collect()
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        crate::reads::route(ctx, operation_name, next).await
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in response.errors.iter_mut().filter(|e| is_input_error(e)) {
            *error = coded(std::mem::replace(error, ServerError::new("", None)), "VALIDATION");
            error.message = format!("Nilai masukan tidak sesuai jenisnya: {}", error.message);
        }
        response
    }
}
