//! Users, roles and API keys.

use std::collections::BTreeSet;

use pretty_assertions::assert_eq;
use simpul_store::StoreError;
use simpul_store::auth::{ApiScope, KeyLimits, RoleGrant};

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
        assert!(matches!(duplicate, Err(StoreError::UsernameTaken { .. })));
        let unknown = store
            .create_user(
                "c",
                "C",
                "kata-sandi-kuat",
                &[RoleGrant::Tenant { tenant: "atlantis".into(), role: "x".into() }],
            )
            .await;
        assert!(matches!(unknown, Err(StoreError::UnknownTenant { .. })));
        let no_such_role = [RoleGrant::Tenant { tenant: "bulukumba".into(), role: "tidak_ada".into() }];
        let unknown = store.create_user("c", "C", "kata-sandi-kuat", &no_such_role).await;
        assert!(matches!(&unknown, Err(StoreError::UnknownRole { role }) if role == "tidak_ada"), "{unknown:?}");
        let short = store.create_user("d", "D", "pendek", &[]).await;
        assert!(matches!(short, Err(StoreError::PasswordTooShort { min: 8 })));
        assert!(matches!(
            store.create_user("  ", "E", "kata-sandi-kuat", &[]).await,
            Err(StoreError::UsernameRequired)
        ));
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
            .create_api_key(
                &scope,
                "Dinas Kesehatan",
                &BTreeSet::new(),
                &BTreeSet::new(),
                KeyLimits::default(),
                "admin",
            )
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
        assert!(matches!(store.revoke_api_key(&other, id, "admin").await, Err(StoreError::NotFound { .. })));
        let revoked = store.revoke_api_key(&scope, id, "admin").await.expect("revoked");
        assert!(revoked.revoked_at.is_some());
        let again = store.revoke_api_key(&scope, id, "admin").await.expect("revoking twice changes nothing");
        assert_eq!(again.revoked_at, revoked.revoked_at);
        assert!(matches!(store.authenticate_api_key(&secret).await, Err(StoreError::BadCredentials)));
        let (_, writer) = store
            .create_api_key(
                &scope,
                "Sistem desa",
                &BTreeSet::from([ApiScope::Write]),
                &BTreeSet::from(["front_office".to_string()]),
                KeyLimits::default(),
                "admin",
            )
            .await
            .expect("key");
        let writer = store.authenticate_api_key(&writer).await.expect("ok");
        assert!(writer.scopes.contains(&ApiScope::Write));
        assert_eq!(writer.roles, BTreeSet::from(["front_office".to_string()]));
        let unknown = store
            .create_api_key(
                &scope,
                "x",
                &BTreeSet::new(),
                &BTreeSet::from(["raja".to_string()]),
                KeyLimits::default(),
                "admin",
            )
            .await;
        assert!(matches!(unknown, Err(StoreError::UnknownRole { .. })));
        db.finish().await;
    }
}

#[tokio::test]
async fn an_office_admin_manages_its_officers_and_every_change_is_audited() {
    use simpul_store::accounts::NewOfficer;
    for db in databases().await {
        let store = &db.store;
        let scope = store.system_scope("bulukumba").await.expect("scope");
        let admin = store
            .create_user(
                "admin",
                "Admin",
                "kata-sandi-kuat",
                &[RoleGrant::Tenant { tenant: "bulukumba".into(), role: "admin_dinas".into() }],
            )
            .await
            .expect("admin");
        let actor = admin.to_string();
        let roles = BTreeSet::from(["verifikator".to_string()]);
        let new = NewOfficer {
            username: "sri",
            display_name: "Sri Wahyuni",
            password: "kata-sandi-kuat",
            roles: &roles,
            area: None,
        };
        let sri = store.create_officer(&scope, &new, &actor).await.expect("created");
        assert_eq!(sri.roles, roles);
        let bad = BTreeSet::from(["raja".to_string()]);
        let refused =
            store.create_officer(&scope, &NewOfficer { username: "x", roles: &bad, ..new.clone() }, &actor).await;
        assert!(matches!(refused, Err(StoreError::UnknownRole { .. })), "{refused:?}");
        let empty = BTreeSet::new();
        let refused =
            store.create_officer(&scope, &NewOfficer { username: "y", roles: &empty, ..new.clone() }, &actor).await;
        assert!(matches!(refused, Err(StoreError::NoRoles)));

        // Roles are replaced in this office only.
        let kasi = BTreeSet::from(["kabid".to_string(), "verifikator".to_string()]);
        assert_eq!(store.set_user_roles(&scope, sri.id, &kasi, &actor).await.expect("roles").roles, kasi);
        let principal = store.login("sri", "kata-sandi-kuat").await.expect("login");
        assert_eq!(principal.membership("bulukumba").expect("member").roles, kasi);

        // Disabled: no login, and a token issued earlier no longer names a principal.
        let issued = chrono::Utc::now().timestamp();
        assert!(store.set_user_disabled(&scope, sri.id, true, &actor).await.expect("disabled").disabled);
        assert!(matches!(store.login("sri", "kata-sandi-kuat").await, Err(StoreError::BadCredentials)));
        assert!(matches!(store.principal_by_id(sri.id, issued).await, Err(StoreError::BadCredentials)));
        store.set_user_disabled(&scope, sri.id, false, &actor).await.expect("enabled");
        assert!(store.principal_by_id(sri.id, issued).await.is_ok());

        // A reset password works at once, the old one does not, and tokens from before the reset are refused.
        let before = chrono::Utc::now().timestamp() - 5;
        let (_, temporary) = store.reset_password(&scope, sri.id, &actor).await.expect("reset");
        assert_eq!(temporary.chars().count(), 12);
        assert!(store.login("sri", &temporary).await.is_ok());
        assert!(matches!(store.login("sri", "kata-sandi-kuat").await, Err(StoreError::BadCredentials)));
        assert!(matches!(store.principal_by_id(sri.id, before).await, Err(StoreError::BadCredentials)));
        assert!(store.principal_by_id(sri.id, chrono::Utc::now().timestamp()).await.is_ok());

        // Not one's own account; not an account that also serves another office.
        assert!(matches!(store.set_user_disabled(&scope, admin, true, &actor).await, Err(StoreError::OwnAccount)));
        let demote = store.set_user_roles(&scope, admin, &roles, &actor).await;
        assert!(matches!(demote, Err(StoreError::OwnAccount)));
        let both = [
            RoleGrant::Tenant { tenant: "bulukumba".into(), role: "verifikator".into() },
            RoleGrant::Tenant { tenant: "bangka".into(), role: "verifikator".into() },
        ];
        let shared = store.create_user("rudi", "Rudi", "kata-sandi-kuat", &both).await.expect("shared");
        assert!(matches!(store.reset_password(&scope, shared, &actor).await, Err(StoreError::AccountShared)));
        assert!(store.user(&scope, shared).await.expect("listed").shared);
        // Another office's admin does not see Bulukumba's officers.
        let bangka = store.system_scope("bangka").await.expect("scope");
        assert!(matches!(store.user(&bangka, sri.id).await, Err(StoreError::NotFound { .. })));
        let usernames: Vec<String> =
            store.users(&scope).await.expect("users").into_iter().map(|u| u.username).collect();
        assert_eq!(usernames, vec!["admin", "rudi", "sri"]);

        // The command line disables wherever the account serves, and says so in each office's log.
        store.set_account_disabled("rudi", true, "simpul user disable").await.expect("disabled");
        assert!(store.users(&bangka).await.expect("users").iter().all(|u| u.disabled));

        let log: Vec<String> =
            store.account_log(&scope, 100).await.expect("log").into_iter().map(|e| e.detail).collect();
        assert_eq!(
            log,
            vec![
                "akun rudi dinonaktifkan",
                "kata sandi sri diatur ulang",
                "akun sri diaktifkan kembali",
                "akun sri dinonaktifkan",
                "peran sri diubah menjadi Kepala Bidang, Petugas verifikasi (SIKS-NG, E-Dabu) dan penyusun rekomendasi",
                "pengguna sri dibuat dengan peran Petugas verifikasi (SIKS-NG, E-Dabu) dan penyusun rekomendasi",
            ]
        );
        assert_eq!(store.account_log(&bangka, 100).await.expect("log").len(), 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn api_keys_are_listed_with_their_last_use_and_their_creation_and_revocation_are_audited() {
    for db in databases().await {
        let store = &db.store;
        let scope = store.system_scope("luwu-timur").await.expect("scope");
        let roles = BTreeSet::from(["operator_desa".to_string()]);
        let write = BTreeSet::from([ApiScope::Read, ApiScope::Write]);
        let (id, secret) = store
            .create_api_key(&scope, "SIKS desa Malili", &write, &roles, KeyLimits::default(), "admin")
            .await
            .expect("key");
        let blank = store.create_api_key(&scope, " ", &write, &roles, KeyLimits::default(), "admin").await;
        assert!(matches!(blank, Err(StoreError::KeyNameRequired)));
        let listed = store.api_keys(&scope).await.expect("keys");
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].id, listed[0].last_used_at), (id, None));
        assert_eq!(listed[0].roles, roles);
        store.authenticate_api_key(&secret).await.expect("used");
        let used = store.api_key(&scope, id).await.expect("key").last_used_at.expect("last use recorded");
        store.authenticate_api_key(&secret).await.expect("used again");
        assert_eq!(store.api_key(&scope, id).await.expect("key").last_used_at, Some(used), "to the minute");
        store.revoke_api_key(&scope, id, "admin").await.expect("revoked");
        assert!(store.api_keys(&store.system_scope("bangka").await.expect("scope")).await.expect("keys").is_empty());
        let log: Vec<String> =
            store.account_log(&scope, 10).await.expect("log").into_iter().map(|e| e.detail).collect();
        assert_eq!(
            log,
            vec![
                "kunci API SIKS desa Malili dicabut",
                "kunci API SIKS desa Malili dibuat (membaca dan mengubah) dengan peran Pengisi Data DTKS Desa/Kelurahan (operator desa)",
            ]
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn an_api_key_is_refused_after_its_last_day() {
    use sea_orm::ConnectionTrait;
    for db in databases().await {
        let store = &db.store;
        let scope = store.system_scope("bulukumba").await.expect("scope");
        let today = chrono::Utc::now().date_naive();
        let limits = |days: i64| KeyLimits { area: None, expires_on: Some(today + chrono::Duration::days(days)) };
        let past = store.create_api_key(&scope, "Lama", &BTreeSet::new(), &BTreeSet::new(), limits(-2), "admin").await;
        assert!(matches!(past, Err(StoreError::KeyExpiryPast)), "{}: {past:?}", db.name);
        let (id, secret) = store
            .create_api_key(&scope, "Puskesmas", &BTreeSet::new(), &BTreeSet::new(), limits(30), "admin")
            .await
            .expect("key");
        assert!(store.authenticate_api_key(&secret).await.is_ok());
        assert_eq!(
            store.api_key(&scope, id).await.expect("listed").expires_on,
            Some(today + chrono::Duration::days(30))
        );
        // Its last day passes (the grant is rewritten as the days would have made it).
        let yesterday = today - chrono::Duration::days(2);
        let grant = format!(r#"{{"scopes":["read"],"expires_on":"{yesterday}"}}"#);
        let prefix = secret.split('_').nth(1).expect("prefix");
        store
            .connection()
            .execute_unprepared(&format!("UPDATE api_keys SET scopes = '{grant}' WHERE key_prefix = '{prefix}'"))
            .await
            .expect("moved");
        assert!(matches!(store.authenticate_api_key(&secret).await, Err(StoreError::BadCredentials)), "{}", db.name);
        db.finish().await;
    }
}

/// A token is checked on every request: the user and their memberships come in one statement, all of them, and a
/// user with no membership is still found (with none).
#[tokio::test]
async fn a_tokens_user_and_roles_are_one_statement() {
    use simpul_store::statements::StatementCount;
    for db in databases().await {
        let store = &db.store;
        let grants = [
            RoleGrant::Tenant { tenant: "bulukumba".into(), role: "kabid".into() },
            RoleGrant::Tenant { tenant: "bulukumba".into(), role: "penyuluh_sosial".into() },
            RoleGrant::Tenant { tenant: "bangka".into(), role: "verifikator".into() },
            RoleGrant::Province { province: "73".into() },
        ];
        let andi = store.create_user("andi", "Andi", "kata-sandi-kuat", &grants).await.expect("created");
        let count = StatementCount::default();
        let issued = chrono::Utc::now().timestamp();
        let principal = count.scope(store.principal_by_id(andi, issued)).await.expect("principal");
        assert_eq!(count.get(), 1, "{}", db.name);
        let roles = |tenant: &str| -> Vec<String> {
            principal.membership(tenant).map(|m| m.roles.iter().cloned().collect()).unwrap_or_default()
        };
        assert_eq!(roles("bulukumba"), ["kabid", "penyuluh_sosial"], "{}", db.name);
        assert_eq!(roles("bangka"), ["verifikator"]);
        assert_eq!(principal.provinces, ["73"]);
        let nobody = store.create_user("budi", "Budi", "kata-sandi-kuat", &[]).await.expect("created");
        let principal = store.principal_by_id(nobody, issued).await.expect("a user without roles");
        assert!(principal.memberships.is_empty() && principal.provinces.is_empty());
        assert_eq!(principal.username, "budi");
        db.finish().await;
    }
}
