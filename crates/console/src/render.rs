//! HTML out: the console's templates, rendered with the data a page got from its operations. Handlebars escapes
//! every value; the one unescaped value is a page's body inside the layout, itself rendered by a template here.

use std::sync::OnceLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use handlebars::Handlebars;
use serde::Serialize;
use serde_json::{Value, json};

use crate::session::Officer;

/// The console pages' policy: this server's own script, style and images (the letter preview), forms posting back
/// here, nothing from another host, no frames.
pub const CONSOLE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                               connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                               base-uri 'none'";

/// The templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout", include_str!("../templates/layout.hbs")),
    ("message", include_str!("../templates/message.hbs")),
    ("login", include_str!("../templates/login.hbs")),
    ("inbox", include_str!("../templates/inbox.hbs")),
    ("services", include_str!("../templates/services.hbs")),
    ("form", include_str!("../templates/form.hbs")),
    ("receipt", include_str!("../templates/receipt.hbs")),
    ("detail", include_str!("../templates/detail.hbs")),
    ("search", include_str!("../templates/search.hbs")),
    ("exports", include_str!("../templates/exports.hbs")),
    ("fact", include_str!("../templates/fact.hbs")),
    ("track", include_str!("../templates/track.hbs")),
    ("complaint_public", include_str!("../templates/complaint_public.hbs")),
    ("complaints", include_str!("../templates/complaints.hbs")),
    ("complaint", include_str!("../templates/complaint.hbs")),
    ("dashboard", include_str!("../templates/dashboard.hbs")),
    ("registry", include_str!("../templates/registry.hbs")),
    ("accounts", include_str!("../templates/accounts.hbs")),
    ("studio_index", include_str!("../templates/studio_index.hbs")),
    ("studio", include_str!("../templates/studio.hbs")),
    ("editor", include_str!("../templates/editor.hbs")),
    ("office_file", include_str!("../templates/office_file.hbs")),
    ("letter_templates", include_str!("../templates/letter_templates.hbs")),
    ("letter_template", include_str!("../templates/letter_template.hbs")),
    ("bundles", include_str!("../templates/bundles.hbs")),
    ("studio_diff", include_str!("../templates/studio_diff.hbs")),
];

/// The registry, built once; [`check_templates`] (run by the tests) proves every template compiles.
fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        build().unwrap_or_else(|error| {
            tracing::error!(%error, "console template");
            Handlebars::new()
        })
    })
}

fn build() -> Result<Handlebars<'static>, Box<handlebars::TemplateError>> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(false);
    for (name, text) in TEMPLATES {
        hb.register_template_string(name, text).map_err(Box::new)?;
    }
    Ok(hb)
}

/// Every template compiles (for the tests).
pub fn check_templates() -> Result<(), String> {
    build().map(|_| ()).map_err(|e| e.to_string())
}

/// A template's HTML for `data`.
fn html(template: &str, data: &impl Serialize) -> Result<String, Response> {
    registry().render(template, data).map_err(|error| {
        tracing::error!(%error, template, "console page failed to render");
        // The message page is what a failed page shows; when it fails too, plain text, not the same again.
        if template == "message" {
            let text = "Terjadi kesalahan: halaman tidak dapat ditampilkan.";
            return (StatusCode::INTERNAL_SERVER_ERROR, text).into_response();
        }
        message(StatusCode::INTERNAL_SERVER_ERROR, "Terjadi kesalahan", "Halaman tidak dapat ditampilkan.")
    })
}

/// Where the officer is, for the navigation's current item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Inbox,
    New,
    Letters,
    Search,
    Complaints,
    Dashboard,
    Registry,
    Accounts,
    Studio,
    /// Pages outside the navigation (login, messages).
    None,
}

impl Section {
    fn code(self) -> &'static str {
        match self {
            Section::Inbox => "inbox",
            Section::New => "new",
            Section::Letters => "letters",
            Section::Search => "search",
            Section::Complaints => "complaints",
            Section::Dashboard => "dashboard",
            Section::Registry => "registry",
            Section::Accounts => "accounts",
            Section::Studio => "studio",
            Section::None => "",
        }
    }
}

/// A whole page: `template` with `data` in the layout, for `officer` (none on the login page).
pub fn page(
    status: StatusCode,
    title: &str,
    section: Section,
    officer: Option<&Officer>,
    template: &str,
    data: &impl Serialize,
) -> Response {
    let body = match html(template, data) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let layout = json!({
        "title": title,
        "body": body,
        "section": section.code(),
        "officer": officer.map(|o| json!({ "name": o.name, "csrf": o.csrf, "provincial": o.province.is_some(), "admin": o.is_office_admin() })),
        "flash": officer.and_then(|o| o.flash.clone()),
    });
    match html("layout", &layout) {
        Ok(html) => {
            let response = with_headers((status, Html(html)).into_response());
            // A message is shown once.
            match officer {
                Some(officer) => crate::pages::clear_flash(response, officer),
                None => response,
            }
        }
        Err(response) => response,
    }
}

/// The console's headers on a page: its policy, and no caching (pages show personal data).
pub fn with_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONSOLE_CSP));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A short page that says what happened.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page(status, title, Section::None, None, "message", &json!({ "title": title, "text": text }))
}

/// The page for a database that cannot be reached.
pub fn unavailable() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Layanan sedang terganggu",
        "Basis data tidak dapat dihubungi; coba beberapa saat lagi.",
    )
}

/// The page for an error of the API that leaves nothing to show: `not_found` names what was not found.
pub fn failure(failure: &crate::client::Failure, not_found: &str) -> Response {
    use crate::client::Code;
    match failure.code {
        Code::NotFound => message(StatusCode::NOT_FOUND, not_found, "Periksa kembali alamat halaman ini."),
        Code::Forbidden => message(StatusCode::FORBIDDEN, "Tidak diizinkan", &failure.message),
        Code::Unauthenticated => axum::response::Redirect::to("/masuk?alasan=berakhir").into_response(),
        Code::Unavailable => unavailable(),
        Code::Validation | Code::Conflict | Code::Refused | Code::RateLimited => {
            message(StatusCode::BAD_REQUEST, "Permintaan tidak dapat diproses", &failure.message)
        }
        Code::Other => message(StatusCode::INTERNAL_SERVER_ERROR, "Terjadi kesalahan", "Silakan coba lagi."),
    }
}

/// The fields of `value` as a JSON object, for templates (an absent one is an empty object).
pub fn object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        assert_eq!(check_templates(), Ok(()));
    }

    #[test]
    fn values_are_escaped_and_the_body_is_the_one_unescaped_value() {
        let text = "<script>alert(1)</script>";
        let html = html("message", &json!({ "title": text, "text": "&" })).expect("renders");
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;") && html.contains("&amp;"), "{html}");
    }
}
