//! Metadata of stored documents (scans of requirements, survey photos): where the object is, its SHA-256 and
//! size. The objects themselves live in the files layer.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::Store;
use crate::entities::{application, document};
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

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

impl Store {
    /// Records a stored document of an application of the tenant.
    pub async fn record_document(
        &self,
        scope: &TenantScope,
        application_id: Uuid,
        created_by: &str,
        new: NewDocument,
    ) -> StoreResult<DocumentRecord> {
        let owned = application::Entity::find_by_id(application_id)
            .filter(application::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?;
        if owned.is_none() {
            return Err(StoreError::NotFound { what: "permohonan" });
        }
        let model = document::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(scope.tenant_id().to_string()),
            application_id: Set(application_id),
            requirement: Set(new.requirement),
            storage_key: Set(new.storage_key),
            sha256: Set(new.sha256),
            size_bytes: Set(new.size_bytes),
            content_type: Set(new.content_type),
            created_by: Set(created_by.to_string()),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await?;
        Ok(model.into())
    }

    /// The documents of an application of the tenant.
    pub async fn documents_of(&self, scope: &TenantScope, application_id: Uuid) -> StoreResult<Vec<DocumentRecord>> {
        let rows = document::Entity::find()
            .filter(document::Column::TenantId.eq(scope.tenant_id()))
            .filter(document::Column::ApplicationId.eq(application_id))
            .order_by_asc(document::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
