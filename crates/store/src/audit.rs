//! The audit log: who read or changed personal data, and when (UU 27/2022 asks for it); and who changed the
//! office's accounts and keys.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::Store;
use crate::entities::audit;
use crate::error::StoreResult;
use crate::scope::TenantScope;

/// What was done to personal data.
pub mod action {
    /// Personal data was shown unmasked.
    pub const READ: &str = "read";
    /// Personal data was created or changed.
    pub const CHANGE: &str = "change";
    /// A document was downloaded.
    pub const DOWNLOAD: &str = "download";
    /// An account or API key of the office was created or changed (by its admin or the command line).
    pub const ACCOUNT: &str = "account";
    /// A signed letter of the application was revoked.
    pub const REVOKE_LETTER: &str = "revoke_letter";
    /// A message to the applicant was sent again by an officer.
    pub const RESEND_NOTIFICATION: &str = "resend_notification";
    /// A registry export was imported (the people of a district).
    pub const REGISTRY_IMPORT: &str = "registry_import";
    /// An applicant was looked up in a registry snapshot.
    pub const REGISTRY_LOOKUP: &str = "registry_lookup";
    /// A service definition was drafted, reviewed, published or rolled back.
    pub const DEFINITION: &str = "definition";
    /// The office file (letterhead, signatories, numbering, hours, days off) was changed.
    pub const OFFICE_FILE: &str = "office_file";
    /// A letter template or image (the emblem) of the office was changed.
    pub const TEMPLATE: &str = "template";
    /// A bundle of definitions from another installation was imported.
    pub const BUNDLE_IMPORT: &str = "bundle_import";
}

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Who.
    pub actor: String,
    /// Read, change, download.
    pub action: String,
    /// Which record (an application id).
    pub subject: String,
    /// What exactly (field names, never their values).
    pub detail: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<audit::Model> for AuditEntry {
    fn from(r: audit::Model) -> Self {
        AuditEntry { actor: r.actor, action: r.action, subject: r.subject, detail: r.detail, at: r.at }
    }
}

pub(crate) fn row(
    scope: &TenantScope,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    at: DateTime<Utc>,
) -> audit::ActiveModel {
    audit::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(scope.tenant_id().to_string()),
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        subject: Set(subject.to_string()),
        detail: Set(detail.to_string()),
        at: Set(at),
    }
}

impl Store {
    /// Records an access to personal data, or a change an admin made outside a transaction of its own.
    pub async fn record_audit(
        &self,
        scope: &TenantScope,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        row(scope, actor, action, subject, detail, Utc::now()).insert(&self.db).await?;
        Ok(())
    }

    /// Records several accesses to personal data by one actor in one statement (the unmasked rows of a list):
    /// `(subject, detail)` pairs.
    pub async fn record_audits(
        &self,
        scope: &TenantScope,
        actor: &str,
        action: &str,
        entries: &[(String, String)],
    ) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        let rows = entries.iter().map(|(subject, detail)| row(scope, actor, action, subject, detail, now));
        audit::Entity::insert_many(rows).exec(&self.db).await?;
        Ok(())
    }

    /// The entries about one subject, oldest first.
    pub async fn audit_entries(&self, scope: &TenantScope, subject: &str) -> StoreResult<Vec<AuditEntry>> {
        let rows = audit::Entity::find()
            .filter(audit::Column::TenantId.eq(scope.tenant_id()))
            .filter(audit::Column::Subject.eq(subject))
            .order_by_asc(audit::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// The entries of one action in the tenant, newest first, at most `limit`.
    pub async fn audit_of_action(&self, scope: &TenantScope, action: &str, limit: u64) -> StoreResult<Vec<AuditEntry>> {
        let rows = audit::Entity::find()
            .filter(audit::Column::TenantId.eq(scope.tenant_id()))
            .filter(audit::Column::Action.eq(action))
            .order_by_desc(audit::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }
}
