//! *Dasbor*: the office's figures for a period (this month unless the officer picks another) — per service
//! received, completed and open, completion time against the standard, the share on time, outcomes, where the
//! time goes, the IKM; complaints by status — as tables and server-drawn charts, and as a spreadsheet.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::{Value, json};
use simpul_api::AppState;

use crate::charts::{Bar, stacked_bars};
use crate::client::Code;
use crate::operations;
use crate::pages::letters::{FileOutput, file_response};
use crate::render::{self, Section};
use crate::session::Officer;
use crate::words;

/// `?dari=…&sampai=…&bentuk=xlsx|csv`.
#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    dari: Option<String>,
    sampai: Option<String>,
    bentuk: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    step_name: String,
    applications: u64,
    mean_minutes: f64,
    share: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceFigures {
    office: String,
    service_name: String,
    time_limit: String,
    time_limit_minutes: Option<i64>,
    received: u64,
    completed: u64,
    open_at_end: u64,
    granted: u64,
    not_eligible: u64,
    rejected: u64,
    withdrawn: u64,
    median_minutes: Option<i64>,
    p90_minutes: Option<i64>,
    on_time_share: Option<f64>,
    ikm: Option<f64>,
    ikm_grade: Option<String>,
    ikm_responses: u64,
    verifications: u64,
    registry_share: Option<f64>,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct ComplaintCount {
    label: String,
    count: u64,
}

#[derive(Deserialize)]
struct Figures {
    title: String,
    services: Vec<ServiceFigures>,
    complaints: Vec<ComplaintCount>,
}

#[derive(Deserialize)]
struct Answer {
    dashboard: Figures,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    dashboard_report: FileOutput,
}

/// A working day of the console's words: the office day most standards count in (08.00–16.00).
const DAY_MINUTES: i64 = 480;

/// `GET /dasbor`.
pub async fn show(State(state): State<AppState>, officer: Officer, Query(query): Query<DashboardQuery>) -> Response {
    let api = officer.api(&state);
    let parse = |text: Option<&str>| text.and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
    let (from, to) = officer
        .period(&state, parse(query.dari.as_deref()), parse(query.sampai.as_deref()), |today| {
            today.with_day(1).unwrap_or(today)
        })
        .await;
    // An office's officer sees the office; a provincial admin the province.
    let (tenant, province) = match &officer.province {
        Some(code) => (None, Some(code.as_str())),
        None => (Some(officer.tenant.as_str()), None),
    };
    let variables = json!({ "tenant": tenant, "province": province, "from": from, "to": to });
    if let Some(format) = query.bentuk.as_deref().filter(|b| matches!(*b, "xlsx" | "csv")) {
        let mut variables = variables;
        variables["format"] = json!(format.to_uppercase());
        return match api.run::<Report>(operations::DASHBOARD_REPORT, variables).await {
            Ok(report) => file_response(&report.dashboard_report, false),
            Err(failure) => render::failure(&failure, "Dasbor tidak ditemukan"),
        };
    }
    let (answer, problem) = match api.run::<Answer>(operations::DASHBOARD, variables).await {
        Ok(answer) => (Some(answer), None),
        Err(failure) if failure.code == Code::Validation => (None, Some(failure.message)),
        Err(failure) => return render::failure(&failure, "Dasbor tidak ditemukan"),
    };
    let mut data = json!({ "from": from.to_string(), "to": to.to_string(), "problem": problem });
    if let Some(answer) = answer {
        data["figures"] = view(&answer.dashboard, from, to, officer.province.is_some());
    }
    render::page(StatusCode::OK, "Dasbor", Section::Dashboard, Some(&officer), "dashboard", &data)
}

fn minutes(m: Option<i64>) -> Option<String> {
    m.map(|m| words::minutes_in_words(m, DAY_MINUTES))
}

/// The figures for the page; across offices (a province) each service is named with its office.
fn view(d: &Figures, from: NaiveDate, to: NaiveDate, across_offices: bool) -> Value {
    let services = &d.services;
    let name = |s: &ServiceFigures| {
        if across_offices { format!("{} — {}", s.office, s.service_name) } else { s.service_name.clone() }
    };
    let volume = stacked_bars(
        "Permohonan selesai dan masih terbuka per layanan",
        &["Selesai dalam periode", "Terbuka di akhir periode"],
        &services
            .iter()
            .map(|s| Bar { label: name(s), values: vec![s.completed as f64, s.open_at_end as f64] })
            .collect::<Vec<_>>(),
        "",
    );
    let outcomes = stacked_bars(
        "Hasil permohonan yang selesai per layanan",
        &["Diberikan", "Tidak layak", "Ditolak", "Dibatalkan"],
        &services
            .iter()
            .map(|s| Bar {
                label: name(s),
                values: vec![s.granted as f64, s.not_eligible as f64, s.rejected as f64, s.withdrawn as f64],
            })
            .collect::<Vec<_>>(),
        "",
    );
    let rows: Vec<Value> = services
        .iter()
        .map(|s| {
            let over = match (s.p90_minutes, s.time_limit_minutes) {
                (Some(p90), Some(limit)) => p90 > limit,
                _ => false,
            };
            let steps = (!s.steps.is_empty()).then(|| {
                stacked_bars(
                    &format!("Rata-rata menit kerja per langkah: {}", name(s)),
                    &["Menit kerja"],
                    &s.steps.iter().map(|t| Bar { label: t.step_name.clone(), values: vec![(t.mean_minutes * 10.0).round() / 10.0] }).collect::<Vec<_>>(),
                    " mnt",
                )
            });
            json!({
                "name": name(s), "limit": s.time_limit, "received": s.received, "completed": s.completed,
                "open": s.open_at_end, "median": minutes(s.median_minutes), "p90": minutes(s.p90_minutes), "over": over,
                "onTime": s.on_time_share.map(|x| format!("{:.0} %", x * 100.0)),
                "granted": s.granted, "notEligible": s.not_eligible, "rejected": s.rejected, "withdrawn": s.withdrawn,
                "ikm": s.ikm.map(|x| format!("{x:.2}").replace('.', ",")), "grade": s.ikm_grade, "responses": s.ikm_responses,
                "registry": s.registry_share.map(|x| format!("{:.0} % dari {} verifikasi", x * 100.0, s.verifications)),
                "steps": s.steps.iter().map(|t| json!({
                    "name": t.step_name, "applications": t.applications,
                    "mean": words::minutes_in_words(t.mean_minutes.round() as i64, DAY_MINUTES),
                    "share": format!("{:.0} %", t.share * 100.0),
                })).collect::<Vec<_>>(),
                "stepsChart": steps,
            })
        })
        .collect();
    json!({
        "title": d.title,
        "period": format!("{} – {}", simpul_letters::helpers::tanggal(from), simpul_letters::helpers::tanggal(to)),
        "services": rows,
        "volumeChart": volume,
        "outcomesChart": outcomes,
        "complaints": d.complaints.iter().map(|c| json!({ "label": c.label, "count": c.count })).collect::<Vec<_>>(),
    })
}
