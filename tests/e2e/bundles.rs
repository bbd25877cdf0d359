//! Bundles between installations: one office's definitions exported signed from one installation, checked and
//! shown file by file in another that trusts it, then imported (services as drafts, templates in force); a bundle
//! altered on the way, from an installation not trusted, or with errors for the receiving office changes nothing.

use base64::Engine;
use serde_json::{Value, json};

use super::server::{Backends, Server, field_paths, servers_with, start};

const ADMIN: &str = "admin_dinas@bulukumba";
const PLAN: &str = "mutation($t: String!, $file: Upload!) { planBundleImport(tenant: $t, file: $file) {
    bundleSha256 sourceTenant trusted sameOffice usable signerFingerprint
    files { path kind name change diff summary } diagnostics { level file message } } }";
const IMPORT: &str = "mutation($t: String!, $file: Upload!, $sha: String!) {
    importBundle(tenant: $t, file: $file, bundleSha256: $sha) { drafts { service version } templates { name version }
    officeFileVersion } }";

fn file<'a>(plan: &'a Value, path: &str) -> &'a Value {
    plan["files"].as_array().and_then(|f| f.iter().find(|f| f["path"] == path)).unwrap_or(&Value::Null)
}

/// The installation `a` with Bulukumba's recommendation changed (reviewed and published) and its template edited.
fn changed_on(a: &Server) {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("service-definitions/bulukumba/services/rekomendasi-sktm.yaml"),
    )
    .expect("shipped YAML");
    // The first step's label and duration: the summary in words names the duration.
    let changed = shipped.replace(
        "duration: { value: 3, unit: menit }\n    actions:\n      - { code: terima, label: Berkas diterima,",
        "duration: { value: 5, unit: menit }\n    actions:\n      - { code: terima, label: Berkas diterima di loket,",
    );
    assert_ne!(changed, shipped);
    let save = "mutation($y: String!) { saveServiceDraft(tenant: \"bulukumba\", code: \"rekomendasi-sktm\", yaml: $y) {
        version { id } } }";
    let id = a.as_user(ADMIN, save, json!({ "y": changed }))["saveServiceDraft"]["version"]["id"].clone();
    let submit = "mutation($id: ID!) { submitServiceVersionForReview(tenant: \"bulukumba\", id: $id) { status } }";
    a.as_user(ADMIN, submit, json!({ "id": id }));
    let approve =
        "mutation($id: ID!) { reviewServiceVersion(tenant: \"bulukumba\", id: $id, decision: APPROVE) { status } }";
    a.as_user("admin@73", approve, json!({ "id": id }));
    let publish = "mutation($id: ID!) { publishServiceVersion(tenant: \"bulukumba\", id: $id) { status } }";
    assert_eq!(a.as_user(ADMIN, publish, json!({ "id": id }))["publishServiceVersion"]["status"], "PUBLISHED");

    let read = "{ letterTemplate(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\") { source } }";
    let source = a.as_user(ADMIN, read, json!({}))["letterTemplate"]["source"].as_str().expect("source").to_string();
    let save = "mutation($s: String!) { saveLetterTemplate(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\",
        source: $s) { version } }";
    let edited = source.replacen("{{> tanda_tangan", "Sesuai acuan provinsi.\n\n{{> tanda_tangan", 1);
    assert_eq!(a.as_user(ADMIN, save, json!({ "s": edited }))["saveLetterTemplate"]["version"], 2);
}

#[test]
fn a_bundle_is_checked_shown_file_by_file_and_imported_into_another_installation() {
    let a = start("sqlite", Backends::default());
    let key =
        a.as_user(ADMIN, "{ bundleKey(tenant: \"bulukumba\") { publicKey fingerprint } }", json!({}))["bundleKey"]
            .clone();
    changed_on(&a);
    let exported =
        a.as_user(ADMIN, "{ exportBundle(tenant: \"bulukumba\") { filename contentType base64 } }", json!({}));
    let exported = &exported["exportBundle"];
    assert_eq!(exported["contentType"], "application/zip");
    assert!(exported["filename"].as_str().is_some_and(|f| f.starts_with("bundel-bulukumba-")));
    let zip = base64::engine::general_purpose::STANDARD.decode(exported["base64"].as_str().expect("zip")).expect("b64");

    // Another installation (its own secret, so its own key) that trusts A's key.
    let env = [
        (String::from("SIMPUL_TOKEN_SECRET"), String::from("another-installation-another-secret-0001")),
        (String::from("SIMPUL_TRUSTED_BUNDLE_KEYS"), key["publicKey"].as_str().expect("key").to_string()),
    ];
    for b in servers_with(&env) {
        let own = b.as_user(ADMIN, "{ bundleKey(tenant: \"bulukumba\") { fingerprint } }", json!({}));
        assert_ne!(own["bundleKey"]["fingerprint"], key["fingerprint"], "each installation has its own key");

        let plan = b.upload(ADMIN, PLAN, json!({ "t": "bulukumba", "file": null }), "bundel.zip", &zip);
        let plan = plan["data"]["planBundleImport"].clone();
        assert_eq!(
            (&plan["trusted"], &plan["sameOffice"], &plan["usable"]),
            (&json!(true), &json!(true), &json!(true))
        );
        assert_eq!(plan["signerFingerprint"], key["fingerprint"]);
        assert_eq!(file(&plan, "tenant.yaml")["change"], "UNCHANGED", "{plan}");
        let service = file(&plan, "services/rekomendasi-sktm.yaml");
        assert_eq!(service["change"], "CHANGED");
        assert!(service["diff"].as_str().is_some_and(|d| d.contains("+") && d.contains("di loket")), "{service}");
        assert!(service["summary"].as_array().is_some_and(|s| !s.is_empty()), "{service}");
        let template = file(&plan, "templates/rekomendasi-sktm.hbs");
        assert_eq!(template["change"], "CHANGED");
        assert!(template["diff"].as_str().is_some_and(|d| d.contains("+Sesuai acuan provinsi.")), "{template}");
        let sha = plan["bundleSha256"].as_str().expect("sha").to_string();

        // A bundle changed after export: refused, by the file.
        let mut altered = zip.clone();
        let at = altered.windows(b"Sesuai acuan".len()).position(|w| w == b"Sesuai acuan");
        match at {
            // Stored uncompressed: change the text itself.
            Some(at) => altered[at] = b's',
            // Deflated: change a byte of the data in the middle.
            None => {
                let middle = altered.len() / 2;
                altered[middle] ^= 0xff;
            }
        }
        let refused = b.upload(ADMIN, PLAN, json!({ "t": "bulukumba", "file": null }), "bundel.zip", &altered);
        assert_eq!(refused["errors"][0]["extensions"]["code"], "VALIDATION", "{refused}");
        assert_eq!(field_paths(&refused["errors"][0]), vec![String::from("file")]);

        // Not the bundle that was shown: refused.
        let other =
            b.upload(ADMIN, IMPORT, json!({ "t": "bulukumba", "file": null, "sha": "0".repeat(64) }), "b.zip", &zip);
        assert_eq!(field_paths(&other["errors"][0]), vec![String::from("bundleSha256")], "{other}");

        // Imported: the service as a draft for review, the template in force on the next letter.
        let done = b.upload(ADMIN, IMPORT, json!({ "t": "bulukumba", "file": null, "sha": sha }), "bundel.zip", &zip);
        let done = &done["data"]["importBundle"];
        assert_eq!(done["drafts"], json!([{ "service": "rekomendasi-sktm", "version": 2 }]), "{done}");
        assert_eq!(done["templates"], json!([{ "name": "rekomendasi-sktm.hbs", "version": 2 }]));
        assert!(done["officeFileVersion"].is_null());
        let versions = "{ serviceVersions(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { version status } }";
        let versions = b.as_user(ADMIN, versions, json!({}))["serviceVersions"].clone();
        assert_eq!(versions[0], json!({ "version": 2, "status": "DRAFT" }));
        let printed = super::letter_templates::text_of(&super::letter_templates::sample_letter(&b, ADMIN));
        assert!(printed.contains("Sesuai acuan provinsi."));

        // Into another office: its office file is not imported, and the service is checked against that office.
        let luwu = b.upload("admin_dinas@luwu-timur", PLAN, json!({ "t": "luwu-timur", "file": null }), "b.zip", &zip);
        let luwu = luwu["data"]["planBundleImport"].clone();
        assert_eq!((&luwu["sameOffice"], &file(&luwu, "tenant.yaml")["change"]), (&json!(false), &json!("SKIPPED")));
        assert_eq!(file(&luwu, "services/rekomendasi-sktm.yaml")["change"], "NEW");
        assert_eq!(luwu["usable"], false, "Bulukumba's roles are not Luwu Timur's: {luwu}");
        assert!(luwu["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["level"] == "ERROR"
            && d["file"].as_str().is_some_and(|f| f.ends_with("services/rekomendasi-sktm.yaml")))));

        let (code, _) =
            b.error_as("verifikator@bulukumba", "{ exportBundle(tenant: \"bulukumba\") { base64 } }", json!({}));
        assert_eq!(code, "FORBIDDEN");
        let (code, _) = b.error_as("admin@19", "{ bundleKey(tenant: \"bulukumba\") { publicKey } }", json!({}));
        assert_eq!(code, "FORBIDDEN", "another province's admin");
    }

    // An installation that does not trust A: shown as such, and not imported.
    let env = [(String::from("SIMPUL_TOKEN_SECRET"), String::from("a-third-installation-its-own-secret-0002"))];
    let c = start("sqlite", Backends { env: env.to_vec(), ..Backends::default() });
    let plan = c.upload(ADMIN, PLAN, json!({ "t": "bulukumba", "file": null }), "bundel.zip", &zip);
    let plan = plan["data"]["planBundleImport"].clone();
    assert_eq!((&plan["trusted"], &plan["usable"]), (&json!(false), &json!(false)), "{plan}");
    let sha = plan["bundleSha256"].clone();
    let refused = c.upload(ADMIN, IMPORT, json!({ "t": "bulukumba", "file": null, "sha": sha }), "bundel.zip", &zip);
    assert_eq!(refused["errors"][0]["extensions"]["code"], "REFUSED", "{refused}");
    let read = "{ letterTemplate(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\") { version } }";
    assert_eq!(c.as_user(ADMIN, read, json!({}))["letterTemplate"]["version"], 1, "nothing imported");
}

/// In a browser without JavaScript: Bulukumba's admin on the receiving installation uploads the bundle, reads what
/// each file would change, and imports it.
#[test]
fn the_admin_checks_and_imports_a_bundle_in_a_browser_without_javascript() {
    let a = start("sqlite", Backends::default());
    let key =
        a.as_user(ADMIN, "{ bundleKey(tenant: \"bulukumba\") { publicKey } }", json!({}))["bundleKey"]["publicKey"]
            .as_str()
            .expect("key")
            .to_string();
    changed_on(&a);
    let exported = a.as_user(ADMIN, "{ exportBundle(tenant: \"bulukumba\") { base64 } }", json!({}));
    let zip = base64::engine::general_purpose::STANDARD
        .decode(exported["exportBundle"]["base64"].as_str().expect("zip"))
        .expect("base64");
    let env = vec![
        (String::from("SIMPUL_TOKEN_SECRET"), String::from("another-installation-another-secret-0001")),
        (String::from("SIMPUL_TRUSTED_BUNDLE_KEYS"), key),
    ];
    let b = start("sqlite", Backends { env, ..Backends::default() });
    super::console::runtime().block_on(async {
        let base = format!("http://{}", b.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        browser.sign_in(ADMIN).await;
        browser.click_link("Standar layanan").await;
        browser.click_link("Bundel").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        let dir = tempfile::tempdir().expect("folder");
        let path = dir.path().join("bundel-bulukumba.zip");
        std::fs::write(&path, &zip).expect("written");
        let input = browser.client.find(fantoccini::Locator::Css("#berkas-bundel")).await.expect("file input");
        input.send_keys(path.to_str().expect("utf-8")).await.expect("file chosen");
        browser.submit_and_wait("form[enctype] button[type='submit']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("Hasil pemeriksaan bundel") && page.contains("dipercaya"), "{page}\n{}", b.log());
        assert!(page.contains("services/rekomendasi-sktm.yaml") && page.contains("berubah"), "{page}");
        browser.screenshot("bundel-pemeriksaan").await;
        browser.submit_and_wait("form[action$='/impor'] button", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("Bundel diimpor: 1 layanan masuk sebagai konsep"), "{page}\n{}", b.log());
        browser.client.clone().close().await.expect("browser closes");
    });
    let versions = "{ serviceVersions(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { version status } }";
    assert_eq!(b.as_user(ADMIN, versions, json!({}))["serviceVersions"][0], json!({ "version": 2, "status": "DRAFT" }));
}
