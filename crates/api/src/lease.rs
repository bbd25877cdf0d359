//! Holding a lease for background work that one instance at a time should do (the outbox dispatcher, the
//! webhook sender, the deadline watcher). The lease is a database row with an expiry; the holder renews it when a
//! third of it is used, so that polling often does not mean writing often, and counts itself the holder only
//! until a third before the expiry, so that a slow clock does not make two holders.

use chrono::{DateTime, Duration, Utc};
use simpul_store::Store;
use uuid::Uuid;

/// One instance's claim on a named lease.
pub struct Lease {
    name: &'static str,
    holder: String,
    ttl: Duration,
    held_until: Option<DateTime<Utc>>,
}

impl Lease {
    /// A claim on `name` for work polled every `every`: it lasts three rounds, and at least 15 s so that fast
    /// polling does not make a holder lose it over one slow round, nor renew it (a commit) more than every 5 s
    /// while idle. A crashed holder's work moves to another instance when that time has run out: background work
    /// waits up to 15 s, no request does.
    pub fn new(name: &'static str, every: std::time::Duration) -> Self {
        let ttl = Duration::from_std(every * 3).unwrap_or(Duration::MAX).max(Duration::seconds(15));
        Lease { name, holder: format!("{}-{}", std::process::id(), Uuid::now_v7()), ttl, held_until: None }
    }

    /// Whether this instance holds the lease at `now`, taking or renewing it when due; a database error counts
    /// as not holding it (and is logged).
    pub async fn hold(&mut self, store: &Store, now: DateTime<Utc>) -> bool {
        if let Some(until) = self.held_until
            && now + self.ttl * 2 / 3 < until
        {
            return true;
        }
        match store.take_lease(&store.system_access(), self.name, &self.holder, self.ttl, now).await {
            Ok(true) => {
                if self.held_until.is_none() {
                    tracing::info!(lease = self.name, "this instance now does this work");
                }
                self.held_until = Some(now + self.ttl);
                true
            }
            Ok(false) => {
                self.held_until = None;
                false
            }
            Err(error) => {
                tracing::warn!(%error, lease = self.name, "lease not taken");
                self.held_until = self.held_until.filter(|until| now + self.ttl / 3 < *until);
                self.held_until.is_some()
            }
        }
    }
}
