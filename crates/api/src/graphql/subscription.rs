//! Subscriptions: `applicationEvents(tenant)` tells officers' tools and integrators what happened, as it
//! happens, for their own tenant (and area) only. Events reach the subscribers of every instance through the shared state
//! (Redis), or of this instance alone without it.

use async_graphql::{Context, ID, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::kinds::EventKind;
use super::{caller, shared};

/// Something that happened to an application.
#[derive(SimpleObject, Clone, Debug)]
pub struct ApplicationEvent {
    /// The event's id: the same in a webhook delivery of it, so that a client hearing both can tell.
    pub id: ID,
    pub tenant: String,
    pub application_id: ID,
    pub kind: EventKind,
    /// The application's version after the event.
    pub version: i64,
    /// The step it is in after the event, if any.
    pub step: Option<String>,
    pub at: DateTime<Utc>,
}

/// The root of subscriptions.
#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Events of the caller's tenant (`tenant` must be one of the caller's).
    async fn application_events(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = ApplicationEvent> + use<>> {
        let scope = caller(ctx)?.scope(tenant.as_deref())?;
        let receiver = shared(ctx)?.state.subscribe();
        let store = shared(ctx)?.store.clone();
        Ok(BroadcastStream::new(receiver).filter_map(move |event| {
            let (scope, store) = (scope.clone(), store.clone());
            async move {
                let event = event.ok().filter(|e| e.tenant == scope.tenant_id())?;
                // A caller limited to an area (a village operator) hears only of the applications lying in it:
                // the store answers whether this one is visible to the scope (one query per event, for them only).
                if scope.area().is_some() {
                    let id = uuid::Uuid::parse_str(&event.application_id).ok()?;
                    store.application(&scope, id).await.ok()?;
                }
                Some(event)
            }
        }))
    }
}
