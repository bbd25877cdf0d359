//! Messages to applicants end to end: the real server sends e-mail to a real SMTP server (aiosmtpd, which
//! `.ci/run` starts with a Maildir) and WhatsApp and SMS to a local HTTP receiver that speaks Fonnte's format and
//! a generic JSON one and checks every request. Each message goes once per moment, channel and recipient, only
//! with the applicant's consent, never with a NIK; a failing gateway is retried with backoff and every attempt is
//! visible to officers; a message given up is sent again by an officer; Luwu Timur's WhatsApp message carries the
//! letter's download and verification links, which work.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::flows::{BULUKUMBA_TO_END, Flow, form};
use super::server::{Server, servers_with};

const FONNTE_TOKEN: &str = "fonnte-token-uji";
const SMS_TOKEN: &str = "sms-token-uji";

/// The real SMTP server of the tests: its port and the Maildir its handler writes each message to.
struct Mailbox {
    port: String,
    dir: std::path::PathBuf,
}

impl Mailbox {
    /// The server `.ci/run` started (`TEST_SMTP_PORT`, `TEST_SMTP_MAILDIR`); without it the test skips with a
    /// message, except under CI, where it fails.
    fn from_env() -> Option<Mailbox> {
        let port = std::env::var("TEST_SMTP_PORT").ok().filter(|p| !p.is_empty());
        let dir = std::env::var("TEST_SMTP_MAILDIR").ok().filter(|d| !d.is_empty());
        match (port, dir) {
            (Some(port), Some(dir)) => Some(Mailbox { port, dir: dir.into() }),
            _ if std::env::var_os("SIMPUL_CI").is_some() => panic!("CI must start the SMTP server (TEST_SMTP_PORT)"),
            _ => {
                eprintln!(
                    "skipped: no SMTP server; start one with `python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c \
                     aiosmtpd.handlers.Mailbox /tmp/maildir` and set TEST_SMTP_PORT=2525 TEST_SMTP_MAILDIR=/tmp/maildir"
                );
                None
            }
        }
    }

    /// Every message delivered to `to`, as raw text.
    fn to(&self, to: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else { return Vec::new() };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .filter(|m| m.lines().any(|l| l.eq_ignore_ascii_case(&format!("To: {to}"))))
            .collect()
    }
}

/// One request the gateway receiver accepted.
#[derive(Debug, Clone)]
struct Sent {
    path: String,
    to: String,
    message: String,
}

/// A gateway as Fonnte (`/send`) and a generic JSON gateway (`/sms`) answer: it checks the token and the fields
/// of every request, refuses the first `fail_first` requests to each number, and records the rest.
struct Gateway {
    url: String,
    sent: Arc<Mutex<Vec<Sent>>>,
    problems: Arc<Mutex<Vec<String>>>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl Gateway {
    fn start(fail_first: HashMap<String, usize>) -> Gateway {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("gateway"));
        let url = format!("http://{}", server.server_addr().to_ip().expect("ip address"));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let problems = Arc::new(Mutex::new(Vec::new()));
        let (srv, rec, bad) = (server.clone(), sent.clone(), problems.clone());
        std::thread::spawn(move || {
            let mut refusals = fail_first;
            for mut request in srv.incoming_requests() {
                let header = |name: &str| {
                    request
                        .headers()
                        .iter()
                        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                        .map(|h| h.value.as_str().to_string())
                        .unwrap_or_default()
                };
                let (auth, kind, once) = (header("authorization"), header("content-type"), header("idempotency-key"));
                let path = request.url().to_string();
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let parsed = match path.as_str() {
                    "/send" => {
                        let fields: HashMap<String, String> =
                            form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                        let ok = auth == FONNTE_TOKEN
                            && kind.starts_with("application/x-www-form-urlencoded")
                            && fields.get("countryCode").map(String::as_str) == Some("62");
                        ok.then(|| (fields.get("target").cloned(), fields.get("message").cloned()))
                    }
                    "/sms" => {
                        let json: Value = serde_json::from_str(&body).unwrap_or_default();
                        let ok =
                            auth == format!("Bearer {SMS_TOKEN}") && kind == "application/json" && uuid_like(&once);
                        ok.then(|| (json["to"].as_str().map(String::from), json["message"].as_str().map(String::from)))
                    }
                    _ => None,
                };
                let Some((Some(to), Some(message))) = parsed else {
                    bad.lock().expect("problems").push(format!("{path}: {auth} {kind} {body}"));
                    let _ = request.respond(tiny_http::Response::from_string("bad request").with_status_code(400));
                    continue;
                };
                let refuse = refusals.get_mut(&to).is_some_and(|left| {
                    let refused = *left > 0;
                    *left = left.saturating_sub(1);
                    refused
                });
                let (status, answer) = match (path.as_str(), refuse) {
                    ("/send", true) => (200, json!({ "status": false, "reason": "device disconnected" })),
                    ("/send", false) => (200, json!({ "status": true, "id": ["80367170"], "process": "pending" })),
                    (_, true) => (503, json!({ "error": "antrean penuh" })),
                    (_, false) => (200, json!({ "id": "sms-1" })),
                };
                if !refuse {
                    rec.lock().expect("sent").push(Sent { path: path.clone(), to, message });
                }
                let _ = request.respond(tiny_http::Response::from_string(answer.to_string()).with_status_code(status));
            }
        });
        Gateway { url, sent, problems, server }
    }

    fn to(&self, path: &str, to: &str) -> Vec<String> {
        self.sent
            .lock()
            .expect("sent")
            .iter()
            .filter(|s| s.path == path && s.to == to)
            .map(|s| s.message.clone())
            .collect()
    }
}

const MESSAGES: &str = "query($t: String!, $id: ID!) { application(tenant: $t, id: $id) { trackingCode
    notifications { id moment channel recipient recipientKind status text lastError
                    attempts { number succeeded error reply } } } }";

/// The application's messages once `expected` are queued and none is pending any more (30 s at most): the
/// dispatcher queues a moment's messages a little after its event.
fn settled(server: &Server, user: &str, tenant: &str, id: &str, expected: usize) -> Value {
    let started = Instant::now();
    loop {
        let app = server.as_user(user, MESSAGES, json!({ "t": tenant, "id": id }))["application"].clone();
        let messages = app["notifications"].as_array().cloned().unwrap_or_default();
        if messages.len() >= expected && messages.iter().all(|m| m["status"] != "PENDING") {
            return app;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{}: messages still pending: {app}", server.backend);
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether `text` is a UUID as the server writes one (the generic gateway's `Idempotency-Key`).
fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-') && text.matches('-').count() == 4
}

/// Whether a run of 16 digits stands outside the links (a signed link's hex signature may hold one).
fn sixteen_digits(text: &str) -> bool {
    text.split_whitespace()
        .filter(|word| !word.contains("://"))
        .any(|word| word.chars().collect::<Vec<_>>().windows(16).any(|w| w.iter().all(char::is_ascii_digit)))
}

fn with(mut data: Value, more: Value) -> Value {
    for (k, v) in more.as_object().expect("object") {
        data[k] = v.clone();
    }
    data
}

#[test]
fn applicants_hear_of_their_applications_once_per_moment_and_channel_and_only_with_their_consent() {
    let Some(mail) = Mailbox::from_env() else { return };
    // Numbers per backend: the receiver is shared by the servers.
    let phone = |i: usize, n: usize| format!("08131{i}{n:06}");
    let mut refusals = HashMap::new();
    for i in 0..2 {
        refusals.insert(phone(i, 1), 2); // Bulukumba's WhatsApp: two refusals, then accepted.
        refusals.insert(format!("62{}", &phone(i, 2)[1..]), 3); // Tebing Tinggi's SMS: refused until given up.
    }
    let gateway = Gateway::start(refusals);
    let env: Vec<(String, String)> = [
        ("SIMPUL_SMTP_URL", format!("smtp://127.0.0.1:{}", mail.port)),
        ("SIMPUL_MAIL_FROM", String::from("noreply@simpul.test")),
        ("SIMPUL_WHATSAPP_GATEWAY", String::from("fonnte")),
        ("SIMPUL_WHATSAPP_URL", format!("{}/send", gateway.url)),
        ("SIMPUL_WHATSAPP_TOKEN", String::from(FONNTE_TOKEN)),
        ("SIMPUL_SMS_GATEWAY", String::from("generic")),
        ("SIMPUL_SMS_URL", format!("{}/sms", gateway.url)),
        ("SIMPUL_SMS_TOKEN", String::from(SMS_TOKEN)),
        ("SIMPUL_NOTIFY_RETRY_BASE_MS", String::from("200")),
        ("SIMPUL_NOTIFY_MAX_ATTEMPTS", String::from("3")),
        ("SIMPUL_NOTIFY_POLL_MS", String::from("100")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (i, server) in servers_with(&env).iter().enumerate() {
        // Unique, and without digits: a run of sixteen in the address (hex of a clock can hold one) would look
        // like a NIK to the check below.
        let unique: String = super::server::uuid_like()
            .chars()
            .map(|c| c.to_digit(10).map_or(c, |d| char::from(b'g' + d as u8)))
            .collect();
        let email = format!("siti.{unique}.{i}@contoh.id");
        let bulukumba = form("bulukumba/rekomendasi-sktm");
        let nik = bulukumba["nik"].as_str().expect("nik").to_string();

        // Without consent nothing is sent, though the form has a number and an address.
        let silent =
            with(bulukumba.clone(), json!({ "telepon": phone(i, 9), "email": email, "setuju_dihubungi": false }));
        let silent = Flow::submit(server, "bulukumba", "rekomendasi-sktm", silent, json!([]));

        let agreed = with(bulukumba, json!({ "telepon": phone(i, 1), "email": email, "setuju_dihubungi": true }));
        let mut flow = Flow::submit(server, "bulukumba", "rekomendasi-sktm", agreed, json!([]));
        flow.walk(BULUKUMBA_TO_END);
        let id = flow.app["id"].as_str().expect("id").to_string();
        let app = settled(server, "petugas_layanan@bulukumba", "bulukumba", &id, 4);
        let code = app["trackingCode"].as_str().expect("code").to_string();
        let messages = app["notifications"].as_array().expect("messages");
        let mut seen: Vec<(String, String)> =
            messages.iter().map(|m| (m["moment"].to_string(), m["channel"].to_string())).collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("\"ENDED\"", "\"EMAIL\""),
                ("\"ENDED\"", "\"WHATSAPP\""),
                ("\"RECEIVED\"", "\"EMAIL\""),
                ("\"RECEIVED\"", "\"WHATSAPP\"")
            ]
            .map(|(m, c)| (m.to_string(), c.to_string())),
            "{}: one message per moment and channel: {app}",
            server.backend
        );
        assert!(messages.iter().all(|m| m["status"] == "SENT" && m["recipientKind"] == "APPLICANT"), "{app}");
        let first_whatsapp =
            messages.iter().find(|m| m["moment"] == "RECEIVED" && m["channel"] == "WHATSAPP").expect("WhatsApp");
        let attempts: Vec<(bool, String)> = first_whatsapp["attempts"]
            .as_array()
            .expect("attempts")
            .iter()
            .map(|a| (a["succeeded"] == true, a["error"].as_str().unwrap_or_default().to_string()))
            .collect();
        assert_eq!(
            attempts,
            vec![
                (false, String::from("Fonnte menolak: device disconnected")),
                (false, String::from("Fonnte menolak: device disconnected")),
                (true, String::new())
            ],
            "{}: retried after each refusal, every attempt kept",
            server.backend
        );

        // What arrived: each message once, the tracking code in it, never the NIK.
        let mails = mail.to(&email);
        assert_eq!(mails.len(), 2, "{}: two e-mails (diterima, selesai): {mails:#?}", server.backend);
        let whatsapps = gateway.to("/send", &phone(i, 1));
        assert_eq!(whatsapps.len(), 2, "{}: two WhatsApp messages: {whatsapps:#?}", server.backend);
        for text in mails.iter().chain(&whatsapps) {
            assert!(text.contains(&code) && !text.contains(&nik) && !sixteen_digits(text), "{text}");
        }
        assert!(mails.iter().any(|m| m.contains("Dinas Sosial Kabupaten Bulukumba") && m.contains("From:")));
        // Each e-mail's Message-ID is its message's id, the same in every attempt.
        for m in &mails {
            let id = m.lines().find_map(|l| l.strip_prefix("Message-ID: <")).and_then(|l| l.strip_suffix("@simpul>"));
            assert!(id.is_some_and(uuid_like), "{m}");
        }
        let ended = whatsapps.iter().find(|m| m.contains("telah selesai")).expect("the ending message");
        assert!(ended.contains("/v/"), "the letter's verification link: {ended}");
        let survey = ended
            .split_whitespace()
            .find(|w| w.contains("/lacak/survei?token="))
            .expect("a survey link in the ending message");
        let page = ureq::get(survey).call().expect("survey page").body_mut().read_to_string().expect("html");
        assert!(page.contains("name=\"u9\""), "the questionnaire from the message's link: {page}");
        assert!(gateway.to("/send", &phone(i, 9)).is_empty(), "no consent, no message");
        let silent_id = silent.app["id"].as_str().expect("id");
        let none = server.as_user("petugas_layanan@bulukumba", MESSAGES, json!({ "t": "bulukumba", "id": silent_id }));
        assert_eq!(none["application"]["notifications"], json!([]), "{}", server.backend);

        // Tebing Tinggi: WhatsApp through Fonnte and SMS through the generic gateway, in the international form;
        // the SMS is refused until given up, then an officer sends it again.
        let tebing = with(
            form("tebing-tinggi/surat-keterangan-dtks"),
            json!({ "telepon": phone(i, 2), "setuju_dihubungi": true }),
        );
        let flow = Flow::submit(server, "tebing-tinggi", "surat-keterangan-dtks", tebing, json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        let app = settled(server, "front_office@tebing-tinggi", "tebing-tinggi", &id, 2);
        let sms = app["notifications"]
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["channel"] == "SMS")
            .expect("SMS")
            .clone();
        assert_eq!(sms["status"], "FAILED", "{app}");
        assert_eq!(sms["attempts"].as_array().map(Vec::len), Some(3), "given up after three attempts: {sms}");
        assert!(sms["lastError"].as_str().unwrap_or_default().contains("503"), "{sms}");
        // A role without personal-data rights sees the number masked and not the text.
        let masked = server.as_user("sekretaris@tebing-tinggi", MESSAGES, json!({ "t": "tebing-tinggi", "id": id }));
        let seen = &masked["application"]["notifications"][0];
        assert!(seen["recipient"].as_str().unwrap_or_default().contains("****") && seen["text"].is_null(), "{seen}");
        // The officer sees it on the application's page in the console and sends it again from there.
        let (agent, cookie) = super::console::console_session(server, "front_office@tebing-tinggi");
        let base = format!("http://{}", server.address);
        let page = agent
            .get(&format!("{base}/permohonan/{id}"))
            .header("Cookie", &cookie)
            .call()
            .expect("page")
            .into_body()
            .read_to_string()
            .expect("html");
        assert!(page.contains("Pemberitahuan") && page.contains("gagal, tidak dicoba lagi"), "{page}");
        let action = format!("/permohonan/{id}/pemberitahuan/{}", sms["id"].as_str().expect("id"));
        let form = page.split(&format!("action=\"{action}\"")).nth(1).expect("a resend form");
        let csrf = form.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("csrf");
        let resent = agent
            .post(&format!("{base}{action}"))
            .header("Cookie", &cookie)
            .content_type("application/x-www-form-urlencoded")
            .send(format!("csrf={csrf}"))
            .expect("resent");
        assert_eq!(resent.status(), 303, "back to the application");
        let app = settled(server, "front_office@tebing-tinggi", "tebing-tinggi", &id, 2);
        let sms = app["notifications"]
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["channel"] == "SMS")
            .expect("SMS")
            .clone();
        assert_eq!(
            (sms["status"].as_str(), sms["attempts"].as_array().map(Vec::len)),
            (Some("SENT"), Some(4)),
            "{sms}"
        );
        let international = format!("62{}", &phone(i, 2)[1..]);
        assert_eq!(gateway.to("/sms", &international).len(), 1, "the SMS arrived once");
        assert_eq!(gateway.to("/send", &phone(i, 2)).len(), 1, "the WhatsApp message arrived once");
    }
    assert!(gateway.problems.lock().expect("problems").is_empty(), "malformed requests: {:?}", gateway.problems);
}

#[test]
fn luwu_timur_sends_the_letter_by_whatsapp_with_a_download_link_that_works() {
    let gateway = Gateway::start(HashMap::new());
    let env: Vec<(String, String)> = [
        ("SIMPUL_WHATSAPP_GATEWAY", String::from("fonnte")),
        ("SIMPUL_WHATSAPP_URL", format!("{}/send", gateway.url)),
        ("SIMPUL_WHATSAPP_TOKEN", String::from(FONNTE_TOKEN)),
        ("SIMPUL_NOTIFY_POLL_MS", String::from("100")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (i, mut server) in servers_with(&env).into_iter().enumerate() {
        let number = format!("08577{i}{:06}", 1);
        let data = with(form("luwu-timur/surat-keterangan-dtks"), json!({ "nomor_whatsapp": number }));
        let facts = json!([{ "fact": "dtks_terdaftar", "value": true }]);
        // The village operator submits online; a copy of each message goes to the number on their account.
        let operator_phone = format!("08588{i}{:06}", 2);
        let (_, operator) = server.login("operator_desa@luwu-timur");
        server.as_user(
            "admin_dinas@luwu-timur",
            "mutation($u: ID!, $p: String) { setUserContact(userId: $u, phone: $p) { phone } }",
            json!({ "u": operator, "p": operator_phone }),
        );
        let online = json!({ "channel": "DARING" });
        let submitted = Flow::submit_with(&server, "luwu-timur", "surat-keterangan-dtks", data, facts, online);
        let (service, app) = (submitted.service.clone(), submitted.app.clone());
        // Killed (kill -9) with the submission committed and its message perhaps queued, perhaps sent: after the
        // restart it is sent, once.
        server.restart();
        let mut flow = Flow { server: &server, tenant: String::from("luwu-timur"), service, app };
        flow.walk(&["lengkap", "ajukan", "tandatangani", "dikirim_whatsapp"]);
        let id = flow.app["id"].as_str().expect("id").to_string();
        let app = settled(&server, "petugas_linjamsos@luwu-timur", "luwu-timur", &id, 4);
        let operators = app["notifications"]
            .as_array()
            .expect("messages")
            .iter()
            .filter(|m| m["recipientKind"] == "OPERATOR")
            .count();
        assert_eq!(operators, 2, "the operator's copies: {app}");
        assert_eq!(gateway.to("/send", &operator_phone).len(), 2, "{}: the operator got both: {app}", server.backend);
        assert!(app["notifications"].as_array().expect("messages").iter().all(|m| m["status"] == "SENT"), "{app}");
        let messages = gateway.to("/send", &number);
        assert_eq!(
            messages.len(),
            2,
            "{}: diterima and selesai, each once across the kill: {messages:#?}",
            server.backend
        );
        let letter = messages.iter().find(|m| m.contains("Unduh")).expect("the letter's message");
        let link = |marker: &str| {
            letter
                .split_whitespace()
                .find(|w| w.contains(marker))
                .map(|w| w.trim_end_matches([')', ';', '.']))
                .map(String::from)
        };
        // The line after "Unduh …:" — the server's signed route, or a presigned URL of the S3 store.
        let download = letter
            .lines()
            .find(|l| l.starts_with("Unduh"))
            .and_then(|l| l.split_whitespace().find(|w| w.starts_with("http")))
            .map(String::from)
            .expect("a download link");
        let pdf = ureq::get(&download).call().expect("the letter downloads").body_mut().read_to_vec().expect("bytes");
        assert!(pdf.starts_with(b"%PDF"), "{}: the signed letter", server.backend);
        let verify = link("/v/").expect("a verification link");
        let page = ureq::get(&verify).call().expect("verification page").body_mut().read_to_string().expect("html");
        assert!(page.contains("Surat asli dan sah."), "{}: {page}", server.backend);
    }
}
