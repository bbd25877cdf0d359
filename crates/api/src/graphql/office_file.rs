//! The office file (`tenant.yaml`: letterhead, signatories, numbering series, office hours, days off, roles)
//! changed through the API by the office's admin or the province's: checked like the shipped files, in force at
//! once on every instance, versioned and audited.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::admin::{DiagnosticView, admin_scope};
use super::{caller, shared};
use crate::error::ApiResult;

/// One saved version of the office file.
#[derive(SimpleObject)]
pub struct OfficeFileVersionView {
    pub version: i32,
    /// Who saved it (user id; `system` for the file as it was before the first change).
    pub created_by: String,
    /// The author's name and roles in the office (none for a provincial admin or the system).
    pub author: Option<super::ActorView>,
    pub created_at: DateTime<Utc>,
    pub yaml: String,
}

/// The office file in force and its history.
#[derive(SimpleObject)]
pub struct OfficeFileView {
    pub yaml: String,
    /// Newest first; empty until the first change through the API.
    pub versions: Vec<OfficeFileVersionView>,
}

/// The validator's verdict on an office file.
#[derive(SimpleObject)]
pub struct OfficeFileCheckView {
    /// Whether it could be saved (no errors in it, nor in a service of the office checked against it).
    pub usable: bool,
    pub diagnostics: Vec<DiagnosticView>,
}

/// What saving gave.
#[derive(SimpleObject)]
pub struct OfficeFileSaveView {
    /// The version now in force; absent when there were errors.
    pub version: Option<i32>,
    pub diagnostics: Vec<DiagnosticView>,
}

/// Office file queries.
#[derive(Default)]
pub struct OfficeFileQuery;

#[Object]
impl OfficeFileQuery {
    /// The office file in force, with every saved version.
    async fn office_file(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<OfficeFileView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let store = &shared(ctx)?.store;
        let yaml = store.office_file(&scope).await?;
        let versions = store.office_file_versions(&scope).await?;
        let names = super::actor_views(ctx, &scope, versions.iter().map(|v| &v.created_by)).await?;
        Ok(OfficeFileView {
            yaml,
            versions: versions
                .into_iter()
                .map(|v| OfficeFileVersionView {
                    author: names.get(&v.created_by).cloned(),
                    version: v.version,
                    created_by: v.created_by,
                    created_at: v.created_at,
                    yaml: v.yaml,
                })
                .collect(),
        })
    }

    /// What changed from version `from` to version `to` of the office file, line by line.
    async fn office_file_diff(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        from: i32,
        to: i32,
    ) -> ApiResult<OfficeFileDiffView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let versions = shared(ctx)?.store.office_file_versions(&scope).await?;
        let text_of = |n: i32| {
            versions
                .iter()
                .find(|v| v.version == n)
                .map(|v| v.yaml.as_str())
                .ok_or_else(|| crate::error::ApiError::NotFound(format!("Versi {n} berkas dinas tidak ditemukan")))
        };
        let text = simpul_definitions::diff::text_diff(
            text_of(from)?,
            text_of(to)?,
            &format!("versi {from}"),
            &format!("versi {to}"),
        );
        Ok(OfficeFileDiffView { from, to, text })
    }

    /// The validator's diagnostics for an office file, without saving it: its own, and those of the office's
    /// services checked against it.
    async fn check_office_file(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        yaml: String,
    ) -> ApiResult<OfficeFileCheckView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let (checked, diagnostics) = shared.store.check_office_file(&scope, &yaml).await?;
        Ok(OfficeFileCheckView {
            usable: checked.is_some(),
            diagnostics: diagnostics.into_iter().map(DiagnosticView::from).collect(),
        })
    }
}

/// What changed between two versions of the office file.
#[derive(SimpleObject)]
pub struct OfficeFileDiffView {
    pub from: i32,
    pub to: i32,
    /// The YAML, as a unified diff.
    pub text: String,
}

/// Office file mutations.
#[derive(Default)]
pub struct OfficeFileMutation;

#[Object]
impl OfficeFileMutation {
    /// Checks an office file and, without errors, makes it the one in force on every instance (a new version,
    /// audited). The office's code, province and region cannot change here.
    async fn save_office_file(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        yaml: String,
    ) -> ApiResult<OfficeFileSaveView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let result = shared.store.save_office_file(&scope, &yaml, &actor).await?;
        if result.version.is_some() {
            // Every instance forgets the office's cached file, so that the next letter everywhere uses this one.
            shared.state.definitions_changed().await;
        }
        Ok(OfficeFileSaveView {
            version: result.version,
            diagnostics: result.diagnostics.into_iter().map(DiagnosticView::from).collect(),
        })
    }
}
