//! Who is calling: nobody, a user with a bearer token, or an integrator with an API key — and the tenant scope
//! that follows from it. The tenant always comes from the credentials; a tenant argument is only checked
//! against them.

use std::net::IpAddr;

use axum::http::HeaderMap;
use simpul_engine::Actor;
use simpul_store::auth::{ApiPrincipal, ApiScope};
use simpul_store::{Principal, TenantScope};

use crate::Services;
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
    /// Credentials that are not (or no longer) valid: public queries still answer, everything else is told
    /// what is wrong with them instead of being asked to sign in.
    Rejected(Credential),
}

/// The kind of credential a request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A bearer token from `login`.
    Token,
    /// An integrator's API key (`spl_…`).
    ApiKey,
    /// A username and password given to `login`.
    Password,
}

/// The credential of an `Authorization` header: `Bearer <token>` or `Bearer <API key>`, the scheme in any case
/// (RFC 7235 §2.1: auth schemes are case-insensitive).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.trim().split_once(char::is_whitespace)?;
    scheme.eq_ignore_ascii_case("bearer").then(|| credential.trim()).filter(|c| !c.is_empty())
}

impl Caller {
    /// Who the `Authorization` header says is calling. No credentials make an anonymous caller, invalid ones a
    /// rejected caller; a database that cannot be asked is an error (UNAVAILABLE), never taken for either.
    pub async fn authenticate(shared: &Services, headers: &HeaderMap) -> ApiResult<Caller> {
        let Some(credential) = bearer(headers) else { return Ok(Caller::Anonymous) };
        let rejected_or_error = |kind: Credential, error: simpul_store::StoreError| -> ApiResult<Caller> {
            match error {
                simpul_store::StoreError::BadCredentials | simpul_store::StoreError::NotFound { .. } => {
                    Ok(Caller::Rejected(kind))
                }
                other => Err(other.into()),
            }
        };
        if credential.starts_with("spl_") {
            return match shared.store.authenticate_api_key(credential).await {
                Ok(key) => Ok(Caller::ApiKey(key)),
                Err(error) => rejected_or_error(Credential::ApiKey, error),
            };
        }
        match shared.tokens.verify(credential) {
            Some((user, issued_at)) => match shared.store.principal_by_id(user, issued_at).await {
                Ok(principal) => Ok(Caller::User(principal)),
                Err(error) => rejected_or_error(Credential::Token, error),
            },
            None => Ok(Caller::Rejected(Credential::Token)),
        }
    }

    /// Whether the caller has no valid credentials (public queries only, the anonymous budget).
    pub fn is_anonymous(&self) -> bool {
        matches!(self, Caller::Anonymous | Caller::Rejected(_))
    }

    /// What a caller without valid credentials is told when they need some.
    pub fn unauthenticated(&self) -> ApiError {
        match self {
            Caller::Rejected(kind) => ApiError::InvalidCredential(*kind),
            _ => ApiError::Unauthenticated,
        }
    }

    /// The tenant the caller acts for. A user with several tenants names one with `tenant`; a given `tenant`
    /// must be one of the caller's.
    pub fn scope(&self, tenant: Option<&str>) -> ApiResult<TenantScope> {
        match self {
            Caller::Anonymous | Caller::Rejected(_) => Err(self.unauthenticated()),
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
            Caller::Anonymous | Caller::Rejected(_) => {
                Actor { user_id: String::from("anonymous"), roles: Default::default() }
            }
        }
    }

    /// Refuses read-only API keys.
    pub fn require_write(&self) -> ApiResult<()> {
        match self {
            Caller::ApiKey(k) if !k.scopes.contains(&ApiScope::Write) => {
                Err(ApiError::Forbidden(String::from("Kunci API ini hanya untuk membaca")))
            }
            Caller::Anonymous | Caller::Rejected(_) => Err(self.unauthenticated()),
            _ => Ok(()),
        }
    }
}

/// Whether the actor holds a role of the tenant that may see personal data: unmasked NIK and No. KK, and the
/// scans of KTP and KK (which show them), so the same roles may upload and download documents.
pub fn sees_personal_data(runtime: &simpul_store::TenantRuntime, actor: &Actor) -> bool {
    runtime.tenant.roles.iter().any(|r| r.sees_personal_data && actor.roles.contains(&r.code))
}

/// Where a request came from, for limits per client. Behind a reverse proxy the peer is the proxy, so a
/// deployment names how many trusted proxies stand in front (`SIMPUL_FORWARDED_HOPS`); each appends the address
/// it saw to `X-Forwarded-For`, and the client is the entry that many from the right. Entries further left are
/// the client's own claim and are never trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The client of a request from `peer` with `headers`, behind `hops` trusted proxies.
    pub fn from_request(peer: Option<IpAddr>, headers: &HeaderMap, hops: usize) -> Self {
        if hops == 0 {
            return ClientAddress(peer);
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let claimed = forwarded.len().checked_sub(hops).and_then(|i| forwarded.get(i));
        ClientAddress(claimed.and_then(|a| a.parse().ok()).or(peer))
    }

    /// The key of limits per address ("unknown" when there is none, as in tests without a socket).
    pub fn key(&self) -> String {
        self.0.map_or_else(|| String::from("unknown"), |ip| ip.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for header in ["Bearer abc", "bearer abc", "BEARER   abc", "  Bearer abc  "] {
            let mut headers = HeaderMap::new();
            headers.insert(axum::http::header::AUTHORIZATION, header.parse().expect("header"));
            assert_eq!(bearer(&headers), Some("abc"), "{header}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::AUTHORIZATION, "Basic abc".parse().expect("header"));
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn only_the_trusted_proxies_say_who_the_client_is() {
        let peer: IpAddr = "10.0.0.5".parse().expect("ip");
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().expect("header"));
        assert_eq!(ClientAddress::from_request(Some(peer), &headers, 0).key(), "10.0.0.5");
        assert_eq!(ClientAddress::from_request(Some(peer), &headers, 1).key(), "203.0.113.9");
        assert_eq!(ClientAddress::from_request(Some(peer), &headers, 2).key(), "6.6.6.6");
        assert_eq!(ClientAddress::from_request(Some(peer), &headers, 3).key(), "10.0.0.5", "too few entries");
    }
}
