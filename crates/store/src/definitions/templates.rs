//! Each office's letter templates (Handlebars producing Typst) and the images they show (the emblem), kept in the
//! database so that its admins change them through the API: every saved version with who and when, audited, the
//! one in force marked `current`. The renderer of every instance compares the fingerprint of the set it holds
//! with the one served here, so a saved template prints on the next letter everywhere, without a restart.
//! The shipped folder's files are the first versions; `definitions sync` adds a version for a file that changed.
//!
//! What a template must be to print (it parses, it renders with sample data for every product that names it)
//! is checked by the API before it saves here: the store has no renderer. The store refuses what no office's
//! file may be whoever saves it: a name that is not a plain file name, a file over its limit, a template that
//! is not text, an image that is not what its name says.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sea_orm::{PaginatorTrait, TransactionTrait};
use sha2::{Digest, Sha256};
use simpul_definitions::model::TemplateFileKind;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, action};
use crate::entities::template_file;
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

/// Largest template: the longest shipped one is under 8 KB; a letter of several pages with tables stays far
/// below this, and every instance holds every office's templates in memory.
pub const TEMPLATE_LIMIT: usize = 256 * 1024;
/// Largest image: an emblem printed 2 cm wide needs well under 200 KB even as a 300 dpi PNG; every instance holds
/// the images of every office in memory, and each letter that shows one embeds it in its PDF.
pub const IMAGE_LIMIT: usize = 1024 * 1024;

/// The files of an office in force, as the renderer takes them.
#[derive(Debug, Default)]
pub struct TemplateFiles {
    /// SHA-256 over every name and content hash: the same for the same files, so the renderer re-reads only a
    /// set that changed.
    pub fingerprint: String,
    /// Each file's bytes by name.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// One saved version of a file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVersion {
    /// The file's name.
    pub name: String,
    /// From 1 (the shipped file).
    pub version: i32,
    /// Whether it is the version in force.
    pub current: bool,
    /// SHA-256 of the bytes, hex.
    pub content_hash: String,
    /// Size in bytes.
    pub size: usize,
    /// Who saved it (user id, or `system` for the shipped file).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl TemplateVersion {
    fn of(row: &template_file::Model) -> Self {
        TemplateVersion {
            name: row.name.clone(),
            version: row.version,
            current: row.current,
            content_hash: row.content_hash.clone(),
            size: row.content.len(),
            created_by: row.created_by.clone(),
            created_at: row.created_at,
        }
    }
}

/// The kind of a file the office may have, or why it may not; the content's checks by kind.
pub fn checked_kind(name: &str, content: &[u8]) -> StoreResult<TemplateFileKind> {
    let kind = TemplateFileKind::of_name(name).ok_or_else(|| StoreError::TemplateName { name: name.to_string() })?;
    let (limit, problem) = match kind {
        TemplateFileKind::Template => {
            (TEMPLATE_LIMIT, std::str::from_utf8(content).is_err().then_some("bukan teks (UTF-8)"))
        }
        TemplateFileKind::Image(image) => {
            (IMAGE_LIMIT, (!image.matches(content)).then_some("bukan gambar sesuai akhiran namanya"))
        }
    };
    if content.len() > limit {
        return Err(StoreError::TemplateTooLarge { name: name.to_string(), limit_kb: limit / 1024 });
    }
    if let Some(problem) = problem {
        return Err(StoreError::TemplateContent { name: name.to_string(), problem });
    }
    Ok(kind)
}

fn bytes_hash(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

fn current_of(tenant: &str) -> sea_orm::Select<template_file::Entity> {
    template_file::Entity::find()
        .filter(template_file::Column::TenantId.eq(tenant))
        .filter(template_file::Column::Current.eq(true))
        .order_by_asc(template_file::Column::Name)
}

impl Store {
    /// The office's files in force (cached until definitions change, as published versions are).
    pub async fn template_files(&self, scope: &TenantScope) -> StoreResult<Arc<TemplateFiles>> {
        let cached = self.caches.templates.read().ok().and_then(|c| c.get(scope.tenant_id()).cloned());
        if let Some((hit, at)) = cached
            && at.elapsed() < crate::FRESH
        {
            return Ok(hit);
        }
        let rows = current_of(scope.tenant_id()).all(&self.db).await?;
        let mut fingerprint = Sha256::new();
        for row in &rows {
            fingerprint.update(row.name.as_bytes());
            fingerprint.update([0]);
            fingerprint.update(row.content_hash.as_bytes());
        }
        let files = Arc::new(TemplateFiles {
            fingerprint: hex::encode(fingerprint.finalize()),
            files: rows.into_iter().map(|r| (r.name, r.content)).collect(),
        });
        if let Ok(mut cache) = self.caches.templates.write() {
            cache.insert(scope.tenant_id().to_string(), (files.clone(), std::time::Instant::now()));
        }
        Ok(files)
    }

    /// The names of the office's files in force: what a service's products and the kop may name.
    pub async fn template_names(&self, scope: &TenantScope) -> StoreResult<BTreeSet<String>> {
        Ok(self.template_files(scope).await?.files.keys().cloned().collect())
    }

    /// The version in force of each of the office's files, by name.
    pub async fn current_template_versions(&self, scope: &TenantScope) -> StoreResult<Vec<TemplateVersion>> {
        Ok(current_of(scope.tenant_id()).all(&self.db).await?.iter().map(TemplateVersion::of).collect())
    }

    /// Every saved version of one of the office's files, newest first.
    pub async fn template_versions(&self, scope: &TenantScope, name: &str) -> StoreResult<Vec<TemplateVersion>> {
        let rows = template_file::Entity::find()
            .filter(template_file::Column::TenantId.eq(scope.tenant_id()))
            .filter(template_file::Column::Name.eq(name))
            .order_by_desc(template_file::Column::Version)
            .all(&self.db)
            .await?;
        Ok(rows.iter().map(TemplateVersion::of).collect())
    }

    /// One version of a file (the one in force without `version`) with its bytes.
    pub async fn template_file(
        &self,
        scope: &TenantScope,
        name: &str,
        version: Option<i32>,
    ) -> StoreResult<(TemplateVersion, Vec<u8>)> {
        let mut query = template_file::Entity::find()
            .filter(template_file::Column::TenantId.eq(scope.tenant_id()))
            .filter(template_file::Column::Name.eq(name));
        query = match version {
            Some(v) => query.filter(template_file::Column::Version.eq(v)),
            None => query.filter(template_file::Column::Current.eq(true)),
        };
        let row = query.one(&self.db).await?.ok_or(StoreError::NotFound { what: "berkas templat" })?;
        Ok((TemplateVersion::of(&row), row.content))
    }

    /// Makes `content` the office's file `name` in force: a new version, audited, forgotten by every cache of
    /// this process (the caller tells the other instances). The same bytes as the version in force change
    /// nothing and give its number.
    pub async fn save_template_file(
        &self,
        scope: &TenantScope,
        name: &str,
        content: &[u8],
        actor: &str,
    ) -> StoreResult<i32> {
        checked_kind(name, content)?;
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let saved = put(&txn, scope.tenant_id(), name, content, actor, now).await?;
        if let Put::Saved(version) = saved {
            let detail = format!("berkas templat {name} versi {version} disimpan dan berlaku");
            audit::row(scope, actor, action::TEMPLATE, &format!("templat:{name}"), &detail, now).insert(&txn).await?;
        }
        txn.commit().await?;
        self.forget_definitions();
        Ok(saved.version())
    }

    /// Imports the folder's template files of every office that has none in the database yet (a database from
    /// before templates were kept here); returns how many files were imported.
    pub async fn import_templates_if_empty(&self, dir: &Path) -> StoreResult<usize> {
        let tenants = self.tenants().await?;
        match self.import_templates_of(dir, &tenants).await {
            Ok(imported) => {
                if imported > 0 {
                    self.forget_definitions();
                }
                Ok(imported)
            }
            // Two instances starting at once on a new database both import; the one whose rows came second
            // fails on the version's unique index, and finds the other's rows there.
            Err(error) if template_file::Entity::find().count(&self.db).await? > 0 => {
                tracing::info!(%error, "another instance imported the template files first");
                Ok(0)
            }
            Err(error) => Err(error),
        }
    }

    async fn import_templates_of(&self, dir: &Path, tenants: &[(String, String)]) -> StoreResult<usize> {
        let mut imported = 0;
        let txn = self.db.begin().await?;
        for (tenant, _) in tenants {
            let has =
                template_file::Entity::find().filter(template_file::Column::TenantId.eq(tenant)).count(&txn).await?;
            if has == 0 {
                let folder = dir.join(tenant).join("templates");
                imported += import_folder(&txn, tenant, &folder, "system", Utc::now()).await?.len();
            }
        }
        txn.commit().await?;
        Ok(imported)
    }
}

/// What [`put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Put {
    /// A new version, now in force.
    Saved(i32),
    /// The bytes were those of the version in force.
    Unchanged(i32),
}

impl Put {
    pub(crate) fn version(self) -> i32 {
        match self {
            Put::Saved(v) | Put::Unchanged(v) => v,
        }
    }
}

/// Stores `content` as the tenant's file `name` in force unless it already is; no audit row (the caller words
/// it).
pub(crate) async fn put<C: ConnectionTrait>(
    conn: &C,
    tenant: &str,
    name: &str,
    content: &[u8],
    actor: &str,
    now: DateTime<Utc>,
) -> StoreResult<Put> {
    let hash = bytes_hash(content);
    let latest = template_file::Entity::find()
        .filter(template_file::Column::TenantId.eq(tenant))
        .filter(template_file::Column::Name.eq(name))
        .order_by_desc(template_file::Column::Version)
        .select_only()
        .column(template_file::Column::Version)
        .column(template_file::Column::Current)
        .column(template_file::Column::ContentHash)
        .into_tuple::<(i32, bool, String)>()
        .one(conn)
        .await?;
    let version = match &latest {
        Some((v, true, h)) if *h == hash => return Ok(Put::Unchanged(*v)),
        Some((v, _, _)) => v + 1,
        None => 1,
    };
    template_file::Entity::update_many()
        .col_expr(template_file::Column::Current, Expr::value(false))
        .filter(template_file::Column::TenantId.eq(tenant))
        .filter(template_file::Column::Name.eq(name))
        .exec(conn)
        .await?;
    template_file::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant.to_string()),
        name: Set(name.to_string()),
        version: Set(version),
        current: Set(true),
        content_hash: Set(hash),
        content: Set(content.to_vec()),
        created_by: Set(actor.to_string()),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(Put::Saved(version))
}

/// Stores every file of a tenant's `templates/` folder that differs from its version in force; the names of
/// those that changed.
pub(crate) async fn import_folder<C: ConnectionTrait>(
    conn: &C,
    tenant: &str,
    folder: &Path,
    actor: &str,
    now: DateTime<Utc>,
) -> StoreResult<Vec<String>> {
    let mut changed = Vec::new();
    if !folder.is_dir() {
        return Ok(changed);
    }
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map_err(|e| StoreError::Corrupt(format!("reading {}: {e}", folder.display())))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| TemplateFileKind::of_name(name).is_some())
        .collect();
    names.sort();
    for name in names {
        let content = std::fs::read(folder.join(&name))
            .map_err(|e| StoreError::Corrupt(format!("reading {}/{name}: {e}", folder.display())))?;
        checked_kind(&name, &content)?;
        if let Put::Saved(_) = put(conn, tenant, &name, &content, actor, now).await? {
            changed.push(name);
        }
    }
    Ok(changed)
}
