//! The deadline watcher: every few seconds the instance holding the lease gives the deadline notices that are
//! due (service deadline nearing or passed, step deadline passed) and tells subscribers; the store writes each
//! notice once, with its outbox row. If the holder stops, its lease runs out and another instance takes over.

use std::time::Duration;

use chrono::Utc;
use uuid::Uuid;

use crate::Shared;
use crate::graphql::subscription::ApplicationEvent;

/// The lease's name.
const LEASE: &str = "deadline-watcher";

/// Watches until the process ends, one round every `every`.
pub async fn run(shared: Shared, every: Duration) {
    let holder = format!("{}-{}", std::process::id(), Uuid::now_v7());
    let ttl = chrono::Duration::from_std(every * 3).unwrap_or(chrono::Duration::seconds(90));
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let access = shared.store.system_access();
        let now = Utc::now();
        match shared.store.take_lease(&access, LEASE, &holder, ttl, now).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::warn!(%error, "deadline watcher: lease not taken");
                continue;
            }
        }
        match shared.store.give_deadline_notices(&access, now).await {
            Ok(notices) => {
                for notice in notices {
                    tracing::info!(
                        tenant = %notice.tenant_id,
                        application = %notice.application_id,
                        kind = notice.kind.event(),
                        "deadline notice"
                    );
                    shared
                        .state
                        .publish(ApplicationEvent {
                            tenant: notice.tenant_id,
                            application_id: async_graphql::ID(notice.application_id.to_string()),
                            kind: notice.kind.event().to_string(),
                            version: notice.version,
                            step: notice.step,
                            at: now,
                        })
                        .await;
                }
            }
            Err(error) => tracing::warn!(%error, "deadline watcher: round failed"),
        }
    }
}
