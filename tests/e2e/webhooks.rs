//! Webhooks end to end: an admin registers endpoints through GraphQL; a receiver that checks every signature
//! sees every event of an application exactly once after deduplication by event id, in the order of the
//! application's history — through failures, retries, a crash and restart of the server, and a replay.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::flows::{Flow, form};
use super::server::{Server, servers};

const SECRET: &str = "rahasia-bersama-desa-1234";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    event_id: String,
    body: Value,
}

/// A webhook endpoint as an integrator would write one: checks the signature and the timestamp, answers 200 —
/// or 503 while it is "down", or 500 for the first few requests.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    down: Arc<AtomicBool>,
    bad_signatures: Arc<AtomicUsize>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn signature_ok(secret: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let Some(Ok(expected)) = header.strip_prefix("sha256=").map(hex::decode) else { return false };
    let fresh = timestamp.parse::<i64>().is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() <= 300);
    fresh && mac.verify_slice(&expected).is_ok()
}

impl Receiver {
    fn start(fail_first: usize) -> Receiver {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("receiver"));
        let url = format!("http://{}", server.server_addr().to_ip().expect("ip address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let down = Arc::new(AtomicBool::new(false));
        let bad_signatures = Arc::new(AtomicUsize::new(0));
        let failures_left = AtomicUsize::new(fail_first);
        let (srv, rec, dn, bad) = (server.clone(), received.clone(), down.clone(), bad_signatures.clone());
        std::thread::spawn(move || {
            for mut request in srv.incoming_requests() {
                let header = |name: &str| {
                    request
                        .headers()
                        .iter()
                        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                        .map(|h| h.value.as_str().to_string())
                        .unwrap_or_default()
                };
                let (timestamp, signature, event_id) =
                    (header("x-simpul-timestamp"), header("x-simpul-signature"), header("x-simpul-event-id"));
                let mut body = Vec::new();
                let _ = request.as_reader().read_to_end(&mut body);
                let status = if !signature_ok(SECRET, &timestamp, &body, &signature) {
                    bad.fetch_add(1, Ordering::SeqCst);
                    401
                } else if dn.load(Ordering::SeqCst) {
                    503
                } else if failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                    500
                } else {
                    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let path = request.url().to_string();
                    rec.lock().expect("lock").push(Received { path, event_id, body });
                    200
                };
                let _ = request.respond(tiny_http::Response::empty(status));
            }
        });
        Receiver { url, received, down, bad_signatures, server }
    }

    fn got(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Waits until the receiver has accepted events with `ids` (deduplicated).
    fn wait_for(&self, ids: &BTreeSet<String>, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            let seen: BTreeSet<String> = self.got().into_iter().map(|r| r.event_id).collect();
            if ids.is_subset(&seen) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{what}: the receiver never saw all of {ids:?}; it saw {:?}", self.got());
    }
}

const ADMIN: &str = "admin_dinas@bulukumba";

const DELIVERIES: &str = "query($t: String!, $status: DeliveryStatus) { webhooks(tenant: $t) { id url events
    deliveries(status: $status, first: 500) { id eventId applicationId sequence kind status attemptCount lastError
      attempts { number statusCode error succeeded } } } }";

/// The deliveries of the first (catch-all) endpoint.
fn deliveries(server: &Server, status: Option<&str>) -> Vec<Value> {
    let data = server.as_user(ADMIN, DELIVERIES, json!({ "t": "bulukumba", "status": status }));
    data["webhooks"][0]["deliveries"].as_array().cloned().unwrap_or_default()
}

/// Every event id the server queued for the application, to the catch-all endpoint.
fn queued_ids(server: &Server, application: &str) -> BTreeSet<String> {
    deliveries(server, None)
        .into_iter()
        .filter(|d| d["applicationId"] == application)
        .filter_map(|d| d["eventId"].as_str().map(String::from))
        .collect()
}

/// Waits until the application's `count` action events (sequences 1..=count) are queued.
fn wait_queued(server: &Server, application: &str, count: usize) -> BTreeSet<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let sequences: BTreeSet<i64> = deliveries(server, None)
            .into_iter()
            .filter(|d| d["applicationId"] == application && !d["kind"].as_str().unwrap_or("").starts_with("deadline"))
            .filter_map(|d| d["sequence"].as_i64())
            .collect();
        if sequences.len() >= count {
            return queued_ids(server, application);
        }
        assert!(Instant::now() < deadline, "{}: {count} events never queued, only {sequences:?}", server.backend);
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_receiver_sees_every_event_once_in_order_across_failures_a_restart_and_a_replay() {
    for mut server in servers() {
        let receiver = Receiver::start(2);
        let register = "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { id url events active } }";
        let all = json!({ "tenant": "bulukumba", "url": format!("{}/semua", receiver.url), "secret": SECRET,
            "description": "Sistem informasi desa" });
        let hook = server.as_user(ADMIN, register, json!({ "i": all }))["registerWebhook"].clone();
        assert_eq!(hook["active"], true, "{}: {hook}", server.backend);
        let submitted_only = json!({ "tenant": "bulukumba", "url": format!("{}/pengajuan", receiver.url),
            "secret": SECRET, "events": ["SUBMITTED"] });
        server.as_user(ADMIN, register, json!({ "i": submitted_only }));

        // Three events; the receiver fails the first two requests it gets, so some are retried.
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        flow.walk(&["terima", "lengkap"]);
        let application = flow.app["id"].as_str().expect("id").to_string();
        let ids = wait_queued(&server, &application, 3);
        receiver.wait_for(&ids, "first three");

        // The receiver goes down; two more events fail at least once, then the server crashes.
        receiver.down.store(true, Ordering::SeqCst);
        flow.walk(&["memenuhi", "selesai_disusun"]);
        let ids = wait_queued(&server, &application, 5);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !deliveries(&server, Some("PENDING")).iter().any(|d| d["attemptCount"].as_i64() >= Some(1)) {
            assert!(Instant::now() < deadline, "{}: no failed attempt recorded", server.backend);
            std::thread::sleep(Duration::from_millis(100));
        }
        let (tenant, service, app) = (flow.tenant.clone(), flow.service.clone(), flow.app.clone());
        drop(flow);
        server.restart();
        receiver.down.store(false, Ordering::SeqCst);
        receiver.wait_for(&ids, "the two held while the receiver was down, after the restart");

        // After the restart, new events flow as before.
        let mut flow = Flow { server: &server, tenant, service, app };
        flow.take("sesuai");
        let ids = wait_queued(&server, &application, 6);
        receiver.wait_for(&ids, "the one after the restart");

        // A replay sends an event again with the same id: a duplicate the receiver drops.
        let first = deliveries(&server, Some("DELIVERED"))
            .into_iter()
            .find(|d| d["applicationId"] == application.as_str() && d["sequence"] == 1)
            .expect("the submission's delivery");
        let replay = "mutation($t: String!, $id: ID!) { replayWebhookDelivery(tenant: $t, id: $id) { status } }";
        let replayed = server.as_user(ADMIN, replay, json!({ "t": "bulukumba", "id": first["id"] }));
        assert_eq!(replayed["replayWebhookDelivery"]["status"], "PENDING");
        let deadline = Instant::now() + Duration::from_secs(20);
        while receiver.got().iter().filter(|r| Some(r.event_id.as_str()) == first["eventId"].as_str()).count() < 3 {
            // Twice to the catch-all (first send and replay) and once to the submissions-only endpoint.
            assert!(Instant::now() < deadline, "{}: the replay never arrived", server.backend);
            std::thread::sleep(Duration::from_millis(100));
        }

        // Exactly once after deduplication, in the order of the application's history, all signed.
        let got = receiver.got();
        assert_eq!(receiver.bad_signatures.load(Ordering::SeqCst), 0, "{}: every request is signed", server.backend);
        let mut seen = HashSet::new();
        let sequences: Vec<i64> = got
            .iter()
            .filter(|r| r.path == "/semua" && r.body["applicationId"] == application.as_str())
            .filter(|r| seen.insert(r.event_id.clone()))
            .filter(|r| !r.body["kind"].as_str().unwrap_or("").starts_with("deadline"))
            .map(|r| r.body["sequence"].as_i64().expect("sequence"))
            .collect();
        assert_eq!(sequences, vec![1, 2, 3, 4, 5, 6], "{}: each event once, in order", server.backend);
        assert!(got.iter().all(|r| r.body["id"] == r.event_id.as_str() && r.body["tenant"] == "bulukumba"));
        // The applicant's own numbers, whole (a shorter pattern such as the region prefix also turns up by chance
        // in ids and timestamps).
        let data = form("bulukumba/rekomendasi-sktm");
        for number in [&data["nik"], &data["no_kk"]].into_iter().filter_map(|n| n.as_str()) {
            assert!(got.iter().all(|r| !r.body.to_string().contains(number)), "no NIK or No. KK in any body");
        }
        let submissions: Vec<&Received> = got.iter().filter(|r| r.path == "/pengajuan").collect();
        assert_eq!(submissions.len(), 1, "{}: the filtered endpoint gets submissions only", server.backend);
        assert_eq!(submissions[0].body["kind"], "submitted");

        // Every attempt is recorded: the failures with their status, then the success.
        let retried = deliveries(&server, Some("DELIVERED"))
            .into_iter()
            .filter(|d| d["attemptCount"].as_i64() > Some(1))
            .collect::<Vec<_>>();
        assert!(!retried.is_empty(), "{}: some deliveries were retried", server.backend);
        for d in &retried {
            let attempts = d["attempts"].as_array().expect("attempts");
            let numbers: Vec<i64> = attempts.iter().filter_map(|a| a["number"].as_i64()).collect();
            assert_eq!(numbers, (1..=d["attemptCount"].as_i64().expect("count")).collect::<Vec<_>>());
            let first_success = attempts.iter().position(|a| a["succeeded"] == true).expect("a success");
            assert!(first_success > 0 || d["id"] == first["id"], "{d}");
            assert!(
                attempts[..first_success].iter().all(|a| a["statusCode"] == 500
                    || a["statusCode"] == 503
                    || a["error"].as_str().is_some_and(|e| !e.is_empty())),
                "{d}"
            );
            assert_eq!(attempts[attempts.len() - 1]["succeeded"], true, "{d}");
        }
    }
}

#[test]
fn registering_an_endpoint_checks_what_the_admin_typed_and_is_for_admins_only() {
    let server = servers().into_iter().next().expect("a server");
    let register = "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { id } }";
    let input = |url: &str, secret: &str, events: Value| json!({ "i": { "tenant": "bulukumba", "url": url, "secret": secret, "events": events } });
    for (variables, field, words) in [
        (input("ftp://desa.example/x", SECRET, json!([])), "url", "https://"),
        (input("https://desa.example/x", "pendek", json!([])), "secret", "16"),
    ] {
        let (code, error) = server.error_as(ADMIN, register, variables);
        assert_eq!(code, "VALIDATION", "{error}");
        assert_eq!(super::server::field_paths(&error), [field], "{error}");
        assert!(error["message"].as_str().unwrap_or_default().contains(words), "{error}");
    }
    // Event kinds are an enum of the schema: an unknown one is refused before anything runs.
    let (code, error) = server.error_as(ADMIN, register, input("https://desa.example/x", SECRET, json!(["DIBAYAR"])));
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED", "{error}");
    assert!(error["message"].as_str().unwrap_or_default().contains("DIBAYAR"), "{error}");
    let (code, _) =
        server.error_as("petugas_layanan@bulukumba", register, input("https://desa.example/x", SECRET, json!([])));
    assert_eq!(code, "FORBIDDEN", "officers cannot register endpoints");
    let (code, _) = server.error_as(
        "admin_dinas@bangka",
        register,
        json!({ "i": { "tenant": "bulukumba", "url": "https://desa.example/x", "secret": SECRET } }),
    );
    assert_eq!(code, "FORBIDDEN", "another office's admin cannot either");
    let data = server.as_user(ADMIN, "query { webhooks(tenant: \"bulukumba\") { id } }", json!({}));
    assert_eq!(data["webhooks"], json!([]), "nothing was saved");
}
