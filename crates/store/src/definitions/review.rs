//! The way a draft becomes the version in force: submitted for review, approved or sent back by another admin
//! (four eyes, unless the province switches it off), published now or from a start date, and any earlier version
//! republished in one step (rollback). Every step is audited in the office's log.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use super::{NewVersion, Replaced, VersionInfo, VersionStatus, insert_version, next_version, retire_replaced};
use crate::Store;
use crate::audit::{self, action};
use crate::entities::{province_setting, service_version, tenant};
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

/// What the reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ReviewDecision {
    /// Ready to publish.
    Approve,
    /// Back to the author with a comment.
    Return,
}

/// The audit log's subject for a service's definition.
pub(super) fn subject(code: &str) -> String {
    format!("layanan:{code}")
}

/// A version of the tenant by id, for a change.
async fn version_row<C: sea_orm::ConnectionTrait>(
    conn: &C,
    scope: &TenantScope,
    id: Uuid,
) -> StoreResult<service_version::Model> {
    service_version::Entity::find_by_id(id)
        .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound { what: "versi layanan" })
}

/// Refuses `step` unless the version is in one of `allowed`.
fn expect_status(row: &service_version::Model, step: &'static str, allowed: &[VersionStatus]) -> StoreResult<()> {
    let status = VersionStatus::parse(&row.status)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown version status `{}`", row.status)))?;
    if allowed.contains(&status) {
        Ok(())
    } else {
        Err(StoreError::VersionStatus { version: row.version, step, status: status.label() })
    }
}

impl Store {
    /// Whether publishing in the tenant's province needs another admin's approval (yes unless the province
    /// switched it off).
    pub async fn four_eyes(&self, province: &str) -> StoreResult<bool> {
        let row = province_setting::Entity::find_by_id(province.to_string()).one(&self.db).await?;
        Ok(row.is_none_or(|r| r.four_eyes))
    }

    /// Sets the province's rule; `actor` is a provincial admin of it (the caller checks).
    pub async fn set_four_eyes(&self, province: &str, four_eyes: bool, actor: &str) -> StoreResult<()> {
        let row = province_setting::ActiveModel {
            province_code: Set(province.to_string()),
            four_eyes: Set(four_eyes),
            updated_by: Set(actor.to_string()),
            updated_at: Set(Utc::now()),
        };
        let txn = self.db.begin().await?;
        if province_setting::Entity::find_by_id(province.to_string()).one(&txn).await?.is_some() {
            row.update(&txn).await?;
        } else {
            row.insert(&txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The tenant's province code.
    async fn province_of(&self, scope: &TenantScope) -> StoreResult<String> {
        let row = tenant::Entity::find_by_id(scope.tenant_id().to_string())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "dinas" })?;
        Ok(row.province_code)
    }

    /// Submits a draft for review.
    pub async fn submit_for_review(&self, scope: &TenantScope, id: Uuid, actor: &str) -> StoreResult<VersionInfo> {
        let txn = self.db.begin().await?;
        let row = version_row(&txn, scope, id).await?;
        expect_status(&row, "diajukan untuk ditinjau", &[VersionStatus::Draft])?;
        let now = Utc::now();
        let detail = format!("versi {} diajukan untuk ditinjau", row.version);
        let code = row.service_code.clone();
        let mut active: service_version::ActiveModel = row.into();
        active.status = Set(VersionStatus::InReview.code().to_string());
        active.submitted_by = Set(Some(actor.to_string()));
        active.submitted_at = Set(Some(now));
        let updated = active.update(&txn).await?;
        audit::row(scope, actor, action::DEFINITION, &subject(&code), &detail, now).insert(&txn).await?;
        txn.commit().await?;
        VersionInfo::try_from(&updated)
    }

    /// Approves a version in review, or sends it back with `comment` (required then). The reviewer is not its
    /// author nor who submitted it.
    pub async fn review_version(
        &self,
        scope: &TenantScope,
        id: Uuid,
        decision: ReviewDecision,
        comment: Option<&str>,
        actor: &str,
    ) -> StoreResult<VersionInfo> {
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if decision == ReviewDecision::Return && comment.is_none() {
            return Err(StoreError::ReturnReasonRequired);
        }
        let txn = self.db.begin().await?;
        let row = version_row(&txn, scope, id).await?;
        expect_status(&row, "ditinjau", &[VersionStatus::InReview])?;
        if row.created_by == actor || row.submitted_by.as_deref() == Some(actor) {
            return Err(StoreError::OwnReview);
        }
        let now = Utc::now();
        let (status, verb) = match decision {
            ReviewDecision::Approve => (VersionStatus::Approved, "disetujui"),
            ReviewDecision::Return => (VersionStatus::Returned, "dikembalikan"),
        };
        let detail = match comment {
            Some(c) => format!("versi {} {verb}: {c}", row.version),
            None => format!("versi {} {verb}", row.version),
        };
        let code = row.service_code.clone();
        let mut active: service_version::ActiveModel = row.into();
        active.status = Set(status.code().to_string());
        active.reviewed_by = Set(Some(actor.to_string()));
        active.reviewed_at = Set(Some(now));
        active.review_comment = Set(comment.map(str::to_string));
        let updated = active.update(&txn).await?;
        audit::row(scope, actor, action::DEFINITION, &subject(&code), &detail, now).insert(&txn).await?;
        txn.commit().await?;
        VersionInfo::try_from(&updated)
    }

    /// Publishes a version: now (`start` none), when new applications start under it and the version it replaces
    /// is retired; or from `start`, when it is scheduled and the version in force stays until then. With the
    /// province's four-eyes rule only an approved version is published; without it a draft may be too.
    /// Applications under older versions keep them.
    pub async fn publish_service_version(
        &self,
        scope: &TenantScope,
        id: Uuid,
        start: Option<DateTime<Utc>>,
        actor: &str,
    ) -> StoreResult<VersionInfo> {
        let now = Utc::now();
        if start.is_some_and(|s| s <= now) {
            return Err(StoreError::StartInPast);
        }
        let four_eyes = self.four_eyes(&self.province_of(scope).await?).await?;
        let txn = self.db.begin().await?;
        let row = version_row(&txn, scope, id).await?;
        if four_eyes
            && matches!(VersionStatus::parse(&row.status), Some(VersionStatus::Draft | VersionStatus::InReview))
        {
            return Err(StoreError::ApprovalRequired { version: row.version });
        }
        let allowed: &[VersionStatus] =
            if four_eyes { &[VersionStatus::Approved] } else { &[VersionStatus::Draft, VersionStatus::Approved] };
        expect_status(&row, "diterbitkan", allowed)?;
        let code = row.service_code.clone();
        let (status, replaced, detail) = match start {
            None => (VersionStatus::Published, Replaced::All, format!("versi {} diterbitkan", row.version)),
            Some(start) => (
                VersionStatus::Scheduled,
                Replaced::Schedules,
                format!("versi {} dijadwalkan berlaku mulai {}", row.version, start.to_rfc3339()),
            ),
        };
        retire_replaced(&txn, scope.tenant_id(), &code, replaced, now).await?;
        let mut active: service_version::ActiveModel = row.into();
        active.status = Set(status.code().to_string());
        active.published_at = Set(Some(start.unwrap_or(now)));
        active.published_by = Set(Some(actor.to_string()));
        let published = active.update(&txn).await?;
        audit::row(scope, actor, action::DEFINITION, &subject(&code), &detail, now).insert(&txn).await?;
        txn.commit().await?;
        self.forget_definitions();
        VersionInfo::try_from(&published)
    }

    /// Republishes an earlier version's YAML as a new version, in force at once (rollback). Its content was
    /// reviewed when it was first published, so no second review is asked; it is checked again against the office
    /// as it is now (a role it names may since have gone, or a template).
    pub async fn rollback_service_version(
        &self,
        scope: &TenantScope,
        id: Uuid,
        actor: &str,
    ) -> StoreResult<VersionInfo> {
        let old = version_row(&self.db, scope, id).await?;
        if old.published_at.is_none() || old.status != VersionStatus::Retired.code() {
            let status = VersionStatus::parse(&old.status).map_or("berstatus tidak dikenal", VersionStatus::label);
            return Err(StoreError::VersionStatus {
                version: old.version,
                step: "dipulihkan (hanya versi yang pernah berlaku lalu diganti)",
                status,
            });
        }
        let (usable, diagnostics) = self.check_service_source(scope, &old.service_code, &old.source_yaml).await?;
        if !usable {
            return Err(StoreError::Definitions { diagnostics });
        }
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let version = next_version(&txn, scope.tenant_id(), &old.service_code).await?;
        retire_replaced(&txn, scope.tenant_id(), &old.service_code, Replaced::All, now).await?;
        let new = NewVersion {
            tenant: scope.tenant_id(),
            code: &old.service_code,
            version,
            source: &old.source_yaml,
            status: VersionStatus::Published,
            actor,
            restored_from: Some(old.version),
        };
        let id = insert_version(&txn, new, now).await?;
        let detail = format!("versi {} dipulihkan dan diterbitkan sebagai versi {version}", old.version);
        audit::row(scope, actor, action::DEFINITION, &subject(&old.service_code), &detail, now).insert(&txn).await?;
        let row = version_row(&txn, scope, id).await?;
        txn.commit().await?;
        self.forget_definitions();
        VersionInfo::try_from(&row)
    }

    /// Brings a scheduled version whose start has come into force: the versions it replaces are retired. Reads
    /// call it when they find one, so no timer is needed; two instances doing it at once do the same thing.
    pub(super) async fn bring_into_force(&self, row: service_version::Model) -> StoreResult<service_version::Model> {
        if row.status != VersionStatus::Scheduled.code() {
            return Ok(row);
        }
        let start = row.published_at.unwrap_or_else(Utc::now);
        let txn = self.db.begin().await?;
        retire_replaced(&txn, &row.tenant_id, &row.service_code, Replaced::UpTo(row.id, start), Utc::now()).await?;
        service_version::Entity::update_many()
            .col_expr(service_version::Column::Status, sea_orm::sea_query::Expr::value(VersionStatus::Published.code()))
            .filter(service_version::Column::Id.eq(row.id))
            .filter(service_version::Column::Status.eq(VersionStatus::Scheduled.code()))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        self.forget_definitions();
        let mut row = row;
        row.status = VersionStatus::Published.code().to_string();
        Ok(row)
    }
}
