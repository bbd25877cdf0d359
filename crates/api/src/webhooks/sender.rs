//! The webhook sender: the instance holding the `webhooks` lease sends the deliveries that are due — the head of
//! each (endpoint, application) queue, several queues at once — signs each request, and records every attempt
//! with its consequence: delivered, retried after a wait that doubles, or given up.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::StreamExt;
use reqwest::Url;
use simpul_store::polls::Sweeps;
use simpul_store::webhooks::{AttemptOutcome, DueDelivery, WebhookDelivery};

use super::WebhookPolicy;
use super::address::{PublicOnly, literal_allowed};
use super::signature::{DELIVERY_HEADER, EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use crate::Shared;
use crate::lease::Lease;

/// Deliveries taken per batch.
const BATCH: u64 = 64;
/// Requests in flight at once.
const CONCURRENCY: usize = 8;

/// The HTTP client for endpoints: the policy's timeout, no redirects (an endpoint cannot bounce the request
/// inward), public addresses only unless the policy allows private ones.
pub fn client(policy: &WebhookPolicy) -> reqwest::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Simpul-Webhook/", env!("CARGO_PKG_VERSION")));
    if !policy.allow_private_addresses {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder.build()
}

/// Sends until the process ends: a round when the dispatcher queued something on this instance, and every
/// `every` in any case (retries falling due, deliveries queued by another instance).
pub async fn run(shared: Shared, every: Duration) {
    let client = match client(&shared.webhook_policy) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhook client not built; webhooks are not sent");
            return;
        }
    };
    let mut lease = Lease::new("webhooks", every);
    let mut sweeps = Sweeps::default();
    loop {
        tokio::select! {
            _ = shared.webhook_nudge.notified() => {}
            _ = tokio::time::sleep(every) => {}
        }
        while lease.hold(&shared.store, Utc::now()).await {
            let system = shared.store.system_access();
            let now = Utc::now();
            let due = match shared.store.due_deliveries(&system, now, sweeps.since(now), BATCH).await {
                Ok(due) if due.is_empty() => break,
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(%error, "webhook deliveries not read; retried next round");
                    break;
                }
            };
            let policy = &shared.webhook_policy;
            let mut sent = futures_util::stream::iter(due.into_iter().map(|d| attempt(&client, policy, d)))
                .buffer_unordered(CONCURRENCY);
            while let Some((delivery, outcome)) = sent.next().await {
                if let Err(error) = shared.store.record_attempt(&system, &delivery, &outcome).await {
                    // Not recorded: the delivery is still pending and is sent again (at least once).
                    tracing::warn!(%error, delivery = %delivery.id, "webhook attempt not recorded");
                }
            }
        }
    }
}

/// One attempt at a delivery.
async fn attempt(
    client: &reqwest::Client,
    policy: &WebhookPolicy,
    due: DueDelivery,
) -> (WebhookDelivery, AttemptOutcome) {
    let started_at = Utc::now();
    let timer = Instant::now();
    let delivery = due.delivery;
    let result = send(client, policy, &due.url, &due.secret, &delivery, started_at.timestamp()).await;
    let (status_code, error) = match result {
        Ok(status) if status.is_success() => (Some(status.as_u16()), None),
        Ok(status) => (Some(status.as_u16()), Some(format!("endpoint answered HTTP {status}"))),
        Err(error) => (None, Some(error)),
    };
    let succeeded = error.is_none();
    let failed = u32::try_from(delivery.attempts).unwrap_or(u32::MAX).saturating_add(1);
    let retry_at = if succeeded {
        None
    } else {
        policy.retry_after(failed).and_then(|wait| chrono::Duration::from_std(wait).ok()).map(|wait| Utc::now() + wait)
    };
    if let Some(error) = &error {
        tracing::info!(delivery = %delivery.id, attempt = failed, error, retry = retry_at.is_some(), "webhook attempt failed");
    }
    let outcome = AttemptOutcome {
        started_at,
        duration_ms: i64::try_from(timer.elapsed().as_millis()).unwrap_or(i64::MAX),
        status_code,
        error,
        succeeded,
        retry_at,
    };
    (delivery, outcome)
}

async fn send(
    client: &reqwest::Client,
    policy: &WebhookPolicy,
    url: &str,
    secret: &str,
    delivery: &WebhookDelivery,
    timestamp: i64,
) -> Result<reqwest::StatusCode, String> {
    let url = Url::parse(url).map_err(|e| format!("invalid address: {e}"))?;
    if !policy.allow_private_addresses && !literal_allowed(&url) {
        return Err(String::from("refused: the address is on an internal network"));
    }
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(EVENT_ID_HEADER, delivery.event_id.to_string())
        .header(EVENT_HEADER, &delivery.kind)
        .header(DELIVERY_HEADER, delivery.id.to_string())
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(secret, timestamp, delivery.body.as_bytes()))
        .body(delivery.body.clone())
        .send()
        .await
        .map_err(|error| describe(&error))?;
    Ok(response.status())
}

/// An error with its causes ("connection refused" is in a source, not in reqwest's own message).
pub(crate) fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_name_that_resolves_inward_is_not_called_and_a_literal_internal_address_is_refused() {
        let policy = WebhookPolicy::default();
        let client = client(&policy).expect("client");
        let error = client.post("http://localhost:9/hook").send().await.expect_err("refused");
        assert!(describe(&error).contains("internal addresses"), "{}", describe(&error));
        let delivery = WebhookDelivery {
            id: uuid::Uuid::now_v7(),
            webhook_id: uuid::Uuid::now_v7(),
            event_id: uuid::Uuid::now_v7(),
            application_id: uuid::Uuid::now_v7(),
            event_seq: 1,
            kind: String::from("submitted"),
            body: String::from("{}"),
            status: String::from("pending"),
            attempts: 0,
            next_attempt_at: Utc::now(),
            last_error: None,
            created_at: Utc::now(),
            delivered_at: None,
        };
        let refused = send(&client, &policy, "http://169.254.169.254/latest", "secret", &delivery, 0).await;
        assert_eq!(refused, Err(String::from("refused: the address is on an internal network")));
    }
}
