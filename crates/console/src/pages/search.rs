//! *Cari*: the office's applications by tracking code, the applicant's name, or a NIK, whatever their status. A
//! query of 16 digits is a NIK: the API allows it to roles with personal-data rights and audits what it finds.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use simpul_api::AppState;

use crate::client::Code;
use crate::operations;
use crate::pages::inbox::{Connection, Tenant};
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

/// `?q=…&setelah=…`.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    setelah: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    tenant: Tenant,
    applications: Connection,
}

/// `GET /cari`.
pub async fn show(State(state): State<AppState>, officer: Officer, Query(query): Query<SearchQuery>) -> Response {
    let text = query.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let Some(text) = text else {
        return render::page(StatusCode::OK, "Cari permohonan", Section::Search, Some(&officer), "search", &json!({}));
    };
    let is_nik = text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit());
    let filter = if is_nik {
        json!({ "tenant": officer.tenant, "nik": text })
    } else {
        json!({ "tenant": officer.tenant, "text": text })
    };
    let variables = json!({ "tenant": officer.tenant, "filter": filter, "after": query.setelah });
    let answer: Answer = match officer.api(&state).run(operations::SEARCH, variables).await {
        Ok(answer) => answer,
        Err(failure) if matches!(failure.code, Code::Forbidden | Code::Validation) => {
            let data = json!({ "text": text, "problem": failure.message });
            return render::page(StatusCode::OK, "Cari permohonan", Section::Search, Some(&officer), "search", &data);
        }
        Err(failure) => return render::failure(&failure, "Permohonan tidak ditemukan"),
    };
    let tz = words::zone(&answer.tenant.time_zone);
    let next = answer
        .applications
        .page_info
        .end_cursor
        .as_deref()
        .filter(|_| answer.applications.page_info.has_next_page)
        .map(|cursor| {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", text)
                .append_pair("setelah", cursor)
                .finish();
            format!("/cari?{query}")
        });
    let data = json!({
        "text": text,
        "searched": true,
        "byNik": is_nik,
        "total": answer.applications.total_count,
        "rows": answer.applications.edges.iter().map(|e| e.node.view(tz)).collect::<Vec<_>>(),
        "next": next,
    });
    render::page(StatusCode::OK, "Cari permohonan", Section::Search, Some(&officer), "search", &data)
}
