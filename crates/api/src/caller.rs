//! Who is calling: nobody, a user with a bearer token, or an integrator with an API key — and the tenant scope
//! that follows from it. The tenant always comes from the credentials; a tenant argument is only checked
//! against them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use simpul_engine::Actor;
use simpul_store::auth::{ApiPrincipal, ApiScope};
use simpul_store::{Principal, TenantScope};

use crate::error::{ApiError, ApiResult};

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No credentials: public queries only.
    Anonymous,
    /// An officer or admin.
    User(Principal),
    /// An integrating system.
    ApiKey(ApiPrincipal),
}

impl Caller {
    /// The tenant the caller acts for. A user with several tenants names one with `tenant`; a given `tenant`
    /// must be one of the caller's.
    pub fn scope(&self, tenant: Option<&str>) -> ApiResult<TenantScope> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthenticated),
            Caller::ApiKey(key) => match tenant {
                Some(t) if t != key.scope.tenant_id() => {
                    Err(ApiError::Forbidden(String::from("Kunci API ini tidak berlaku untuk dinas tersebut")))
                }
                _ => Ok(key.scope.clone()),
            },
            Caller::User(p) => match (tenant, p.memberships.as_slice()) {
                (Some(t), _) => p
                    .membership(t)
                    .map(|m| m.scope.clone())
                    .ok_or_else(|| ApiError::Forbidden(String::from("Anda bukan petugas dinas tersebut"))),
                (None, [only]) => Ok(only.scope.clone()),
                (None, []) => Err(ApiError::Forbidden(String::from("Anda bukan petugas dinas mana pun"))),
                (None, _) => Err(ApiError::field("tenant", "Sebutkan dinas (tenant) yang dimaksud")),
            },
        }
    }

    /// The caller as the engine sees them in `scope`.
    pub fn actor(&self, scope: &TenantScope) -> Actor {
        match self {
            Caller::User(p) => p.actor(scope),
            Caller::ApiKey(k) => Actor { user_id: format!("apikey:{}", k.key_id), roles: k.roles.clone() },
            Caller::Anonymous => Actor { user_id: String::from("anonymous"), roles: Default::default() },
        }
    }

    /// Refuses read-only API keys.
    pub fn require_write(&self) -> ApiResult<()> {
        match self {
            Caller::ApiKey(k) if !k.scopes.contains(&ApiScope::Write) => {
                Err(ApiError::Forbidden(String::from("Kunci API ini hanya untuk membaca")))
            }
            Caller::Anonymous => Err(ApiError::Unauthenticated),
            _ => Ok(()),
        }
    }
}

/// Whether the actor holds a role of the tenant that may see personal data: unmasked NIK and No. KK, and the
/// scans of KTP and KK (which show them), so the same roles may upload and download documents.
pub fn sees_personal_data(runtime: &simpul_store::TenantRuntime, actor: &Actor) -> bool {
    runtime.tenant.roles.iter().any(|r| r.sees_personal_data && actor.roles.contains(&r.code))
}

/// Slows down guessing: after [`LoginLimiter::MAX_FAILURES`] failed logins for one username within
/// [`LoginLimiter::WINDOW`], further attempts are refused until the window has passed.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimiter {
    /// Failures allowed in a window.
    pub const MAX_FAILURES: u32 = 5;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// Whether another attempt is allowed now.
    pub fn check(&self, username: &str) -> ApiResult<()> {
        let mut map = self.failures.lock().map_err(|_| ApiError::Internal(String::from("login limiter poisoned")))?;
        if let Some((count, since)) = map.get(username).copied() {
            if since.elapsed() > Self::WINDOW {
                map.remove(username);
            } else if count >= Self::MAX_FAILURES {
                return Err(ApiError::RateLimited(String::from(
                    "Terlalu banyak percobaan masuk yang gagal; coba lagi 15 menit lagi",
                )));
            }
        }
        Ok(())
    }

    /// Records a failure.
    pub fn failed(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            let entry = map.entry(username.to_string()).or_insert((0, Instant::now()));
            entry.0 += 1;
        }
    }

    /// Forgets the failures after a success.
    pub fn succeeded(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(username);
        }
    }
}
