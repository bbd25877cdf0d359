//! Authentication: users with argon2id password hashes, their roles per tenant and per province, API keys for
//! integrators. This module is the only maker of [`TenantScope`]s.

use std::collections::{BTreeMap, BTreeSet};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Utc;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Store;
use crate::entities::{api_key, membership, tenant, user};
use crate::error::{StoreError, StoreResult};
use crate::scope::{Membership, Principal, SystemAccess, TenantScope};

/// Where a role is held: in one tenant, or over a province (provincial admins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleGrant {
    /// A role in a tenant, e.g. `front_office` in `bulukumba`.
    Tenant {
        /// Tenant code.
        tenant: String,
        /// Role code.
        role: String,
    },
    /// Administration of a province's definitions, e.g. province `73`.
    Province {
        /// Province code.
        province: String,
    },
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "ApiKeyScope"))]
#[serde(rename_all = "snake_case")]
pub enum ApiScope {
    /// Read applications and definitions (the default).
    Read,
    /// Submit applications and act on them.
    Write,
}

/// An authenticated API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPrincipal {
    /// The key's id.
    pub key_id: Uuid,
    /// The key's name.
    pub name: String,
    /// The tenant the key belongs to.
    pub scope: TenantScope,
    /// What it may do.
    pub scopes: BTreeSet<ApiScope>,
    /// Roles the integrating system acts with (e.g. a village system as `operator_desa`).
    pub roles: BTreeSet<String>,
}

/// What an API key may do, as stored in its `scopes` column.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct KeyGrant {
    pub(crate) scopes: BTreeSet<ApiScope>,
    #[serde(default)]
    pub(crate) roles: BTreeSet<String>,
    /// The kecamatan or desa/kelurahan the key is limited to (a village system's key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) area: Option<String>,
    /// The last day the key is accepted, in the office's time zone; none for a key without an end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) expires_on: Option<chrono::NaiveDate>,
}

/// Where and until when an API key is accepted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyLimits<'a> {
    /// A kecamatan or desa/kelurahan code of the office (a village system's key); none for the whole office.
    pub area: Option<&'a str>,
    /// The last day the key is accepted; none for a key without an end.
    pub expires_on: Option<chrono::NaiveDate>,
}

impl KeyGrant {
    /// The grant stored in an `api_keys.scopes` column.
    pub(crate) fn parse(column: &str) -> StoreResult<Self> {
        serde_json::from_str(column).map_err(|e| StoreError::Corrupt(format!("api key scopes: {e}")))
    }
}

/// How often a key's `last_used_at` is written: at most once a minute, so that an integrator polling every second
/// does not turn each read into a write as well, while an admin still sees which keys are in use.
const LAST_USE_RESOLUTION: chrono::Duration = chrono::Duration::minutes(1);

fn argon() -> Argon2<'static> {
    // argon2id, version 19, the crate's default cost (19 MiB, 2 passes), as OWASP recommends.
    Argon2::default()
}

/// How many password hashes are computed at once, at most: one per core. Each takes 19 MiB and a core for tens of
/// milliseconds, so a burst of logins waits here, on the blocking pool, instead of taking the async workers and
/// the memory that every other request needs.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
});

/// Runs password hashing work on the blocking pool, a few at a time ([`HASHING`]).
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> StoreResult<T> {
    let _permit = HASHING.acquire().await.map_err(|e| StoreError::Task(e.to_string()))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| StoreError::Task(e.to_string()))
}

/// Hashes a password with argon2id and a random salt, off the async workers.
pub(crate) async fn hash_password(password: &str) -> StoreResult<String> {
    let password = password.to_string();
    hashing(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await?
    .map_err(|e| StoreError::Task(format!("cannot hash password: {e}")))
}

/// Checks a password against a stored hash, off the async workers.
async fn verify_password(password: &str, hash: &str) -> StoreResult<bool> {
    let (password, hash) = (password.to_string(), hash.to_string());
    hashing(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| argon().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Store {
    /// Creates a user with roles (from the command line; an office's admin uses
    /// [`Store::create_officer`]). The username must be free, the password at least
    /// [`crate::accounts::MIN_PASSWORD_CHARS`] long, and every role one of its tenant's.
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        grants: &[RoleGrant],
    ) -> StoreResult<Uuid> {
        self.create_user_audited(username, display_name, password, grants, None, None).await
    }

    /// [`Store::create_user`], its tenant roles limited to `area` (checked by the caller), writing `audit`
    /// (tenant, actor, detail) in the same transaction.
    pub(crate) async fn create_user_audited(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        grants: &[RoleGrant],
        area: Option<&str>,
        audit: Option<(&TenantScope, &str, &str)>,
    ) -> StoreResult<Uuid> {
        let username = username.trim();
        if username.is_empty() {
            return Err(StoreError::UsernameRequired);
        }
        crate::accounts::check_password(password)?;
        let exists = user::Entity::find().filter(user::Column::Username.eq(username)).one(&self.db).await?;
        if exists.is_some() {
            return Err(StoreError::UsernameTaken { username: username.to_string() });
        }
        for grant in grants {
            if let RoleGrant::Tenant { tenant, role } = grant {
                if tenant::Entity::find_by_id(tenant.clone()).one(&self.db).await?.is_none() {
                    return Err(StoreError::UnknownTenant { tenant: tenant.clone() });
                }
                self.check_roles(&TenantScope::new(tenant.clone()), &BTreeSet::from([role.clone()]), true).await?;
            }
        }
        let hash = hash_password(password).await?;
        self.insert_user(username, display_name, &hash, grants, area, audit).await
    }

    /// Inserts a user, their grants and the audit entry of their creation in one transaction.
    async fn insert_user(
        &self,
        username: &str,
        display_name: &str,
        hash: &str,
        grants: &[RoleGrant],
        area: Option<&str>,
        audit: Option<(&TenantScope, &str, &str)>,
    ) -> StoreResult<Uuid> {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        user::ActiveModel {
            id: Set(id),
            username: Set(username.to_string()),
            display_name: Set(display_name.to_string()),
            password_hash: Set(hash.to_string()),
            disabled: Set(false),
            created_at: Set(now),
            credentials_changed_at: Set(None),
            email: Set(None),
            phone: Set(None),
        }
        .insert(&txn)
        .await?;
        for grant in grants {
            let (tenant_id, province_code, role) = match grant {
                RoleGrant::Tenant { tenant, role } => (Some(tenant.clone()), None, role.clone()),
                RoleGrant::Province { province } => (None, Some(province.clone()), String::from("admin_provinsi")),
            };
            membership::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(id),
                area: Set(tenant_id.as_ref().and(area).map(str::to_string)),
                tenant_id: Set(tenant_id),
                province_code: Set(province_code),
                role: Set(role),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        if let Some((scope, actor, detail)) = audit {
            crate::accounts::account_audit(&txn, scope, actor, &id.to_string(), detail, now).await?;
        }
        txn.commit().await?;
        Ok(id)
    }

    /// Creates, once, a user `<role>@<tenant>` for every role of every tenant and `admin@<province>` for every
    /// province, all with `password`, and returns their names. For a first look on a loopback address only: the
    /// caller (`simpul serve --demo`) refuses any other address. The usual password rules do not apply.
    pub async fn ensure_demo_users(&self, password: &str) -> StoreResult<Vec<String>> {
        let mut names = Vec::new();
        let hash = hash_password(password).await?;
        let tenants = tenant::Entity::find().all(&self.db).await?;
        let mut provinces = std::collections::BTreeSet::new();
        for t in &tenants {
            let runtime = self.tenant_runtime(&self.db, &TenantScope::new(t.id.clone())).await?;
            provinces.insert(t.province_code.clone());
            for role in &runtime.tenant.roles {
                let name = format!("{}@{}", role.code, t.id);
                let grant = RoleGrant::Tenant { tenant: t.id.clone(), role: role.code.clone() };
                self.ensure_user(&name, &role.name, &hash, &grant).await?;
                names.push(name);
            }
        }
        for province in provinces {
            let name = format!("admin@{province}");
            self.ensure_user(&name, "Admin Provinsi", &hash, &RoleGrant::Province { province }).await?;
            names.push(name);
        }
        Ok(names)
    }

    async fn ensure_user(&self, username: &str, display: &str, hash: &str, grant: &RoleGrant) -> StoreResult<()> {
        if user::Entity::find().filter(user::Column::Username.eq(username)).one(&self.db).await?.is_none() {
            self.insert_user(username, display, hash, std::slice::from_ref(grant), None, None).await?;
        }
        Ok(())
    }

    /// Checks a username and password. A wrong password and an unknown user give the same error, after the
    /// same work.
    pub async fn login(&self, username: &str, password: &str) -> StoreResult<Principal> {
        let found = self.user_with_grants(user::Column::Username.eq(username)).await?;
        let Some((found, grants)) = found.filter(|(u, _)| !u.disabled) else {
            // Spend the time a real check takes, so that timing does not tell which usernames exist.
            static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
            let dummy = DUMMY.get_or_try_init(|| hash_password("not a password")).await?;
            let _ = verify_password(password, dummy).await?;
            return Err(StoreError::BadCredentials);
        };
        if !verify_password(password, &found.password_hash).await? {
            return Err(StoreError::BadCredentials);
        }
        Ok(Self::principal(found, grants))
    }

    /// The user with this id, as a principal, for a bearer token issued at `issued_at` (Unix seconds): refused
    /// when the account is disabled or its password was reset after the token was issued.
    pub async fn principal_by_id(&self, id: Uuid, issued_at: i64) -> StoreResult<Principal> {
        let found = self.user_with_grants(user::Column::Id.eq(id)).await?.filter(|(u, _)| {
            !u.disabled && u.credentials_changed_at.is_none_or(|changed| changed.timestamp() <= issued_at)
        });
        let (found, grants) = found.ok_or(StoreError::BadCredentials)?;
        Ok(Self::principal(found, grants))
    }

    /// The one user `condition` selects (by id or by username) with their memberships, in one statement (a
    /// `LEFT JOIN`): every request with a token asks this, and it was two round trips.
    async fn user_with_grants(
        &self,
        condition: sea_orm::sea_query::SimpleExpr,
    ) -> StoreResult<Option<(user::Model, Vec<membership::Model>)>> {
        let rows = user::Entity::find().filter(condition).find_also_related(membership::Entity).all(&self.db).await?;
        let Some((found, _)) = rows.first() else { return Ok(None) };
        let found = found.clone();
        Ok(Some((found, rows.into_iter().filter_map(|(_, grant)| grant).collect())))
    }

    /// A user and their memberships as the principal a request acts as.
    fn principal(found: user::Model, grants: Vec<membership::Model>) -> Principal {
        let mut tenants: BTreeMap<String, (BTreeSet<String>, Option<String>)> = BTreeMap::new();
        let mut provinces = Vec::new();
        for grant in grants {
            match (grant.tenant_id, grant.province_code) {
                (Some(t), _) => {
                    let (roles, area) = tenants.entry(t).or_default();
                    roles.insert(grant.role);
                    // The rows of one tenant carry one area; should they ever differ, the narrowest holds.
                    if let Some(limit) = grant.area
                        && area.as_deref().is_none_or(|a| limit.len() > a.len())
                    {
                        *area = Some(limit);
                    }
                }
                (None, Some(p)) => provinces.push(p),
                (None, None) => {}
            }
        }
        Principal {
            user_id: found.id,
            username: found.username,
            display_name: found.display_name,
            memberships: tenants
                .into_iter()
                .map(|(t, (roles, area))| Membership { scope: TenantScope::new(t).within(area), roles })
                .collect(),
            provinces,
        }
    }

    /// The scope of a tenant for trusted local processes — the command line and the server's own start-up and
    /// background work, which run with the database's credentials anyway. Requests never reach it.
    pub async fn system_scope(&self, tenant_code: &str) -> StoreResult<TenantScope> {
        // The code alone: public requests come here, and an office's row carries its whole file.
        tenant::Entity::find_by_id(tenant_code.to_string())
            .select_only()
            .column(tenant::Column::Id)
            .into_tuple::<String>()
            .one(&self.db)
            .await?
            .map(TenantScope::new)
            .ok_or(StoreError::NotFound { what: "dinas" })
    }

    /// Access across tenants for the server's own background work (outbox delivery, deadline watcher).
    pub fn system_access(&self) -> SystemAccess {
        SystemAccess::new()
    }

    /// The scope of a tenant for a provincial admin of its province.
    pub async fn province_scope(&self, principal: &Principal, tenant_code: &str) -> StoreResult<TenantScope> {
        let row = tenant::Entity::find_by_id(tenant_code.to_string())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "dinas" })?;
        if principal.provinces.contains(&row.province_code) {
            Ok(TenantScope::new(row.id))
        } else {
            Err(StoreError::NotFound { what: "dinas" })
        }
    }

    /// The roles a user holds in the tenant of `scope` (to check the officer a disposisi names).
    pub async fn roles_of(&self, scope: &TenantScope, user_id: Uuid) -> StoreResult<BTreeSet<String>> {
        let rows = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .filter(membership::Column::TenantId.eq(scope.tenant_id()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| m.role).collect())
    }

    /// Creates an API key for an integrator of the tenant, acting with `roles` (which must be roles of the
    /// tenant). Returns the key's id and the secret, which is shown once and stored only as a SHA-256 hash (the
    /// secret is 256 random bits, so a slow hash adds nothing).
    pub async fn create_api_key(
        &self,
        scope: &TenantScope,
        name: &str,
        scopes: &BTreeSet<ApiScope>,
        roles: &BTreeSet<String>,
        limits: KeyLimits<'_>,
        created_by: &str,
    ) -> StoreResult<(Uuid, String)> {
        if name.trim().is_empty() {
            return Err(StoreError::KeyNameRequired);
        }
        self.check_roles(scope, roles, false).await?;
        let area = self.check_area(scope, limits.area).await?;
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        if let Some(last) = limits.expires_on
            && last < runtime.calendar.local_date(Utc::now())
        {
            return Err(StoreError::KeyExpiryPast);
        }
        let mut random = [0u8; 32];
        rand::rng().fill_bytes(&mut random);
        let mut prefix_bytes = [0u8; 6];
        rand::rng().fill_bytes(&mut prefix_bytes);
        let prefix = hex::encode(prefix_bytes);
        let secret = format!("spl_{prefix}_{}", hex::encode(random));
        let scopes = if scopes.is_empty() { BTreeSet::from([ApiScope::Read]) } else { scopes.clone() };
        let id = Uuid::now_v7();
        let now = Utc::now();
        let detail = format!(
            "kunci API {} dibuat ({}) dengan peran {}{}",
            name.trim(),
            if scopes.contains(&ApiScope::Write) { "membaca dan mengubah" } else { "hanya membaca" },
            self.role_names(scope, roles).await?,
            crate::accounts::area_words(area.as_deref()),
        );
        let detail = match limits.expires_on {
            Some(last) => format!("{detail}, berlaku sampai {last}"),
            None => detail,
        };
        let grant =
            serde_json::to_string(&KeyGrant { scopes, roles: roles.clone(), area, expires_on: limits.expires_on })
                .map_err(|e| StoreError::Corrupt(format!("api key scopes: {e}")))?;
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        api_key::ActiveModel {
            id: Set(id),
            tenant_id: Set(scope.tenant_id().to_string()),
            name: Set(name.trim().to_string()),
            key_prefix: Set(prefix),
            key_hash: Set(sha256_hex(&secret)),
            scopes: Set(grant),
            created_by: Set(created_by.to_string()),
            created_at: Set(now),
            revoked_at: Set(None),
            last_used_at: Set(None),
        }
        .insert(&txn)
        .await?;
        crate::accounts::account_audit(&txn, scope, created_by, &id.to_string(), &detail, now).await?;
        txn.commit().await?;
        Ok((id, secret))
    }

    /// Checks an API key.
    pub async fn authenticate_api_key(&self, secret: &str) -> StoreResult<ApiPrincipal> {
        let prefix =
            secret.strip_prefix("spl_").and_then(|rest| rest.split('_').next()).ok_or(StoreError::BadCredentials)?;
        let key = api_key::Entity::find()
            .filter(api_key::Column::KeyPrefix.eq(prefix))
            .one(&self.db)
            .await?
            .filter(|k| k.revoked_at.is_none())
            .ok_or(StoreError::BadCredentials)?;
        // Compare hashes, not secrets: equal-length hex strings, and a mismatch says nothing about the secret.
        if key.key_hash != sha256_hex(secret) {
            return Err(StoreError::BadCredentials);
        }
        let grant = KeyGrant::parse(&key.scopes)?;
        let now = Utc::now();
        if let Some(last) = grant.expires_on {
            let runtime = self.tenant_runtime(&self.db, &TenantScope::new(key.tenant_id.clone())).await?;
            if runtime.calendar.local_date(now) > last {
                return Err(StoreError::BadCredentials);
            }
        }
        if key.last_used_at.is_none_or(|last| now - last >= LAST_USE_RESOLUTION) {
            api_key::ActiveModel { id: Set(key.id), last_used_at: Set(Some(now)), ..Default::default() }
                .update(&self.db)
                .await?;
        }
        Ok(ApiPrincipal {
            key_id: key.id,
            name: key.name,
            scope: TenantScope::new(key.tenant_id).within(grant.area),
            scopes: grant.scopes,
            roles: grant.roles,
        })
    }

    /// Revokes an API key of the tenant: the next request with it is refused. Audited; revoking a revoked key
    /// changes nothing.
    pub async fn revoke_api_key(
        &self,
        scope: &TenantScope,
        key_id: Uuid,
        actor: &str,
    ) -> StoreResult<crate::accounts::ApiKeyInfo> {
        let key = self.api_key(scope, key_id).await?;
        if key.revoked_at.is_some() {
            return Ok(key);
        }
        let now = Utc::now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        api_key::ActiveModel { id: Set(key_id), revoked_at: Set(Some(now)), ..Default::default() }.update(&txn).await?;
        let detail = format!("kunci API {} dicabut", key.name);
        crate::accounts::account_audit(&txn, scope, actor, &key_id.to_string(), &detail, now).await?;
        txn.commit().await?;
        self.api_key(scope, key_id).await
    }
}
