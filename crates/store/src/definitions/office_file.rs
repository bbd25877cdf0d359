//! The office file (`tenant.yaml`: letterhead, signatories, numbering series, office hours, days off, roles) changed
//! by the office's admin or the province's: checked like the shipped files — the file itself and every service of
//! the office against it — then in force at once (every instance forgets its cached copy), versioned and audited.
//! An office's identity (its code, province and region) is not the admin's to change.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use simpul_definitions::Diagnostic;
use simpul_definitions::load::Loaded;
use simpul_definitions::model::{Calendar, ServiceDefinition, Tenant};
use simpul_definitions::source::SourceFile;
use uuid::Uuid;

use super::{VersionStatus, content_hash, parse};
use crate::Store;
use crate::audit::{self, action};
use crate::entities::{calendar, office_file_version, service_version, tenant};
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

/// One saved version of an office file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeFileVersion {
    /// From 1 (the file as it was before the first change through the API).
    pub version: i32,
    /// Who saved it (user id, or `system` for the first).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The text.
    pub yaml: String,
}

/// What saving gave: the new version when there were no errors, and every diagnostic either way.
#[derive(Debug, Clone)]
pub struct OfficeFileResult {
    /// The version now in force, when saved.
    pub version: Option<i32>,
    /// Problems found (warnings included), in the office file or in a service it breaks.
    pub diagnostics: Vec<Diagnostic>,
}

impl Store {
    /// The office file in force.
    pub async fn office_file(&self, scope: &TenantScope) -> StoreResult<String> {
        let row = tenant::Entity::find_by_id(scope.tenant_id().to_string())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "dinas" })?;
        Ok(row.source_yaml)
    }

    /// Every saved version of the office file, newest first.
    pub async fn office_file_versions(&self, scope: &TenantScope) -> StoreResult<Vec<OfficeFileVersion>> {
        let rows = office_file_version::Entity::find()
            .filter(office_file_version::Column::TenantId.eq(scope.tenant_id()))
            .order_by_desc(office_file_version::Column::Version)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| OfficeFileVersion {
                version: r.version,
                created_by: r.created_by,
                created_at: r.created_at,
                yaml: r.source_yaml,
            })
            .collect())
    }

    /// The validator's diagnostics for `yaml` as the office's file, without saving it; whether it could be saved.
    pub async fn check_office_file(
        &self,
        scope: &TenantScope,
        yaml: &str,
    ) -> StoreResult<(Option<Tenant>, Vec<Diagnostic>)> {
        self.check_office_file_with(scope, yaml, &Default::default()).await
    }

    /// [`Self::check_office_file`] as if the office also had the template files `coming` (a bundle's emblem,
    /// checked before any of it is imported).
    pub async fn check_office_file_with(
        &self,
        scope: &TenantScope,
        yaml: &str,
        coming: &std::collections::BTreeSet<String>,
    ) -> StoreResult<(Option<Tenant>, Vec<Diagnostic>)> {
        let mut templates = self.template_names(scope).await?;
        templates.extend(coming.iter().cloned());
        let calendars: Vec<Loaded<Calendar>> = calendar::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| {
                let source = SourceFile::new(format!("calendars/{}.yaml", c.code), c.source_yaml);
                parse::<Calendar>(&format!("{}.yaml", c.code), &source.text).map(|value| Loaded { value, source })
            })
            .collect::<StoreResult<_>>()?;
        let services: Vec<Loaded<ServiceDefinition>> = service_version::Entity::find()
            .filter(service_version::Column::TenantId.eq(scope.tenant_id()))
            .filter(service_version::Column::Status.is_in(VersionStatus::LIVE.map(VersionStatus::code)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|v| {
                let path = format!("{}/services/{}.yaml", scope.tenant_id(), v.service_code);
                let source = SourceFile::new(path, v.source_yaml);
                parse::<ServiceDefinition>(&v.service_code, &source.text).map(|value| Loaded { value, source })
            })
            .collect::<StoreResult<_>>()?;
        let file = SourceFile::new(format!("{}/tenant.yaml", scope.tenant_id()), yaml.to_string());
        let folder = scope.tenant_id().to_string();
        // Validation is CPU work (every service of the office checked again): the blocking pool's.
        let (tenant, diagnostics) = tokio::task::spawn_blocking(move || {
            simpul_definitions::validate::tenant_source(&file, &folder, calendars, &templates, services)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?;
        let usable = !simpul_definitions::diagnostics::has_errors(&diagnostics);
        Ok((tenant.filter(|_| usable), diagnostics))
    }

    /// Checks `yaml` and, without errors, makes it the office's file in force: a new version, audited. The first
    /// change also keeps the file as it was, as version 1.
    pub async fn save_office_file(
        &self,
        scope: &TenantScope,
        yaml: &str,
        actor: &str,
    ) -> StoreResult<OfficeFileResult> {
        let (checked, diagnostics) = self.check_office_file(scope, yaml).await?;
        let Some(new) = checked else { return Ok(OfficeFileResult { version: None, diagnostics }) };
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let row = tenant::Entity::find_by_id(scope.tenant_id().to_string())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound { what: "dinas" })?;
        let old: Tenant = parse("tenant.yaml", &row.source_yaml)?;
        for (what, before, after) in [
            ("kode dinas", &old.code, &new.code),
            ("kode provinsi", &old.province.code, &new.province.code),
            ("kode wilayah", &old.region_code, &new.region_code),
        ] {
            if before != after {
                return Err(StoreError::OfficeIdentity { what, before: before.clone() });
            }
        }
        let version = record_version(&txn, &row, yaml, actor, now).await?;
        let mut active: tenant::ActiveModel = row.into();
        active.name = Set(new.name.clone());
        active.time_zone = Set(new.time_zone.clone());
        active.calendar_code = Set(new.calendar.clone());
        active.source_yaml = Set(yaml.to_string());
        active.updated_at = Set(now);
        active.update(&txn).await?;
        let detail = format!("berkas dinas versi {version} disimpan dan berlaku");
        audit::row(scope, actor, action::OFFICE_FILE, "berkas-dinas", &detail, now).insert(&txn).await?;
        txn.commit().await?;
        self.forget_definitions();
        Ok(OfficeFileResult { version: Some(version), diagnostics })
    }
}

/// Keeps `yaml` as the next version of the office file of `row` (the office as it is before the change); the
/// first change also keeps the file as it was, as version 1. Used by the API's saves and by `definitions sync`,
/// so that a file the folder brings back is one more version, and the admins' edits stay in the history.
pub(super) async fn record_version<C: sea_orm::ConnectionTrait>(
    conn: &C,
    row: &tenant::Model,
    yaml: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> StoreResult<i32> {
    let latest = office_file_version::Entity::find()
        .filter(office_file_version::Column::TenantId.eq(&row.id))
        .order_by_desc(office_file_version::Column::Version)
        .one(conn)
        .await?;
    let version = match latest {
        Some(l) => l.version + 1,
        None => {
            insert(conn, &row.id, 1, &row.source_yaml, "system", row.updated_at).await?;
            2
        }
    };
    insert(conn, &row.id, version, yaml, actor, now).await?;
    Ok(version)
}

async fn insert<C: sea_orm::ConnectionTrait>(
    conn: &C,
    tenant: &str,
    version: i32,
    yaml: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    office_file_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant.to_string()),
        version: Set(version),
        content_hash: Set(content_hash(yaml)),
        source_yaml: Set(yaml.to_string()),
        created_by: Set(actor.to_string()),
        created_at: Set(at),
    }
    .insert(conn)
    .await?;
    Ok(())
}
