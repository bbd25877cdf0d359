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
use simpul_definitions::model::{Calendar, ServiceDefinition, Tenant};
use simpul_definitions::source::SourceFile;
use simpul_engine::{Service, WorkCalendar};
use uuid::Uuid;

use crate::Store;
use crate::entities::{calendar, service_version, tenant};
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

/// The status of a definition version.
pub mod status {
    /// Being edited; not used by new applications.
    pub const DRAFT: &str = "draft";
    /// The version new applications start under.
    pub const PUBLISHED: &str = "published";
    /// Replaced by a later version; applications that started under it keep it.
    pub const RETIRED: &str = "retired";

    /// A status as an admin reads it.
    pub fn in_words(status: &str) -> &'static str {
        match status {
            DRAFT => "konsep",
            PUBLISHED => "sedang berlaku",
            RETIRED => "sudah tidak berlaku",
            _ => "berstatus tidak dikenal",
        }
    }
}

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
    /// Draft, published or retired.
    pub status: String,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<&service_version::Model> for VersionInfo {
    fn from(m: &service_version::Model) -> Self {
        VersionInfo {
            id: m.id,
            tenant_id: m.tenant_id.clone(),
            service_code: m.service_code.clone(),
            version: m.version,
            content_hash: m.content_hash.clone(),
            status: m.status.clone(),
            created_by: m.created_by.clone(),
            created_at: m.created_at,
        }
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
}

impl std::fmt::Display for SyncReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (t, s, v) in &self.added {
            writeln!(f, "added    {t}/{s} version {v}")?;
        }
        for (t, s, v) in &self.changed {
            writeln!(f, "changed  {t}/{s} now version {v}")?;
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

fn parse<T: serde::de::DeserializeOwned>(what: &str, source: &str) -> StoreResult<T> {
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
            if tenant::Entity::find_by_id(t.code.clone()).one(&txn).await?.is_some() {
                row.update(&txn).await?;
            } else {
                row.insert(&txn).await?;
            }
            out.tenants += 1;
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
                retire_published(&txn, &t.code, code, now).await?;
                insert_version(&txn, &t.code, code, version, &service.source.text, status::PUBLISHED, actor, now)
                    .await?;
                let entry = (t.code.clone(), code.clone(), version);
                if latest.is_some() { out.changed.push(entry) } else { out.added.push(entry) }
            }
        }
        txn.commit().await?;
        self.forget_definitions();
        Ok(out)
    }

    /// The published version of a service of the tenant, compiled.
    pub async fn published_service(&self, scope: &TenantScope, code: &str) -> StoreResult<(VersionInfo, Arc<Service>)> {
        let key = (scope.tenant_id().to_string(), code.to_string());
        let cached = self.caches.published.read().ok().and_then(|c| c.get(&key).copied());
        if let Some((id, at)) = cached
            && at.elapsed() < crate::FRESH
            && let Some(hit) = self.caches.services.read().ok().and_then(|c| c.get(&id).cloned())
        {
            return Ok(hit);
        }
        let row = service_version::Entity::find()
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .filter(service_version::Column::ServiceCode.eq(code))
            .filter(service_version::Column::Status.eq(status::PUBLISHED))
            .order_by_desc(service_version::Column::Version)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "layanan" })?;
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
        Ok(rows.into_iter().map(|r| (VersionInfo::from(&r), r.source_yaml)).collect())
    }

    /// The published services of the tenant, compiled, by code.
    pub async fn published_services(&self, scope: &TenantScope) -> StoreResult<Vec<(VersionInfo, Arc<Service>)>> {
        let rows = service_version::Entity::find()
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .filter(service_version::Column::Status.eq(status::PUBLISHED))
            .order_by_asc(service_version::Column::ServiceCode)
            .all(&self.db)
            .await?;
        rows.iter().map(|r| self.compiled(r)).collect()
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
        let entry = (VersionInfo::from(row), Arc::new(service));
        if let Ok(mut cache) = self.caches.services.write() {
            cache.insert(row.id, entry.clone());
        }
        Ok(entry)
    }

    /// The tenant's definition and calendar.
    pub async fn tenant_runtime<C: ConnectionTrait>(
        &self,
        conn: &C,
        scope: &TenantScope,
    ) -> StoreResult<Arc<TenantRuntime>> {
        let cached = self.caches.tenants.read().ok().and_then(|c| c.get(scope.tenant_id()).cloned());
        if let Some((hit, at)) = cached
            && at.elapsed() < crate::FRESH
        {
            return Ok(hit);
        }
        let row = tenant::Entity::find_by_id(scope.tenant_id().to_string())
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound { what: "dinas" })?;
        let tenant: Tenant = parse("tenant.yaml", &row.source_yaml)?;
        let shared: Option<Calendar> = match calendar::Entity::find_by_id(row.calendar_code.clone()).one(conn).await? {
            Some(c) => Some(parse(&format!("{}.yaml", c.code), &c.source_yaml)?),
            None => None,
        };
        let calendar =
            WorkCalendar::for_tenant(&tenant, shared.as_ref()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let runtime = Arc::new(TenantRuntime { tenant, calendar });
        if let Ok(mut cache) = self.caches.tenants.write() {
            cache.insert(scope.tenant_id().to_string(), (runtime.clone(), std::time::Instant::now()));
        }
        Ok(runtime)
    }

    /// Codes and names of every tenant.
    pub async fn tenants(&self) -> StoreResult<Vec<(String, String)>> {
        let rows = tenant::Entity::find().order_by_asc(tenant::Column::Id).all(&self.db).await?;
        Ok(rows.into_iter().map(|t| (t.id, t.name)).collect())
    }
}

async fn retire_published<C: ConnectionTrait>(
    conn: &C,
    tenant: &str,
    code: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let published = service_version::Entity::find()
        .filter(service_version::Column::TenantId.eq(tenant))
        .filter(service_version::Column::ServiceCode.eq(code))
        .filter(service_version::Column::Status.eq(status::PUBLISHED))
        .all(conn)
        .await?;
    for row in published {
        let mut active: service_version::ActiveModel = row.into();
        active.status = Set(status::RETIRED.to_string());
        active.retired_at = Set(Some(now));
        active.update(conn).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_version<C: ConnectionTrait>(
    conn: &C,
    tenant: &str,
    code: &str,
    version: i32,
    source: &str,
    status_value: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    service_version::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant.to_string()),
        service_code: Set(code.to_string()),
        version: Set(version),
        content_hash: Set(content_hash(source)),
        source_yaml: Set(source.to_string()),
        status: Set(status_value.to_string()),
        created_by: Set(actor.to_string()),
        created_at: Set(now),
        published_at: Set((status_value == status::PUBLISHED).then_some(now)),
        retired_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(id)
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
    /// Validates `yaml` as service `code` of the tenant and, if it has no errors, saves it as a new draft
    /// version. `templates` are the tenant's template files, for the reference checks.
    pub async fn save_service_draft(
        &self,
        scope: &TenantScope,
        code: &str,
        yaml: &str,
        templates: &std::collections::BTreeSet<String>,
        actor: &str,
    ) -> StoreResult<DraftResult> {
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let file = SourceFile::new(format!("{}/services/{code}.yaml", scope.tenant_id()), yaml.to_string());
        let templates = templates.clone();
        // Validation is CPU work (a YAML of up to a megabyte, every expression compiled): the blocking pool's.
        let (parsed, diagnostics) = tokio::task::spawn_blocking(move || {
            let context =
                simpul_definitions::validate::TenantContext { tenant: &runtime.tenant, templates: &templates };
            let (parsed, diagnostics) = simpul_definitions::validate::service_source(&file, &context);
            (parsed.is_some(), diagnostics)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?;
        if simpul_definitions::diagnostics::has_errors(&diagnostics) || !parsed {
            return Ok(DraftResult { version: None, diagnostics });
        }
        let txn = self.db.begin().await?;
        let latest = service_version::Entity::find()
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .filter(service_version::Column::ServiceCode.eq(code))
            .order_by_desc(service_version::Column::Version)
            .one(&txn)
            .await?;
        let version = latest.map_or(1, |l| l.version + 1);
        let id = insert_version(&txn, scope.tenant_id(), code, version, yaml, status::DRAFT, actor, Utc::now()).await?;
        let row = service_version::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound { what: "versi layanan" })?;
        txn.commit().await?;
        Ok(DraftResult { version: Some(VersionInfo::from(&row)), diagnostics })
    }

    /// Publishes a draft of the tenant: it becomes the version new applications start under, and the version it
    /// replaces is retired. Applications under older versions keep them.
    pub async fn publish_service_version(&self, scope: &TenantScope, id: Uuid) -> StoreResult<VersionInfo> {
        let txn = self.db.begin().await?;
        let row = service_version::Entity::find_by_id(id)
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound { what: "versi layanan" })?;
        if row.status != status::DRAFT {
            return Err(StoreError::NotADraft { version: row.version, status: status::in_words(&row.status) });
        }
        let now = Utc::now();
        retire_published(&txn, scope.tenant_id(), &row.service_code, now).await?;
        let mut active: service_version::ActiveModel = row.into();
        active.status = Set(status::PUBLISHED.to_string());
        active.published_at = Set(Some(now));
        let published = active.update(&txn).await?;
        txn.commit().await?;
        self.forget_definitions();
        Ok(VersionInfo::from(&published))
    }
}
