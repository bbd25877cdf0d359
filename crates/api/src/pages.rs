//! What the server-rendered public pages share: their security policy, a plain page for what went wrong, and
//! an answer within moments when the database goes down while a page waits for it.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

/// A page with the pages' security policy.
pub fn page(status: StatusCode, html: String) -> Response {
    crate::security::with_page_csp((status, Html(html)).into_response())
}

/// A short page that says what happened, for people.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    page(
        status,
        format!(
            "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>{title}</title></head><body \
             style=\"font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem\">\
             <h1>{title}</h1><p>{text}</p></body></html>",
            title = escape(title),
            text = escape(text)
        ),
    )
}

/// The page for a database that cannot be reached.
pub fn unavailable() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Layanan sedang terganggu",
        "Basis data tidak dapat dihubungi; coba beberapa saat lagi.",
    )
}

/// The page for an error of the API layer: not found, unavailable, or anything else.
pub fn for_error(error: &ApiError, not_found: &str) -> Response {
    match error {
        ApiError::NotFound(_) => message(StatusCode::NOT_FOUND, not_found, "Periksa kembali alamat halaman ini."),
        ApiError::Unavailable(_) | ApiError::Timeout => unavailable(),
        other => {
            tracing::error!(?other, "public page failed");
            message(StatusCode::INTERNAL_SERVER_ERROR, "Terjadi kesalahan", "Silakan coba lagi.")
        }
    }
}

/// Runs a page's work, answering [`unavailable`] as soon as the database goes down meanwhile.
pub async fn guarded(state: &AppState, work: impl Future<Output = Response>) -> Response {
    tokio::select! {
        response = work => response,
        () = state.shared.store.database_down() => unavailable(),
    }
}
