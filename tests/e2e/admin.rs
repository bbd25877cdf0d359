//! Definition administration and login throttling over the API.

use serde_json::json;

use super::server::servers;

const VERSIONS: &str = "query($t: String!, $c: String!) { serviceVersions(tenant: $t, code: $c) {
    id version status reviewedBy reviewComment restoredFrom inForceFrom author { name roles { code } } } }";
const SAVE: &str =
    "mutation($t: String!, $c: String!, $y: String!) { saveServiceDraft(tenant: $t, code: $c, yaml: $y) {
    version { id version status } diagnostics { level check line message } } }";
const CHECK: &str =
    "query($t: String!, $c: String!, $y: String!) { checkServiceDefinition(tenant: $t, code: $c, yaml: $y) {
    usable diagnostics { level check line message } } }";
const SUBMIT: &str = "mutation($t: String!, $id: ID!) { submitServiceVersionForReview(tenant: $t, id: $id) { version status submittedBy } }";
const REVIEW: &str = "mutation($t: String!, $id: ID!, $d: ReviewDecision!, $c: String) {
    reviewServiceVersion(tenant: $t, id: $id, decision: $d, comment: $c) { version status reviewComment } }";
const PUBLISH: &str = "mutation($t: String!, $id: ID!, $from: NaiveDate) {
    publishServiceVersion(tenant: $t, id: $id, effectiveFrom: $from) { version status inForceFrom publishedBy } }";
const ROLLBACK: &str =
    "mutation($t: String!, $id: ID!) { rollbackServiceVersion(tenant: $t, id: $id) { version status restoredFrom } }";
const DIFF: &str = "query($t: String!, $c: String!, $a: Int!, $b: Int!) {
    serviceVersionDiff(tenant: $t, code: $c, from: $a, to: $b) { text changes { area text } } }";
const RULE: &str =
    "mutation($p: String!, $on: Boolean!) { setProvinceReviewRule(province: $p, fourEyes: $on) { fourEyes } }";

fn shipped_sktm() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("service-definitions/bulukumba/services/rekomendasi-sktm.yaml"),
    )
    .expect("shipped YAML")
}

fn served_version(server: &super::server::Server) -> serde_json::Value {
    let service =
        server.raw(None, "{ service(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { version } }", json!({}));
    service["data"]["service"]["version"].clone()
}

#[test]
fn a_draft_is_checked_reviewed_by_another_admin_published_and_rolled_back() {
    let shipped = shipped_sktm();
    for server in servers() {
        let vars = json!({ "t": "bulukumba", "c": "rekomendasi-sktm" });
        let versions = server.as_user("admin_dinas@bulukumba", VERSIONS, vars.clone());
        assert_eq!(versions["serviceVersions"][0]["status"], "PUBLISHED");

        // The studio's check: an unknown role is reported at its line, and nothing is saved.
        let broken = shipped.replace("roles: [verifikator]", "roles: [pemeriksa]");
        let line = broken.lines().position(|l| l.contains("[pemeriksa]")).expect("line") + 1;
        let checked =
            server.as_user("admin@73", CHECK, json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "y": broken }));
        assert_eq!(checked["checkServiceDefinition"]["usable"], false);
        let diagnostic = &checked["checkServiceDefinition"]["diagnostics"][0];
        assert_eq!(
            (diagnostic["level"].as_str(), diagnostic["check"].as_str(), diagnostic["line"].as_u64()),
            (Some("ERROR"), Some("unknown-reference"), Some(line as u64))
        );
        let saved = server.as_user("admin@73", SAVE, json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "y": broken }));
        assert!(saved["saveServiceDraft"]["version"].is_null());
        assert_eq!(saved["saveServiceDraft"]["diagnostics"][0]["line"], line);
        let versions = server.as_user("admin_dinas@bulukumba", VERSIONS, vars.clone());
        assert_eq!(versions["serviceVersions"].as_array().map(Vec::len), Some(1), "nothing saved");

        // A good draft is saved; without approval it cannot be published (the province asks for four eyes).
        let changed = shipped.replace("label: Berkas diterima,", "label: Berkas diterima di loket,");
        let saved = server.as_user(
            "admin_dinas@bulukumba",
            SAVE,
            json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "y": changed }),
        );
        let draft = &saved["saveServiceDraft"]["version"];
        assert_eq!((draft["version"].as_i64(), draft["status"].as_str()), (Some(2), Some("DRAFT")));
        let id = json!({ "t": "bulukumba", "id": draft["id"] });
        let (code, message) = server.error_as("admin_dinas@bulukumba", PUBLISH, id.clone());
        assert_eq!(code, "REFUSED", "{message}");
        assert!(message.to_string().contains("belum disetujui"), "{message}");

        // Submitted; its author cannot approve it, nor can another office's admin; a return needs a reason.
        let submitted = server.as_user("admin_dinas@bulukumba", SUBMIT, id.clone());
        assert_eq!(submitted["submitServiceVersionForReview"]["status"], "IN_REVIEW");
        let approve = json!({ "t": "bulukumba", "id": draft["id"], "d": "APPROVE" });
        let (code, _) = server.error_as("admin_dinas@bulukumba", REVIEW, approve.clone());
        assert_eq!(code, "FORBIDDEN", "no one reviews their own version");
        let (code, _) = server.error_as("admin_dinas@luwu-timur", REVIEW, approve.clone());
        assert_eq!(code, "FORBIDDEN", "another office's admin");
        let (code, _) = server.error_as("verifikator@bulukumba", REVIEW, approve.clone());
        assert_eq!(code, "FORBIDDEN");
        let (code, error) =
            server.error_as("admin@73", REVIEW, json!({ "t": "bulukumba", "id": draft["id"], "d": "RETURN" }));
        assert_eq!((code.as_str(), super::server::field_paths(&error)), ("VALIDATION", vec![String::from("comment")]));

        // The provincial admin approves; the author publishes; the service is served at version 2.
        let approved = server.as_user("admin@73", REVIEW, approve);
        assert_eq!(approved["reviewServiceVersion"]["status"], "APPROVED");
        let published = server.as_user("admin_dinas@bulukumba", PUBLISH, id.clone());
        assert_eq!(published["publishServiceVersion"]["status"], "PUBLISHED");
        assert_eq!(served_version(&server), 2, "{}", server.backend);
        let versions = server.as_user("admin_dinas@bulukumba", VERSIONS, vars.clone());
        let states: Vec<_> =
            versions["serviceVersions"].as_array().expect("versions").iter().map(|v| v["status"].clone()).collect();
        assert_eq!(states, vec![json!("PUBLISHED"), json!("RETIRED")]);
        assert!(versions["serviceVersions"][0]["reviewedBy"].is_string());
        let author = &versions["serviceVersions"][0]["author"];
        assert_eq!((&author["name"], &author["roles"][0]["code"]), (&json!("Admin Dinas"), &json!("admin_dinas")));

        // The diff between the versions, as text and in words.
        let diff =
            server.as_user("admin@73", DIFF, json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "a": 1, "b": 2 }));
        let text = diff["serviceVersionDiff"]["text"].as_str().expect("text");
        assert!(text.lines().any(|l| l.starts_with('+') && l.contains("Berkas diterima di loket")), "{text}");
        let changes = diff["serviceVersionDiff"]["changes"].as_array().expect("changes");
        assert_eq!(changes.len(), 0, "a renamed action label is not a structural change: {changes:?}");

        // A second draft, slower at the counter, is returned with a reason.
        let slower = shipped.replacen("duration: { value: 3, unit: menit }", "duration: { value: 10, unit: menit }", 1);
        assert_ne!(slower, shipped, "the shipped YAML has a three-minute step");
        let saved = server.as_user(
            "admin_dinas@bulukumba",
            SAVE,
            json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "y": slower }),
        );
        let third = saved["saveServiceDraft"]["version"]["id"].clone();
        let diff =
            server.as_user("admin@73", DIFF, json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "a": 2, "b": 3 }));
        let change = &diff["serviceVersionDiff"]["changes"][0];
        assert_eq!(change["area"], "DURATIONS", "{diff}");
        assert!(change["text"].as_str().is_some_and(|t| t.ends_with("3 menit → 10 menit")), "{diff}");
        server.as_user("admin_dinas@bulukumba", SUBMIT, json!({ "t": "bulukumba", "id": third }));
        let returned = server.as_user(
            "admin@73",
            REVIEW,
            json!({ "t": "bulukumba", "id": third, "d": "RETURN", "c": "Dasar perpanjangan waktu belum ada" }),
        );
        assert_eq!(returned["reviewServiceVersion"]["status"], "RETURNED");
        let (code, _) = server.error_as("admin_dinas@bulukumba", PUBLISH, json!({ "t": "bulukumba", "id": third }));
        assert_eq!(code, "REFUSED", "a returned version is not published");

        // Rollback: version 1 again, as version 4, in one step.
        let first = versions["serviceVersions"][1]["id"].clone();
        let rolled = server.as_user("admin@73", ROLLBACK, json!({ "t": "bulukumba", "id": first }));
        assert_eq!(rolled["rollbackServiceVersion"], json!({ "version": 4, "status": "PUBLISHED", "restoredFrom": 1 }));
        assert_eq!(served_version(&server), 4);
        let (code, _) = server.error_as("admin@73", ROLLBACK, json!({ "t": "bulukumba", "id": third }));
        assert_eq!(code, "REFUSED", "a version that was never in force is not restored");

        // A province that switches four eyes off publishes drafts directly; only its own admins may switch it.
        let (code, _) = server.error_as("admin_dinas@bulukumba", RULE, json!({ "p": "73", "on": false }));
        assert_eq!(code, "FORBIDDEN");
        let (code, _) = server.error_as("admin@19", RULE, json!({ "p": "73", "on": false }));
        assert_eq!(code, "FORBIDDEN");
        assert_eq!(
            server.as_user("admin@73", RULE, json!({ "p": "73", "on": false }))["setProvinceReviewRule"]["fourEyes"],
            false
        );
        let saved = server.as_user(
            "admin_dinas@bulukumba",
            SAVE,
            json!({ "t": "bulukumba", "c": "rekomendasi-sktm", "y": changed }),
        );
        let fifth = saved["saveServiceDraft"]["version"]["id"].clone();
        // From a later date: the version in force stays until then.
        let published = server.as_user(
            "admin_dinas@bulukumba",
            PUBLISH,
            json!({ "t": "bulukumba", "id": fifth, "from": "2099-01-02" }),
        );
        assert_eq!(published["publishServiceVersion"]["status"], "SCHEDULED");
        assert!(
            published["publishServiceVersion"]["inForceFrom"]
                .as_str()
                .is_some_and(|t| t.starts_with("2099-01-01T16:00:00")),
            "midnight WITA: {published}"
        );
        assert_eq!(served_version(&server), 4);
        let (code, error) = server.error_as(
            "admin_dinas@bulukumba",
            PUBLISH,
            json!({ "t": "bulukumba", "id": fifth, "from": "2020-01-01" }),
        );
        assert_eq!(
            (code.as_str(), super::server::field_paths(&error)),
            ("VALIDATION", vec![String::from("effectiveFrom")])
        );

        // Others may not.
        let (code, _) = server.error_as("verifikator@bulukumba", VERSIONS, vars.clone());
        assert_eq!(code, "FORBIDDEN");
        let (code, _) = server.error_as("admin@73", VERSIONS, json!({ "t": "bangka", "c": "rekomendasi-sktm" }));
        assert_eq!(code, "FORBIDDEN", "province 73 does not administer Bangka (19)");
        let (code, _) = server.error_as("admin@73", CHECK, json!({ "t": "bangka", "c": "x", "y": "" }));
        assert_eq!(code, "FORBIDDEN");
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

/// In a browser without JavaScript, the standards studio's main flow: the office's admin checks YAML with a
/// mistake (marked at its line), saves a draft and submits it; the provincial admin finds it waiting, approves and
/// publishes it, compares it with version 1 and rolls back to version 1.
#[test]
fn the_studio_edits_reviews_publishes_and_rolls_back_in_a_browser_without_javascript() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        browser.sign_in("admin_dinas@bulukumba").await;
        browser.click_link("Standar layanan").await;
        browser.click_link("Rekomendasi Surat Keterangan Tidak Mampu (SKTM)").await;
        browser.wait_for("#penyunting-standar").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        let lines = browser.client.find_all(fantoccini::Locator::Css(".nomor-baris li")).await.expect("gutter").len();

        // A key the schema does not know, typed on the last line: the check marks it and says what is wrong.
        let editor = browser.client.find(fantoccini::Locator::Css("#yaml")).await.expect("editor");
        editor.send_keys("warna: merah").await.expect("typing");
        browser.submit_and_wait("#penyunting-standar button[value='periksa']", false).await;
        let marked = format!(".nomor-baris li#baris-{lines}.galat");
        assert!(browser.has(&marked).await, "line {lines} marked: {}", browser.main_text().await);
        assert!(browser.main_text().await.contains(&format!("Baris {lines}")), "{}", browser.main_text().await);
        browser.screenshot("standar-diagnostik").await;

        // The path simulation of the text as it stands: each way to an outcome, with its time and products.
        browser.go("/standar/bulukumba/rekomendasi-sktm").await;
        browser.submit_and_wait("#penyunting-standar button[value='simulasi']", false).await;
        let simulation = browser.client.find(fantoccini::Locator::Css("#simulasi")).await.expect("the simulation");
        let simulation = simulation.text().await.expect("text");
        assert!(
            simulation.contains("Rekomendasi SKTM diterbitkan — 30 menit")
                && simulation.contains("menghasilkan Surat Rekomendasi")
                && simulation.contains("Permohonan ditolak — 5 menit"),
            "{simulation}"
        );
        browser.screenshot("standar-simulasi").await;

        // The form the text generates, in a new tab, marked a preview and without a submit button.
        let tabs = browser.client.windows().await.expect("windows");
        let editor = browser.client.find(fantoccini::Locator::Css("#yaml")).await.expect("editor");
        let text = editor.prop("value").await.expect("value").unwrap_or_default();
        let with_job = text.replacen(
            "  - { code: nama, label: Nama lengkap, type: text }\n",
            "  - { code: nama, label: Nama lengkap, type: text }\n  - { code: pekerjaan, label: Pekerjaan, type: text }\n",
            1,
        );
        // Set as a paste would (typing ten kilobytes key by key takes long); the page runs no script either way.
        browser
            .client
            .execute("document.querySelector('#yaml').value = arguments[0];", vec![json!(with_job)])
            .await
            .expect("pasted");
        browser.click("#penyunting-standar button[formaction$='/pratinjau-formulir']").await;
        let started = std::time::Instant::now();
        let tab = loop {
            let now = browser.client.windows().await.expect("windows");
            if let Some(tab) = now.into_iter().find(|w| !tabs.contains(w)) {
                break tab;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(15), "no form preview tab opened");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        browser.client.switch_to_window(tab).await.expect("the form preview tab");
        browser.wait_for("form.formulir").await;
        let page = browser.main_text().await;
        assert!(page.contains("Pratinjau formulir") && page.contains("Pekerjaan"), "{page}");
        assert!(!browser.has("form.formulir button[type='submit']").await, "a preview is not sent");
        browser.screenshot("standar-pratinjau-formulir").await;
        browser.client.close_window().await.expect("tab closes");
        browser.client.switch_to_window(tabs[0].clone()).await.expect("back");
        browser.go("/standar/bulukumba/rekomendasi-sktm").await;

        // The letter the text names, with sample data, opens as an image in a new tab.
        let before = browser.client.windows().await.expect("windows");
        browser.click("#penyunting-standar button[formaction$='/pratinjau/rekomendasi_sktm']").await;
        let started = std::time::Instant::now();
        let tab = loop {
            let now = browser.client.windows().await.expect("windows");
            if let Some(tab) = now.into_iter().find(|w| !before.contains(w)) {
                break tab;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(15), "no preview tab opened");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        browser.client.switch_to_window(tab).await.expect("the preview tab");
        let started = std::time::Instant::now();
        loop {
            let kind = browser.client.execute("return document.contentType", vec![]).await.expect("type");
            if kind == json!("image/png") {
                break;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "the preview is {kind}");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        browser.screenshot("standar-pratinjau-surat").await;
        browser.client.close_window().await.expect("tab closes");
        browser.client.switch_to_window(before[0].clone()).await.expect("back");

        // A harmless change is saved as a draft and submitted.
        browser.go("/standar/bulukumba/rekomendasi-sktm").await;
        let editor = browser.client.find(fantoccini::Locator::Css("#yaml")).await.expect("editor");
        editor.send_keys("# Diubah di Simpul").await.expect("typing");
        browser.submit_and_wait("#penyunting-standar button[value='simpan']", false).await;
        assert!(
            browser.main_text().await.contains("Tersimpan sebagai konsep versi 2."),
            "{}",
            browser.main_text().await
        );
        browser.submit_and_wait("tr#versi-2 button[value='ajukan']", false).await;
        assert!(browser.main_text().await.contains("Versi 2 diajukan untuk ditinjau."));
        assert!(
            !browser.has("tr#versi-2 button[value='setujui']").await || {
                // Its author may see the form, but the approval is refused.
                browser.submit_and_wait("tr#versi-2 button[value='setujui']", false).await;
                browser.main_text().await.contains("Anda tidak dapat meninjau versi yang Anda buat")
            }
        );
        browser.sign_out().await;

        // The provincial admin finds it waiting, approves, publishes, compares and rolls back.
        browser.sign_in_with("admin@73", "demo").await;
        browser.go("/standar").await;
        assert!(browser.has("tr.menunggu").await, "{}", browser.main_text().await);
        browser.click("tr.menunggu a").await;
        browser.wait_for("#penyunting-standar").await;
        browser.fill("#catatan-2", "Sesuai SK").await;
        browser.submit_and_wait("tr#versi-2 button[value='setujui']", false).await;
        assert!(browser.main_text().await.contains("Versi 2 disetujui."), "{}", browser.main_text().await);
        browser.submit_and_wait("tr#versi-2 button[value='terbitkan']", false).await;
        assert!(browser.main_text().await.contains("Versi 2 diterbitkan"), "{}", browser.main_text().await);
        let served = "{ service(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { version } }";
        assert_eq!(server.raw(None, served, json!({}))["data"]["service"]["version"], 2);
        browser.click_link("Bandingkan dengan versi 1").await;
        browser.wait_for("pre.beda").await;
        let tambah = browser.client.find(fantoccini::Locator::Css("pre.beda .tambah")).await.expect("an added line");
        assert!(tambah.text().await.expect("text").contains("# Diubah di Simpul"));
        browser.screenshot("standar-beda").await;
        browser.go("/standar/bulukumba/rekomendasi-sktm").await;
        browser.submit_and_wait("tr#versi-1 button[value='pulihkan']", false).await;
        assert!(
            browser.main_text().await.contains("Versi 1 dipulihkan dan berlaku sebagai versi 3."),
            "{}",
            browser.main_text().await
        );
        assert_eq!(server.raw(None, served, json!({}))["data"]["service"]["version"], 3);
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// With JavaScript, the editor checks a moment after the admin stops typing and marks the line.
#[test]
fn the_studio_checks_while_the_admin_types() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open(&base).await else { return };
        browser.sign_in_with("admin@73", "demo").await;
        browser.go("/standar/bulukumba/rekomendasi-sktm").await;
        browser.wait_for("#penyunting-standar").await;
        let line = shipped_sktm().lines().position(|l| l.contains("roles: [verifikator]")).expect("line") + 1;
        let editor = browser.client.find(fantoccini::Locator::Css("#yaml")).await.expect("editor");
        let text = editor.prop("value").await.expect("value").unwrap_or_default();
        let broken = text.replacen("roles: [verifikator]", "roles: [pemeriksa]", 1);
        // The whole text at once, as a paste; then one key typed, as the admin would.
        browser
            .client
            .execute("document.querySelector('#yaml').value = arguments[0];", vec![json!(broken)])
            .await
            .expect("pasted");
        editor.send_keys(" ").await.expect("typing");
        browser.wait_for(&format!(".nomor-baris li#baris-{line}.galat")).await;
        let listed = browser.client.find(fantoccini::Locator::Css("#diagnostik li.galat")).await.expect("listed");
        let listed = listed.text().await.expect("text");
        assert!(listed.starts_with(&format!("Baris {line}")) && listed.contains("pemeriksa"), "{listed}");
        browser.screenshot("standar-periksa").await;
        browser.client.clone().close().await.expect("browser closes");
    });
}

const PREVIEW: &str = "query($t: String!, $y: String!, $p: String!, $f: PreviewFormat) {
    previewDefinitionProduct(tenant: $t, code: \"rekomendasi-sktm\", yaml: $y, product: $p, format: $f) { contentType base64 } }";
const SIMULATE: &str =
    "query($t: String!, $y: String!) { simulateServiceDefinition(tenant: $t, code: \"rekomendasi-sktm\", yaml: $y) {
    paths { outcome officeMinutes withinLimit products } unreachedSteps } }";

#[test]
fn a_draft_is_simulated_and_its_letter_previewed_with_sample_data() {
    use base64::Engine;
    let shipped = shipped_sktm();
    for server in servers() {
        let vars = |p: &str, f: &str| json!({ "t": "bulukumba", "y": shipped, "p": p, "f": f });
        let pdf = server.as_user("admin@73", PREVIEW, vars("rekomendasi_sktm", "PDF"));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(pdf["previewDefinitionProduct"]["base64"].as_str().expect("base64"))
            .expect("decodes");
        assert!(bytes.starts_with(b"%PDF"), "{}", server.backend);
        let png = server.as_user("admin_dinas@bulukumba", PREVIEW, vars("rekomendasi_sktm", "PNG"));
        assert_eq!(png["previewDefinitionProduct"]["contentType"], "image/png");

        let (code, error) = server.error_as("admin@73", PREVIEW, vars("sertifikat", "PDF"));
        assert_eq!((code.as_str(), super::server::field_paths(&error)), ("VALIDATION", vec![String::from("product")]));
        let broken = shipped.replace("roles: [verifikator]", "roles: [pemeriksa]");
        let (code, _) =
            server.error_as("admin@73", PREVIEW, json!({ "t": "bulukumba", "y": broken, "p": "rekomendasi_sktm" }));
        assert_eq!(code, "VALIDATION", "YAML with errors is not previewed");
        let (code, _) = server.error_as("verifikator@bulukumba", PREVIEW, vars("rekomendasi_sktm", "PDF"));
        assert_eq!(code, "FORBIDDEN");

        let sim = server.as_user("admin@73", SIMULATE, json!({ "t": "bulukumba", "y": shipped }));
        let paths = sim["simulateServiceDefinition"]["paths"].as_array().expect("paths");
        let outcomes: Vec<&str> = paths.iter().filter_map(|p| p["outcome"].as_str()).collect();
        assert_eq!(outcomes, ["ditolak", "tidak_memenuhi_syarat", "selesai"], "{sim}");
        assert_eq!(paths[2]["products"], json!(["Surat Rekomendasi Penerbitan Surat Keterangan Tidak Mampu (SKTM)"]));
        assert_eq!((&paths[2]["officeMinutes"], &paths[2]["withinLimit"]), (&json!(30), &json!(true)));
    }
}
