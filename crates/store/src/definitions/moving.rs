//! Moving open applications to the version of their service now in force: a dry run lists each open application
//! of an older version with whether it can move and why not (the engine's [`simpul_engine::migrate`]), and is
//! kept; applying names the dry run, plans each application again (it may have moved on since) and moves the
//! eligible ones, one transaction each, with a `migrated` event in its history. Nothing moves without a dry run.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait, Set, TransactionTrait};
use simpul_engine::migrate::{self, Plan};
use simpul_engine::{Event, FormData};
use uuid::Uuid;

use crate::Store;
use crate::applications::ApplicationRecord;
use crate::audit::{self, action};
use crate::batch::{Batch, Head};
use crate::entities::{application, version_move};
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;
use crate::snapshot::{searched, searched_update, snapshot, stage};
use crate::workflow::{appended, derived_columns};

/// What the admin asks: move the open applications of `service` to the version in force, mapping renamed steps
/// and supplying values for new fields.
#[derive(Debug, Clone, Default)]
pub struct MoveRequest {
    /// The service code.
    pub service: String,
    /// Old step code → new step code.
    pub step_mapping: BTreeMap<String, String>,
    /// Values for fields the applications lack (a new required field).
    pub field_values: FormData,
}

/// One open application of an older version, and what moving it would do.
#[derive(Debug, Clone)]
pub struct MoveCandidate {
    /// The application.
    pub application: Uuid,
    /// Its tracking code.
    pub tracking_code: String,
    /// The engine's plan: the step before and after, why not, the values added.
    pub plan: Plan,
}

/// A dry run.
#[derive(Debug, Clone)]
pub struct DryRun {
    /// Its id: what applying names.
    pub id: Uuid,
    /// The version the applications would move to.
    pub to_version: i32,
    /// Each open application of an older version.
    pub candidates: Vec<MoveCandidate>,
}

/// What applying did.
#[derive(Debug, Clone, Default)]
pub struct MoveOutcome {
    /// Moved, by tracking code.
    pub moved: Vec<String>,
    /// Not moved: tracking code and why.
    pub skipped: Vec<(String, Vec<String>)>,
}

impl Store {
    /// Plans moving the open applications of `request.service` to the version in force, and keeps the plan.
    pub async fn plan_move(
        &self,
        scope: &TenantScope,
        request: &MoveRequest,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<DryRun> {
        let (target, _) = self.published_service(scope, &request.service).await?;
        let candidates = self.candidates(scope, &request.service, target.id, request, now).await?;
        let id = Uuid::now_v7();
        version_move::ActiveModel {
            id: Set(id),
            tenant_id: Set(scope.tenant_id().to_string()),
            service_code: Set(request.service.clone()),
            to_version_id: Set(target.id),
            to_version: Set(target.version),
            step_mapping: Set(json(&request.step_mapping)?),
            field_values: Set(json(&request.field_values)?),
            planned_by: Set(actor.to_string()),
            planned_at: Set(now),
            applied_by: Set(None),
            applied_at: Set(None),
            moved: Set(None),
        }
        .insert(&self.db)
        .await?;
        Ok(DryRun { id, to_version: target.version, candidates })
    }

    /// Applies a dry run: each application it listed that can still move is moved. A dry run is applied once,
    /// and only while its version is still the one in force (otherwise the admin plans again).
    pub async fn apply_move(
        &self,
        scope: &TenantScope,
        dry_run: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<MoveOutcome> {
        let planned = version_move::Entity::find_by_id(dry_run)
            .filter(version_move::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "uji coba pemindahan" })?;
        if planned.applied_at.is_some() {
            return Err(StoreError::MoveStale { reason: "uji coba ini sudah diterapkan" });
        }
        let (target, new) = self.published_service(scope, &planned.service_code).await?;
        if target.id != planned.to_version_id {
            return Err(StoreError::MoveStale { reason: "versi yang berlaku sudah berganti sejak uji coba" });
        }
        let request = MoveRequest {
            service: planned.service_code.clone(),
            step_mapping: parse(&planned.step_mapping)?,
            field_values: parse(&planned.field_values)?,
        };
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let mut outcome = MoveOutcome::default();
        for candidate in self.candidates(scope, &request.service, target.id, &request, now).await? {
            let Some(kind) = candidate.plan.event() else {
                let reasons = candidate.plan.blockers.iter().map(ToString::to_string).collect();
                outcome.skipped.push((candidate.tracking_code, reasons));
                continue;
            };
            let txn = self.db.begin().await?;
            let row = application::Entity::find_by_id(candidate.application)
                .filter(application::Column::TenantId.eq(scope.tenant_id()))
                .one(&txn)
                .await?
                .ok_or(StoreError::NotFound { what: "permohonan" })?;
            let record = ApplicationRecord::try_from(row.clone())?;
            let event = Event { at: now, actor: actor.to_string(), kind };
            let mut state = record.state.clone();
            state.apply(&event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let snap = snapshot(&state, &runtime.context(&new));
            let step = snap.step.clone();
            // The new definition may name other fields to search by.
            let searched =
                searched_update(scope.tenant_id(), row.id, searched(new.definition(), &state, &row.tracking_code));
            use application::Column as C;
            let update = derived_columns(application::Entity::update_many(), snap)
                .col_expr(C::State, json(&state)?.into())
                .col_expr(C::ServiceVersionId, target.id.into())
                .col_expr(C::UpdatedAt, now.into())
                .col_expr(C::Version, (state.version as i64).into())
                .filter(C::Id.eq(row.id))
                .filter(C::TenantId.eq(scope.tenant_id()))
                .filter(C::Version.eq(row.version))
                .into_query();
            let mut batch = Batch::new(Head::Update(update));
            batch.update(searched);
            appended(&mut batch, scope, (row.id, &row.service_code), row.version + 1, &[event], step.as_deref())?;
            let detail = format!(
                "permohonan {} dipindahkan dari versi {} ke versi {}",
                row.tracking_code, candidate.plan.from_version, candidate.plan.to_version
            );
            batch.push(audit::row(
                scope,
                actor,
                action::DEFINITION,
                &super::review::subject(&row.service_code),
                &detail,
                now,
            ));
            if !batch.run_in(&txn).await? {
                // An officer acted on it meanwhile: left as it is, told.
                outcome.skipped.push((row.tracking_code, vec![StoreError::Conflict.to_string()]));
                continue;
            }
            txn.commit().await?;
            outcome.moved.push(row.tracking_code);
        }
        let mut applied: version_move::ActiveModel = planned.into();
        applied.applied_by = Set(Some(actor.to_string()));
        applied.applied_at = Set(Some(now));
        applied.moved = Set(Some(outcome.moved.len() as i32));
        applied.update(&self.db).await?;
        Ok(outcome)
    }

    /// The open applications of `service` under another version than `target`, each with its plan.
    async fn candidates(
        &self,
        scope: &TenantScope,
        service: &str,
        target: Uuid,
        request: &MoveRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<MoveCandidate>> {
        let (_, new) = self.service_version(&self.db, scope, target).await?;
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let today = runtime.calendar.local_date(now);
        let rows = crate::applications::visible(scope)
            .filter(application::Column::ServiceCode.eq(service))
            .filter(application::Column::Stage.ne(stage::ENDED))
            .filter(application::Column::ServiceVersionId.ne(target))
            .order_by_asc(application::Column::SubmittedAt)
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let record = ApplicationRecord::try_from(row)?;
            let (_, old) = self.service_version(&self.db, scope, record.service_version_id).await?;
            let plan = migrate::plan(
                &record.state,
                &old,
                &new,
                &request.step_mapping,
                &request.field_values,
                today,
                Some(&runtime.tenant.region_code),
            );
            out.push(MoveCandidate { application: record.id, tracking_code: record.tracking_code, plan });
        }
        Ok(out)
    }
}

/// A dry run's stored settings.
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// JSON of a dry run's settings, stored beside it.
fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}
