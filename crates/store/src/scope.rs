//! Tenant scopes: the proof, carried by every repository call, of which office the caller acts for.

use std::collections::BTreeSet;

use simpul_engine::Actor;
use uuid::Uuid;

/// Proof that the caller was authenticated for one tenant, and for which area of it. Its constructor is private
/// to the store and only the authentication code ([`crate::auth`]) calls it, so no other code can make a scope for
/// a tenant it did not authenticate for, and no repository query runs without one.
///
/// A scope limited to an area (a kecamatan or desa/kelurahan: a village operator) sees only the applications
/// lying in it, and submits only for it: every application query filters by the area as it filters by tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantScope {
    tenant_id: String,
    area: Option<String>,
}

impl TenantScope {
    pub(crate) fn new(tenant_id: impl Into<String>) -> Self {
        TenantScope { tenant_id: tenant_id.into(), area: None }
    }

    /// The same tenant, limited to `area` (none: the whole office).
    pub(crate) fn within(self, area: Option<String>) -> Self {
        TenantScope { area, ..self }
    }

    /// The tenant's code.
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The area the scope is limited to: a kecamatan or desa/kelurahan code; none for the whole office.
    pub fn area(&self) -> Option<&str> {
        self.area.as_deref()
    }

    /// Whether an application lying in `area` (its desa/kelurahan, if its form names one) is within this scope.
    /// An application that names no desa lies in no area: only a whole-office scope sees it.
    pub fn covers(&self, area: Option<&str>) -> bool {
        match (&self.area, area) {
            (None, _) => true,
            (Some(limit), Some(area)) => simpul_engine::regions::within(area, limit),
            (Some(_), None) => false,
        }
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
