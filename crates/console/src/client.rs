//! The console's one way to the data: the API's GraphQL schema, executed in-process with the signed-in officer
//! as the caller, exactly as an integrator's request over HTTP would run. The console has no query, rule or
//! permission of its own; each page names the operations it runs (`operations/*.graphql`).

use async_graphql::{Request, UploadValue, Variables};
use serde::de::DeserializeOwned;
use serde_json::Value;
use simpul_api::AppState;
use simpul_api::caller::{Caller, ClientAddress};
use simpul_api::graphql::guard::Outcome;

/// What kind of error the API answered, from its stable `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// No valid credentials: the session ended.
    Unauthenticated,
    /// The officer's role may not do this.
    Forbidden,
    /// Nothing of the officer's office by that name or id.
    NotFound,
    /// Bad input; `fields` names the inputs.
    Validation,
    /// Someone changed the application meanwhile.
    Conflict,
    /// The service's rules refuse it.
    Refused,
    /// Too many attempts.
    RateLimited,
    /// The database cannot be reached, or the request took too long.
    Unavailable,
    /// Anything else (a server error, logged by the API).
    Other,
}

impl Code {
    fn of(code: &str) -> Self {
        match code {
            "UNAUTHENTICATED" => Code::Unauthenticated,
            "FORBIDDEN" => Code::Forbidden,
            "NOT_FOUND" => Code::NotFound,
            "VALIDATION" | "BAD_REQUEST" => Code::Validation,
            "CONFLICT" => Code::Conflict,
            "REFUSED" => Code::Refused,
            "RATE_LIMITED" => Code::RateLimited,
            "UNAVAILABLE" | "TIMEOUT" => Code::Unavailable,
            _ => Code::Other,
        }
    }
}

/// An error the API answered, as a page shows it: the message beside the field it names, or above the form.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: Code,
    /// The API's message, in Bahasa Indonesia, for people.
    pub message: String,
    /// The inputs it names (`data.nik`, `note`, `checklist.ktp_sesuai`) with what is wrong with each.
    pub fields: Vec<(String, String)>,
}

impl Failure {
    fn from_error(error: &async_graphql::ServerError) -> Self {
        let extensions = error.extensions.as_ref();
        let get = |key: &str| extensions.and_then(|e| e.get(key)).and_then(|v| v.clone().into_json().ok());
        let code = get("code").and_then(|c| c.as_str().map(Code::of)).unwrap_or(Code::Other);
        let fields = get("fields")
            .and_then(|f| f.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|f| Some((f.get("path")?.as_str()?.to_string(), f.get("message")?.as_str()?.to_string())))
            .collect();
        Failure { code, message: error.message.clone(), fields }
    }

    /// An answer that could not be read as the page expected: the operation and the page disagree.
    fn unreadable(error: &serde_json::Error) -> Self {
        tracing::error!(%error, "console could not read an API answer");
        Failure { code: Code::Other, message: String::from("Jawaban tidak terbaca"), fields: Vec::new() }
    }

    /// What to say above a form that has no place for each field: the first field's message, else the general one.
    pub fn first_message(&self) -> String {
        self.fields.first().map_or_else(|| self.message.clone(), |(_, m)| m.clone())
    }

    /// The message of the field `path`, if the error names it.
    pub fn field(&self, path: &str) -> Option<&str> {
        self.fields.iter().find(|(p, _)| p == path).map(|(_, m)| m.as_str())
    }
}

/// The API as one caller sees it.
pub struct Api<'a> {
    state: &'a AppState,
    caller: Caller,
    address: ClientAddress,
}

impl<'a> Api<'a> {
    /// The API for `caller` (signed in or not), whose requests come from `address`.
    pub fn new(state: &'a AppState, caller: Caller, address: ClientAddress) -> Self {
        Api { state, caller, address }
    }

    /// Runs `document` (one operation) with `variables` and reads its `data` as `T`. Errors at the top of the
    /// answer (no data, or a root field refused) fail the call; a refusal deeper in (a download link a role may
    /// not have) leaves that field null, as GraphQL's null propagation says, and the page shows what it got.
    pub async fn run<T: DeserializeOwned>(&self, document: &str, variables: Value) -> Result<T, Failure> {
        self.execute(Request::new(document).variables(Variables::from_json(variables))).await
    }

    /// Runs `document` with one file at `path` of its variables (`file` for `$file`), as a multipart upload does.
    pub async fn run_upload<T: DeserializeOwned>(
        &self,
        document: &str,
        variables: Value,
        path: &str,
        file: UploadValue,
    ) -> Result<T, Failure> {
        let mut request = Request::new(document).variables(Variables::from_json(variables));
        request.set_upload(&format!("variables.{path}"), file);
        self.execute(request).await
    }

    /// The answers of a subscription, each as the API sends it (a failed one ends the stream for the page's
    /// script to reconnect).
    pub fn subscribe(
        &self,
        document: &str,
        variables: Value,
    ) -> impl futures_util::Stream<Item = Result<Value, Failure>> + Send + 'static {
        use futures_util::StreamExt;
        let request = Request::new(document)
            .variables(Variables::from_json(variables))
            .data(self.caller.clone())
            .data(self.address)
            .data(Outcome::default());
        self.state.schema.execute_stream(request).map(|response| match response.errors.first() {
            Some(error) => Err(Failure::from_error(error)),
            None => response.data.into_json().map_err(|e| Failure::unreadable(&e)),
        })
    }

    async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T, Failure> {
        let request = request.data(self.caller.clone()).data(self.address).data(Outcome::default());
        let response = self.state.schema.execute(request).await;
        let top = response.errors.iter().find(|e| e.path.len() <= 1);
        if let Some(error) =
            top.or(if response.data == async_graphql::Value::Null { response.errors.first() } else { None })
        {
            return Err(Failure::from_error(error));
        }
        for error in &response.errors {
            tracing::debug!(message = %error.message, "a field the officer may not see");
        }
        let data = response.data.into_json().map_err(|e| Failure::unreadable(&e))?;
        serde_json::from_value(data).map_err(|e| Failure::unreadable(&e))
    }
}
