//! Areas below the office: an officer or API key limited to a kecamatan sees and submits only the applications
//! of its desa/kelurahan — by id, in lists, in the inbox, in exports and in subscriptions — and never another
//! village's personal data (UU 27/2022's purpose limitation).

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::server::{Server, field_paths, servers};
use super::subscriptions::{open, read, send};

const ADMIN: &str = "admin_dinas@luwu-timur";
const SERVICE: &str = "surat-keterangan-dtks";
const OPERATOR: &str = "operator.malili";
const PASSWORD: &str = "kata-sandi-malili";
/// Kecamatan Malili, Luwu Timur.
const MALILI: &str = "73.24.04";
/// Kelurahan Malili in it, and Desa Lampenai of Kecamatan Wotu.
const MALILI_DESA: &str = "73.24.04.1003";
const WOTU_DESA: &str = "73.24.06.2001";
const GET: &str = "query($id: ID!) { application(id: $id) { id data area { code name } } }";
const LIST: &str = "{ applications(first: 100) { totalCount edges { node { id } } } }";
const INBOX: &str = "{ inbox(first: 100) { edges { node { id } } } }";
const SUBMIT: &str =
    "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id area { code } } }";

fn facts() -> Value {
    json!([{ "fact": "dtks_terdaftar", "value": true }])
}

fn form_in(desa: &str) -> Value {
    let mut data = form("luwu-timur/surat-keterangan-dtks");
    data["desa_kelurahan"] = json!(desa);
    data
}

/// Runs `query` with a bearer credential (a user's token or an API key).
fn with(server: &Server, credential: &str, query: &str, variables: Value) -> Value {
    server.raw(Some(credential), query, variables)
}

fn ids(response: &Value, list: &str) -> Vec<String> {
    response["data"][list]["edges"]
        .as_array()
        .map(|edges| edges.iter().filter_map(|e| e["node"]["id"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

#[test]
fn a_village_operator_sees_only_the_applications_of_their_area() {
    for server in servers() {
        // The admin limits an operator and a village system's key to Kecamatan Malili.
        let create = "mutation($i: CreateUserInput!) { createUser(input: $i) { id area { code name } } }";
        let input = json!({ "username": OPERATOR, "displayName": "Operator Malili", "password": PASSWORD,
            "roles": ["operator_desa"], "area": MALILI });
        let created = server.as_user(ADMIN, create, json!({ "i": input }));
        assert_eq!(created["createUser"]["area"], json!({ "code": MALILI, "name": "Kecamatan Malili" }));
        // An area of another kabupaten is refused, naming the field.
        let input = json!({ "username": "x.y", "displayName": "X", "password": PASSWORD,
            "roles": ["operator_desa"], "area": "73.02.01" });
        let (code, error) = server.error_as(ADMIN, create, json!({ "i": input }));
        assert_eq!((code.as_str(), field_paths(&error)), ("VALIDATION", vec![String::from("area")]), "{error}");
        let key = server.as_user(
            ADMIN,
            "mutation { createApiKey(input: { name: \"SIKS desa Malili\", scopes: [WRITE], roles: [\"operator_desa\"],
                area: \"73.24.04\" }) { secret key { area { code } } } }",
            json!({}),
        );
        assert_eq!(key["createApiKey"]["key"]["area"]["code"], MALILI);
        let key = key["createApiKey"]["secret"].as_str().expect("secret").to_string();
        let (token, _) = server.login_with(OPERATOR, PASSWORD);

        // The operator subscribes before anything happens.
        let mut socket = open(&server, OPERATOR);
        let query = "subscription { applicationEvents { applicationId kind } }";
        send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }));
        std::thread::sleep(std::time::Duration::from_millis(300));

        // The office's own operator submits one application from Wotu, then one from Malili.
        let mut wotu = Flow::submit(&server, "luwu-timur", SERVICE, form_in(WOTU_DESA), facts());
        let mut malili = Flow::submit(&server, "luwu-timur", SERVICE, form_in(MALILI_DESA), facts());
        let wotu_id = wotu.app["id"].as_str().expect("id").to_string();
        let malili_id = malili.app["id"].as_str().expect("id").to_string();

        // The subscription hears of Malili's only.
        let heard = read(&mut socket);
        assert_eq!(heard["payload"]["data"]["applicationEvents"]["applicationId"], malili_id.as_str(), "{heard}");

        for credential in [token.as_str(), key.as_str()] {
            // By id: Wotu's is not found; Malili's is, with its area in words and its NIK.
            let response = with(&server, credential, GET, json!({ "id": wotu_id }));
            assert_eq!(response["errors"][0]["extensions"]["code"], "NOT_FOUND", "{response}");
            assert!(!response.to_string().contains("7324011203800002"), "no personal data: {response}");
            let response = with(&server, credential, GET, json!({ "id": malili_id }));
            let area = &response["data"]["application"]["area"];
            assert_eq!(area["name"], "Kelurahan Malili, Kecamatan Malili", "{response}");
            // Lists hold Malili's only, and count only it.
            let list = with(&server, credential, LIST, json!({}));
            assert_eq!(ids(&list, "applications"), std::slice::from_ref(&malili_id), "{}: {list}", server.backend);
            assert_eq!(list["data"]["applications"]["totalCount"], 1);
            // Submitting for Wotu is refused; for Malili it is accepted.
            let input = json!({ "service": SERVICE, "data": form_in(WOTU_DESA), "facts": facts() });
            let refused = with(&server, credential, SUBMIT, json!({ "input": input }));
            assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
            let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains("Kecamatan Malili"), "{message}");
        }
        let input = json!({ "service": SERVICE, "data": form_in(MALILI_DESA), "facts": facts() });
        let own = with(&server, &token, SUBMIT, json!({ "input": input }));
        assert_eq!(own["data"]["submitApplication"]["area"]["code"], MALILI_DESA, "{own}");

        // Both returned for a missing document: each waits in the operators' inbox, the limited one holding
        // Malili's only.
        wotu.walk(&["belum_lengkap"]);
        malili.walk(&["belum_lengkap"]);
        let limited = ids(&with(&server, &token, INBOX, json!({})), "inbox");
        assert!(limited.contains(&malili_id) && !limited.contains(&wotu_id), "{limited:?}");
        let whole = ids(&server.raw(Some(&server.login("operator_desa@luwu-timur").0), INBOX, json!({})), "inbox");
        assert!(whole.contains(&malili_id) && whole.contains(&wotu_id), "{whole:?}");
        // Acting on Wotu's by id is not found either.
        let act = "mutation($i: ActInput!) { act(input: $i) { id } }";
        let input = json!({ "applicationId": wotu_id, "action": "withdraw", "expectedVersion": 3, "note": "x" });
        let refused = with(&server, &token, act, json!({ "i": input }));
        assert_eq!(refused["errors"][0]["extensions"]["code"], "NOT_FOUND", "{refused}");
        // An operator limited to an area manages no accounts.
        let refused = with(&server, &token, "{ users { id } }", json!({}));
        assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    }
}

#[test]
fn an_export_holds_only_the_applications_of_the_callers_area() {
    const TENANT: &str = "tebing-tinggi";
    const CODE: &str = "rekomendasi-bpjs-kesehatan";
    const PATH: &[&str] = &["teruskan", "disposisi", "tugaskan", "layak", "ajukan", "tandatangani", "disampaikan"];
    for server in servers() {
        // One application from Kecamatan Tebing Tinggi Kota, one from Padang Hulu, both granted.
        let mut names = Vec::new();
        for (desa, name) in [("12.76.05.1004", "Butet Kota"), ("12.76.01.1001", "Sahat Padang")] {
            let mut data = form("tebing-tinggi/rekomendasi-bpjs-kesehatan");
            data["kelurahan"] = json!(desa);
            data["nama"] = json!(name);
            let mut flow = Flow::submit(&server, TENANT, CODE, data, json!([]));
            flow.walk(PATH);
            assert_eq!(flow.outcome(), ("ENDED", "terbit"), "{}", server.backend);
            names.push(name);
        }
        let create = "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }";
        let input = json!({ "username": "front.kota", "displayName": "Loket Kota", "password": PASSWORD,
            "roles": ["front_office"], "area": "12.76.05" });
        server.as_user(&format!("admin_dinas@{TENANT}"), create, json!({ "i": input }));
        let (token, _) = server.login_with("front.kota", PASSWORD);
        let today = chrono::Utc::now().date_naive();
        let export = format!(
            "{{ productExport(service: \"{CODE}\", product: \"rekapitulasi_usul_bpjs\", from: \"{}\", to: \"{}\",
                format: CSV) {{ base64 }} }}",
            today - chrono::Days::new(1),
            today + chrono::Days::new(1)
        );
        let decode = |response: &Value| -> String {
            assert!(response.get("errors").is_none(), "{response}");
            String::from_utf8(super::letters::decode(&response["data"]["productExport"])).expect("utf-8")
        };
        let whole = decode(&server.raw(Some(&server.login(&format!("front_office@{TENANT}")).0), &export, json!({})));
        assert!(whole.contains(names[0]) && whole.contains(names[1]), "{whole}");
        let limited = decode(&server.raw(Some(&token), &export, json!({})));
        assert!(limited.contains(names[0]) && !limited.contains(names[1]), "{}: {limited}", server.backend);
        // The kelurahan is named, not coded.
        assert!(limited.contains("Kelurahan Badak Bejuang, Kecamatan Tebing Tinggi Kota"), "{limited}");
    }
}
