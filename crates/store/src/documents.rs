//! Metadata of stored documents (scans of requirements, survey photos): where the object is, its SHA-256 and
//! size. The objects themselves live in the files layer.

use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::Store;
use crate::entities::{document, letter};
use crate::error::{StoreError, StoreResult};
use crate::scope::{SystemAccess, TenantScope};

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// Id.
    pub id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The requirement it meets.
    pub requirement: String,
    /// Key in the object store (`<tenant>/<application>/<uuid>`).
    pub storage_key: String,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The sniffed content type.
    pub content_type: String,
    /// Who stored it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<document::Model> for DocumentRecord {
    fn from(m: document::Model) -> Self {
        DocumentRecord {
            id: m.id,
            application_id: m.application_id,
            requirement: m.requirement,
            storage_key: m.storage_key,
            sha256: m.sha256,
            size_bytes: m.size_bytes,
            content_type: m.content_type,
            created_by: m.created_by,
            created_at: m.created_at,
        }
    }
}

/// A document to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    /// The requirement it meets.
    pub requirement: String,
    /// Key in the object store.
    pub storage_key: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Content type.
    pub content_type: String,
}

pub(crate) fn row(
    scope: &TenantScope,
    id: Uuid,
    application_id: Uuid,
    created_by: &str,
    new: NewDocument,
    at: DateTime<Utc>,
) -> document::Model {
    document::Model {
        id,
        tenant_id: scope.tenant_id().to_string(),
        application_id,
        requirement: new.requirement,
        storage_key: new.storage_key,
        sha256: new.sha256,
        size_bytes: new.size_bytes,
        content_type: new.content_type,
        created_by: created_by.to_string(),
        created_at: at,
    }
}

impl Store {
    /// The documents of an application of the tenant.
    pub async fn documents_of(&self, scope: &TenantScope, application_id: Uuid) -> StoreResult<Vec<DocumentRecord>> {
        self.documents_of_applications(scope, &[application_id]).await
    }

    /// The documents of several applications (the entries of a list) in one query, oldest first.
    pub async fn documents_of_applications(
        &self,
        scope: &TenantScope,
        applications: &[Uuid],
    ) -> StoreResult<Vec<DocumentRecord>> {
        let rows = document::Entity::find()
            .filter(document::Column::TenantId.eq(scope.tenant_id()))
            .filter(document::Column::ApplicationId.is_in(self.visible_ids(scope, applications).await?))
            .order_by_asc(document::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// One document of the tenant.
    pub async fn document(&self, scope: &TenantScope, id: Uuid) -> StoreResult<DocumentRecord> {
        let document: DocumentRecord = document::Entity::find_by_id(id)
            .filter(document::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .map(Into::into)
            .ok_or(StoreError::NotFound { what: "dokumen" })?;
        let visible = self.visible_ids(scope, &[document.application_id]).await?;
        visible.first().ok_or(StoreError::NotFound { what: "dokumen" })?;
        Ok(document)
    }

    /// Every object key the database knows (documents and archived letters of every tenant), for the orphan
    /// sweep. Cross-tenant, so it needs [`SystemAccess`].
    pub async fn stored_keys(&self, _access: &SystemAccess) -> StoreResult<BTreeSet<String>> {
        let mut keys: BTreeSet<String> = document::Entity::find()
            .select_only()
            .column(document::Column::StorageKey)
            .into_tuple::<String>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        keys.extend(
            letter::Entity::find()
                .select_only()
                .column(letter::Column::StorageKey)
                .filter(letter::Column::StorageKey.is_not_null())
                .into_tuple::<Option<String>>()
                .all(&self.db)
                .await?
                .into_iter()
                .flatten(),
        );
        Ok(keys)
    }
}
