//! *Detail permohonan*: the form data, documents, history, deadlines, recorded facts and checklist answers, and
//! letters of one application, and the actions the officer may take now as forms — checklist, facts with their
//! types, a note where required, the officer a disposisi names, the paraf chain. An irreversible action (an end,
//! a signature) asks to be confirmed. The actions offered are the API's `availableActions`: nothing else is.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use simpul_api::AppState;

use crate::client::{Code, Failure};
use crate::fields::Fields;
use crate::operations;
use crate::pages::inbox::Area;
use crate::pages::login::RoleName;
use crate::pages::submit::{self, Fact, Field, FieldType, Requirement};
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words::{self, Deadline, EndStatus, Status};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DetailAnswer {
    tenant: Tenant,
    application: Application,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tenant {
    time_zone: String,
    roles: Vec<RoleName>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Application {
    id: String,
    tracking_code: String,
    service_code: String,
    service_name: String,
    version: i64,
    status: Status,
    step: Option<String>,
    step_name: Option<String>,
    outcome: Option<String>,
    end_status: Option<EndStatus>,
    applicant_name: String,
    data: Map<String, Value>,
    missing: Vec<String>,
    warnings: Vec<String>,
    documents_received: Vec<String>,
    submitted_at: chrono::DateTime<chrono::Utc>,
    area: Option<Area>,
    facts: Vec<RecordedFact>,
    checklist: Vec<ChecklistAnswer>,
    deadlines: Deadlines,
    documents: Vec<Document>,
    letters: Vec<Letter>,
    notifications: Vec<Message>,
    history: Vec<HistoryEntry>,
    available_actions: Vec<Action>,
}

#[derive(Deserialize)]
struct Deadlines {
    service: Option<Deadline>,
    step: Option<Deadline>,
}

#[derive(Deserialize)]
struct RecordedFact {
    label: String,
    value: Value,
    /// Where the value came from, in words.
    source: Option<String>,
}

impl RecordedFact {
    fn view(&self) -> Value {
        json!({ "label": self.label, "value": fact_words(&self.value), "source": self.source })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChecksAnswer {
    /// Null when the role may not see personal data (the field's refusal propagates to it).
    application: Option<ChecksOf>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChecksOf {
    registry_checks: Vec<RegistryCheck>,
}

/// What one registry says about the applicant (the API's `RegistryCheckView`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegistryCheck {
    source_label: String,
    available: bool,
    summary: String,
    error: Option<String>,
    findings: Vec<Finding>,
    household: Vec<Member>,
}

#[derive(Deserialize)]
struct Finding {
    /// The fact's code, as the API's enum writes it (`DTSEN_DESIL`).
    fact: String,
    value: Value,
    words: String,
}

#[derive(Deserialize)]
struct Member {
    nik: String,
    nama: Option<String>,
    status: String,
}

impl RegistryCheck {
    fn view(&self) -> Value {
        json!({
            "source": self.source_label, "available": self.available, "summary": self.summary, "error": self.error,
            "household": self.household.iter().map(|m| json!({ "nik": m.nik, "nama": m.nama, "status": m.status })).collect::<Vec<_>>(),
        })
    }
}

#[derive(Deserialize)]
struct ChecklistAnswer {
    label: String,
    confirmed: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    requirement: String,
    size_bytes: u64,
    content_type: String,
    created_at: chrono::DateTime<chrono::Utc>,
    download_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Letter {
    product: String,
    number: String,
    issued_at: chrono::DateTime<chrono::Utc>,
    verification_url: Option<String>,
    download_url: Option<String>,
    short_code: Option<String>,
    signed_by: Option<String>,
    revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    revocation_reason: Option<String>,
}

/// A message to the applicant or the village operator, with its attempts.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    id: String,
    moment_label: String,
    channel: MessageChannel,
    recipient: String,
    recipient_kind: RecipientKind,
    status: MessageStatus,
    last_error: Option<String>,
    sent_at: Option<chrono::DateTime<chrono::Utc>>,
    next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    attempts: Vec<MessageAttempt>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageAttempt {
    number: i32,
    started_at: chrono::DateTime<chrono::Utc>,
    succeeded: bool,
    error: Option<String>,
}

/// The API's `NotifyChannel`.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum MessageChannel {
    Email,
    Whatsapp,
    Sms,
}

impl MessageChannel {
    fn words(self) -> &'static str {
        match self {
            MessageChannel::Email => "E-mail",
            MessageChannel::Whatsapp => "WhatsApp",
            MessageChannel::Sms => "SMS",
        }
    }
}

/// The API's `RecipientKind`.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum RecipientKind {
    Applicant,
    Operator,
}

/// The API's `NotificationStatus`.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum MessageStatus {
    Pending,
    Sent,
    Failed,
}

impl Message {
    fn view(&self, tz: chrono_tz::Tz) -> Value {
        let status = match self.status {
            MessageStatus::Sent => format!("terkirim {}", self.sent_at.map(|t| words::time(t, tz)).unwrap_or_default()),
            MessageStatus::Pending => match (self.attempts.len(), self.next_attempt_at) {
                (0, _) => String::from("menunggu dikirim"),
                (_, Some(at)) => format!("gagal, dicoba lagi {}", words::time(at, tz)),
                (_, None) => String::from("menunggu dikirim"),
            },
            MessageStatus::Failed => String::from("gagal, tidak dicoba lagi"),
        };
        json!({
            "id": self.id,
            "what": self.moment_label,
            "channel": self.channel.words(),
            "to": self.recipient,
            "who": match self.recipient_kind { RecipientKind::Applicant => "pemohon", RecipientKind::Operator => "operator desa" },
            "status": status,
            "failed": self.status == MessageStatus::Failed,
            "tries": self.attempts.len(),
            "error": self.last_error,
            "attempts": self.attempts.iter().map(|a| json!({
                "number": a.number,
                "at": words::time(a.started_at, tz),
                "ok": a.succeeded,
                "error": a.error,
            })).collect::<Vec<_>>(),
        })
    }
}

#[derive(Deserialize)]
struct HistoryEntry {
    at: chrono::DateTime<chrono::Utc>,
    kind: HistoryKind,
    step: Option<String>,
    action: Option<String>,
    note: Option<String>,
    by: Option<Actor>,
    facts: Vec<RecordedFact>,
    checklist: Vec<ChecklistAnswer>,
}

/// What a history entry records (the API's `HistoryKind`).
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum HistoryKind {
    Submitted,
    ActionTaken,
    Resubmitted,
    Withdrawn,
    DocumentAttached,
    Migrated,
}

impl HistoryKind {
    fn words(self) -> &'static str {
        match self {
            HistoryKind::Submitted => "Permohonan diajukan",
            HistoryKind::ActionTaken => "Tindakan",
            HistoryKind::Resubmitted => "Diajukan kembali",
            HistoryKind::Withdrawn => "Dibatalkan",
            HistoryKind::DocumentAttached => "Dokumen dilampirkan",
            HistoryKind::Migrated => "Dipindahkan ke versi baru standar layanan",
        }
    }
}

#[derive(Deserialize)]
struct Actor {
    name: String,
    roles: Vec<Named>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

/// An action the officer may take now (the API's `AvailableAction`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Action {
    kind: String,
    code: String,
    label: String,
    movement: Movement,
    note_required: bool,
    needs_missing_list: bool,
    assignee_required: bool,
    leads_to: LeadsTo,
    checklist: Vec<ChecklistItem>,
    facts: Vec<Fact>,
    assignable_officers: Vec<OfficerChoice>,
}

/// Where an action moves the application (the API's `Movement`).
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Movement {
    Forward,
    Back,
    Return,
    End,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LeadsTo {
    step_name: Option<String>,
    outcome: Option<String>,
}

#[derive(Deserialize)]
struct ChecklistItem {
    code: String,
    label: String,
    required: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OfficerChoice {
    id: String,
    display_name: String,
    roles: Vec<Named>,
}

#[derive(Deserialize)]
struct ServiceAnswer {
    service: ServiceDefinition,
}

#[derive(Deserialize)]
struct ServiceDefinition {
    fields: Vec<Field>,
    requirements: Vec<Requirement>,
    steps: Vec<Step>,
    products: Vec<Product>,
}

#[derive(Deserialize)]
struct Step {
    code: String,
    name: String,
    kind: String,
    roles: Vec<String>,
    issues: Option<String>,
    actions: Vec<StepAction>,
}

#[derive(Deserialize)]
struct StepAction {
    code: String,
    label: String,
}

#[derive(Deserialize)]
struct Product {
    code: String,
    name: String,
}

/// The application and the definition it is read against.
struct Loaded {
    tenant: Tenant,
    application: Application,
    service: ServiceDefinition,
    /// What the registries say, when an action records facts and the officer may see personal data.
    checks: Vec<RegistryCheck>,
}

impl Loaded {
    /// The registry's value and words for the fact `code` (`dtsen_desil`).
    fn finding(&self, code: &str) -> Option<(&Value, &str)> {
        let wanted = code.to_uppercase();
        self.checks.iter().flat_map(|c| &c.findings).find(|f| f.fact == wanted).map(|f| (&f.value, f.words.as_str()))
    }
}

async fn load(state: &AppState, officer: &Officer, id: &str) -> Result<Loaded, Failure> {
    let api = officer.api(state);
    let answer: DetailAnswer = api.run(operations::DETAIL, json!({ "tenant": officer.tenant, "id": id })).await?;
    let service: ServiceAnswer = api
        .run(
            operations::DETAIL_SERVICE,
            json!({ "tenant": officer.tenant, "service": answer.application.service_code }),
        )
        .await?;
    // Only when an action records facts: each lookup is audited, and a role without personal-data rights is
    // refused it (the officer then enters the values, as before there were uploads).
    let checks = if answer.application.available_actions.iter().any(|a| !a.facts.is_empty()) {
        match api.run::<ChecksAnswer>(operations::REGISTRY_CHECKS, json!({ "tenant": officer.tenant, "id": id })).await
        {
            Ok(found) => found.application.map(|a| a.registry_checks).unwrap_or_default(),
            Err(failure) if failure.code == Code::Forbidden => Vec::new(),
            Err(failure) => return Err(failure),
        }
    } else {
        Vec::new()
    };
    Ok(Loaded { tenant: answer.tenant, application: answer.application, service: service.service, checks })
}

/// A value of the form as people read it: a choice by its label, ya/tidak, a desa by name.
fn value_words(field: &Field, value: &Value, area: Option<&Area>) -> String {
    match (field.field_type, value) {
        (FieldType::YesNo, Value::Bool(yes)) => String::from(if *yes { "Ya" } else { "Tidak" }),
        (FieldType::Choice, Value::String(code)) => {
            field.choices.iter().find(|c| &c.value == code).map_or_else(|| code.clone(), |c| c.label.clone())
        }
        (FieldType::Desa, Value::String(_)) => area.map_or_else(|| Field::text(value), |a| a.name.clone()),
        (FieldType::Date, Value::String(text)) => words::calendar_date(text).unwrap_or_else(|| text.clone()),
        _ => Field::text(value),
    }
}

fn fact_words(value: &Value) -> String {
    match value {
        Value::Bool(true) => String::from("Ya"),
        Value::Bool(false) => String::from("Tidak"),
        other => Field::text(other),
    }
}

/// Whether taking `action` cannot be undone: it ends the application, or it signs (and numbers) a letter.
fn irreversible(action: &Action, step: Option<&Step>) -> bool {
    action.movement == Movement::End || (action.movement == Movement::Forward && step.is_some_and(|s| s.kind == "SIGN"))
}

/// The page of an application, with `posted` (the action form the officer sent, and what the API said of it).
fn detail_page(officer: &Officer, loaded: &Loaded, posted: Option<(&Fields, &Failure)>) -> Response {
    let tz = words::zone(&loaded.tenant.time_zone);
    let app = &loaded.application;
    let service = &loaded.service;
    let step = app.step.as_deref().and_then(|code| service.steps.iter().find(|s| s.code == code));
    let requirement_name = |code: &str| {
        service.requirements.iter().find(|r| r.code == code).map_or_else(|| code.to_string(), |r| r.name.clone())
    };
    let role_name = |code: &str| {
        loaded.tenant.roles.iter().find(|r| r.code == code).map_or_else(|| code.to_string(), |r| r.name.clone())
    };
    let data: Vec<Value> = service
        .fields
        .iter()
        .filter_map(|field| {
            let value = app.data.get(&field.code)?;
            Some(json!({ "label": field.label, "value": value_words(field, value, app.area.as_ref()) }))
        })
        .collect();
    let documents: Vec<Value> = app
        .documents
        .iter()
        .map(|d| {
            let (kind, extension) = match d.content_type.as_str() {
                "application/pdf" => ("PDF", "pdf"),
                "image/jpeg" => ("JPG", "jpg"),
                "image/png" => ("PNG", "png"),
                _ => ("berkas", "bin"),
            };
            json!({
                "name": requirement_name(&d.requirement),
                "size": words::size(d.size_bytes),
                "type": kind,
                "at": words::time(d.created_at, tz),
                "url": d.download_url,
                "filename": format!("{}-{}.{extension}", d.requirement, app.tracking_code),
            })
        })
        .collect();
    let action_label = |step_code: Option<&str>, action: Option<&str>| {
        let step = service.steps.iter().find(|s| Some(s.code.as_str()) == step_code)?;
        step.actions.iter().find(|a| Some(a.code.as_str()) == action).map(|a| a.label.clone())
    };
    let history: Vec<Value> = app
        .history
        .iter()
        .map(|entry| {
            let step_name = service.steps.iter().find(|s| Some(&s.code) == entry.step.as_ref()).map(|s| s.name.clone());
            json!({
                "at": words::time(entry.at, tz),
                "what": action_label(entry.step.as_deref(), entry.action.as_deref()).unwrap_or_else(|| entry.kind.words().to_string()),
                "step": step_name,
                "by": entry.by.as_ref().map_or_else(|| String::from("Sistem"), |b| b.name.clone()),
                // Positions beside the name, unless the name is the position (as demo users' are).
                "roles": entry.by.as_ref().map(|b| b.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ")).filter(|r| entry.by.as_ref().is_none_or(|b| &b.name != r)),
                // A document's entry notes the requirement it is for.
                "note": match entry.kind {
                    HistoryKind::DocumentAttached => entry.note.as_deref().map(requirement_name),
                    _ => entry.note.clone(),
                },
                "facts": entry.facts.iter().map(RecordedFact::view).collect::<Vec<_>>(),
                "checklist": entry.checklist.iter().map(|c| json!({ "label": c.label, "confirmed": c.confirmed })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let posted_code = posted.and_then(|(fields, _)| fields.get("action"));
    let actions: Vec<Value> = app
        .available_actions
        .iter()
        .map(|action| {
            let mine = posted_code == Some(action.code.as_str());
            let fields = posted.filter(|_| mine).map(|(f, _)| f);
            let failure = posted.filter(|_| mine).map(|(_, f)| f);
            let problem = |path: &str| failure.and_then(|f| f.field(path)).map(str::to_string);
            let checked = |name: &str, value: &str| fields.is_some_and(|f| f.all(name).any(|v| v == value));
            json!({
                "code": action.code,
                "label": action.label,
                "kind": action.kind,
                "leadsTo": action.leads_to.step_name.clone().or_else(|| action.leads_to.outcome.clone()),
                "danger": matches!(action.movement, Movement::End),
                "back": matches!(action.movement, Movement::Back | Movement::Return),
                "irreversible": irreversible(action, step),
                "noteRequired": action.note_required,
                "note": fields.and_then(|f| f.get("note")),
                "noteProblem": problem("note"),
                "checklist": action.checklist.iter().map(|item| json!({
                    "code": item.code, "label": item.label, "required": item.required,
                    "checked": checked("checklist", &item.code), "problem": problem(&format!("checklist.{}", item.code)),
                })).collect::<Vec<_>>(),
                "facts": action.facts.iter().map(|f| {
                    let path = format!("facts.{}", f.code);
                    let mut view = f.view(fields.and_then(|fs| fs.get(&path)), problem(&path).as_deref(), loaded.finding(&f.code));
                    view["note"] = json!(fields.and_then(|fs| fs.get(&format!("notes.{}", f.code))));
                    view["action"] = json!(action.code);
                    view
                }).collect::<Vec<_>>(),
                "missing": action.needs_missing_list.then(|| service.requirements.iter().filter(|r| r.is_document()).map(|r| json!({
                    "code": r.code, "name": r.name, "checked": checked("missing", &r.code),
                })).collect::<Vec<_>>()),
                "missingProblem": problem("missing"),
                "assignee": action.assignee_required.then(|| action.assignable_officers.iter().map(|o| json!({
                    "id": o.id, "name": o.display_name,
                    "roles": o.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
                    "chosen": fields.and_then(|f| f.get("assignee")) == Some(o.id.as_str()),
                })).collect::<Vec<_>>()),
                "assigneeProblem": problem("assignee"),
                // A resubmission brings what was missing and corrects the form; it takes no note.
                "resubmit": action.kind == "RESUBMIT",
                "takesNote": action.kind != "RESUBMIT",
                "corrections": (action.kind == "RESUBMIT").then(|| service.fields.iter().map(|field| {
                    let path = format!("data.{}", field.code);
                    let current = app.data.get(&field.code).map(Field::text).unwrap_or_default();
                    json!({
                        "code": field.code, "label": field.label, "path": path,
                        "value": fields.and_then(|f| f.get(&path)).map_or(current, str::to_string),
                        "problem": problem(&path),
                    })
                }).collect::<Vec<_>>()),
                "receive": (action.kind == "RESUBMIT").then(|| app.missing.iter().map(|code| json!({
                    "code": code, "name": requirement_name(code),
                    "checked": checked("documentsReceived", code),
                    "problem": problem(&format!("documentsReceived.{code}")),
                })).collect::<Vec<_>>()),
                "confirmProblem": problem("yakin"),
                "problem": failure.map(|f| f.message.clone()),
            })
        })
        .collect();
    let paraf = step.filter(|s| s.kind == "PARAF").map(|s| paraf_chain(s, &app.history, &role_name));
    let preview = step
        .filter(|s| s.kind == "SIGN")
        .and_then(|s| s.issues.as_ref())
        .map(|product| json!({ "product": product, "name": service.products.iter().find(|p| &p.code == product).map(|p| &p.name) }));
    let letters: Vec<Value> = app
        .letters
        .iter()
        .map(|l| {
            json!({
                "name": service.products.iter().find(|p| p.code == l.product).map_or(l.product.as_str(), |p| &p.name),
                "number": l.number,
                "issued": words::date(l.issued_at, tz),
                "verify": l.verification_url,
                "url": l.download_url,
                "code": l.short_code,
                "signedBy": l.signed_by,
                "revoked": l.revoked_at.map(|at| words::date(at, tz)),
                "reason": l.revocation_reason,
            })
        })
        .collect();
    let uploads: Vec<Value> =
        service.requirements.iter().filter(|r| r.is_document()).map(Requirement::upload_view).collect();
    let data = json!({
        "id": app.id,
        "csrf": officer.csrf,
        "version": app.version,
        "trackingCode": app.tracking_code,
        "service": app.service_name,
        "status": app.status.words(),
        "ended": app.end_status.map(|s| s.words()),
        "outcome": app.outcome,
        "step": app.step_name,
        "applicant": app.applicant_name,
        "area": app.area.as_ref().map(|a| &a.name),
        "submitted": words::time(app.submitted_at, tz),
        "data": data,
        "missing": app.missing.iter().map(|m| requirement_name(m)).collect::<Vec<_>>(),
        "warnings": app.warnings,
        "received": app.documents_received.iter().map(|m| requirement_name(m)).collect::<Vec<_>>(),
        "deadline": app.deadlines.service.as_ref().map(|d| d.view(tz)),
        "stepDeadline": app.deadlines.step.as_ref().map(|d| d.view(tz)),
        "facts": app.facts.iter().map(RecordedFact::view).collect::<Vec<_>>(),
        "checks": loaded.checks.iter().map(RegistryCheck::view).collect::<Vec<_>>(),
        "checklist": app.checklist.iter().map(|c| json!({ "label": c.label, "confirmed": c.confirmed })).collect::<Vec<_>>(),
        "documents": documents,
        "uploads": uploads,
        "open": app.status != Status::Ended,
        "history": history,
        "actions": actions,
        "paraf": paraf,
        "preview": preview,
        "letters": letters,
        "messages": app.notifications.iter().map(|m| m.view(tz)).collect::<Vec<_>>(),
    });
    let status = if posted.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let title = format!("Permohonan {}", app.tracking_code);
    render::page(status, &title, Section::Inbox, Some(officer), "detail", &data)
}

/// The paraf chain of a paraf step: its roles in order, who of them has initialled since the application last
/// came to the step (with their names), and who is next.
fn paraf_chain(step: &Step, history: &[HistoryEntry], role_name: &impl Fn(&str) -> String) -> Value {
    // The initials given since the application last arrived at this step: the entries at it after the last one
    // elsewhere.
    let since = history
        .iter()
        .rposition(|e| matches!(e.kind, HistoryKind::ActionTaken) && e.step.as_deref() != Some(step.code.as_str()))
        .map_or(0, |i| i + 1);
    let done: Vec<&HistoryEntry> =
        history[since..].iter().filter(|e| matches!(e.kind, HistoryKind::ActionTaken)).collect();
    let chain: Vec<Value> = step
        .roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let by = done.get(i).and_then(|e| e.by.as_ref()).map(|b| b.name.clone());
            json!({ "role": role_name(role), "by": by, "next": i == done.len() })
        })
        .collect();
    json!({ "chain": chain })
}

/// `GET /permohonan/{id}`.
pub async fn show(State(state): State<AppState>, officer: Officer, Path(id): Path<String>) -> Response {
    match load(&state, &officer, &id).await {
        Ok(loaded) => detail_page(&officer, &loaded, None),
        Err(failure) => render::failure(&failure, "Permohonan tidak ditemukan"),
    }
}

/// `POST /permohonan/{id}/tindakan`: takes the action through the API's `act`, then shows the application
/// again; what the API refused is shown beside the field it names.
pub async fn act(State(state): State<AppState>, officer: Officer, Path(id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let loaded = match load(&state, &officer, &id).await {
        Ok(loaded) => loaded,
        Err(failure) => return render::failure(&failure, "Permohonan tidak ditemukan"),
    };
    let code = fields.get("action").unwrap_or_default();
    let step = loaded.application.step.as_deref().and_then(|s| loaded.service.steps.iter().find(|st| st.code == s));
    let Some(action) = loaded.application.available_actions.iter().find(|a| a.code == code) else {
        // Not (or no longer) offered: the API would refuse it; say so with the page as it is now.
        let failure = Failure {
            code: Code::Refused,
            message: String::from("Tindakan ini tidak (lagi) tersedia bagi Anda untuk permohonan ini."),
            fields: Vec::new(),
        };
        return detail_page(&officer, &loaded, Some((&fields, &failure)));
    };
    if irreversible(action, step) && fields.get("yakin").is_none() {
        let failure = Failure {
            code: Code::Validation,
            message: String::from("Tindakan ini tidak dapat dibatalkan."),
            fields: vec![(String::from("yakin"), String::from("Centang untuk memastikan tindakan ini"))],
        };
        return detail_page(&officer, &loaded, Some((&fields, &failure)));
    }
    let checked: Vec<&str> = fields.all("checklist").collect();
    let checklist: Vec<Value> = action
        .checklist
        .iter()
        .map(|item| json!({ "item": item.code, "confirmed": checked.contains(&item.code.as_str()) }))
        .collect();
    let facts: Vec<Value> = action
        .facts
        .iter()
        .filter_map(|f| {
            let value = f.value(fields.get(&format!("facts.{}", f.code))?)?;
            let note = fields.get(&format!("notes.{}", f.code)).map(str::trim).filter(|n| !n.is_empty());
            Some(json!({ "fact": f.code, "value": value, "note": note }))
        })
        .collect();
    let version: i64 = fields.get("version").and_then(|v| v.parse().ok()).unwrap_or(loaded.application.version);
    let resubmit = action.kind == "RESUBMIT";
    // The corrections of a resubmission: the values the officer changed, typed as the form holds them.
    let corrections: Map<String, Value> = loaded
        .service
        .fields
        .iter()
        .filter(|_| resubmit)
        .filter_map(|field| {
            let text = fields.get(&format!("data.{}", field.code))?;
            let current = loaded.application.data.get(&field.code).map(Field::text).unwrap_or_default();
            (text != current).then(|| Some((field.code.clone(), field.value(text)?))).flatten()
        })
        .collect();
    let input = json!({
        "tenant": officer.tenant,
        "applicationId": id,
        "action": action.code,
        "expectedVersion": version,
        "note": if resubmit { None } else { fields.get("note") },
        "data": if resubmit { Value::Object(corrections) } else { Value::Null },
        "documentsReceived": fields.all("documentsReceived").collect::<Vec<_>>(),
        "checklist": if action.checklist.is_empty() { Value::Array(Vec::new()) } else { Value::Array(checklist) },
        "facts": facts,
        "missing": fields.all("missing").collect::<Vec<_>>(),
        "assignee": fields.get("assignee"),
    });
    match officer.api(&state).run::<Value>(operations::ACT, json!({ "input": input })).await {
        Ok(_) => {
            let flash = format!("Tindakan «{}» tercatat.", action.label);
            crate::pages::with_flash(&state, Redirect::to(&format!("/permohonan/{id}")).into_response(), &flash)
        }
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused | Code::Conflict | Code::Forbidden) => {
            let failure = match failure.code {
                Code::Conflict => Failure {
                    message: String::from(
                        "Permohonan ini baru saja diubah oleh petugas lain; periksa keadaannya sekarang, lalu ulangi bila perlu.",
                    ),
                    ..failure
                },
                _ => failure,
            };
            match load(&state, &officer, &id).await {
                Ok(now) => detail_page(&officer, &now, Some((&fields, &failure))),
                Err(failure) => render::failure(&failure, "Permohonan tidak ditemukan"),
            }
        }
        Err(failure) => render::failure(&failure, "Permohonan tidak ditemukan"),
    }
}

/// `POST /permohonan/{id}/dokumen`: attaches scans to the application (the API checks each file's real type
/// and size), then shows it again.
pub async fn upload(
    State(state): State<AppState>,
    officer: Officer,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let (fields, files) = match submit::read_multipart(multipart).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let loaded = match load(&state, &officer, &id).await {
        Ok(loaded) => loaded,
        Err(failure) => return render::failure(&failure, "Permohonan tidak ditemukan"),
    };
    if files.is_empty() {
        return crate::pages::with_flash(
            &state,
            Redirect::to(&format!("/permohonan/{id}")).into_response(),
            "Tidak ada berkas yang dipilih.",
        );
    }
    let count = files.len();
    let problems =
        submit::attach(&state, &officer, &id, loaded.application.version, files, &loaded.service.requirements).await;
    let flash = if problems.is_empty() {
        format!("{count} berkas dilampirkan.")
    } else {
        format!("Berkas ditolak — {}", problems.join("; "))
    };
    crate::pages::with_flash(&state, Redirect::to(&format!("/permohonan/{id}")).into_response(), &flash)
}

/// `POST /permohonan/{id}/pemberitahuan/{message}`: sends a message again; back to the application with a word.
pub async fn resend(
    State(state): State<AppState>,
    officer: Officer,
    Path((id, message)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let fields = crate::fields::Fields::parse(&body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let variables = json!({ "tenant": officer.tenant, "id": message });
    let flash = match officer.api(&state).run::<Value>(operations::RESEND, variables).await {
        Ok(_) => String::from("Pemberitahuan dijadwalkan untuk dikirim ulang."),
        Err(failure) => format!("Pemberitahuan tidak dapat dikirim ulang: {}", failure.message),
    };
    crate::pages::with_flash(&state, Redirect::to(&format!("/permohonan/{id}")).into_response(), &flash)
}
