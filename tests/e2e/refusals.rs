//! What must be refused over the API: roles, other tenants, bad input, stale versions; and the public tracking.

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::server::{APPLICATION, servers};

#[test]
fn refusals_have_the_right_codes_and_change_nothing() {
    for server in servers() {
        let flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        let act = format!("mutation($input: ActInput!) {{ act(input: $input) {{ {APPLICATION} }} }}");
        let get = format!("query($id: ID!) {{ application(id: $id) {{ {APPLICATION} }} }}");

        // A role that may not act.
        let input = json!({ "applicationId": id, "action": "terima", "expectedVersion": 1 });
        let (code, error) = server.error_as("kepala_dinas@bulukumba", &act, json!({ "input": input }));
        assert_eq!(code, "FORBIDDEN", "{}", server.backend);
        // The roles that may are named as the office names them.
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.ends_with("yang berwenang: Petugas Layanan (front office)"), "{message}");
        // An unknown action.
        let input = json!({ "applicationId": id, "action": "terbangkan", "expectedVersion": 1 });
        let (code, error) = server.error_as("petugas_layanan@bulukumba", &act, json!({ "input": input }));
        assert_eq!(code, "VALIDATION");
        assert_eq!(super::server::field_paths(&error), ["action"]);
        // A stale version.
        let input = json!({ "applicationId": id, "action": "terima", "expectedVersion": 7 });
        let (code, _) = server.error_as("petugas_layanan@bulukumba", &act, json!({ "input": input }));
        assert_eq!(code, "CONFLICT");
        // Another tenant, by id and by list.
        let (code, _) = server.error_as("kepala_dinas@luwu-timur", &get, json!({ "id": id }));
        assert_eq!(code, "NOT_FOUND");
        let input = json!({ "applicationId": id, "action": "terima", "expectedVersion": 1 });
        let (code, _) = server.error_as("operator_desa@luwu-timur", &act, json!({ "input": input }));
        assert_eq!(code, "NOT_FOUND");
        let listed = server.as_user(
            "kepala_dinas@luwu-timur",
            "{ applications(first: 100) { edges { node { id } } } }",
            json!({}),
        );
        assert!(listed["applications"]["edges"].as_array().expect("edges").is_empty());
        let (code, _) = server.error_as(
            "kepala_dinas@luwu-timur",
            "query { applications(filter: { tenant: \"bulukumba\" }) { edges { cursor } } }",
            json!({}),
        );
        assert_eq!(code, "FORBIDDEN");
        // Nothing changed.
        let app = server.as_user("petugas_layanan@bulukumba", &get, json!({ "id": id }))["application"].clone();
        assert_eq!(app["version"], 1);

        // Bad form data names the fields.
        let submit = format!(
            "mutation($input: SubmitApplicationInput!) {{ submitApplication(input: $input) {{ {APPLICATION} }} }}"
        );
        let mut data = form("bulukumba/rekomendasi-sktm");
        data["nik"] = json!("7302014507850000");
        data.as_object_mut().expect("object").remove("tujuan");
        let input = json!({ "tenant": "bulukumba", "service": "rekomendasi-sktm", "data": data });
        let (code, error) = server.error_as("petugas_layanan@bulukumba", &submit, json!({ "input": input }));
        assert_eq!(code, "VALIDATION");
        assert_eq!(super::server::field_paths(&error), ["data.nik", "data.tujuan"]);
        assert!(error["message"].as_str().unwrap_or_default().contains("nomor urut"), "{error}");
        // One message per field, each about its own field.
        let fields = &error["extensions"]["fields"];
        assert!(fields[0]["message"].as_str().unwrap_or_default().contains("nomor urut"), "{error}");
        assert!(!fields[1]["message"].as_str().unwrap_or_default().contains("nomor urut"), "{error}");
        // A birth date other than the NIK's, a province that does not exist: each named at its field.
        for (field, value, path, words) in [
            ("tanggal_lahir", "1990-01-01", "data.tanggal_lahir", "tidak sesuai dengan tanggal lahir dalam NIK"),
            ("nik", "9902014507850001", "data.nik", "kode provinsi 99"),
            ("no_kk", "7325010101150003", "data.no_kk", "kode kabupaten/kota 73.25"),
        ] {
            let mut data = form("bulukumba/rekomendasi-sktm");
            data[field] = json!(value);
            let input = json!({ "tenant": "bulukumba", "service": "rekomendasi-sktm", "data": data });
            let (code, error) = server.error_as("petugas_layanan@bulukumba", &submit, json!({ "input": input }));
            assert_eq!((code.as_str(), super::server::field_paths(&error)), ("VALIDATION", vec![path.to_string()]));
            let message = error["extensions"]["fields"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(words), "{error}");
        }
        // No credentials.
        let response = server.raw(None, "{ me { username } }", json!({}));
        assert_eq!(response["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }
}

#[test]
fn nik_is_masked_for_roles_that_do_not_need_it_and_the_applicant_can_track() {
    for server in servers() {
        let flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        let get = format!("query($id: ID!) {{ application(id: $id) {{ {APPLICATION} }} }}");
        let admin = server.as_user("admin_dinas@bulukumba", &get, json!({ "id": id }))["application"].clone();
        assert_eq!(admin["data"]["nik"], "73020145********");
        assert_eq!(admin["data"]["no_kk"], "73020101********");
        let officer = server.as_user("verifikator@bulukumba", &get, json!({ "id": id }))["application"].clone();
        assert_eq!(officer["data"]["nik"], "7302014507850001");

        let track = "query($c: String!, $n: String!) { trackApplication(trackingCode: $c, nik: $n) { tenant service status stepName } }";
        let code = flow.app["trackingCode"].as_str().expect("code");
        let response = server.raw(None, track, json!({ "c": code, "n": "7302014507850001" }));
        assert_eq!(response["data"]["trackApplication"]["status"], "IN_PROGRESS", "{response}");
        assert_eq!(response["data"]["trackApplication"]["stepName"], "Penerimaan berkas persyaratan");
        let wrong = server.raw(None, track, json!({ "c": code, "n": "7302014507850002" }));
        assert_eq!(wrong["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
}

#[test]
fn inputs_an_action_does_not_take_are_refused_and_errors_name_what_is_wrong() {
    let act = "mutation($input: ActInput!) { act(input: $input) { id version } }";
    let get = format!("query($id: ID!) {{ application(id: $id) {{ {APPLICATION} }} }}");
    let officer = "petugas_layanan@bulukumba";
    for server in servers() {
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        flow.walk(&["terima"]);
        let id = flow.app["id"].as_str().expect("id").to_string();
        let version = flow.app["version"].as_i64().expect("version");
        let input = |action: &str, extra: serde_json::Value| {
            let mut input = json!({ "applicationId": id, "action": action, "expectedVersion": version });
            for (k, v) in extra.as_object().expect("object") {
                input[k] = v.clone();
            }
            json!({ "input": input })
        };
        let confirmed = |items: &[(&str, bool)]| -> serde_json::Value {
            items.iter().map(|(item, confirmed)| json!({ "item": item, "confirmed": confirmed })).collect()
        };
        let all = confirmed(&[("ktp_kk", true), ("sktm_desa", true), ("sptjm", true)]);

        // Each input that the action does not take is named, not ignored.
        for (action, extra, path) in [
            ("lengkap", json!({ "assignee": "00000000-0000-0000-0000-000000000000" }), "assignee"),
            ("lengkap", json!({ "data": { "tujuan": "lain" } }), "data"),
            ("lengkap", json!({ "missing": ["sptjm"] }), "missing"),
            ("lengkap", json!({ "checklist": confirmed(&[("tidak_ada", true)]) }), "checklist.tidak_ada"),
            ("withdraw", json!({ "note": "pindah", "checklist": all }), "checklist"),
            ("resubmit", json!({ "note": "sudah lengkap" }), "note"),
        ] {
            let (code, error) = server.error_as(officer, act, input(action, extra));
            assert_eq!((code.as_str(), super::server::field_paths(&error)), ("VALIDATION", vec![path.to_string()]));
        }
        // An unconfirmed item is named by its label, beside its own path.
        let partly = confirmed(&[("ktp_kk", true), ("sktm_desa", true), ("sptjm", false)]);
        let (code, error) = server.error_as(officer, act, input("lengkap", json!({ "checklist": partly })));
        assert_eq!((code.as_str(), super::server::field_paths(&error)), ("VALIDATION", vec!["checklist.sptjm".into()]));
        let message = error["extensions"]["fields"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("SPTJM ditandatangani") && !message.contains("sptjm"), "{error}");
        // Missing documents are named with codes and labels.
        let (code, error) = server.error_as(officer, act, input("lengkap", json!({ "checklist": all })));
        assert_eq!(code, "REFUSED", "{error}");
        let missing = error["extensions"]["missingDocuments"].as_array().expect("missingDocuments").clone();
        let codes: Vec<&str> = missing.iter().filter_map(|m| m["code"].as_str()).collect();
        assert_eq!(codes, ["ktp_kk", "sktm_desa", "sptjm"], "{error}");
        assert!(missing.iter().all(|m| m["label"].as_str().is_some_and(|l| l.len() > 10)), "{error}");
        assert!(!error["message"].as_str().unwrap_or_default().contains("sktm_desa"), "{error}");
        // A stale version is told the current one.
        let mut stale = input("lengkap", json!({ "checklist": all }));
        stale["input"]["expectedVersion"] = json!(version - 1);
        let (code, error) = server.error_as(officer, act, stale);
        assert_eq!((code.as_str(), &error["extensions"]["currentVersion"]), ("CONFLICT", &json!(version)));
        // Only a forward action shows checklist items as required.
        let app = server.as_user(officer, &get, json!({ "id": id }))["application"].clone();
        let required = |code: &str| -> Vec<bool> {
            let actions = app["availableActions"].as_array().expect("actions");
            let action = actions.iter().find(|a| a["code"] == code).expect("offered");
            action["checklist"].as_array().expect("checklist").iter().map(|c| c["required"] == true).collect()
        };
        assert_eq!((required("lengkap"), required("tolak")), (vec![true; 3], vec![false; 3]));
        // Nothing changed.
        assert_eq!(app["version"], version);
    }
}

#[test]
fn a_refused_field_is_null_beside_its_error() {
    let server = servers().into_iter().next().expect("a server");
    let mut flow =
        Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    flow.walk(super::flows::BULUKUMBA_TO_SIGNING);
    flow.walk(&["tandatangani"]);
    let query = "query($id: ID!) { application(id: $id) { id letters { number downloadUrl } } }";
    // The admin's role may not see personal data: downloadUrl (String!) is refused.
    let (token, _) = server.login("admin_dinas@bulukumba");
    let response = server.raw(Some(&token), query, json!({ "id": flow.app["id"] }));
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{response}");
    assert_eq!(error["path"], json!(["application", "letters", 0, "downloadUrl"]), "{response}");
    // A field that can be refused is nullable: the letter is there, its `downloadUrl` null beside the error (not
    // missing, which typed clients cannot parse).
    let letter = &response["data"]["application"]["letters"][0];
    assert!(letter["number"].is_string() && letter.get("downloadUrl") == Some(&Value::Null), "{response}");
    let query = "query($id: ID!) { application(id: $id) { id auditLog { action } } }";
    let response = server.raw(Some(&token), query, json!({ "id": flow.app["id"] }));
    assert_eq!(response["errors"][0]["extensions"]["code"], "FORBIDDEN", "{response}");
    assert_eq!(response["data"]["application"].get("auditLog"), Some(&Value::Null), "{response}");
}
