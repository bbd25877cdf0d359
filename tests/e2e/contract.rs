//! The API as a contract: closed sets are enums of the schema (a string where an enum belongs is refused before
//! anything runs), `tenant` may be left out by a caller of one office on every operation, `expectedVersion` is
//! required alike, and connections count their total.

use serde_json::json;

use super::flows::{Flow, form};
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
fn returned_applications_wait_in_the_submitters_inbox_and_withdrawal_is_a_declared_outcome() {
    const OUTCOMES: &str = "query($t: String!) { services(tenant: $t) { code outcomes { code label status } } }";
    for server in servers() {
        let user = "petugas_layanan@bulukumba";
        let mut flow = super::flows::Flow::submit(
            &server,
            "bulukumba",
            "rekomendasi-sktm",
            form("bulukumba/rekomendasi-sktm"),
            json!([]),
        );
        flow.walk(&["terima", "belum_lengkap"]);
        let id = flow.app["id"].clone();
        let inbox = server.as_user(user, "{ inbox(first: 50) { edges { node { id status } } } }", json!({}));
        let returned: Vec<_> =
            inbox["inbox"]["edges"].as_array().expect("edges").iter().filter(|e| e["node"]["id"] == id).collect();
        assert_eq!(returned.len(), 1, "{}: {inbox}", server.backend);
        assert_eq!(returned[0]["node"]["status"], "RETURNED");
        let verifier = server.as_user("verifikator@bulukumba", "{ inbox(first: 50) { totalCount } }", json!({}));
        assert_eq!(verifier["inbox"]["totalCount"], 0, "{}", server.backend);

        // Withdrawn, it ends in an outcome its service declares.
        flow.walk(&["withdraw"]);
        let ended = flow.outcome().1.to_string();
        for tenant in ["bulukumba", "luwu-timur", "bangka", "oku-selatan", "tebing-tinggi"] {
            let services = server.as_user(&format!("admin_dinas@{tenant}"), OUTCOMES, json!({ "t": tenant }));
            for service in services["services"].as_array().expect("services") {
                let withdrawn: Vec<_> = service["outcomes"]
                    .as_array()
                    .expect("outcomes")
                    .iter()
                    .filter(|o| o["status"] == "WITHDRAWN")
                    .collect();
                assert_eq!(withdrawn.len(), 1, "{tenant}/{}", service["code"]);
                assert_eq!(withdrawn[0]["code"], ended.as_str());
                assert_eq!(withdrawn[0]["label"], "Dibatalkan atas permintaan pemohon");
            }
        }
    }
}

/// The GraphQL requests the server ran so far, and the SQL statements they ran (`simpul_graphql_statements`).
fn statements(server: &super::server::Server) -> (u64, u64) {
    let mut response = ureq::get(&format!("http://{}/metrics", server.address)).call().expect("metrics");
    let text = response.body_mut().read_to_string().expect("text");
    let value = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok()))
            .unwrap_or_else(|| panic!("{name} in {text}")) as u64
    };
    (value("simpul_graphql_statements_count "), value("simpul_graphql_statements_sum "))
}

#[test]
fn an_inbox_page_of_fifty_costs_no_more_statements_than_a_page_of_one() {
    let page = |first: u32| {
        format!(
            "{{ inbox(first: {first}) {{ edges {{ node {{ id data history {{ seq }} letters {{ number }} \
             documents {{ id }} }} }} }} }}"
        )
    };
    for server in servers() {
        let user = "petugas_layanan@bulukumba";
        let input =
            json!({ "service": "rekomendasi-sktm", "data": form("bulukumba/rekomendasi-sktm"), "channel": "LANGSUNG" });
        for _ in 0..50 {
            server.as_user(user, SUBMIT, json!({ "input": input }));
        }
        let (token, _) = server.login(user);
        let cost = |query: &str| -> (u64, usize) {
            let before = statements(&server);
            let response = server.raw(Some(&token), query, json!({}));
            assert!(response.get("errors").is_none(), "{response}");
            let after = statements(&server);
            assert_eq!(after.0 - before.0, 1, "one request measured");
            (after.1 - before.1, response["data"]["inbox"]["edges"].as_array().map_or(0, Vec::len))
        };
        let (one, rows) = cost(&page(1));
        assert_eq!(rows, 1);
        let (fifty, rows) = cost(&page(50));
        assert_eq!(rows, 50);
        eprintln!("{}: an inbox page of 1 ran {one} SQL statements, a page of 50 ran {fifty}", server.backend);
        // History, letters, documents and the audit of the unmasked reads are one statement each, whatever the
        // page's size (2 more allowed for the tenant's calendar, re-read when its 30 s cache runs out meanwhile).
        assert!(fifty <= one + 2, "{}: {one} statements for a page of 1, {fifty} for 50", server.backend);
        assert!(fifty <= 7, "{}: {fifty} statements for a page of 50", server.backend);
        // Each unmasked read is still audited.
        let id = server.raw(Some(&token), &page(1), json!({}))["data"]["inbox"]["edges"][0]["node"]["id"].clone();
        let log = server.as_user(
            user,
            "query($id: ID!) { application(id: $id) { auditLog { action } } }",
            json!({ "id": id }),
        );
        let reads = log["application"]["auditLog"].as_array().expect("log").iter().filter(|e| e["action"] == "READ");
        assert!(reads.count() >= 2, "{}: {log}", server.backend);
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

#[test]
fn a_client_learns_everything_it_needs_from_the_api() {
    for server in servers() {
        // The office: region, hours, positions with their rights, signatories, numbering, complaint channels.
        let office = server.raw(
            None,
            "{ tenant(code: \"bulukumba\") { region { code name } timeZone officeHours { days open close }
                roles { code name seesPersonalData } signatories { role title } numbering { code pattern }
                complaintChannels { kind label } } }",
            json!({}),
        )["data"]["tenant"]
            .clone();
        assert_eq!(office["region"], json!({ "code": "73.02", "name": "Kabupaten Bulukumba" }), "{office}");
        assert_eq!(office["timeZone"], "Asia/Makassar");
        let roles = office["roles"].as_array().expect("roles");
        assert!(
            roles
                .iter()
                .any(|r| r == &json!({ "code": "admin_dinas", "name": "Admin Dinas", "seesPersonalData": false }))
        );
        assert!(office["numbering"][0]["pattern"].as_str().is_some_and(|p| p.contains("{seq}")), "{office}");
        assert!(!office["officeHours"].as_array().expect("hours").is_empty());

        // The service: the facts the submission needs and the rules they feed, the subject field, the product a
        // signing step issues, where each action leads.
        let service = server.raw(
            None,
            "{ service(tenant: \"luwu-timur\", code: \"surat-keterangan-dtks\") {
                submissionFacts { code label type feedsRules } rules { code check message severity }
                fields { code subject } steps { code issues checklist { code required }
                  actions { code leadsTo { target step stepName outcome outcomeStatus } } } } }",
            json!({}),
        )["data"]["service"]
            .clone();
        let fact = &service["submissionFacts"][0];
        assert_eq!(
            (&fact["code"], &fact["type"], &fact["feedsRules"]),
            (&json!("dtks_terdaftar"), &json!("BOOL"), &json!(["terdaftar_dtks"]))
        );
        assert!(service["rules"].as_array().expect("rules").iter().any(|r| r["code"] == "terdaftar_dtks"));
        let subject: Vec<_> =
            service["fields"].as_array().expect("fields").iter().filter(|f| f["subject"] == true).collect();
        assert_eq!(subject.len(), 1);
        assert_eq!(subject[0]["code"], "nik");
        let steps = service["steps"].as_array().expect("steps");
        assert!(steps.iter().any(|s| s["issues"] == "surat_keterangan_dtks"), "{service}");
        let ends: Vec<_> = steps
            .iter()
            .flat_map(|s| s["actions"].as_array().cloned().unwrap_or_default())
            .filter(|a| a["leadsTo"]["target"] == "OUTCOME")
            .map(|a| a["leadsTo"]["outcomeStatus"].clone())
            .collect();
        assert!(ends.contains(&json!("GRANTED")), "{ends:?}");

        // The form's state, evaluated by the server: the WhatsApp number shows only for delivery by WhatsApp.
        let state =
            "query($d: JSON!) { formState(tenant: \"luwu-timur\", service: \"surat-keterangan-dtks\", data: $d) {
            field visible required problem } }";
        let of = |data: serde_json::Value, field: &str| -> serde_json::Value {
            let states = server.raw(None, state, json!({ "d": data }))["data"]["formState"].clone();
            states.as_array().expect("states").iter().find(|s| s["field"] == field).cloned().expect("field")
        };
        assert_eq!(of(json!({ "pengiriman": "langsung" }), "nomor_whatsapp")["visible"], false);
        let shown = of(json!({ "pengiriman": "whatsapp" }), "nomor_whatsapp");
        assert_eq!(
            (&shown["visible"], &shown["required"], &shown["problem"]),
            (&json!(true), &json!(true), &json!(null))
        );
        let bad = of(json!({ "nik": "9902014507850001" }), "nik");
        assert!(bad["problem"].as_str().is_some_and(|p| p.contains("kode provinsi 99")), "{bad}");

        // An application: where each action leads, the facts and checklist answers recorded, who did what.
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        flow.walk(&["terima", "lengkap"]);
        let read = "query($id: ID!) { application(id: $id) {
            availableActions { code leadsTo { target step stepName outcome outcomeStatus } facts { code feedsRules }
              checklistRequired assigneeRequired }
            facts { code value } checklist { step item label confirmed }
            history { action by { name roles { name } } facts { code label value } checklist { item label confirmed } }
            letters { verificationCode } } }";
        let app = server.as_user("verifikator@bulukumba", read, json!({ "id": flow.app["id"] }))["application"].clone();
        let offered = app["availableActions"].as_array().expect("actions");
        let memenuhi = offered.iter().find(|a| a["code"] == "memenuhi").expect("memenuhi");
        assert_eq!(memenuhi["leadsTo"]["target"], "STEP");
        assert_eq!(memenuhi["leadsTo"]["stepName"], "Pembuatan surat rekomendasi");
        assert!(
            memenuhi["facts"]
                .as_array()
                .expect("facts")
                .iter()
                .any(|f| f["code"] == "dtks_terdaftar" && f["feedsRules"] == json!(["terdaftar_dtks"])),
            "{memenuhi}"
        );
        assert_eq!(memenuhi["checklistRequired"], true);
        let rejected = offered.iter().find(|a| a["code"] == "tidak_memenuhi").expect("tidak_memenuhi");
        assert_eq!(rejected["leadsTo"]["outcomeStatus"], "NOT_ELIGIBLE", "{rejected}");
        let withdraw = offered.iter().find(|a| a["code"] == "withdraw");
        assert!(withdraw.is_none(), "the verifier does not submit, so does not withdraw");
        flow.walk(&["memenuhi"]);
        let app = server.as_user("verifikator@bulukumba", read, json!({ "id": flow.app["id"] }))["application"].clone();
        assert!(
            app["facts"]
                .as_array()
                .expect("facts")
                .iter()
                .any(|f| f == &json!({ "code": "dtks_terdaftar", "value": true }))
        );
        assert!(
            app["checklist"].as_array().expect("checklist").iter().any(|c| c["item"] == "cek_siks_ng"
                && c["label"] == "Data termohon dicek dalam DTKS melalui SIKS-NG"
                && c["confirmed"] == true),
            "{app}"
        );
        let history = app["history"].as_array().expect("history");
        let entry = history.iter().find(|h| h["action"] == "memenuhi").expect("entry");
        assert_eq!(entry["by"]["roles"][0]["name"], "Petugas verifikasi (SIKS-NG, E-Dabu) dan penyusun rekomendasi");
        assert!(entry["by"]["name"].as_str().is_some_and(|n| !n.is_empty()), "{entry}");
        assert!(
            entry["facts"].as_array().expect("facts").iter().any(|f| f["code"] == "pbi_apbn" && f["value"] == false)
        );
        assert!(entry["checklist"].as_array().expect("checklist").iter().any(|c| c["item"] == "cek_e_dabu"));

        // The audit log names who read the data.
        let audit = server.as_user(
            "kepala_dinas@bulukumba",
            "query($id: ID!) { application(id: $id) { auditLog { actor by { name roles { name } } action } } }",
            json!({ "id": flow.app["id"] }),
        );
        let log = audit["application"]["auditLog"].as_array().expect("log").clone();
        assert!(log.iter().all(|e| e["by"]["name"].is_string() && e["by"]["roles"][0]["name"].is_string()), "{audit}");

        // A disposisi offers the officers who may be named, by name and role.
        let mut tt = Flow::submit(
            &server,
            "tebing-tinggi",
            "rekomendasi-bpjs-kesehatan",
            form("tebing-tinggi/rekomendasi-bpjs-kesehatan"),
            json!([]),
        );
        tt.walk(&["teruskan"]);
        let offered = server.as_user(
            "kepala_dinas@tebing-tinggi",
            "query($id: ID!) { application(id: $id) { availableActions { code assigneeRequired
                assignableOfficers { id displayName roles { code name } } } } }",
            json!({ "id": tt.app["id"] }),
        );
        let actions = offered["application"]["availableActions"].as_array().expect("actions").clone();
        let disposisi = actions.iter().find(|a| a["code"] == "disposisi").expect("disposisi");
        assert_eq!(disposisi["assigneeRequired"], true);
        let officers = disposisi["assignableOfficers"].as_array().expect("officers");
        assert!(!officers.is_empty(), "{offered}");
        assert!(
            officers
                .iter()
                .all(|o| o["roles"].as_array().is_some_and(|r| r.iter().any(|r| r["code"] == "kepala_bidang")))
        );

        // A letter's file checked against its QR code through GraphQL.
        flow.walk(&["selesai_disusun", "sesuai", "paraf", "paraf", "paraf", "tandatangani"]);
        let id = flow.app["id"].as_str().expect("id").to_string();
        let letters = super::letters::archived(&server, &id);
        let code = letters[0]["verificationUrl"].as_str().expect("url").rsplit('/').next().expect("code").to_string();
        let pdf = super::letters::get(letters[0]["downloadUrl"].as_str().expect("download"));
        let check = "mutation($code: String!, $file: Upload!) { verifyLetterFile(code: $code, file: $file) {
            original message letter { valid number } } }";
        let same =
            server.upload("kepala_dinas@bulukumba", check, json!({ "code": code, "file": null }), "surat.pdf", &pdf);
        assert_eq!(same["data"]["verifyLetterFile"]["original"], true, "{same}");
        let mut changed = pdf.clone();
        changed.extend(b"%");
        let other = server.upload(
            "kepala_dinas@bulukumba",
            check,
            json!({ "code": code, "file": null }),
            "surat.pdf",
            &changed,
        );
        assert_eq!(other["data"]["verifyLetterFile"]["original"], false, "{other}");
        assert!(other["data"]["verifyLetterFile"]["message"].as_str().is_some_and(|m| m.contains("BERBEDA")));
    }
}
