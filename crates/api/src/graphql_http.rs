//! GraphQL over HTTP, as the GraphQL-over-HTTP specification says
//! (<https://graphql.github.io/graphql-over-http/draft/>): `POST /graphql` with `application/json` (or a multipart
//! upload), `GET /graphql?query=…` for queries (never mutations), answers in `application/graphql-response+json`
//! or `application/json` as the client accepts, request errors 400 under the former. Every request is measured
//! against its caller's budget before async-graphql parses it ([`crate::graphql::guard`]), runs within
//! [`REQUEST_TIMEOUT`] from its first byte to its answer, and is answered UNAVAILABLE at once when the database
//! goes down while it waits.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value};
use simpul_store::statements::StatementCount;

use crate::caller::{Caller, ClientAddress};
use crate::error::ApiError;
use crate::graphql::guard::{Outcome, ReadOnly, Rejection};
use crate::{AppState, BODY_LIMIT};

/// The most a request may take, from its first byte to its answer: reading the body, authentication, parsing,
/// validation, execution and the database. No officer's action needs more; a request that does is stuck.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/graphql", get(get_graphql).post(post_graphql))
        .route("/graphql/schema.graphql", get(sdl))
        .route("/graphql/explorer.js", get(|| asset("text/javascript", include_str!("../assets/explorer.js"))))
        .route("/graphql/explorer.css", get(|| asset("text/css", include_str!("../assets/explorer.css"))))
        .route("/graphql/ws", get(crate::graphql_ws::graphql_ws))
}

/// What the client accepts as the answer's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: request errors are 4xx.
    GraphqlResponse,
    /// `application/json`: every well-formed GraphQL answer is 200, for clients from before the specification.
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The best type the `Accept` header allows (`application/json` when it is absent or says `*/*`); none when it
/// allows neither.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).filter(|v| !v.trim().is_empty())
    else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let (mut quality, mut utf8) = (1.0_f32, true);
        for parameter in parts {
            let Some((key, value)) = parameter.split_once('=') else { continue };
            match key.trim().to_ascii_lowercase().as_str() {
                "q" => quality = value.trim().parse().unwrap_or(0.0),
                "charset" => utf8 = value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8"),
                _ => {}
            }
        }
        let kind = match media.as_str() {
            "application/graphql-response+json" => MediaType::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if utf8 && quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, kind));
        }
    }
    best.map(|(_, kind)| kind)
}

/// An answer: the GraphQL response, or errors raised before execution.
fn answer(media: MediaType, status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{\"errors\":[{\"message\":\"?\"}]}".to_vec());
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media.content_type()))], bytes).into_response()
}

/// An error raised before execution: no `data`, one error with its code.
fn refuse(media: MediaType, status: StatusCode, error: ApiError) -> Response {
    let server_error = error.server_error();
    answer(media, status, &serde_json::json!({ "errors": [server_error] }))
}

/// A malformed request: 400 whatever the client accepts (the specification allows it for both types).
fn bad_request(media: MediaType, message: impl Into<String>) -> Response {
    refuse(media, StatusCode::BAD_REQUEST, ApiError::BadRequest(message.into()))
}

fn not_acceptable() -> Response {
    (StatusCode::NOT_ACCEPTABLE, "Jawaban tersedia sebagai application/graphql-response+json atau application/json")
        .into_response()
}

/// Reads the GraphQL parameters of a JSON object (a body, a multipart upload's `operations`, or the URL's
/// parameters), refusing what the specification calls invalid.
fn params(object: Value) -> Result<async_graphql::Request, String> {
    let Value::Object(mut object) = object else {
        return Err(String::from("Isi permintaan harus berupa objek JSON"));
    };
    let query = match object.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err(String::from("Parameter `query` harus berupa teks")),
        None => return Err(String::from("Parameter `query` wajib ada")),
    };
    let mut request = async_graphql::Request::new(query);
    match object.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(String::from("Parameter `operationName` harus berupa teks")),
    }
    match object.remove("variables") {
        None | Some(Value::Null) => {}
        Some(variables @ Value::Object(_)) => {
            request = request.variables(async_graphql::Variables::from_json(variables));
        }
        Some(_) => return Err(String::from("Parameter `variables` harus berupa objek")),
    }
    match object.remove("extensions") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => return Err(String::from("Parameter `extensions` harus berupa objek")),
    }
    Ok(request)
}

/// Where the request came from: the peer, or what the deployment's trusted proxies say.
fn client_address(state: &AppState, request: &Request) -> ClientAddress {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    ClientAddress::from_request(peer, request.headers(), state.shared.forwarded_hops)
}

async fn post_graphql(State(state): State<AppState>, request: Request) -> Response {
    let Some(media) = negotiate(request.headers()) else { return not_acceptable() };
    let address = client_address(&state, &request);
    let guard = state.clone();
    bounded(&guard, media, async move {
        let headers = request.headers().clone();
        let caller = match Caller::authenticate(&state.shared, &headers).await {
            Ok(caller) => caller,
            Err(error) => return refuse(media, StatusCode::OK, error),
        };
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let params = match mime.as_str() {
            "" => {
                return refuse(
                    media,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ApiError::BadRequest(String::from("Sebutkan Content-Type: application/json")),
                );
            }
            "application/json" => {
                if !charset_is_utf8(content_type) {
                    return refuse(
                        media,
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        ApiError::BadRequest(String::from("Permintaan harus berkodekan UTF-8")),
                    );
                }
                let bytes = match axum::body::to_bytes(request.into_body(), BODY_LIMIT).await {
                    Ok(bytes) => bytes,
                    Err(_) => return too_large(media),
                };
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(value) => match params(value) {
                        Ok(params) => params,
                        Err(message) => return bad_request(media, message),
                    },
                    Err(_) => return bad_request(media, "Isi permintaan bukan JSON yang sah"),
                }
            }
            "multipart/form-data" => match crate::graphql_upload::read(content_type, request.into_body()).await {
                Ok(upload) => match params(upload.operations) {
                    Ok(mut params) => {
                        if let Some((path, file)) = upload.file {
                            params.set_upload(&path, file);
                        }
                        params
                    }
                    Err(message) => return bad_request(media, format!("Bagian `operations`: {message}")),
                },
                Err((status, error)) => return refuse(media, status, error),
            },
            _ => {
                return refuse(
                    media,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ApiError::BadRequest(String::from(
                        "Content-Type harus application/json (atau multipart/form-data untuk unggahan)",
                    )),
                );
            }
        };
        run(&state, caller, address, params, media, Method::POST).await
    })
    .await
}

fn charset_is_utf8(content_type: &str) -> bool {
    content_type.split(';').skip(1).all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
            v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

fn too_large(media: MediaType) -> Response {
    refuse(
        media,
        StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::BadRequest(format!("Permintaan melebihi {} MB", BODY_LIMIT / (1024 * 1024))),
    )
}

async fn get_graphql(State(state): State<AppState>, request: Request) -> Response {
    let url: Map<String, Value> = request
        .uri()
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect()
        })
        .unwrap_or_default();
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|t| t.trim().starts_with("text/html")));
    if !url.contains_key("query") && wants_html {
        return explorer();
    }
    let Some(media) = negotiate(request.headers()) else { return not_acceptable() };
    let address = client_address(&state, &request);
    let guard = state.clone();
    bounded(&guard, media, async move {
        let caller = match Caller::authenticate(&state.shared, request.headers()).await {
            Ok(caller) => caller,
            Err(error) => return refuse(media, StatusCode::OK, error),
        };
        let mut object = url;
        for key in ["variables", "extensions"] {
            if let Some(Value::String(text)) = object.get(key) {
                match serde_json::from_str::<Value>(text) {
                    Ok(value) => {
                        object.insert(key.to_string(), value);
                    }
                    Err(_) => return bad_request(media, format!("Parameter `{key}` bukan JSON yang sah")),
                }
            }
        }
        match params(Value::Object(object)) {
            Ok(params) => run(&state, caller, address, params, media, Method::GET).await,
            Err(message) => bad_request(media, message),
        }
    })
    .await
}

/// Runs the whole of a request — authentication, reading, execution — within [`REQUEST_TIMEOUT`], answering
/// UNAVAILABLE as soon as the database goes down meanwhile (a connection that went silent never answers).
async fn bounded(state: &AppState, media: MediaType, work: impl Future<Output = Response>) -> Response {
    tokio::select! {
        answered = tokio::time::timeout(REQUEST_TIMEOUT, work) => match answered {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!("request timed out");
                refuse(media, StatusCode::SERVICE_UNAVAILABLE, ApiError::Timeout)
            }
        },
        () = state.shared.store.database_down() => refuse(media, StatusCode::OK, ApiError::database_unavailable()),
    }
}

/// Executes a request. The schema's [`guard`](crate::graphql::guard) measures it first and records how it ended
/// before execution.
async fn run(
    state: &AppState,
    caller: Caller,
    address: ClientAddress,
    request: async_graphql::Request,
    media: MediaType,
    method: Method,
) -> Response {
    let outcome = Outcome::default();
    let statements = StatementCount::default();
    let mut request = request.data(caller).data(address).data(outcome.clone());
    if method == Method::GET {
        request = request.data(ReadOnly);
    }
    let response = statements.scope(state.schema.execute(request)).await;
    state.shared.metrics.statements(statements.get());
    let status = match (outcome.rejection(), media) {
        (Rejection::None, _) | (Rejection::RequestError, MediaType::Json) => StatusCode::OK,
        (Rejection::RequestError, MediaType::GraphqlResponse) => StatusCode::BAD_REQUEST,
        (Rejection::NotAQuery, _) => StatusCode::METHOD_NOT_ALLOWED,
    };
    let body = match outcome.rejection() {
        Rejection::None => serde_json::to_value(&response).unwrap_or_default(),
        _ => serde_json::json!({ "errors": response.errors }),
    };
    let mut answer = answer(media, status, &body);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        answer.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    answer
}

/// The schema in SDL, for code generators and people.
async fn sdl(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], state.schema.sdl()).into_response()
}

async fn asset(content_type: &'static str, text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "max-age=3600")], text).into_response()
}

/// The API explorer: a page of this project, with its script and style inline and nothing from another host.
fn explorer() -> Response {
    let mut response = Html(include_str!("../templates/explorer.html")).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(crate::security::EXPLORER_CSP));
    response
}
