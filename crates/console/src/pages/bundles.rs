//! *Bundel*: the office's definitions exported as a signed bundle, and a bundle from another installation checked
//! against the office — its signer, each file new, changed (with its diff) or the same, the validator's
//! diagnostics — before the admin confirms the import of exactly that bundle.

use std::io::Write;

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use super::studio::{allowed, bad_form, diff_lines, not_allowed, posted};
use async_graphql::UploadValue;

use crate::client::Code;
use crate::operations;
use crate::render::{self, Section};
use crate::session::Officer;

fn path(tenant: &str) -> String {
    format!("/dinas/{tenant}/bundel")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyAnswer {
    tenant: Named,
    bundle_key: Key,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Named {
    name: String,
    time_zone: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Key {
    public_key: String,
    fingerprint: String,
}

/// `GET /dinas/{tenant}/bundel`.
pub async fn show(State(state): State<AppState>, officer: Officer, Path(tenant): Path<String>) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    page(&state, &officer, &tenant, StatusCode::OK, None, None).await
}

async fn page(
    state: &AppState,
    officer: &Officer,
    tenant: &str,
    status: StatusCode,
    plan: Option<Value>,
    problem: Option<String>,
) -> Response {
    let answer: KeyAnswer = match officer.api(state).run(operations::BUNDLE_KEY, json!({ "tenant": tenant })).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
    };
    let tz = crate::words::zone(&answer.tenant.time_zone);
    // When the bundle was exported, in the office's time.
    let plan = plan.map(|mut plan| {
        let at = plan["exportedAt"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        if let Some(at) = at {
            plan["exportedAt"] = json!(crate::words::time(at.with_timezone(&chrono::Utc), tz));
        }
        plan
    });
    let data = json!({
        "csrf": officer.csrf,
        "office": answer.tenant.name,
        "tenant": tenant,
        "action": path(tenant),
        "publicKey": answer.bundle_key.public_key,
        "fingerprint": answer.bundle_key.fingerprint,
        "plan": plan,
        "problem": problem,
    });
    render::page(status, "Bundel standar", Section::Studio, Some(officer), "bundles", &data)
}

/// `GET /dinas/{tenant}/bundel.zip`: the office's bundle, downloaded.
pub async fn download(State(state): State<AppState>, officer: Officer, Path(tenant): Path<String>) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Exported {
        export_bundle: crate::pages::letters::FileOutput,
    }
    match officer.api(&state).run::<Exported>(operations::EXPORT_BUNDLE, json!({ "tenant": tenant })).await {
        Ok(answer) => crate::pages::letters::file_response(&answer.export_bundle, false),
        Err(failure) => render::failure(&failure, "Dinas tidak ditemukan"),
    }
}

/// The words for a file's change.
fn change_words(change: &str) -> &'static str {
    match change {
        "NEW" => "baru",
        "CHANGED" => "berubah",
        "UNCHANGED" => "sama",
        _ => "tidak diimpor (berkas dinas lain)",
    }
}

/// The plan as the page shows it, with the bundle carried in the confirm form.
fn plan_view(plan: &Value, bundle: &[u8]) -> Value {
    let files: Vec<Value> = plan["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .map(|f| {
                    json!({
                        "path": f["path"],
                        "change": change_words(f["change"].as_str().unwrap_or_default()),
                        "changed": f["change"] == "CHANGED" || f["change"] == "NEW",
                        "summary": f["summary"],
                        "lines": f["diff"].as_str().map(diff_lines),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let diagnostics: Vec<Value> = plan["diagnostics"]
        .as_array()
        .map(|ds| {
            ds.iter()
                .map(|d| {
                    json!({
                        "file": d["file"], "line": d["line"], "column": d["column"], "message": d["message"],
                        "hint": d["hint"], "error": d["level"] == "ERROR",
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "sha256": plan["bundleSha256"],
        "source": plan["sourceName"],
        "sourceTenant": plan["sourceTenant"],
        "exportedAt": plan["exportedAt"],
        "exportedBy": plan["exportedBy"],
        "fingerprint": plan["signerFingerprint"],
        "trusted": plan["trusted"],
        "sameOffice": plan["sameOffice"],
        "usable": plan["usable"],
        "files": files,
        "diagnostics": diagnostics,
        "bundle": plan["usable"].as_bool().unwrap_or(false).then(|| STANDARD.encode(bundle)),
    })
}

/// The bundle's bytes as an upload for the API.
fn upload_of(bytes: &[u8]) -> Result<UploadValue, Response> {
    let mut file = tempfile::tempfile().map_err(|_| render::unavailable())?;
    file.write_all(bytes).map_err(|_| render::unavailable())?;
    use std::io::Seek;
    file.rewind().map_err(|_| render::unavailable())?;
    Ok(UploadValue {
        filename: String::from("bundel.zip"),
        content_type: Some(String::from("application/zip")),
        content: file,
    })
}

/// `POST /dinas/{tenant}/bundel/periksa` (multipart: `file.bundel`): the plan of importing the uploaded bundle.
pub async fn check(
    State(state): State<AppState>,
    officer: Officer,
    Path(tenant): Path<String>,
    multipart: Multipart,
) -> Response {
    let (_, mut files) = match super::studio::posted_multipart(&officer, multipart).await {
        Ok(read) => read,
        Err(page) => return page,
    };
    let Some(mut file) = files.pop() else {
        let problem = Some(String::from("Pilih berkas bundel (.zip) yang akan diperiksa"));
        return page(&state, &officer, &tenant, StatusCode::UNPROCESSABLE_ENTITY, None, problem).await;
    };
    let mut bytes = Vec::new();
    if std::io::Read::read_to_end(&mut file.upload.content, &mut bytes).is_err() {
        return render::unavailable();
    }
    let upload = match upload_of(&bytes) {
        Ok(upload) => upload,
        Err(page) => return page,
    };
    let variables = json!({ "tenant": tenant, "file": null });
    match officer.api(&state).run_upload::<Value>(operations::PLAN_BUNDLE_IMPORT, variables, "file", upload).await {
        Ok(answer) => {
            let plan = plan_view(&answer["planBundleImport"], &bytes);
            page(&state, &officer, &tenant, StatusCode::OK, Some(plan), None).await
        }
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused) => {
            let problem = Some(failure.first_message());
            page(&state, &officer, &tenant, StatusCode::UNPROCESSABLE_ENTITY, None, problem).await
        }
        Err(failure) => render::failure(&failure, "Dinas tidak ditemukan"),
    }
}

/// `POST /dinas/{tenant}/bundel/impor` (`bundel`: the checked bundle, base64; `sha256`: its hash as shown).
pub async fn import(
    State(state): State<AppState>,
    officer: Officer,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    let Ok(bytes) = STANDARD.decode(fields.get("bundel").unwrap_or_default()) else { return bad_form() };
    let upload = match upload_of(&bytes) {
        Ok(upload) => upload,
        Err(page) => return page,
    };
    let variables = json!({ "tenant": tenant, "file": null, "sha": fields.get("sha256").unwrap_or_default() });
    match officer.api(&state).run_upload::<Value>(operations::IMPORT_BUNDLE, variables, "file", upload).await {
        Ok(answer) => {
            let done = &answer["importBundle"];
            let count = |key: &str| done[key].as_array().map_or(0, Vec::len);
            let office = if done["officeFileVersion"].is_null() { "" } else { ", berkas dinas diperbarui" };
            let flash = format!(
                "Bundel diimpor: {} layanan masuk sebagai konsep (ajukan untuk ditinjau di Standar layanan), {} templat berlaku{office}.",
                count("drafts"),
                count("templates"),
            );
            crate::pages::with_flash(&state, Redirect::to(&path(&tenant)).into_response(), &flash)
        }
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused) => {
            let problem = Some(failure.first_message());
            page(&state, &officer, &tenant, StatusCode::UNPROCESSABLE_ENTITY, None, problem).await
        }
        Err(failure) => render::failure(&failure, "Dinas tidak ditemukan"),
    }
}
