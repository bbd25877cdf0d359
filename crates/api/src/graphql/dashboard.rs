//! The dashboard of the Kepala Dinas, the office admin and the province: per office and service and period —
//! received, completed, open; completion time (median, p90) against the standard's time limit and the share
//! completed on time; time per step; outcomes; complaints by status; the IKM. The figures come from
//! `Store::dashboard` (indexed queries over what the events derived); this module names and words them.

use async_graphql::{Context, Object, SimpleObject};
use chrono::NaiveDate;
use simpul_engine::EndStatus;
use simpul_engine::complaint::ComplaintStatus;
use simpul_engine::ikm;
use simpul_store::TenantScope;

use super::letters::{ExportFormat, FileOutput};
use super::{caller, shared};
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};

/// The longest period a dashboard covers: a year, the span of the offices' yearly evaluation.
const MAX_DAYS: i64 = 366;

/// One office's service in a period.
#[derive(SimpleObject, Clone)]
pub struct ServiceDashboardView {
    pub tenant: String,
    pub office: String,
    pub service: String,
    pub service_name: String,
    /// The standard's time limit as it writes it ("30 menit", "2 hari kerja").
    pub time_limit: String,
    /// The time limit in office minutes, when the standard states one (working days at the office's day).
    pub time_limit_minutes: Option<i64>,
    pub received: u64,
    pub completed: u64,
    pub open_at_end: u64,
    pub granted: u64,
    pub not_eligible: u64,
    pub rejected: u64,
    pub withdrawn: u64,
    /// Office minutes a completed application took: median and 90th percentile (nearest rank).
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
    /// Of the completed ones that had a deadline, the share that kept it (0–1).
    pub on_time_share: Option<f64>,
    /// Where the time went, the step with the most office time first.
    pub steps: Vec<StepTimeView>,
    /// The satisfaction index of the period (PermenPAN-RB 14/2017), when applicants answered.
    pub ikm: Option<f64>,
    pub ikm_grade: Option<String>,
    pub ikm_responses: u64,
    /// Verifications in the period that recorded registry facts (DTKS/DTSEN registration, desil, PBI status).
    pub verifications: u64,
    /// … of which at least one value was confirmed from registry data (the office's upload or an online source).
    pub verifications_with_registry: u64,
    /// Their share (0–1): Bangka's "tingkat pemanfaatan DTSEN dalam proses verifikasi".
    pub registry_share: Option<f64>,
}

/// The office time completed applications spent in one step.
#[derive(SimpleObject, Clone)]
pub struct StepTimeView {
    pub step: String,
    pub step_name: String,
    /// Completed applications that passed through it.
    pub applications: u64,
    /// Mean office minutes per application that passed through it.
    pub mean_minutes: f64,
    /// Its share of all the office time the service's completed applications took (0–1).
    pub share: f64,
}

/// Complaints received in the period, by where they stand.
#[derive(SimpleObject, Clone)]
pub struct ComplaintCountView {
    pub status: ComplaintStatus,
    pub label: String,
    pub count: u64,
}

/// The dashboard of a period.
#[derive(SimpleObject, Clone)]
pub struct DashboardView {
    /// The office, or the province.
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub services: Vec<ServiceDashboardView>,
    pub complaints: Vec<ComplaintCountView>,
}

/// The offices a caller asks about: one office (any of its officers: the figures name nobody), or every office
/// of a province (its provincial admin).
async fn offices(
    ctx: &Context<'_>,
    tenant: Option<&str>,
    province: Option<&str>,
) -> ApiResult<(String, Vec<(TenantScope, std::sync::Arc<simpul_store::TenantRuntime>)>)> {
    let shared = shared(ctx)?;
    let store = &shared.store;
    let caller = caller(ctx)?;
    match province {
        None => {
            let scope = caller.scope(tenant)?;
            let runtime = store.tenant_runtime(store.connection(), &scope).await?;
            Ok((runtime.tenant.name.clone(), vec![(scope, runtime)]))
        }
        Some(code) => {
            match caller {
                Caller::User(p) if p.provinces.iter().any(|p| p == code) => {}
                Caller::Anonymous | Caller::Rejected(_) => return Err(caller.unauthenticated()),
                _ => {
                    let only = "Hanya admin provinsi itu yang melihat dasbor provinsi";
                    return Err(ApiError::Forbidden(String::from(only)));
                }
            }
            let mut out = Vec::new();
            let mut name = String::new();
            for (tenant, _) in store.tenants().await? {
                let scope = store.system_scope(&tenant).await?;
                let runtime = store.tenant_runtime(store.connection(), &scope).await?;
                if runtime.tenant.province.code == code {
                    name = format!("Provinsi {}", runtime.tenant.province.name);
                    out.push((scope, runtime));
                }
            }
            Ok((name, out))
        }
    }
}

/// Builds the dashboard of `[from, to]` (office dates, inclusive).
pub async fn dashboard(
    ctx: &Context<'_>,
    tenant: Option<&str>,
    province: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<DashboardView> {
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::field("to", "Periode harus urut dan paling lama satu tahun"));
    }
    let (title, offices) = offices(ctx, tenant, province).await?;
    let Some((_, first)) = offices.first() else {
        return Err(ApiError::NotFound(String::from("Tidak ada dinas di provinsi itu")));
    };
    let store = &shared(ctx)?.store;
    // Periods are office dates; a province spans at most three zones, and the first office's day bounds serve.
    let start = first.calendar.start_of_day(from);
    let end = first.calendar.start_of_day(to + chrono::Days::new(1));
    let scopes: Vec<TenantScope> = offices.iter().map(|(s, _)| s.clone()).collect();
    let figures = store.dashboard(&scopes, start, end).await?;
    let mut services = Vec::new();
    for (scope, runtime) in &offices {
        for (_, service) in store.published_services(scope).await? {
            let definition = service.definition();
            let key = (scope.tenant_id().to_string(), definition.code.clone());
            let f = figures.services.get(&key).cloned().unwrap_or_default();
            let total_minutes: i64 = f.steps.values().map(|(_, m)| *m).sum();
            let mut steps: Vec<StepTimeView> = f
                .steps
                .iter()
                .map(|(step, (n, minutes))| StepTimeView {
                    step: step.clone(),
                    step_name: service.step(step).map_or_else(|| step.clone(), |s| s.name.clone()),
                    applications: *n,
                    mean_minutes: if *n == 0 { 0.0 } else { *minutes as f64 / *n as f64 },
                    share: if total_minutes == 0 { 0.0 } else { *minutes as f64 / total_minutes as f64 },
                })
                .collect();
            steps.sort_by(|a, b| b.share.total_cmp(&a.share));
            let responses = store.survey_responses(scope, &definition.code, start, end).await?;
            let answers: Vec<[u8; 9]> = responses.iter().map(|r| r.answers).collect();
            let index = ikm::index(&answers);
            let limit = &definition.jangka_waktu;
            let ended = |s: EndStatus| f.ended.get(&s).copied().unwrap_or(0);
            services.push(ServiceDashboardView {
                tenant: scope.tenant_id().to_string(),
                office: runtime.tenant.name.clone(),
                service: definition.code.clone(),
                service_name: definition.name.clone(),
                time_limit: limit.text.clone(),
                time_limit_minutes: limit.limit.map(|d| {
                    let day = simpul_definitions::validate::minutes_per_working_day(&runtime.tenant);
                    i64::try_from(d.office_minutes(day)).unwrap_or(i64::MAX)
                }),
                received: f.received,
                completed: f.completed,
                open_at_end: f.open_at_end,
                granted: ended(EndStatus::Granted),
                not_eligible: ended(EndStatus::NotEligible),
                rejected: ended(EndStatus::Rejected),
                withdrawn: ended(EndStatus::Withdrawn),
                median_minutes: f.quantile(0.5),
                p90_minutes: f.quantile(0.9),
                on_time_share: (f.timed > 0).then(|| f.on_time as f64 / f.timed as f64),
                steps,
                ikm: index.as_ref().map(|x| x.converted),
                ikm_grade: index.as_ref().map(|x| format!("{:?} ({})", x.grade, x.grade.label())),
                ikm_responses: answers.len() as u64,
                verifications: f.fact_checks,
                verifications_with_registry: f.registry_checks,
                registry_share: (f.fact_checks > 0).then(|| f.registry_checks as f64 / f.fact_checks as f64),
            });
        }
    }
    let complaints = ComplaintStatus::ALL
        .iter()
        .map(|s| ComplaintCountView {
            status: *s,
            label: s.words().to_string(),
            count: figures.complaints.get(s.code()).copied().unwrap_or(0),
        })
        .collect();
    Ok(DashboardView { title, from, to, services, complaints })
}

/// Dashboard queries.
#[derive(Default)]
pub struct DashboardQuery;

#[Object]
impl DashboardQuery {
    /// The dashboard of an office (any of its officers) or, with `province`, of every office of a province (its
    /// provincial admin), for the office dates `from` to `to` (inclusive; at most a year).
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        province: Option<String>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> ApiResult<DashboardView> {
        dashboard(ctx, tenant.as_deref(), province.as_deref(), from, to).await
    }

    /// The same as a spreadsheet (CSV or XLSX): a row per office and service.
    async fn dashboard_report(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        province: Option<String>,
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
    ) -> ApiResult<FileOutput> {
        let view = dashboard(ctx, tenant.as_deref(), province.as_deref(), from, to).await?;
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let decimal =
            |x: Option<f64>, places: usize| x.map(|x| format!("{x:.places$}").replace('.', ",")).unwrap_or_default();
        let rows = view
            .services
            .iter()
            .map(|s| {
                let slowest = s.steps.first().map(|t| format!("{} ({:.0} %)", t.step_name, t.share * 100.0));
                vec![
                    s.office.clone(),
                    s.service_name.clone(),
                    s.time_limit.clone(),
                    s.received.to_string(),
                    s.completed.to_string(),
                    s.open_at_end.to_string(),
                    number(s.median_minutes),
                    number(s.p90_minutes),
                    decimal(s.on_time_share.map(|x| x * 100.0), 1),
                    s.granted.to_string(),
                    s.not_eligible.to_string(),
                    s.rejected.to_string(),
                    s.withdrawn.to_string(),
                    slowest.unwrap_or_default(),
                    decimal(s.ikm, 2),
                    s.ikm_grade.clone().unwrap_or_default(),
                    s.verifications.to_string(),
                    decimal(s.registry_share.map(|x| x * 100.0), 1),
                ]
            })
            .collect();
        let headers = [
            "Dinas",
            "Layanan",
            "Jangka waktu standar",
            "Diterima",
            "Selesai",
            "Terbuka di akhir periode",
            "Median (menit kerja)",
            "P90 (menit kerja)",
            "Tepat waktu (%)",
            "Diberikan",
            "Tidak layak",
            "Ditolak",
            "Dibatalkan",
            "Langkah terlama",
            "IKM",
            "Mutu",
            "Verifikasi data registri",
            "Memakai data registri (%)",
        ];
        let table = simpul_letters::Table {
            title: String::from("Dasbor"),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        };
        let name = format!("dasbor-{}-{}", view.from, view.to);
        FileOutput::spreadsheet(&name, &table, format)?
            .ok_or_else(|| ApiError::field("format", "Dasbor tersedia sebagai CSV atau XLSX"))
    }
}
