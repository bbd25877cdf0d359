//! *Standar layanan* (the standards studio): provincial admins and office admins edit a service's YAML with line
//! numbers and the validator's diagnostics at their lines (checked on the server when the admin presses *Periksa*,
//! and while typing where JavaScript runs), save drafts, submit them for another admin's review, approve or send
//! back, publish now or from a date, roll back, and compare any two versions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use crate::client::{Code, Failure};
use crate::fields::Fields;
use crate::operations;
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Offices {
    tenants: Vec<OfficeRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OfficeRef {
    code: String,
    name: String,
    time_zone: String,
    province: Province,
}

#[derive(Deserialize)]
struct Province {
    code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Services {
    services: Vec<ServiceRef>,
    definition_queue: Vec<Version>,
    province_review_rule: Rule,
}

#[derive(Deserialize)]
struct ServiceRef {
    code: String,
    name: String,
    version: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    four_eyes: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Version {
    id: String,
    #[serde(default)]
    service: Option<String>,
    version: i64,
    status: String,
    status_label: String,
    created_at: DateTime<Utc>,
    author: Option<Named>,
    reviewed_at: Option<DateTime<Utc>>,
    reviewer: Option<Named>,
    review_comment: Option<String>,
    in_force_from: Option<DateTime<Utc>>,
    retired_at: Option<DateTime<Utc>>,
    restored_from: Option<i64>,
    yaml: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Studio {
    tenant: StudioOffice,
    service: InForce,
    service_versions: Vec<Version>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StudioOffice {
    name: String,
    time_zone: String,
    province: Province,
}

/// The version in force, with what the move form offers: its steps (to map renamed ones to) and its fields.
#[derive(Deserialize)]
struct InForce {
    name: String,
    version: i64,
    fields: Vec<Labelled>,
    steps: Vec<StepRef>,
    products: Vec<StepRef>,
}

#[derive(Deserialize)]
struct Labelled {
    code: String,
    label: String,
}

#[derive(Deserialize)]
struct StepRef {
    code: String,
    name: String,
}

/// A dry run of moving the running applications, as the API gives it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MovePlan {
    id: String,
    to_version: i64,
    deadline_rule: String,
    eligible_count: i64,
    candidates: Vec<MoveCandidate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MoveCandidate {
    tracking_code: String,
    from_version: i64,
    step: Option<String>,
    new_step: Option<String>,
    eligible: bool,
    reasons: Vec<String>,
    problem_fields: Vec<String>,
}

/// A dry run with what the admin posted for it (their mapping and values, shown again in the form).
struct Moves {
    plan: MovePlan,
    mapping: Vec<(String, String)>,
    values: Vec<(String, String)>,
}

/// One diagnostic, as the API gives it and the page (and its script) shows it.
#[derive(Deserialize, serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Diagnostic {
    /// The file it is in.
    #[serde(default)]
    file: String,
    level: String,
    line: usize,
    column: usize,
    message: String,
    hint: Option<String>,
}

#[derive(Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Check {
    pub(crate) usable: bool,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// An office as the admin pages name it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Office {
    pub(crate) name: String,
    pub(crate) time_zone: String,
}

/// Who saved a version, as the API names them.
#[derive(Deserialize)]
pub(crate) struct Named {
    pub(crate) name: String,
}

/// Who saved a version of an office's file, in words: the person, the shipped file (`system`), or a provincial
/// admin (who has no name in the office).
pub(crate) fn saved_by(author: Option<&Named>, created_by: &str) -> String {
    match (author, created_by) {
        (Some(a), _) => a.name.clone(),
        (None, "system") => String::from("berkas awal"),
        (None, _) => String::from("admin provinsi"),
    }
}

/// Whether the officer may open the studio at all (the API decides per office).
pub(crate) fn allowed(officer: &Officer) -> bool {
    officer.province.is_some() || officer.is_office_admin()
}

pub(crate) fn not_allowed() -> Response {
    render::message(
        StatusCode::FORBIDDEN,
        "Tidak berwenang",
        "Standar layanan hanya dapat diubah admin dinas atau admin provinsi.",
    )
}

pub(crate) fn bad_form() -> Response {
    render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.")
}

/// A studio form's fields, once its CSRF token is this session's and the officer may use the studio at all;
/// otherwise the page that says why.
pub(crate) fn posted(officer: &Officer, body: &[u8]) -> Result<Fields, Response> {
    let fields = Fields::parse(body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return Err(bad_form());
    }
    if !allowed(officer) {
        return Err(not_allowed());
    }
    Ok(fields)
}

/// A studio form sent as multipart (an upload): its fields and files, once its CSRF token is this session's and the
/// officer may use the studio at all; otherwise the page that says why.
pub(crate) async fn posted_multipart(
    officer: &Officer,
    multipart: axum::extract::Multipart,
) -> Result<(Fields, Vec<super::submit::PostedFile>), Response> {
    let (fields, files) = super::submit::read_multipart(multipart).await?;
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return Err(bad_form());
    }
    if !allowed(officer) {
        return Err(not_allowed());
    }
    Ok((fields, files))
}

/// The YAML a studio form posts, with the browser's line breaks (CRLF) made the files' own.
pub(crate) fn posted_yaml(fields: &Fields) -> String {
    fields.get("yaml").unwrap_or_default().replace("\r\n", "\n")
}

/// The page a preview answers when the text in the editor still has errors.
pub(crate) fn draft_has_errors() -> Response {
    render::message(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Pratinjau tidak dapat dibuat",
        "Teks definisi masih memuat kesalahan; tekan Periksa untuk melihatnya di barisnya.",
    )
}

/// The page of a service's studio.
fn studio_path(tenant: &str, service: &str) -> String {
    format!("/standar/{tenant}/{service}")
}

/// `GET /standar`: the offices the admin edits, each with its services in force and the versions on their way.
pub async fn index(State(state): State<AppState>, officer: Officer) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    let api = officer.api(&state);
    let offices: Offices = match api.run(operations::STUDIO_OFFICES, json!({})).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
    };
    let mine: Vec<&OfficeRef> = offices
        .tenants
        .iter()
        .filter(|t| match &officer.province {
            Some(province) => &t.province.code == province,
            None => t.code == officer.tenant,
        })
        .collect();
    let mut views = Vec::new();
    let mut four_eyes = true;
    for office in mine {
        let variables = json!({ "tenant": office.code, "province": office.province.code });
        let answer: Services = match api.run(operations::STUDIO_SERVICES, variables).await {
            Ok(answer) => answer,
            Err(failure) => return render::failure(&failure, "Dinas tidak ditemukan"),
        };
        four_eyes = answer.province_review_rule.four_eyes;
        let tz = words::zone(&office.time_zone);
        views.push(json!({
            "code": office.code,
            "name": office.name,
            "services": answer.services.iter().map(|s| json!({
                "name": s.name, "version": s.version, "href": studio_path(&office.code, &s.code),
            })).collect::<Vec<_>>(),
            "queue": answer.definition_queue.iter().map(|v| json!({
                "service": v.service, "version": v.version, "status": v.status_label,
                "waiting": v.status == "IN_REVIEW",
                "author": v.author.as_ref().map(|a| &a.name),
                "created": words::date(v.created_at, tz),
                "href": format!("{}#versi-{}", studio_path(&office.code, v.service.as_deref().unwrap_or_default()), v.version),
            })).collect::<Vec<_>>(),
        }));
    }
    let data = json!({
        "csrf": officer.csrf,
        "offices": views,
        "province": officer.province,
        "fourEyes": four_eyes,
    });
    render::page(StatusCode::OK, "Standar layanan", Section::Studio, Some(&officer), "studio_index", &data)
}

/// `POST /standar`: the province's four-eyes rule (its provincial admins).
pub async fn set_rule(State(state): State<AppState>, officer: Officer, body: Bytes) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    let Some(province) = &officer.province else { return not_allowed() };
    let on = fields.get("fourEyes") == Some("ya");
    match officer
        .api(&state)
        .run::<Value>(operations::SET_REVIEW_RULE, json!({ "province": province, "fourEyes": on }))
        .await
    {
        Ok(_) => {
            let flash = if on {
                "Penerbitan kini memerlukan persetujuan admin lain."
            } else {
                "Penerbitan tidak lagi memerlukan persetujuan admin lain."
            };
            crate::pages::with_flash(&state, Redirect::to("/standar").into_response(), flash)
        }
        Err(failure) => render::failure(&failure, "Provinsi tidak ditemukan"),
    }
}

/// Which version's YAML the editor opens.
#[derive(Deserialize)]
pub struct Opened {
    versi: Option<i64>,
}

/// `GET /standar/{tenant}/{service}`: the studio of one service.
pub async fn show(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, service)): Path<(String, String)>,
    Query(opened): Query<Opened>,
) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    let edit = Edit { version: opened.versi, ..Edit::default() };
    studio(&state, &officer, &tenant, &service, StatusCode::OK, edit).await
}

/// What the editor shows besides the stored versions: the text posted, its check, a refusal, a dry run of moving
/// applications, a path simulation.
#[derive(Default)]
struct Edit {
    text: Option<String>,
    check: Option<Check>,
    problem: Option<String>,
    version: Option<i64>,
    moves: Option<Moves>,
    simulation: Option<Value>,
}

async fn studio(
    state: &AppState,
    officer: &Officer,
    tenant: &str,
    service: &str,
    status: StatusCode,
    edit: Edit,
) -> Response {
    let answer: Studio =
        match officer.api(state).run(operations::STUDIO, json!({ "tenant": tenant, "code": service })).await {
            Ok(answer) => answer,
            Err(failure) => return render::failure(&failure, "Layanan tidak ditemukan"),
        };
    let four_eyes = officer
        .api(state)
        .run::<Value>(operations::PROVINCE_RULE, json!({ "province": answer.tenant.province.code }))
        .await
        .ok()
        .and_then(|v| v["provinceReviewRule"]["fourEyes"].as_bool())
        .unwrap_or(true);
    let tz = words::zone(&answer.tenant.time_zone);
    let versions = &answer.service_versions;
    let base = edit.version.and_then(|n| versions.iter().find(|v| v.version == n)).or_else(|| versions.first());
    let text = edit.text.clone().or_else(|| base.and_then(|v| v.yaml.clone())).unwrap_or_default();
    let rows: Vec<Value> = versions
        .iter()
        .map(|v| {
            let draft = v.status == "DRAFT";
            json!({
                "id": v.id,
                "version": v.version,
                "status": v.status_label,
                "author": v.author.as_ref().map(|a| a.name.as_str()).unwrap_or("admin provinsi"),
                "created": words::time(v.created_at, tz),
                "reviewer": v.reviewed_at.map(|_| v.reviewer.as_ref().map(|r| r.name.as_str()).unwrap_or("admin provinsi")),
                "reviewed": v.reviewed_at.map(|at| words::time(at, tz)),
                "comment": v.review_comment,
                "inForce": v.in_force_from.map(|at| words::time(at, tz)),
                "retired": v.retired_at.map(|at| words::time(at, tz)),
                "restoredFrom": v.restored_from,
                "submit": draft,
                "review": v.status == "IN_REVIEW",
                "publish": v.status == "APPROVED" || (draft && !four_eyes),
                "rollback": v.status == "RETIRED" && v.in_force_from.is_some(),
                "previous": (v.version > 1).then(|| v.version - 1),
            })
        })
        .collect();
    let data = json!({
        "csrf": officer.csrf,
        "office": answer.tenant.name,
        "service": answer.service.name,
        "action": studio_path(tenant, service),
        "fourEyes": four_eyes,
        "versions": rows,
        "base": base.map(|v| v.version),
        "edited": edit.text.is_some(),
        "editor": editor_view(&text, edit.check.as_ref(), &format!("/{service}.yaml"), "YAML definisi layanan"),
        "problem": edit.problem,
        "inForce": answer.service.version,
        "formPreview": format!("{}/pratinjau-formulir", studio_path(tenant, service)),
        "products": answer.service.products.iter().map(|p| json!({
            "name": p.name, "href": format!("{}/pratinjau/{}", studio_path(tenant, service), p.code),
        })).collect::<Vec<_>>(),
        "moves": edit.moves.as_ref().map(|m| moves_view(m, &answer.service)),
        "simulation": edit.simulation.as_ref().map(|s| simulation_view(s, tz)),
        "today": Utc::now().with_timezone(&tz).date_naive().to_string(),
    });
    let title = format!("Standar layanan: {}", answer.service.name);
    render::page(status, &title, Section::Studio, Some(officer), "studio", &data)
}

/// The dry run on the page: each application with its result, the steps to map (those of blocked applications
/// and those the admin mapped), the fields to give values for.
fn moves_view(moves: &Moves, in_force: &InForce) -> Value {
    let plan = &moves.plan;
    let mut to_map: Vec<String> = plan
        .candidates
        .iter()
        .filter(|c| c.new_step.is_none())
        .filter_map(|c| c.step.clone())
        .chain(moves.mapping.iter().map(|(from, _)| from.clone()))
        .collect();
    to_map.sort();
    to_map.dedup();
    let mut to_fill: Vec<String> = plan
        .candidates
        .iter()
        .flat_map(|c| c.problem_fields.iter().cloned())
        .chain(moves.values.iter().map(|(field, _)| field.clone()))
        .filter(|f| in_force.fields.iter().any(|x| &x.code == f))
        .collect();
    to_fill.sort();
    to_fill.dedup();
    let step_name =
        |code: &str| in_force.steps.iter().find(|s| s.code == code).map_or(code, |s| s.name.as_str()).to_string();
    json!({
        "id": plan.id,
        "toVersion": plan.to_version,
        "deadlineRule": plan.deadline_rule,
        "eligible": plan.eligible_count,
        "none": plan.candidates.is_empty(),
        "candidates": plan.candidates.iter().map(|c| json!({
            "code": c.tracking_code, "fromVersion": c.from_version, "step": c.step,
            "newStep": c.new_step.as_deref().map(step_name), "eligible": c.eligible, "reasons": c.reasons,
        })).collect::<Vec<_>>(),
        "stepsToMap": to_map.iter().map(|from| {
            let chosen = moves.mapping.iter().find(|(f, _)| f == from).map(|(_, to)| to.as_str());
            json!({
                "from": from,
                "options": in_force.steps.iter().map(|s| json!({ "code": s.code, "name": s.name, "selected": chosen == Some(s.code.as_str()) })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "fieldsToFill": to_fill.iter().map(|code| json!({
            "code": code,
            "label": in_force.fields.iter().find(|f| &f.code == code).map_or(code.as_str(), |f| f.label.as_str()),
            "value": moves.values.iter().find(|(f, _)| f == code).map(|(_, v)| v.as_str()),
        })).collect::<Vec<_>>(),
    })
}

/// The path simulation on the page: each path's steps, actions, outcome, products and time on the calendar.
fn simulation_view(sim: &Value, tz: chrono_tz::Tz) -> Value {
    let per_day = sim["minutesPerWorkingDay"].as_i64().unwrap_or(480);
    let at = |v: &Value| v.as_str().and_then(|t| t.parse::<DateTime<Utc>>().ok()).map(|t| words::time(t, tz));
    json!({
        "started": at(&sim["startedAt"]),
        "limit": sim["timeLimit"],
        "truncated": sim["truncated"],
        "unreachedSteps": sim["unreachedSteps"],
        "unreachedOutcomes": sim["unreachedOutcomes"],
        "paths": sim["paths"].as_array().into_iter().flatten().map(|p| json!({
            "steps": p["steps"].as_array().into_iter().flatten().zip(p["actions"].as_array().into_iter().flatten())
                .map(|(s, a)| json!({ "name": s["name"], "duration": s["duration"], "action": a }))
                .collect::<Vec<_>>(),
            "outcome": p["outcomeLabel"],
            "products": p["products"].as_array().map(|x| x.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")),
            "took": words::minutes_in_words(p["officeMinutes"].as_i64().unwrap_or(0), per_day),
            "finishes": at(&p["finishesAt"]),
            "late": p["withinLimit"] == json!(false),
        })).collect::<Vec<_>>(),
    })
}

/// What the editor partial shows: the text, its line numbers marked, the diagnostics listed (those in another
/// file than the one whose path ends with `own` named with it), whether it was checked.
pub(crate) fn editor_view(text: &str, check: Option<&Check>, own: &str, label: &str) -> Value {
    let diagnostics = check.map(|c| c.diagnostics.as_slice()).unwrap_or_default();
    let here: Vec<Diagnostic> =
        diagnostics.iter().filter(|d| d.file.is_empty() || d.file.ends_with(own)).cloned().collect();
    json!({
        "yaml": text,
        "label": label,
        "lines": gutter(text, &here),
        "checked": check.map(|c| c.usable),
        "diagnostics": diagnostics_view(diagnostics, own),
    })
}

/// The diagnostics as the page and the editor's script list them.
pub(crate) fn diagnostics_view(diagnostics: &[Diagnostic], own: &str) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|d| {
            json!({
                "line": d.line, "column": d.column, "message": d.message, "hint": d.hint,
                "level": level_class(&d.level), "levelWords": level_words(&d.level),
                "otherFile": (!d.file.is_empty() && !d.file.ends_with(own)).then_some(&d.file),
            })
        })
        .collect()
}

/// The editor's line numbers, each marked with the worst diagnostic at its line.
fn gutter(text: &str, diagnostics: &[Diagnostic]) -> Vec<Value> {
    // As the editor counts them: a text ending in a line break has an empty last line, where the caret goes.
    let count = text.split('\n').count();
    (1..=count)
        .map(|n| {
            let here: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.line == n).collect();
            let level = here.iter().find(|d| d.level == "ERROR").or(here.first()).map(|d| level_class(&d.level));
            let note = here.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ");
            json!({ "n": n, "level": level, "note": (!note.is_empty()).then_some(note) })
        })
        .collect()
}

fn level_class(level: &str) -> &'static str {
    if level == "ERROR" { "galat" } else { "peringatan" }
}

fn level_words(level: &str) -> &'static str {
    if level == "ERROR" { "Kesalahan" } else { "Peringatan" }
}

/// `POST /standar/{tenant}/{service}`: one form of the studio (`form`: periksa, simpan, ajukan, setujui,
/// kembalikan, terbitkan, pulihkan).
pub async fn change(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, service)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    let api = officer.api(&state);
    let id = fields.get("id").unwrap_or_default();
    let yaml = posted_yaml(&fields);
    let here = studio_path(&tenant, &service);
    let done: Result<String, Failure> = match fields.get("form").unwrap_or_default() {
        "periksa" | "simpan" => {
            let check = fields.get("form") == Some("periksa");
            let variables = json!({ "tenant": tenant, "code": service, "yaml": yaml });
            let (usable, diagnostics, saved) = if check {
                match api.run::<Value>(operations::CHECK_DEFINITION, variables).await {
                    Ok(v) => (
                        v["checkServiceDefinition"]["usable"].as_bool().unwrap_or(false),
                        v["checkServiceDefinition"]["diagnostics"].clone(),
                        None,
                    ),
                    Err(failure) => return render::failure(&failure, "Layanan tidak ditemukan"),
                }
            } else {
                match api.run::<Value>(operations::SAVE_DRAFT, variables).await {
                    Ok(v) => {
                        let saved = v["saveServiceDraft"]["version"]["version"].as_i64();
                        (saved.is_some(), v["saveServiceDraft"]["diagnostics"].clone(), saved)
                    }
                    Err(failure) => return render::failure(&failure, "Layanan tidak ditemukan"),
                }
            };
            let diagnostics: Vec<Diagnostic> = serde_json::from_value(diagnostics).unwrap_or_default();
            if let Some(version) = saved {
                let flash = format!("Tersimpan sebagai konsep versi {version}.");
                return crate::pages::with_flash(&state, Redirect::to(&here).into_response(), &flash);
            }
            let status = if usable { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let edit = Edit { text: Some(yaml), check: Some(Check { usable, diagnostics }), ..Edit::default() };
            return studio(&state, &officer, &tenant, &service, status, edit).await;
        }
        "ajukan" => api
            .run::<Value>(operations::SUBMIT_FOR_REVIEW, json!({ "tenant": tenant, "id": id }))
            .await
            .map(|a| format!("Versi {} diajukan untuk ditinjau.", a["submitServiceVersionForReview"]["version"])),
        "setujui" | "kembalikan" => {
            let approve = fields.get("form") == Some("setujui");
            let variables = json!({
                "tenant": tenant, "id": id, "decision": if approve { "APPROVE" } else { "RETURN" },
                "comment": fields.get("comment").map(str::trim).filter(|c| !c.is_empty()),
            });
            api.run::<Value>(operations::REVIEW_VERSION, variables).await.map(|a| {
                let verb = if approve { "disetujui" } else { "dikembalikan kepada penyusunnya" };
                format!("Versi {} {verb}.", a["reviewServiceVersion"]["version"])
            })
        }
        "terbitkan" => {
            let from = fields.get("effectiveFrom").map(str::trim).filter(|d| !d.is_empty());
            api.run::<Value>(operations::PUBLISH_VERSION, json!({ "tenant": tenant, "id": id, "effectiveFrom": from }))
                .await
                .map(|a| {
                    let published = &a["publishServiceVersion"];
                    match from {
                        Some(day) if published["status"] == "SCHEDULED" => format!(
                            "Versi {} dijadwalkan berlaku mulai {}.",
                            published["version"],
                            words::calendar_date(day).unwrap_or_else(|| day.to_string())
                        ),
                        _ => format!("Versi {} diterbitkan dan berlaku untuk permohonan baru.", published["version"]),
                    }
                })
        }
        "simulasi" => {
            let variables = json!({ "tenant": tenant, "code": service, "yaml": yaml });
            match api.run::<Value>(operations::SIMULATE, variables).await {
                Ok(answer) => {
                    let simulation = Some(answer["simulateServiceDefinition"].clone());
                    let edit = Edit { text: Some(yaml), simulation, ..Edit::default() };
                    return studio(&state, &officer, &tenant, &service, StatusCode::OK, edit).await;
                }
                // YAML with errors: the check's diagnostics at their lines, as *Periksa* shows them.
                Err(failure) if failure.code == Code::Validation => {
                    let variables = json!({ "tenant": tenant, "code": service, "yaml": yaml });
                    let checked = match api.run::<Value>(operations::CHECK_DEFINITION, variables).await {
                        Ok(v) => v["checkServiceDefinition"].clone(),
                        Err(failure) => return render::failure(&failure, "Layanan tidak ditemukan"),
                    };
                    let check = serde_json::from_value::<Check>(checked).ok();
                    let edit = Edit { text: Some(yaml), check, ..Edit::default() };
                    return studio(&state, &officer, &tenant, &service, StatusCode::UNPROCESSABLE_ENTITY, edit).await;
                }
                Err(failure) => Err(failure),
            }
        }
        "uji-pindah" => {
            let mapping: Vec<(String, String)> = fields
                .under("peta.")
                .filter(|(_, to)| !to.is_empty())
                .map(|(from, to)| (from.to_string(), to.to_string()))
                .collect();
            let values: Vec<(String, String)> = fields
                .under("nilai.")
                .filter(|(_, v)| !v.is_empty())
                .map(|(field, v)| (field.to_string(), v.to_string()))
                .collect();
            let variables = json!({
                "tenant": tenant, "service": service,
                "stepMapping": mapping.iter().map(|(from, to)| json!({ "from": from, "to": to })).collect::<Vec<_>>(),
                "fieldValues": values.iter().map(|(f, v)| (f.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
            });
            match api.run::<Value>(operations::PLAN_MOVE, variables).await {
                Ok(answer) => {
                    let plan: MovePlan = match serde_json::from_value(answer["planApplicationMove"].clone()) {
                        Ok(plan) => plan,
                        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                    };
                    let moves = Some(Moves { plan, mapping, values });
                    let edit = Edit { moves, ..Edit::default() };
                    return studio(&state, &officer, &tenant, &service, StatusCode::OK, edit).await;
                }
                Err(failure) => Err(failure),
            }
        }
        "terapkan" => {
            api.run::<Value>(operations::APPLY_MOVE, json!({ "tenant": tenant, "dryRunId": id })).await.map(|a| {
                let moved = a["applyApplicationMove"]["moved"].as_array().map_or(0, Vec::len);
                let skipped = a["applyApplicationMove"]["skipped"].as_array().map_or(0, Vec::len);
                format!("{moved} permohonan dipindahkan ke versi yang berlaku; {skipped} tidak dipindahkan.")
            })
        }
        "pulihkan" => {
            api.run::<Value>(operations::ROLLBACK_VERSION, json!({ "tenant": tenant, "id": id })).await.map(|a| {
                let v = &a["rollbackServiceVersion"];
                format!("Versi {} dipulihkan dan berlaku sebagai versi {}.", v["restoredFrom"], v["version"])
            })
        }
        _ => {
            return render::message(
                StatusCode::BAD_REQUEST,
                "Formulir tidak dikenal",
                "Muat ulang halaman, lalu coba lagi.",
            );
        }
    };
    match done {
        Ok(flash) => crate::pages::with_flash(&state, Redirect::to(&here).into_response(), &flash),
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused | Code::Forbidden) => {
            let edit = Edit { problem: Some(failure.first_message()), ..Edit::default() };
            studio(&state, &officer, &tenant, &service, StatusCode::UNPROCESSABLE_ENTITY, edit).await
        }
        Err(failure) => render::failure(&failure, "Versi tidak ditemukan"),
    }
}

/// `POST /standar/{tenant}/{service}/periksa`: the check the editor's script asks for while the admin types
/// (debounced); the same operation as the *Periksa* button, answered as JSON.
pub async fn check(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, service)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let own = format!("/{service}.yaml");
    let variables = |yaml: String| json!({ "tenant": tenant, "code": service, "yaml": yaml });
    check_as_json(&state, &officer, &body, operations::CHECK_DEFINITION, "checkServiceDefinition", variables, &own)
        .await
}

/// The editor script's check: the posted text through `operation` (its answer under `field`), the diagnostics as
/// the page lists them, JSON.
pub(crate) async fn check_as_json(
    state: &AppState,
    officer: &Officer,
    body: &[u8],
    operation: &str,
    field: &str,
    variables: impl FnOnce(String) -> Value,
    own: &str,
) -> Response {
    let fields = Fields::parse(body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return (StatusCode::FORBIDDEN, Json(json!({ "error": "Formulir tidak sah; muat ulang halaman." })))
            .into_response();
    }
    match officer.api(state).run::<Value>(operation, variables(posted_yaml(&fields))).await {
        Ok(answer) => {
            let check: Check = match serde_json::from_value(answer[field].clone()) {
                Ok(check) => check,
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            };
            let diagnostics = diagnostics_view(&check.diagnostics, own);
            Json(json!({ "usable": check.usable, "diagnostics": diagnostics })).into_response()
        }
        Err(failure) => (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "error": failure.message }))).into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Preview {
    preview_definition_product: crate::pages::letters::FileOutput,
}

/// `POST /standar/{tenant}/{service}/pratinjau/{product}`: the product rendered from the YAML in the editor with
/// sample data, as an image (the editor's *Pratinjau* buttons post the text here).
pub async fn preview(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, service, product)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    let variables = json!({ "tenant": tenant, "code": service, "yaml": posted_yaml(&fields), "product": product });
    match officer.api(&state).run::<Preview>(operations::PREVIEW_PRODUCT, variables).await {
        Ok(answer) => crate::pages::letters::file_response(&answer.preview_definition_product, true),
        Err(failure) if failure.code == Code::Validation => draft_has_errors(),
        Err(failure) => render::failure(&failure, "Produk tidak ditemukan"),
    }
}

/// `POST /standar/{tenant}/{service}/pratinjau-formulir`: the form the YAML in the editor generates, as the
/// submission page shows it (the editor's *Pratinjau formulir* posts the text here).
pub async fn preview_form(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, service)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let fields = match posted(&officer, &body) {
        Ok(fields) => fields,
        Err(page) => return page,
    };
    crate::pages::submit::preview(&state, &officer, &tenant, &service, &posted_yaml(&fields)).await
}

/// The two versions compared.
#[derive(Deserialize)]
pub struct Compared {
    pub(crate) dari: i64,
    pub(crate) ke: i64,
}

/// A unified diff's lines, each with its class (added, removed, a position).
pub(crate) fn diff_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| {
            let class = match l.chars().next() {
                Some('+') if !l.starts_with("+++") => "tambah",
                Some('-') if !l.starts_with("---") => "hapus",
                Some('@') => "posisi",
                _ => "",
            };
            json!({ "text": l, "class": class })
        })
        .collect()
}

/// `GET /standar/{tenant}/{service}/beda?dari=1&ke=2`: what changed, in words and line by line.
pub async fn diff(
    State(state): State<AppState>,
    officer: Officer,
    Path((tenant, service)): Path<(String, String)>,
    Query(compared): Query<Compared>,
) -> Response {
    if !allowed(&officer) {
        return not_allowed();
    }
    let variables = json!({ "tenant": tenant, "code": service, "from": compared.dari, "to": compared.ke });
    let answer: Value = match officer.api(&state).run(operations::VERSION_DIFF, variables).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Versi tidak ditemukan"),
    };
    let diff = &answer["serviceVersionDiff"];
    let lines = diff_lines(diff["text"].as_str().unwrap_or_default());
    let data = json!({
        "service": service,
        "back": studio_path(&tenant, &service),
        "from": compared.dari,
        "to": compared.ke,
        "changes": diff["changes"],
        "lines": lines,
    });
    let title = format!("Perubahan versi {} ke {}", compared.dari, compared.ke);
    render::page(StatusCode::OK, &title, Section::Studio, Some(&officer), "studio_diff", &data)
}
