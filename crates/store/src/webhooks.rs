//! Webhooks: endpoints a tenant admin registers to be told of the tenant's events, and the queue of deliveries
//! to them. The dispatcher turns each committed outbox row into one delivery per matching endpoint and marks the
//! row handed over, in one transaction; the sender sends the head of each (endpoint, application) queue, so an
//! application's events arrive in the order of its history, and records every attempt. A delivery that keeps
//! failing is retried with backoff until the sender gives up on it ("failed"); it then no longer holds back the
//! events after it, and an admin can replay it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::entities::{outbox, webhook, webhook_attempt, webhook_delivery};
use crate::error::{StoreError, StoreResult};
use crate::notifications::NewNotification;
use crate::outbox::OutboxMessage;
use crate::predicates::literal;
use crate::scope::{SystemAccess, TenantScope};

/// Delivery statuses.
pub mod status {
    /// Waiting for its (next) attempt.
    pub const PENDING: &str = "pending";
    /// The endpoint answered 2xx.
    pub const DELIVERED: &str = "delivered";
    /// Every attempt failed and the sender gave up; replaying it puts it back in the queue.
    pub const FAILED: &str = "failed";
}

/// A registered endpoint (its secret is never read back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: Uuid,
    /// The tenant whose events it receives.
    pub tenant_id: String,
    /// Where events are POSTed.
    pub url: String,
    /// The event kinds it wants; empty for every kind.
    pub events: Vec<String>,
    /// What it is for, in the admin's words.
    pub description: String,
    /// Whether events are sent to it; an inactive endpoint gets no new deliveries.
    pub active: bool,
    /// Who registered it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Webhook {
    /// Whether it wants events of `kind`.
    pub fn wants(&self, kind: &str) -> bool {
        self.events.is_empty() || self.events.iter().any(|e| e == kind)
    }
}

impl TryFrom<webhook::Model> for Webhook {
    type Error = StoreError;

    fn try_from(m: webhook::Model) -> StoreResult<Self> {
        Ok(Webhook {
            id: m.id,
            tenant_id: m.tenant_id,
            url: m.url,
            events: serde_json::from_str(&m.events).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            description: m.description,
            active: m.active,
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// What an admin registers.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Where to POST.
    pub url: String,
    /// The shared secret the requests are signed with.
    pub secret: String,
    /// Event kinds; empty for all.
    pub events: Vec<String>,
    /// What it is for.
    pub description: String,
}

/// A change to an endpoint; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct WebhookChange {
    /// New address.
    pub url: Option<String>,
    /// New secret.
    pub secret: Option<String>,
    /// New filter.
    pub events: Option<Vec<String>>,
    /// New description.
    pub description: Option<String>,
    /// Switch it on or off.
    pub active: Option<bool>,
}

/// One event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// Its id.
    pub id: Uuid,
    /// The endpoint.
    pub webhook_id: Uuid,
    /// The event's id (the outbox row's), the same in every delivery and replay of it: receivers deduplicate by it.
    pub event_id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// The event's position in the application's history.
    pub event_seq: i64,
    /// The event's kind.
    pub kind: String,
    /// The JSON body sent.
    pub body: String,
    /// pending, delivered or failed.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (for a pending delivery).
    pub next_attempt_at: DateTime<Utc>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When the endpoint accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<webhook_delivery::Model> for WebhookDelivery {
    fn from(m: webhook_delivery::Model) -> Self {
        WebhookDelivery {
            id: m.id,
            webhook_id: m.webhook_id,
            event_id: m.event_id,
            application_id: m.application_id,
            event_seq: m.event_seq,
            kind: m.kind,
            body: m.body,
            status: m.status,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            created_at: m.created_at,
            delivered_at: m.delivered_at,
        }
    }
}

/// One attempt at a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    /// 1 for the first attempt.
    pub number: i32,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: i64,
    /// The HTTP status the endpoint answered, if it answered.
    pub status_code: Option<i32>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// Whether the endpoint accepted it (2xx).
    pub succeeded: bool,
}

impl From<webhook_attempt::Model> for WebhookAttempt {
    fn from(m: webhook_attempt::Model) -> Self {
        WebhookAttempt {
            number: m.number,
            started_at: m.started_at,
            duration_ms: m.duration_ms,
            status_code: m.status_code,
            error: m.error,
            succeeded: m.succeeded,
        }
    }
}

/// A delivery due now, with where to send it and the secret to sign it with: for the sender only.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    /// The delivery.
    pub delivery: WebhookDelivery,
    /// The endpoint's address.
    pub url: String,
    /// The endpoint's secret.
    pub secret: String,
}

/// The result of one attempt, as the sender reports it.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: i64,
    /// The HTTP status, if the endpoint answered.
    pub status_code: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// Whether the endpoint accepted it.
    pub succeeded: bool,
    /// For a failure: when to try again, or `None` to give up.
    pub retry_at: Option<DateTime<Utc>>,
}

/// What a hand-over queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HandedOver {
    /// Webhook deliveries.
    pub deliveries: u64,
    /// Messages to applicants and operators.
    pub notifications: u64,
}

/// The body every endpoint receives for an event: what happened, never the applicant's personal data (the
/// integrator reads those through GraphQL with its own key and rights).
pub fn event_body(message: &OutboxMessage) -> String {
    let mut body = serde_json::json!({
        "id": message.id,
        "tenant": message.tenant_id,
        "applicationId": message.application_id,
        "kind": message.kind,
        "sequence": message.event_seq,
        "step": message.step,
        "at": message.created_at,
    });
    if message.kind.starts_with("deadline_")
        && let Ok(detail) = serde_json::from_str::<serde_json::Value>(&message.payload)
    {
        body["deadline"] = detail["deadline"].clone();
        body["dueAt"] = detail["due_at"].clone();
    }
    if message.kind == crate::letters::LETTER_REVOKED
        && let Ok(detail) = serde_json::from_str::<serde_json::Value>(&message.payload)
    {
        body["letter"] = serde_json::json!({ "id": detail["letter_id"], "number": detail["number"] });
        body["reason"] = detail["reason"].clone();
    }
    body.to_string()
}

fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

const NOT_FOUND: StoreError = StoreError::NotFound { what: "webhook" };

impl Store {
    /// Registers an endpoint for the tenant's events from now on.
    pub async fn register_webhook(
        &self,
        scope: &TenantScope,
        created_by: &str,
        new: NewWebhook,
        now: DateTime<Utc>,
    ) -> StoreResult<Webhook> {
        let row = webhook::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(scope.tenant_id().to_string()),
            url: Set(new.url),
            secret: Set(new.secret),
            events: Set(json(&new.events)?),
            description: Set(new.description),
            active: Set(true),
            created_by: Set(created_by.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await?;
        row.try_into()
    }

    /// Changes an endpoint of the tenant.
    pub async fn update_webhook(
        &self,
        scope: &TenantScope,
        id: Uuid,
        change: WebhookChange,
        now: DateTime<Utc>,
    ) -> StoreResult<Webhook> {
        let row = self.webhook_row(scope, id).await?;
        let mut active: webhook::ActiveModel = row.into();
        if let Some(url) = change.url {
            active.url = Set(url);
        }
        if let Some(secret) = change.secret {
            active.secret = Set(secret);
        }
        if let Some(events) = change.events {
            active.events = Set(json(&events)?);
        }
        if let Some(description) = change.description {
            active.description = Set(description);
        }
        if let Some(on) = change.active {
            active.active = Set(on);
        }
        active.updated_at = Set(now);
        active.update(&self.db).await?.try_into()
    }

    /// Removes an endpoint of the tenant with its deliveries and their attempts.
    pub async fn delete_webhook(&self, scope: &TenantScope, id: Uuid) -> StoreResult<()> {
        self.webhook_row(scope, id).await?;
        let txn = self.db.begin().await?;
        let deliveries = Query::select()
            .column(webhook_delivery::Column::Id)
            .from(webhook_delivery::Entity)
            .and_where(Expr::col(webhook_delivery::Column::WebhookId).eq(id))
            .to_owned();
        webhook_attempt::Entity::delete_many()
            .filter(webhook_attempt::Column::TenantId.eq(scope.tenant_id()))
            .filter(webhook_attempt::Column::DeliveryId.in_subquery(deliveries))
            .exec(&txn)
            .await?;
        webhook_delivery::Entity::delete_many()
            .filter(webhook_delivery::Column::TenantId.eq(scope.tenant_id()))
            .filter(webhook_delivery::Column::WebhookId.eq(id))
            .exec(&txn)
            .await?;
        webhook::Entity::delete_by_id(id).filter(webhook::Column::TenantId.eq(scope.tenant_id())).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The tenant's endpoints, oldest first.
    pub async fn webhooks(&self, scope: &TenantScope) -> StoreResult<Vec<Webhook>> {
        webhook::Entity::find()
            .filter(webhook::Column::TenantId.eq(scope.tenant_id()))
            .order_by_asc(webhook::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Webhook::try_from)
            .collect()
    }

    /// One endpoint of the tenant.
    pub async fn webhook(&self, scope: &TenantScope, id: Uuid) -> StoreResult<Webhook> {
        self.webhook_row(scope, id).await?.try_into()
    }

    async fn webhook_row(&self, scope: &TenantScope, id: Uuid) -> StoreResult<webhook::Model> {
        webhook::Entity::find_by_id(id)
            .filter(webhook::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .ok_or(NOT_FOUND)
    }

    /// An endpoint's deliveries, newest first, optionally only those with `status`.
    pub async fn webhook_deliveries(
        &self,
        scope: &TenantScope,
        webhook: Uuid,
        status: Option<&str>,
        limit: u64,
    ) -> StoreResult<Vec<WebhookDelivery>> {
        let mut query = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::TenantId.eq(scope.tenant_id()))
            .filter(webhook_delivery::Column::WebhookId.eq(webhook));
        if let Some(status) = status {
            query = query.filter(webhook_delivery::Column::Status.eq(status));
        }
        let rows = query
            .order_by_desc(webhook_delivery::Column::CreatedAt)
            .order_by_desc(webhook_delivery::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// One delivery of the tenant.
    pub async fn webhook_delivery(&self, scope: &TenantScope, id: Uuid) -> StoreResult<WebhookDelivery> {
        webhook_delivery::Entity::find_by_id(id)
            .filter(webhook_delivery::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .map(Into::into)
            .ok_or(StoreError::NotFound { what: "pengiriman webhook" })
    }

    /// The attempts at a delivery, first first.
    pub async fn webhook_attempts(&self, scope: &TenantScope, delivery: Uuid) -> StoreResult<Vec<WebhookAttempt>> {
        let rows = webhook_attempt::Entity::find()
            .filter(webhook_attempt::Column::TenantId.eq(scope.tenant_id()))
            .filter(webhook_attempt::Column::DeliveryId.eq(delivery))
            .order_by_asc(webhook_attempt::Column::Number)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Sends a delivery again, whatever became of it: it goes back to the head of its queue, due now, with the
    /// same event id and body.
    pub async fn replay_delivery(&self, scope: &TenantScope, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        self.webhook_delivery(scope, id).await?;
        self.requeue(scope, webhook_delivery::Column::Id.eq(id), now).await?;
        Ok(())
    }

    /// Sends again every delivery of an endpoint queued at or after `since`; returns how many.
    pub async fn replay_deliveries(
        &self,
        scope: &TenantScope,
        webhook: Uuid,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.webhook_row(scope, webhook).await?;
        let filter =
            webhook_delivery::Column::WebhookId.eq(webhook).and(webhook_delivery::Column::CreatedAt.gte(since));
        self.requeue(scope, filter, now).await
    }

    async fn requeue(
        &self,
        scope: &TenantScope,
        filter: sea_orm::sea_query::SimpleExpr,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        use webhook_delivery::Column as D;
        let result = webhook_delivery::Entity::update_many()
            .col_expr(D::Status, status::PENDING.into())
            .col_expr(D::NextAttemptAt, now.into())
            .filter(D::TenantId.eq(scope.tenant_id()))
            .filter(filter)
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }

    /// Hands messages over: queues one delivery per message and active endpoint of its tenant that wants it and
    /// was registered by the time of the event, queues `notifications` (the dispatcher's choice of who is told
    /// what), and marks the messages handed over, in one transaction. Handing the same message over twice queues
    /// nothing new (one delivery per endpoint and event, one notification per event, channel and recipient).
    pub async fn hand_over(
        &self,
        _system: &SystemAccess,
        messages: &[OutboxMessage],
        notifications: &[NewNotification],
        now: DateTime<Utc>,
    ) -> StoreResult<HandedOver> {
        if messages.is_empty() {
            return Ok(HandedOver::default());
        }
        let mut tenants: Vec<&str> = messages.iter().map(|m| m.tenant_id.as_str()).collect();
        tenants.sort_unstable();
        tenants.dedup();
        let mut endpoints: HashMap<String, Vec<Webhook>> = HashMap::new();
        for row in webhook::Entity::find()
            .filter(webhook::Column::TenantId.is_in(tenants))
            .filter(webhook::Column::Active.eq(true))
            .all(&self.db)
            .await?
        {
            let hook = Webhook::try_from(row)?;
            endpoints.entry(hook.tenant_id.clone()).or_default().push(hook);
        }
        use webhook_delivery::Column as D;
        let txn = self.db.begin().await?;
        let mut queued = 0;
        for message in messages {
            let body = event_body(message);
            for hook in endpoints.get(&message.tenant_id).into_iter().flatten() {
                if !hook.wants(&message.kind) || hook.created_at > message.created_at {
                    continue;
                }
                let insert = Query::insert()
                    .into_table(webhook_delivery::Entity)
                    .columns([
                        D::Id,
                        D::TenantId,
                        D::WebhookId,
                        D::EventId,
                        D::ApplicationId,
                        D::EventSeq,
                        D::Kind,
                        D::Body,
                        D::Status,
                        D::Attempts,
                        D::NextAttemptAt,
                        D::CreatedAt,
                    ])
                    .values([
                        Uuid::now_v7().into(),
                        message.tenant_id.as_str().into(),
                        hook.id.into(),
                        message.id.into(),
                        message.application_id.into(),
                        message.event_seq.into(),
                        message.kind.as_str().into(),
                        body.as_str().into(),
                        status::PENDING.into(),
                        0.into(),
                        now.into(),
                        now.into(),
                    ])
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    // Queued already (the unique `webhook_deliveries_event`): nothing. No target columns, because
                    // the index holds `tenant_id` on PostgreSQL (for Citus) and not on SQLite.
                    .on_conflict(OnConflict::new().do_nothing().to_owned())
                    .to_owned();
                queued += txn.execute(&insert).await?.rows_affected();
            }
        }
        let notified = crate::notifications::queue(&txn, notifications, now).await?;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::DeliveredAt, Some(now).into())
            .filter(outbox::Column::Id.is_in(messages.iter().map(|m| m.id)))
            .filter(outbox::Column::DeliveredAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(HandedOver { deliveries: queued, notifications: notified })
    }

    /// Deliveries due at `now` that are at the head of their (endpoint, application) queue — no earlier event of
    /// the application is still pending for that endpoint — of active endpoints, most overdue first. With `since`,
    /// only those that fell due since then (see [`crate::polls::Sweeps`]); without, all of them.
    pub async fn due_deliveries(
        &self,
        _system: &SystemAccess,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        limit: u64,
    ) -> StoreResult<Vec<DueDelivery>> {
        let rows = due_query(now, since, limit).all(&self.db).await?;
        let mut hooks: HashMap<Uuid, webhook::Model> = HashMap::new();
        if !rows.is_empty() {
            for hook in webhook::Entity::find()
                .filter(webhook::Column::Id.is_in(rows.iter().map(|r| r.webhook_id)))
                .all(&self.db)
                .await?
            {
                hooks.insert(hook.id, hook);
            }
        }
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let hook = hooks.get(&row.webhook_id)?;
                Some(DueDelivery { url: hook.url.clone(), secret: hook.secret.clone(), delivery: row.into() })
            })
            .collect())
    }

    /// Records an attempt and its consequence for the delivery, in one transaction.
    pub async fn record_attempt(
        &self,
        _system: &SystemAccess,
        delivery: &WebhookDelivery,
        outcome: &AttemptOutcome,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        let Some(row) = webhook_delivery::Entity::find_by_id(delivery.id).one(&txn).await? else {
            // Deleted with its endpoint while being sent.
            return Ok(());
        };
        let number = row.attempts + 1;
        webhook_attempt::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(row.tenant_id.clone()),
            delivery_id: Set(row.id),
            number: Set(number),
            started_at: Set(outcome.started_at),
            duration_ms: Set(outcome.duration_ms),
            status_code: Set(outcome.status_code.map(i32::from)),
            error: Set(outcome.error.clone()),
            succeeded: Set(outcome.succeeded),
        }
        .insert(&txn)
        .await?;
        let mut active: webhook_delivery::ActiveModel = row.into();
        active.attempts = Set(number);
        active.last_error = Set(outcome.error.clone());
        if outcome.succeeded {
            active.status = Set(status::DELIVERED.to_string());
            active.delivered_at = Set(Some(outcome.started_at));
        } else if let Some(at) = outcome.retry_at {
            active.next_attempt_at = Set(at);
        } else {
            active.status = Set(status::FAILED.to_string());
        }
        active.update(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The sender's poll: it reads the partial indexes `webhook_deliveries_pending` (what is due) and
/// `webhook_deliveries_pending_queue` (whether an earlier event waits ahead), which hold the pending rows only.
pub(crate) fn due_query(
    now: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
    limit: u64,
) -> sea_orm::Select<webhook_delivery::Entity> {
    use webhook_delivery::Column as D;
    let earlier = Alias::new("earlier");
    let ahead = Query::select()
        .expr(Expr::val(1))
        .from_as(webhook_delivery::Entity, earlier.clone())
        .and_where(Expr::col((earlier.clone(), D::WebhookId)).equals((webhook_delivery::Entity, D::WebhookId)))
        .and_where(Expr::col((earlier.clone(), D::ApplicationId)).equals((webhook_delivery::Entity, D::ApplicationId)))
        .and_where(Expr::col((earlier.clone(), D::Status)).eq(literal(status::PENDING)))
        .and_where(
            Expr::col((earlier.clone(), D::EventSeq)).lt(Expr::col((webhook_delivery::Entity, D::EventSeq))).or(
                Expr::col((earlier.clone(), D::EventSeq))
                    .equals((webhook_delivery::Entity, D::EventSeq))
                    .and(Expr::col((earlier, D::EventId)).lt(Expr::col((webhook_delivery::Entity, D::EventId)))),
            ),
        )
        .to_owned();
    let active = Query::select()
        .column(webhook::Column::Id)
        .from(webhook::Entity)
        .and_where(Expr::col(webhook::Column::Active).eq(true))
        .to_owned();
    let mut query = webhook_delivery::Entity::find()
        .filter(Expr::col(D::Status).eq(literal(status::PENDING)))
        .filter(D::NextAttemptAt.lte(now));
    if let Some(since) = since {
        query = query.filter(D::NextAttemptAt.gte(since));
    }
    query
        .filter(D::WebhookId.in_subquery(active))
        .filter(Expr::exists(ahead).not())
        .order_by_asc(D::NextAttemptAt)
        .limit(limit)
}
