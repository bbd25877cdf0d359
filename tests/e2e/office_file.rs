//! The office file changed through the API: checked like the shipped files (its services too), in force at once,
//! versioned; what identifies the office stays.

use serde_json::json;

use super::server::{field_paths, servers};

const ADMIN: &str = "admin_dinas@bulukumba";
const READ: &str = "{ officeFile(tenant: \"bulukumba\") { yaml versions { version createdBy yaml } } }";
const CHECK: &str = "query($y: String!) { checkOfficeFile(tenant: \"bulukumba\", yaml: $y) {
    usable diagnostics { level check file line message } } }";
const SAVE: &str = "mutation($y: String!) { saveOfficeFile(tenant: \"bulukumba\", yaml: $y) {
    version diagnostics { level check file line message } } }";
const SIGNERS: &str = "{ tenant(code: \"bulukumba\") { signatories { role name nip } } }";

#[test]
fn the_office_admin_names_the_kepala_dinas_and_the_letters_use_it_at_once() {
    for server in servers() {
        let yaml = server.as_user(ADMIN, READ, json!({}))["officeFile"]["yaml"].as_str().expect("yaml").to_string();
        assert!(yaml.contains("kop_surat"));

        // A role the services still name removed: refused, the diagnostic in the service's file.
        let without = yaml.replace("  - { code: kabid, name: Kepala Bidang, sees_personal_data: true }\n", "");
        assert_ne!(without, yaml);
        let checked = server.as_user("admin@73", CHECK, json!({ "y": without }))["checkOfficeFile"].clone();
        assert_eq!(checked["usable"], false);
        let broken = checked["diagnostics"].as_array().expect("diagnostics");
        assert!(
            broken.iter().any(|d| d["level"] == "ERROR"
                && d["file"].as_str().is_some_and(|f| f.ends_with("services/rekomendasi-sktm.yaml"))
                && d["message"].as_str().is_some_and(|m| m.contains("kabid"))),
            "{checked}"
        );
        let refused = server.as_user(ADMIN, SAVE, json!({ "y": without }))["saveOfficeFile"].clone();
        assert!(refused["version"].is_null(), "{refused}");

        // The Kepala Dinas named, with NIP and pangkat: version 2 (version 1 keeps the file as it was).
        let named = yaml.replacen(
            "name: \"[NAMA KEPALA DINAS SOSIAL]\"\n    placeholder: true",
            "name: \"Drs. Andi Makkasau, M.Si.\"\n    rank: Pembina Utama Muda (IV/c)\n    nip: \"196505231993031006\"",
            1,
        );
        assert_ne!(named, yaml, "the shipped file has the placeholder");
        let saved = server.as_user(ADMIN, SAVE, json!({ "y": named }))["saveOfficeFile"].clone();
        assert_eq!(saved["version"], 2, "{saved}");
        let signers = server.raw(None, SIGNERS, json!({}));
        let head = signers["data"]["tenant"]["signatories"]
            .as_array()
            .and_then(|s| s.iter().find(|x| x["role"] == "kepala_dinas"))
            .cloned()
            .expect("the kepala dinas");
        assert_eq!((&head["name"], &head["nip"]), (&json!("Drs. Andi Makkasau, M.Si."), &json!("196505231993031006")));
        let history = server.as_user(ADMIN, READ, json!({}))["officeFile"]["versions"].clone();
        let versions: Vec<_> = history.as_array().expect("versions").iter().map(|v| v["version"].clone()).collect();
        assert_eq!(versions, vec![json!(2), json!(1)]);
        assert_eq!(history[1]["createdBy"], "system");
        assert_eq!(history[1]["yaml"].as_str(), Some(yaml.as_str()));
        let diff =
            server.as_user(ADMIN, "{ officeFileDiff(tenant: \"bulukumba\", from: 1, to: 2) { text } }", json!({}));
        let text = diff["officeFileDiff"]["text"].as_str().expect("text");
        assert!(text.lines().any(|l| l.starts_with('+') && l.contains("196505231993031006")), "{text}");

        // What identifies the office is not changed here; others may not change it at all.
        let moved = named.replace("region_code: \"73.02\"", "region_code: \"73.03\"");
        assert_ne!(moved, named);
        let (code, error) = server.error_as(ADMIN, SAVE, json!({ "y": moved }));
        assert_eq!((code.as_str(), field_paths(&error)), ("VALIDATION", vec![String::from("yaml")]));
        assert_eq!(server.error_as("verifikator@bulukumba", READ, json!({})).0, "FORBIDDEN");
        assert_eq!(server.error_as("admin@19", SAVE, json!({ "y": named })).0, "FORBIDDEN");
    }
}

/// In a browser without JavaScript: the office admin opens *Berkas dinas*, is told which service a removed role
/// breaks, then names the Kepala Dinas and saves; the name is in force at once.
#[test]
fn the_office_admin_edits_the_office_file_in_a_browser_without_javascript() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        browser.sign_in(ADMIN).await;
        browser.click_link("Standar layanan").await;
        browser.click_link("Berkas dinas").await;
        browser.wait_for("#penyunting-dinas").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        let editor = browser.client.find(fantoccini::Locator::Css("#yaml")).await.expect("editor");
        let yaml = editor.prop("value").await.expect("value").unwrap_or_default();

        let without = yaml.replace("  - { code: kabid, name: Kepala Bidang, sees_personal_data: true }\n", "");
        browser.fill("#yaml", &without).await;
        browser.submit_and_wait("#penyunting-dinas button[value='periksa']", false).await;
        let page = browser.main_text().await;
        assert!(
            page.contains("Di bulukumba/services/rekomendasi-sktm.yaml") && page.contains("kabid"),
            "{page}\n{}",
            server.log()
        );
        browser.screenshot("berkas-dinas-diagnostik").await;

        let named = yaml.replacen(
            "name: \"[NAMA KEPALA DINAS SOSIAL]\"\n    placeholder: true",
            "name: \"Drs. Andi Makkasau, M.Si.\"\n    nip: \"196505231993031006\"",
            1,
        );
        browser.fill("#yaml", &named).await;
        browser.submit_and_wait("#penyunting-dinas button[value='simpan']", false).await;
        assert!(browser.main_text().await.contains("Berkas dinas versi 2 tersimpan dan berlaku."));
        assert!(browser.has("tr#versi-dinas-1").await);
        let signers = server.raw(None, SIGNERS, json!({}));
        assert!(signers.to_string().contains("Drs. Andi Makkasau, M.Si."), "{signers}");

        // The change, line by line; then the first version restored, as version 3.
        browser.click_link("Bandingkan dengan versi 1").await;
        browser.wait_for("pre.beda").await;
        let added = browser.client.find(fantoccini::Locator::Css("pre.beda .tambah")).await.expect("an added line");
        assert!(added.text().await.expect("text").contains("Drs. Andi Makkasau"));
        browser.go("/dinas/bulukumba/berkas").await;
        browser.submit_and_wait("tr#versi-dinas-1 button[value='pulihkan']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("Berkas dinas versi 1 dipulihkan dan berlaku sebagai versi 3."), "{page}");
        browser.client.clone().close().await.expect("browser closes");
    });
    let signers = server.raw(None, SIGNERS, json!({}));
    assert!(signers.to_string().contains("[NAMA KEPALA DINAS SOSIAL]"), "{signers}");
}
