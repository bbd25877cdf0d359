//! Moving open applications to the version of their service now in force (after a correction was published):
//! a dry run first — each open application of an older version, whether it can move and why not, what happens to
//! its deadlines — then applying that dry run by its id. For the office's admin and the province's admins.

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::Utc;
use simpul_store::definitions::{DryRun, MoveRequest};
use uuid::Uuid;

use super::admin::admin_scope;
use super::{caller, shared};
use crate::error::{ApiError, ApiResult};

/// A step of the old version renamed in the new one.
#[derive(InputObject)]
pub struct StepMappingInput {
    /// The step's code in the older version.
    pub from: String,
    /// Its code in the version in force.
    pub to: String,
}

/// One open application of an older version.
#[derive(SimpleObject)]
pub struct MoveCandidateView {
    pub application_id: ID,
    pub tracking_code: String,
    pub from_version: i32,
    /// Its step (or the one it returns to), by code in its version.
    pub step: Option<String>,
    /// That step in the version in force.
    pub new_step: Option<String>,
    /// Whether it can move.
    pub eligible: bool,
    /// Why not, in words.
    pub reasons: Vec<String>,
    /// Fields the admin's values would fill.
    pub added_fields: Vec<String>,
    /// Fields of the new form its data does not satisfy (a new required field wants a value in `fieldValues`).
    pub problem_fields: Vec<String>,
    /// Fields the new version no longer has (their values stay in the history).
    pub removed_fields: Vec<String>,
}

/// A dry run.
#[derive(SimpleObject)]
pub struct MoveDryRunView {
    /// What `applyApplicationMove` names.
    pub id: ID,
    pub service: String,
    pub to_version: i32,
    /// What happens to the moved applications' deadlines.
    pub deadline_rule: String,
    pub candidates: Vec<MoveCandidateView>,
    /// How many can move.
    pub eligible_count: i32,
}

/// An application not moved, and why.
#[derive(SimpleObject)]
pub struct SkippedMoveView {
    pub tracking_code: String,
    pub reasons: Vec<String>,
}

/// What applying did.
#[derive(SimpleObject)]
pub struct MoveOutcomeView {
    /// Moved, by tracking code.
    pub moved: Vec<String>,
    pub skipped: Vec<SkippedMoveView>,
}

fn view(service: String, run: DryRun) -> MoveDryRunView {
    let candidates: Vec<MoveCandidateView> = run
        .candidates
        .into_iter()
        .map(|c| MoveCandidateView {
            application_id: ID(c.application.to_string()),
            tracking_code: c.tracking_code,
            from_version: c.plan.from_version as i32,
            step: c.plan.step_from.clone(),
            new_step: c.plan.step_to.clone(),
            eligible: c.plan.eligible(),
            reasons: c.plan.blockers.iter().map(ToString::to_string).collect(),
            added_fields: c.plan.added.keys().cloned().collect(),
            problem_fields: c
                .plan
                .blockers
                .iter()
                .flat_map(|b| match b {
                    simpul_engine::migrate::Blocker::Form(problems) => {
                        problems.iter().map(|p| p.field.clone()).collect()
                    }
                    _ => Vec::new(),
                })
                .collect(),
            removed_fields: c.plan.removed.clone(),
        })
        .collect();
    MoveDryRunView {
        id: ID(run.id.to_string()),
        service,
        to_version: run.to_version,
        deadline_rule: simpul_engine::migrate::DEADLINE_RULE.to_string(),
        eligible_count: candidates.iter().filter(|c| c.eligible).count() as i32,
        candidates,
    }
}

/// Moves of applications between versions.
#[derive(Default)]
pub struct MoveMutation;

#[Object]
impl MoveMutation {
    /// Dry run: lists each open application of `service` under an older version than the one in force, whether
    /// it can move (its step exists in the new version or is mapped, and its data satisfies the new form with
    /// `fieldValues` for fields it lacks) and why not. Changes no application; the dry run is kept for
    /// `applyApplicationMove`.
    async fn plan_application_move(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        service: String,
        step_mapping: Option<Vec<StepMappingInput>>,
        field_values: Option<Json<serde_json::Value>>,
    ) -> ApiResult<MoveDryRunView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let step_mapping = step_mapping.unwrap_or_default();
        let store = &shared(ctx)?.store;
        let (_, new) = store.published_service(&scope, &service).await?;
        let field_values = match field_values {
            None => Default::default(),
            Some(values) => super::mutation::form(&values, "fieldValues")?,
        };
        if let Some(unknown) = field_values.keys().find(|k| !new.definition().fields.iter().any(|f| &f.code == *k)) {
            return Err(ApiError::field(
                &format!("fieldValues.{unknown}"),
                format!("`{unknown}` bukan isian versi {} layanan ini", new.version()),
            ));
        }
        for (i, m) in step_mapping.iter().enumerate() {
            if new.step(&m.to).is_none() {
                return Err(ApiError::field(
                    &format!("stepMapping.{i}.to"),
                    format!("Langkah `{}` tidak ada di versi {} layanan ini", m.to, new.version()),
                ));
            }
        }
        let request = MoveRequest {
            service: service.clone(),
            step_mapping: step_mapping.into_iter().map(|m| (m.from, m.to)).collect(),
            field_values,
        };
        let actor = caller(ctx)?.actor(&scope).user_id;
        let run = store.plan_move(&scope, &request, &actor, Utc::now()).await?;
        Ok(view(service, run))
    }

    /// Applies a dry run: moves each application it listed that can still move, recording it in the
    /// application's history. A dry run is applied once, while its version is still the one in force.
    async fn apply_application_move(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        dry_run_id: ID,
    ) -> ApiResult<MoveOutcomeView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let id = Uuid::parse_str(&dry_run_id).map_err(|_| ApiError::field("dryRunId", "ID uji coba tidak valid"))?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let outcome = shared(ctx)?.store.apply_move(&scope, id, &actor, Utc::now()).await?;
        Ok(MoveOutcomeView {
            moved: outcome.moved,
            skipped: outcome
                .skipped
                .into_iter()
                .map(|(tracking_code, reasons)| SkippedMoveView { tracking_code, reasons })
                .collect(),
        })
    }
}
