//! Definition administration: drafts with the validator's diagnostics, publishing, and the version history.
//! Tenant admins (`admin_dinas`) work on their own office; provincial admins on every office of their province.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use simpul_definitions::diagnostics::Level;
use simpul_store::TenantScope;
use simpul_store::definitions::VersionInfo;
use uuid::Uuid;

use super::kinds::VersionStatus;
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
    pub content_hash: String,
    pub created_by: String,
    /// The author's name and roles in the office (none for a provincial admin).
    pub author: Option<super::ActorView>,
    pub created_at: DateTime<Utc>,
    pub yaml: Option<String>,
}

impl ServiceVersionView {
    fn new(v: VersionInfo, yaml: Option<String>) -> ApiResult<Self> {
        Ok(ServiceVersionView {
            id: ID(v.id.to_string()),
            tenant: v.tenant_id,
            service: v.service_code,
            version: v.version,
            status: VersionStatus::parse(&v.status)?,
            content_hash: v.content_hash,
            author: None,
            created_by: v.created_by,
            created_at: v.created_at,
            yaml,
        })
    }
}

/// One problem the validator found.
#[derive(SimpleObject)]
pub struct DiagnosticView {
    pub level: Level,
    pub check: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
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
        let authors = super::actor_views(ctx, &scope, versions.iter().map(|(v, _)| &v.created_by)).await?;
        versions
            .into_iter()
            .map(|(v, yaml)| {
                let author = authors.get(&v.created_by).cloned();
                Ok(ServiceVersionView { author, ..ServiceVersionView::new(v, Some(yaml))? })
            })
            .collect()
    }
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
        let templates = shared.templates.get(scope.tenant_id()).cloned().unwrap_or_default();
        let actor = caller(ctx)?.actor(&scope).user_id;
        let result = shared.store.save_service_draft(&scope, &code, &yaml, &templates, &actor).await?;
        Ok(DraftView {
            version: result.version.map(|v| ServiceVersionView::new(v, None)).transpose()?,
            diagnostics: result
                .diagnostics
                .into_iter()
                .map(|d| DiagnosticView {
                    level: d.level,
                    check: d.check.to_string(),
                    line: d.line,
                    column: d.column,
                    path: d.path,
                    message: d.message,
                    hint: d.hint,
                })
                .collect(),
        })
    }

    /// Publishes a draft: new applications start under it; running ones keep their version.
    async fn publish_service_version(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
    ) -> ApiResult<ServiceVersionView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let id = Uuid::parse_str(&id).map_err(|_| ApiError::field("id", "ID versi tidak valid"))?;
        let shared = shared(ctx)?;
        let published = shared.store.publish_service_version(&scope, id).await?;
        // Every instance forgets which version was published, so that the next request everywhere gets this one.
        shared.state.definitions_changed().await;
        ServiceVersionView::new(published, None)
    }
}
