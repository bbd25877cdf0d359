//! The registry retention sweep: the instance holding the `registry-retention` lease deletes, every `every`, the
//! rows of registry uploads replaced longer ago than their office's retention period (UU 27/2022: personal data
//! no longer needed is erased), and of uploads cut off mid-way by a stopped server.

use std::time::Duration;

use chrono::Utc;

use crate::Shared;
use crate::lease::Lease;

/// Sweeps until the process ends.
pub async fn run(shared: Shared, every: Duration) {
    let mut lease = Lease::new("registry-retention", every);
    loop {
        tokio::time::sleep(every).await;
        if !lease.hold(&shared.store, Utc::now()).await {
            continue;
        }
        match shared.store.purge_registry(&shared.store.system_access(), Utc::now()).await {
            Ok(0) => {}
            Ok(emptied) => tracing::info!(emptied, "registry uploads past their retention period deleted"),
            Err(error) => tracing::warn!(%error, "registry retention sweep failed; retried next round"),
        }
    }
}
