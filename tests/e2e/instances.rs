//! Two `simpul serve` processes on one PostgreSQL and one Redis, as behind a load balancer: a subscriber on one
//! hears an action done through the other, a definition published through one is served by the other, and the
//! login throttle counts failures made on either.
//!
//! Needs `TEST_DATABASE_URL` and `TEST_REDIS_URL` (CI sets both).

use std::time::Duration;

use serde_json::json;

use super::flows::{Flow, form};
use super::server::{Backends, RedisTarget, Server, drop_database, fresh_database, start, test_redis, uuid_like};
use super::subscriptions::{open, read, send};

/// Two instances of one deployment; the database is dropped with the guard.
struct Deployment {
    a: Server,
    b: Server,
    database: (String, String),
}

impl Drop for Deployment {
    fn drop(&mut self) {
        drop_database(&self.database.0, &self.database.1);
    }
}

fn deployment() -> Option<Deployment> {
    let Some(redis) = test_redis() else {
        eprintln!("TEST_REDIS_URL not set: two-instance test skipped");
        return None;
    };
    let Some((admin, name, url)) = fresh_database() else {
        eprintln!("TEST_DATABASE_URL not set: two-instance test skipped");
        return None;
    };
    let target = RedisTarget { url: redis, prefix: format!("simpul-e2e-{}", uuid_like()) };
    let backends = Backends { database_url: Some(url), s3: None, redis: Some(target), env: Vec::new() };
    let a = start("instance-a", backends.clone());
    let b = start("instance-b", backends);
    a.wait_for_redis();
    b.wait_for_redis();
    Some(Deployment { a, b, database: (admin, name) })
}

#[test]
fn two_instances_share_subscriptions_definitions_and_the_login_throttle() {
    let Some(d) = deployment() else { return };

    // A subscriber on A hears what is done through B.
    let mut socket = open(&d.a, "petugas_layanan@bulukumba");
    let query = "subscription { applicationEvents { tenant kind version } }";
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }));
    std::thread::sleep(Duration::from_millis(300));
    let mut flow = Flow::submit(&d.b, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    flow.take("terima");
    let first = read(&mut socket);
    assert_eq!(
        first["payload"]["data"]["applicationEvents"],
        json!({ "tenant": "bulukumba", "kind": "SUBMITTED", "version": 1 }),
        "{first}"
    );
    let second = read(&mut socket);
    assert_eq!(second["payload"]["data"]["applicationEvents"]["kind"], "ACTION_TAKEN", "{second}");

    // A definition published through A is served by B, although B has the published version in its cache.
    let query =
        "{ service(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { version steps { actions { label } } } }";
    assert_eq!(d.b.raw(None, query, json!({}))["data"]["service"]["version"], 1);
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("service-definitions/bulukumba/services/rekomendasi-sktm.yaml"),
    )
    .expect("shipped YAML");
    let changed = shipped.replace("label: Berkas diterima,", "label: Berkas diterima di loket,");
    let save = "mutation($y: String!) { saveServiceDraft(tenant: \"bulukumba\", code: \"rekomendasi-sktm\", yaml: $y) { version { id } } }";
    let draft =
        d.a.as_user("admin_dinas@bulukumba", save, json!({ "y": changed }))["saveServiceDraft"]["version"]["id"]
            .clone();
    // Reviewed by another admin (the province's four-eyes rule), then published.
    let submit = "mutation($id: ID!) { submitServiceVersionForReview(tenant: \"bulukumba\", id: $id) { status } }";
    d.a.as_user("admin_dinas@bulukumba", submit, json!({ "id": draft }));
    let approve =
        "mutation($id: ID!) { reviewServiceVersion(tenant: \"bulukumba\", id: $id, decision: APPROVE) { status } }";
    d.a.as_user("admin@73", approve, json!({ "id": draft }));
    let publish = "mutation($id: ID!) { publishServiceVersion(tenant: \"bulukumba\", id: $id) { status } }";
    d.a.as_user("admin_dinas@bulukumba", publish, json!({ "id": draft }));
    // The notice reaches B through Redis within moments (its cache would otherwise hold version 1 for 30 s).
    let mut served = d.b.raw(None, query, json!({}));
    for _ in 0..20 {
        if served["data"]["service"]["version"] == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        served = d.b.raw(None, query, json!({}));
    }
    assert_eq!(served["data"]["service"]["version"], 2, "{served}");
    assert!(served.to_string().contains("Berkas diterima di loket"));

    // A letter template saved through A prints on B's next letter (B had the shipped one in hand).
    let printed = |server: &Server| {
        super::letter_templates::text_of(&super::letter_templates::sample_letter(server, "admin_dinas@bulukumba"))
    };
    assert!(!printed(&d.b).contains("Templat dari instans A"));
    let read = "{ letterTemplate(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\") { source } }";
    let source = d.a.as_user("admin_dinas@bulukumba", read, json!({}))["letterTemplate"]["source"]
        .as_str()
        .expect("source")
        .to_string();
    let save = "mutation($s: String!) { saveLetterTemplate(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\", source: $s) { version } }";
    let changed = source.replacen("{{> tanda_tangan", "Templat dari instans A.\n\n{{> tanda_tangan", 1);
    let saved = d.a.as_user("admin_dinas@bulukumba", save, json!({ "s": changed }));
    assert_eq!(saved["saveLetterTemplate"]["version"], 2, "{saved}");
    let mut text = printed(&d.b);
    for _ in 0..20 {
        if text.contains("Templat dari instans A") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        text = printed(&d.b);
    }
    assert!(text.contains("Templat dari instans A"), "{text}");

    // The same idempotency key sent to both at once: one application.
    let submit = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }";
    let input = json!({ "input": { "tenant": "bulukumba", "service": "rekomendasi-sktm",
        "data": form("bulukumba/rekomendasi-sktm"), "idempotencyKey": "desa-malili-0042" } });
    d.a.login("petugas_layanan@bulukumba");
    d.b.login("petugas_layanan@bulukumba");
    let ids: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let server = if i % 2 == 0 { &d.a } else { &d.b };
                let input = input.clone();
                scope.spawn(move || {
                    server.as_user("petugas_layanan@bulukumba", submit, input)["submitApplication"]["id"]
                        .as_str()
                        .expect("id")
                        .to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "one application for one key: {ids:?}");

    // Five failures through A, then B refuses the sixth attempt — even with the right password.
    let login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }";
    for _ in 0..5 {
        let response = d.a.raw(None, login, json!({ "u": "kabid@bulukumba", "p": "salah" }));
        assert_eq!(response["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }
    let response = d.b.raw(None, login, json!({ "u": "kabid@bulukumba", "p": "demo" }));
    assert_eq!(response["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{response}");
}
