//! The satisfaction survey (IKM, PermenPAN-RB 14/2017): applicants answer it once their application has ended
//! (with the token `trackApplication` gives them), and the office reads the index per service and period.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{NaiveDate, Utc};
use simpul_engine::ikm::{self, Element, Grade};

use super::{caller, shared};
use crate::error::{ApiError, ApiResult};

/// Longest suggestion kept: a paragraph or two, as the paper form leaves room for.
const SUGGESTION_CHARS: usize = 1000;

/// The regulation's grade of a service's index.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SurveyGrade {
    /// 88.31–100: Sangat Baik.
    A,
    /// 76.61–88.30: Baik.
    B,
    /// 65.00–76.60: Kurang Baik.
    C,
    /// 25.00–64.99: Tidak Baik.
    D,
}

impl From<Grade> for SurveyGrade {
    fn from(grade: Grade) -> Self {
        match grade {
            Grade::A => SurveyGrade::A,
            Grade::B => SurveyGrade::B,
            Grade::C => SurveyGrade::C,
            Grade::D => SurveyGrade::D,
        }
    }
}

/// One element's result.
#[derive(SimpleObject)]
pub struct SurveyElementView {
    /// "U1" … "U9", its name and its question.
    #[graphql(flatten)]
    pub element: SurveyQuestionView,
    /// The mean answer (1–4), absent without responses.
    pub mean: Option<f64>,
    /// The mean × 1/9.
    pub weighted: Option<f64>,
}

/// A service's satisfaction index for a period.
#[derive(SimpleObject)]
pub struct SatisfactionIndexView {
    pub service: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// How many responses.
    pub responses: i32,
    /// The nine elements, U1 first.
    pub elements: Vec<SurveyElementView>,
    /// The index on the 1–4 scale (the weighted means' sum).
    pub value: Option<f64>,
    /// The index × 25 (25–100): the IKM of the service.
    pub ikm: Option<f64>,
    pub grade: Option<SurveyGrade>,
    /// The grade's name ("Baik").
    pub grade_label: Option<String>,
    /// The grade's interval of the index, as the regulation writes it.
    pub grade_interval: Option<String>,
    /// The suggestions given, newest first.
    pub suggestions: Vec<String>,
}

/// A question of the survey: its element's code ("U1" … "U9"), the element's name in the regulation, and the
/// question as applicants read it.
#[derive(SimpleObject)]
pub struct SurveyQuestionView {
    /// "U1" … "U9".
    pub code: String,
    /// The element's name in the regulation.
    pub label: String,
    /// The question as applicants read it.
    pub question: String,
}

impl SurveyQuestionView {
    fn of(element: Element) -> Self {
        SurveyQuestionView {
            code: element.code().to_string(),
            label: element.label().to_string(),
            question: element.question().to_string(),
        }
    }
}

/// Survey queries.
#[derive(Default)]
pub struct SurveyQuery;

#[Object]
impl SurveyQuery {
    /// The nine questions of the satisfaction survey, with answers from 1 (tidak sesuai) to 4 (sangat sesuai).
    /// Public.
    async fn survey_questions(&self) -> Vec<SurveyQuestionView> {
        Element::ALL.iter().map(|&e| SurveyQuestionView::of(e)).collect()
    }

    /// A service's satisfaction index (IKM) over the responses given from `from` to `to` (the office's local
    /// dates, inclusive), with each element's mean and the regulation's grade. For the office's staff.
    async fn satisfaction_index(
        &self,
        ctx: &Context<'_>,
        service: String,
        from: NaiveDate,
        to: NaiveDate,
        tenant: Option<String>,
    ) -> ApiResult<SatisfactionIndexView> {
        Ok(satisfaction(ctx, service, from, to, tenant).await?.view)
    }

    /// The same index as a report: PDF under the office's kop, or CSV or XLSX (the same rows). For the office's
    /// staff.
    async fn satisfaction_report(
        &self,
        ctx: &Context<'_>,
        service: String,
        from: NaiveDate,
        to: NaiveDate,
        format: super::letters::ExportFormat,
        tenant: Option<String>,
    ) -> ApiResult<super::letters::FileOutput> {
        use super::letters::FileOutput;
        let found = satisfaction(ctx, service, from, to, tenant).await?;
        let v = &found.view;
        let decimal = |x: f64, places: usize| format!("{x:.places$}").replace('.', ",");
        let mut rows: Vec<Vec<String>> = v
            .elements
            .iter()
            .map(|e| {
                vec![
                    e.element.code.clone(),
                    e.element.label.clone(),
                    e.mean.map(|m| decimal(m, 2)).unwrap_or_default(),
                    e.weighted.map(|w| decimal(w, 3)).unwrap_or_default(),
                ]
            })
            .collect();
        rows.push(vec![String::new(), String::from("Jumlah responden"), v.responses.to_string(), String::new()]);
        rows.push(vec![
            String::new(),
            String::from("Indeks (jumlah nilai tertimbang)"),
            String::new(),
            v.value.map(|x| decimal(x, 3)).unwrap_or_default(),
        ]);
        rows.push(vec![
            String::new(),
            String::from("IKM (× 25)"),
            v.ikm.map(|x| decimal(x, 2)).unwrap_or_default(),
            String::new(),
        ]);
        let grade = match (v.grade, &v.grade_label, &v.grade_interval) {
            (Some(g), Some(label), Some(interval)) => format!("{g:?} — {label} ({interval})"),
            _ => String::from("belum ada jawaban"),
        };
        rows.push(vec![String::new(), String::from("Mutu pelayanan"), grade, String::new()]);
        let headers = ["Unsur", "Nama unsur", "Nilai rata-rata", "Nilai tertimbang (× 1/9)"];
        let table = simpul_letters::Table {
            title: format!("IKM {}", found.service_name),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        };
        let name = format!("ikm-{}-{}-{}", v.service, v.from, v.to);
        if let Some(file) = FileOutput::spreadsheet(&name, &table, format)? {
            return Ok(file);
        }
        // PDF: the report under the office's kop.
        let shared = shared(ctx)?;
        let runtime = &found.runtime;
        let today = runtime.calendar.local_date(Utc::now());
        let period =
            format!("{} – {}", simpul_letters::helpers::tanggal(v.from), simpul_letters::helpers::tanggal(v.to));
        let definition = found.service.definition();
        let mut context = simpul_letters::LetterContext::new(&runtime.tenant, definition, "", None, today);
        context.draft = false;
        context.letter.product = String::from("Indeks Kepuasan Masyarakat");
        context.letter.subject = format!("Indeks Kepuasan Masyarakat {} periode {period}", found.service_name);
        context.period = Some(simpul_letters::PeriodInfo { label: period });
        context.report = Some(table);
        let renderer = crate::templates::renderer_for(shared, &found.scope).await?;
        let tenant = found.scope.tenant_id().to_string();
        let ident = name.clone();
        let pdf = tokio::task::spawn_blocking(move || {
            renderer.render_shared(simpul_letters::REPORT_TEMPLATE, &tenant, &context, &ident, today).map(|r| r.pdf)
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(FileOutput::new(format!("{name}.pdf"), "application/pdf", &pdf))
    }
}

/// A service's index, with what a report of it needs.
struct Satisfaction {
    view: SatisfactionIndexView,
    service_name: String,
    scope: simpul_store::TenantScope,
    service: std::sync::Arc<simpul_engine::Service>,
    runtime: std::sync::Arc<simpul_store::TenantRuntime>,
}

/// The index of `service`'s responses from `from` to `to` (local dates, inclusive), in the caller's office.
async fn satisfaction(
    ctx: &Context<'_>,
    service: String,
    from: NaiveDate,
    to: NaiveDate,
    tenant: Option<String>,
) -> ApiResult<Satisfaction> {
    let shared = shared(ctx)?;
    let caller = caller(ctx)?;
    let scope = caller.scope(tenant.as_deref())?;
    if to < from {
        return Err(ApiError::field("to", "Tanggal akhir periode sebelum tanggal awal"));
    }
    let (_, compiled) = shared.store.published_service(&scope, &service).await?;
    let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
    let start = runtime.calendar.start_of_day(from);
    let end = runtime.calendar.start_of_day(to + chrono::Days::new(1));
    let mut responses = shared.store.survey_responses(&scope, &service, start, end).await?;
    responses.sort_by_key(|r| std::cmp::Reverse(r.submitted_at));
    let answers: Vec<[u8; 9]> = responses.iter().map(|r| r.answers).collect();
    let index = ikm::index(&answers);
    let elements = Element::ALL
        .iter()
        .enumerate()
        .map(|(i, &e)| SurveyElementView {
            element: SurveyQuestionView::of(e),
            mean: index.as_ref().map(|x| x.means[i]),
            weighted: index.as_ref().map(|x| x.weighted[i]),
        })
        .collect();
    let view = SatisfactionIndexView {
        service,
        from,
        to,
        responses: i32::try_from(answers.len()).unwrap_or(i32::MAX),
        elements,
        value: index.as_ref().map(|x| x.value),
        ikm: index.as_ref().map(|x| x.converted),
        grade: index.as_ref().map(|x| x.grade.into()),
        grade_label: index.as_ref().map(|x| x.grade.label().to_string()),
        grade_interval: index.as_ref().map(|x| x.grade.interval().to_string()),
        suggestions: responses.into_iter().filter_map(|r| r.suggestion).collect(),
    };
    Ok(Satisfaction { view, service_name: compiled.definition().name.clone(), scope, service: compiled, runtime })
}

/// Survey mutations.
#[derive(Default)]
pub struct SurveyMutation;

#[Object]
impl SurveyMutation {
    /// The applicant's answers to the satisfaction survey of their ended application: nine answers from 1 to 4
    /// (U1 first) and an optional suggestion, with the `surveyToken` that `trackApplication` gave them. Public;
    /// once per application.
    async fn submit_survey(
        &self,
        ctx: &Context<'_>,
        token: String,
        answers: Vec<i32>,
        suggestion: Option<String>,
    ) -> ApiResult<bool> {
        let shared = shared(ctx)?;
        let Some((tenant, application)) = shared.tokens.verify_survey(&token) else {
            return Err(ApiError::field("token", "Tautan survei sudah kedaluwarsa; lacak permohonan Anda lagi"));
        };
        let answers: Vec<u8> = answers.into_iter().map(|a| u8::try_from(a).unwrap_or(0)).collect();
        if !ikm::valid(&answers) {
            return Err(ApiError::field(
                "answers",
                "Jawab kesembilan pertanyaan, masing-masing dengan nilai 1 sampai 4",
            ));
        }
        let suggestion = suggestion.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if suggestion.as_ref().is_some_and(|s| s.chars().count() > SUGGESTION_CHARS) {
            return Err(ApiError::field("suggestion", "Saran paling panjang 1.000 huruf"));
        }
        let scope = shared.store.system_scope(&tenant).await?;
        let record = shared.store.application(&scope, application).await?;
        if !record.state.is_ended() {
            return Err(ApiError::refused("Survei dapat diisi setelah permohonan selesai"));
        }
        let answers: [u8; 9] = answers.try_into().map_err(|_| ApiError::field("answers", "Sembilan jawaban"))?;
        shared
            .store
            .record_survey(&scope, application, &record.service_code, &answers, suggestion.as_deref(), Utc::now())
            .await?;
        Ok(true)
    }
}
