//! The message sender: the instance holding the `notifications` lease sends the messages that are due, several
//! at once, and records every attempt with its consequence: sent, retried after a wait that doubles, or given
//! up (at once for what cannot succeed — a channel this deployment has not configured, a refused address, a text
//! that would carry a NIK).

use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::StreamExt;
use simpul_definitions::model::NotifyChannel;
use simpul_store::notifications::{Notification, SendOutcome};
use simpul_store::polls::Sweeps;

use super::NotifyConfig;
use super::compose::{ComposeError, Composed, compose};
use super::email::Mailer;
use crate::Shared;
use crate::lease::Lease;

/// Messages taken per batch.
const BATCH: u64 = 32;
/// Messages in flight at once: gateways limit their rate, and a mail server its connections.
const CONCURRENCY: usize = 4;

/// What sends: the configuration with the mail client and the HTTP client for gateways built once.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// The configuration.
    pub config: NotifyConfig,
    mailer: Option<Mailer>,
    http: reqwest::Client,
}

impl Notifier {
    /// The clients for `config`; an unreadable mail server URL or sender address is refused at start.
    pub fn new(config: NotifyConfig) -> Result<Self, String> {
        let mailer = config.email.as_ref().map(|e| Mailer::new(e, config.timeout)).transpose()?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("Simpul/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Notifier { config, mailer, http })
    }
}

impl Default for Notifier {
    /// Nothing configured: every message an office queues fails with "not configured".
    fn default() -> Self {
        Notifier { config: NotifyConfig::default(), mailer: None, http: reqwest::Client::new() }
    }
}

/// Sends until the process ends: a round when the dispatcher queued messages on this instance, and every `every`
/// in any case (retries falling due, messages queued by another instance).
pub async fn run(shared: Shared, every: Duration) {
    let mut lease = Lease::new("notifications", every);
    let mut sweeps = Sweeps::default();
    loop {
        tokio::select! {
            _ = shared.notify_nudge.notified() => {}
            _ = tokio::time::sleep(every) => {}
        }
        while lease.hold(&shared.store, Utc::now()).await {
            let system = shared.store.system_access();
            let now = Utc::now();
            let due = match shared.store.due_notifications(&system, now, sweeps.since(now), BATCH).await {
                Ok(due) if due.is_empty() => break,
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(%error, "messages not read; retried next round");
                    break;
                }
            };
            // Each attempt records itself: a future of the batch may hold a database connection while it waits,
            // so nothing outside the stream may wait for one meanwhile (on SQLite's single connection it would
            // wait for ever).
            let mut sent = futures_util::stream::iter(due.into_iter().map(|n| async {
                let (notification, outcome) = attempt(&shared, n).await;
                if let Err(error) = shared.store.record_notification_attempt(&system, notification.id, &outcome).await {
                    // Not recorded: the message is still pending and is sent again (at least once).
                    tracing::warn!(%error, notification = %notification.id, "message attempt not recorded");
                }
            }))
            .buffer_unordered(CONCURRENCY);
            while sent.next().await.is_some() {}
        }
    }
}

/// One attempt at a message.
async fn attempt(shared: &Shared, notification: Notification) -> (Notification, SendOutcome) {
    let started_at = Utc::now();
    let timer = Instant::now();
    let composed = compose(shared, &notification).await;
    let (subject, body) = match &composed {
        Ok(c) => (Some(c.subject.clone()), Some(c.text.clone())),
        Err(_) => (None, None),
    };
    let result = match composed {
        Ok(message) => deliver(shared, &notification, &message).await,
        Err(ComposeError::Permanent(e)) => Err(Failure::Final(e)),
        Err(ComposeError::Transient(e)) => Err(Failure::Retry(e)),
    };
    let notifier = &shared.notifier;
    let failed = u32::try_from(notification.attempts).unwrap_or(u32::MAX).saturating_add(1);
    let (error, reply, retry_at) = match result {
        Ok(reply) => (None, reply, None),
        Err(Failure::Final(e)) => (Some(e), None, None),
        Err(Failure::Retry(e)) => {
            let wait = notifier.config.retry_after(failed).and_then(|w| chrono::Duration::from_std(w).ok());
            (Some(e), None, wait.map(|w| Utc::now() + w))
        }
    };
    if let Some(error) = &error {
        tracing::info!(notification = %notification.id, attempt = failed, error, retry = retry_at.is_some(), "message attempt failed");
    }
    let outcome = SendOutcome {
        started_at,
        duration_ms: i64::try_from(timer.elapsed().as_millis()).unwrap_or(i64::MAX),
        subject,
        body,
        error,
        reply,
        retry_at,
    };
    (notification, outcome)
}

/// Why an attempt failed, and whether another may succeed.
enum Failure {
    /// Give up.
    Final(String),
    /// Try again after the backoff.
    Retry(String),
}

/// Sends by the message's channel; the server's or gateway's answer.
async fn deliver(shared: &Shared, notification: &Notification, message: &Composed) -> Result<Option<String>, Failure> {
    let notifier = &shared.notifier;
    let channel = NotifyChannel::parse(&notification.channel)
        .ok_or_else(|| Failure::Final(format!("saluran `{}` tidak dikenal", notification.channel)))?;
    let not_configured = || Failure::Final(format!("saluran {} belum dipasang pada server ini", channel.label()));
    let to = &notification.recipient;
    match channel {
        NotifyChannel::Email => {
            let mailer = notifier.mailer.as_ref().ok_or_else(not_configured)?;
            let reply_to = message.reply_to.as_deref();
            mailer
                .send(notification.id, &message.office, reply_to, to, &message.subject, &message.text)
                .await
                .map(Some)
                .map_err(|e| if e.permanent { Failure::Final(e.message) } else { Failure::Retry(e.message) })
        }
        NotifyChannel::Whatsapp | NotifyChannel::Sms => {
            let gateway = notifier.config.gateway(channel).ok_or_else(not_configured)?;
            super::gateway::send(&notifier.http, gateway, notification.id, to, &message.text)
                .await
                .map_err(Failure::Retry)
        }
    }
}
