//! Registry data end to end: an office admin uploads Bangka's DTSEN export through GraphQL (and the command
//! line), the verifier sees the applicant's registry answer with its date and confirms or overrides it with a
//! note, the recorded facts keep their provenance in the application and its history, the dashboard reports the
//! share of verifications that used registry data — and who may do which.

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::server::{Server, field_paths, servers};

const IMPORT: &str = "mutation($s: RegistrySource!, $d: NaiveDate!, $file: Upload!, $t: String) {
  importRegistry(source: $s, asOf: $d, file: $file, tenant: $t) {
    id sourceLabel asOf status statusLabel rows people households rejected rejections { line reason } } }";
const SNAPSHOTS: &str = "query($t: String) { registrySnapshots(tenant: $t) { id status people importedBy { name } } }";
const CHECKS: &str = "query($id: ID!) { application(id: $id) { id version
  registryChecks { source available asOf matchedBy summary findings { fact value words } household { nik nama status } }
  facts { code value fromRegistry source }
  history { action facts { code fromRegistry source } } } }";
const ACT: &str = "mutation($input: ActInput!) { act(input: $input) { id version step
  facts { code value fromRegistry source } } }";

/// Bangka's DTSEN export: the test applicant (desil 2) and her household, a row with a malformed NIK.
const DTSEN: &str = "NIK,No KK,Nama,Desil\n\
    1901012003800001,1901010101150003,Rudi,2\n\
    1901014506820002,1901010101150003,Sari,2\n\
    19010145068200,1901010101150009,Salah,3\n";

fn upload(server: &Server, user: &str, bytes: &str, tenant: Option<&str>) -> Value {
    server.upload(
        user,
        IMPORT,
        json!({ "s": "DTSEN", "d": "2026-11-01", "t": tenant, "file": null }),
        "dtsen.csv",
        bytes.as_bytes(),
    )
}

/// A Bangka SKTM application at the DTSEN verification.
fn at_verification(server: &Server) -> Flow<'_> {
    let mut flow = Flow::submit(server, "bangka", "rekomendasi-sktm", form("bangka/rekomendasi-sktm"), json!([]));
    flow.walk(&["lengkap"]);
    assert_eq!(flow.app["step"], "verifikasi_dtsen", "{}", flow.app);
    flow
}

fn act(server: &Server, app: &Value, action: &str, facts: Value, note: Option<&str>) -> Value {
    let input = json!({ "applicationId": app["id"], "action": action, "expectedVersion": app["version"],
        "checklist": [{ "item": "cek_dtsen", "confirmed": true }], "facts": facts, "note": note });
    server.raw(Some(&server.login("verifikator@bangka").0), ACT, json!({ "input": input }))
}

#[test]
fn an_upload_prefills_the_verification_and_the_recorded_facts_keep_their_source() {
    for server in servers() {
        // Before any upload: the verifier is told there is no data, and enters the values.
        let flow = at_verification(&server);
        let before =
            server.as_user("verifikator@bangka", CHECKS, json!({ "id": flow.app["id"] }))["application"].clone();
        assert_eq!(before["registryChecks"][0]["available"], false, "{}: {before}", server.backend);
        assert!(
            before["registryChecks"][0]["summary"].as_str().unwrap_or_default().starts_with("Belum ada data DTSEN")
        );
        // One verified so, by hand: the officer's value, without a registry source.
        let early = at_verification(&server);
        let by_hand =
            act(&server, &early.app, "belum_terdata", json!([{ "fact": "dtsen_terdaftar", "value": false }]), None);
        let recorded = &by_hand["data"]["act"]["facts"][0];
        assert_eq!(
            (recorded["fromRegistry"].clone(), recorded["source"].clone()),
            (json!(false), json!("diisi petugas")),
            "{by_hand}"
        );

        let imported = upload(&server, "admin_dinas@bangka", DTSEN, None);
        let snapshot = &imported["data"]["importRegistry"];
        assert_eq!(
            (snapshot["rows"].as_i64(), snapshot["people"].as_i64(), snapshot["households"].as_i64()),
            (Some(3), Some(2), Some(1)),
            "{}: {imported}",
            server.backend
        );
        assert_eq!(snapshot["statusLabel"], "berlaku");
        assert_eq!(snapshot["rejections"][0]["line"], 4);
        assert_eq!(snapshot["rejections"][0]["reason"], "NIK `19010145068200` tidak valid: harus 16 angka");

        let app = server.as_user("verifikator@bangka", CHECKS, json!({ "id": flow.app["id"] }))["application"].clone();
        let check = &app["registryChecks"][0];
        assert_eq!((check["available"].as_bool(), check["matchedBy"].as_str()), (Some(true), Some("NIK")), "{check}");
        assert_eq!(check["summary"], "DTSEN (SIKS-NG) per 1 November 2026: ditemukan menurut NIK");
        let desil =
            check["findings"].as_array().expect("findings").iter().find(|f| f["fact"] == "DTSEN_DESIL").cloned();
        assert_eq!(desil.as_ref().map(|d| d["value"].clone()), Some(json!(2)), "{check}");
        assert_eq!(desil.map(|d| d["words"].clone()), Some(json!("DTSEN (SIKS-NG) per 1 November 2026: desil 2")));
        assert_eq!(check["household"].as_array().map(Vec::len), Some(2));

        // Overriding the registry's desil needs a reason for that fact.
        let facts = |desil: i64, note: Option<&str>| json!([{ "fact": "dtsen_terdaftar", "value": true }, { "fact": "dtsen_desil", "value": desil, "note": note }]);
        let refused = act(&server, &app, "terdaftar_desil_1_5", facts(3, None), None);
        assert_eq!(field_paths(&refused["errors"][0]), vec!["facts.dtsen_desil"], "{refused}");
        let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("berbeda dari DTSEN (SIKS-NG) per 1 November 2026 (desil 2)"), "{message}");
        // Confirmed as the registry says.
        let acted = act(&server, &app, "terdaftar_desil_1_5", facts(2, None), None);
        assert!(acted.get("errors").is_none(), "{acted}");
        let recorded = &acted["data"]["act"]["facts"];
        let desil = recorded.as_array().expect("facts").iter().find(|f| f["code"] == "dtsen_desil").cloned();
        assert_eq!(
            desil.map(|d| (d["fromRegistry"].clone(), d["source"].clone())),
            Some((json!(true), json!("DTSEN (SIKS-NG) per 1 November 2026")))
        );
        let after =
            server.as_user("verifikator@bangka", CHECKS, json!({ "id": flow.app["id"] }))["application"].clone();
        let entry = after["history"]
            .as_array()
            .expect("history")
            .iter()
            .find(|e| e["action"] == "terdaftar_desil_1_5")
            .cloned();
        assert!(
            entry.is_some_and(|e| e["facts"].as_array().is_some_and(|f| f.iter().all(|f| f["fromRegistry"] == true)))
        );

        // The letter states what the desil rests on.
        let mut flow = flow;
        flow.refresh();
        flow.walk(&["tandatangani"]);
        let id = flow.app["id"].as_str().expect("id").to_string();
        let letters = super::letters::archived_as(&server, "kepala_dinas@bangka", &id);
        let text = super::letters::text_of(&super::letters::get(letters[0]["downloadUrl"].as_str().expect("url")));
        assert!(
            text.contains("(DTSEN) desil 2 menurut data DTSEN (SIKS-NG) per 1 November 2026"),
            "{}: {text}",
            server.backend
        );

        // A second applicant, whose desil the verifier overrides with a note: the officer's value and reason.
        let other = at_verification(&server);
        let other_app =
            server.as_user("verifikator@bangka", CHECKS, json!({ "id": other.app["id"] }))["application"].clone();
        let acted = act(
            &server,
            &other_app,
            "tidak_memenuhi",
            facts(7, Some("Desil diperbarui musdes Oktober")),
            Some("di luar desil 1–5"),
        );
        let desil = acted["data"]["act"]["facts"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["code"] == "dtsen_desil").cloned());
        let source = desil.map(|d| d["source"].as_str().unwrap_or_default().to_string()).unwrap_or_default();
        assert_eq!(
            source,
            "diisi petugas, berbeda dari DTSEN (SIKS-NG) per 1 November 2026 (desil 2): Desil diperbarui musdes Oktober",
            "{acted}"
        );

        // Three verifications recorded registry facts; the two after the upload used it.
        let today = chrono::Utc::now().date_naive();
        let dashboard = server.as_user(
            "kepala_dinas@bangka",
            "query($f: NaiveDate!, $to: NaiveDate!) { dashboard(from: $f, to: $to) {
               services { service verifications verificationsWithRegistry registryShare } } }",
            json!({ "f": today - chrono::Duration::days(1), "to": today + chrono::Duration::days(1) }),
        );
        let sktm = dashboard["dashboard"]["services"]
            .as_array()
            .expect("services")
            .iter()
            .find(|s| s["service"] == "rekomendasi-sktm")
            .cloned();
        assert_eq!(
            sktm.map(|s| (
                s["verifications"].clone(),
                s["verificationsWithRegistry"].clone(),
                s["registryShare"].clone()
            )),
            Some((json!(3), json!(2), json!(2.0 / 3.0))),
            "{}",
            server.backend
        );

        // A role without personal-data rights is not shown registry data.
        let (code, _) = server.error_as("admin_dinas@bangka", CHECKS, json!({ "id": flow.app["id"] }));
        assert_eq!(code, "FORBIDDEN");

        // Every lookup is in the application's access log.
        let audit = server.as_user(
            "kepala_dinas@bangka",
            "query($id: ID!) { application(id: $id) { auditLog { action } } }",
            json!({ "id": flow.app["id"] }),
        );
        let lookups = audit["application"]["auditLog"]
            .as_array()
            .expect("audit")
            .iter()
            .filter(|e| e["action"] == "REGISTRY_LOOKUP")
            .count();
        assert!(lookups >= 3, "{audit}");
    }
}

#[test]
fn only_the_office_admin_uploads_and_a_bad_file_changes_nothing() {
    for server in servers() {
        assert_eq!(upload(&server, "admin_dinas@bangka", DTSEN, None)["data"]["importRegistry"]["people"], 2);
        // Others: the office's own officers, another office's admin, a provincial admin, nobody.
        for (user, tenant) in
            [("verifikator@bangka", None), ("admin_dinas@bulukumba", Some("bangka")), ("admin@19", Some("bangka"))]
        {
            let refused = upload(&server, user, DTSEN, tenant);
            assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{user}: {refused}");
        }
        let anonymous = server.raw(None, SNAPSHOTS, json!({}));
        assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        let (code, _) = server.error_as("verifikator@bangka", SNAPSHOTS, json!({}));
        assert_eq!(code, "FORBIDDEN");
        // Another office's admin sees none of Bangka's uploads.
        assert_eq!(server.as_user("admin_dinas@bulukumba", SNAPSHOTS, json!({}))["registrySnapshots"], json!([]));

        // A file without a NIK column, a broken spreadsheet, a date in the future: clear errors, nothing changes.
        let no_nik = upload(&server, "admin_dinas@bangka", "Nama;Desil\nRudi;2\n", None);
        assert_eq!(field_paths(&no_nik["errors"][0]), vec!["file"], "{no_nik}");
        assert!(no_nik["errors"][0]["message"].as_str().unwrap_or_default().starts_with("kolom NIK tidak ditemukan"));
        let broken = upload(&server, "admin_dinas@bangka", "PK\u{3}\u{4}bukan xlsx", None);
        assert!(
            broken["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("tidak dapat dibaca sebagai CSV atau XLSX"),
            "{broken}"
        );
        let future = server.upload(
            "admin_dinas@bangka",
            IMPORT,
            json!({ "s": "DTSEN", "d": "2999-01-01", "file": null }),
            "x.csv",
            DTSEN.as_bytes(),
        );
        assert_eq!(field_paths(&future["errors"][0]), vec!["asOf"], "{future}");
        let list = server.as_user("admin_dinas@bangka", SNAPSHOTS, json!({}))["registrySnapshots"].clone();
        let statuses: Vec<&str> = list.as_array().expect("list").iter().filter_map(|s| s["status"].as_str()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == "IN_FORCE").count(), 1, "{list}");
        assert_eq!(statuses.iter().filter(|s| **s == "FAILED").count(), 2, "{list}");
        assert!(list[0]["importedBy"]["name"].is_string(), "{list}");

        // The command line imports the same way; the new upload replaces the old.
        let path = server.dir().join("dtsen-desember.csv");
        std::fs::write(&path, DTSEN).expect("file");
        let (ok, out) = server.cli(&[
            "registry",
            "import",
            path.to_str().expect("path"),
            "--tenant",
            "bangka",
            "--source",
            "dtsen",
            "--as-of",
            "2026-12-01",
        ]);
        assert!(ok, "{out}");
        assert!(out.contains("3 baris dibaca, 2 orang, 1 keluarga, 1 baris ditolak"), "{out}");
        assert!(out.contains("baris 4: NIK"), "{out}");
        let list = server.as_user("admin_dinas@bangka", SNAPSHOTS, json!({}))["registrySnapshots"].clone();
        assert_eq!(list[0]["status"], "IN_FORCE");
        assert!(list.as_array().expect("list").iter().any(|s| s["status"] == "REPLACED"), "{list}");
    }
}

/// In a browser without JavaScript: Bangka's admin uploads the DTSEN export in the console and sees its counts
/// and rejected row; the verifier opens an application at the DTSEN check, reads the registry's answer with its
/// date and the household, finds the desil filled in, confirms it, and the recorded facts show their source.
#[test]
fn the_admin_uploads_and_the_verifier_confirms_in_a_browser_without_javascript() {
    use fantoccini::Locator;
    let server: Server = super::server::start("sqlite", super::server::Backends::default());
    let flow = at_verification(&server);
    let id = flow.app["id"].as_str().expect("id").to_string();
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        browser.sign_in("admin_dinas@bangka").await;
        browser.click_link("Data registri").await;
        browser.wait_for("#berkas-ekspor").await;
        let path = server.dir().join("dtsen-bangka.csv");
        std::fs::write(&path, DTSEN).expect("export written");
        let input = browser.client.find(Locator::Css("#berkas-ekspor")).await.expect("file input");
        input.send_keys(path.to_str().expect("utf-8")).await.expect("file chosen");
        // The date stays today's, as the form offers it (typing a date depends on the browser's locale).
        let today = simpul_letters::helpers::tanggal(crate::office_today(chrono_tz::Asia::Jakarta));
        browser.submit_and_wait("#unggah-registri button[type='submit']", false).await;
        let page = browser.main_text().await;
        assert!(
            page.contains(&format!("Data DTSEN (SIKS-NG) per {today} diimpor: 2 orang, 1 baris ditolak.")),
            "{page}"
        );
        assert!(page.contains("berlaku"), "{page}");
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.screenshot("data-registri").await;
        // A file without a NIK column: the form says why, next to the file.
        let bad = server.dir().join("salah.csv");
        std::fs::write(&bad, "Nama;Desil\nRudi;2\n").expect("bad file");
        let input = browser.client.find(Locator::Css("#berkas-ekspor")).await.expect("file input");
        input.send_keys(bad.to_str().expect("utf-8")).await.expect("file chosen");
        browser.submit_and_wait("#unggah-registri button[type='submit']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("kolom NIK tidak ditemukan pada baris judul"), "{page}");
        browser.sign_out().await;

        browser.sign_in("verifikator@bangka").await;
        browser.go(&format!("/permohonan/{id}")).await;
        browser.wait_for("#judul-registri").await;
        let page = browser.main_text().await;
        assert!(page.contains(&format!("DTSEN (SIKS-NG) per {today}: ditemukan menurut NIK")), "{page}");
        assert!(page.contains("Sari") && page.contains("desil 2"), "the household: {page}");
        let desil = browser
            .client
            .find(Locator::Css("form#tindakan-terdaftar_desil_1_5 input[name='facts.dtsen_desil']"))
            .await
            .expect("desil input");
        assert_eq!(desil.prop("value").await.expect("value").as_deref(), Some("2"), "prefilled from the upload");
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.screenshot("verifikasi-data-registri").await;
        browser.act("terdaftar_desil_1_5", &["cek_dtsen"], &[], None).await;
        let page = browser.main_text().await;
        assert!(page.contains("Tindakan «Terdaftar DTSEN desil 1–5» tercatat."), "{page}");
        assert!(page.contains(&format!("DTSEN (SIKS-NG) per {today}")), "the facts' source: {page}");
        browser.sign_out().await;
        // The dashboard: the one verification used the upload.
        browser.sign_in("kepala_dinas@bangka").await;
        browser.click_link("Dasbor").await;
        browser.wait_for("#judul-layanan").await;
        let page = browser.main_text().await;
        assert!(page.contains("Memakai data registri") && page.contains("100 % dari 1 verifikasi"), "{page}");
        browser.client.clone().close().await.expect("browser closes");
    });
}
