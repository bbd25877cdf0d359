//! An office's definitions exported as a signed bundle and imported into another installation: the office file,
//! the services in force and the templates ([`export`]); on import, what each file would change, checked against
//! the receiving office before anything is saved ([`plan`]); then, confirmed for exactly that bundle, saved
//! ([`import`]) — services as drafts that go through the province's review like any other, templates and the
//! office file in force at once. Only bundles signed by this installation or one it trusts
//! (`SIMPUL_TRUSTED_BUNDLE_KEYS`) are imported; the office file only into the office it is of (its letterhead and
//! signatories are that office's).

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use simpul_definitions::Diagnostic;
use simpul_definitions::bundle::{self, BundlePath, Opened};
use simpul_store::TenantScope;

use crate::Services;
use crate::error::{ApiError, ApiResult};

/// What importing a file would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// The office has no such file (service, template).
    New,
    /// The office's file differs.
    Changed,
    /// The office's file is the same.
    Unchanged,
    /// Not imported: the office file of another office.
    Skipped,
}

/// One file of a bundle against the receiving office.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Which file.
    pub path: BundlePath,
    /// What importing it would do.
    pub change: FileChange,
    /// For a text file that changes: the unified diff from the office's file to the bundle's.
    pub diff: Option<String>,
    /// For a service that changes: what changes, in sentences.
    pub summary: Vec<String>,
}

/// What an import would do, and whether it may.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The bundle as read and checked.
    pub opened: Opened,
    /// Whether its signer is this installation or one it trusts.
    pub trusted: bool,
    /// Whether it is of the receiving office itself (else its office file is skipped).
    pub same_office: bool,
    /// Each file.
    pub files: Vec<PlannedFile>,
    /// The validator's diagnostics for what would be imported, checked against the receiving office.
    pub diagnostics: Vec<Diagnostic>,
}

impl Plan {
    /// Whether the import may go ahead: a trusted signer and no errors.
    pub fn usable(&self) -> bool {
        self.trusted && !simpul_definitions::diagnostics::has_errors(&self.diagnostics)
    }
}

/// What an import saved.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Services saved as drafts: (code, version).
    pub drafts: Vec<(String, i32)>,
    /// Templates and images now in force: (name, version).
    pub templates: Vec<(String, i32)>,
    /// The office file's version now in force, when it changed.
    pub office_file: Option<i32>,
}

/// The office's definitions in force as a signed bundle.
pub async fn export(shared: &Services, scope: &TenantScope, exported_by: &str) -> ApiResult<Vec<u8>> {
    let store = &shared.store;
    let mut files = BTreeMap::new();
    files.insert(BundlePath::OfficeFile.path(), store.office_file(scope).await?.into_bytes());
    for (info, _) in store.published_services(scope).await? {
        let (_, yaml) = store.service_version_source(scope, &info.service_code, info.version).await?;
        files.insert(BundlePath::Service(info.service_code.clone()).path(), yaml.into_bytes());
    }
    for (name, bytes) in &store.template_files(scope).await?.files {
        files.insert(BundlePath::Template(name.clone()).path(), bytes.clone());
    }
    let name = store.tenants().await?.into_iter().find(|(code, _)| code == scope.tenant_id()).map(|(_, n)| n);
    let now = Utc::now().to_rfc3339();
    let (tenant, name, by) = (scope.tenant_id().to_string(), name.unwrap_or_default(), exported_by.to_string());
    let key = shared.bundle_key.clone();
    // Compressing and hashing every file is CPU work: the blocking pool's.
    tokio::task::spawn_blocking(move || bundle::pack(&key, &tenant, &name, &now, &by, &files))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Reads a bundle, or says why it cannot be read. Inflating and hashing up to 16 MB is CPU work: the blocking
/// pool's.
async fn opened(bytes: &[u8]) -> ApiResult<Opened> {
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || bundle::open(&bytes))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::field("file", e.to_string()))
}

fn parsed(code: &str, yaml: &str) -> Option<simpul_definitions::model::ServiceDefinition> {
    let file = simpul_definitions::source::SourceFile::new(format!("{code}.yaml"), yaml.to_string());
    simpul_definitions::load::parse(&file, &mut Vec::new())
}

fn text_diff(old: &[u8], new: &[u8], path: &str) -> Option<String> {
    let (old, new) = (std::str::from_utf8(old).ok()?, std::str::from_utf8(new).ok()?);
    Some(simpul_definitions::diff::text_diff(old, new, &format!("dinas ini: {path}"), &format!("bundel: {path}")))
}

/// What importing `bytes` into the office would do, checked as if it were saved: nothing is saved.
pub async fn plan(shared: &Services, scope: &TenantScope, bytes: &[u8]) -> ApiResult<Plan> {
    let opened = opened(bytes).await?;
    let signer = opened.signer();
    let trusted = signer == shared.bundle_key.public() || shared.trusted_bundle_keys.iter().any(|k| k == signer);
    let same_office = opened.manifest.tenant == scope.tenant_id();
    let store = &shared.store;
    let in_force: BTreeMap<String, i32> =
        store.published_services(scope).await?.into_iter().map(|(v, _)| (v.service_code, v.version)).collect();
    let templates = store.template_files(scope).await?;
    let coming: BTreeSet<String> = opened
        .files
        .iter()
        .filter_map(|(p, _)| match p {
            BundlePath::Template(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for (path, bytes) in &opened.files {
        let (current, skipped): (Option<Vec<u8>>, bool) = match path {
            BundlePath::OfficeFile => (Some(store.office_file(scope).await?.into_bytes()), !same_office),
            BundlePath::Service(code) => match in_force.get(code) {
                Some(version) => {
                    (Some(store.service_version_source(scope, code, *version).await?.1.into_bytes()), false)
                }
                None => (None, false),
            },
            BundlePath::Template(name) => (templates.files.get(name).cloned(), false),
        };
        let change = match (&current, skipped) {
            (_, true) => FileChange::Skipped,
            (None, _) => FileChange::New,
            (Some(c), _) if c == bytes => FileChange::Unchanged,
            (Some(_), _) => FileChange::Changed,
        };
        let shown = path.path();
        let diff = match (&current, change) {
            (Some(c), FileChange::Changed | FileChange::Skipped) => text_diff(c, bytes, &shown),
            _ => None,
        };
        let text = String::from_utf8_lossy(bytes).into_owned();
        let summary = match (path, &current, change) {
            (BundlePath::Service(code), Some(c), FileChange::Changed) => {
                match (parsed(code, &String::from_utf8_lossy(c)), parsed(code, &text)) {
                    (Some(old), Some(new)) => {
                        simpul_definitions::diff::summary(&old, &new).into_iter().map(|c| c.text).collect()
                    }
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        if matches!(change, FileChange::New | FileChange::Changed) {
            match path {
                BundlePath::OfficeFile => {
                    diagnostics.extend(store.check_office_file_with(scope, &text, &coming).await?.1)
                }
                BundlePath::Service(code) => {
                    diagnostics.extend(store.check_service_source_with(scope, code, &text, &coming).await?.1)
                }
                BundlePath::Template(name) => {
                    diagnostics.extend(crate::templates::check(shared, scope, name, bytes).await?.into_iter().filter(
                        // A template no service of this office uses yet may be for a service in the bundle.
                        |d| d.check != "template-unused",
                    ))
                }
            }
        }
        files.push(PlannedFile { path: path.clone(), change, diff, summary });
    }
    Ok(Plan { opened, trusted, same_office, files, diagnostics })
}

/// Imports `bytes` into the office, when it is the bundle whose plan was shown (`confirmed`: its SHA-256), its
/// signer trusted and its files without errors against the office: templates first (a service may name one),
/// then the office file, then each new or changed service as a draft. One audit entry names the bundle.
pub async fn import(
    shared: &Services,
    scope: &TenantScope,
    bytes: &[u8],
    confirmed: &str,
    actor: &str,
) -> ApiResult<(Plan, Imported)> {
    let plan = plan(shared, scope, bytes).await?;
    if plan.opened.sha256 != confirmed {
        return Err(ApiError::field(
            "bundleSha256",
            "Bundel ini bukan bundel yang diperiksa; periksa ulang sebelum impor",
        ));
    }
    if !plan.trusted {
        return Err(ApiError::refused(format!(
            "Penanda tangan bundel (sidik {}) tidak dipercaya instalasi ini; minta pengelola server menambahkan kuncinya",
            bundle::fingerprint(plan.opened.signer())
        )));
    }
    if !plan.usable() {
        return Err(ApiError::refused("Bundel memuat kesalahan untuk dinas ini; lihat hasil pemeriksaan"));
    }
    let store = &shared.store;
    let mut imported = Imported::default();
    let changing = |path: &BundlePath| {
        plan.files.iter().any(|f| &f.path == path && matches!(f.change, FileChange::New | FileChange::Changed))
    };
    for (path, bytes) in &plan.opened.files {
        if let BundlePath::Template(name) = path
            && changing(path)
        {
            imported.templates.push((name.clone(), store.save_template_file(scope, name, bytes, actor).await?));
        }
    }
    for (path, bytes) in &plan.opened.files {
        if path == &BundlePath::OfficeFile && changing(path) {
            let text = String::from_utf8_lossy(bytes);
            imported.office_file = store.save_office_file(scope, &text, actor).await?.version;
        }
    }
    for (path, bytes) in &plan.opened.files {
        if let BundlePath::Service(code) = path
            && changing(path)
        {
            let saved = store.save_service_draft(scope, code, &String::from_utf8_lossy(bytes), actor).await?;
            if let Some(version) = saved.version {
                imported.drafts.push((code.clone(), version.version));
            }
        }
    }
    let detail = format!(
        "bundel {} dari {} (sidik {}, SHA-256 {}): {} konsep layanan, {} templat{}",
        plan.opened.manifest.tenant_name,
        plan.opened.manifest.exported_at,
        bundle::fingerprint(plan.opened.signer()),
        &plan.opened.sha256[..16],
        imported.drafts.len(),
        imported.templates.len(),
        if imported.office_file.is_some() { ", berkas dinas" } else { "" },
    );
    let subject = format!("bundel:{}", &plan.opened.sha256[..16]);
    store.record_audit(scope, actor, simpul_store::audit::action::BUNDLE_IMPORT, &subject, &detail).await?;
    shared.state.definitions_changed().await;
    Ok((plan, imported))
}
