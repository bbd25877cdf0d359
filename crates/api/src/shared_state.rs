//! What the instances of one deployment share: attempt counts (logins, tracking), idempotency keys in flight, the fan-out of
//! application events to subscriptions, and the notice that definitions changed (each instance then forgets its
//! cached published versions and calendars). With `REDIS_URL`, Redis holds them, so that every instance behind a load
//! balancer sees the same; without it, this process holds them (one instance).
//!
//! Redis is never required for an answer: when it is unreachable every operation falls back to this process's
//! own state (counts per instance, events to this instance's subscribers), `/readyz` reports `"redis":
//! "unreachable"` and the log says so once; a background task reconnects, and the first success puts Redis back
//! in charge.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{RwLock, broadcast};

use crate::error::{ApiError, ApiResult};
use crate::graphql::subscription::ApplicationEvent;
use crate::limits::{Forgive, Limit, LocalCounters};

/// How long a claimed idempotency key stays claimed if its request dies.
const CLAIM: Duration = Duration::from_secs(30);
/// Redis answers within this or counts as unreachable, so that an outage never holds a request.
const TIMEOUT: Duration = Duration::from_millis(500);

/// The shared state of the deployment.
pub struct SharedState {
    redis: Option<Redis>,
    /// Prefix of every key and channel, so that deployments can share a Redis (default `simpul`).
    prefix: String,
    /// Attempt counts of this process, when Redis is off or down.
    counters: LocalCounters,
    /// This instance's subscribers.
    events: broadcast::Sender<ApplicationEvent>,
    /// What this instance does when definitions changed anywhere (forget its cached definitions).
    on_definitions: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// When each caller last wrote, as this process saw it (Redis holds it across instances).
    written: std::sync::Mutex<HashMap<String, SystemTime>>,
}

struct Redis {
    client: redis::Client,
    manager: RwLock<Option<ConnectionManager>>,
    up: AtomicBool,
}

/// Whether Redis is in use and answering, for `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisStatus {
    /// No `REDIS_URL`: one instance, in-process state.
    Off,
    /// Redis holds the shared state.
    Ok,
    /// Redis is configured but not answering; this instance serves from its own state.
    Unreachable,
}

impl RedisStatus {
    /// As `/readyz` shows it.
    pub fn label(self) -> &'static str {
        match self {
            RedisStatus::Off => "off",
            RedisStatus::Ok => "ok",
            RedisStatus::Unreachable => "unreachable",
        }
    }
}

/// The wire form of an event between instances.
#[derive(serde::Serialize, serde::Deserialize)]
struct WireEvent {
    id: String,
    tenant: String,
    application_id: String,
    kind: String,
    version: i64,
    step: Option<String>,
    at: chrono::DateTime<chrono::Utc>,
}

impl From<&ApplicationEvent> for WireEvent {
    fn from(e: &ApplicationEvent) -> Self {
        WireEvent {
            id: e.id.to_string(),
            tenant: e.tenant.clone(),
            application_id: e.application_id.to_string(),
            kind: e.kind.name().to_string(),
            version: e.version,
            step: e.step.clone(),
            at: e.at,
        }
    }
}

impl TryFrom<WireEvent> for ApplicationEvent {
    type Error = crate::error::ApiError;

    fn try_from(e: WireEvent) -> Result<Self, Self::Error> {
        Ok(ApplicationEvent {
            id: async_graphql::ID(e.id),
            tenant: e.tenant,
            application_id: async_graphql::ID(e.application_id),
            kind: crate::graphql::EventKind::parse(&e.kind)?,
            version: e.version,
            step: e.step,
            at: e.at,
        })
    }
}

impl SharedState {
    /// In-process state only.
    pub fn local() -> Arc<Self> {
        Arc::new(SharedState {
            redis: None,
            prefix: String::new(),
            counters: LocalCounters::default(),
            events: broadcast::channel(1024).0,
            on_definitions: std::sync::OnceLock::new(),
            written: std::sync::Mutex::default(),
        })
    }

    /// State in Redis at `url` under `prefix`; connects in the background (an unreachable Redis does not stop
    /// the start).
    pub fn redis(url: &str, prefix: &str) -> Result<Arc<Self>, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let state = Arc::new(SharedState {
            redis: Some(Redis { client, manager: RwLock::new(None), up: AtomicBool::new(false) }),
            prefix: prefix.to_string(),
            counters: LocalCounters::default(),
            events: broadcast::channel(1024).0,
            on_definitions: std::sync::OnceLock::new(),
            written: std::sync::Mutex::default(),
        });
        tokio::spawn(listen(state.clone()));
        Ok(state)
    }

    /// Sets what this instance does when it hears that definitions changed (once, at start).
    pub fn on_definitions_changed(&self, hook: impl Fn() + Send + Sync + 'static) {
        let _ = self.on_definitions.set(Box::new(hook));
    }

    fn forget_definitions(&self) {
        if let Some(hook) = self.on_definitions.get() {
            hook();
        }
    }

    /// Definitions were published: this instance forgets its cached ones now, the others when they hear it.
    pub async fn definitions_changed(&self) {
        self.forget_definitions();
        if let Some(mut conn) = self.connection().await
            && let Err(error) = conn.publish::<_, _, ()>(definitions_channel(&self.prefix), "changed").await
        {
            self.failed("definitions notice", &error);
        }
    }

    /// A receiver of this instance's events, for a subscription.
    pub fn subscribe(&self) -> broadcast::Receiver<ApplicationEvent> {
        self.events.subscribe()
    }

    /// Whether Redis is in use and answering.
    pub fn status(&self) -> RedisStatus {
        match &self.redis {
            None => RedisStatus::Off,
            Some(r) if r.up.load(Ordering::Relaxed) => RedisStatus::Ok,
            Some(_) => RedisStatus::Unreachable,
        }
    }

    /// The connection, when Redis is up.
    async fn connection(&self) -> Option<ConnectionManager> {
        let redis = self.redis.as_ref()?;
        if !redis.up.load(Ordering::Relaxed) {
            return None;
        }
        redis.manager.read().await.clone()
    }

    /// Notes a failed Redis call: the state falls back to this process until the listener reconnects.
    fn failed(&self, what: &str, error: &redis::RedisError) {
        if let Some(redis) = &self.redis
            && redis.up.swap(false, Ordering::Relaxed)
        {
            tracing::warn!(%error, what, "Redis unreachable; serving from this instance's own state");
        }
    }

    /// Tells every instance's subscribers (this instance's alone when Redis is off or down).
    pub async fn publish(&self, event: ApplicationEvent) {
        if let Some(mut conn) = self.connection().await {
            match serde_json::to_string(&WireEvent::from(&event)) {
                Ok(text) => match conn.publish::<_, _, ()>(self.events_channel(), text).await {
                    // The listener hands it to this instance's subscribers too.
                    Ok(()) => return,
                    Err(error) => self.failed("publish", &error),
                },
                Err(error) => tracing::error!(%error, "event not serialisable"),
            }
        }
        let _ = self.events.send(event);
    }

    /// Counts an attempt of `limit`'s kind for `key` across instances, before the secret is checked; refused
    /// (`RATE_LIMITED`) when the window already holds `limit.max` attempts, so that concurrent requests cannot
    /// get more checks than that.
    pub async fn attempt(&self, limit: &Limit, key: &str) -> ApiResult<()> {
        let allowed = match self.connection().await {
            Some(mut conn) => {
                let counter = self.counter_key(limit, key);
                let counted: redis::RedisResult<(u32,)> = redis::pipe()
                    .atomic()
                    .incr(&counter, 1)
                    .cmd("EXPIRE")
                    .arg(&counter)
                    .arg(limit.window.as_secs())
                    .arg("NX")
                    .ignore()
                    .query_async(&mut conn)
                    .await;
                match counted {
                    Ok((count,)) => count <= limit.max,
                    Err(error) => {
                        self.failed("attempt count", &error);
                        self.counters.attempt(limit, key)
                    }
                }
            }
            None => self.counters.attempt(limit, key),
        };
        if allowed { Ok(()) } else { Err(ApiError::RateLimited(String::from(limit.message))) }
    }

    /// Takes back an attempt that succeeded: the whole count (`Reset`) or this attempt (`One`).
    pub async fn forgive(&self, limit: &Limit, key: &str, how: Forgive) {
        self.counters.forgive(limit, key, how);
        let Some(mut conn) = self.connection().await else { return };
        let counter = self.counter_key(limit, key);
        let done: redis::RedisResult<()> = match how {
            Forgive::Reset => conn.del(&counter).await,
            // DECR only a count that still exists: one that expired meanwhile must not come back without a TTL.
            Forgive::One => {
                redis::cmd("EVAL")
                    .arg("if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end return 0")
                    .arg(1)
                    .arg(&counter)
                    .query_async(&mut conn)
                    .await
            }
        };
        if let Err(error) = done {
            self.failed("attempt forgiven", &error);
        }
    }

    /// Claims an idempotency key while its request runs, across instances; false when another request holds
    /// it. Always true without Redis (the database's unique key still decides).
    pub async fn claim(&self, tenant: &str, key: &str) -> bool {
        let Some(mut conn) = self.connection().await else { return true };
        let claimed: redis::RedisResult<Option<String>> = redis::cmd("SET")
            .arg(self.claim_key(tenant, key))
            .arg("1")
            .arg("NX")
            .arg("PX")
            .arg(CLAIM.as_millis() as u64)
            .query_async(&mut conn)
            .await;
        match claimed {
            Ok(reply) => reply.is_some(),
            Err(error) => {
                self.failed("claim", &error);
                true
            }
        }
    }

    /// Releases a claim.
    pub async fn release(&self, tenant: &str, key: &str) {
        if let Some(mut conn) = self.connection().await
            && let Err(error) = conn.del::<_, ()>(self.claim_key(tenant, key)).await
        {
            self.failed("release", &error);
        }
    }
}

/// Callers remembered in this process before the old ones are swept: a map of that size is a few megabytes, and
/// only callers who wrote within the last seconds need to be in it.
const MAX_REMEMBERED_WRITERS: usize = 50_000;

impl SharedState {
    /// Remembers that `caller` (a user's or an API key's id) just wrote, for `remember` (how long a read of theirs
    /// may still find the replica behind that write); see `simpul_store::replica`.
    pub async fn mark_written(&self, caller: &str, remember: Duration) {
        let now = SystemTime::now();
        if let Ok(mut written) = self.written.lock() {
            if written.len() >= MAX_REMEMBERED_WRITERS {
                written.retain(|_, at| now.duration_since(*at).is_ok_and(|age| age < remember));
            }
            written.insert(caller.to_string(), now);
        }
        let Some(mut conn) = self.connection().await else { return };
        let millis = now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let set: redis::RedisResult<()> = redis::cmd("SET")
            .arg(self.written_key(caller))
            .arg(millis)
            .arg("PX")
            .arg(remember.as_millis() as u64)
            .query_async(&mut conn)
            .await;
        if let Err(error) = set {
            self.failed("write marked", &error);
        }
    }

    /// When `caller` last wrote, on any instance, if within what [`SharedState::mark_written`] remembers. With
    /// Redis configured but unreachable, another instance's write cannot be known, so the answer is "now": the
    /// caller's reads go to the primary until Redis answers again.
    pub async fn last_written(&self, caller: &str) -> Option<SystemTime> {
        let here = self.written.lock().ok().and_then(|written| written.get(caller).copied());
        if self.redis.is_none() {
            return here;
        }
        let Some(mut conn) = self.connection().await else { return Some(SystemTime::now()) };
        let anywhere: redis::RedisResult<Option<u64>> = conn.get(self.written_key(caller)).await;
        match anywhere {
            Ok(millis) => {
                let there = millis.map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
                here.max(there)
            }
            Err(error) => {
                self.failed("last write", &error);
                Some(SystemTime::now())
            }
        }
    }

    fn written_key(&self, caller: &str) -> String {
        format!("{}:written:{caller}", self.prefix)
    }
}

/// The channel on which "definitions changed" is told.
fn definitions_channel(prefix: &str) -> String {
    format!("{prefix}:definitions")
}

/// Tells the instances of the deployment using Redis at `url` under `prefix` that definitions changed, from a
/// process that is not one of them (`simpul definitions sync`).
pub async fn tell_definitions_changed(url: &str, prefix: &str) -> redis::RedisResult<()> {
    let client = redis::Client::open(url)?;
    let mut conn = tokio::time::timeout(TIMEOUT * 4, client.get_multiplexed_async_connection())
        .await
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "connect timed out")))??;
    conn.publish(definitions_channel(prefix), "changed").await
}

impl SharedState {
    fn events_channel(&self) -> String {
        format!("{}:events", self.prefix)
    }

    fn counter_key(&self, limit: &Limit, key: &str) -> String {
        format!("{}:{}:{key}", self.prefix, limit.name)
    }

    fn claim_key(&self, tenant: &str, key: &str) -> String {
        format!("{}:idempotency:{tenant}:{key}", self.prefix)
    }
}

/// Keeps a connection and a subscription to the events channel, forwarding events to this instance's
/// subscribers; reconnects with backoff (up to 5 s) whenever Redis goes away.
async fn listen(state: Arc<SharedState>) {
    let Some(redis) = &state.redis else { return };
    let mut delay = Duration::from_millis(200);
    loop {
        let definitions = definitions_channel(&state.prefix);
        match connect(redis, &[state.events_channel(), definitions.clone()]).await {
            Ok(mut pubsub) => {
                delay = Duration::from_millis(200);
                redis.up.store(true, Ordering::Relaxed);
                tracing::info!("Redis connected: shared state and event fan-out across instances");
                // Notices sent while this instance was not listening are lost: start afresh.
                state.forget_definitions();
                let mut messages = pubsub.on_message();
                let mut tick = tokio::time::interval(Duration::from_secs(2));
                loop {
                    tokio::select! {
                        message = messages.next() => {
                            let Some(message) = message else { break };
                            if message.get_channel_name() == definitions {
                                state.forget_definitions();
                                continue;
                            }
                            let event = message
                                .get_payload::<String>()
                                .ok()
                                .and_then(|text| serde_json::from_str::<WireEvent>(&text).ok())
                                .and_then(|wire| ApplicationEvent::try_from(wire).ok());
                            if let Some(event) = event {
                                let _ = state.events.send(event);
                            }
                        }
                        _ = tick.tick() => recheck(redis).await,
                    }
                }
                if redis.up.swap(false, Ordering::Relaxed) {
                    tracing::warn!("Redis connection lost; serving from this instance's own state");
                }
            }
            Err(error) => {
                if redis.up.swap(false, Ordering::Relaxed) {
                    tracing::warn!(%error, "Redis unreachable; serving from this instance's own state");
                }
                tracing::debug!(%error, ?delay, "Redis reconnect failed");
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// A command failed (a timeout) while the subscription stayed up: Redis is back in charge once it answers a PING.
async fn recheck(redis: &Redis) {
    if redis.up.load(Ordering::Relaxed) {
        return;
    }
    let Some(mut conn) = redis.manager.read().await.clone() else { return };
    if redis::cmd("PING").query_async::<String>(&mut conn).await.is_ok() {
        redis.up.store(true, Ordering::Relaxed);
        tracing::info!("Redis answers again: shared state back in Redis");
    }
}

async fn connect(redis: &Redis, channels: &[String]) -> redis::RedisResult<redis::aio::PubSub> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(TIMEOUT))
        .set_response_timeout(Some(TIMEOUT))
        .set_number_of_retries(1);
    let manager = tokio::time::timeout(TIMEOUT * 4, redis.client.get_connection_manager_with_config(config))
        .await
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "connect timed out")))??;
    let mut pubsub = redis.client.get_async_pubsub().await?;
    for channel in channels {
        pubsub.subscribe(channel).await?;
    }
    *redis.manager.write().await = Some(manager);
    Ok(pubsub)
}
