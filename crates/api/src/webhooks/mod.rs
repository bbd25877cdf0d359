//! Webhooks from the server's side: the policy (how often to retry, which addresses may be called), the
//! signature receivers check, the address guard, and the sender that works through the delivery queue.

pub mod address;
pub mod sender;
pub mod signature;

use std::time::Duration;

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct WebhookPolicy {
    /// The wait after the first failed attempt; each further failure doubles it, up to [`WebhookPolicy::max_wait`].
    pub retry_base: Duration,
    /// The longest wait between two attempts.
    pub max_wait: Duration,
    /// Attempts before the sender gives up on a delivery (an admin can still replay it).
    pub max_attempts: u32,
    /// How long an endpoint has to answer.
    pub timeout: Duration,
    /// Whether endpoints may be on loopback or private networks. Off in production, so that a tenant admin
    /// cannot make the server call its own database, Redis or a cloud metadata address; on for tests and for a
    /// deployment whose integrators sit on its private network.
    pub allow_private_addresses: bool,
}

impl Default for WebhookPolicy {
    /// 10 s, 20 s, 40 s … up to an hour between attempts, 12 attempts (about 4½ hours), 10 s to answer.
    fn default() -> Self {
        WebhookPolicy {
            retry_base: Duration::from_secs(10),
            max_wait: Duration::from_secs(3600),
            max_attempts: 12,
            timeout: Duration::from_secs(10),
            allow_private_addresses: false,
        }
    }
}

impl WebhookPolicy {
    /// The wait before attempt `failed + 1` after `failed` failed attempts, or `None` to give up ([`backoff`]).
    pub fn retry_after(&self, failed: u32) -> Option<Duration> {
        backoff(self.retry_base, self.max_wait, self.max_attempts, failed)
    }
}

/// The wait before attempt `failed + 1` after `failed` failed attempts — `base`, doubled after each further
/// failure, at most `max_wait` — or `None` once `max_attempts` were made. A tenth of random spread keeps
/// receivers that come back after an outage from receiving every retry at once. Webhooks and messages to
/// applicants both wait this way.
pub fn backoff(base: Duration, max_wait: Duration, max_attempts: u32, failed: u32) -> Option<Duration> {
    if failed >= max_attempts {
        return None;
    }
    let doubled = base.saturating_mul(1u32 << (failed.saturating_sub(1)).min(20));
    let wait = doubled.min(max_wait);
    let spread = rand::random_range(0.0..0.1);
    Some(wait + wait.mul_f64(spread))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_maximum_and_stop_after_the_last_attempt() {
        let policy = WebhookPolicy::default();
        let secs = |failed| policy.retry_after(failed).map(|d| d.as_secs());
        assert!((10..=11).contains(&secs(1).expect("first retry")));
        assert!((20..=22).contains(&secs(2).expect("second retry")));
        assert!((80..=88).contains(&secs(4).expect("fourth retry")));
        assert!((3600..=3960).contains(&secs(11).expect("capped")));
        assert_eq!(secs(12), None, "gives up after the twelfth attempt");
    }
}
