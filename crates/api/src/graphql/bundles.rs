//! Bundles through the API, for the office's admin or the province's: the office's definitions exported signed,
//! a bundle from another installation checked against the office with a diff of every file, then imported.

use async_graphql::{Context, Enum, Object, SimpleObject, Upload};
use simpul_definitions::bundle::{BundlePath, fingerprint};

use super::admin::{DiagnosticView, admin_scope};
use super::letters::FileOutput;
use super::{caller, shared};
use crate::bundles::{FileChange, Plan};
use crate::error::{ApiError, ApiResult};

/// What a file of a bundle is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum BundleFileKind {
    /// The office file (`tenant.yaml`).
    OfficeFile,
    /// A service definition.
    Service,
    /// A letter template or image.
    Template,
}

/// What importing a file would do.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum BundleFileChange {
    /// The office has no such file: added (a service as a draft).
    New,
    /// The office's file differs: replaced (a service as a new draft).
    Changed,
    /// The same as the office's: nothing to do.
    Unchanged,
    /// Not imported: the office file of another office (its letterhead and signatories are that office's).
    Skipped,
}

impl From<FileChange> for BundleFileChange {
    fn from(change: FileChange) -> Self {
        match change {
            FileChange::New => Self::New,
            FileChange::Changed => Self::Changed,
            FileChange::Unchanged => Self::Unchanged,
            FileChange::Skipped => Self::Skipped,
        }
    }
}

/// One file of a bundle against the receiving office.
#[derive(SimpleObject)]
pub struct BundleFileView {
    /// Its path in the bundle (`tenant.yaml`, `services/<code>.yaml`, `templates/<name>`).
    pub path: String,
    pub kind: BundleFileKind,
    /// The service code or template name (none for the office file).
    pub name: Option<String>,
    pub change: BundleFileChange,
    /// For a text file that differs: the unified diff from the office's file to the bundle's.
    pub diff: Option<String>,
    /// For a service that differs: what changes, in sentences.
    pub summary: Vec<String>,
}

/// What importing a bundle would do.
#[derive(SimpleObject)]
pub struct BundlePlanView {
    /// SHA-256 of the bundle: `importBundle` takes it, so that what is imported is what was shown.
    pub bundle_sha256: String,
    /// The office the bundle is of, and its name.
    pub source_tenant: String,
    pub source_name: String,
    pub exported_at: String,
    pub exported_by: String,
    /// The signing installation's key, and its fingerprint to compare by phone.
    pub signer: String,
    pub signer_fingerprint: String,
    /// Whether the signer is this installation or one it trusts (`SIMPUL_TRUSTED_BUNDLE_KEYS`).
    pub trusted: bool,
    /// Whether the bundle is of this office (else its office file is skipped).
    pub same_office: bool,
    pub files: Vec<BundleFileView>,
    /// The validator's diagnostics for what would be imported, against this office.
    pub diagnostics: Vec<DiagnosticView>,
    /// Whether `importBundle` would import it: a trusted signer and no errors.
    pub usable: bool,
}

impl From<Plan> for BundlePlanView {
    fn from(plan: Plan) -> Self {
        let usable = plan.usable();
        let manifest = &plan.opened.manifest;
        BundlePlanView {
            bundle_sha256: plan.opened.sha256.clone(),
            source_tenant: manifest.tenant.clone(),
            source_name: manifest.tenant_name.clone(),
            exported_at: manifest.exported_at.clone(),
            exported_by: manifest.exported_by.clone(),
            signer_fingerprint: fingerprint(&manifest.signer),
            signer: manifest.signer.clone(),
            trusted: plan.trusted,
            same_office: plan.same_office,
            files: plan
                .files
                .into_iter()
                .map(|f| {
                    let (kind, name) = match &f.path {
                        BundlePath::OfficeFile => (BundleFileKind::OfficeFile, None),
                        BundlePath::Service(code) => (BundleFileKind::Service, Some(code.clone())),
                        BundlePath::Template(name) => (BundleFileKind::Template, Some(name.clone())),
                    };
                    BundleFileView {
                        path: f.path.path(),
                        kind,
                        name,
                        change: f.change.into(),
                        diff: f.diff,
                        summary: f.summary,
                    }
                })
                .collect(),
            diagnostics: plan.diagnostics.into_iter().map(DiagnosticView::from).collect(),
            usable,
        }
    }
}

/// A service saved as a draft by an import.
#[derive(SimpleObject)]
pub struct ImportedDraftView {
    pub service: String,
    pub version: i32,
}

/// A template or image put in force by an import.
#[derive(SimpleObject)]
pub struct ImportedTemplateView {
    pub name: String,
    pub version: i32,
}

/// What an import saved.
#[derive(SimpleObject)]
pub struct BundleImportView {
    /// Services saved as drafts, to be reviewed and published as any other.
    pub drafts: Vec<ImportedDraftView>,
    /// Templates and images now in force.
    pub templates: Vec<ImportedTemplateView>,
    /// The office file's version now in force, when the bundle changed it.
    pub office_file_version: Option<i32>,
}

/// This installation's bundle key.
#[derive(SimpleObject)]
pub struct BundleKeyView {
    /// The public key (base64): what another installation adds to `SIMPUL_TRUSTED_BUNDLE_KEYS`.
    pub public_key: String,
    pub fingerprint: String,
}

/// Bundle queries.
#[derive(Default)]
pub struct BundleQuery;

#[Object]
impl BundleQuery {
    /// The office's definitions in force — office file, services, templates and images — as a ZIP with a manifest
    /// of hashes signed with this installation's key.
    async fn export_bundle(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<FileOutput> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let who = match caller(ctx)? {
            crate::caller::Caller::User(principal) => principal.display_name.clone(),
            _ => String::new(),
        };
        let bytes = crate::bundles::export(shared(ctx)?, &scope, &who).await?;
        let name = format!("bundel-{}-{}.zip", scope.tenant_id(), chrono::Utc::now().format("%Y%m%d"));
        Ok(FileOutput::new(name, "application/zip", &bytes))
    }

    /// This installation's bundle key, for another installation to trust.
    async fn bundle_key(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<BundleKeyView> {
        admin_scope(ctx, tenant.as_deref()).await?;
        let public_key = shared(ctx)?.bundle_key.public();
        Ok(BundleKeyView { fingerprint: fingerprint(&public_key), public_key })
    }
}

/// Bundle mutations.
#[derive(Default)]
pub struct BundleMutation;

/// The uploaded bundle's bytes (at most the bundle limit; one byte more is enough to refuse it).
fn read_upload(ctx: &Context<'_>, file: Upload) -> ApiResult<Vec<u8>> {
    use std::io::Read;
    let value = file.value(ctx).map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
    let mut bytes = Vec::new();
    let limit = crate::BUNDLE_UPLOAD_LIMIT as u64 + 1;
    value.content.take(limit).read_to_end(&mut bytes).map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
    Ok(bytes)
}

#[Object]
impl BundleMutation {
    /// What importing a bundle (a GraphQL multipart upload) into the office would do: its signer and whether it is
    /// trusted, each file new, changed (with its diff) or the same, and the validator's diagnostics against the
    /// office. Saves nothing (a mutation only because uploads are).
    async fn plan_bundle_import(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        file: Upload,
    ) -> ApiResult<BundlePlanView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let bytes = read_upload(ctx, file)?;
        Ok(crate::bundles::plan(shared(ctx)?, &scope, &bytes).await?.into())
    }

    /// Imports a bundle whose plan was shown (`bundleSha256` from `planBundleImport`): templates and the office
    /// file in force at once, each new or changed service as a draft for review. Refused when the signer is not
    /// trusted or a file has errors against the office; nothing is saved then.
    async fn import_bundle(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        file: Upload,
        bundle_sha256: String,
    ) -> ApiResult<BundleImportView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let actor = caller(ctx)?.actor(&scope).user_id;
        let bytes = read_upload(ctx, file)?;
        let (_, imported) = crate::bundles::import(shared(ctx)?, &scope, &bytes, &bundle_sha256, &actor).await?;
        Ok(BundleImportView {
            drafts: imported
                .drafts
                .into_iter()
                .map(|(service, version)| ImportedDraftView { service, version })
                .collect(),
            templates: imported
                .templates
                .into_iter()
                .map(|(name, version)| ImportedTemplateView { name, version })
                .collect(),
            office_file_version: imported.office_file,
        })
    }
}
