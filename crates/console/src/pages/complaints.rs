//! Complaints (pengaduan). `/pengaduan` is public: anyone writes a complaint to an office (optionally about an
//! application, by its tracking code) and gets a code to follow it with, on the same page. `/pengaduan-masuk` is
//! the officers': the office's complaints with their deadlines, a form for those received at the counter, in the
//! box, by phone, WhatsApp, e-mail, social media or SP4N-LAPOR!, and each complaint's page where it is assigned,
//! answered, closed and forwarded. Everything goes through the API, as an integrator's tool would.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;
use simpul_api::caller::Caller;

use crate::client::{Api, Code};
use crate::fields::Fields;
use crate::operations;
use crate::render::{self, Section};
use crate::session::{self, Officer};
use crate::words;

/// The channels an officer records a complaint as received by (the API's `ComplaintChannelKind`, in words).
const CHANNELS: &[(&str, &str)] = &[
    ("LANGSUNG", "Langsung (loket/ruang aduan)"),
    ("KOTAK_SARAN", "Kotak saran"),
    ("TELEPON", "Telepon"),
    ("WHATSAPP", "WhatsApp"),
    ("EMAIL", "E-mail"),
    ("MEDIA_SOSIAL", "Media sosial"),
    ("SURAT", "Surat"),
    ("SP4N_LAPOR", "SP4N-LAPOR!"),
    ("SLRT", "SLRT"),
    ("WEBSITE", "Situs web"),
];

#[derive(Deserialize)]
struct Office {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct Offices {
    provinces: Vec<Office>,
    #[serde(default)]
    tenants: Vec<Office>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tracked {
    code: String,
    office: String,
    time_zone: String,
    status_label: String,
    received_at: DateTime<Utc>,
    respond_due_at: DateTime<Utc>,
    #[serde(default)]
    response: Option<String>,
    #[serde(default)]
    responded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    closed_at: Option<DateTime<Utc>>,
}

impl Tracked {
    fn view(&self) -> Value {
        let tz = words::zone(&self.time_zone);
        json!({
            "code": self.code,
            "office": self.office,
            "status": self.status_label,
            "received": words::time(self.received_at, tz),
            "due": words::time(self.respond_due_at, tz),
            "response": self.response,
            "responded": self.responded_at.map(|t| words::time(t, tz)),
            "closed": self.closed_at.map(|t| words::time(t, tz)),
        })
    }
}

/// What the public form held, to show again beside its problem.
#[derive(Default)]
struct Typed {
    /// The province whose offices the form lists (`?provinsi=`); when empty, the office's.
    province: String,
    office: String,
    name: String,
    contact: String,
    tracking: String,
    text: String,
}

async fn public_page(
    state: &AppState,
    parts: &Parts,
    jar: CookieJar,
    status: StatusCode,
    typed: &Typed,
    problem: Option<&str>,
    found: Value,
) -> Response {
    let api = Api::new(state, Caller::Anonymous, session::client_address(state, parts));
    let mut province = typed.province.clone();
    if province.is_empty() && !typed.office.is_empty() {
        let asked = api.run::<Value>(operations::COMPLAINT_OFFICE_PROVINCE, json!({ "code": typed.office })).await;
        match asked {
            Ok(answer) => province = answer["tenant"]["province"]["code"].as_str().unwrap_or_default().to_string(),
            Err(failure) if failure.code == Code::Unavailable => return render::unavailable(),
            // An office that is not one: the form asks for the province again.
            Err(_) => {}
        }
    }
    let variables = json!({ "province": province, "chosen": !province.is_empty() });
    let offices = match api.run::<Offices>(operations::COMPLAINT_OFFICES, variables).await {
        Ok(o) => o,
        Err(failure) if failure.code == Code::Unavailable => return render::unavailable(),
        Err(_) => Offices { provinces: Vec::new(), tenants: Vec::new() },
    };
    let (jar, csrf) = session::public_csrf(state, jar);
    let data = json!({
        "csrf": csrf,
        "provinces": offices.provinces.iter().map(|p| json!({ "code": p.code, "name": p.name, "chosen": p.code == province })).collect::<Vec<_>>(),
        "province_chosen": !province.is_empty(),
        "offices": offices.tenants.iter().map(|o| json!({ "code": o.code, "name": o.name, "chosen": o.code == typed.office })).collect::<Vec<_>>(),
        "name": typed.name, "contact": typed.contact, "tracking": typed.tracking, "text": typed.text,
        "problem": problem,
        "found": found,
    });
    (jar, render::page(status, "Pengaduan", Section::None, None, "complaint_public", &data)).into_response()
}

/// `?kode=…` (to follow a complaint), `?dinas=…` (to write to an office, from its public page) or `?provinsi=…`
/// (to choose among a province's offices).
#[derive(Deserialize, Default)]
pub struct PublicQuery {
    kode: Option<String>,
    dinas: Option<String>,
    provinsi: Option<String>,
}

/// `GET /pengaduan`: the form; with `?kode=` the complaint that code names.
pub async fn public_form(
    State(state): State<AppState>,
    parts: Parts,
    jar: CookieJar,
    Query(query): Query<PublicQuery>,
) -> Response {
    // A province code is two digits; more is not one.
    let province: String = query.provinsi.unwrap_or_default().trim().chars().take(2).collect();
    let typed = Typed { province, office: query.dinas.unwrap_or_default(), ..Typed::default() };
    // A complaint code is 13 characters; the page reads no more than a code could be.
    let code: String = query.kode.unwrap_or_default().trim().chars().take(32).collect();
    if code.is_empty() {
        return public_page(&state, &parts, jar, StatusCode::OK, &typed, None, Value::Null).await;
    }
    let api = Api::new(&state, Caller::Anonymous, session::client_address(&state, &parts));
    match api.run::<Value>(operations::TRACK_COMPLAINT, json!({ "code": code })).await {
        Ok(answer) => match serde_json::from_value::<Tracked>(answer["trackComplaint"].clone()) {
            Ok(t) => public_page(&state, &parts, jar, StatusCode::OK, &typed, None, t.view()).await,
            Err(_) => render::message(StatusCode::BAD_GATEWAY, "Jawaban tidak terbaca", "Coba lagi sebentar lagi."),
        },
        Err(failure) if failure.code == Code::Unavailable => render::unavailable(),
        Err(failure) => {
            let status =
                if failure.code == Code::NotFound { StatusCode::NOT_FOUND } else { StatusCode::UNPROCESSABLE_ENTITY };
            public_page(&state, &parts, jar, status, &typed, Some(&failure.message), Value::Null).await
        }
    }
}

/// `POST /pengaduan`: a complaint from the public; its code, or the form again with what is wrong.
pub async fn public_submit(State(state): State<AppState>, parts: Parts, jar: CookieJar, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let get = |name: &str| fields.get(name).unwrap_or_default().trim().to_string();
    let typed = Typed {
        province: String::new(),
        office: get("dinas"),
        name: get("nama"),
        contact: get("kontak"),
        tracking: get("kode_lacak"),
        text: get("isi"),
    };
    if !session::public_csrf_ok(&state, &jar, fields.get("csrf").unwrap_or_default()) {
        let problem = "Formulir sudah kedaluwarsa. Silakan kirim lagi.";
        return public_page(&state, &parts, jar, StatusCode::FORBIDDEN, &typed, Some(problem), Value::Null).await;
    }
    let blank = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let input = json!({
        "tenant": typed.office, "name": blank(&typed.name), "contact": blank(&typed.contact),
        "trackingCode": blank(&typed.tracking), "text": typed.text,
    });
    let api = Api::new(&state, Caller::Anonymous, session::client_address(&state, &parts));
    match api.run::<Value>(operations::SUBMIT_COMPLAINT, json!({ "input": input })).await {
        Ok(answer) => match serde_json::from_value::<Tracked>(answer["submitComplaint"].clone()) {
            Ok(t) => {
                let mut found = t.view();
                found["new"] = json!(true);
                let next = Typed { office: typed.office.clone(), ..Typed::default() };
                public_page(&state, &parts, jar, StatusCode::OK, &next, None, found).await
            }
            Err(_) => render::message(StatusCode::BAD_GATEWAY, "Jawaban tidak terbaca", "Coba lagi sebentar lagi."),
        },
        Err(failure) if failure.code == Code::Unavailable => render::unavailable(),
        Err(failure) => {
            let status = if failure.code == Code::RateLimited {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            public_page(&state, &parts, jar, status, &typed, Some(&failure.message), Value::Null).await
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TenantZone {
    time_zone: String,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    id: String,
    code: String,
    channel_label: String,
    complainant_name: String,
    status_label: String,
    status: String,
    overdue: bool,
    received_at: DateTime<Utc>,
    assign_due_at: DateTime<Utc>,
    respond_due_at: DateTime<Utc>,
    close_due_at: DateTime<Utc>,
    assignee: Option<Named>,
}

impl Row {
    /// The deadline of the step due next.
    fn next_due(&self) -> Option<DateTime<Utc>> {
        match self.status.as_str() {
            "RECEIVED" => Some(self.assign_due_at),
            "ASSIGNED" => Some(self.respond_due_at),
            "RESPONDED" => Some(self.close_due_at),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct List {
    tenant: TenantZone,
    complaints: Vec<Row>,
}

/// `?status=…` on the officers' list; `?unduh=xlsx|csv&dari=…&sampai=…` downloads a period's complaints.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    unduh: Option<String>,
    dari: Option<String>,
    sampai: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    complaints_export: crate::pages::letters::FileOutput,
}

const STATUSES: &[(&str, &str)] = &[
    ("RECEIVED", "Diterima"),
    ("ASSIGNED", "Sedang ditangani"),
    ("RESPONDED", "Sudah dijawab"),
    ("CLOSED", "Selesai"),
];

/// `GET /pengaduan-masuk`: the office's complaints and the form to record one.
pub async fn list(State(state): State<AppState>, officer: Officer, Query(query): Query<ListQuery>) -> Response {
    if let Some(format) = query.unduh.as_deref().filter(|f| matches!(*f, "xlsx" | "csv")) {
        let date = |text: Option<&str>| text.and_then(|t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
        let (from, to) = officer
            .period(&state, date(query.dari.as_deref()), date(query.sampai.as_deref()), |today| {
                today - chrono::Days::new(30)
            })
            .await;
        let variables = json!({ "tenant": officer.tenant, "from": from, "to": to, "format": format.to_uppercase() });
        return match officer.api(&state).run::<Export>(operations::COMPLAINTS_EXPORT, variables).await {
            Ok(export) => crate::pages::letters::file_response(&export.complaints_export, false),
            Err(failure) => render::failure(&failure, "Pengaduan tidak ditemukan"),
        };
    }
    let status = query.status.filter(|s| STATUSES.iter().any(|(code, _)| code == s));
    list_page(&state, &officer, status.as_deref(), StatusCode::OK, None, &Fields::default()).await
}

async fn list_page(
    state: &AppState,
    officer: &Officer,
    status: Option<&str>,
    code: StatusCode,
    problem: Option<&str>,
    typed: &Fields,
) -> Response {
    let variables = json!({ "tenant": officer.tenant, "status": status });
    let answer: List = match officer.api(state).run(operations::COMPLAINTS, variables).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Pengaduan tidak ditemukan"),
    };
    let tz = words::zone(&answer.tenant.time_zone);
    let rows: Vec<Value> = answer
        .complaints
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "code": r.code, "channel": r.channel_label, "name": r.complainant_name,
                "status": r.status_label, "overdue": r.overdue, "received": words::time(r.received_at, tz),
                "due": r.next_due().map(|t| words::time(t, tz)), "assignee": r.assignee.as_ref().map(|a| &a.name),
            })
        })
        .collect();
    let typed_channel = typed.get("saluran").unwrap_or("LANGSUNG");
    let today = Utc::now().with_timezone(&tz).date_naive();
    let data = json!({
        "from": (today - chrono::Days::new(30)).to_string(),
        "to": today.to_string(),
        "csrf": officer.csrf,
        "rows": rows,
        "statuses": STATUSES.iter().map(|(c, w)| json!({ "code": c, "words": w, "chosen": Some(*c) == status })).collect::<Vec<_>>(),
        "channels": CHANNELS.iter().map(|(c, w)| json!({ "code": c, "words": w, "chosen": *c == typed_channel })).collect::<Vec<_>>(),
        "typed": { "nama": typed.get("nama"), "kontak": typed.get("kontak"), "kode_lacak": typed.get("kode_lacak"), "isi": typed.get("isi") },
        "problem": problem,
    });
    render::page(code, "Pengaduan", Section::Complaints, Some(officer), "complaints", &data)
}

/// `POST /pengaduan-masuk`: records a complaint received by another channel; to its page.
pub async fn record(State(state): State<AppState>, officer: Officer, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let blank = |name: &str| fields.get(name).map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let input = json!({
        "tenant": officer.tenant, "channel": fields.get("saluran").unwrap_or_default(), "name": blank("nama"),
        "contact": blank("kontak"), "trackingCode": blank("kode_lacak"), "text": fields.get("isi").unwrap_or_default(),
    });
    match officer.api(&state).run::<Value>(operations::RECORD_COMPLAINT, json!({ "input": input })).await {
        Ok(answer) => {
            let id = answer["recordComplaint"]["id"].as_str().unwrap_or_default();
            let code = answer["recordComplaint"]["code"].as_str().unwrap_or_default();
            let to = Redirect::to(&format!("/pengaduan-masuk/{id}")).into_response();
            crate::pages::with_flash(&state, to, &format!("Pengaduan {code} tercatat."))
        }
        Err(failure) if matches!(failure.code, Code::Validation) => {
            list_page(&state, &officer, None, StatusCode::UNPROCESSABLE_ENTITY, Some(&failure.message), &fields).await
        }
        Err(failure) => render::failure(&failure, "Pengaduan tidak ditemukan"),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistoryLine {
    text: String,
    note: Option<String>,
    by: Option<Named>,
    at: DateTime<Utc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Full {
    id: String,
    code: String,
    channel_label: String,
    complainant_name: String,
    contact: Option<String>,
    text: String,
    application_tracking_code: Option<String>,
    application_id: Option<String>,
    status: String,
    status_label: String,
    overdue: bool,
    received_at: DateTime<Utc>,
    assign_due_at: DateTime<Utc>,
    respond_due_at: DateTime<Utc>,
    close_due_at: DateTime<Utc>,
    response: Option<String>,
    closed_at: Option<DateTime<Utc>>,
    lapor_ref: Option<String>,
    assignee: Option<Named>,
    assignee_id: Option<String>,
    history: Vec<HistoryLine>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Assignee {
    id: String,
    display_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct One {
    tenant: TenantZone,
    complaint: Full,
    complaint_assignees: Vec<Assignee>,
}

/// `GET /pengaduan-masuk/{id}`: one complaint, its history, and what can be done with it.
pub async fn show(State(state): State<AppState>, officer: Officer, Path(id): Path<String>) -> Response {
    one_page(&state, &officer, &id, StatusCode::OK, None).await
}

async fn one_page(state: &AppState, officer: &Officer, id: &str, code: StatusCode, problem: Option<&str>) -> Response {
    let variables = json!({ "tenant": officer.tenant, "id": id });
    let answer: One = match officer.api(state).run(operations::COMPLAINT, variables).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Pengaduan tidak ditemukan"),
    };
    let c = &answer.complaint;
    let tz = words::zone(&answer.tenant.time_zone);
    let open = c.status != "CLOSED";
    // The choice shown first: whoever handles it now, else the officer looking at it.
    let me = match &officer.caller {
        Caller::User(principal) => Some(principal.user_id.to_string()),
        _ => None,
    };
    let preselected = c.assignee_id.clone().or(me);
    let data = json!({
        "csrf": officer.csrf,
        "id": c.id, "code": c.code, "channel": c.channel_label, "name": c.complainant_name, "contact": c.contact,
        "text": c.text, "tracking": c.application_tracking_code, "applicationId": c.application_id,
        "status": c.status_label, "overdue": c.overdue, "received": words::time(c.received_at, tz),
        "assignDue": words::time(c.assign_due_at, tz), "respondDue": words::time(c.respond_due_at, tz),
        "closeDue": words::time(c.close_due_at, tz), "response": c.response,
        "closed": c.closed_at.map(|t| words::time(t, tz)), "lapor": c.lapor_ref,
        "assignee": c.assignee.as_ref().map(|a| &a.name),
        "assignees": answer.complaint_assignees.iter().map(|a| json!({
            "id": a.id, "name": a.display_name, "chosen": preselected.as_deref() == Some(a.id.as_str()),
        })).collect::<Vec<_>>(),
        "canAssign": open && c.status != "RESPONDED",
        "canRespond": open,
        "canClose": c.status == "RESPONDED",
        "canForward": open && c.lapor_ref.is_none(),
        "history": c.history.iter().map(|h| json!({
            "text": h.text, "note": h.note, "by": h.by.as_ref().map(|b| &b.name), "at": words::time(h.at, tz),
        })).collect::<Vec<_>>(),
        "problem": problem,
    });
    let title = format!("Pengaduan {}", c.code);
    render::page(code, &title, Section::Complaints, Some(officer), "complaint", &data)
}

/// `POST /pengaduan-masuk/{id}`: one step (`langkah`: tugaskan, jawab, tutup, teruskan); back to the page.
pub async fn act(State(state): State<AppState>, officer: Officer, Path(id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    if !officer.csrf_ok(fields.get("csrf").unwrap_or_default()) {
        return render::message(StatusCode::FORBIDDEN, "Formulir tidak sah", "Muat ulang halaman, lalu coba lagi.");
    }
    let step = fields.get("langkah").unwrap_or_default();
    let (done, flags) = match step {
        "tugaskan" => ("Pengaduan ditugaskan.", (true, false, false, false)),
        "jawab" => ("Jawaban tercatat.", (false, true, false, false)),
        "tutup" => ("Pengaduan ditutup.", (false, false, true, false)),
        "teruskan" => ("Pengaduan diteruskan ke SP4N-LAPOR!.", (false, false, false, true)),
        _ => {
            return render::message(
                StatusCode::BAD_REQUEST,
                "Langkah tidak dikenal",
                "Muat ulang halaman, lalu coba lagi.",
            );
        }
    };
    let variables = json!({
        "tenant": officer.tenant, "id": id,
        "assignee": fields.get("petugas").unwrap_or_default(), "text": fields.get("teks").unwrap_or_default(),
        "assign": flags.0, "respond": flags.1, "close": flags.2, "forward": flags.3,
    });
    match officer.api(&state).run::<Value>(operations::COMPLAINT_STEP, variables).await {
        Ok(_) => {
            crate::pages::with_flash(&state, Redirect::to(&format!("/pengaduan-masuk/{id}")).into_response(), done)
        }
        Err(failure) if matches!(failure.code, Code::Validation | Code::Refused) => {
            one_page(&state, &officer, &id, StatusCode::UNPROCESSABLE_ENTITY, Some(&failure.message)).await
        }
        Err(failure) => render::failure(&failure, "Pengaduan tidak ditemukan"),
    }
}
