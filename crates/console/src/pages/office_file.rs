//! *Berkas dinas*: the office file (letterhead, signatories, numbering, hours, days off, roles) in the YAML editor,
//! checked with every service of the office, saved into force at once, and its history.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use axum::extract::Query;

use super::studio::{
    Check, Compared, Named, Office, allowed, check_as_json, diff_lines, editor_view, not_allowed, posted, posted_yaml,
    saved_by,
};
use crate::client::Code;
use crate::operations;
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    tenant: Office,
    office_file: OfficeFile,
}

#[derive(Deserialize)]
struct OfficeFile {
    yaml: String,
    versions: Vec<Version>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Version {
    version: i64,
    created_at: DateTime<Utc>,
    author: Option<Named>,
    created_by: String,
    yaml: String,
}

/// The file the office file's diagnostics are in (others are the services it breaks).
const OWN: &str = "/tenant.yaml";

fn path(tenant: &str) -> String {
    format!("/dinas/{tenant}/berkas")
}

/// `GET /dinas/{tenant}/berkas`.
pub async fn show(State(state): State<AppState>, officer: Officer, Path(tenant): Path<String>) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    page(&state, &officer, &tenant, StatusCode::OK, None, None, None).await
}

async fn page(
    state: &AppState,
    officer: &Officer,
    tenant: &str,
    status: StatusCode,
    text: Option<String>,
    check: Option<Check>,
    problem: Option<String>,
) -> Response {
    let answer: Answer = match officer.api(state).run(operations::OFFICE_FILE, json!({ "tenant": tenant })).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
    };
    let tz = words::zone(&answer.tenant.time_zone);
    let text = text.unwrap_or_else(|| answer.office_file.yaml.clone());
    let data = json!({
        "csrf": officer.csrf,
        "office": answer.tenant.name,
        "action": path(tenant),
        "templates": format!("/dinas/{tenant}/surat"),
        "bundles": format!("/dinas/{tenant}/bundel"),
        "problem": problem,
        "editor": editor_view(&text, check.as_ref(), OWN, "YAML berkas dinas"),
        "versions": answer.office_file.versions.iter().map(|v| json!({
            "version": v.version,
            "author": saved_by(v.author.as_ref(), &v.created_by),
            "at": words::time(v.created_at, tz),
            "previous": (v.version > 1).then(|| v.version - 1),
            "restore": Some(v.version) != answer.office_file.versions.first().map(|f| f.version),
        })).collect::<Vec<_>>(),
    });
    render::page(status, "Berkas dinas", Section::Studio, Some(officer), "office_file", &data)
}

/// `POST /dinas/{tenant}/berkas` (`form`: periksa, simpan).
pub async fn change(
    State(state): State<AppState>,
    officer: Officer,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    let mut yaml = posted_yaml(&fields);
    let api = officer.api(&state);
    // Restoring an earlier version saves its text again, through the same check.
    let restored = match (fields.get("form"), fields.get("versi").and_then(|v| v.parse::<i64>().ok())) {
        (Some("pulihkan"), Some(number)) => {
            let answer: Answer = match api.run(operations::OFFICE_FILE, json!({ "tenant": tenant })).await {
                Ok(answer) => answer,
                Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
            };
            match answer.office_file.versions.into_iter().find(|v| v.version == number) {
                Some(v) => {
                    yaml = v.yaml;
                    Some(number)
                }
                None => return render::message(StatusCode::NOT_FOUND, "Versi tidak ditemukan", "Muat ulang halaman."),
            }
        }
        _ => None,
    };
    let variables = json!({ "tenant": tenant, "yaml": yaml });
    let (answer, field) = match fields.get("form") {
        Some("periksa") => (api.run::<Value>(operations::CHECK_OFFICE_FILE, variables).await, "checkOfficeFile"),
        Some("simpan" | "pulihkan") => {
            (api.run::<Value>(operations::SAVE_OFFICE_FILE, variables).await, "saveOfficeFile")
        }
        _ => {
            return render::message(
                StatusCode::BAD_REQUEST,
                "Formulir tidak dikenal",
                "Muat ulang halaman, lalu coba lagi.",
            );
        }
    };
    match answer {
        Ok(answer) => {
            let result = &answer[field];
            if let Some(version) = result["version"].as_i64() {
                let flash = match restored {
                    Some(from) => format!("Berkas dinas versi {from} dipulihkan dan berlaku sebagai versi {version}."),
                    None => format!("Berkas dinas versi {version} tersimpan dan berlaku."),
                };
                return crate::pages::with_flash(&state, Redirect::to(&path(&tenant)).into_response(), &flash);
            }
            let diagnostics = serde_json::from_value(result["diagnostics"].clone()).unwrap_or_default();
            let usable = result["usable"].as_bool().unwrap_or(false);
            let status = if usable { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            page(&state, &officer, &tenant, status, Some(yaml), Some(Check { usable, diagnostics }), None).await
        }
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused) => {
            let problem = Some(failure.first_message());
            page(&state, &officer, &tenant, StatusCode::UNPROCESSABLE_ENTITY, Some(yaml), None, problem).await
        }
        Err(failure) => render::failure(&failure, "Dinas tidak ditemukan"),
    }
}

/// `POST /dinas/{tenant}/berkas/periksa`: the editor script's check, JSON.
pub async fn check(
    State(state): State<AppState>,
    officer: Officer,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    let variables = |yaml: String| json!({ "tenant": tenant, "yaml": yaml });
    check_as_json(&state, &officer, &body, operations::CHECK_OFFICE_FILE, "checkOfficeFile", variables, OWN).await
}

/// `GET /dinas/{tenant}/berkas/beda?dari=1&ke=2`: two versions of the office file, line by line.
pub async fn diff(
    State(state): State<AppState>,
    officer: Officer,
    Path(tenant): Path<String>,
    Query(compared): Query<Compared>,
) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    let variables = json!({ "tenant": tenant, "from": compared.dari, "to": compared.ke });
    let answer: Value = match officer.api(&state).run(operations::OFFICE_FILE_DIFF, variables).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Versi tidak ditemukan"),
    };
    let data = json!({
        "service": "berkas dinas",
        "back": path(&tenant),
        "from": compared.dari,
        "to": compared.ke,
        "textOnly": true,
        "lines": diff_lines(answer["officeFileDiff"]["text"].as_str().unwrap_or_default()),
    });
    let title = format!("Berkas dinas: versi {} ke {}", compared.dari, compared.ke);
    render::page(StatusCode::OK, &title, Section::Studio, Some(&officer), "studio_diff", &data)
}
