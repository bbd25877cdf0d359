//! The page the QR on a letter leads to (`/v/<code>`): whether the office issued the letter and whether it is
//! still in force (sah, or dicabut with date and reason), with its number, date, subject, signer, the
//! applicant's masked name and the original's SHA-256; uploading a PDF there says whether it is the unchanged
//! original. `/v` takes the short code typed from a printed letter. Public, like `verifyLetter`.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use handlebars::Handlebars;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::graphql::LetterVerification;

/// Largest PDF accepted for comparison.
const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v", get(entry))
        .route("/v/{code}", get(page).post(compare))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
        .layer(axum::middleware::from_fn(crate::reads::public_pages))
}

fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut hb = Handlebars::new();
        // The template is part of the binary; a broken one fails the tests, never a request.
        if let Err(error) = hb.register_template_string("verify", include_str!("../templates/verify_page.hbs")) {
            tracing::error!(%error, "verification page template");
        }
        hb
    })
}

async fn verification(state: &AppState, code: &str) -> Result<LetterVerification, Response> {
    crate::letters::verify_code(&state.shared, code)
        .await
        .map(Into::into)
        .map_err(|error| crate::pages::for_error(&error, "Surat tidak ditemukan"))
}

fn html(v: &LetterVerification, upload: Option<String>) -> Response {
    let mut data: Value = json!({
        "valid": v.valid,
        "message": v.message,
        "office": v.office,
        "number": v.number,
        "issued_on": v.issued_on.map(simpul_letters::helpers::tanggal),
        "subject": v.subject,
        "masked_name": v.masked_name,
        "sha256": v.sha256,
        "signer_name": v.signer_name,
        "signer_title": v.signer_title,
        "revoked": v.status == Some(crate::graphql::LetterStatus::Revoked),
        "revoked_on": v.revoked_at.map(|at| simpul_letters::helpers::tanggal(at.date_naive())),
        "revocation_reason": v.revocation_reason,
    });
    if let Some(uploaded) = upload {
        data["checked"] = json!(true);
        data["unchanged"] = json!(v.sha256.as_deref() == Some(uploaded.as_str()));
        data["uploaded_sha256"] = json!(uploaded);
    }
    let status = if v.valid { StatusCode::OK } else { StatusCode::NOT_FOUND };
    match registry().render("verify", &data) {
        Ok(body) => crate::pages::page(status, body),
        Err(error) => {
            tracing::error!(%error, "verification page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// What the form at `/v` sends.
#[derive(serde::Deserialize)]
struct Typed {
    kode: Option<String>,
}

/// The form for a code typed from a printed letter; with a code, on to its page (in its printed form, so that
/// "k7qm 4xhp 2rdn" and "K7QM-4XHP-2RDN" lead to the same address).
async fn entry(Query(typed): Query<Typed>) -> Response {
    let typed = typed.kode.unwrap_or_default();
    if !typed.trim().is_empty() {
        // A short code in its printed form, or a long code as it is (base64url: letters, digits, - and _); anything
        // else is no code at all and goes to the page that says so, never into the address unescaped.
        let code = simpul_letters::verify::read_short_code(&typed).unwrap_or_else(|| {
            let raw = typed.trim();
            let plain = raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if plain { raw.to_string() } else { String::from("tidak-dikenal") }
        });
        return axum::response::Redirect::to(&format!("/v/{code}")).into_response();
    }
    match registry().render("verify", &json!({ "entry": true })) {
        Ok(body) => crate::pages::page(StatusCode::OK, body),
        Err(error) => {
            tracing::error!(%error, "verification page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn page(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let work = async {
        match verification(&state, &code).await {
            Ok(v) => html(&v, None),
            Err(response) => response,
        }
    };
    crate::pages::guarded(&state, work).await
}

/// Compares an uploaded PDF's SHA-256 with the original's.
async fn compare(State(state): State<AppState>, Path(code): Path<String>, mut form: Multipart) -> Response {
    let v = match verification(&state, &code).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let mut hasher = Sha256::new();
    let mut seen = false;
    loop {
        match form.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("file") => loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        seen = true;
                        hasher.update(&chunk);
                    }
                    Ok(None) => break,
                    Err(_) => {
                        return (StatusCode::BAD_REQUEST, "Berkas tidak terbaca atau terlalu besar").into_response();
                    }
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return (StatusCode::BAD_REQUEST, "Berkas tidak terbaca atau terlalu besar").into_response(),
        }
    }
    if !seen {
        return (StatusCode::BAD_REQUEST, "Pilih berkas PDF yang akan diperiksa").into_response();
    }
    html(&v, Some(hex::encode(hasher.finalize())))
}
