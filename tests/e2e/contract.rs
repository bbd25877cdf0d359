//! The API as a contract: closed sets are enums of the schema (a string where an enum belongs is refused before
//! anything runs), `tenant` may be left out by a caller of one office on every operation, `expectedVersion` is
//! required alike, and connections count their total.

use serde_json::json;

use super::flows::form;
use super::server::servers;

const SUBMIT: &str = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id status } }";
const LIST: &str = "query($f: ApplicationFilterInput, $first: Int) {
    applications(filter: $f, first: $first) { totalCount edges { node { id status } } pageInfo { hasNextPage } } }";
const INBOX: &str = "query { inbox(first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage } } }";

#[test]
fn enums_optional_tenants_and_total_counts_hold_over_http() {
    for server in servers() {
        let user = "petugas_layanan@bulukumba";
        // No tenant: the officer's only office.
        let input =
            json!({ "service": "rekomendasi-sktm", "data": form("bulukumba/rekomendasi-sktm"), "channel": "LANGSUNG" });
        for _ in 0..3 {
            let data = server.as_user(user, SUBMIT, json!({ "input": input }));
            assert_eq!(data["submitApplication"]["status"], "IN_PROGRESS", "{}", server.backend);
        }
        // The total counts every page; one page of one.
        let page =
            server.as_user(user, LIST, json!({ "f": { "status": "OPEN", "service": "rekomendasi-sktm" }, "first": 1 }));
        let list = &page["applications"];
        assert_eq!(list["edges"].as_array().map(Vec::len), Some(1), "{}", server.backend);
        assert_eq!((list["totalCount"].as_u64(), &list["pageInfo"]["hasNextPage"]), (Some(3), &json!(true)));
        let ended = server.as_user(user, LIST, json!({ "f": { "status": "ENDED" } }));
        assert_eq!(ended["applications"]["totalCount"], 0, "{}", server.backend);
        let overdue = server.as_user(user, LIST, json!({ "f": { "deadline": "OVERDUE" } }));
        assert_eq!(overdue["applications"]["totalCount"], 0, "{}", server.backend);
        // The front office's inbox: the three new applications wait for it in the intake step.
        let inbox = server.as_user(user, INBOX, json!({}));
        assert_eq!(inbox["inbox"]["totalCount"], 3, "{}: {inbox}", server.backend);
        assert_eq!(inbox["inbox"]["pageInfo"]["hasNextPage"], true);

        // A value outside an enum is refused by the schema, naming it; nothing is submitted.
        for (query, variables, value) in [
            (LIST, json!({ "f": { "status": "SEMUA" } }), "SEMUA"),
            (LIST, json!({ "f": { "deadline": "late" } }), "late"),
            (SUBMIT, json!({ "input": { "service": "rekomendasi-sktm", "data": {}, "channel": "pos" } }), "pos"),
        ] {
            let (code, error) = server.error_as(user, query, variables);
            assert_eq!(code, "GRAPHQL_VALIDATION_FAILED", "{}: {error}", server.backend);
            assert!(error["message"].as_str().unwrap_or_default().contains(value), "{error}");
        }
        let page = server.as_user(user, LIST, json!({ "f": { "status": "OPEN" } }));
        assert_eq!(page["applications"]["totalCount"], 3, "{}: nothing more was submitted", server.backend);

        // `expectedVersion` is required on uploads as on `act`.
        let upload = "mutation($id: ID!, $file: Upload!) { attachDocument(applicationId: $id, requirement: \"ktp_kk\", file: $file) { version } }";
        let id = page["applications"]["edges"][0]["node"]["id"].clone();
        let response =
            server.upload(user, upload, json!({ "id": id, "file": null }), "ktp.pdf", &super::documents::pdf(3000));
        let error = &response["errors"][0];
        assert_eq!(error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{}: {response}", server.backend);
        assert!(error["message"].as_str().unwrap_or_default().contains("expectedVersion"), "{response}");
    }
}

#[test]
fn the_served_sdl_is_the_committed_contract() {
    let server = servers().into_iter().next().expect("a server");
    let mut response = ureq::get(&format!("http://{}/graphql/schema.graphql", server.address)).call().expect("schema");
    let served = response.body_mut().read_to_string().expect("text");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/crates/api/schema.graphql"))
        .expect("committed SDL");
    assert!(served == committed, "the server serves another schema than crates/api/schema.graphql");
}
