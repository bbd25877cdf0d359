//! The deadline watcher: every few seconds the instance holding the lease gives the deadline notices that are
//! due (service deadline nearing or passed, step deadline passed); the store writes each notice once, with its
//! outbox row, and the outbox dispatcher tells subscribers and webhooks like any other event. If the holder
//! stops, its lease runs out and another instance takes over.

use std::time::Duration;

use chrono::Utc;

use crate::Shared;
use crate::lease::Lease;

/// Watches until the process ends, one round every `every`.
pub async fn run(shared: Shared, every: Duration) {
    let mut lease = Lease::new("deadline-watcher", every);
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let now = Utc::now();
        if !lease.hold(&shared.store, now).await {
            continue;
        }
        match shared.store.give_deadline_notices(&shared.store.system_access(), now).await {
            Ok(notices) => {
                for notice in &notices {
                    tracing::info!(
                        tenant = %notice.tenant_id,
                        application = %notice.application_id,
                        kind = notice.kind.event(),
                        "deadline notice"
                    );
                }
                if !notices.is_empty() {
                    shared.outbox_nudge.notify_one();
                }
            }
            Err(error) => tracing::warn!(%error, "deadline watcher: round failed"),
        }
    }
}
