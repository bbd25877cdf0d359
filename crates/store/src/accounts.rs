//! Accounts of one office, as its admin manages them: officers (users holding roles in the tenant) and the API
//! keys of its integrating systems. Every change is written to the audit log in the same transaction.
//!
//! A user may hold roles in several offices or a province; an office's admin changes only the roles held in their
//! office, and the account itself (disabling it, setting its password) only when it belongs to their office alone.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::Store;
use crate::auth::ApiScope;
use crate::entities::{api_key, membership, user};
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

/// An officer of the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// The user's id.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Role codes held in this tenant.
    pub roles: BTreeSet<String>,
    /// The kecamatan or desa/kelurahan the officer is limited to; none for the whole office.
    pub area: Option<String>,
    /// Whether the account may not sign in.
    pub disabled: bool,
    /// Whether the user also holds roles in another office or a province (then only this office's roles may be
    /// changed here).
    pub shared: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Where the holder's copies of messages go (a village operator's): e-mail.
    pub email: Option<String>,
    /// … and telephone (WhatsApp, SMS).
    pub phone: Option<String>,
}

/// An API key of the tenant; the secret itself is never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInfo {
    /// The key's id.
    pub id: Uuid,
    /// Who uses it, e.g. "SIKS desa Malili".
    pub name: String,
    /// The public part of the key (`spl_<prefix>_…`), to tell keys apart.
    pub prefix: String,
    /// What it may do.
    pub scopes: BTreeSet<ApiScope>,
    /// Roles it acts with.
    pub roles: BTreeSet<String>,
    /// The kecamatan or desa/kelurahan it is limited to; none for the whole office.
    pub area: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it last authenticated a request (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The last day it is accepted.
    pub expires_on: Option<chrono::NaiveDate>,
}

/// Who an actor of the history or the audit log is, as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorInfo {
    /// The officer's name, or the API key's.
    pub name: String,
    /// Their roles in the tenant.
    pub roles: BTreeSet<String>,
}

/// The shortest password accepted: NIST SP 800-63B's minimum for passwords a person chooses.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Length of the temporary passwords an admin hands out: 12 characters of a 32-letter alphabet are 60 bits,
/// far beyond online guessing behind the login limit, and short enough to read out over the phone.
const TEMPORARY_PASSWORD_CHARS: usize = 12;

/// A new account in a tenant.
#[derive(Debug, Clone)]
pub struct NewOfficer<'a> {
    /// Login name.
    pub username: &'a str,
    /// Name shown to people.
    pub display_name: &'a str,
    /// The first password; at least [`MIN_PASSWORD_CHARS`].
    pub password: &'a str,
    /// Roles of the tenant.
    pub roles: &'a BTreeSet<String>,
    /// The kecamatan or desa/kelurahan the officer is limited to (a village operator); none for the whole office.
    pub area: Option<&'a str>,
}

/// An area as the account log words it: ` untuk Kecamatan Malili`, or nothing for the whole office.
pub(crate) fn area_words(area: Option<&str>) -> String {
    area.map(|a| format!(" untuk {}", simpul_engine::regions::in_words(a))).unwrap_or_default()
}

/// Refuses a password shorter than [`MIN_PASSWORD_CHARS`].
pub(crate) fn check_password(password: &str) -> StoreResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::PasswordTooShort { min: MIN_PASSWORD_CHARS });
    }
    Ok(())
}

/// A random password without letters that are easily confused when read out (0/O, 1/l/I).
fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; TEMPORARY_PASSWORD_CHARS];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect()
}

impl Store {
    /// Checks an area for an account of the tenant: a kecamatan or desa/kelurahan of its kabupaten/kota.
    pub(crate) async fn check_area(&self, scope: &TenantScope, area: Option<&str>) -> StoreResult<Option<String>> {
        let Some(area) = area.map(str::trim).filter(|a| !a.is_empty()) else { return Ok(None) };
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let below = matches!(
            simpul_engine::regions::level(area),
            Some(simpul_engine::regions::Level::District | simpul_engine::regions::Level::Village)
        );
        if !below || !simpul_engine::regions::within(area, &runtime.tenant.region_code) {
            return Err(StoreError::UnknownArea { code: area.to_string() });
        }
        Ok(Some(area.to_string()))
    }

    /// Refuses a role the tenant does not have, and an empty set when `at_least_one`.
    pub(crate) async fn check_roles(
        &self,
        scope: &TenantScope,
        roles: &BTreeSet<String>,
        at_least_one: bool,
    ) -> StoreResult<()> {
        if at_least_one && roles.is_empty() {
            return Err(StoreError::NoRoles);
        }
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        match roles.iter().find(|r| !runtime.tenant.roles.iter().any(|x| &x.code == *r)) {
            Some(unknown) => Err(StoreError::UnknownRole { role: unknown.clone() }),
            None => Ok(()),
        }
    }

    /// The actors `ids` (user ids, `apikey:<id>`) by id, with their roles in the tenant, in at most three queries
    /// whatever their number. A user is named even without a role here (a provincial admin who wrote a
    /// definition); a key only if it is the tenant's; `system` and unknown ids are left out.
    pub async fn actors(
        &self,
        scope: &TenantScope,
        ids: &BTreeSet<String>,
    ) -> StoreResult<BTreeMap<String, ActorInfo>> {
        let users: Vec<Uuid> = ids.iter().filter_map(|id| Uuid::parse_str(id).ok()).collect();
        let keys: Vec<Uuid> =
            ids.iter().filter_map(|id| id.strip_prefix("apikey:").and_then(|k| Uuid::parse_str(k).ok())).collect();
        let mut out = BTreeMap::new();
        if !users.is_empty() {
            let mut roles: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
            let grants = membership::Entity::find()
                .filter(membership::Column::UserId.is_in(users.clone()))
                .filter(membership::Column::TenantId.eq(scope.tenant_id()))
                .all(&self.db)
                .await?;
            for grant in grants {
                roles.entry(grant.user_id).or_default().insert(grant.role);
            }
            for user in user::Entity::find().filter(user::Column::Id.is_in(users)).all(&self.db).await? {
                let roles = roles.remove(&user.id).unwrap_or_default();
                out.insert(user.id.to_string(), ActorInfo { name: user.display_name, roles });
            }
        }
        if !keys.is_empty() {
            let rows = api_key::Entity::find()
                .filter(api_key::Column::TenantId.eq(scope.tenant_id()))
                .filter(api_key::Column::Id.is_in(keys))
                .all(&self.db)
                .await?;
            for key in rows {
                let info = ApiKeyInfo::try_from(key)?;
                out.insert(format!("apikey:{}", info.id), ActorInfo { name: info.name, roles: info.roles });
            }
        }
        Ok(out)
    }

    /// The officers of the tenant, by username.
    pub async fn users(&self, scope: &TenantScope) -> StoreResult<Vec<UserInfo>> {
        let here =
            membership::Entity::find().filter(membership::Column::TenantId.eq(scope.tenant_id())).all(&self.db).await?;
        let ids: BTreeSet<Uuid> = here.iter().map(|m| m.user_id).collect();
        self.user_infos(scope, ids.into_iter().collect()).await
    }

    /// One officer of the tenant; a user without a role here is not found.
    pub async fn user(&self, scope: &TenantScope, id: Uuid) -> StoreResult<UserInfo> {
        self.user_infos(scope, vec![id]).await?.pop().ok_or(StoreError::NotFound { what: "pengguna" })
    }

    /// The users `ids` as officers of the tenant (those without a role here left out), by username.
    async fn user_infos(&self, scope: &TenantScope, ids: Vec<Uuid>) -> StoreResult<Vec<UserInfo>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let grants =
            membership::Entity::find().filter(membership::Column::UserId.is_in(ids.clone())).all(&self.db).await?;
        let mut roles: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
        let mut areas: BTreeMap<Uuid, String> = BTreeMap::new();
        let mut shared = BTreeSet::new();
        for grant in grants {
            if grant.tenant_id.as_deref() == Some(scope.tenant_id()) {
                roles.entry(grant.user_id).or_default().insert(grant.role);
                if let Some(area) = grant.area {
                    areas.insert(grant.user_id, area);
                }
            } else {
                shared.insert(grant.user_id);
            }
        }
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(roles.keys().copied().collect::<Vec<_>>()))
            .order_by_asc(user::Column::Username)
            .all(&self.db)
            .await?;
        Ok(users
            .into_iter()
            .map(|u| UserInfo {
                roles: roles.remove(&u.id).unwrap_or_default(),
                area: areas.remove(&u.id),
                shared: shared.contains(&u.id),
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                disabled: u.disabled,
                created_at: u.created_at,
                email: u.email,
                phone: u.phone,
            })
            .collect())
    }

    /// Creates an officer of the tenant with roles of the tenant. Audited.
    pub async fn create_officer(
        &self,
        scope: &TenantScope,
        new: &NewOfficer<'_>,
        actor: &str,
    ) -> StoreResult<UserInfo> {
        self.check_roles(scope, new.roles, true).await?;
        let area = self.check_area(scope, new.area).await?;
        let grants: Vec<_> = new
            .roles
            .iter()
            .map(|role| crate::auth::RoleGrant::Tenant { tenant: scope.tenant_id().to_string(), role: role.clone() })
            .collect();
        let detail = format!(
            "pengguna {} dibuat dengan peran {}{}",
            new.username,
            self.role_names(scope, new.roles).await?,
            area_words(area.as_deref())
        );
        let audit = Some((scope, actor, detail.as_str()));
        let id = self
            .create_user_audited(new.username, new.display_name, new.password, &grants, area.as_deref(), audit)
            .await?;
        self.user(scope, id).await
    }

    /// Replaces the roles a user holds in the tenant (roles elsewhere stay). Audited. An admin cannot take the
    /// admin role from themselves, so that an office is never left without one by mistake.
    pub async fn set_user_roles(
        &self,
        scope: &TenantScope,
        id: Uuid,
        roles: &BTreeSet<String>,
        actor: &str,
    ) -> StoreResult<UserInfo> {
        let before = self.user(scope, id).await?;
        self.check_roles(scope, roles, true).await?;
        if actor == id.to_string() && before.roles.contains(ADMIN_ROLE) && !roles.contains(ADMIN_ROLE) {
            return Err(StoreError::OwnAccount);
        }
        let detail = format!("peran {} diubah menjadi {}", before.username, self.role_names(scope, roles).await?);
        let now = Utc::now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        membership::Entity::delete_many()
            .filter(membership::Column::UserId.eq(id))
            .filter(membership::Column::TenantId.eq(scope.tenant_id()))
            .exec(&txn)
            .await?;
        for role in roles {
            membership::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(id),
                tenant_id: Set(Some(scope.tenant_id().to_string())),
                province_code: Set(None),
                role: Set(role.clone()),
                // The roles change; the area the officer is limited to stays.
                area: Set(before.area.clone()),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        account_audit(&txn, scope, actor, &id.to_string(), &detail, now).await?;
        txn.commit().await?;
        self.user(scope, id).await
    }

    /// Limits an officer to an area of the tenant (a kecamatan or desa/kelurahan), or lifts the limit (`None`).
    /// Audited; in force from the officer's next request.
    pub async fn set_user_area(
        &self,
        scope: &TenantScope,
        id: Uuid,
        area: Option<&str>,
        actor: &str,
    ) -> StoreResult<UserInfo> {
        let before = self.user(scope, id).await?;
        let area = self.check_area(scope, area).await?;
        let detail = match &area {
            Some(a) => format!("wilayah {} dibatasi{}", before.username, area_words(Some(a))),
            None => format!("batas wilayah {} dicabut (seluruh wilayah dinas)", before.username),
        };
        let now = Utc::now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        membership::Entity::update_many()
            .col_expr(membership::Column::Area, area.into())
            .filter(membership::Column::UserId.eq(id))
            .filter(membership::Column::TenantId.eq(scope.tenant_id()))
            .exec(&txn)
            .await?;
        account_audit(&txn, scope, actor, &id.to_string(), &detail, now).await?;
        txn.commit().await?;
        self.user(scope, id).await
    }

    /// Sets where an officer's copies of messages go (a village operator's e-mail and telephone); `None` clears
    /// one. The values come checked by the caller. Audited.
    pub async fn set_user_contact(
        &self,
        scope: &TenantScope,
        id: Uuid,
        contact: crate::notifications::Contact,
        actor: &str,
    ) -> StoreResult<UserInfo> {
        let before = self.user(scope, id).await?;
        let now = Utc::now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        user::ActiveModel { id: Set(id), email: Set(contact.email), phone: Set(contact.phone), ..Default::default() }
            .update(&txn)
            .await?;
        let detail = format!("kontak pemberitahuan {} diubah", before.username);
        account_audit(&txn, scope, actor, &id.to_string(), &detail, now).await?;
        txn.commit().await?;
        self.user(scope, id).await
    }

    /// Disables (or enables again) an officer's account: a disabled user cannot sign in, and tokens already
    /// issued stop working on their next request. Audited. Refused for one's own account and for an account
    /// that also serves another office or a province.
    pub async fn set_user_disabled(
        &self,
        scope: &TenantScope,
        id: Uuid,
        disabled: bool,
        actor: &str,
    ) -> StoreResult<UserInfo> {
        let before = self.owned_account(scope, id, actor).await?;
        self.write_disabled(id, &before.username, disabled, std::slice::from_ref(scope), actor).await?;
        self.user(scope, id).await
    }

    /// Disables (or enables) the account `username` wherever it serves: for the server's operator (the command
    /// line), who answers for every office. Audited in each of its offices.
    pub async fn set_account_disabled(&self, username: &str, disabled: bool, actor: &str) -> StoreResult<()> {
        let id = self.user_id(username).await?;
        let offices = membership::Entity::find().filter(membership::Column::UserId.eq(id)).all(&self.db).await?;
        let scopes: BTreeSet<String> = offices.into_iter().filter_map(|m| m.tenant_id).collect();
        let scopes: Vec<TenantScope> = scopes.into_iter().map(TenantScope::new).collect();
        self.write_disabled(id, username, disabled, &scopes, actor).await
    }

    /// Sets the `disabled` flag and writes the change to the audit log of each office in `scopes`.
    async fn write_disabled(
        &self,
        id: Uuid,
        username: &str,
        disabled: bool,
        scopes: &[TenantScope],
        actor: &str,
    ) -> StoreResult<()> {
        let now = Utc::now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        user::ActiveModel { id: Set(id), disabled: Set(disabled), ..Default::default() }.update(&txn).await?;
        let detail = format!("akun {username} {}", if disabled { "dinonaktifkan" } else { "diaktifkan kembali" });
        for scope in scopes {
            account_audit(&txn, scope, actor, &id.to_string(), &detail, now).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The id of the account `username`.
    pub async fn user_id(&self, username: &str) -> StoreResult<Uuid> {
        let found = user::Entity::find().filter(user::Column::Username.eq(username)).one(&self.db).await?;
        Ok(found.ok_or(StoreError::NotFound { what: "pengguna" })?.id)
    }

    /// Sets a new, random password for an officer who forgot theirs and returns it, to be handed over once;
    /// tokens issued before stop working. Audited (without the password). Refused as [`Self::set_user_disabled`].
    pub async fn reset_password(&self, scope: &TenantScope, id: Uuid, actor: &str) -> StoreResult<(UserInfo, String)> {
        let before = self.owned_account(scope, id, actor).await?;
        let password = temporary_password();
        let hash = crate::auth::hash_password(&password).await?;
        let now = Utc::now();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        user::ActiveModel {
            id: Set(id),
            password_hash: Set(hash),
            credentials_changed_at: Set(Some(now)),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        let detail = format!("kata sandi {} diatur ulang", before.username);
        account_audit(&txn, scope, actor, &id.to_string(), &detail, now).await?;
        txn.commit().await?;
        Ok((self.user(scope, id).await?, password))
    }

    /// The officer `id` when their account is this office's alone and not the actor's own.
    async fn owned_account(&self, scope: &TenantScope, id: Uuid, actor: &str) -> StoreResult<UserInfo> {
        let found = self.user(scope, id).await?;
        if actor == id.to_string() {
            return Err(StoreError::OwnAccount);
        }
        if found.shared {
            return Err(StoreError::AccountShared);
        }
        Ok(found)
    }

    /// The tenant's API keys, newest first, revoked ones included.
    pub async fn api_keys(&self, scope: &TenantScope) -> StoreResult<Vec<ApiKeyInfo>> {
        let rows = api_key::Entity::find()
            .filter(api_key::Column::TenantId.eq(scope.tenant_id()))
            .order_by_desc(api_key::Column::Id)
            .all(&self.db)
            .await?;
        rows.into_iter().map(ApiKeyInfo::try_from).collect()
    }

    /// One API key of the tenant.
    pub async fn api_key(&self, scope: &TenantScope, id: Uuid) -> StoreResult<ApiKeyInfo> {
        api_key::Entity::find_by_id(id)
            .filter(api_key::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "kunci API" })?
            .try_into()
    }

    /// The names of roles of the tenant, joined for a sentence (codes the tenant lacks are shown as codes).
    pub(crate) async fn role_names(&self, scope: &TenantScope, roles: &BTreeSet<String>) -> StoreResult<String> {
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let names: Vec<&str> = roles
            .iter()
            .map(|code| runtime.tenant.roles.iter().find(|r| &r.code == code).map_or(code.as_str(), |r| &r.name))
            .collect();
        Ok(if names.is_empty() { String::from("(tanpa peran)") } else { names.join(", ") })
    }

    /// The account log of the tenant (users and keys created and changed), newest first, at most `limit`.
    pub async fn account_log(&self, scope: &TenantScope, limit: u64) -> StoreResult<Vec<crate::audit::AuditEntry>> {
        self.audit_of_action(scope, crate::audit::action::ACCOUNT, limit).await
    }
}

/// The role that administers an office.
pub const ADMIN_ROLE: &str = "admin_dinas";

/// Writes an account change to the audit log, in the transaction of the change.
pub(crate) async fn account_audit<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    actor: &str,
    subject: &str,
    detail: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    crate::audit::row(scope, actor, crate::audit::action::ACCOUNT, subject, detail, at).insert(db).await?;
    Ok(())
}

impl TryFrom<api_key::Model> for ApiKeyInfo {
    type Error = StoreError;

    fn try_from(key: api_key::Model) -> StoreResult<Self> {
        let grant = crate::auth::KeyGrant::parse(&key.scopes)?;
        Ok(ApiKeyInfo {
            id: key.id,
            name: key.name,
            prefix: key.key_prefix,
            scopes: grant.scopes,
            roles: grant.roles,
            area: grant.area,
            created_by: key.created_by,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
            expires_on: grant.expires_on,
        })
    }
}
