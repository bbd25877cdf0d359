//! Accounts of an office: its officers (for everyone who assigns work) and, for its admin (`admin_dinas`, or a
//! provincial admin of its province), users and API keys to create, change, disable and revoke. Every change is
//! audited by the store and readable as `accountLog`.

use std::collections::BTreeSet;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use simpul_definitions::model::Role;
use simpul_store::accounts::{ApiKeyInfo, NewOfficer, UserInfo};
use simpul_store::auth::{ApiScope, KeyLimits};
use simpul_store::{TenantRuntime, TenantScope};
use uuid::Uuid;

use super::admin::admin_scope;
use super::{caller, shared};
use crate::error::{ApiError, ApiResult};

/// How many account log entries one query returns at most: an office changes a handful of accounts a week, so a
/// year of them fits, and a longer history is the database's to keep, not one response's.
const ACCOUNT_LOG_LIMIT: u64 = 500;

/// The roles `codes` as the office names them (a code the office no longer defines keeps its code as name).
pub(super) fn role_views(runtime: &TenantRuntime, codes: &BTreeSet<String>) -> Vec<Role> {
    codes
        .iter()
        .map(|code| match runtime.tenant.roles.iter().find(|r| &r.code == code) {
            Some(role) => role.clone(),
            None => Role { code: code.clone(), name: code.clone(), sees_personal_data: false },
        })
        .collect()
}

/// An area below the office (a kecamatan or desa/kelurahan), by Kemendagri code and in words.
#[derive(SimpleObject, Clone)]
pub struct AreaView {
    /// `73.24.04` or `73.24.04.1003`.
    pub code: String,
    /// `Kecamatan Malili`, `Kelurahan Malili, Kecamatan Malili`.
    pub name: String,
}

impl AreaView {
    /// The view of an area code.
    pub fn of(code: &str) -> Self {
        AreaView { code: code.to_string(), name: simpul_engine::regions::in_words(code) }
    }
}

/// An officer of the office.
#[derive(SimpleObject)]
pub struct OfficerView {
    pub id: ID,
    pub username: String,
    pub display_name: String,
    /// Roles held in this office.
    pub roles: Vec<Role>,
    /// The area the officer is limited to (a village operator); absent for the whole office.
    pub area: Option<AreaView>,
    /// A disabled account cannot sign in.
    pub disabled: bool,
    /// The user also serves another office or a province: only the roles held here can be changed here.
    pub shared_with_other_offices: bool,
    pub created_at: DateTime<Utc>,
    /// Where copies of the messages of applications the officer submits online go (a village operator's).
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl OfficerView {
    pub(super) fn new(runtime: &TenantRuntime, user: UserInfo) -> Self {
        OfficerView {
            id: ID(user.id.to_string()),
            roles: role_views(runtime, &user.roles),
            area: user.area.as_deref().map(AreaView::of),
            username: user.username,
            display_name: user.display_name,
            disabled: user.disabled,
            shared_with_other_offices: user.shared,
            created_at: user.created_at,
            email: user.email,
            phone: user.phone,
        }
    }
}

/// An API key of the office; its secret is shown only once, when it is created.
#[derive(SimpleObject)]
pub struct ApiKeyView {
    pub id: ID,
    /// Who uses it, e.g. "SIKS desa Malili".
    pub name: String,
    /// The key's public part (`spl_<prefix>_…`), to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub roles: Vec<Role>,
    /// The area the key is limited to (a village system's key); absent for the whole office.
    pub area: Option<AreaView>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// When it last authenticated a request, to the minute; never used when absent.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked key is refused.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The last day it is accepted; after it the key is refused. Absent: no end.
    pub expires_on: Option<chrono::NaiveDate>,
}

impl ApiKeyView {
    fn new(runtime: &TenantRuntime, key: ApiKeyInfo) -> Self {
        ApiKeyView {
            id: ID(key.id.to_string()),
            roles: role_views(runtime, &key.roles),
            area: key.area.as_deref().map(AreaView::of),
            name: key.name,
            prefix: key.prefix,
            scopes: key.scopes.into_iter().collect(),
            created_by: key.created_by,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
            expires_on: key.expires_on,
        }
    }
}

/// A new API key and its secret, shown this once (only its hash is kept).
#[derive(SimpleObject)]
pub struct CreatedApiKey {
    pub key: ApiKeyView,
    /// Send it as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// A password set by the admin, to be handed to the officer once; their earlier sessions end.
#[derive(SimpleObject)]
pub struct PasswordReset {
    pub user: OfficerView,
    pub temporary_password: String,
}

/// A change to the office's accounts.
#[derive(SimpleObject)]
pub struct AccountChange {
    /// Who made it (a user id, `apikey:<id>`, or the command that did).
    pub actor: String,
    /// Their name and roles (an officer's or key's), when the actor is one.
    pub by: Option<super::ActorView>,
    /// The user or key changed (its id).
    pub subject: String,
    /// What was done, in words.
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// A new officer.
#[derive(InputObject)]
pub struct CreateUserInput {
    pub username: String,
    pub display_name: String,
    /// The first password, at least 8 characters; the officer is asked to keep it to themselves.
    pub password: String,
    /// Role codes of the office (see `tenant { roles }`); at least one.
    pub roles: Vec<String>,
    /// A kecamatan or desa/kelurahan code of the office's kabupaten/kota: the officer sees and submits only the
    /// applications of that area (a village operator). Absent: the whole office.
    pub area: Option<String>,
}

/// A new API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// Who uses it, e.g. "SIKS desa Malili".
    pub name: String,
    /// `READ` is always included; add `WRITE` for a system that submits and acts.
    #[graphql(default)]
    pub scopes: Vec<ApiScope>,
    /// Role codes of the office the system acts with (e.g. `operator_desa`).
    #[graphql(default)]
    pub roles: Vec<String>,
    /// A kecamatan or desa/kelurahan code: the key sees and submits only that area's applications (a village
    /// system). Absent: the whole office.
    pub area: Option<String>,
    /// The last day the key is accepted (in the office's time zone), e.g. the end of an agreement with the
    /// integrator. Absent: no end.
    pub expires_on: Option<chrono::NaiveDate>,
}

fn user_id(id: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::field("userId", "ID pengguna tidak valid"))
}

fn key_id(id: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::field("keyId", "ID kunci API tidak valid"))
}

/// The admin's scope, the office's definition and who the admin is, for every operation below.
async fn admin<'a>(
    ctx: &Context<'a>,
    tenant: Option<&str>,
) -> ApiResult<(TenantScope, std::sync::Arc<TenantRuntime>, String)> {
    let scope = admin_scope(ctx, tenant).await?;
    if scope.area().is_some() {
        return Err(ApiError::Forbidden(String::from(
            "Akun yang dibatasi pada satu wilayah tidak dapat mengelola akun",
        )));
    }
    let store = &shared(ctx)?.store;
    let runtime = store.tenant_runtime(store.connection(), &scope).await?;
    let actor = caller(ctx)?.actor(&scope).user_id;
    Ok((scope, runtime, actor))
}

/// Account queries.
#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The office's active officers, optionally only those holding `role`: whom a disposisi can name. Open to
    /// every officer and key of the office.
    async fn officers(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        role: Option<String>,
    ) -> ApiResult<Vec<OfficerView>> {
        let scope = caller(ctx)?.scope(tenant.as_deref())?;
        let store = &shared(ctx)?.store;
        let runtime = store.tenant_runtime(store.connection(), &scope).await?;
        if let Some(role) = &role
            && !runtime.tenant.roles.iter().any(|r| &r.code == role)
        {
            return Err(ApiError::field("role", format!("Peran \"{role}\" tidak ada di dinas ini")));
        }
        let users = store.users(&scope).await?;
        Ok(users
            .into_iter()
            .filter(|u| !u.disabled && role.as_ref().is_none_or(|r| u.roles.contains(r)))
            .map(|u| OfficerView::new(&runtime, u))
            .collect())
    }

    /// Every account of the office, disabled ones included (admins).
    async fn users(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<OfficerView>> {
        let (scope, runtime, _) = admin(ctx, tenant.as_deref()).await?;
        let users = shared(ctx)?.store.users(&scope).await?;
        Ok(users.into_iter().map(|u| OfficerView::new(&runtime, u)).collect())
    }

    /// The office's API keys, newest first, revoked ones included, with their last use (admins).
    async fn api_keys(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<ApiKeyView>> {
        let (scope, runtime, _) = admin(ctx, tenant.as_deref()).await?;
        let keys = shared(ctx)?.store.api_keys(&scope).await?;
        Ok(keys.into_iter().map(|k| ApiKeyView::new(&runtime, k)).collect())
    }

    /// Changes to the office's accounts and keys, newest first (admins).
    async fn account_log(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<Vec<AccountChange>> {
        let (scope, _, _) = admin(ctx, tenant.as_deref()).await?;
        let entries = shared(ctx)?.store.account_log(&scope, ACCOUNT_LOG_LIMIT).await?;
        let actors = super::actor_views(ctx, &scope, entries.iter().map(|e| &e.actor)).await?;
        Ok(entries
            .into_iter()
            .map(|e| AccountChange {
                by: actors.get(&e.actor).cloned(),
                actor: e.actor,
                subject: e.subject,
                detail: e.detail,
                at: e.at,
            })
            .collect())
    }
}

/// Account mutations, for the office's admin.
#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Creates an officer with roles of the office.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        input: CreateUserInput,
    ) -> ApiResult<OfficerView> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let roles: BTreeSet<String> = input.roles.into_iter().collect();
        let new = NewOfficer {
            username: &input.username,
            display_name: &input.display_name,
            password: &input.password,
            roles: &roles,
            area: input.area.as_deref(),
        };
        let created = shared(ctx)?.store.create_officer(&scope, &new, &actor).await?;
        Ok(OfficerView::new(&runtime, created))
    }

    /// Replaces the roles an officer holds in this office (their roles elsewhere stay).
    async fn set_user_roles(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        user_id: ID,
        roles: Vec<String>,
    ) -> ApiResult<OfficerView> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let roles: BTreeSet<String> = roles.into_iter().collect();
        let changed = shared(ctx)?.store.set_user_roles(&scope, self::user_id(&user_id)?, &roles, &actor).await?;
        Ok(OfficerView::new(&runtime, changed))
    }

    /// Limits an officer to a kecamatan or desa/kelurahan of the office (`area`), or lifts the limit (no `area`);
    /// in force from their next request.
    async fn set_user_area(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        user_id: ID,
        area: Option<String>,
    ) -> ApiResult<OfficerView> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let id = self::user_id(&user_id)?;
        let changed = shared(ctx)?.store.set_user_area(&scope, id, area.as_deref(), &actor).await?;
        Ok(OfficerView::new(&runtime, changed))
    }

    /// Sets where copies of the messages about applications an officer submits online go — a village operator's
    /// e-mail and WhatsApp/SMS number; an empty or absent value clears it.
    async fn set_user_contact(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        user_id: ID,
        email: Option<String>,
        phone: Option<String>,
    ) -> ApiResult<OfficerView> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let email =
            match given(email) {
                Some(raw) => Some(simpul_engine::form::email_address(&raw).ok_or_else(|| {
                    ApiError::field("email", "Alamat e-mail tidak valid; tulis misalnya nama@contoh.id")
                })?),
                None => None,
            };
        let phone =
            match given(phone) {
                Some(raw) => Some(simpul_engine::form::local_phone(&raw).ok_or_else(|| {
                    ApiError::field("phone", "Nomor telepon tidak valid; tulis misalnya 081234567890")
                })?),
                None => None,
            };
        let contact = simpul_store::notifications::Contact { email, phone };
        let changed = shared(ctx)?.store.set_user_contact(&scope, self::user_id(&user_id)?, contact, &actor).await?;
        Ok(OfficerView::new(&runtime, changed))
    }

    /// Disables an officer's account: they cannot sign in, and their open sessions end at once.
    async fn disable_user(&self, ctx: &Context<'_>, tenant: Option<String>, user_id: ID) -> ApiResult<OfficerView> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let changed = shared(ctx)?.store.set_user_disabled(&scope, self::user_id(&user_id)?, true, &actor).await?;
        Ok(OfficerView::new(&runtime, changed))
    }

    /// Enables a disabled account again.
    async fn enable_user(&self, ctx: &Context<'_>, tenant: Option<String>, user_id: ID) -> ApiResult<OfficerView> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let changed = shared(ctx)?.store.set_user_disabled(&scope, self::user_id(&user_id)?, false, &actor).await?;
        Ok(OfficerView::new(&runtime, changed))
    }

    /// Sets a random password for an officer who forgot theirs; it is returned this once.
    async fn reset_password(&self, ctx: &Context<'_>, tenant: Option<String>, user_id: ID) -> ApiResult<PasswordReset> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let (user, password) = shared(ctx)?.store.reset_password(&scope, self::user_id(&user_id)?, &actor).await?;
        Ok(PasswordReset { user: OfficerView::new(&runtime, user), temporary_password: password })
    }

    /// Creates an API key for an integrating system of the office.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        input: CreateApiKeyInput,
    ) -> ApiResult<CreatedApiKey> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let mut scopes: BTreeSet<ApiScope> = input.scopes.into_iter().collect();
        scopes.insert(ApiScope::Read);
        let roles: BTreeSet<String> = input.roles.into_iter().collect();
        let store = &shared(ctx)?.store;
        let limits = KeyLimits { area: input.area.as_deref(), expires_on: input.expires_on };
        let (id, secret) = store.create_api_key(&scope, &input.name, &scopes, &roles, limits, &actor).await?;
        let key = store.api_key(&scope, id).await?;
        Ok(CreatedApiKey { key: ApiKeyView::new(&runtime, key), secret })
    }

    /// Revokes an API key: the next request with it is refused.
    async fn revoke_api_key(&self, ctx: &Context<'_>, tenant: Option<String>, key_id: ID) -> ApiResult<ApiKeyView> {
        let (scope, runtime, actor) = admin(ctx, tenant.as_deref()).await?;
        let revoked = shared(ctx)?.store.revoke_api_key(&scope, self::key_id(&key_id)?, &actor).await?;
        Ok(ApiKeyView::new(&runtime, revoked))
    }
}
