//! Security headers on every response (OWASP's secure headers advice): no MIME sniffing, never framed, no
//! referrer (download links and verification codes are in URLs), a Content-Security-Policy suited to what the
//! response is, and HSTS when the server is reached over TLS. A handler that sets its own policy keeps it.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// For everything that is not a page (GraphQL answers, files, metrics): nothing may load or run.
pub const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// For the server-rendered public pages (standards, verification): their own inline style, images from this
/// server, forms posting back to it; no script at all.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
                            form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// For the API explorer: its own script and style from this server, requests to this server only.
pub const EXPLORER_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                                img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// HSTS for a year: a deployment served over TLS never wants plain HTTP again.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the headers a response lacks.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    if state.shared.public_url.starts_with("https://") {
        set(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}

/// A page's policy on a response.
pub fn with_page_csp(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    response
}
