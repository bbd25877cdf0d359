//! The outbox dispatcher: the instance holding the `outbox` lease reads committed outbox rows in order, tells
//! the subscribers of every instance (through the shared state), queues a delivery for each webhook that wants
//! the event and the messages to applicants it calls for, and marks the rows handed over — the last three in one
//! transaction. A crash between telling and
//! marking tells again after the restart (at least once); nothing committed is skipped, because a row is only
//! marked once it has been handed over, whichever instance wrote it and whenever it committed.

use std::time::Duration;

use async_graphql::ID;
use chrono::{DateTime, Utc};
use simpul_store::outbox::OutboxMessage;
use simpul_store::polls::Sweeps;

use crate::Shared;
use crate::graphql::subscription::ApplicationEvent;
use crate::lease::Lease;

/// Most rows handed over in one round.
const ROUND: u64 = 500;

/// The event subscribers see for an outbox row; `None` for a kind this version does not know (a row written by a
/// newer instance during a rolling update), which webhooks still deliver.
pub fn event_of(message: &OutboxMessage) -> Option<ApplicationEvent> {
    Some(ApplicationEvent {
        id: ID(message.id.to_string()),
        tenant: message.tenant_id.clone(),
        application_id: ID(message.application_id.to_string()),
        kind: crate::graphql::EventKind::parse(&message.kind).ok()?,
        version: message.event_seq,
        step: message.step.clone(),
        at: message.created_at,
    })
}

/// Dispatches until the process ends: a round whenever a request commits something on this instance, and every
/// `every` in any case (rows committed through other instances).
pub async fn run(shared: Shared, every: Duration) {
    let mut lease = Lease::new("outbox", every);
    let mut sweeps = Sweeps::default();
    loop {
        tokio::select! {
            _ = shared.outbox_nudge.notified() => {}
            _ = tokio::time::sleep(every) => {}
        }
        if !lease.hold(&shared.store, Utc::now()).await {
            continue;
        }
        let since = sweeps.since(Utc::now());
        // Drain what is there before waiting again.
        loop {
            match round(&shared, since).await {
                Ok(n) if n as u64 == ROUND => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "outbox round failed; retried next round");
                    break;
                }
            }
        }
    }
}

/// One round over the rows written since `since` (all when `None`); returns how many rows were handed over.
async fn round(shared: &Shared, since: Option<DateTime<Utc>>) -> simpul_store::StoreResult<usize> {
    let system = shared.store.system_access();
    let messages = shared.store.pending_outbox(&system, since, ROUND).await?;
    if messages.is_empty() {
        return Ok(0);
    }
    for message in &messages {
        match event_of(message) {
            Some(event) => shared.state.publish(event).await,
            None => tracing::warn!(kind = %message.kind, "an outbox row of an unknown kind is not published"),
        }
    }
    let notifications = crate::notifications::plan::plan(shared, &messages).await?;
    let queued = shared.store.hand_over(&system, &messages, &notifications, Utc::now()).await?;
    if queued.deliveries > 0 {
        shared.webhook_nudge.notify_one();
    }
    if queued.notifications > 0 {
        shared.notify_nudge.notify_one();
    }
    Ok(messages.len())
}
