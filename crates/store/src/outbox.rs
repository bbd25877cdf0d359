//! The outbox: one row per committed event, written in the same transaction, so that notifications (GraphQL
//! subscriptions, webhooks) are sent for exactly the changes that happened and none is lost in a crash.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
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
    /// The step the application is in after the event, if any.
    pub step: Option<String>,
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
            step: m.step,
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
    step: Option<&str>,
    payload: String,
    at: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(scope.tenant_id().to_string()),
        application_id: Set(application),
        event_seq: Set(seq),
        kind: Set(kind.to_string()),
        step: Set(step.map(String::from)),
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

    /// Undelivered messages of all tenants, oldest first and each application's in the order of its history:
    /// for the dispatcher, a trusted background task. With `since`, only those written since then (see
    /// [`crate::polls::Sweeps`]); without, all of them.
    pub async fn pending_outbox(
        &self,
        _system: &SystemAccess,
        since: Option<DateTime<Utc>>,
        limit: u64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        let rows = pending_query(since, limit).all(&self.db).await?;
        Ok(in_application_order(rows.into_iter().map(Into::into).collect()))
    }
}

/// The dispatcher's poll: it reads the partial index `outbox_undelivered`, which holds the undelivered rows only,
/// from the first id of `since` on (ids are time-ordered).
pub(crate) fn pending_query(since: Option<DateTime<Utc>>, limit: u64) -> sea_orm::Select<outbox::Entity> {
    let mut query = outbox::Entity::find().filter(outbox::Column::DeliveredAt.is_null());
    if let Some(since) = since {
        query = query.filter(outbox::Column::Id.gte(crate::polls::first_id_of(since)));
    }
    query.order_by_asc(outbox::Column::Id).limit(limit)
}

/// Puts each application's messages in the order of its history (event sequence, then time) while keeping the
/// slots the application's messages had: ids are time-ordered, but two instances' clocks may disagree by a little.
fn in_application_order(mut messages: Vec<OutboxMessage>) -> Vec<OutboxMessage> {
    let mut slots: HashMap<Uuid, Vec<usize>> = HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        slots.entry(m.application_id).or_default().push(i);
    }
    for positions in slots.values().filter(|p| p.len() > 1) {
        let mut group: Vec<OutboxMessage> = positions.iter().map(|&i| messages[i].clone()).collect();
        group.sort_by_key(|m| (m.event_seq, m.created_at, m.id));
        for (&i, m) in positions.iter().zip(group) {
            messages[i] = m;
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(application: Uuid, seq: i64, minute: u32) -> OutboxMessage {
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, 9, minute, 0).single().expect("time");
        OutboxMessage {
            id: Uuid::now_v7(),
            tenant_id: String::from("bulukumba"),
            application_id: application,
            event_seq: seq,
            kind: String::from("action_taken"),
            step: None,
            payload: String::new(),
            created_at: at,
            delivered_at: None,
        }
    }

    #[test]
    fn each_application_keeps_its_history_order_in_its_own_slots() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        // A's third event got an earlier id than its second (another instance's clock).
        let messages = vec![message(a, 3, 2), message(b, 1, 0), message(a, 2, 1), message(b, 2, 3)];
        let order: Vec<(Uuid, i64)> =
            in_application_order(messages).into_iter().map(|m| (m.application_id, m.event_seq)).collect();
        assert_eq!(order, vec![(a, 2), (b, 1), (a, 3), (b, 2)]);
    }
}
