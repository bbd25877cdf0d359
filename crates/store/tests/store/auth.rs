//! Users, roles and API keys.

use std::collections::BTreeSet;

use pretty_assertions::assert_eq;
use simpul_store::StoreError;
use simpul_store::auth::{ApiScope, RoleGrant};

use super::support::databases;

#[tokio::test]
async fn users_log_in_with_argon2id_passwords_and_carry_their_roles() {
    for db in databases().await {
        let store = &db.store;
        let grants = [
            RoleGrant::Tenant { tenant: "bulukumba".into(), role: "kabid".into() },
            RoleGrant::Tenant { tenant: "bulukumba".into(), role: "penyuluh_sosial".into() },
            RoleGrant::Province { province: "73".into() },
        ];
        store.create_user("andi", "Andi", "kata-sandi-kuat", &grants).await.expect("created");
        let principal = store.login("andi", "kata-sandi-kuat").await.expect("login");
        let roles: Vec<&str> =
            principal.membership("bulukumba").expect("member").roles.iter().map(String::as_str).collect();
        assert_eq!(roles, vec!["kabid", "penyuluh_sosial"]);
        assert_eq!(principal.provinces, vec!["73"]);
        assert!(principal.membership("bangka").is_none());
        assert!(matches!(store.login("andi", "salah").await, Err(StoreError::BadCredentials)));
        assert!(matches!(store.login("budi", "kata-sandi-kuat").await, Err(StoreError::BadCredentials)));
        let duplicate = store.create_user("andi", "Andi", "kata-sandi-kuat", &[]).await;
        assert!(matches!(duplicate, Err(StoreError::Invalid(_))));
        let unknown = store
            .create_user(
                "c",
                "C",
                "kata-sandi-kuat",
                &[RoleGrant::Tenant { tenant: "atlantis".into(), role: "x".into() }],
            )
            .await;
        assert!(matches!(unknown, Err(StoreError::Invalid(_))));
        let short = store.create_user("d", "D", "pendek", &[]).await;
        assert!(matches!(short, Err(StoreError::Invalid(_))));
        let hash: String = {
            use sea_orm::{ConnectionTrait, Statement};
            let row = store
                .connection()
                .query_one_raw(Statement::from_string(
                    store.connection().get_database_backend(),
                    "SELECT password_hash FROM users WHERE username = 'andi'",
                ))
                .await
                .expect("query")
                .expect("row");
            row.try_get("", "password_hash").expect("column")
        };
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        db.finish().await;
    }
}

#[tokio::test]
async fn api_keys_are_read_only_by_default_stored_hashed_and_revocable() {
    for db in databases().await {
        let store = &db.store;
        let scope = store.system_scope("tebing-tinggi").await.expect("scope");
        let (id, secret) = store
            .create_api_key(&scope, "Dinas Kesehatan", &BTreeSet::new(), &BTreeSet::new(), "admin")
            .await
            .expect("key");
        let principal = store.authenticate_api_key(&secret).await.expect("authenticated");
        assert_eq!(principal.scope.tenant_id(), "tebing-tinggi");
        assert_eq!(principal.scopes, BTreeSet::from([ApiScope::Read]));
        let last = if secret.ends_with('0') { '1' } else { '0' };
        let tampered = format!("{}{last}", &secret[..secret.len() - 1]);
        assert!(matches!(store.authenticate_api_key(&tampered).await, Err(StoreError::BadCredentials)));
        assert!(matches!(store.authenticate_api_key("bukan-kunci").await, Err(StoreError::BadCredentials)));
        // Another tenant cannot revoke it.
        let other = store.system_scope("bangka").await.expect("scope");
        assert!(matches!(store.revoke_api_key(&other, id).await, Err(StoreError::NotFound { .. })));
        store.revoke_api_key(&scope, id).await.expect("revoked");
        assert!(matches!(store.authenticate_api_key(&secret).await, Err(StoreError::BadCredentials)));
        let (_, writer) = store
            .create_api_key(
                &scope,
                "Sistem desa",
                &BTreeSet::from([ApiScope::Write]),
                &BTreeSet::from(["front_office".to_string()]),
                "admin",
            )
            .await
            .expect("key");
        let writer = store.authenticate_api_key(&writer).await.expect("ok");
        assert!(writer.scopes.contains(&ApiScope::Write));
        assert_eq!(writer.roles, BTreeSet::from(["front_office".to_string()]));
        let unknown =
            store.create_api_key(&scope, "x", &BTreeSet::new(), &BTreeSet::from(["raja".to_string()]), "admin").await;
        assert!(matches!(unknown, Err(StoreError::Invalid(_))));
        db.finish().await;
    }
}
