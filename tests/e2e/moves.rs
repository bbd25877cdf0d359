//! Moving running applications to a corrected version of their service: the dry run says which can move and
//! why not; applying it moves those, recorded in their history; the moved ones go on under the new version.

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::server::{Server, servers};

const ADMIN: &str = "admin_dinas@bulukumba";
const SAVE: &str =
    "mutation($y: String!) { saveServiceDraft(tenant: \"bulukumba\", code: \"rekomendasi-sktm\", yaml: $y) {
    version { id } diagnostics { message line } } }";
const PLAN: &str = "mutation($m: [StepMappingInput!], $v: JSON) {
    planApplicationMove(tenant: \"bulukumba\", service: \"rekomendasi-sktm\", stepMapping: $m, fieldValues: $v) {
    id toVersion deadlineRule eligibleCount
    candidates { trackingCode fromVersion step newStep eligible reasons addedFields removedFields } } }";
const APPLY: &str = "mutation($id: ID!) { applyApplicationMove(tenant: \"bulukumba\", dryRunId: $id) { moved skipped { trackingCode reasons } } }";

/// Version 2 of Bulukumba's SKTM: `verifikasi` renamed `verifikasi_data`, `pengecekan_cetakan` removed (the draft
/// goes straight to the paraf chain), and a new required field, `pekerjaan`.
fn corrected() -> String {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("service-definitions/bulukumba/services/rekomendasi-sktm.yaml"),
    )
    .expect("shipped YAML");
    let start = shipped.find("  - code: pengecekan_cetakan").expect("the printout check");
    let end = shipped.find("  - code: paraf_hierarki").expect("the paraf chain");
    let mut text = format!("{}{}", &shipped[..start], &shipped[end..]);
    for (from, to) in [
        ("code: verifikasi\n", "code: verifikasi_data\n"),
        ("to: { step: verifikasi }", "to: { step: verifikasi_data }"),
        ("needed_at: verifikasi\n", "needed_at: verifikasi_data\n"),
        ("to: { step: pengecekan_cetakan }", "to: { step: paraf_hierarki }"),
        (
            "  - { code: nama, label: Nama lengkap, type: text }\n",
            "  - { code: nama, label: Nama lengkap, type: text }\n  - { code: pekerjaan, label: Pekerjaan, type: text }\n",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    text
}

fn publish_corrected(server: &Server) {
    let saved = server.as_user(ADMIN, SAVE, json!({ "y": corrected() }));
    let id = saved["saveServiceDraft"]["version"]["id"].clone();
    assert!(id.is_string(), "{saved}");
    let t = |q: &str| q.replace("$T", "tenant: \"bulukumba\", id: $id");
    server.as_user(
        ADMIN,
        &t("mutation($id: ID!) { submitServiceVersionForReview($T) { version } }"),
        json!({ "id": id }),
    );
    server.as_user(
        "admin@73",
        &t("mutation($id: ID!) { reviewServiceVersion($T, decision: APPROVE) { version } }"),
        json!({ "id": id }),
    );
    server.as_user(ADMIN, &t("mutation($id: ID!) { publishServiceVersion($T) { version } }"), json!({ "id": id }));
}

fn candidate<'a>(plan: &'a Value, code: &str) -> &'a Value {
    plan["candidates"].as_array().and_then(|c| c.iter().find(|x| x["trackingCode"] == code)).expect("listed")
}

#[test]
fn a_renamed_step_moves_with_a_mapping_a_removed_step_blocks_and_a_new_field_needs_a_value() {
    for server in servers() {
        let data = form("bulukumba/rekomendasi-sktm");
        let mut renamed = Flow::submit(&server, "bulukumba", "rekomendasi-sktm", data.clone(), json!([]));
        renamed.walk(&["terima", "lengkap"]);
        let mut removed = Flow::submit(&server, "bulukumba", "rekomendasi-sktm", data.clone(), json!([]));
        removed.walk(&["terima", "lengkap", "memenuhi", "selesai_disusun"]);
        let fresh = Flow::submit(&server, "bulukumba", "rekomendasi-sktm", data, json!([]));
        let code = |f: &Flow| f.app["trackingCode"].as_str().expect("code").to_string();
        assert_eq!(removed.app["step"], "pengecekan_cetakan");
        publish_corrected(&server);

        // Without a mapping or values: nothing can move, each for its reasons.
        let plan = server.as_user(ADMIN, PLAN, json!({}))["planApplicationMove"].clone();
        assert_eq!((plan["toVersion"].as_i64(), plan["eligibleCount"].as_i64()), (Some(2), Some(0)), "{plan}");
        assert!(plan["deadlineRule"].as_str().is_some_and(|r| r.contains("tidak berubah")));
        let first = candidate(&plan, &code(&renamed));
        let reasons = first["reasons"].to_string();
        assert!(
            reasons.contains("Verifikasi data (SIKS-NG dan E-Dabu)") && reasons.contains("Pekerjaan wajib diisi"),
            "{reasons}"
        );
        assert_eq!(
            candidate(&plan, &code(&fresh))["reasons"],
            json!(["Data permohonan tidak memenuhi formulir versi baru: Pekerjaan wajib diisi"])
        );

        // The renamed step mapped and the new field given: those two can; the removed step still blocks.
        let vars = json!({ "m": [{ "from": "verifikasi", "to": "verifikasi_data" }], "v": { "pekerjaan": "Petani" } });
        let plan = server.as_user(ADMIN, PLAN, vars)["planApplicationMove"].clone();
        assert_eq!(plan["eligibleCount"], 2, "{plan}");
        let first = candidate(&plan, &code(&renamed));
        assert_eq!(
            (&first["step"], &first["newStep"], &first["eligible"], &first["addedFields"]),
            (&json!("verifikasi"), &json!("verifikasi_data"), &json!(true), &json!(["pekerjaan"]))
        );
        let blocked = candidate(&plan, &code(&removed));
        assert_eq!(blocked["eligible"], false);
        assert!(blocked["reasons"][0].as_str().is_some_and(|r| r.contains("Pengecekan kembali berkas")), "{blocked}");

        // Applied: the two move, recorded in their history; the third stays; the dry run is spent.
        let applied = server.as_user(ADMIN, APPLY, json!({ "id": plan["id"] }))["applyApplicationMove"].clone();
        let mut moved: Vec<String> = applied["moved"]
            .as_array()
            .expect("moved")
            .iter()
            .map(|m| m.as_str().unwrap_or_default().to_string())
            .collect();
        moved.sort();
        let mut expected = vec![code(&renamed), code(&fresh)];
        expected.sort();
        assert_eq!(moved, expected, "{applied}");
        assert_eq!(applied["skipped"][0]["trackingCode"], json!(code(&removed)));
        let (refused, _) = server.error_as(ADMIN, APPLY, json!({ "id": plan["id"] }));
        assert_eq!(refused, "REFUSED", "a dry run is applied once");

        // The moved application goes on under version 2: its step is the new one, the removed printout check is
        // skipped, the new field holds the admin's value, and its history says so.
        renamed.refresh();
        assert_eq!(renamed.app["step"], "verifikasi_data");
        let read = "query($id: ID!) { application(id: $id) { definitionVersion history { kind note } } }";
        let version = |id: &Value| server.as_user(ADMIN, read, json!({ "id": id }))["application"].clone();
        assert_eq!(version(&renamed.app["id"])["definitionVersion"], 2);
        assert_eq!(renamed.app["data"]["pekerjaan"], "Petani");
        // The flow reads who acts from the service as it is now served.
        let served = "query { service(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { submissionRoles fields { code type required } requirements { code kind neededAt } steps { code roles } } }";
        renamed.service = server.raw(None, served, json!({}))["data"]["service"].clone();
        renamed.walk(&["memenuhi", "selesai_disusun"]);
        assert_eq!(renamed.app["step"], "paraf_hierarki");
        let entry = version(&renamed.app["id"])["history"]
            .as_array()
            .and_then(|h| h.iter().find(|e| e["kind"] == "MIGRATED"))
            .cloned();
        assert_eq!(
            entry.map(|e| e["note"].clone()),
            Some(json!("Dipindahkan dari versi 1 ke versi 2 standar layanan"))
        );
        removed.refresh();
        assert_eq!(removed.app["step"], "pengecekan_cetakan");
        assert_eq!(version(&removed.app["id"])["definitionVersion"], 1);

        // Bad input and other people.
        let (code, error) = server.error_as(ADMIN, PLAN, json!({ "m": [{ "from": "verifikasi", "to": "cek" }] }));
        assert_eq!(
            (code.as_str(), super::server::field_paths(&error)),
            ("VALIDATION", vec![String::from("stepMapping.0.to")])
        );
        let (code, error) = server.error_as(ADMIN, PLAN, json!({ "v": { "hobi": "x" } }));
        assert_eq!(
            (code.as_str(), super::server::field_paths(&error)),
            ("VALIDATION", vec![String::from("fieldValues.hobi")])
        );
        assert_eq!(server.error_as("verifikator@bulukumba", PLAN, json!({})).0, "FORBIDDEN");
        assert_eq!(server.error_as("admin@19", PLAN, json!({})).0, "FORBIDDEN");
    }
}

/// In a browser without JavaScript, the admin runs the dry run, maps the renamed step, gives the new field a
/// value, runs it again and applies it.
#[test]
fn the_admin_moves_running_applications_in_a_browser_without_javascript() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    let mut flow =
        Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    flow.walk(&["terima", "lengkap"]);
    let code = flow.app["trackingCode"].as_str().expect("code").to_string();
    publish_corrected(&server);
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        browser.sign_in(ADMIN).await;
        browser.go("/standar/bulukumba/rekomendasi-sktm").await;
        browser.submit_and_wait("#form-uji-pindah button[value='uji-pindah']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains(&code) && page.contains("Pekerjaan wajib diisi"), "{page}");
        assert!(!browser.has("button[value='terapkan']").await, "nothing can move yet");

        browser.click("select#peta-verifikasi option[value='verifikasi_data']").await;
        browser.fill("#nilai-pekerjaan", "Petani").await;
        browser.submit_and_wait("#form-uji-pindah button[value='uji-pindah']", false).await;
        assert!(browser.has("#uji-pindah tr.dapat").await, "{}", browser.main_text().await);
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.screenshot("standar-pindah").await;
        browser.submit_and_wait("button[value='terapkan']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("1 permohonan dipindahkan ke versi yang berlaku; 0 tidak dipindahkan."), "{page}");
        browser.client.clone().close().await.expect("browser closes");
    });
    flow.refresh();
    assert_eq!(flow.app["step"], "verifikasi_data");
}
