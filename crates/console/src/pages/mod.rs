//! The console's pages, one module per page (or per page and the forms it posts).

pub mod accounts;
pub mod bundles;
pub mod complaints;
pub mod dashboard;
pub mod detail;
pub mod inbox;
pub mod letter_templates;
pub mod letters;
pub mod login;
pub mod office_file;
pub mod registry;
pub mod search;
pub mod studio;
pub mod submit;
pub mod track;

use axum::http::{HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use simpul_api::AppState;

use crate::session::{self, FLASH_COOKIE, Officer};

/// `response` with a message for the next page the officer sees ("Tindakan «Paraf» tercatat."), carried in a
/// short-lived cookie (base64url, as cookie values may not hold every character a message does).
pub fn with_flash(state: &AppState, mut response: Response, message: &str) -> Response {
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(message.as_bytes());
    let cookie = session::cookie(state, FLASH_COOKIE, value, Some(60));
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `response` with the officer's flash message forgotten, once a page has shown it.
pub fn clear_flash(mut response: Response, officer: &Officer) -> Response {
    if officer.flash.is_some()
        && let Ok(value) = HeaderValue::from_str(&session::removal(FLASH_COOKIE).to_string())
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The text of a flash cookie's value.
pub fn flash_text(value: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value).ok()?;
    String::from_utf8(bytes).ok().filter(|m| !m.is_empty())
}
