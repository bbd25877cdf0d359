//! What must be refused over the API: roles, other tenants, bad input, stale versions; and the public tracking.

use serde_json::json;

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
        let (code, _) = server.error_as("kepala_dinas@bulukumba", &act, json!({ "input": input }));
        assert_eq!(code, "FORBIDDEN", "{}", server.backend);
        // An unknown action.
        let input = json!({ "applicationId": id, "action": "terbangkan", "expectedVersion": 1 });
        let (code, error) = server.error_as("petugas_layanan@bulukumba", &act, json!({ "input": input }));
        assert_eq!(code, "VALIDATION");
        assert_eq!(error["extensions"]["fields"][0], "action");
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
        let fields = error["extensions"]["fields"].as_array().expect("fields").clone();
        assert_eq!(fields, vec![json!("data.nik"), json!("data.tujuan")]);
        assert!(error["message"].as_str().unwrap_or_default().contains("nomor urut"), "{error}");
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
