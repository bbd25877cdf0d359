//! *Data registri*: the office admin uploads the office's registry exports (DTSEN from SIKS-NG, PBI status from
//! E-Dabu) and sees each upload with its counts, status and rejected rows.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use crate::client::{Code, Failure};
use crate::fields::Fields;
use crate::operations;
use crate::pages::submit;
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

/// Rejected rows listed per upload on the page; the API keeps a thousand, the count is exact.
const REJECTIONS_SHOWN: usize = 20;

/// The registries, as the API's `RegistrySource` names them and officers read them.
const SOURCES: [(&str, &str); 2] = [("DTSEN", "DTSEN (SIKS-NG)"), ("EDABU", "E-Dabu BPJS Kesehatan")];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshots {
    tenant: TenantSettings,
    registry_snapshots: Vec<Snapshot>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TenantSettings {
    time_zone: String,
    registry_retention_days: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    source_label: String,
    as_of: chrono::NaiveDate,
    file_name: String,
    imported_at: chrono::DateTime<Utc>,
    imported_by: Option<Named>,
    status_label: String,
    people: i64,
    households: i64,
    rejected: i64,
    rejections: Vec<Rejection>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Rejection {
    line: i64,
    reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Imported {
    import_registry: ImportedSnapshot,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImportedSnapshot {
    source_label: String,
    as_of: chrono::NaiveDate,
    people: i64,
    rejected: i64,
}

/// `GET /data-registri`.
pub async fn show(State(state): State<AppState>, officer: Officer) -> Response {
    page(&state, &officer, None, StatusCode::OK).await
}

/// The page, with what the admin posted and what the API said of it.
async fn page(
    state: &AppState,
    officer: &Officer,
    posted: Option<(&Fields, &Failure)>,
    status: StatusCode,
) -> Response {
    let answer: Snapshots =
        match officer.api(state).run(operations::REGISTRY_SNAPSHOTS, json!({ "tenant": officer.tenant })).await {
            Ok(answer) => answer,
            Err(failure) => return render::failure(&failure, "Data registri tidak ditemukan"),
        };
    let tz = words::zone(&answer.tenant.time_zone);
    let snapshots: Vec<Value> = answer
        .registry_snapshots
        .iter()
        .map(|s| {
            json!({
                "at": words::time(s.imported_at, tz),
                "by": s.imported_by.as_ref().map_or("", |b| b.name.as_str()),
                "file": s.file_name,
                "source": s.source_label,
                "asOf": words::calendar_date(&s.as_of.to_string()),
                "status": s.status_label,
                "people": s.people,
                "households": s.households,
                "rejected": s.rejected,
                "rejections": s.rejections.iter().take(REJECTIONS_SHOWN).map(|r| json!({ "line": r.line, "reason": r.reason })).collect::<Vec<_>>(),
                "more": (s.rejected > REJECTIONS_SHOWN as i64).then(|| s.rejected - REJECTIONS_SHOWN as i64),
            })
        })
        .collect();
    let fields = posted.map(|(f, _)| f);
    let failure = posted.map(|(_, f)| f);
    let problem = |path: &str| failure.and_then(|f| f.field(path)).map(str::to_string);
    let chosen = fields.and_then(|f| f.get("source")).unwrap_or("DTSEN");
    let data = json!({
        "csrf": officer.csrf,
        "retention": answer.tenant.registry_retention_days,
        "sources": SOURCES.iter().map(|(code, label)| json!({ "code": code, "label": label, "chosen": *code == chosen })).collect::<Vec<_>>(),
        "asOf": fields.and_then(|f| f.get("asOf")).map_or_else(|| Utc::now().with_timezone(&tz).date_naive().to_string(), str::to_string),
        "problem": failure.filter(|f| f.fields.is_empty()).map(|f| f.message.clone()),
        "sourceProblem": problem("source"),
        "asOfProblem": problem("asOf"),
        "fileProblem": problem("file"),
        "snapshots": snapshots,
    });
    render::page(status, "Data registri", Section::Registry, Some(officer), "registry", &data)
}

/// `POST /data-registri`: imports the uploaded export, then shows the list with it (or the form with what was
/// wrong).
pub async fn upload(State(state): State<AppState>, officer: Officer, multipart: Multipart) -> Response {
    let (fields, mut files) = match submit::read_multipart(multipart).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let invalid = |path: &str, message: &str| Failure {
        code: Code::Validation,
        message: message.to_string(),
        fields: vec![(path.to_string(), message.to_string())],
    };
    let source = fields.get("source").filter(|s| SOURCES.iter().any(|(code, _)| code == s));
    let as_of = fields.get("asOf").and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let failure = match (source, as_of, files.pop()) {
        (None, _, _) => invalid("source", "Pilih registri"),
        (_, None, _) => invalid("asOf", "Isi tanggal data (hari ekspor dari SIKS-NG atau E-Dabu)"),
        (_, _, None) => invalid("file", "Pilih berkas ekspor"),
        (Some(source), Some(as_of), Some(file)) => {
            let variables = json!({ "tenant": officer.tenant, "source": source, "asOf": as_of, "file": null });
            match officer
                .api(&state)
                .run_upload::<Imported>(operations::IMPORT_REGISTRY, variables, "file", file.upload)
                .await
            {
                Ok(done) => {
                    let s = done.import_registry;
                    let flash = format!(
                        "Data {} per {} diimpor: {} orang, {} baris ditolak.",
                        s.source_label,
                        words::calendar_date(&s.as_of.to_string()).unwrap_or_default(),
                        s.people,
                        s.rejected
                    );
                    return crate::pages::with_flash(&state, Redirect::to("/data-registri").into_response(), &flash);
                }
                Err(failure) if matches!(failure.code, Code::Validation | Code::Refused) => failure,
                Err(failure) => return render::failure(&failure, "Data registri tidak ditemukan"),
            }
        }
    };
    page(&state, &officer, Some((&fields, &failure)), StatusCode::UNPROCESSABLE_ENTITY).await
}
