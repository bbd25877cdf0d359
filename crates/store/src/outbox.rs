//! The outbox: one row per committed event, written in the same transaction, so that notifications (GraphQL
//! subscriptions, webhooks) are sent for exactly the changes that happened and none is lost in a crash.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::Store;
use crate::entities::outbox;
use crate::error::StoreResult;
use crate::scope::{SystemAccess, TenantScope};

/// One message waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Message id (time-ordered).
    pub id: Uuid,
    /// The tenant.
    pub tenant_id: String,
    /// The application.
    pub application_id: Uuid,
    /// The event's position in the application's history.
    pub event_seq: i64,
    /// The event's type (`submitted`, `action_taken`, …).
    pub kind: String,
    /// The event as JSON.
    pub payload: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was delivered, if it was.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<outbox::Model> for OutboxMessage {
    fn from(m: outbox::Model) -> Self {
        OutboxMessage {
            id: m.id,
            tenant_id: m.tenant_id,
            application_id: m.application_id,
            event_seq: m.event_seq,
            kind: m.kind,
            payload: m.payload,
            created_at: m.created_at,
            delivered_at: m.delivered_at,
        }
    }
}

pub(crate) fn row(
    scope: &TenantScope,
    application: Uuid,
    seq: i64,
    kind: &str,
    payload: String,
    at: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(scope.tenant_id().to_string()),
        application_id: Set(application),
        event_seq: Set(seq),
        kind: Set(kind.to_string()),
        payload: Set(payload),
        created_at: Set(at),
        delivered_at: Set(None),
    }
}

impl Store {
    /// The messages of one application, oldest first.
    pub async fn outbox_of(&self, scope: &TenantScope, application: Uuid) -> StoreResult<Vec<OutboxMessage>> {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::TenantId.eq(scope.tenant_id()))
            .filter(outbox::Column::ApplicationId.eq(application))
            .order_by_asc(outbox::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Undelivered messages of all tenants, oldest first: for the delivery worker, a trusted background task.
    pub async fn pending_outbox(&self, _system: &SystemAccess, limit: u64) -> StoreResult<Vec<OutboxMessage>> {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::DeliveredAt.is_null())
            .order_by_asc(outbox::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Marks a message delivered.
    pub async fn mark_delivered(&self, _system: &SystemAccess, id: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
        if let Some(row) = outbox::Entity::find_by_id(id).one(&self.db).await? {
            let mut active: outbox::ActiveModel = row.into();
            active.delivered_at = Set(Some(at));
            active.update(&self.db).await?;
        }
        Ok(())
    }
}
