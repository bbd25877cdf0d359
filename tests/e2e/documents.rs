//! Documents over the API: a scan uploaded with the GraphQL multipart request, checked by its real type and
//! size, downloaded through a short-lived link that is audited; refused for the wrong role and the wrong tenant.

use serde_json::{Value, json};

use super::flows::form;
use super::server::{Server, servers};

const ATTACH: &str = "mutation($id: ID!, $req: String!, $file: Upload!, $v: Int!) {
    attachDocument(applicationId: $id, requirement: $req, file: $file, expectedVersion: $v) {
        version documents { id requirement sha256 sizeBytes contentType } } }";

const DOCUMENTS: &str = "query($id: ID!) { application(id: $id) {
    documents { id requirement sha256 downloadUrl }
    history { kind }
    auditLog { action detail } } }";

/// A PDF of `len` bytes (what `infer` recognises is the `%PDF-` signature).
pub fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n".to_vec();
    bytes.resize(len, b' ');
    bytes
}

fn submit(server: &Server) -> String {
    let input = json!({ "tenant": "bulukumba", "service": "rekomendasi-sktm",
        "data": form("bulukumba/rekomendasi-sktm") });
    let data = server.as_user(
        "petugas_layanan@bulukumba",
        "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }",
        json!({ "input": input }),
    );
    data["submitApplication"]["id"].as_str().expect("id").to_string()
}

fn error(response: &Value) -> (String, Value) {
    let error = response["errors"][0].clone();
    assert!(!error.is_null(), "expected an error: {response}");
    (error["extensions"]["code"].as_str().unwrap_or_default().to_string(), error)
}

#[test]
fn a_scan_is_uploaded_checked_downloaded_and_audited() {
    for server in servers() {
        let id = submit(&server);
        let bytes = pdf(150_000);
        let vars = json!({ "id": id, "req": "ktp_kk", "file": null, "v": 1 });
        let response = server.upload("petugas_layanan@bulukumba", ATTACH, vars, "ktp.pdf", &bytes);
        assert!(response.get("errors").is_none(), "{}: {response}", server.backend);
        let vars =
            json!({ "id": id, "req": "ktp_kk", "file": null, "v": response["data"]["attachDocument"]["version"] });
        let documents = &response["data"]["attachDocument"]["documents"];
        assert_eq!(documents[0]["requirement"], "ktp_kk");
        assert_eq!(documents[0]["sizeBytes"], 150_000);
        assert_eq!(documents[0]["contentType"], "application/pdf");
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        assert_eq!(documents[0]["sha256"], sha.as_str());

        // A ZIP renamed to .pdf: refused by its bytes, naming the requirement; nothing added.
        let mut zip = b"PK\x03\x04\x14\x00".to_vec();
        zip.resize(4000, 0);
        let response = server.upload("petugas_layanan@bulukumba", ATTACH, vars.clone(), "ktp.pdf", &zip);
        let (code, err) = error(&response);
        assert_eq!(code, "VALIDATION", "{}", server.backend);
        assert_eq!(super::server::field_paths(&err), ["file"]);
        assert_eq!(
            err["message"],
            "Fotokopi KTP dan KK: berkas berjenis ZIP, sedangkan yang diterima hanya PDF, JPG, PNG"
        );
        // Over the requirement's 2048 KB.
        let response = server.upload("petugas_layanan@bulukumba", ATTACH, vars.clone(), "ktp.pdf", &pdf(2_200_000));
        let (code, err) = error(&response);
        assert_eq!(code, "VALIDATION");
        assert_eq!(err["message"], "Fotokopi KTP dan KK: berkas melebihi ukuran maksimum 2048 KB");
        // Not a document requirement of this service.
        let other = json!({ "id": id, "req": "terdaftar_dtks", "file": null, "v": vars["v"] });
        let (code, err) = error(&server.upload("petugas_layanan@bulukumba", ATTACH, other, "x.pdf", &pdf(100)));
        assert_eq!(
            (code.as_str(), super::server::field_paths(&err)),
            ("VALIDATION", vec![String::from("requirement")])
        );
        // A role that may not see personal data.
        let (code, _) = error(&server.upload("admin_dinas@bulukumba", ATTACH, vars.clone(), "ktp.pdf", &pdf(100)));
        assert_eq!(code, "FORBIDDEN");
        // Another office, with the real id.
        let (code, _) =
            error(&server.upload("petugas_linjamsos@luwu-timur", ATTACH, vars.clone(), "ktp.pdf", &pdf(100)));
        assert_eq!(code, "NOT_FOUND");

        let seen = server.as_user("verifikator@bulukumba", DOCUMENTS, json!({ "id": id }))["application"].clone();
        assert_eq!(seen["documents"].as_array().map(Vec::len), Some(1), "{}: only the good upload", server.backend);
        assert!(seen["history"].as_array().expect("history").iter().any(|h| h["kind"] == "DOCUMENT_ATTACHED"));
        let url = seen["documents"][0]["downloadUrl"].as_str().expect("url");
        let mut downloaded = ureq::get(url).call().expect("download");
        assert_eq!(downloaded.body_mut().read_to_vec().expect("bytes"), bytes, "{}", server.backend);
        let audit =
            server.as_user("verifikator@bulukumba", DOCUMENTS, json!({ "id": id }))["application"]["auditLog"].clone();
        let downloads: Vec<&Value> =
            audit.as_array().expect("log").iter().filter(|e| e["action"] == "DOWNLOAD").collect();
        assert!(!downloads.is_empty(), "{}: the link given out is audited: {audit}", server.backend);
        assert!(downloads[0]["detail"].as_str().is_some_and(|d| d.starts_with("dokumen ktp_kk")));

        // A link with its signature or expiry altered does not work (server-signed links only).
        if url.contains("/files/download?") {
            let tampered = url.replace("expires=", "expires=9");
            assert!(ureq::get(&tampered).call().is_err(), "altered link refused");
        }
        // Admins without personal-data rights get no link.
        let (code, _) = server.error_as("admin_dinas@bulukumba", DOCUMENTS, json!({ "id": id }));
        assert_eq!(code, "FORBIDDEN");
    }
}

#[test]
fn a_failed_database_write_leaves_no_object_and_gc_sweeps_orphans() {
    for server in servers() {
        let id = submit(&server);
        // The file is stored first; the transaction then fails on the stale version and the object is removed.
        let stale = json!({ "id": id, "req": "ktp_kk", "file": null, "v": 99 });
        let query = "mutation($id: ID!, $req: String!, $file: Upload!, $v: Int!) {
            attachDocument(applicationId: $id, requirement: $req, file: $file, expectedVersion: $v) { version } }";
        let (code, _) = error(&server.upload("petugas_layanan@bulukumba", query, stale, "ktp.pdf", &pdf(5000)));
        assert_eq!(code, "CONFLICT", "{}", server.backend);
        let good = json!({ "id": id, "req": "sktm_desa", "file": null, "v": 1 });
        let response = server.upload("petugas_layanan@bulukumba", ATTACH, good, "sktm.pdf", &pdf(5000));
        assert!(response.get("errors").is_none(), "{response}");

        let (ok, out) = server.cli(&["files", "gc", "--dry-run", "--grace-minutes", "0"]);
        assert!(ok, "{}: {out}", server.backend);
        assert!(out.contains("1 objects known to the database"), "{}: {out}", server.backend);
        assert!(
            out.contains("0 orphans found, 0 recent kept, 0 rows missing their object"),
            "{}: {out}",
            server.backend
        );

        if server.local_files() {
            // An object nobody recorded (as a crash between store and commit would leave): swept.
            let orphan = server.dir().join(format!("data/files/bulukumba/{id}/01a2000000000000000000000000dead"));
            std::fs::write(&orphan, pdf(10)).expect("plant orphan");
            let (ok, out) = server.cli(&["files", "gc", "--grace-minutes", "60"]);
            assert!(ok && out.contains("unrecorded but recent (kept)"), "{out}");
            assert!(orphan.exists());
            let (ok, out) = server.cli(&["files", "gc", "--grace-minutes", "0"]);
            assert!(ok && out.contains("1 orphans deleted"), "{out}");
            assert!(!orphan.exists());
        }
    }
}

#[test]
fn attached_scans_meet_the_document_requirements_of_a_step() {
    let act = "mutation($input: ActInput!) { act(input: $input) { version step } }";
    let checklist = json!([
        { "item": "ktp_kk", "confirmed": true }, { "item": "sktm_desa", "confirmed": true },
        { "item": "sptjm", "confirmed": true }]);
    for server in servers() {
        let id = submit(&server);
        let user = "petugas_layanan@bulukumba";
        let moved = server.as_user(
            user,
            act,
            json!({ "input": { "applicationId": id, "action": "terima", "expectedVersion": 1 } }),
        );
        let version = moved["act"]["version"].as_i64().expect("version");
        // No paper copies and no scans: the step cannot be completed.
        let input =
            json!({ "applicationId": id, "action": "lengkap", "expectedVersion": version, "checklist": checklist });
        let (code, error) = server.error_as(user, act, json!({ "input": input }));
        assert_eq!(code, "REFUSED", "{}: {error}", server.backend);
        for (i, requirement) in ["ktp_kk", "sktm_desa", "sptjm"].into_iter().enumerate() {
            let vars = json!({ "id": id, "req": requirement, "file": null, "v": version + i as i64 });
            let response = server.upload(user, ATTACH, vars, &format!("{requirement}.pdf"), &pdf(3000));
            assert!(response.get("errors").is_none(), "{response}");
        }
        // The scans stand for the paper copies.
        let input =
            json!({ "applicationId": id, "action": "lengkap", "expectedVersion": version + 3, "checklist": checklist });
        let done = server.as_user(user, act, json!({ "input": input }));
        assert_eq!(done["act"]["step"], "verifikasi", "{}", server.backend);
    }
}
