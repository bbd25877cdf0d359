//! *Permohonan baru*: choose a service, fill the form its definition generates, attach each requirement's scan,
//! and print the receipt (tanda terima) with the tracking code.
//!
//! Which fields apply is the server's `formState`: the page is rendered with it, a button re-renders it without
//! JavaScript, and the project's script asks it as the officer types. Values of fields that do not apply are not
//! sent. The API checks every value, and every file's real type and size; its errors are shown beside their fields.

use std::io::Write;

use async_graphql::UploadValue;
use axum::Json;
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
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServicesAnswer {
    me: Me,
    services: Vec<ServiceSummary>,
}

#[derive(Deserialize)]
struct Me {
    memberships: Vec<Membership>,
}

#[derive(Deserialize)]
struct Membership {
    tenant: String,
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceSummary {
    code: String,
    name: String,
    summary: Option<String>,
    submission_roles: Vec<String>,
    jangka_waktu: Text,
    fee: Text,
}

#[derive(Deserialize)]
struct Text {
    text: String,
}

/// `GET /permohonan/baru`: the services the officer may submit for.
pub async fn services(State(state): State<AppState>, officer: Officer) -> Response {
    let answer: ServicesAnswer =
        match officer.api(&state).run(operations::SERVICES, json!({ "tenant": officer.tenant })).await {
            Ok(answer) => answer,
            Err(failure) => return render::failure(&failure, "Layanan tidak ditemukan"),
        };
    let roles: Vec<&String> =
        answer.me.memberships.iter().filter(|m| m.tenant == officer.tenant).flat_map(|m| &m.roles).collect();
    let services: Vec<Value> = answer
        .services
        .iter()
        .filter(|s| s.submission_roles.iter().any(|r| roles.contains(&r)))
        .map(|s| json!({ "code": s.code, "name": s.name, "summary": s.summary, "time": s.jangka_waktu.text, "fee": s.fee.text }))
        .collect();
    render::page(
        StatusCode::OK,
        "Permohonan baru",
        Section::New,
        Some(&officer),
        "services",
        &json!({ "services": services }),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FormAnswer {
    tenant: TenantVillages,
    service: ServiceForm,
}

#[derive(Deserialize)]
struct TenantVillages {
    villages: Vec<Village>,
}

#[derive(Deserialize, serde::Serialize, Clone)]
struct Village {
    code: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceForm {
    code: String,
    name: String,
    summary: Option<String>,
    channels: Vec<String>,
    submission_facts: Vec<Fact>,
    fields: Vec<Field>,
    requirements: Vec<Requirement>,
    jangka_waktu: Text,
}

/// A registry fact an action or submission records (the API's `FactInfo`).
#[derive(Deserialize, Clone)]
pub(crate) struct Fact {
    pub code: String,
    pub label: String,
    #[serde(rename = "type")]
    pub fact_type: FactType,
}

/// A fact's type (the API's `FactType`).
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum FactType {
    Bool,
    Int,
    String,
}

impl Fact {
    /// The fact for a form: its input's kind, and what a registry says of it (`found`: its value, prefilled
    /// unless the officer typed another, and its words), with a field for the reason of an override.
    pub fn view(&self, given: Option<&str>, problem: Option<&str>, found: Option<(&Value, &str)>) -> Value {
        let prefilled = found.map(|(value, _)| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        });
        let given = given.map(str::to_string).or(prefilled);
        json!({
            "code": self.code, "label": self.label, "given": given, "problem": problem,
            "bool": self.fact_type == FactType::Bool, "int": self.fact_type == FactType::Int,
            "yes": given.as_deref() == Some("true"), "no": given.as_deref() == Some("false"),
            "found": found.map(|(_, words)| words),
        })
    }

    /// The value typed in, as the API takes it: `true`/`false`, a whole number, or text; none when blank.
    pub fn value(&self, text: &str) -> Option<Value> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        Some(match self.fact_type {
            FactType::Bool => Value::Bool(text == "true"),
            // A number that does not parse is sent as text, for the API to say what is wrong with it.
            FactType::Int => text.parse::<i64>().map_or_else(|_| Value::String(text.to_string()), Value::from),
            FactType::String => Value::String(text.to_string()),
        })
    }
}

/// A form field (the API's `FieldInfo`).
#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Field {
    pub code: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub condition: Option<String>,
}

/// A field's type (the API's `FieldType`).
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum FieldType {
    Text,
    Nik,
    NoKk,
    Date,
    Choice,
    Phone,
    Email,
    Address,
    Number,
    YesNo,
    Desa,
}

#[derive(Deserialize, serde::Serialize, Clone)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

impl Field {
    /// The value typed in, as the form data holds it: ya/tidak as a boolean, a number as a number.
    pub fn value(&self, text: &str) -> Option<Value> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        Some(match self.field_type {
            FieldType::YesNo => Value::Bool(text == "true"),
            FieldType::Number => text.parse::<i64>().map_or_else(|_| Value::String(text.to_string()), Value::from),
            _ => Value::String(text.to_string()),
        })
    }

    /// A value of the form data as the input shows it again.
    pub fn text(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// A requirement (the API's `RequirementInfo`).
#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Requirement {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub accept: Vec<FileType>,
    #[serde(default)]
    pub max_size_kb: Option<u64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub copies: u32,
    #[serde(default)]
    pub original: bool,
}

/// A type of file a requirement takes (the API's `FileType`).
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum FileType {
    Pdf,
    Jpg,
    Png,
}

impl FileType {
    fn accept(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf,.pdf",
            FileType::Jpg => "image/jpeg,.jpg,.jpeg",
            FileType::Png => "image/png,.png",
        }
    }

    fn name(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Jpg => "JPG",
            FileType::Png => "PNG",
        }
    }
}

impl Requirement {
    /// Whether it is a document (the other kind, a condition, is checked by a rule).
    pub fn is_document(&self) -> bool {
        self.kind == "DOCUMENT"
    }

    /// The requirement for an upload input: what it takes, as the browser's picker and the script check it.
    pub fn upload_view(&self) -> Value {
        json!({
            "code": self.code,
            "name": self.name,
            "required": self.required,
            "note": self.note,
            "accept": self.accept.iter().map(|t| t.accept()).collect::<Vec<_>>().join(","),
            "types": self.accept.iter().map(|t| t.name()).collect::<Vec<_>>().join(", "),
            "maxKb": self.max_size_kb,
            "maxWords": self.max_size_kb.map(|kb| words::size(kb * 1024)),
            "paper": match (self.copies, self.original) {
                (0 | 1, false) => None,
                (0 | 1, true) => Some(String::from("tunjukkan aslinya")),
                (n, false) => Some(format!("{n} lembar")),
                (n, true) => Some(format!("{n} lembar, tunjukkan aslinya")),
            },
        })
    }
}

/// Which fields apply and what is wrong with them, as the server's `formState` says.
#[derive(Deserialize, serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct FieldState {
    field: String,
    visible: bool,
    required: bool,
    problem: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FormStateAnswer {
    form_state: Vec<FieldState>,
}

/// The form data of a posted form: each field's value under `data.<code>`, typed.
fn form_data(fields: &Fields, definition: &[Field]) -> Map<String, Value> {
    definition
        .iter()
        .filter_map(|field| {
            let text = fields.get(&format!("data.{}", field.code))?;
            Some((field.code.clone(), field.value(text)?))
        })
        .collect()
}

async fn form_state(
    state: &AppState,
    officer: &Officer,
    service: &str,
    data: &Map<String, Value>,
) -> Result<Vec<FieldState>, Failure> {
    let variables = json!({ "tenant": officer.tenant, "service": service, "data": data });
    officer.api(state).run::<FormStateAnswer>(operations::FORM_STATE, variables).await.map(|a| a.form_state)
}

async fn service_form(state: &AppState, officer: &Officer, service: &str) -> Result<FormAnswer, Response> {
    officer
        .api(state)
        .run(operations::SERVICE_FORM, json!({ "tenant": officer.tenant, "service": service }))
        .await
        .map_err(|failure| render::failure(&failure, "Layanan tidak ditemukan"))
}

/// What the officer typed and what went wrong, to render the form again.
#[derive(Default)]
struct Posted {
    fields: Fields,
    failure: Option<Failure>,
    /// A preview of a draft definition's form: shown, never sent.
    preview: bool,
}

/// The form a draft definition generates, as the submission page shows it but marked a preview and without its
/// submit button (the standards studio's *Pratinjau formulir*).
pub(crate) async fn preview(state: &AppState, officer: &Officer, tenant: &str, code: &str, yaml: &str) -> Response {
    let variables = json!({ "tenant": tenant, "code": code, "yaml": yaml });
    match officer.api(state).run::<FormAnswer>(operations::PREVIEW_FORM, variables).await {
        Ok(answer) => form_page(officer, &answer, &[], &Posted { preview: true, ..Posted::default() }),
        Err(failure) if failure.code == Code::Validation => crate::pages::studio::draft_has_errors(),
        Err(failure) => render::failure(&failure, "Layanan tidak ditemukan"),
    }
}

/// The form page for `answer`, with the values and problems of `posted`.
fn form_page(officer: &Officer, answer: &FormAnswer, states: &[FieldState], posted: &Posted) -> Response {
    let service = &answer.service;
    let problem = |path: &str| posted.failure.as_ref().and_then(|f| f.field(path)).map(str::to_string);
    let fields: Vec<Value> = service
        .fields
        .iter()
        .map(|field| {
            let state = states.iter().find(|s| s.field == field.code);
            let given = posted.fields.get(&format!("data.{}", field.code)).unwrap_or_default().to_string();
            let path = format!("data.{}", field.code);
            let shown_problem =
                problem(&path).or_else(|| state.and_then(|s| s.problem.clone()).filter(|_| !given.is_empty()));
            let choices: Vec<Value> = match field.field_type {
                FieldType::Desa => answer
                    .tenant
                    .villages
                    .iter()
                    .map(|v| json!({ "value": v.code, "label": v.name, "chosen": v.code == given }))
                    .collect(),
                FieldType::YesNo => [("true", "Ya"), ("false", "Tidak")]
                    .iter()
                    .map(|(value, label)| json!({ "value": value, "label": label, "chosen": *value == given }))
                    .collect(),
                _ => field
                    .choices
                    .iter()
                    .map(|c| json!({ "value": c.value, "label": c.label, "chosen": c.value == given }))
                    .collect(),
            };
            json!({
                "code": field.code,
                "label": field.label,
                "help": field.help,
                "value": given,
                "visible": state.is_none_or(|s| s.visible),
                "required": state.map_or(field.required, |s| s.required),
                "conditional": field.condition.is_some(),
                "problem": shown_problem,
                "select": matches!(field.field_type, FieldType::Choice | FieldType::Desa | FieldType::YesNo),
                "choices": choices,
                "textarea": field.field_type == FieldType::Address,
                "input": match field.field_type {
                    FieldType::Date => "date",
                    FieldType::Number => "number",
                    FieldType::Phone => "tel",
                    FieldType::Email => "email",
                    _ => "text",
                },
                "digits16": matches!(field.field_type, FieldType::Nik | FieldType::NoKk),
            })
        })
        .collect();
    let documents: Vec<Value> = service
        .requirements
        .iter()
        .filter(|r| r.is_document())
        .map(|r| {
            let mut view = r.upload_view();
            view["received"] = json!(posted.fields.all("documentsReceived").any(|c| c == r.code));
            view["problem"] = json!(problem(&format!("documentsReceived.{}", r.code)));
            view
        })
        .collect();
    let facts: Vec<Value> = service
        .submission_facts
        .iter()
        .map(|f| {
            f.view(
                posted.fields.get(&format!("facts.{}", f.code)),
                problem(&format!("facts.{}", f.code)).as_deref(),
                None,
            )
        })
        .collect();
    let general = posted.failure.as_ref().map(|f| f.message.clone());
    let data = json!({
        "csrf": officer.csrf,
        "code": service.code,
        "name": service.name,
        "summary": service.summary,
        "time": service.jangka_waktu.text,
        "fields": fields,
        "documents": documents,
        "facts": facts,
        "channels": service.channels.iter().map(|c| json!({ "value": c, "label": channel_words(c), "chosen": posted.fields.get("channel") == Some(c) })).collect::<Vec<_>>(),
        "manyChannels": service.channels.len() > 1,
        "problem": general,
        "preview": posted.preview,
        "key": posted.fields.get("idempotencyKey").map_or_else(|| hex::encode(rand::random::<[u8; 16]>()), str::to_string),
    });
    let status = if posted.failure.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let section = if posted.preview { Section::Studio } else { Section::New };
    render::page(status, &service.name, section, Some(officer), "form", &data)
}

/// A channel (the API's `Channel`) in words.
fn channel_words(channel: &str) -> &'static str {
    match channel {
        "LANGSUNG" => "Langsung di loket",
        "DARING" => "Daring (melalui Simpul)",
        _ => "",
    }
}

/// `GET /permohonan/baru/{service}`: the empty form, with the fields that apply to an empty form.
pub async fn form(State(state): State<AppState>, officer: Officer, Path(service): Path<String>) -> Response {
    let answer = match service_form(&state, &officer, &service).await {
        Ok(answer) => answer,
        Err(response) => return response,
    };
    let states = form_state(&state, &officer, &service, &Map::new()).await.unwrap_or_default();
    form_page(&officer, &answer, &states, &Posted::default())
}

/// `POST /permohonan/baru/{service}/keadaan`: the form state for what the officer has typed so far, for the
/// page's script (the same `formState` the page is rendered with).
pub async fn live_state(
    State(state): State<AppState>,
    officer: Officer,
    Path(service): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let answer = match service_form(&state, &officer, &service).await {
        Ok(answer) => answer,
        Err(response) => return response,
    };
    match form_state(&state, &officer, &service, &form_data(&fields, &answer.service.fields)).await {
        Ok(states) => Json(states).into_response(),
        Err(failure) => render::failure(&failure, "Layanan tidak ditemukan"),
    }
}

/// A file posted for a requirement.
pub(crate) struct PostedFile {
    pub requirement: String,
    pub upload: UploadValue,
}

/// Reads a multipart form: its text fields, and its files (`file.<requirement>`) into temporary files. An empty
/// file input (nothing chosen) is no file.
pub(crate) async fn read_multipart(mut multipart: Multipart) -> Result<(Fields, Vec<PostedFile>), Response> {
    let mut fields = Fields::default();
    let mut files = Vec::new();
    let too_big = || {
        render::message(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Berkas terlalu besar",
            "Kiriman ini melebihi batas ukuran. Periksa ukuran setiap berkas, lalu coba lagi.",
        )
    };
    while let Some(mut part) = multipart.next_field().await.map_err(|_| too_big())? {
        let name = part.name().unwrap_or_default().to_string();
        if let Some(requirement) = name.strip_prefix("file.") {
            let filename = part.file_name().unwrap_or_default().to_string();
            let content_type = part.content_type().map(str::to_string);
            let mut file = tempfile::tempfile().map_err(|_| render::unavailable())?;
            let mut written = 0;
            while let Some(chunk) = part.chunk().await.map_err(|_| too_big())? {
                written += chunk.len();
                file.write_all(&chunk).map_err(|_| render::unavailable())?;
            }
            if written > 0 && !filename.is_empty() {
                use std::io::Seek;
                file.rewind().map_err(|_| render::unavailable())?;
                let upload = UploadValue { filename, content_type, content: file };
                files.push(PostedFile { requirement: requirement.to_string(), upload });
            }
        } else {
            let value = part.text().await.map_err(|_| too_big())?;
            fields.push(name, value);
        }
    }
    Ok((fields, files))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Submitted {
    submit_application: Created,
}

#[derive(Deserialize)]
struct Created {
    id: String,
    version: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attached {
    pub attach_document: Version,
}

#[derive(Deserialize)]
pub(crate) struct Version {
    pub version: i64,
}

/// Attaches `files` to application `id` at `version` one by one; returns the problems of the ones refused.
pub(crate) async fn attach(
    state: &AppState,
    officer: &Officer,
    id: &str,
    mut version: i64,
    files: Vec<PostedFile>,
    names: &[Requirement],
) -> Vec<String> {
    let mut problems = Vec::new();
    for file in files {
        let name = names
            .iter()
            .find(|r| r.code == file.requirement)
            .map_or(file.requirement.as_str(), |r| &r.name)
            .to_string();
        let variables = json!({ "tenant": officer.tenant, "id": id, "requirement": file.requirement, "version": version, "file": null });
        match officer.api(state).run_upload::<Attached>(operations::ATTACH, variables, "file", file.upload).await {
            Ok(attached) => version = attached.attach_document.version,
            Err(failure) => problems.push(format!("{name}: {}", failure.field("file").unwrap_or(&failure.message))),
        }
    }
    problems
}

/// `POST /permohonan/baru/{service}`: submits, attaches the scans, and shows the receipt; or the form again with
/// what is wrong beside each field. `perbarui` only re-renders the form with the fields that now apply.
pub async fn submit(
    State(state): State<AppState>,
    officer: Officer,
    Path(service): Path<String>,
    multipart: Multipart,
) -> Response {
    let (fields, files) = match read_multipart(multipart).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let answer = match service_form(&state, &officer, &service).await {
        Ok(answer) => answer,
        Err(response) => return response,
    };
    let mut data = form_data(&fields, &answer.service.fields);
    let states = match form_state(&state, &officer, &service, &data).await {
        Ok(states) => states,
        Err(failure) => return render::failure(&failure, "Layanan tidak ditemukan"),
    };
    if fields.get("perbarui").is_some() {
        return form_page(&officer, &answer, &states, &Posted { fields, failure: None, preview: false });
    }
    // Values of fields that do not apply to this application are not part of it.
    data.retain(|code, _| states.iter().any(|s| &s.field == code && s.visible));
    let facts: Vec<Value> = answer
        .service
        .submission_facts
        .iter()
        .filter_map(|f| Some(json!({ "fact": f.code, "value": f.value(fields.get(&format!("facts.{}", f.code))?)? })))
        .collect();
    let input = json!({
        "tenant": officer.tenant,
        "service": service,
        "data": data,
        "idempotencyKey": fields.get("idempotencyKey"),
        "channel": fields.get("channel"),
        "facts": facts,
        "documentsReceived": fields.all("documentsReceived").collect::<Vec<_>>(),
    });
    let created = match officer.api(&state).run::<Submitted>(operations::SUBMIT, json!({ "input": input })).await {
        Ok(submitted) => submitted.submit_application,
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused | Code::Conflict | Code::Forbidden) => {
            return form_page(&officer, &answer, &states, &Posted { fields, failure: Some(failure), preview: false });
        }
        Err(failure) => return render::failure(&failure, "Layanan tidak ditemukan"),
    };
    let problems = attach(&state, &officer, &created.id, created.version, files, &answer.service.requirements).await;
    let receipt = format!("/permohonan/{}/tanda-terima", created.id);
    if problems.is_empty() {
        return Redirect::to(&receipt).into_response();
    }
    let flash = format!(
        "Permohonan tercatat, tetapi berkas berikut ditolak dan perlu diunggah lagi di halaman permohonan: {}",
        problems.join("; ")
    );
    crate::pages::with_flash(&state, Redirect::to(&receipt).into_response(), &flash)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReceiptAnswer {
    tenant: ReceiptTenant,
    application: ReceiptApplication,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReceiptTenant {
    name: String,
    time_zone: String,
    address: Address,
}

#[derive(Deserialize)]
struct Address {
    street: String,
    city: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReceiptApplication {
    tracking_code: String,
    service_name: String,
    applicant_name: String,
    submitted_at: chrono::DateTime<chrono::Utc>,
    step_name: Option<String>,
    documents: Vec<DocumentRequirement>,
    documents_received: Vec<String>,
    deadlines: inbox_deadline::Deadlines,
}

mod inbox_deadline {
    /// Only the service deadline's instant, as the receipt states it.
    #[derive(serde::Deserialize)]
    pub struct Deadlines {
        pub service: Option<Due>,
    }

    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Due {
        pub due_at: chrono::DateTime<chrono::Utc>,
    }
}

#[derive(Deserialize)]
struct DocumentRequirement {
    requirement: String,
}

/// `GET /permohonan/{id}/tanda-terima`: the receipt to print and hand to the applicant.
pub async fn receipt(State(state): State<AppState>, officer: Officer, Path(id): Path<String>) -> Response {
    let answer: ReceiptAnswer =
        match officer.api(&state).run(operations::RECEIPT, json!({ "tenant": officer.tenant, "id": id })).await {
            Ok(answer) => answer,
            Err(failure) => return render::failure(&failure, "Permohonan tidak ditemukan"),
        };
    let tz = words::zone(&answer.tenant.time_zone);
    let app = &answer.application;
    let mut documents: Vec<&str> = app.documents.iter().map(|d| d.requirement.as_str()).collect();
    documents.extend(app.documents_received.iter().map(String::as_str));
    documents.sort_unstable();
    documents.dedup();
    let data = json!({
        "id": id,
        "office": answer.tenant.name,
        "address": format!("{}, {}", answer.tenant.address.street, answer.tenant.address.city),
        "trackingCode": app.tracking_code,
        "service": app.service_name,
        "applicant": app.applicant_name,
        "submitted": words::time(app.submitted_at, tz),
        "step": app.step_name,
        "documentCount": documents.len(),
        "due": app.deadlines.service.as_ref().map(|d| words::time(d.due_at, tz)),
    });
    render::page(StatusCode::OK, "Tanda terima", Section::New, Some(&officer), "receipt", &data)
}
