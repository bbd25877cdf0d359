//! People and keys: an office's admin creates officers, changes their roles, disables them and resets their
//! passwords, and manages its integrators' keys — each audited, none reaching another office — and the command
//! line does the same for the server's operator. A disabled account, a reset password or a revoked key is told
//! so on its next request.

use serde_json::{Value, json};

use super::server::{Server, servers};

const ADMIN: &str = "admin_dinas@bulukumba";
const OFFICER: &str = "id username displayName disabled sharedWithOtherOffices roles { code name seesPersonalData }";

fn login(server: &Server, username: &str, password: &str) -> Value {
    server.raw(
        None,
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
        json!({ "u": username, "p": password }),
    )
}

fn token(server: &Server, username: &str, password: &str) -> String {
    let response = login(server, username, password);
    response["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("{}: {response}", server.backend)).to_string()
}

fn error(response: &Value) -> (String, String) {
    let e = &response["errors"][0];
    (
        e["extensions"]["code"].as_str().unwrap_or_default().to_string(),
        e["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn an_office_admin_manages_officers_and_the_changes_take_effect_at_once() {
    for server in servers() {
        let create = format!("mutation($i: CreateUserInput!) {{ createUser(input: $i) {{ {OFFICER} }} }}");
        let input = json!({ "username": "sri", "displayName": "Sri Wahyuni", "password": "kata-sandi-kuat", "roles": ["verifikator"] });
        let created = server.as_user(ADMIN, &create, json!({ "i": input }));
        let sri = &created["createUser"];
        assert_eq!(
            sri["roles"][0]["name"], "Petugas verifikasi (SIKS-NG, E-Dabu) dan penyusun rekomendasi",
            "{created}"
        );
        let id = sri["id"].as_str().expect("id").to_string();

        // Whom a disposisi can name: every officer of the office sees them, by name and role.
        let officers = server.as_user(
            "petugas_layanan@bulukumba",
            "query { officers(role: \"verifikator\") { displayName roles { code } } }",
            json!({}),
        );
        let names: Vec<&str> =
            officers["officers"].as_array().expect("list").iter().filter_map(|o| o["displayName"].as_str()).collect();
        assert!(names.contains(&"Sri Wahyuni"), "{}: {officers}", server.backend);
        let (code, _) =
            server.error_as("petugas_layanan@bulukumba", "query { officers(role: \"raja\") { id } }", json!({}));
        assert_eq!(code, "VALIDATION");

        // Bad input names its field and creates nothing.
        let count = |server: &Server| {
            server.as_user(ADMIN, "query { users { id } }", json!({}))["users"].as_array().map(Vec::len)
        };
        let before = count(&server);
        for (bad, field, words) in [
            (
                json!({ "username": "x", "displayName": "X", "password": "kata-sandi-kuat", "roles": ["tidak_ada"] }),
                "roles",
                "Peran \"tidak_ada\" tidak ada di dinas ini",
            ),
            (
                json!({ "username": "x", "displayName": "X", "password": "kata-sandi-kuat", "roles": [] }),
                "roles",
                "paling sedikit satu peran",
            ),
            (
                json!({ "username": "x", "displayName": "X", "password": "pendek", "roles": ["kabid"] }),
                "password",
                "paling sedikit 8 karakter",
            ),
            (
                json!({ "username": "sri", "displayName": "X", "password": "kata-sandi-kuat", "roles": ["kabid"] }),
                "username",
                "sudah dipakai",
            ),
        ] {
            let (code, e) = server.error_as(ADMIN, &create, json!({ "i": bad }));
            assert_eq!(code, "VALIDATION", "{}: {e}", server.backend);
            assert_eq!(super::server::field_paths(&e), [field], "{e}");
            assert!(e["message"].as_str().unwrap_or_default().contains(words), "{e}");
        }
        assert_eq!(count(&server), before, "{}: nothing created", server.backend);

        // Only the office's admin; another office's admin does not find the officer.
        let (code, _) = server.error_as("petugas_layanan@bulukumba", "query { users { id } }", json!({}));
        assert_eq!(code, "FORBIDDEN");
        let disable = format!("mutation($id: ID!) {{ disableUser(userId: $id) {{ {OFFICER} }} }}");
        let (code, _) = server.error_as("admin_dinas@bangka", &disable, json!({ "id": id }));
        assert_eq!(code, "NOT_FOUND", "{}", server.backend);

        // Roles change at once; a disabled officer's session ends on its next request.
        let session = token(&server, "sri", "kata-sandi-kuat");
        let roles = server.as_user(
            ADMIN,
            "mutation($id: ID!) { setUserRoles(userId: $id, roles: [\"kabid\", \"verifikator\"]) { roles { code } } }",
            json!({ "id": id }),
        );
        assert_eq!(roles["setUserRoles"]["roles"], json!([{ "code": "kabid" }, { "code": "verifikator" }]));
        let me = server.raw(Some(&session), "{ me { memberships { roles } } }", json!({}));
        assert_eq!(me["data"]["me"]["memberships"][0]["roles"], json!(["kabid", "verifikator"]), "{me}");
        assert_eq!(server.as_user(ADMIN, &disable, json!({ "id": id }))["disableUser"]["disabled"], true);
        let refused = server.raw(Some(&session), "{ me { username } }", json!({}));
        assert_eq!(
            error(&refused),
            (
                String::from("UNAUTHENTICATED"),
                String::from("Sesi Anda sudah berakhir atau tidak berlaku lagi; silakan masuk kembali")
            ),
            "{refused}"
        );
        let wrong = error(&login(&server, "sri", "kata-sandi-kuat"));
        assert_eq!(wrong, (String::from("UNAUTHENTICATED"), String::from("Nama pengguna atau kata sandi salah")));
        let enable = "mutation($id: ID!) { enableUser(userId: $id) { disabled } }";
        assert_eq!(server.as_user(ADMIN, enable, json!({ "id": id }))["enableUser"]["disabled"], false);

        // A reset password is shown once; the old password and the sessions before it stop working.
        let session = token(&server, "sri", "kata-sandi-kuat");
        std::thread::sleep(std::time::Duration::from_millis(1100)); // tokens carry their issue time in seconds
        let reset = server.as_user(
            ADMIN,
            "mutation($id: ID!) { resetPassword(userId: $id) { temporaryPassword } }",
            json!({ "id": id }),
        );
        let temporary = reset["resetPassword"]["temporaryPassword"].as_str().expect("password").to_string();
        assert_eq!(error(&server.raw(Some(&session), "{ me { username } }", json!({}))).0, "UNAUTHENTICATED");
        assert_eq!(error(&login(&server, "sri", "kata-sandi-kuat")).0, "UNAUTHENTICATED");
        token(&server, "sri", &temporary);

        // The admin cannot lock themselves out.
        let (_, admin_id) = server.login(ADMIN);
        let (code, e) = server.error_as(ADMIN, &disable, json!({ "id": admin_id }));
        assert_eq!(code, "FORBIDDEN", "{e}");

        let log = server.as_user(ADMIN, "query { accountLog { detail subject } }", json!({}));
        let details: Vec<&str> =
            log["accountLog"].as_array().expect("log").iter().filter_map(|e| e["detail"].as_str()).collect();
        assert_eq!(details[0], "kata sandi sri diatur ulang", "{}: {log}", server.backend);
        assert!(
            details.contains(&"akun sri dinonaktifkan") && details.contains(&"akun sri diaktifkan kembali"),
            "{log}"
        );
        assert_eq!(
            details.last(),
            Some(&"pengguna sri dibuat dengan peran Petugas verifikasi (SIKS-NG, E-Dabu) dan penyusun rekomendasi")
        );
        let bangka = server.as_user("admin_dinas@bangka", "query { accountLog { detail } }", json!({}));
        assert_eq!(bangka["accountLog"], json!([]), "{}: another office's log is its own", server.backend);
    }
}

#[test]
fn an_office_admin_creates_lists_and_revokes_keys_and_a_revoked_key_is_told_so() {
    for server in servers() {
        let admin = "admin_dinas@luwu-timur";
        let created = server.as_user(
            admin,
            "mutation { createApiKey(input: { name: \"SIKS desa Malili\", scopes: [WRITE], roles: [\"operator_desa\"] }) {
                secret key { id prefix scopes roles { code } lastUsedAt revokedAt } } }",
            json!({}),
        );
        let secret = created["createApiKey"]["secret"].as_str().expect("secret").to_string();
        let key = &created["createApiKey"]["key"];
        assert_eq!(key["scopes"], json!(["READ", "WRITE"]), "{created}");
        assert!(secret.starts_with(&format!("spl_{}_", key["prefix"].as_str().expect("prefix"))));
        let id = key["id"].clone();
        let (code, e) = server.error_as(
            admin,
            "mutation { createApiKey(input: { name: \"x\", roles: [\"raja\"] }) { secret } }",
            json!({}),
        );
        assert_eq!((code.as_str(), super::server::field_paths(&e)), ("VALIDATION", vec![String::from("roles")]), "{e}");

        // The key knows its roles and its office; its use is recorded.
        let me = server.raw(Some(&secret), "{ me { apiKey memberships { tenant roles } } }", json!({}));
        assert_eq!(
            me["data"]["me"]["memberships"],
            json!([{ "tenant": "luwu-timur", "roles": ["operator_desa"] }]),
            "{me}"
        );
        let keys = server.as_user(admin, "query { apiKeys { id name lastUsedAt revokedAt } }", json!({}));
        let listed = &keys["apiKeys"][0];
        assert_eq!((&listed["id"], &listed["name"]), (&id, &json!("SIKS desa Malili")), "{keys}");
        assert!(listed["lastUsedAt"].is_string(), "{}: {keys}", server.backend);
        let other = server.as_user("admin_dinas@bulukumba", "query { apiKeys { id } }", json!({}));
        assert_eq!(other["apiKeys"], json!([]), "another office's keys are not listed");
        let (code, _) = server.error_as("petugas_linjamsos@luwu-timur", "query { apiKeys { id } }", json!({}));
        assert_eq!(code, "FORBIDDEN");
        let (code, _) = server.error_as(
            "admin_dinas@bulukumba",
            "mutation($id: ID!) { revokeApiKey(keyId: $id) { id } }",
            json!({ "id": id }),
        );
        assert_eq!(code, "NOT_FOUND");

        let revoked =
            server.as_user(admin, "mutation($id: ID!) { revokeApiKey(keyId: $id) { revokedAt } }", json!({ "id": id }));
        assert!(revoked["revokeApiKey"]["revokedAt"].is_string());
        let refused = server.raw(Some(&secret), "{ me { apiKey } }", json!({}));
        assert_eq!(
            error(&refused),
            (
                String::from("UNAUTHENTICATED"),
                String::from("Kunci API tidak berlaku: salah, atau sudah dicabut oleh admin dinas")
            ),
            "{refused}"
        );
        // A public query still answers a caller whose key is no longer valid.
        let public = server.raw(Some(&secret), "{ tenants { code } }", json!({}));
        assert!(public["errors"].is_null(), "{public}");
        let log = server.as_user(admin, "query { accountLog { detail } }", json!({}));
        assert_eq!(log["accountLog"][0]["detail"], "kunci API SIKS desa Malili dicabut", "{log}");
    }
}

#[test]
fn the_command_line_lists_disables_and_changes_roles_and_refuses_unknown_roles() {
    for server in servers() {
        let (ok, out) = server.cli(&["user", "list", "--tenant", "bulukumba"]);
        assert!(ok && out.contains("kabid@bulukumba\tKepala Bidang\tkabid\tactive"), "{}: {out}", server.backend);
        let (ok, _) = server.cli(&[
            "user",
            "roles",
            "kabid@bulukumba",
            "--tenant",
            "bulukumba",
            "--role",
            "kabid",
            "--role",
            "sekretaris",
        ]);
        assert!(ok);
        let (ok, out) =
            server.cli(&["user", "roles", "kabid@bulukumba", "--tenant", "bulukumba", "--role", "tidak_ada"]);
        assert!(!ok, "{out}");
        let token = server.login("kabid@bulukumba").0;
        let (ok, _) = server.cli(&["user", "disable", "kabid@bulukumba"]);
        assert!(ok);
        assert_eq!(error(&server.raw(Some(&token), "{ me { username } }", json!({}))).0, "UNAUTHENTICATED");
        let (_, out) = server.cli(&["user", "list", "--tenant", "bulukumba"]);
        assert!(out.contains("kabid@bulukumba\tKepala Bidang\tkabid,sekretaris\tdisabled"), "{out}");

        let (ok, out) = server.cli(&["apikey", "create", "--tenant", "bangka", "--name", "RSUD Depati Hamzah"]);
        assert!(ok, "{out}");
        let id = out.split_whitespace().nth(2).expect("id").to_string();
        let (_, listed) = server.cli(&["apikey", "list", "--tenant", "bangka"]);
        assert!(listed.contains(&id) && listed.contains("never used") && listed.contains("active"), "{listed}");
        assert!(server.cli(&["apikey", "revoke", &id, "--tenant", "bangka"]).0);
        let (_, listed) = server.cli(&["apikey", "list", "--tenant", "bangka"]);
        assert!(listed.contains("revoked"), "{listed}");
        let (ok, _) = server.cli(&["apikey", "revoke", &id, "--tenant", "bulukumba"]);
        assert!(!ok, "another office's key is not found");
    }
}

/// In a browser without JavaScript, the office admin's accounts page: a verifier disabled cannot sign in and is
/// enabled again; a reset password is shown once and signs in; a key made on the page works until it is revoked
/// there; a bad form says what is wrong beside its field.
#[test]
fn the_office_admin_manages_people_and_keys_in_a_browser_without_javascript() {
    let server: Server = super::server::start("sqlite", super::server::Backends::default());
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        browser.sign_in(ADMIN).await;
        browser.click_link("Pengguna").await;
        browser.wait_for("#tambah-pengguna").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.screenshot("pengguna").await;

        let row = "tr#pengguna-verifikator\\@bulukumba";
        browser.submit_and_wait(&format!("{row} button[value='nonaktif']"), false).await;
        assert!(browser.main_text().await.contains("dinonaktifkan"), "{}", browser.main_text().await);
        assert!(login(&server, "verifikator@bulukumba", "demo").get("errors").is_some(), "a disabled account signs in");
        browser.submit_and_wait(&format!("{row} button[value='aktif']"), false).await;
        assert!(login(&server, "verifikator@bulukumba", "demo").get("errors").is_none(), "enabled again");

        browser.submit_and_wait(&format!("{row} button[value='sandi']"), false).await;
        let temporary = browser.client.find(fantoccini::Locator::Css("#rahasia")).await.expect("shown once");
        let temporary = temporary.text().await.expect("text");
        assert!(login(&server, "verifikator@bulukumba", &temporary).get("errors").is_none(), "the new password works");

        // A new officer without a role: refused, and said next to the roles.
        browser.fill("#nama-pengguna", "andi.verif").await;
        browser.fill("#nama-tampil", "Andi Verifikator").await;
        browser.fill("#sandi-awal", "rahasia-panjang").await;
        browser.submit_and_wait("#tambah-pengguna button[type='submit']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("Pilih paling sedikit satu peran"), "{page}");

        browser.fill("#nama-kunci", "SIKS desa Bontobahari").await;
        browser.click("#buat-kunci input[name='roles'][value='petugas_layanan']").await;
        browser.click("#buat-kunci input[name='write']").await;
        browser.submit_and_wait("#buat-kunci button[type='submit']", false).await;
        let secret = browser.client.find(fantoccini::Locator::Css("#rahasia")).await.expect("secret shown once");
        let secret = secret.text().await.expect("text");
        let query = "{ applications(first: 1) { totalCount } }";
        assert!(server.raw(Some(&secret), query, json!({})).get("errors").is_none(), "the key works");
        browser.go("/pengguna").await;
        assert!(!browser.main_text().await.contains(&secret), "the secret is not shown again");
        browser.submit_and_wait("button[value='cabut']", false).await;
        assert!(browser.main_text().await.contains("Kunci SIKS desa Bontobahari dicabut."));
        let refused = server.raw(Some(&secret), query, json!({}));
        assert!(refused["errors"][0]["extensions"]["code"].as_str().is_some_and(|c| c != "OK"), "{refused}");
        // A key whose last day is past is refused at creation, named by its field.
        let (code, error) = server.error_as(
            ADMIN,
            "mutation { createApiKey(input: { name: \"Lama\", expiresOn: \"2020-01-01\" }) { secret } }",
            json!({}),
        );
        assert_eq!(
            (code.as_str(), super::server::field_paths(&error)),
            ("VALIDATION", vec![String::from("expiresOn")])
        );
        browser.client.clone().close().await.expect("browser closes");
    });
}
