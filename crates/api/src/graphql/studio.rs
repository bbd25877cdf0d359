//! The standards studio's look ahead at a draft before it is saved or published: a path simulation — every way
//! from the first step to an outcome, the products each outcome yields, the time each path takes on the office's
//! calendar, and what no path reaches.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use simpul_definitions::model::ServiceDefinition;

use super::admin::admin_scope;
use super::letters::{FileOutput, PreviewFormat};
use super::shared;
use crate::error::{ApiError, ApiResult};

/// A step on a simulated path.
#[derive(SimpleObject)]
pub struct SimulatedStepView {
    pub code: String,
    pub name: String,
    /// Its stated duration in words ("5 menit"), if it states one.
    pub duration: Option<String>,
}

/// One way through the procedure.
#[derive(SimpleObject)]
pub struct SimulatedPathView {
    pub steps: Vec<SimulatedStepView>,
    /// The actions taken, by label, in order; the last one ends the application.
    pub actions: Vec<String>,
    pub outcome: String,
    pub outcome_label: String,
    /// The products the outcome yields, by name.
    pub products: Vec<String>,
    /// The steps' durations together, in office minutes.
    pub office_minutes: i64,
    /// When it would end if started at `startedAt` with every step taking its stated time.
    pub finishes_at: DateTime<Utc>,
    /// Whether it fits the standard's time limit (none when the standard states none).
    pub within_limit: Option<bool>,
}

/// A path simulation.
#[derive(SimpleObject)]
pub struct SimulationView {
    pub started_at: DateTime<Utc>,
    /// The standard's time limit in words, as written.
    pub time_limit: String,
    /// Office minutes in the office's working day (durations in working days convert with it).
    pub minutes_per_working_day: i32,
    /// Shortest first.
    pub paths: Vec<SimulatedPathView>,
    /// Whether there were more paths than listed.
    pub truncated: bool,
    /// Steps no path passes through, by code.
    pub unreached_steps: Vec<String>,
    /// Outcomes no path ends with, by code.
    pub unreached_outcomes: Vec<String>,
}

/// `yaml` as service `code` of the office, if it has no errors; else the validator's errors.
async fn checked(
    shared: &crate::Shared,
    scope: &simpul_store::TenantScope,
    code: &str,
    yaml: String,
) -> ApiResult<ServiceDefinition> {
    let (usable, diagnostics) = shared.store.check_service_source(scope, code, &yaml).await?;
    if !usable {
        let errors = diagnostics.into_iter().filter(|d| d.level == simpul_definitions::Level::Error).collect();
        return Err(simpul_store::StoreError::Definitions { diagnostics: errors }.into());
    }
    let file = simpul_definitions::source::SourceFile::new(format!("{code}.yaml"), yaml);
    simpul_definitions::load::parse(&file, &mut Vec::new())
        .ok_or_else(|| ApiError::Internal(String::from("checked YAML does not parse")))
}

/// The studio's previews.
#[derive(Default)]
pub struct StudioQuery;

#[Object]
impl StudioQuery {
    /// Simulates the paths of a service's YAML (a draft, not saved) on the office's calendar, from `start` (now
    /// if left out). YAML with errors is refused with the validator's diagnostics.
    async fn simulate_service_definition(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        code: String,
        yaml: String,
        start: Option<DateTime<Utc>>,
    ) -> ApiResult<SimulationView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let definition = checked(shared, &scope, &code, yaml).await?;
        let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
        let per_day = simpul_definitions::validate::minutes_per_working_day(&runtime.tenant);
        let start = start.unwrap_or_else(Utc::now);
        let sim = simpul_engine::simulate::simulate(&definition, &runtime.calendar, per_day, start);
        let step = |code: &str| definition.prosedur.iter().find(|s| s.code == code);
        let paths = sim
            .paths
            .into_iter()
            .map(|p| SimulatedPathView {
                actions: p
                    .steps
                    .iter()
                    .zip(&p.actions)
                    .map(|(s, a)| {
                        step(s)
                            .and_then(|s| s.actions.iter().find(|x| &x.code == a))
                            .map_or_else(|| a.clone(), |x| x.label.clone())
                    })
                    .collect(),
                steps: p
                    .steps
                    .iter()
                    .map(|code| SimulatedStepView {
                        code: code.clone(),
                        name: step(code).map_or_else(|| code.clone(), |s| s.name.clone()),
                        duration: step(code).and_then(|s| s.duration).map(|d| d.to_string()),
                    })
                    .collect(),
                outcome_label: definition
                    .outcomes
                    .iter()
                    .find(|o| o.code == p.outcome)
                    .map_or_else(|| p.outcome.clone(), |o| o.label.clone()),
                outcome: p.outcome,
                products: p
                    .products
                    .iter()
                    .map(|c| {
                        definition.produk.iter().find(|x| &x.code == c).map_or_else(|| c.clone(), |x| x.name.clone())
                    })
                    .collect(),
                office_minutes: p.office_minutes as i64,
                finishes_at: p.finishes_at,
                within_limit: p.within_limit,
            })
            .collect();
        Ok(SimulationView {
            started_at: start,
            time_limit: definition.jangka_waktu.text.clone(),
            minutes_per_working_day: per_day as i32,
            paths,
            truncated: sim.truncated,
            unreached_steps: sim.unreached_steps,
            unreached_outcomes: sim.unreached_outcomes,
        })
    }

    /// A product of a service's YAML (a draft, not saved) rendered with sample data: the letter, list or recap
    /// template it names, filled with an invented applicant (PDF, or one PNG image of its pages).
    async fn preview_definition_product(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        code: String,
        yaml: String,
        product: String,
        #[graphql(default_with = "PreviewFormat::Pdf")] format: PreviewFormat,
    ) -> ApiResult<FileOutput> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let definition = checked(shared, &scope, &code, yaml).await?;
        let bytes = crate::letters::sample(shared, &scope, &definition, &product, format.into(), None).await?;
        Ok(match format {
            PreviewFormat::Pdf => FileOutput::new(format!("contoh-{product}.pdf"), "application/pdf", &bytes),
            PreviewFormat::Png => FileOutput::new(format!("contoh-{product}.png"), "image/png", &bytes),
        })
    }

    /// The service a YAML (a draft, not saved) defines, as `service` gives a published one: what a client needs
    /// to render the form it generates, its steps and requirements, to preview before saving.
    async fn preview_service_form(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        code: String,
        yaml: String,
    ) -> ApiResult<super::service::ServiceInfo> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let definition = checked(shared, &scope, &code, yaml).await?;
        // Version 0: not a stored version.
        let service = simpul_engine::Service::new(definition, 0).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(super::service::ServiceInfo::new(scope.tenant_id(), 0, &service))
    }
}
