//! Service-definition versions in the database: the first import of the shipped folder, `definitions sync`,
//! and loading a version (compiled once per process) with its tenant's calendar.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use simpul_definitions::model::{ServiceDefinition, Tenant};
use simpul_definitions::source::SourceFile;
use simpul_engine::{Service, WorkCalendar};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, action};
use crate::entities::{calendar, service_version, tenant};
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

mod moving;
mod office_file;
mod offices;
mod review;
mod status;
mod templates;

pub use moving::{DryRun, MoveCandidate, MoveOutcome, MoveRequest};
pub use office_file::{OfficeFileResult, OfficeFileVersion};
pub(crate) use offices::CachedTenant;
pub use review::ReviewDecision;
pub use status::VersionStatus;
pub use templates::{IMAGE_LIMIT, TEMPLATE_LIMIT, TemplateFiles, TemplateVersion, checked_kind};

/// A stored definition version, without its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// Row id; applications pin it.
    pub id: Uuid,
    /// Tenant code.
    pub tenant_id: String,
    /// Service code.
    pub service_code: String,
    /// Version number, from 1.
    pub version: i32,
    /// SHA-256 of the YAML source.
    pub content_hash: String,
    /// Where it is in its life.
    pub status: VersionStatus,
    /// Who created it (user id).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who submitted it for review, and when.
    pub submitted: Option<(String, DateTime<Utc>)>,
    /// Who reviewed it, and when.
    pub reviewed: Option<(String, DateTime<Utc>)>,
    /// The reviewer's comment (why it was sent back, or a remark with the approval).
    pub review_comment: Option<String>,
    /// Who published it.
    pub published_by: Option<String>,
    /// When it came, or comes, into force.
    pub in_force_from: Option<DateTime<Utc>>,
    /// When a later version replaced it.
    pub retired_at: Option<DateTime<Utc>>,
    /// The earlier version whose YAML a rollback republished as this one.
    pub restored_from: Option<i32>,
}

impl TryFrom<&service_version::Model> for VersionInfo {
    type Error = StoreError;

    fn try_from(m: &service_version::Model) -> StoreResult<Self> {
        let status = VersionStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown version status `{}`", m.status)))?;
        let pair = |who: &Option<String>, at: Option<DateTime<Utc>>| who.clone().zip(at);
        Ok(VersionInfo {
            id: m.id,
            tenant_id: m.tenant_id.clone(),
            service_code: m.service_code.clone(),
            version: m.version,
            content_hash: m.content_hash.clone(),
            status,
            created_by: m.created_by.clone(),
            created_at: m.created_at,
            submitted: pair(&m.submitted_by, m.submitted_at),
            reviewed: pair(&m.reviewed_by, m.reviewed_at),
            review_comment: m.review_comment.clone(),
            published_by: m.published_by.clone(),
            in_force_from: m.published_at,
            retired_at: m.retired_at,
            restored_from: m.restored_from,
        })
    }
}

/// A tenant as the engine needs it: its definition and its working calendar.
#[derive(Debug)]
pub struct TenantRuntime {
    /// `tenant.yaml`.
    pub tenant: Tenant,
    /// Office hours and days off.
    pub calendar: WorkCalendar,
}

impl TenantRuntime {
    /// What the engine knows of this tenant when it runs `service` for it.
    pub fn context<'a>(&'a self, service: &'a simpul_engine::Service) -> simpul_engine::Context<'a> {
        simpul_engine::Context {
            service,
            calendar: &self.calendar,
            region_code: Some(&self.tenant.region_code),
            roles: &self.tenant.roles,
            findings: &simpul_engine::registry::NO_FINDINGS,
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Services seen for the first time: (tenant, service, version).
    pub added: Vec<(String, String, i32)>,
    /// Services whose file changed, published as a new version: (tenant, service, version).
    pub changed: Vec<(String, String, i32)>,
    /// Services whose file is as stored.
    pub unchanged: usize,
    /// Tenants created or updated.
    pub tenants: usize,
    /// Template files new or changed: (tenant, file).
    pub templates: Vec<(String, String)>,
}

impl std::fmt::Display for SyncReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (t, s, v) in &self.added {
            writeln!(f, "added    {t}/{s} version {v}")?;
        }
        for (t, s, v) in &self.changed {
            writeln!(f, "changed  {t}/{s} now version {v}")?;
        }
        for (t, name) in &self.templates {
            writeln!(f, "template {t}/templates/{name}")?;
        }
        write!(
            f,
            "{} added, {} changed, {} unchanged; {} tenants",
            self.added.len(),
            self.changed.len(),
            self.unchanged,
            self.tenants
        )
    }
}

/// SHA-256 of a definition's source, hex.
pub fn content_hash(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(what: &str, source: &str) -> StoreResult<T> {
    let file = SourceFile::new(what, source.to_string());
    let mut diagnostics = Vec::new();
    simpul_definitions::load::parse::<T>(&file, &mut diagnostics)
        .ok_or_else(|| StoreError::Corrupt(format!("stored {what} does not parse: {diagnostics:?}")))
}

impl Store {
    /// Imports the shipped definitions as version 1 of every service, if the database has none yet.
    pub async fn import_definitions_if_empty(&self, dir: &Path) -> StoreResult<Option<SyncReport>> {
        if service_version::Entity::find().count(&self.db).await? > 0 {
            return Ok(None);
        }
        self.sync_definitions(dir, "system").await.map(Some)
    }

    /// Imports the definitions folder: tenants and calendars are updated, each service whose file differs (by
    /// content hash) from its latest version becomes a new published version, and the version it replaces is
    /// retired. Applications keep the version they started with. Nothing is imported if any file has errors.
    pub async fn sync_definitions(&self, dir: &Path, actor: &str) -> StoreResult<SyncReport> {
        let report = simpul_definitions::load_and_validate(dir)?;
        if simpul_definitions::diagnostics::has_errors(&report.diagnostics) {
            return Err(StoreError::Definitions { diagnostics: report.diagnostics });
        }
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let mut out = SyncReport::default();
        for cal in &report.catalog.calendars {
            let row = calendar::ActiveModel {
                code: Set(cal.value.code.clone()),
                source_yaml: Set(cal.source.text.clone()),
                updated_at: Set(now),
            };
            if calendar::Entity::find_by_id(cal.value.code.clone()).one(&txn).await?.is_some() {
                row.update(&txn).await?;
            } else {
                row.insert(&txn).await?;
            }
        }
        for bundle in &report.catalog.tenants {
            let t = &bundle.tenant.value;
            let row = tenant::ActiveModel {
                id: Set(t.code.clone()),
                name: Set(t.name.clone()),
                province_code: Set(t.province.code.clone()),
                region_code: Set(t.region_code.clone()),
                time_zone: Set(t.time_zone.clone()),
                calendar_code: Set(t.calendar.clone()),
                source_yaml: Set(bundle.tenant.source.text.clone()),
                updated_at: Set(now),
            };
            match tenant::Entity::find_by_id(t.code.clone()).one(&txn).await? {
                Some(old) => {
                    if old.source_yaml != bundle.tenant.source.text {
                        office_file::record_version(&txn, &old, &bundle.tenant.source.text, actor, now).await?;
                    }
                    row.update(&txn).await?;
                }
                None => {
                    row.insert(&txn).await?;
                }
            }
            out.tenants += 1;
            let folder = dir.join(&bundle.folder).join("templates");
            for name in templates::import_folder(&txn, &t.code, &folder, actor, now).await? {
                out.templates.push((t.code.clone(), name));
            }
            for service in &bundle.services {
                let code = &service.value.code;
                let hash = content_hash(&service.source.text);
                let latest = service_version::Entity::find()
                    .filter(service_version::Column::TenantId.eq(&t.code))
                    .filter(service_version::Column::ServiceCode.eq(code))
                    .order_by_desc(service_version::Column::Version)
                    .one(&txn)
                    .await?;
                let version = match &latest {
                    Some(l) if l.content_hash == hash => {
                        out.unchanged += 1;
                        continue;
                    }
                    Some(l) => l.version + 1,
                    None => 1,
                };
                retire_replaced(&txn, &t.code, code, Replaced::All, now).await?;
                let new = NewVersion {
                    tenant: &t.code,
                    code,
                    version,
                    source: &service.source.text,
                    status: VersionStatus::Published,
                    actor,
                    restored_from: None,
                };
                insert_version(&txn, new, now).await?;
                let entry = (t.code.clone(), code.clone(), version);
                if latest.is_some() { out.changed.push(entry) } else { out.added.push(entry) }
            }
        }
        txn.commit().await?;
        self.forget_definitions();
        Ok(out)
    }

    /// The version of a service of the tenant in force now, compiled.
    pub async fn published_service(&self, scope: &TenantScope, code: &str) -> StoreResult<(VersionInfo, Arc<Service>)> {
        let key = (scope.tenant_id().to_string(), code.to_string());
        let cached = self.caches.published.read().ok().and_then(|c| c.get(&key).copied());
        if let Some((id, at)) = cached
            && at.elapsed() < crate::FRESH
            && let Some(hit) = self.caches.services.read().ok().and_then(|c| c.get(&id).cloned())
        {
            return Ok(hit);
        }
        let row = in_force_query(scope.tenant_id(), Utc::now())
            .filter(service_version::Column::ServiceCode.eq(code))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "layanan" })?;
        let row = self.bring_into_force(row).await?;
        let compiled = self.compiled(&row)?;
        if let Ok(mut published) = self.caches.published.write() {
            published.insert(key, (row.id, std::time::Instant::now()));
        }
        Ok(compiled)
    }

    /// Every version of a service of the tenant, newest first, with its YAML.
    pub async fn service_versions(&self, scope: &TenantScope, code: &str) -> StoreResult<Vec<(VersionInfo, String)>> {
        let rows = service_version::Entity::find()
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .filter(service_version::Column::ServiceCode.eq(code))
            .order_by_desc(service_version::Column::Version)
            .all(&self.db)
            .await?;
        rows.into_iter().map(|r| Ok((VersionInfo::try_from(&r)?, r.source_yaml))).collect()
    }

    /// The tenant's versions on their way to being in force (drafts, in review, returned, approved, scheduled),
    /// newest first: the studio's work list.
    pub async fn versions_in_progress(&self, scope: &TenantScope) -> StoreResult<Vec<VersionInfo>> {
        let statuses = [
            VersionStatus::Draft,
            VersionStatus::InReview,
            VersionStatus::Returned,
            VersionStatus::Approved,
            VersionStatus::Scheduled,
        ];
        let rows = service_version::Entity::find()
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .filter(service_version::Column::Status.is_in(statuses.map(VersionStatus::code)))
            .order_by_desc(service_version::Column::CreatedAt)
            .all(&self.db)
            .await?;
        rows.iter().map(VersionInfo::try_from).collect()
    }

    /// One version of a service of the tenant, by number, with its YAML.
    pub async fn service_version_source(
        &self,
        scope: &TenantScope,
        code: &str,
        version: i32,
    ) -> StoreResult<(VersionInfo, String)> {
        let row = service_version::Entity::find()
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .filter(service_version::Column::ServiceCode.eq(code))
            .filter(service_version::Column::Version.eq(version))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "versi layanan" })?;
        Ok((VersionInfo::try_from(&row)?, row.source_yaml))
    }

    /// The services of the tenant in force now, compiled, by code.
    pub async fn published_services(&self, scope: &TenantScope) -> StoreResult<Vec<(VersionInfo, Arc<Service>)>> {
        let rows = in_force_query(scope.tenant_id(), Utc::now()).all(&self.db).await?;
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        // Newest start first: the first row of each service is the one in force.
        for row in rows {
            if seen.insert(row.service_code.clone()) {
                let row = self.bring_into_force(row).await?;
                out.push(self.compiled(&row)?);
            }
        }
        out.sort_by(|a, b| a.0.service_code.cmp(&b.0.service_code));
        Ok(out)
    }

    /// A version by id, compiled; only within the tenant.
    pub(crate) async fn service_version<C: ConnectionTrait>(
        &self,
        conn: &C,
        scope: &TenantScope,
        id: Uuid,
    ) -> StoreResult<(VersionInfo, Arc<Service>)> {
        if let Some(hit) = self.caches.services.read().ok().and_then(|c| c.get(&id).cloned())
            && hit.0.tenant_id == scope.tenant_id()
        {
            return Ok(hit);
        }
        let row = service_version::Entity::find_by_id(id)
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound { what: "versi layanan" })?;
        self.compiled(&row)
    }

    fn compiled(&self, row: &service_version::Model) -> StoreResult<(VersionInfo, Arc<Service>)> {
        if let Some(hit) = self.caches.services.read().ok().and_then(|c| c.get(&row.id).cloned()) {
            return Ok(hit);
        }
        let definition: ServiceDefinition = parse(&format!("{}.yaml", row.service_code), &row.source_yaml)?;
        let service = Service::new(definition, row.version as u32).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let entry = (VersionInfo::try_from(row)?, Arc::new(service));
        if let Ok(mut cache) = self.caches.services.write() {
            cache.insert(row.id, entry.clone());
        }
        Ok(entry)
    }
}

/// The versions of the tenant that are, or were, in force at `now` (published, or scheduled with a start that has
/// come), the one in force first for each service.
fn in_force_query(tenant: &str, now: DateTime<Utc>) -> sea_orm::Select<service_version::Entity> {
    service_version::Entity::find()
        .filter(service_version::Column::TenantId.eq(tenant))
        .filter(service_version::Column::Status.is_in(VersionStatus::LIVE.map(VersionStatus::code)))
        .filter(service_version::Column::PublishedAt.lte(now))
        .order_by_asc(service_version::Column::ServiceCode)
        .order_by_desc(service_version::Column::PublishedAt)
        .order_by_desc(service_version::Column::Version)
}

/// Which versions of a service a change retires.
#[derive(Debug, Clone, Copy)]
enum Replaced {
    /// Publishing now: the version in force and every schedule (a schedule made before an urgent fix would
    /// otherwise undo the fix on its start date; the admin schedules again).
    All,
    /// Scheduling a version: other schedules; the version in force stays until the start.
    Schedules,
    /// A scheduled version coming into force: the versions in force or scheduled up to its start, not itself.
    UpTo(Uuid, DateTime<Utc>),
}

async fn retire_replaced<C: ConnectionTrait>(
    conn: &C,
    tenant: &str,
    code: &str,
    replaced: Replaced,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    use service_version::Column as C;
    let statuses = match replaced {
        Replaced::All | Replaced::UpTo(..) => VersionStatus::LIVE.map(VersionStatus::code).to_vec(),
        Replaced::Schedules => vec![VersionStatus::Scheduled.code()],
    };
    let mut query = service_version::Entity::update_many()
        .col_expr(C::Status, sea_orm::sea_query::Expr::value(VersionStatus::Retired.code()))
        .col_expr(C::RetiredAt, sea_orm::sea_query::Expr::value(now))
        .filter(C::TenantId.eq(tenant))
        .filter(C::ServiceCode.eq(code))
        .filter(C::Status.is_in(statuses));
    if let Replaced::UpTo(keep, start) = replaced {
        query = query.filter(C::Id.ne(keep)).filter(C::PublishedAt.lte(start));
    }
    query.exec(conn).await?;
    Ok(())
}

/// A new version row.
struct NewVersion<'a> {
    tenant: &'a str,
    code: &'a str,
    version: i32,
    source: &'a str,
    status: VersionStatus,
    actor: &'a str,
    restored_from: Option<i32>,
}

async fn insert_version<C: ConnectionTrait>(conn: &C, new: NewVersion<'_>, now: DateTime<Utc>) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let published = new.status == VersionStatus::Published;
    service_version::ActiveModel {
        id: Set(id),
        tenant_id: Set(new.tenant.to_string()),
        service_code: Set(new.code.to_string()),
        version: Set(new.version),
        content_hash: Set(content_hash(new.source)),
        source_yaml: Set(new.source.to_string()),
        status: Set(new.status.code().to_string()),
        created_by: Set(new.actor.to_string()),
        created_at: Set(now),
        published_at: Set(published.then_some(now)),
        retired_at: Set(None),
        submitted_by: Set(None),
        submitted_at: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        review_comment: Set(None),
        published_by: Set(published.then(|| new.actor.to_string())),
        restored_from: Set(new.restored_from),
    }
    .insert(conn)
    .await?;
    Ok(id)
}

/// The number the next version of a service gets.
async fn next_version<C: ConnectionTrait>(conn: &C, tenant: &str, code: &str) -> StoreResult<i32> {
    let latest = service_version::Entity::find()
        .filter(service_version::Column::TenantId.eq(tenant))
        .filter(service_version::Column::ServiceCode.eq(code))
        .order_by_desc(service_version::Column::Version)
        .one(conn)
        .await?;
    Ok(latest.map_or(1, |l| l.version + 1))
}

/// What saving a draft gave: the new version if the YAML had no errors, and every diagnostic either way.
#[derive(Debug, Clone)]
pub struct DraftResult {
    /// The saved draft, when there were no errors.
    pub version: Option<VersionInfo>,
    /// Problems found (warnings included).
    pub diagnostics: Vec<simpul_definitions::Diagnostic>,
}

impl Store {
    /// The validator's diagnostics for `yaml` as service `code` of the tenant, without saving anything (the
    /// studio's check while the admin types), its references checked against the office's template files.
    /// Whether it parsed comes with them.
    pub async fn check_service_source(
        &self,
        scope: &TenantScope,
        code: &str,
        yaml: &str,
    ) -> StoreResult<(bool, Vec<simpul_definitions::Diagnostic>)> {
        self.check_service_source_with(scope, code, yaml, &Default::default()).await
    }

    /// [`Self::check_service_source`] as if the office also had the template files `coming` (a bundle's, checked
    /// before any of it is imported).
    pub async fn check_service_source_with(
        &self,
        scope: &TenantScope,
        code: &str,
        yaml: &str,
        coming: &std::collections::BTreeSet<String>,
    ) -> StoreResult<(bool, Vec<simpul_definitions::Diagnostic>)> {
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let mut templates = self.template_names(scope).await?;
        templates.extend(coming.iter().cloned());
        let file = SourceFile::new(format!("{}/services/{code}.yaml", scope.tenant_id()), yaml.to_string());
        // Validation is CPU work (a YAML of up to a megabyte, every expression compiled): the blocking pool's.
        tokio::task::spawn_blocking(move || {
            let context =
                simpul_definitions::validate::TenantContext { tenant: &runtime.tenant, templates: &templates };
            let (parsed, diagnostics) = simpul_definitions::validate::service_source(&file, &context);
            (parsed.is_some() && !simpul_definitions::diagnostics::has_errors(&diagnostics), diagnostics)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))
    }

    /// Validates `yaml` as service `code` of the tenant and, if it has no errors, saves it as a new draft
    /// version.
    pub async fn save_service_draft(
        &self,
        scope: &TenantScope,
        code: &str,
        yaml: &str,
        actor: &str,
    ) -> StoreResult<DraftResult> {
        let (usable, diagnostics) = self.check_service_source(scope, code, yaml).await?;
        if !usable {
            return Ok(DraftResult { version: None, diagnostics });
        }
        let txn = self.db.begin().await?;
        let version = next_version(&txn, scope.tenant_id(), code).await?;
        let new = NewVersion {
            tenant: scope.tenant_id(),
            code,
            version,
            source: yaml,
            status: VersionStatus::Draft,
            actor,
            restored_from: None,
        };
        let now = Utc::now();
        let id = insert_version(&txn, new, now).await?;
        audit::row(
            scope,
            actor,
            action::DEFINITION,
            &review::subject(code),
            &format!("versi {version} disimpan sebagai konsep"),
            now,
        )
        .insert(&txn)
        .await?;
        let row = service_version::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound { what: "versi layanan" })?;
        txn.commit().await?;
        Ok(DraftResult { version: Some(VersionInfo::try_from(&row)?), diagnostics })
    }
}
