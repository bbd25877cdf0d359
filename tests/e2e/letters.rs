//! Letters over the API: a draft before signing; at signing one PDF, archived with its SHA-256 and returned
//! byte for byte on every reprint; its QR code verified by `verifyLetter` and the public page, which also tells
//! an altered PDF from the original; forged codes rejected; key rotation; lists exported for a period.

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::server::{Server, servers};

const LETTERS: &str = "query($id: ID!) { application(id: $id) {
    letters { id product number sha256 sizeBytes verificationUrl downloadUrl } } }";
const VERIFY: &str = "query($code: String!) { verifyLetter(code: $code) {
    valid message office number issuedOn subject maskedName sha256 } }";
const PREVIEW: &str = "query($id: ID!, $p: String!) { letterPreview(applicationId: $id, product: $p) {
    filename contentType base64 } }";

pub fn decode(file: &Value) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(file["base64"].as_str().expect("base64")).expect("decodes")
}

pub fn get(url: &str) -> Vec<u8> {
    ureq::get(url).call().expect("GET").body_mut().read_to_vec().expect("bytes")
}

pub fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("PDF text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn public(server: &Server, query: &str, variables: Value) -> Value {
    let response = server.raw(None, query, variables);
    assert!(response.get("errors").is_none(), "{response}");
    response["data"].clone()
}

/// Posts a PDF to the verification page; returns the page.
fn check_on_page(url: &str, pdf: &[u8]) -> String {
    let boundary = "simpul-verify-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"surat.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend(pdf);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut response = ureq::post(url)
        .header("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
        .send(&body[..])
        .expect("POST");
    response.body_mut().read_to_string().expect("page")
}

/// The application's letters once the archiver has stored them (it works apart from the signing's answer).
/// The letters of a Bulukumba application once archived.
pub fn archived(server: &Server, id: &str) -> serde_json::Value {
    archived_as(server, "kepala_dinas@bulukumba", id)
}

/// The letters of an application once archived, read by `user`.
pub fn archived_as(server: &Server, user: &str, id: &str) -> serde_json::Value {
    let started = std::time::Instant::now();
    loop {
        let letters = server.as_user(user, LETTERS, json!({ "id": id }))["application"]["letters"].clone();
        if letters[0]["sha256"].is_string() {
            return letters;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{}: never archived", server.backend);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_signed_letter_is_rendered_once_archived_and_verifiable() {
    for server in servers() {
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        flow.walk(super::flows::BULUKUMBA_TO_SIGNING);

        // Before signing: a draft, marked, without a number; refused to a role without personal-data rights.
        let vars = json!({ "id": id, "p": "rekomendasi_sktm" });
        let draft = server.as_user("kepala_dinas@bulukumba", PREVIEW, vars.clone())["letterPreview"].clone();
        assert_eq!(draft["contentType"], "application/pdf");
        let text = text_of(&decode(&draft));
        assert!(text.contains("DRAFT") && text.contains("belum bernomor") && text.contains("Siti Aminah"), "{text}");
        let (code, _) = server.error_as("admin_dinas@bulukumba", PREVIEW, vars);
        assert_eq!(code, "FORBIDDEN");

        flow.walk(&["tandatangani"]);
        let letters = archived(&server, &id);
        let letter = &letters[0];
        let number = letter["number"].as_str().expect("number");
        assert!(
            number.starts_with("400.9/") && number.ends_with("/Dinsos/XI/2026") || number.contains("/Dinsos/"),
            "{number}"
        );
        let sha = letter["sha256"].as_str().expect("archived with its hash").to_string();
        let pdf = get(letter["downloadUrl"].as_str().expect("url"));
        assert_eq!(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf)), sha, "{}", server.backend);
        assert_eq!(letter["sizeBytes"].as_u64(), Some(pdf.len() as u64));
        let text = text_of(&pdf);
        for expected in ["Siti Aminah", number, "7302014507850001", "PEMERINTAH KABUPATEN BULUKUMBA"] {
            assert!(text.contains(expected), "{}: `{expected}` missing: {text}", server.backend);
        }
        // A reprint is the stored bytes, not a new rendering.
        let again = server.as_user("petugas_layanan@bulukumba", LETTERS, json!({ "id": id }))["application"]["letters"]
            [0]
        .clone();
        assert_eq!(get(again["downloadUrl"].as_str().expect("url")), pdf, "{}: reprint", server.backend);
        if server.local_files() {
            let archived =
                server.dir().join(format!("data/files/bulukumba/{id}/{}.pdf", letter["id"].as_str().expect("id")));
            assert_eq!(std::fs::read(&archived).expect("archive copy in the file store"), pdf);
        }

        // The QR's code, checked by anyone.
        let url = letter["verificationUrl"].as_str().expect("verification url");
        let code = url.rsplit('/').next().expect("code");
        let verified = public(&server, VERIFY, json!({ "code": code }))["verifyLetter"].clone();
        assert_eq!(verified["valid"], true, "{verified}");
        assert_eq!(verified["office"], "Dinas Sosial Kabupaten Bulukumba");
        assert_eq!(verified["number"], number);
        assert_eq!(verified["maskedName"], "S*** A*****");
        assert_eq!(verified["sha256"], sha.as_str());
        assert!(verified["subject"].as_str().is_some_and(|s| s.starts_with("Surat Rekomendasi")));
        // Forged or altered codes.
        let mut chars: Vec<char> = code.chars().collect();
        let i = chars.len() - 3;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let altered: String = chars.into_iter().collect();
        for bad in [altered.as_str(), "AQABAaIJ4VNhcGmsk", "bukan-kode"] {
            let v = public(&server, VERIFY, json!({ "code": bad }))["verifyLetter"].clone();
            assert_eq!(v["valid"], false, "{bad}: {v}");
            assert!(v["number"].is_null(), "nothing about any letter is shown");
        }

        // The public page, and the PDF check on it.
        let page = String::from_utf8(get(url)).expect("html");
        assert!(page.contains("Surat asli") && page.contains(number) && page.contains("S*** A*****"), "{page}");
        assert!(check_on_page(url, &pdf).contains("sama persis dengan berkas asli"));
        let mut tampered = pdf.clone();
        let middle = tampered.len() / 2;
        tampered[middle] ^= 0x01;
        assert!(check_on_page(url, &tampered).contains("BUKAN berkas asli"));
        let mut response = ureq::get(&format!("http://{}/v/{altered}", server.address))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .expect("GET");
        assert_eq!(response.status(), 404);
        assert!(response.body_mut().read_to_string().expect("page").contains("Tidak dapat diverifikasi"));

        // Key rotation: admins only; letters signed before still verify.
        let rotate = "mutation { rotateSigningKey(tenant: \"bulukumba\") }";
        let (denied, _) = server.error_as("kepala_dinas@bulukumba", rotate, json!({}));
        assert_eq!(denied, "FORBIDDEN");
        assert_eq!(server.as_user("admin_dinas@bulukumba", rotate, json!({}))["rotateSigningKey"], 2);
        let still = public(&server, VERIFY, json!({ "code": code }))["verifyLetter"].clone();
        assert_eq!(still["valid"], true, "a rotated key's letters still verify");
    }
}

#[test]
fn a_list_of_a_period_exports_as_pdf_csv_and_xlsx() {
    for server in servers() {
        let mut flow = Flow::submit(
            &server,
            "oku-selatan",
            "penanggulangan-bencana",
            form("oku-selatan/penanggulangan-bencana"),
            json!([]),
        );
        flow.walk(&["lengkap", "layak"]);
        assert_eq!(flow.outcome(), ("ENDED", "diusulkan"));
        let query = "query($f: ExportFormat!, $from: NaiveDate!, $to: NaiveDate!) {
            productExport(service: \"penanggulangan-bencana\", product: \"daftar_usulan_bencana_sosial\",
                from: $from, to: $to, format: $f) { filename contentType base64 } }";
        let today = chrono::Utc::now().date_naive();
        let period =
            |f: &str| json!({ "f": f, "from": today.pred_opt().expect("date"), "to": today.succ_opt().expect("date") });
        let user = "kepala_dinas@oku-selatan";
        let csv = server.as_user(user, query, period("CSV"))["productExport"].clone();
        assert_eq!(csv["contentType"], "text/csv");
        let csv = String::from_utf8(decode(&csv)).expect("utf-8");
        assert!(csv.contains("Sahrul") && csv.contains("1609012003700001") && csv.contains("kebakaran rumah"), "{csv}");
        let xlsx = decode(&server.as_user(user, query, period("XLSX"))["productExport"]);
        assert_eq!(&xlsx[..4], b"PK\x03\x04");
        let pdf = decode(&server.as_user(user, query, period("PDF"))["productExport"]);
        let text = text_of(&pdf);
        assert!(
            text.contains("DAFTAR USULAN BENCANA SOSIAL") && text.contains("Sahrul") && text.contains("Jumlah: 1"),
            "{text}"
        );
        // The list's own number from its series and its subject; the same period keeps its number, another
        // period takes the next.
        let number =
            text.split("Nomor: ").nth(1).and_then(|rest| rest.split_whitespace().next()).expect("a number").to_string();
        assert!(number.starts_with("400.9/1/Daftar/Dinsos/"), "{number}");
        assert!(text.contains("Perihal: Daftar Usulan Bencana Sosial periode"), "{text}");
        let again = text_of(&decode(&server.as_user(user, query, period("PDF"))["productExport"]));
        assert!(again.contains(&format!("Nomor: {number}")), "the same list keeps its number: {again}");
        let january = json!({ "f": "PDF", "from": "2026-01-01", "to": "2026-01-31" });
        let other = text_of(&decode(&server.as_user(user, query, january)["productExport"]));
        assert!(other.contains("Nomor: 400.9/2/Daftar/Dinsos/"), "another period, the next number: {other}");
        // Another period has nobody.
        let empty = json!({ "f": "CSV", "from": "2026-01-01", "to": "2026-01-31" });
        let csv = String::from_utf8(decode(&server.as_user(user, query, empty)["productExport"])).expect("utf-8");
        assert_eq!(csv.lines().count(), 1, "headers only: {csv}");
        // A role without personal-data rights gets no list of NIKs.
        let (code, _) = server.error_as("admin_dinas@oku-selatan", query, period("CSV"));
        assert_eq!(code, "FORBIDDEN");
    }
}

#[test]
fn a_letter_states_the_basis_the_officer_recorded() {
    for server in servers() {
        // Bangka's verifier accepts the applicant on their DTSEN record (desil 3, as `facts_for` records it).
        let mut flow = Flow::submit(&server, "bangka", "rekomendasi-sktm", form("bangka/rekomendasi-sktm"), json!([]));
        flow.walk(&["lengkap", "terdaftar_desil_1_5", "tandatangani"]);
        let id = flow.app["id"].as_str().expect("id").to_string();
        let letters = archived_as(&server, "kepala_dinas@bangka", &id);
        let text = text_of(&get(letters[0]["downloadUrl"].as_str().expect("url")))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains("Data Tunggal Sosial Ekonomi Nasional (DTSEN) desil 3"), "{}: {text}", server.backend);
        assert!(!text.contains("verifikasi lapangan"), "{text}");
    }
}

/// The short code printed on a letter leads to it, typed any way a person would; the page and `verifyLetter`
/// name who signed; whoever initialled the draft cannot sign it; the Kepala Dinas revokes it with a reason (not
/// another officer, not without a reason, not twice), after which it verifies as "dicabut", and the revocation
/// is audited and sent to webhooks.
#[test]
fn a_short_code_verifies_a_letter_that_names_its_signer_until_the_kepala_dinas_revokes_it() {
    const VERIFY_FULL: &str = "query($code: String!) { verifyLetter(code: $code) {
        valid number signerName signerTitle status revokedAt revocationReason } }";
    const REVOKE: &str = "mutation($id: ID!, $r: String!) { revokeLetter(id: $id, reason: $r, tenant: \"bulukumba\") {
        id revokedAt revocationReason } }";
    const SHORT: &str = "query($id: ID!) { application(id: $id) {
        letters { id shortCode verificationUrl signedBy } auditLog { action detail } } }";
    for server in servers() {
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        flow.walk(super::flows::BULUKUMBA_TO_SIGNING);
        let sign = "mutation($i: ActInput!) { act(input: $i) { id } }";
        let version = server.as_user(
            "sekretaris@bulukumba",
            "query($id: ID!) { application(id: $id) { version } }",
            json!({ "id": id }),
        )["application"]["version"]
            .clone();
        let (code, error) = server.error_as(
            "sekretaris@bulukumba",
            sign,
            json!({ "i": { "applicationId": id, "action": "tandatangani", "expectedVersion": version } }),
        );
        assert_eq!(code, "FORBIDDEN", "the Sekretaris initialled this draft: {error}");
        assert!(error["message"].as_str().unwrap_or_default().contains("memaraf"), "{error}");
        flow.walk(&["tandatangani"]);
        let letter_id = archived(&server, &id)[0]["id"].as_str().expect("id").to_string();
        let letter = server.as_user("kepala_dinas@bulukumba", SHORT, json!({ "id": id }))["application"].clone();
        let short = letter["letters"][0]["shortCode"].as_str().expect("a short code").to_string();
        assert!(short.len() <= 16, "{short}");
        assert!(short.chars().all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)), "{short}");
        let url = letter["letters"][0]["verificationUrl"].as_str().expect("url").to_string();
        assert!(url.ends_with(&format!("/v/{short}")), "the QR leads to the short code: {url}");
        assert!(letter["letters"][0]["signedBy"].as_str().unwrap_or_default().contains("Kepala Dinas Sosial"));

        // Typed from paper: lower case, spaces for dashes, O for 0 — the same letter.
        let typed = short.to_lowercase().replace('-', " ").replace('0', "o");
        let v = public(&server, VERIFY_FULL, json!({ "code": typed }))["verifyLetter"].clone();
        assert_eq!(v["valid"], true, "{v}");
        assert_eq!(v["status"], "VALID");
        assert_eq!(v["signerName"], "[NAMA KEPALA DINAS SOSIAL]");
        assert_eq!(v["signerTitle"], "Kepala Dinas Sosial Kabupaten Bulukumba");
        let form_url = format!("http://{}/v?kode={}", server.address, typed.replace(' ', "+"));
        let page = String::from_utf8(get(&form_url)).expect("html");
        assert!(page.contains("Surat asli dan sah") && page.contains("Ditandatangani oleh"), "{page}");
        assert!(
            String::from_utf8(get(&format!("http://{}/v", server.address))).expect("html").contains("name=\"kode\"")
        );

        // Revocation: the Kepala Dinas, with a reason, once; the office's webhook hears of it.
        let register = "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { id } }";
        let hook = json!({ "i": { "tenant": "bulukumba", "url": "https://desa.example/simpul",
            "secret": "rahasia-bersama-1234", "events": ["LETTER_REVOKED"] } });
        server.as_user("admin_dinas@bulukumba", register, hook);
        let reason = "Data penghasilan pemohon ternyata tidak benar";
        let (code, _) = server.error_as("verifikator@bulukumba", REVOKE, json!({ "id": letter_id, "r": reason }));
        assert_eq!(code, "FORBIDDEN");
        let (code, error) = server.error_as("kepala_dinas@bulukumba", REVOKE, json!({ "id": letter_id, "r": "salah" }));
        assert_eq!(code, "VALIDATION", "{error}");
        assert_eq!(super::server::field_paths(&error), ["reason"], "{error}");
        let revoked =
            server.as_user("kepala_dinas@bulukumba", REVOKE, json!({ "id": letter_id, "r": reason }))["revokeLetter"]
                .clone();
        assert_eq!(revoked["revocationReason"], reason);
        let (code, error) = server.error_as("admin_dinas@bulukumba", REVOKE, json!({ "id": letter_id, "r": reason }));
        assert_eq!(code, "REFUSED", "{error}");
        let v = public(&server, VERIFY_FULL, json!({ "code": short }))["verifyLetter"].clone();
        assert_eq!((v["valid"].clone(), v["status"].clone()), (json!(true), json!("REVOKED")), "{v}");
        assert_eq!(v["revocationReason"], reason);
        let page = String::from_utf8(ureq::get(&url).call().expect("GET").body_mut().read_to_vec().expect("bytes"))
            .expect("html");
        assert!(page.contains("DICABUT") && page.contains(reason), "{page}");
        let deliveries = "query { webhooks(tenant: \"bulukumba\") { deliveries(first: 50) { kind applicationId } } }";
        let started = std::time::Instant::now();
        loop {
            let found =
                server.as_user("admin_dinas@bulukumba", deliveries, json!({}))["webhooks"][0]["deliveries"].clone();
            if found
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["kind"] == "LETTER_REVOKED" && d["applicationId"] == id))
            {
                break;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "{}: never sent: {found}", server.backend);
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let detail = super::console::console_page(&server, "kepala_dinas@bulukumba", &format!("/permohonan/{id}"));
        assert!(detail.contains("Dicabut") && detail.contains(reason) && detail.contains(&short), "{detail}");
        let audit =
            server.as_user("kepala_dinas@bulukumba", SHORT, json!({ "id": id }))["application"]["auditLog"].clone();
        assert!(
            audit
                .as_array()
                .expect("entries")
                .iter()
                .any(|e| e["action"] == "REVOKE_LETTER" && e["detail"].as_str().is_some_and(|d| d.contains(reason))),
            "{audit}"
        );
    }
}
