//! The tenants' letter-signing keys (Ed25519): one active key per tenant, made on first use; rotation retires it
//! and starts the next, and retired keys stay so that the letters they signed still verify.
//!
//! The key material is made by the caller (the letters crate); the store only keeps it. Secret keys are stored
//! as hex in the database, as the database already holds what the letters vouch for.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

use crate::Store;
use crate::entities::signing_key;
use crate::error::{StoreError, StoreResult};
use crate::scope::TenantScope;

/// A key of a tenant.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// Number of the key within the tenant, 1 for the first.
    pub key_id: u16,
    /// Public key.
    pub public: [u8; 32],
    /// Secret key.
    pub secret: [u8; 32],
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, {})", self.key_id, hex::encode(self.public))
    }
}

fn bytes32(hex_text: &str) -> StoreResult<[u8; 32]> {
    hex::decode(hex_text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| StoreError::Corrupt(String::from("signing key is not 32 bytes of hex")))
}

impl TryFrom<signing_key::Model> for SigningKey {
    type Error = StoreError;

    fn try_from(m: signing_key::Model) -> StoreResult<Self> {
        Ok(SigningKey {
            key_id: u16::try_from(m.key_id).map_err(|_| StoreError::Corrupt(String::from("key id out of range")))?,
            public: bytes32(&m.public_key)?,
            secret: bytes32(&m.secret_key)?,
        })
    }
}

fn row(tenant: &str, key_id: i32, fresh: ([u8; 32], [u8; 32])) -> signing_key::ActiveModel {
    signing_key::ActiveModel {
        tenant_id: Set(tenant.to_string()),
        key_id: Set(key_id),
        public_key: Set(hex::encode(fresh.1)),
        secret_key: Set(hex::encode(fresh.0)),
        created_at: Set(Utc::now()),
        retired_at: Set(None),
    }
}

impl Store {
    async fn active_key(&self, scope: &TenantScope) -> StoreResult<Option<SigningKey>> {
        signing_key::Entity::find()
            .filter(signing_key::Column::TenantId.eq(scope.tenant_id()))
            .filter(signing_key::Column::RetiredAt.is_null())
            .order_by_desc(signing_key::Column::KeyId)
            .one(&self.db)
            .await?
            .map(SigningKey::try_from)
            .transpose()
    }

    /// The tenant's active key; `fresh` (secret, public) becomes key 1 when the tenant has none yet. Concurrent
    /// first uses agree on one key.
    pub async fn signing_key(&self, scope: &TenantScope, fresh: ([u8; 32], [u8; 32])) -> StoreResult<SigningKey> {
        if let Some(key) = self.active_key(scope).await? {
            return Ok(key);
        }
        signing_key::Entity::insert(row(scope.tenant_id(), 1, fresh)).on_conflict_do_nothing().exec(&self.db).await?;
        self.active_key(scope).await?.ok_or_else(|| StoreError::Corrupt(String::from("no active signing key")))
    }

    /// Retires the active key and makes `fresh` the next one; returns its number.
    pub async fn rotate_signing_key(&self, scope: &TenantScope, fresh: ([u8; 32], [u8; 32])) -> StoreResult<u16> {
        let txn = self.db.begin().await?;
        let last = signing_key::Entity::find()
            .filter(signing_key::Column::TenantId.eq(scope.tenant_id()))
            .order_by_desc(signing_key::Column::KeyId)
            .one(&txn)
            .await?
            .map_or(0, |k| k.key_id);
        signing_key::Entity::update_many()
            .col_expr(signing_key::Column::RetiredAt, Utc::now().into())
            .filter(signing_key::Column::TenantId.eq(scope.tenant_id()))
            .filter(signing_key::Column::RetiredAt.is_null())
            .exec(&txn)
            .await?;
        let next = last + 1;
        signing_key::Entity::insert(row(scope.tenant_id(), next, fresh))
            .exec(&txn)
            .await
            .map_err(|e| if StoreError::is_unique_violation(&e) { StoreError::Conflict } else { e.into() })?;
        txn.commit().await?;
        u16::try_from(next).map_err(|_| StoreError::Corrupt(String::from("too many keys")))
    }

    /// The public key `key_id` of a tenant, retired or not: what verifies the letters it signed.
    pub async fn signing_public_key(&self, tenant: &str, key_id: u16) -> StoreResult<Option<[u8; 32]>> {
        signing_key::Entity::find_by_id((tenant.to_string(), i32::from(key_id)))
            .one(&self.db)
            .await?
            .map(|k| bytes32(&k.public_key))
            .transpose()
    }
}
