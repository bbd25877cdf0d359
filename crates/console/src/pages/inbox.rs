//! *Kotak masuk*: what the officer's roles may act on now, soonest deadline first, with filters, paging and
//! counts per service. Returned applications are in the inbox of the role that resubmits them (the API decides).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use crate::operations;
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words::{self, Deadline, DeadlineState, Status};

/// How many applications one page lists: a screen or two on an office PC.
const PAGE_SIZE: i64 = 25;

/// The inbox's address: `?layanan=…&tahap=…&tenggat=terlambat&cari=…&setelah=…`.
#[derive(Deserialize, Default)]
pub struct InboxQuery {
    layanan: Option<String>,
    tahap: Option<String>,
    tenggat: Option<String>,
    cari: Option<String>,
    setelah: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    tenant: Tenant,
    services: Vec<Service>,
    inbox_counts: Vec<Count>,
    inbox: Connection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tenant {
    pub time_zone: String,
}

#[derive(Deserialize)]
struct Service {
    code: String,
    name: String,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    code: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Count {
    service: String,
    service_name: String,
    count: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Connection {
    pub total_count: u64,
    pub page_info: PageInfo,
    pub edges: Vec<Edge>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Edge {
    pub node: Row,
}

/// One application in a list.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Row {
    pub id: String,
    pub tracking_code: String,
    pub service_name: String,
    pub step_name: Option<String>,
    pub status: Status,
    pub end_status: Option<words::EndStatus>,
    pub applicant_name: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub area: Option<Area>,
    pub deadlines: Deadlines,
}

#[derive(Deserialize)]
pub(crate) struct Area {
    pub name: String,
}

#[derive(Deserialize)]
pub(crate) struct Deadlines {
    pub service: Option<Deadline>,
    pub step: Option<Deadline>,
}

impl Row {
    /// The row as a list shows it.
    pub fn view(&self, tz: chrono_tz::Tz) -> Value {
        json!({
            "id": self.id,
            "trackingCode": self.tracking_code,
            "service": self.service_name,
            "step": self.step_name.clone().unwrap_or_else(|| String::from(self.status.words())),
            "status": self.status.words(),
            "ended": self.end_status.map(|s| s.words()),
            "applicant": self.applicant_name,
            "area": self.area.as_ref().map(|a| &a.name),
            "submitted": words::time(self.submitted_at, tz),
            "deadline": self.deadlines.service.as_ref().map(|d| d.view(tz)),
            "stepDeadline": self.deadlines.step.as_ref().map(|d| d.view(tz)),
        })
    }
}

/// `GET /kotak-masuk/peristiwa`: the office's events as server-sent events, relayed from the API's
/// `applicationEvents` subscription, so that the inbox's script refreshes the list when something happens. Each
/// event says only that something changed; the page reads what through its own operation.
pub async fn events(State(state): State<AppState>, officer: Officer) -> Response {
    use futures_util::StreamExt;
    let stream = officer
        .api(&state)
        .subscribe(operations::EVENTS, json!({ "tenant": officer.tenant }))
        .take_while(|answer| std::future::ready(answer.is_ok()))
        .map(|_| Ok::<_, std::convert::Infallible>(axum::response::sse::Event::default().data("berubah")));
    axum::response::sse::Sse::new(stream).keep_alive(axum::response::sse::KeepAlive::default()).into_response()
}

/// `GET /`: the inbox.
pub async fn home() -> Response {
    Redirect::to("/kotak-masuk").into_response()
}

/// `GET /kotak-masuk`.
pub async fn show(State(state): State<AppState>, officer: Officer, Query(query): Query<InboxQuery>) -> Response {
    // A provincial admin has no inbox; their page is the province's dashboard.
    if officer.province.is_some() {
        return Redirect::to("/dasbor").into_response();
    }
    let deadline = query.tenggat.as_deref().and_then(DeadlineState::from_slug);
    let filter = json!({
        "service": query.layanan.as_deref().filter(|s| !s.is_empty()),
        "step": query.tahap.as_deref().filter(|s| !s.is_empty()),
        "deadline": deadline.map(DeadlineState::api),
        "text": query.cari.as_deref().map(str::trim).filter(|s| !s.is_empty()),
    });
    let variables = json!({
        "tenant": officer.tenant,
        "first": PAGE_SIZE,
        "after": query.setelah.as_deref().filter(|s| !s.is_empty()),
        "filter": filter,
    });
    let answer: Answer = match officer.api(&state).run(operations::INBOX, variables).await {
        Ok(answer) => answer,
        Err(failure) => return render::failure(&failure, "Kotak masuk tidak ditemukan"),
    };
    let tz = words::zone(&answer.tenant.time_zone);
    let chosen = query.layanan.as_deref().unwrap_or_default();
    let steps: Vec<Value> = answer
        .services
        .iter()
        .filter(|s| s.code == chosen)
        .flat_map(|s| &s.steps)
        .map(|step| json!({ "code": step.code, "name": step.name, "chosen": query.tahap.as_deref() == Some(&step.code) }))
        .collect();
    let next = answer.inbox.page_info.end_cursor.as_deref().filter(|_| answer.inbox.page_info.has_next_page).map(|c| {
        let mut url = form_urlencoded::Serializer::new(String::new());
        for (key, value) in
            [("layanan", &query.layanan), ("tahap", &query.tahap), ("tenggat", &query.tenggat), ("cari", &query.cari)]
        {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                url.append_pair(key, value);
            }
        }
        url.append_pair("setelah", c);
        format!("/kotak-masuk?{}", url.finish())
    });
    let data = json!({
        "rows": answer.inbox.edges.iter().map(|e| e.node.view(tz)).collect::<Vec<_>>(),
        "total": answer.inbox.total_count,
        "counts": answer.inbox_counts.iter().map(|c| json!({
            "service": c.service, "name": c.service_name, "count": c.count, "chosen": c.service == chosen,
        })).collect::<Vec<_>>(),
        "services": answer.services.iter().map(|s| json!({ "code": s.code, "name": s.name, "chosen": s.code == chosen })).collect::<Vec<_>>(),
        "steps": steps,
        "states": DeadlineState::all().iter().map(|s| json!({ "slug": s.slug(), "words": s.words(), "chosen": Some(*s) == deadline })).collect::<Vec<_>>(),
        "text": query.cari,
        "filtered": query.layanan.is_some() || query.tahap.is_some() || deadline.is_some() || query.cari.as_deref().is_some_and(|t| !t.trim().is_empty()),
        "next": next,
        "paged": query.setelah.is_some(),
    });
    render::page(StatusCode::OK, "Kotak masuk", Section::Inbox, Some(&officer), "inbox", &data)
}
