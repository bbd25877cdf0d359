//! Webhooks through GraphQL: a tenant admin (or the province's admin) registers endpoints for the office's
//! events, sees every delivery and attempt, and replays them. The secret is written, never read back.

use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use simpul_store::TenantScope;
use simpul_store::webhooks::{NewWebhook, Webhook, WebhookAttempt, WebhookChange, WebhookDelivery};
use uuid::Uuid;

use super::admin::admin_scope;
use super::kinds::{DeliveryStatus, EventKind};
use super::{caller, shared};
use crate::error::{ApiError, ApiResult};
use crate::webhooks::address;

/// Shortest secret accepted: receivers sign-check with it, so it must not be guessable.
const MIN_SECRET: usize = 16;

/// A registered endpoint.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct WebhookView {
    pub id: ID,
    pub tenant: String,
    pub url: String,
    /// The event kinds it receives; empty for every kind.
    pub events: Vec<EventKind>,
    pub description: String,
    pub active: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    scope: TenantScope,
}

impl WebhookView {
    fn new(hook: Webhook, scope: TenantScope) -> ApiResult<Self> {
        Ok(WebhookView {
            id: ID(hook.id.to_string()),
            tenant: hook.tenant_id,
            url: hook.url,
            events: hook.events.iter().map(|e| EventKind::parse(e)).collect::<ApiResult<_>>()?,
            description: hook.description,
            active: hook.active,
            created_by: hook.created_by,
            created_at: hook.created_at,
            updated_at: hook.updated_at,
            scope,
        })
    }
}

#[ComplexObject]
impl WebhookView {
    /// Its deliveries, newest first, optionally only those with `status`.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        status: Option<DeliveryStatus>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 500))] first: u64,
    ) -> ApiResult<Vec<WebhookDeliveryView>> {
        let id = Uuid::parse_str(&self.id).map_err(|_| ApiError::field("id", "ID webhook tidak valid"))?;
        let rows =
            shared(ctx)?.store.webhook_deliveries(&self.scope, id, status.map(DeliveryStatus::name), first).await?;
        rows.into_iter().map(|d| WebhookDeliveryView::new(d, self.scope.clone())).collect()
    }
}

/// One event sent (or to be sent) to one endpoint.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct WebhookDeliveryView {
    pub id: ID,
    pub webhook_id: ID,
    /// The event's id, sent as `X-Simpul-Event-Id` in every attempt and replay: receivers deduplicate by it.
    pub event_id: ID,
    pub application_id: ID,
    /// The event's position in the application's history.
    pub sequence: i64,
    pub kind: EventKind,
    /// The JSON body sent.
    pub body: String,
    /// Failed once given up after the last retry.
    pub status: DeliveryStatus,
    pub attempt_count: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    scope: TenantScope,
}

impl WebhookDeliveryView {
    fn new(d: WebhookDelivery, scope: TenantScope) -> ApiResult<Self> {
        let status = DeliveryStatus::parse(&d.status)?;
        Ok(WebhookDeliveryView {
            id: ID(d.id.to_string()),
            webhook_id: ID(d.webhook_id.to_string()),
            event_id: ID(d.event_id.to_string()),
            application_id: ID(d.application_id.to_string()),
            sequence: d.event_seq,
            kind: EventKind::parse(&d.kind)?,
            body: d.body,
            status,
            attempt_count: d.attempts,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
            scope,
        })
    }
}

#[ComplexObject]
impl WebhookDeliveryView {
    /// Every attempt, first first.
    async fn attempts(&self, ctx: &Context<'_>) -> ApiResult<Vec<WebhookAttemptView>> {
        let id = Uuid::parse_str(&self.id).map_err(|_| ApiError::field("id", "ID pengiriman tidak valid"))?;
        let attempts = shared(ctx)?.store.webhook_attempts(&self.scope, id).await?;
        Ok(attempts.into_iter().map(WebhookAttemptView::from).collect())
    }
}

/// One attempt at a delivery.
#[derive(SimpleObject)]
pub struct WebhookAttemptView {
    pub number: i32,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// The HTTP status the endpoint answered, if it answered.
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub succeeded: bool,
}

impl From<WebhookAttempt> for WebhookAttemptView {
    fn from(a: WebhookAttempt) -> Self {
        WebhookAttemptView {
            number: a.number,
            started_at: a.started_at,
            duration_ms: a.duration_ms,
            status_code: a.status_code,
            error: a.error,
            succeeded: a.succeeded,
        }
    }
}

/// A new endpoint.
#[derive(InputObject)]
pub struct RegisterWebhookInput {
    /// The tenant, for admins of several tenants.
    pub tenant: Option<String>,
    /// Where events are POSTed (https://…).
    pub url: String,
    /// At least 16 characters; requests carry `X-Simpul-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>">`.
    pub secret: String,
    /// Event kinds to receive; empty or absent for every kind.
    #[graphql(default)]
    pub events: Vec<EventKind>,
    #[graphql(default)]
    pub description: String,
}

/// A change to an endpoint; absent fields stay.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// The tenant, for admins of several tenants.
    pub tenant: Option<String>,
    pub id: ID,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub events: Option<Vec<EventKind>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

fn check_url(ctx: &Context<'_>, url: &str) -> ApiResult<String> {
    let url = url.trim();
    match address::refuse(url, shared(ctx)?.webhook_policy.allow_private_addresses) {
        Some(problem) => Err(ApiError::field("url", problem)),
        None => Ok(url.to_string()),
    }
}

fn check_secret(secret: String) -> ApiResult<String> {
    if secret.chars().count() < MIN_SECRET {
        return Err(ApiError::field("secret", format!("Secret webhook paling sedikit {MIN_SECRET} karakter")));
    }
    Ok(secret)
}

/// The stored names of the kinds, each once, in a stable order.
fn event_names(events: Vec<EventKind>) -> Vec<String> {
    EventKind::ALL.iter().filter(|k| events.contains(k)).map(|k| k.name().to_string()).collect()
}

fn parse(id: &str, field: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::field(field, "ID tidak valid"))
}

/// Webhook queries.
#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// The office's endpoints (admins only).
    async fn webhooks(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<WebhookView>> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let hooks = shared(ctx)?.store.webhooks(&scope).await?;
        hooks.into_iter().map(|h| WebhookView::new(h, scope.clone())).collect()
    }

    /// One delivery, with its attempts (admins only).
    async fn webhook_delivery(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
    ) -> ApiResult<WebhookDeliveryView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let delivery = shared(ctx)?.store.webhook_delivery(&scope, parse(&id, "id")?).await?;
        WebhookDeliveryView::new(delivery, scope)
    }
}

/// Webhook mutations.
#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint for the office's events from now on.
    async fn register_webhook(&self, ctx: &Context<'_>, input: RegisterWebhookInput) -> ApiResult<WebhookView> {
        let scope = admin_scope(ctx, input.tenant.as_deref()).await?;
        let new = NewWebhook {
            url: check_url(ctx, &input.url)?,
            secret: check_secret(input.secret)?,
            events: event_names(input.events),
            description: input.description.trim().to_string(),
        };
        let actor = caller(ctx)?.actor(&scope).user_id;
        let hook = shared(ctx)?.store.register_webhook(&scope, &actor, new, Utc::now()).await?;
        tracing::info!(tenant = scope.tenant_id(), webhook = %hook.id, "webhook registered");
        WebhookView::new(hook, scope)
    }

    /// Changes an endpoint: address, secret, filter, description, on or off.
    async fn update_webhook(&self, ctx: &Context<'_>, input: UpdateWebhookInput) -> ApiResult<WebhookView> {
        let scope = admin_scope(ctx, input.tenant.as_deref()).await?;
        let change = WebhookChange {
            url: input.url.map(|u| check_url(ctx, &u)).transpose()?,
            secret: input.secret.map(check_secret).transpose()?,
            events: input.events.map(event_names),
            description: input.description.map(|d| d.trim().to_string()),
            active: input.active,
        };
        let hook = shared(ctx)?.store.update_webhook(&scope, parse(&input.id, "id")?, change, Utc::now()).await?;
        WebhookView::new(hook, scope)
    }

    /// Removes an endpoint with its deliveries; returns true.
    async fn delete_webhook(&self, ctx: &Context<'_>, tenant: Option<String>, id: ID) -> ApiResult<bool> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        shared(ctx)?.store.delete_webhook(&scope, parse(&id, "id")?).await?;
        Ok(true)
    }

    /// Sends a delivery again now, with the same event id and body, whatever became of it.
    async fn replay_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
    ) -> ApiResult<WebhookDeliveryView> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let id = parse(&id, "id")?;
        shared.store.replay_delivery(&scope, id, Utc::now()).await?;
        shared.webhook_nudge.notify_one();
        WebhookDeliveryView::new(shared.store.webhook_delivery(&scope, id).await?, scope)
    }

    /// Sends again every delivery of an endpoint queued since `since` (after an integrator lost data); returns
    /// how many.
    async fn replay_webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        webhook_id: ID,
        since: DateTime<Utc>,
    ) -> ApiResult<u64> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let shared = shared(ctx)?;
        let count = shared.store.replay_deliveries(&scope, parse(&webhook_id, "webhookId")?, since, Utc::now()).await?;
        shared.webhook_nudge.notify_one();
        Ok(count)
    }
}
