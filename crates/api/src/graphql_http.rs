//! GraphQL over HTTP, as the GraphQL-over-HTTP specification says
//! (<https://graphql.github.io/graphql-over-http/draft/>): `POST /graphql` with `application/json` (or a multipart
//! upload), `GET /graphql?query=…` for queries (never mutations), answers in `application/graphql-response+json`
//! or `application/json` as the client accepts, request errors 400 under the former. Every request is measured
//! against its caller's budget before it is parsed by async-graphql ([`crate::graphql::budget`]), runs within
//! [`REQUEST_TIMEOUT`] from its first byte to its answer, and is answered UNAVAILABLE at once when the database
//! goes down while it waits.

use std::net::SocketAddr;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value};

use crate::caller::{Caller, ClientAddress};
use crate::error::ApiError;
use crate::graphql::budget::{self, Budget, DocumentError};
use crate::graphql::error_codes::RequestErrorFlag;
use crate::{AppState, BODY_LIMIT, UPLOAD_LIMIT};

/// The most a request may take, from its first byte to its answer: reading the body, authentication, parsing,
/// validation, execution and the database. No officer's action needs more; a request that does is stuck.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest `map` part of a multipart upload: one file needs a few dozen bytes of map.
const MAP_LIMIT: u64 = 16 * 1024;

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

/// A request error (the document failed to parse, validate or fit the budget): 400 under
/// `application/graphql-response+json`, 200 under `application/json`.
fn request_error(media: MediaType, error: ApiError) -> Response {
    let status = match media {
        MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    };
    refuse(media, status, error)
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
    bounded(media, async move {
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
            "multipart/form-data" => match multipart(content_type, request).await {
                Ok(params) => params,
                Err(response) => return response(media),
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

/// A multipart upload (the GraphQL multipart request specification): `operations` and `map` capped like a JSON
/// body, one file of at most [`UPLOAD_LIMIT`], spooled to a temporary file as it arrives, the whole body capped
/// at their sum.
async fn multipart(content_type: &str, request: Request) -> Result<async_graphql::Request, fn(MediaType) -> Response> {
    use tokio::io::AsyncWriteExt;
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Err(|m| bad_request(m, "Batas multipart tidak ada"));
    };
    let limits = multer::SizeLimit::new()
        .whole_stream((BODY_LIMIT + UPLOAD_LIMIT) as u64 + MAP_LIMIT)
        .per_field(UPLOAD_LIMIT as u64)
        .for_field("operations", BODY_LIMIT as u64)
        .for_field("map", MAP_LIMIT);
    let stream = request.into_body().into_data_stream();
    let mut parts =
        multer::Multipart::with_constraints(stream, boundary, multer::Constraints::new().size_limit(limits));
    let (mut operations, mut map, mut file) = (None, None, None);
    loop {
        let field = match parts.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(multipart_error(&error)),
        };
        match field.name() {
            Some("operations") => match field.bytes().await {
                Ok(bytes) => operations = Some(bytes),
                Err(error) => return Err(multipart_error(&error)),
            },
            Some("map") => match field.bytes().await {
                Ok(bytes) => map = Some(bytes),
                Err(error) => return Err(multipart_error(&error)),
            },
            Some(name) => {
                if file.is_some() {
                    return Err(|m| bad_request(m, "Hanya satu berkas per permintaan"));
                }
                let name = name.to_string();
                let filename = field.file_name().unwrap_or("berkas").to_string();
                let content_type = field.content_type().map(ToString::to_string);
                let Ok(spool) = tempfile::tempfile() else {
                    return Err(|m| {
                        refuse(
                            m,
                            StatusCode::INTERNAL_SERVER_ERROR,
                            ApiError::Internal(String::from("no temporary file")),
                        )
                    });
                };
                let mut spool = tokio::fs::File::from_std(spool);
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if spool.write_all(&chunk).await.is_err() {
                                return Err(|m| {
                                    refuse(
                                        m,
                                        StatusCode::INTERNAL_SERVER_ERROR,
                                        ApiError::Internal(String::from("spooling failed")),
                                    )
                                });
                            }
                        }
                        Ok(None) => break,
                        Err(error) => return Err(multipart_error(&error)),
                    }
                }
                let mut spool = spool.into_std().await;
                if std::io::Seek::rewind(&mut spool).is_err() {
                    return Err(|m| {
                        refuse(
                            m,
                            StatusCode::INTERNAL_SERVER_ERROR,
                            ApiError::Internal(String::from("spooling failed")),
                        )
                    });
                }
                file = Some((name, async_graphql::UploadValue { filename, content_type, content: spool }));
            }
            None => {}
        }
    }
    let Some(operations) = operations else { return Err(|m| bad_request(m, "Bagian `operations` tidak ada")) };
    let Ok(value) = serde_json::from_slice::<Value>(&operations) else {
        return Err(|m| bad_request(m, "Bagian `operations` bukan JSON yang sah"));
    };
    let Ok(mut params) = params(value) else {
        return Err(|m| bad_request(m, "Bagian `operations` bukan permintaan GraphQL"));
    };
    let map: std::collections::HashMap<String, Vec<String>> = match map.map(|m| serde_json::from_slice(&m)) {
        Some(Ok(map)) => map,
        Some(Err(_)) => return Err(|m| bad_request(m, "Bagian `map` bukan JSON yang sah")),
        None => return Err(|m| bad_request(m, "Bagian `map` tidak ada")),
    };
    if let Some((name, upload)) = file {
        let paths = map.get(&name).cloned().unwrap_or_default();
        if paths.len() != 1 {
            return Err(|m| bad_request(m, "Berkas harus dipetakan ke tepat satu variabel"));
        }
        params.set_upload(&paths[0], upload);
    }
    Ok(params)
}

fn multipart_error(error: &multer::Error) -> fn(MediaType) -> Response {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => |m| {
            refuse(
                m,
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::BadRequest(format!(
                    "Unggahan terlalu besar: berkas paling besar {} MB, bagian lain {} MB",
                    UPLOAD_LIMIT / (1024 * 1024),
                    BODY_LIMIT / (1024 * 1024)
                )),
            )
        },
        _ => |m| bad_request(m, "Unggahan multipart tidak terbaca"),
    }
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
    bounded(media, async move {
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

/// Runs `work` within [`REQUEST_TIMEOUT`].
async fn bounded(media: MediaType, work: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, work).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("request timed out");
            refuse(media, StatusCode::SERVICE_UNAVAILABLE, ApiError::Timeout)
        }
    }
}

/// Checks the document against the caller's budget (on the blocking pool: parsing is CPU work), then executes
/// it, answering UNAVAILABLE as soon as the database goes down meanwhile.
async fn run(
    state: &AppState,
    caller: Caller,
    address: ClientAddress,
    mut request: async_graphql::Request,
    media: MediaType,
    method: Method,
) -> Response {
    let budget = if matches!(caller, Caller::Anonymous) { Budget::ANONYMOUS } else { Budget::SIGNED_IN };
    let query = request.query.clone();
    let checked = tokio::task::spawn_blocking(move || budget::check(&query, &budget)).await;
    let document = match checked {
        Ok(Ok(document)) => document,
        Ok(Err(DocumentError::OverBudget(message))) => return request_error(media, ApiError::TooComplex(message)),
        Ok(Err(DocumentError::Parse(error))) => {
            let mut error = error;
            error.extensions.get_or_insert_with(Default::default).set("code", "GRAPHQL_PARSE_FAILED");
            let status = if media == MediaType::GraphqlResponse { StatusCode::BAD_REQUEST } else { StatusCode::OK };
            return answer(media, status, &serde_json::json!({ "errors": [error] }));
        }
        Err(error) => return refuse(media, StatusCode::INTERNAL_SERVER_ERROR, ApiError::Internal(error.to_string())),
    };
    let operation = budget::operation_type(&document, request.operation_name.as_deref());
    if method == Method::GET && operation.is_some_and(|ty| ty != OperationType::Query) {
        let mut response = refuse(
            media,
            StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadRequest(String::from("Mutasi dan langganan hanya lewat POST")),
        );
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    request.set_parsed_query(document);
    let flag = RequestErrorFlag::default();
    let request = request.data(caller).data(address).data(flag.clone());
    let execution = state.schema.execute(request);
    let response = tokio::select! {
        response = execution => response,
        () = state.shared.store.database_down() => {
            return refuse(media, StatusCode::OK, ApiError::database_unavailable());
        }
    };
    let status =
        if flag.is_set() && media == MediaType::GraphqlResponse { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let body = if flag.is_set() {
        serde_json::json!({ "errors": response.errors })
    } else {
        serde_json::to_value(&response).unwrap_or_default()
    };
    answer(media, status, &body)
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
