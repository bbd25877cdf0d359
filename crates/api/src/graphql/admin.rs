//! Definition administration (the standards studio's API): drafts with the validator's diagnostics, a check
//! without saving, the diff between versions, review by another admin (four eyes, unless the province switches
//! it off), publishing now or from a start date, rollback, and the version history. Tenant admins (`admin_dinas`)
//! work on their own office; provincial admins on every office of their province.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use simpul_definitions::diagnostics::Level;
use simpul_definitions::diff::ChangeArea;
use simpul_store::TenantScope;
use simpul_store::definitions::{ReviewDecision, VersionInfo, VersionStatus};
use uuid::Uuid;

use super::{caller, shared};
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};

/// A stored version of a service definition.
#[derive(SimpleObject)]
pub struct ServiceVersionView {
    pub id: ID,
    pub tenant: String,
    pub service: String,
    pub version: i32,
    pub status: VersionStatus,
    /// The status as an admin reads it ("sedang ditinjau").
    pub status_label: String,
    pub content_hash: String,
    pub created_by: String,
    /// The author's name and roles in the office (none for a provincial admin).
    pub author: Option<super::ActorView>,
    /// The reviewer's name and roles in the office (none for a provincial admin).
    pub reviewer: Option<super::ActorView>,
    pub created_at: DateTime<Utc>,
    /// Who submitted it for review (user id), and when.
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Who approved it or sent it back (user id), when, and their comment.
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
    /// Who published it.
    pub published_by: Option<String>,
    /// When it came, or (scheduled) comes, into force.
    pub in_force_from: Option<DateTime<Utc>>,
    /// When a later version replaced it.
    pub retired_at: Option<DateTime<Utc>>,
    /// The earlier version a rollback republished as this one.
    pub restored_from: Option<i32>,
    pub yaml: Option<String>,
}

impl ServiceVersionView {
    fn new(v: VersionInfo, yaml: Option<String>) -> Self {
        let (submitted_by, submitted_at) = v.submitted.unzip();
        let (reviewed_by, reviewed_at) = v.reviewed.unzip();
        ServiceVersionView {
            id: ID(v.id.to_string()),
            tenant: v.tenant_id,
            service: v.service_code,
            version: v.version,
            status: v.status,
            status_label: v.status.label().to_string(),
            content_hash: v.content_hash,
            author: None,
            reviewer: None,
            created_by: v.created_by,
            created_at: v.created_at,
            submitted_by,
            submitted_at,
            reviewed_by,
            reviewed_at,
            review_comment: v.review_comment,
            published_by: v.published_by,
            in_force_from: v.in_force_from,
            retired_at: v.retired_at,
            restored_from: v.restored_from,
            yaml,
        }
    }
}

/// One problem the validator found.
#[derive(SimpleObject)]
pub struct DiagnosticView {
    pub level: Level,
    /// The file it is in (the office file's check also reports the services it breaks).
    pub file: String,
    pub check: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

impl From<simpul_definitions::Diagnostic> for DiagnosticView {
    fn from(d: simpul_definitions::Diagnostic) -> Self {
        DiagnosticView {
            file: d.file.display().to_string(),
            level: d.level,
            check: d.check.to_string(),
            line: d.line,
            column: d.column,
            path: d.path,
            message: d.message,
            hint: d.hint,
        }
    }
}

/// The validator's verdict on YAML that was not saved.
#[derive(SimpleObject)]
pub struct DefinitionCheckView {
    /// Whether it parses and has no errors (warnings allowed): it could be saved as a draft.
    pub usable: bool,
    pub diagnostics: Vec<DiagnosticView>,
}

/// One change between two versions, in a sentence.
#[derive(SimpleObject)]
pub struct DefinitionChangeView {
    pub area: ChangeArea,
    pub text: String,
}

/// What changed between two versions of a service.
#[derive(SimpleObject)]
pub struct VersionDiffView {
    pub from: i32,
    pub to: i32,
    /// The YAML, as a unified diff.
    pub text: String,
    /// The changes a reviewer reads, by area.
    pub changes: Vec<DefinitionChangeView>,
}

/// A province's rule for publishing.
#[derive(SimpleObject)]
pub struct ProvinceReviewRuleView {
    pub province: String,
    /// Whether publishing needs another admin's approval.
    pub four_eyes: bool,
}

/// The result of saving a draft.
#[derive(SimpleObject)]
pub struct DraftView {
    /// The saved draft; absent when the YAML has errors.
    pub version: Option<ServiceVersionView>,
    pub diagnostics: Vec<DiagnosticView>,
}

/// The tenant an admin works on: the one named, or a tenant admin's only office. As on every operation, `tenant`
/// may be left out by a caller of one office; a provincial admin names it.
pub(super) async fn admin_scope(ctx: &Context<'_>, tenant: Option<&str>) -> ApiResult<TenantScope> {
    let forbidden =
        || ApiError::Forbidden(String::from("Hanya admin dinas atau admin provinsi yang dapat mengelola dinas ini"));
    match caller(ctx)? {
        anonymous @ (Caller::Anonymous | Caller::Rejected(_)) => Err(anonymous.unauthenticated()),
        Caller::ApiKey(_) => Err(forbidden()),
        Caller::User(principal) => {
            let tenant = match (tenant, principal.memberships.as_slice()) {
                (Some(tenant), _) => tenant,
                (None, [only]) if principal.provinces.is_empty() => only.scope.tenant_id(),
                (None, _) => return Err(ApiError::field("tenant", "Sebutkan dinas (tenant) yang dimaksud")),
            };
            if let Some(m) = principal.membership(tenant)
                && m.roles.contains("admin_dinas")
            {
                return Ok(m.scope.clone());
            }
            shared(ctx)?.store.province_scope(principal, tenant).await.map_err(|_| forbidden())
        }
    }
}

/// Admin queries.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Every version of a service, newest first, with its YAML.
    async fn service_versions(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        code: String,
    ) -> ApiResult<Vec<ServiceVersionView>> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let versions = shared(ctx)?.store.service_versions(&scope, &code).await?;
        let people: Vec<String> = versions
            .iter()
            .flat_map(|(v, _)| std::iter::once(v.created_by.clone()).chain(v.reviewed.as_ref().map(|r| r.0.clone())))
            .collect();
        let names = super::actor_views(ctx, &scope, &people).await?;
        Ok(versions
            .into_iter()
            .map(|(v, yaml)| {
                let author = names.get(&v.created_by).cloned();
                let reviewer = v.reviewed.as_ref().and_then(|(who, _)| names.get(who).cloned());
                ServiceVersionView { author, reviewer, ..ServiceVersionView::new(v, Some(yaml)) }
            })
            .collect())
    }

    /// The office's versions on their way to being in force — drafts, in review, returned, approved, scheduled —
    /// newest first: the studio's work list, where a reviewer finds what waits for them.
    async fn definition_queue(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<ServiceVersionView>> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let versions = shared(ctx)?.store.versions_in_progress(&scope).await?;
        let names = super::actor_views(ctx, &scope, versions.iter().map(|v| &v.created_by)).await?;
        Ok(versions
            .into_iter()
            .map(|v| ServiceVersionView {
                author: names.get(&v.created_by).cloned(),
                ..ServiceVersionView::new(v, None)
            })
            .collect())
    }

    /// The validator's diagnostics for a service's YAML, without saving it (the studio checks as the admin types).
    async fn check_service_definition(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        code: String,
        yaml: String,
    ) -> ApiResult<DefinitionCheckView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let (usable, diagnostics) = shared.store.check_service_source(&scope, &code, &yaml).await?;
        Ok(DefinitionCheckView { usable, diagnostics: diagnostics.into_iter().map(DiagnosticView::from).collect() })
    }

    /// What changed from version `from` to version `to` of a service: the YAML diff and a summary in words.
    async fn service_version_diff(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        code: String,
        from: i32,
        to: i32,
    ) -> ApiResult<VersionDiffView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let store = &shared(ctx)?.store;
        let (_, old) = store.service_version_source(&scope, &code, from).await?;
        let (_, new) = store.service_version_source(&scope, &code, to).await?;
        let text = simpul_definitions::diff::text_diff(&old, &new, &format!("versi {from}"), &format!("versi {to}"));
        let changes = match (parsed(&code, &old), parsed(&code, &new)) {
            (Some(old), Some(new)) => simpul_definitions::diff::summary(&old, &new)
                .into_iter()
                .map(|c| DefinitionChangeView { area: c.area, text: c.text })
                .collect(),
            _ => return Err(ApiError::Internal(format!("a stored version of {code} does not parse"))),
        };
        Ok(VersionDiffView { from, to, text, changes })
    }

    /// Whether publishing in the province needs another admin's approval. Any signed-in caller may read it (the
    /// office's admin sees whether a draft can go out without review).
    async fn province_review_rule(&self, ctx: &Context<'_>, province: String) -> ApiResult<ProvinceReviewRuleView> {
        if let anonymous @ (Caller::Anonymous | Caller::Rejected(_)) = caller(ctx)? {
            return Err(anonymous.unauthenticated());
        }
        let four_eyes = shared(ctx)?.store.four_eyes(&province).await?;
        Ok(ProvinceReviewRuleView { province, four_eyes })
    }
}

/// A stored version's definition (stored versions were validated when saved).
fn parsed(code: &str, yaml: &str) -> Option<simpul_definitions::model::ServiceDefinition> {
    let file = simpul_definitions::source::SourceFile::new(format!("{code}.yaml"), yaml.to_string());
    simpul_definitions::load::parse(&file, &mut Vec::new())
}

/// Refuses everyone but the province's own admins.
fn province_admin(ctx: &Context<'_>, province: &str) -> ApiResult<()> {
    match caller(ctx)? {
        anonymous @ (Caller::Anonymous | Caller::Rejected(_)) => Err(anonymous.unauthenticated()),
        Caller::User(principal) if principal.provinces.iter().any(|p| p == province) => Ok(()),
        Caller::User(_) | Caller::ApiKey(_) => {
            Err(ApiError::Forbidden(format!("Hanya admin provinsi {province} yang dapat mengatur aturan ini")))
        }
    }
}

/// A version id from the API.
fn version_id(id: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::field("id", "ID versi tidak valid"))
}

/// Admin mutations.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Checks a service's YAML and, when it has no errors, saves it as a new draft version.
    async fn save_service_draft(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        code: String,
        yaml: String,
    ) -> ApiResult<DraftView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let result = shared.store.save_service_draft(&scope, &code, &yaml, &actor).await?;
        Ok(DraftView {
            version: result.version.map(|v| ServiceVersionView::new(v, None)),
            diagnostics: result.diagnostics.into_iter().map(DiagnosticView::from).collect(),
        })
    }

    /// Submits a draft for another admin's review.
    async fn submit_service_version_for_review(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
    ) -> ApiResult<ServiceVersionView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let version = shared(ctx)?.store.submit_for_review(&scope, version_id(&id)?, &actor).await?;
        Ok(ServiceVersionView::new(version, None))
    }

    /// Approves a version in review, or returns it to its author with a comment (required then). Its author and
    /// whoever submitted it cannot review it.
    async fn review_service_version(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
        decision: ReviewDecision,
        comment: Option<String>,
    ) -> ApiResult<ServiceVersionView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let version =
            shared(ctx)?.store.review_version(&scope, version_id(&id)?, decision, comment.as_deref(), &actor).await?;
        Ok(ServiceVersionView::new(version, None))
    }

    /// Rolls back: republishes an earlier version's YAML as a new version, in force at once.
    async fn rollback_service_version(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
    ) -> ApiResult<ServiceVersionView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let version = shared.store.rollback_service_version(&scope, version_id(&id)?, &actor).await?;
        shared.state.definitions_changed().await;
        Ok(ServiceVersionView::new(version, None))
    }

    /// Switches the province's four-eyes rule on or off (its provincial admins only).
    async fn set_province_review_rule(
        &self,
        ctx: &Context<'_>,
        province: String,
        four_eyes: bool,
    ) -> ApiResult<ProvinceReviewRuleView> {
        province_admin(ctx, &province)?;
        let actor = match caller(ctx)? {
            Caller::User(p) => p.user_id.to_string(),
            _ => return Err(ApiError::Forbidden(String::from("Hanya admin provinsi"))),
        };
        shared(ctx)?.store.set_four_eyes(&province, four_eyes, &actor).await?;
        Ok(ProvinceReviewRuleView { province, four_eyes })
    }

    /// Publishes a version: at once, or from `effectiveFrom` (a date in the office's time zone; the version in
    /// force stays until that day begins). Where the province asks for four eyes, only an approved version.
    /// Running applications keep their version.
    async fn publish_service_version(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
        effective_from: Option<NaiveDate>,
    ) -> ApiResult<ServiceVersionView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let id = version_id(&id)?;
        let shared = shared(ctx)?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let start = match effective_from {
            None => None,
            Some(date) => {
                let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
                let today = runtime.calendar.local_date(Utc::now());
                if date < today {
                    return Err(simpul_store::StoreError::StartInPast.into());
                }
                // Today means now.
                (date > today).then(|| runtime.calendar.start_of_day(date))
            }
        };
        let published = shared.store.publish_service_version(&scope, id, start, &actor).await?;
        // Every instance forgets which version was published, so that the next request everywhere gets this one.
        shared.state.definitions_changed().await;
        Ok(ServiceVersionView::new(published, None))
    }
}
