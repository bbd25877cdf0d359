//! Tenant scopes: the proof, carried by every repository call, of which office the caller acts for.

use std::collections::BTreeSet;

use simpul_engine::Actor;
use uuid::Uuid;

/// Proof that the caller was authenticated for one tenant. Its constructor is private to the store and only
/// the authentication code ([`crate::auth`]) calls it, so no other code can make a scope for a tenant it did not
/// authenticate for, and no repository query runs without one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantScope {
    tenant_id: String,
}

impl TenantScope {
    pub(crate) fn new(tenant_id: impl Into<String>) -> Self {
        TenantScope { tenant_id: tenant_id.into() }
    }

    /// The tenant's code.
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }
}

/// Access across tenants for the server's own trusted background work (delivering the outbox, watching
/// deadlines). Like [`TenantScope`], only [`crate::auth`] makes it; no request can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemAccess(());

impl SystemAccess {
    pub(crate) fn new() -> Self {
        SystemAccess(())
    }
}

/// A user's roles in one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The tenant.
    pub scope: TenantScope,
    /// Role codes held there.
    pub roles: BTreeSet<String>,
}

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User id.
    pub user_id: Uuid,
    /// Login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Roles per tenant.
    pub memberships: Vec<Membership>,
    /// Provinces the user administers (provincial admins).
    pub provinces: Vec<String>,
}

impl Principal {
    /// The user's membership of a tenant, if any.
    pub fn membership(&self, tenant: &str) -> Option<&Membership> {
        self.memberships.iter().find(|m| m.scope.tenant_id() == tenant)
    }

    /// The user as the engine sees them in `scope`.
    pub fn actor(&self, scope: &TenantScope) -> Actor {
        let roles = self.membership(scope.tenant_id()).map(|m| m.roles.clone()).unwrap_or_default();
        Actor { user_id: self.user_id.to_string(), roles }
    }
}
