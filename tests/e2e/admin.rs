//! Definition administration and login throttling over the API.

use serde_json::json;

use super::server::servers;

const VERSIONS: &str = "query($t: String!, $c: String!) { serviceVersions(tenant: $t, code: $c) { id version status author { name roles { code } } } }";
const SAVE: &str =
    "mutation($t: String!, $c: String!, $y: String!) { saveServiceDraft(tenant: $t, code: $c, yaml: $y) {
    version { id version status } diagnostics { level check line message } } }";
const PUBLISH: &str =
    "mutation($t: String!, $id: ID!) { publishServiceVersion(tenant: $t, id: $id) { version status } }";

#[test]
fn admins_save_drafts_with_diagnostics_and_publish_them() {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("service-definitions/bulukumba/services/rekomendasi-sktm.yaml"),
    )
    .expect("shipped YAML");
    for server in servers() {
        let vars = json!({ "t": "bulukumba", "c": "rekomendasi-sktm" });
        let versions = server.as_user("admin_dinas@bulukumba", VERSIONS, vars.clone());
        assert_eq!(versions["serviceVersions"][0]["status"], "PUBLISHED");

        // A draft with an unknown role is not saved; the diagnostic says where.
        let broken = shipped.replace("roles: [verifikator]", "roles: [pemeriksa]");
        let line = broken.lines().position(|l| l.contains("[pemeriksa]")).expect("line") + 1;
        let saved = server.as_user("admin@73", SAVE, json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "y": broken }));
        assert!(saved["saveServiceDraft"]["version"].is_null());
        let diagnostic = &saved["saveServiceDraft"]["diagnostics"][0];
        assert_eq!(
            (diagnostic["level"].as_str(), diagnostic["check"].as_str()),
            (Some("ERROR"), Some("unknown-reference"))
        );
        assert_eq!(diagnostic["line"], line);

        // A good draft is saved, published, and served.
        let changed = shipped.replace("label: Berkas diterima,", "label: Berkas diterima di loket,");
        let saved = server.as_user(
            "admin_dinas@bulukumba",
            SAVE,
            json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "y": changed }),
        );
        let draft = &saved["saveServiceDraft"]["version"];
        assert_eq!((draft["version"].as_i64(), draft["status"].as_str()), (Some(2), Some("DRAFT")));
        let published =
            server.as_user("admin_dinas@bulukumba", PUBLISH, json!({ "t": "bulukumba", "id": draft["id"] }));
        assert_eq!(published["publishServiceVersion"]["status"], "PUBLISHED");
        let versions = server.as_user("admin_dinas@bulukumba", VERSIONS, vars.clone());
        let states: Vec<_> =
            versions["serviceVersions"].as_array().expect("versions").iter().map(|v| v["status"].clone()).collect();
        assert_eq!(states, vec![json!("PUBLISHED"), json!("RETIRED")]);
        // The author is named (the admin's display name: the demo users are named after their roles).
        let author = &versions["serviceVersions"][0]["author"];
        assert_eq!((&author["name"], &author["roles"][0]["code"]), (&json!("Admin Dinas"), &json!("admin_dinas")));
        let service =
            server.raw(None, "{ service(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { version } }", json!({}));
        assert_eq!(service["data"]["service"]["version"], 2, "{}", server.backend);

        // Others may not.
        let (code, _) = server.error_as("verifikator@bulukumba", VERSIONS, vars.clone());
        assert_eq!(code, "FORBIDDEN");
        let (code, _) = server.error_as("admin@73", VERSIONS, json!({ "t": "bangka", "c": "rekomendasi-sktm" }));
        assert_eq!(code, "FORBIDDEN", "province 73 does not administer Bangka (19)");
    }
}

#[test]
fn repeated_failed_logins_are_refused_for_a_while() {
    for server in servers() {
        let login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }";
        for _ in 0..5 {
            let response = server.raw(None, login, json!({ "u": "kabid@bulukumba", "p": "salah" }));
            assert_eq!(response["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        }
        let response = server.raw(None, login, json!({ "u": "kabid@bulukumba", "p": "demo" }));
        assert_eq!(response["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{response}");
        // Another user is not affected.
        let response = server.raw(None, login, json!({ "u": "kasi@tebing-tinggi", "p": "demo" }));
        assert!(response["data"]["login"]["token"].is_string());
    }
}
