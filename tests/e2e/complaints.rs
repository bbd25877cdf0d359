//! Complaints end to end: from the public (with the application they are about) and recorded by officers with
//! their channel; tracked by code; assigned, answered and closed in that order within the office's deadlines in
//! working days; forwarded to SP4N-LAPOR! through a receiver that checks each request; exported; each office's
//! complaints its own; and in a browser without JavaScript, from the public form to the officer's answer.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::server::{Backends, Server, servers_with, start};

const SUBMIT: &str = "mutation($i: PublicComplaintInput!) { submitComplaint(input: $i) {
    code office statusLabel receivedAt respondDueAt } }";
const RECORD: &str = "mutation($i: ComplaintInput!) { recordComplaint(input: $i) { id code channel channelLabel } }";
const TRACK: &str = "query($c: String!) { trackComplaint(code: $c) { code status statusLabel response closedAt } }";
const LIST: &str = "query($t: String) { complaints(tenant: $t) { id code complainantName contact status
    applicationTrackingCode receivedAt assignDueAt respondDueAt closeDueAt overdue } }";
const ONE: &str =
    "query($t: String, $id: ID!) { complaint(tenant: $t, id: $id) { code status statusLabel assignee { name }
    response laporRef history { text note by { name } } } }";
const ASSIGN: &str =
    "mutation($id: ID!, $a: ID!) { assignComplaint(id: $id, assigneeId: $a) { status assignee { name } } }";
const RESPOND: &str = "mutation($id: ID!, $r: String!) { respondComplaint(id: $id, response: $r) { status } }";
const CLOSE: &str =
    "mutation($id: ID!, $n: String!) { closeComplaint(id: $id, note: $n) { status closedAt history { text } } }";
const FORWARD: &str = "mutation($id: ID!) { forwardComplaint(id: $id) { laporRef history { text note } } }";
const EXPORT: &str = "query($f: NaiveDate!, $t: NaiveDate!, $k: ExportFormat!) {
    complaintsExport(from: $f, to: $t, format: $k) { filename contentType base64 } }";

/// SP4N-LAPOR! as the tests stand it in: checks the token and the report, answers with a number.
struct Lapor {
    url: String,
    reports: Arc<Mutex<Vec<Value>>>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Lapor {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl Lapor {
    fn start() -> Lapor {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("receiver"));
        let url = format!("http://{}/laporan", server.server_addr().to_ip().expect("ip"));
        let reports = Arc::new(Mutex::new(Vec::new()));
        let (srv, rec) = (server.clone(), reports.clone());
        std::thread::spawn(move || {
            for mut request in srv.incoming_requests() {
                let auth = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("authorization"))
                    .map(|h| h.value.as_str().to_string())
                    .unwrap_or_default();
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let report: Value = serde_json::from_str(&body).unwrap_or_default();
                let ok = auth == "Bearer lapor-token-uji"
                    && ["kode", "instansi", "judul", "isi", "diterima"].iter().all(|k| report[k].is_string());
                let (status, answer) = if ok {
                    rec.lock().expect("reports").push(report);
                    (201, json!({ "id": "LAPOR-2026-000123" }))
                } else {
                    (400, json!({ "error": "laporan tidak sah" }))
                };
                let _ = request.respond(tiny_http::Response::from_string(answer.to_string()).with_status_code(status));
            }
        });
        Lapor { url, reports, server }
    }
}

fn days_between(a: &Value, b: &Value) -> i64 {
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().expect("time")).expect("time");
    (at(b) - at(a)).num_days()
}

#[test]
fn complaints_are_received_tracked_handled_in_order_forwarded_and_exported() {
    let lapor = Lapor::start();
    let env = vec![
        (String::from("SIMPUL_LAPOR_URL"), lapor.url.clone()),
        (String::from("SIMPUL_LAPOR_TOKEN"), String::from("lapor-token-uji")),
    ];
    for server in servers_with(&env) {
        let flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let tracking = flow.app["trackingCode"].as_str().expect("code").to_string();

        // From the public, about an application; bad input names its field and records nothing.
        let public = |input: Value| server.raw(None, SUBMIT, json!({ "i": input }));
        let good = json!({ "tenant": "bulukumba", "name": "Siti Aminah", "contact": "0812-3456-7890",
            "text": "Sudah dua minggu permohonan SKTM saya belum ada kabar.", "trackingCode": tracking.to_lowercase() });
        for (field, bad) in [
            ("text", json!({ "text": "lambat" })),
            ("contact", json!({ "contact": "bukan kontak" })),
            ("trackingCode", json!({ "trackingCode": "ZZZZZ-ZZZZZ" })),
            ("tenant", json!({ "tenant": "atlantis" })),
        ] {
            let mut input = good.clone();
            for (k, v) in bad.as_object().expect("object") {
                input[k] = v.clone();
            }
            let answer = public(input);
            let error = &answer["errors"][0];
            assert_eq!(error["extensions"]["code"], "VALIDATION", "{}: {answer}", server.backend);
            assert_eq!(error["extensions"]["fields"][0]["path"], field, "{answer}");
        }
        let made = public(good.clone());
        let made = &made["data"]["submitComplaint"];
        let code = made["code"].as_str().expect("a code").to_string();
        assert!(code.starts_with("ADU-") && code.len() == 13, "{code}");
        assert_eq!(made["office"], "Dinas Sosial Kabupaten Bulukumba");
        // Five working days to answer: at least five calendar days, at most nine (a weekend and a holiday).
        let days = days_between(&made["receivedAt"], &made["respondDueAt"]);
        assert!((5..=9).contains(&days), "{}: answer due in {days} days", server.backend);
        let tracked = server.raw(None, TRACK, json!({ "c": code.to_lowercase() }));
        assert_eq!(tracked["data"]["trackComplaint"]["statusLabel"], "Diterima", "{tracked}");

        // At the counter, by phone.
        let recorded = server.as_user(
            "petugas_layanan@bulukumba",
            RECORD,
            json!({ "i": { "channel": "TELEPON", "name": "Pak Amir", "text": "Petugas loket tidak ramah kemarin siang." } }),
        );
        assert_eq!(recorded["recordComplaint"]["channelLabel"], "Telepon");

        // The office's list: names for roles with personal-data rights, masked for the admin.
        let list = server.as_user("verifikator@bulukumba", LIST, json!({}))["complaints"].clone();
        let mine = list.as_array().expect("list").iter().find(|c| c["code"] == code.as_str()).expect("listed").clone();
        assert_eq!(
            (mine["complainantName"].as_str(), mine["applicationTrackingCode"].as_str()),
            (Some("Siti Aminah"), Some(tracking.as_str()))
        );
        assert_eq!(mine["contact"], "081234567890");
        let masked = server.as_user("admin_dinas@bulukumba", LIST, json!({}))["complaints"].clone();
        let seen =
            masked.as_array().expect("list").iter().find(|c| c["code"] == code.as_str()).expect("listed").clone();
        assert!(
            seen["complainantName"] != "Siti Aminah" && seen["contact"].as_str().is_some_and(|c| c.contains("****")),
            "{seen}"
        );
        let id = mine["id"].clone();

        // In order: not closed before it is answered.
        let (refused, _) =
            server.error_as("verifikator@bulukumba", CLOSE, json!({ "id": id, "n": "Selesai dibicarakan." }));
        assert_eq!(refused, "REFUSED");
        let (_, verifier) = server.login("verifikator@bulukumba");
        let assigned = server.as_user("petugas_layanan@bulukumba", ASSIGN, json!({ "id": id, "a": verifier }));
        assert_eq!(assigned["assignComplaint"]["status"], "ASSIGNED");
        let (bad, error) =
            server.error_as("petugas_layanan@bulukumba", ASSIGN, json!({ "id": id, "a": super::server::uuid_like() }));
        assert_eq!(
            (bad.as_str(), error["extensions"]["fields"][0]["path"].as_str()),
            ("VALIDATION", Some("assigneeId"))
        );
        let answer = "Permohonan Ibu sudah diverifikasi dan menunggu tanda tangan.";
        server.as_user("verifikator@bulukumba", RESPOND, json!({ "id": id, "r": answer }));
        let tracked = server.raw(None, TRACK, json!({ "c": code }));
        assert_eq!(tracked["data"]["trackComplaint"]["response"], answer, "the complainant reads the answer");

        // Forwarded to SP4N-LAPOR! once; the report carries no contact.
        let forwarded = server.as_user("verifikator@bulukumba", FORWARD, json!({ "id": id }));
        assert_eq!(forwarded["forwardComplaint"]["laporRef"], "LAPOR-2026-000123");
        let report = lapor.reports.lock().expect("reports").last().cloned().expect("a report");
        assert_eq!(report["kode"], code.as_str());
        assert!(!report.to_string().contains("0812"), "no contact in the report: {report}");
        let (again, _) = server.error_as("verifikator@bulukumba", FORWARD, json!({ "id": id }));
        assert_eq!(again, "REFUSED");

        let closed =
            server.as_user("verifikator@bulukumba", CLOSE, json!({ "id": id, "n": "Pemohon sudah dihubungi." }));
        let history: Vec<String> = closed["closeComplaint"]["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|h| h["text"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            history,
            ["Pengaduan diterima", "Ditugaskan kepada petugas", "Dijawab", "Diteruskan ke SP4N-LAPOR!", "Ditutup"]
        );
        let one = server.as_user("verifikator@bulukumba", ONE, json!({ "id": id }))["complaint"].clone();
        assert_eq!(
            one["history"][1]["note"], "Petugas verifikasi (SIKS-NG, E-Dabu) dan penyusun rekomendasi",
            "the assignee by name: {one}"
        );
        let (after, _) =
            server.error_as("verifikator@bulukumba", RESPOND, json!({ "id": id, "r": "Satu jawaban lagi." }));
        assert_eq!(after, "REFUSED", "nothing follows closing");

        // Each office its own; the public sees no list.
        let (code_other, _) = server.error_as("petugas_linjamsos@luwu-timur", ONE, json!({ "id": id }));
        assert_eq!(code_other, "NOT_FOUND");
        let (forbidden, _) = server.error_as("petugas_linjamsos@luwu-timur", LIST, json!({ "t": "bulukumba" }));
        assert_eq!(forbidden, "FORBIDDEN");
        let anonymous = server.raw(None, LIST, json!({ "t": "bulukumba" }));
        assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

        // Exported: CSV with every complaint of the period, XLSX as a workbook.
        let today = crate::office_today(chrono_tz::Asia::Makassar);
        let csv = server.as_user(
            "admin_dinas@bulukumba",
            EXPORT,
            json!({ "f": today - chrono::Duration::days(1), "t": today + chrono::Duration::days(1), "k": "CSV" }),
        );
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            csv["complaintsExport"]["base64"].as_str().expect("file"),
        )
        .expect("base64");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.contains(&code) && text.contains("Telepon") && text.contains("LAPOR-2026-000123"), "{text}");
        let xlsx = server.as_user("admin_dinas@bulukumba", EXPORT, json!({ "f": today, "t": today, "k": "XLSX" }));
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            xlsx["complaintsExport"]["base64"].as_str().expect("file"),
        )
        .expect("base64");
        assert!(bytes.starts_with(b"PK"), "a workbook");

        // And from the console's list, as a download.
        let (agent, cookie) = super::console::console_session(&server, "admin_dinas@bulukumba");
        let download = agent
            .get(&format!("http://{}/pengaduan-masuk?unduh=csv&dari={}&sampai={}", server.address, today, today))
            .header("Cookie", &cookie)
            .call()
            .expect("download");
        let disposition =
            download.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let text = download.into_body().read_to_string().expect("csv");
        assert!(disposition.starts_with("attachment") && text.contains(&code), "{disposition}: {text}");

        // Ten public complaints per address in fifteen minutes.
        let mut limited = None;
        for _ in 0..10 {
            let answer = public(json!({ "tenant": "bulukumba", "text": "Antrean di loket terlalu panjang." }));
            if let Some(code) = answer["errors"][0]["extensions"]["code"].as_str() {
                limited = Some(code.to_string());
                break;
            }
        }
        assert_eq!(limited.as_deref(), Some("RATE_LIMITED"), "{}", server.backend);
    }
}

#[test]
fn forwarding_without_a_connection_says_so() {
    let server = start("sqlite", Backends::default());
    let made = server.as_user(
        "petugas_layanan@bulukumba",
        RECORD,
        json!({ "i": { "channel": "KOTAK_SARAN", "text": "Kursi ruang tunggu kurang." } }),
    );
    let id = made["recordComplaint"]["id"].clone();
    let (code, error) = server.error_as("petugas_layanan@bulukumba", FORWARD, json!({ "id": id }));
    assert_eq!(code, "REFUSED");
    assert!(error["message"].as_str().unwrap_or_default().contains("belum dipasang"), "{error}");
}

/// In a browser without JavaScript: a member of the public finds an office by its province; writes from the
/// office's page, gets a code; the
/// officer finds it in the list, assigns it to herself and answers; the public page shows the answer by the code.
#[test]
fn a_complaint_goes_from_the_public_form_to_the_officers_answer_in_a_browser_without_javascript() {
    let server: Server = start("sqlite", Backends::default());
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        // From the page itself: the province first, then its offices, not every kabupaten and kota at once.
        browser.go("/pengaduan").await;
        assert!(!browser.has("#isi-pengaduan").await, "no form before an office can be chosen");
        browser.click("#provinsi option[value='73']").await;
        browser.submit_and_wait("#provinsi ~ button", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("Kabupaten Luwu Timur") && page.contains("Dinas Sosial Kabupaten Bulukumba"), "{page}");
        assert!(!page.contains("Kabupaten Bangka") && browser.has("#isi-pengaduan").await, "{page}");
        browser.screenshot("pengaduan-provinsi").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        // From the office's page: its province's offices, the office chosen.
        browser.go("/t/bulukumba").await;
        browser.click_link("Sampaikan pengaduan").await;
        browser.wait_for("#isi-pengaduan").await;
        browser.fill("#nama", "Siti Aminah").await;
        browser.fill("#isi-pengaduan", "Bantuan untuk ibu saya belum ada kabarnya sejak bulan lalu.").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.submit_and_wait("form[action='/pengaduan'][method='post'] button[type='submit']", false).await;
        let text = browser.main_text().await;
        let code = text.split_whitespace().find(|w| w.starts_with("ADU-")).expect("a code on the page").to_string();
        assert!(text.contains("Dinas Sosial Kabupaten Bulukumba") && text.contains("Diterima"), "{text}");
        browser.screenshot("pengaduan-publik").await;

        browser.sign_in("petugas_layanan@bulukumba").await;
        browser.click_link("Pengaduan").await;
        browser.wait_for("table").await;
        browser.click_link(&code).await;
        browser.wait_for("#petugas").await;
        browser.submit_and_wait("form input[value='tugaskan'] ~ p button", false).await;
        let page = browser.main_text().await;
        assert!(
            page.contains("Pengaduan ditugaskan.") && page.contains("Petugas Layanan (front office)"),
            "herself: {page}"
        );
        browser.fill("#jawaban", "Data ibu Anda sedang kami periksa; kami hubungi dalam tiga hari.").await;
        browser.submit_and_wait("form input[value='jawab'] ~ p button", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("Sudah dijawab") && page.contains("Dijawab"), "{page}");
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.screenshot("pengaduan-petugas").await;
        browser.click_link("« Semua pengaduan").await;
        browser.wait_for("#unduh").await;
        assert!(browser.barriers().await.is_empty(), "the list: {:?}", browser.barriers().await);
        browser.sign_out().await;

        browser.go(&format!("/pengaduan?kode={}", code.to_lowercase())).await;
        let page = browser.main_text().await;
        assert!(page.contains("Data ibu Anda sedang kami periksa") && page.contains("Sudah dijawab"), "{page}");
        browser.client.clone().close().await.expect("browser closes");
    });
}
