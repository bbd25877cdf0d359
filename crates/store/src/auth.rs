//! Authentication: users with argon2id password hashes, their roles per tenant and per province, API keys for
//! integrators. This module is the only maker of [`TenantScope`]s.

use std::collections::{BTreeMap, BTreeSet};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Utc;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
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
struct KeyGrant {
    scopes: BTreeSet<ApiScope>,
    #[serde(default)]
    roles: BTreeSet<String>,
}

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
async fn hash_password(password: &str) -> StoreResult<String> {
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
    /// Creates a user with roles. The username must be free and the password at least 8 characters.
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        grants: &[RoleGrant],
    ) -> StoreResult<Uuid> {
        if username.trim().is_empty() || password.chars().count() < 8 {
            return Err(StoreError::Invalid(String::from(
                "nama pengguna wajib diisi dan kata sandi paling sedikit 8 karakter",
            )));
        }
        let exists = user::Entity::find().filter(user::Column::Username.eq(username)).one(&self.db).await?;
        if exists.is_some() {
            return Err(StoreError::Invalid(format!("nama pengguna `{username}` sudah dipakai")));
        }
        for grant in grants {
            if let RoleGrant::Tenant { tenant, .. } = grant
                && tenant::Entity::find_by_id(tenant.clone()).one(&self.db).await?.is_none()
            {
                return Err(StoreError::Invalid(format!("dinas `{tenant}` tidak dikenal")));
            }
        }
        let hash = hash_password(password).await?;
        self.insert_user(username, display_name, &hash, grants).await
    }

    /// Inserts a user and their grants in one transaction.
    async fn insert_user(
        &self,
        username: &str,
        display_name: &str,
        hash: &str,
        grants: &[RoleGrant],
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
                tenant_id: Set(tenant_id),
                province_code: Set(province_code),
                role: Set(role),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
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
            self.insert_user(username, display, hash, std::slice::from_ref(grant)).await?;
        }
        Ok(())
    }

    /// Checks a username and password. A wrong password and an unknown user give the same error, after the
    /// same work.
    pub async fn login(&self, username: &str, password: &str) -> StoreResult<Principal> {
        let found = user::Entity::find().filter(user::Column::Username.eq(username)).one(&self.db).await?;
        let Some(found) = found.filter(|u| !u.disabled) else {
            // Spend the time a real check takes, so that timing does not tell which usernames exist.
            static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
            let dummy = DUMMY.get_or_try_init(|| hash_password("not a password")).await?;
            let _ = verify_password(password, dummy).await?;
            return Err(StoreError::BadCredentials);
        };
        if !verify_password(password, &found.password_hash).await? {
            return Err(StoreError::BadCredentials);
        }
        self.principal(found).await
    }

    /// The user with this id, as a principal (for bearer tokens issued earlier).
    pub async fn principal_by_id(&self, id: Uuid) -> StoreResult<Principal> {
        let found = user::Entity::find_by_id(id).one(&self.db).await?.filter(|u| !u.disabled);
        self.principal(found.ok_or(StoreError::BadCredentials)?).await
    }

    async fn principal(&self, found: user::Model) -> StoreResult<Principal> {
        let grants = membership::Entity::find().filter(membership::Column::UserId.eq(found.id)).all(&self.db).await?;
        let mut tenants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut provinces = Vec::new();
        for grant in grants {
            match (grant.tenant_id, grant.province_code) {
                (Some(t), _) => {
                    tenants.entry(t).or_default().insert(grant.role);
                }
                (None, Some(p)) => provinces.push(p),
                (None, None) => {}
            }
        }
        Ok(Principal {
            user_id: found.id,
            username: found.username,
            display_name: found.display_name,
            memberships: tenants
                .into_iter()
                .map(|(t, roles)| Membership { scope: TenantScope::new(t), roles })
                .collect(),
            provinces,
        })
    }

    /// The scope of a tenant for trusted local processes — the command line and the server's own start-up and
    /// background work, which run with the database's credentials anyway. Requests never reach it.
    pub async fn system_scope(&self, tenant_code: &str) -> StoreResult<TenantScope> {
        tenant::Entity::find_by_id(tenant_code.to_string())
            .one(&self.db)
            .await?
            .map(|t| TenantScope::new(t.id))
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
        created_by: &str,
    ) -> StoreResult<(Uuid, String)> {
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        if let Some(unknown) = roles.iter().find(|r| !runtime.tenant.roles.iter().any(|x| &x.code == *r)) {
            return Err(StoreError::Invalid(format!("peran `{unknown}` tidak dikenal di dinas ini")));
        }
        let mut random = [0u8; 32];
        rand::rng().fill_bytes(&mut random);
        let mut prefix_bytes = [0u8; 6];
        rand::rng().fill_bytes(&mut prefix_bytes);
        let prefix = hex::encode(prefix_bytes);
        let secret = format!("spl_{prefix}_{}", hex::encode(random));
        let scopes = if scopes.is_empty() { BTreeSet::from([ApiScope::Read]) } else { scopes.clone() };
        let id = Uuid::now_v7();
        api_key::ActiveModel {
            id: Set(id),
            tenant_id: Set(scope.tenant_id().to_string()),
            name: Set(name.to_string()),
            key_prefix: Set(prefix),
            key_hash: Set(sha256_hex(&secret)),
            scopes: Set(serde_json::to_string(&KeyGrant { scopes, roles: roles.clone() })
                .map_err(|e| StoreError::Invalid(e.to_string()))?),
            created_by: Set(created_by.to_string()),
            created_at: Set(Utc::now()),
            revoked_at: Set(None),
        }
        .insert(&self.db)
        .await?;
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
        let grant: KeyGrant =
            serde_json::from_str(&key.scopes).map_err(|e| StoreError::Corrupt(format!("api key scopes: {e}")))?;
        Ok(ApiPrincipal {
            key_id: key.id,
            name: key.name,
            scope: TenantScope::new(key.tenant_id),
            scopes: grant.scopes,
            roles: grant.roles,
        })
    }

    /// Revokes an API key of the tenant.
    pub async fn revoke_api_key(&self, scope: &TenantScope, key_id: Uuid) -> StoreResult<()> {
        let key = api_key::Entity::find_by_id(key_id)
            .filter(api_key::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "kunci API" })?;
        let mut active: api_key::ActiveModel = key.into();
        active.revoked_at = Set(Some(Utc::now()));
        active.update(&self.db).await?;
        Ok(())
    }
}
