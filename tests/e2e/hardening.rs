//! Hostile requests, tried as an outside tester would: a fragment bomb, deep expressions in a draft, bursts of
//! logins, guessed NIKs, oversized uploads, and the HTTP answers themselves (headers, GraphQL over HTTP,
//! introspection, the schema). Each is refused plainly, changes nothing, and leaves the server serving.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::documents::pdf;
use super::flows::{Flow, form};
use super::server::{Server, servers};

/// An HTTP answer: status, headers by lower-case name, body.
pub struct Answer {
    pub status: u16,
    pub headers: std::collections::HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or_default()
    }
}

/// Sends a request and returns the answer whatever its status.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut request = http_request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(body.map(<[u8]>::to_vec).unwrap_or_default()).expect("request");
    let mut response = agent.run(request).expect("HTTP");
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    Answer { status: response.status().as_u16(), headers, body: response.body_mut().read_to_vec().expect("body") }
}

/// Posts `body` over a plain socket and returns the status, reading the answer while the body is still being
/// written: a server that refuses an oversized body answers before reading it all, and closes the connection.
fn post_status(address: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let mut head = format!("POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut writer = stream.try_clone().expect("clone");
    let body = body.to_vec();
    let written = std::thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(&body));
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend(&buffer[..n]),
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = written.join();
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no answer: {text}"))
}

fn http_request(method: &str, url: &str) -> ureq::http::request::Builder {
    ureq::http::Request::builder().method(method).uri(url)
}

fn graphql_url(server: &Server) -> String {
    format!("http://{}/graphql", server.address)
}

/// A chain of `levels` fragments, each spreading the next twice: 2^levels fields once expanded, in 1 KB.
fn fragment_chain(levels: usize) -> String {
    let mut query = String::from("query { ...F0 }\n");
    for i in 0..levels {
        query.push_str(&format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1));
    }
    query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
    query
}

#[test]
fn a_fragment_bomb_is_refused_at_once_and_the_server_keeps_answering() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    let bomb = json!({ "query": fragment_chain(22) }).to_string();
    let url = graphql_url(&server);
    let health = format!("http://{}/healthz", server.address);
    // Two clients send bombs one after another for as long as /healthz is measured.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let in_flight: Vec<_> = (0..2)
        .map(|_| {
            let (url, bomb, done) = (url.clone(), bomb.clone(), done.clone());
            std::thread::spawn(move || {
                let mut slowest = Duration::ZERO;
                let mut sent = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) || sent == 0 {
                    let started = Instant::now();
                    let answer = send("POST", &url, &[("content-type", "application/json")], Some(bomb.as_bytes()));
                    slowest = slowest.max(started.elapsed());
                    sent += 1;
                    let error = &answer.json()["errors"][0];
                    assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{error}");
                    assert!(error["message"].as_str().is_some_and(|m| m.contains("4194304")), "{error}");
                }
                slowest
            })
        })
        .collect();
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let started = Instant::now();
            assert_eq!(send("GET", &health, &[], None).status, 200);
            let took = started.elapsed();
            std::thread::sleep(Duration::from_millis(20));
            took
        })
        .collect();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for thread in in_flight {
        let slowest = thread.join().expect("thread");
        assert!(slowest < Duration::from_secs(1), "every bomb refused within a second; slowest {slowest:?}");
    }
    // The median, so that one scheduling hiccup of a loaded test machine does not decide.
    times.sort();
    assert!(times[times.len() / 2] < Duration::from_millis(100), "/healthz answered in {times:?}");
}

#[test]
fn a_fragment_bomb_over_a_websocket_is_refused_too() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    let mut socket = super::subscriptions::open(&server, "petugas_layanan@bulukumba");
    let bomb = fragment_chain(22).replacen("query {", "subscription {", 1).replace("on Query", "on SubscriptionRoot");
    let started = Instant::now();
    super::subscriptions::send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": bomb } }));
    let answer = super::subscriptions::read(&mut socket);
    assert!(started.elapsed() < Duration::from_secs(1), "refused in {:?}", started.elapsed());
    // async-graphql answers a refused subscription with one result carrying the error.
    assert_eq!(answer["payload"]["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX", "{answer}");
}

const SAVE: &str =
    "mutation($t: String!, $c: String!, $y: String!) { saveServiceDraft(tenant: $t, code: $c, yaml: $y) {
    version { id } diagnostics { level check line path message } } }";

#[test]
fn deep_expressions_in_a_draft_are_diagnostics_and_the_server_stays_up() {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("service-definitions/luwu-timur/services/surat-keterangan-dtks.yaml"),
    )
    .expect("shipped YAML");
    let rule = shipped.lines().find(|l| l.trim_start().starts_with("check:")).expect("a rule").to_string();
    let line = shipped.lines().position(|l| l == rule).expect("line") + 1;
    for server in servers() {
        for depth in [10, 100, 10_000] {
            for (open, close) in [("(", ")"), ("[", "]")] {
                let deep = format!("{}dtks_terdaftar{}", open.repeat(depth), close.repeat(depth));
                let indent = &rule[..rule.len() - rule.trim_start().len()];
                let yaml = shipped.replace(&rule, &format!("{indent}check: \"{deep} == true\""));
                let vars = json!({ "t": "luwu-timur", "c": "surat-keterangan-dtks", "y": yaml });
                let saved = server.as_user("admin_dinas@luwu-timur", SAVE, vars)["saveServiceDraft"].clone();
                assert!(saved["version"].is_null(), "nothing saved");
                let diagnostic = saved["diagnostics"]
                    .as_array()
                    .and_then(|d| d.iter().find(|d| d["check"] == "expression"))
                    .unwrap_or_else(|| panic!("{}: {depth} {open}: {saved}", server.backend))
                    .clone();
                assert_eq!(diagnostic["line"], line, "{diagnostic}");
                assert!(diagnostic["message"].as_str().is_some_and(|m| m.contains("ekspresi")), "{diagnostic}");
                assert_eq!(send("GET", &format!("http://{}/healthz", server.address), &[], None).status, 200);
            }
        }
    }
}

const LOGIN: &str = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }";

fn login_body(user: &str, password: &str) -> Vec<u8> {
    json!({ "query": LOGIN, "variables": { "u": user, "p": password } }).to_string().into_bytes()
}

#[test]
fn concurrent_logins_get_no_more_password_checks_than_the_limit() {
    for server in servers() {
        let url = graphql_url(&server);
        // 40 at once for one user, the right password the 31st: at most five are checked.
        let attempts: Vec<_> = (0..40)
            .map(|i| {
                let url = url.clone();
                let password = if i == 30 { "demo" } else { "salah-sekali" };
                let body = login_body("sekretaris@bulukumba", password);
                std::thread::spawn(move || {
                    send("POST", &url, &[("content-type", "application/json")], Some(&body)).json()
                })
            })
            .collect();
        let answers: Vec<Value> = attempts.into_iter().map(|t| t.join().expect("thread")).collect();
        let checked = answers.iter().filter(|a| a["errors"][0]["extensions"]["code"] != "RATE_LIMITED").count();
        // The threads start in any order: when the right password is among the first five checked, the owner is
        // in and their count starts again, so at most five more wrong ones are checked after it.
        let owner_in = answers[30]["data"]["login"]["token"].is_string();
        let limit = if owner_in { 10 } else { 5 };
        assert!(checked <= limit, "{}: {checked} passwords checked (owner in: {owner_in})", server.backend);
        assert_eq!(
            answers.iter().filter(|a| a["errors"][0]["extensions"]["code"] == "RATE_LIMITED").count(),
            40 - checked,
            "{}: every attempt not checked is refused as too many",
            server.backend
        );
        // Fifty usernames in one request are not tried at all.
        let many: String = (0..50)
            .map(|i| format!("u{i}: login(username: \"user{i}@bulukumba\", password: \"demo\") {{ token }}"))
            .collect::<Vec<_>>()
            .join(" ");
        let body = json!({ "query": format!("mutation {{ {many} }}") }).to_string();
        let answer = send("POST", &url, &[("content-type", "application/json")], Some(body.as_bytes())).json();
        assert_eq!(answer["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX", "{answer}");
        assert!(answer.get("data").is_none(), "{answer}");
        // Spraying one password over many usernames from one address is slowed too.
        let sprayed: Vec<Value> = (0..32)
            .map(|i| {
                let body = login_body(&format!("tidak-ada-{i}@bulukumba"), "demo");
                send("POST", &url, &[("content-type", "application/json")], Some(&body)).json()
            })
            .collect();
        let limited = &sprayed[31]["errors"][0];
        assert_eq!(limited["extensions"]["code"], "RATE_LIMITED", "{}: {limited}", server.backend);
        assert!(limited["message"].as_str().is_some_and(|m| m.contains("alamat ini")), "{limited}");
    }
}

const TRACK: &str = "query($c: String!, $n: String!) { trackApplication(trackingCode: $c, nik: $n) { status } }";

#[test]
fn tracking_answers_one_question_per_request_for_the_applicants_own_nik_only() {
    for server in servers() {
        let flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let code = flow.app["trackingCode"].as_str().expect("code").to_string();
        let nik = "7302014507850001";
        let no_kk = "7302010101150003";
        let ok = server.raw(None, TRACK, json!({ "c": code, "n": nik }));
        assert_eq!(ok["data"]["trackApplication"]["status"], "IN_PROGRESS", "{ok}");
        let kk = server.raw(None, TRACK, json!({ "c": code, "n": no_kk }));
        assert_eq!(kk["errors"][0]["extensions"]["code"], "NOT_FOUND", "a No. KK is not the NIK: {kk}");
        // A thousand guesses in one request are refused whole.
        let guesses: String = (0..1000)
            .map(|i| {
                format!("g{i}: trackApplication(trackingCode: \"{code}\", nik: \"730201450785{i:04}\") {{ status }}")
            })
            .collect::<Vec<_>>()
            .join(" ");
        let answer = server.raw(None, &format!("{{ {guesses} }}"), json!({}));
        assert_eq!(answer["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX", "{answer}");
        // Wrong NIKs for one code: four more (the No. KK was the first), then even the right one waits.
        for i in 0..4 {
            let wrong = server.raw(None, TRACK, json!({ "c": code, "n": format!("73020145078500{:02}", 10 + i) }));
            assert_eq!(wrong["errors"][0]["extensions"]["code"], "NOT_FOUND", "{wrong}");
        }
        let locked = server.raw(None, TRACK, json!({ "c": code, "n": nik }));
        assert_eq!(locked["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{}: {locked}", server.backend);
    }
}

#[test]
fn uploads_are_capped_part_by_part_and_carry_one_file() {
    for server in servers() {
        let flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        let (token, _) = server.login("petugas_layanan@bulukumba");
        let auth = format!("Bearer {token}");
        let boundary = "simpul-hardening-7d1f";
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let part = |name: &str, extra: &str, bytes: &[u8]| {
            let mut out =
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n").into_bytes();
            out.extend(bytes);
            out.extend(b"\r\n");
            out
        };
        let query = "mutation($id: ID!, $file: Upload!) { attachDocument(applicationId: $id, requirement: \"ktp_kk\", file: $file, expectedVersion: 1) { version } }";
        let operations = |padding: usize| {
            json!({ "query": query, "variables": { "id": id, "file": null }, "extensions": { "pad": "x".repeat(padding) } })
                .to_string()
        };
        let body = |ops: &str, files: usize| {
            let mut body = part("operations", "", ops.as_bytes());
            body.extend(part("map", "", br#"{"0": ["variables.file"], "1": ["variables.file"]}"#));
            for i in 0..files {
                body.extend(part(
                    &i.to_string(),
                    "; filename=\"ktp.pdf\"\r\nContent-Type: application/pdf",
                    &pdf(3000),
                ));
            }
            body.extend(format!("--{boundary}--\r\n").as_bytes());
            body
        };
        let headers = [("content-type", content_type.as_str()), ("authorization", auth.as_str())];
        let url = graphql_url(&server);
        for megabytes in [5, 20] {
            let status = post_status(&server.address, &headers, &body(&operations(megabytes * 1024 * 1024), 1));
            assert_eq!(status, 413, "{megabytes} MB of operations");
        }
        let two = send("POST", &url, &headers, Some(&body(&operations(0), 2)));
        assert_eq!(two.status, 400, "{}", String::from_utf8_lossy(&two.body));
        assert!(String::from_utf8_lossy(&two.body).contains("satu berkas"));
        let mut huge = part("operations", "", operations(0).as_bytes());
        huge.extend(part("map", "", br#"{"0": ["variables.file"]}"#));
        huge.extend(part("0", "; filename=\"besar.pdf\"\r\nContent-Type: application/pdf", &pdf(26 * 1024 * 1024)));
        assert_eq!(post_status(&server.address, &headers, &huge), 413, "a file over 25 MB");
        let versions = "query($id: ID!) { application(id: $id) { version documents { id } } }";
        let seen = server.as_user("petugas_layanan@bulukumba", versions, json!({ "id": id }))["application"].clone();
        assert_eq!(seen["documents"], json!([]), "nothing attached");
        let one = send("POST", &url, &headers, Some(&body(&operations(0), 1)));
        assert!(one.json()["errors"].is_null(), "{}", String::from_utf8_lossy(&one.body));
    }
}

#[test]
fn every_answer_carries_security_headers_and_the_explorer_works_offline() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    let base = format!("http://{}", server.address);
    for path in ["/graphql/schema.graphql", "/healthz", "/t/bulukumba", "/metrics"] {
        let answer = send("GET", &format!("{base}{path}"), &[], None);
        assert_eq!(answer.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(answer.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(answer.header("referrer-policy"), "no-referrer", "{path}");
        assert!(answer.header("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert!(!answer.headers.contains_key("strict-transport-security"), "no HSTS over plain HTTP");
    }
    let page = send("GET", &format!("{base}/t/bulukumba"), &[], None);
    let policy = page.header("content-security-policy");
    assert!(policy.starts_with("default-src 'none'") && !policy.contains("script-src"), "no script on pages: {policy}");
    let explorer =
        send("GET", &format!("{base}/graphql"), &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")], None);
    assert_eq!(explorer.status, 200);
    let html = String::from_utf8_lossy(&explorer.body);
    assert!(html.contains("Penjelajah API GraphQL"), "{html}");
    let elsewhere: Vec<&str> =
        html.split(['"', '\'']).filter(|s| s.starts_with("http") || s.starts_with("//")).collect();
    assert!(elsewhere.is_empty(), "the explorer loads {elsewhere:?} from another host");
    assert!(explorer.header("content-security-policy").contains("script-src 'self'"));
    for asset in ["/graphql/explorer.js", "/graphql/explorer.css"] {
        let answer = send("GET", &format!("{base}{asset}"), &[], None);
        assert_eq!(answer.status, 200, "{asset}");
        assert!(!String::from_utf8_lossy(&answer.body).contains("https://"), "{asset} fetches nothing from elsewhere");
    }
    let sdl = send("GET", &format!("{base}/graphql/schema.graphql"), &[], None);
    let sdl = String::from_utf8_lossy(&sdl.body);
    assert!(sdl.contains("type Query") && sdl.contains("trackApplication"), "{sdl}");
}

/// The introspection query of GraphiQL and most code generators: nine levels of `ofType`.
const INTROSPECTION: &str = r#"query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}"#;

#[test]
fn the_standard_introspection_query_works_for_anyone() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    let answer = server.raw(None, INTROSPECTION, json!({}));
    assert!(answer.get("errors").is_none(), "{answer}");
    assert!(answer["data"]["__schema"]["types"].as_array().is_some_and(|t| t.len() > 20));
}

#[test]
fn graphql_over_http_status_codes_and_media_types() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    let url = graphql_url(&server);
    let json_body = json!({ "query": "{ __typename }" }).to_string();
    let post = |headers: &[(&str, &str)], body: &str| send("POST", &url, headers, Some(body.as_bytes()));
    let answer = post(&[("content-type", "application/json"), ("accept", "application/json")], &json_body);
    assert_eq!((answer.status, answer.header("content-type")), (200, "application/json; charset=utf-8"));
    let answer =
        post(&[("content-type", "application/json"), ("accept", "application/graphql-response+json")], &json_body);
    assert_eq!(answer.header("content-type"), "application/graphql-response+json; charset=utf-8");
    // Parse and validation failures: 400 under the new type, 200 under the old; no `data`.
    let gql = [("content-type", "application/json"), ("accept", "application/graphql-response+json")];
    let broken = post(&gql, &json!({ "query": "{" }).to_string());
    assert_eq!(broken.status, 400);
    assert_eq!(broken.json()["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED");
    assert!(broken.json().get("data").is_none());
    let invalid = post(&gql, &json!({ "query": "{ notAField }" }).to_string());
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.json()["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    let legacy = post(
        &[("content-type", "application/json"), ("accept", "application/json")],
        &json!({ "query": "{ notAField }" }).to_string(),
    );
    assert_eq!(legacy.status, 200);
    // No content type: 415. GET runs queries, never mutations.
    assert_eq!(send("POST", &url, &[], Some(json_body.as_bytes())).status, 415);
    let get = send("GET", &format!("{url}?query=%7B__typename%7D"), &[("accept", "application/json")], None);
    assert_eq!((get.status, get.json()["data"]["__typename"].as_str()), (200, Some("QueryRoot")));
    let mutation =
        send("GET", &format!("{url}?query=mutation%7B__typename%7D"), &[("accept", "application/json")], None);
    assert_eq!((mutation.status, mutation.header("allow")), (405, "POST"));
    // A lower-case scheme is a bearer token like any other.
    let (token, _) = server.login("kabid@bulukumba");
    let me = json!({ "query": "{ me { username } }" }).to_string();
    let lower = format!("bearer {token}");
    let answer = post(&[("content-type", "application/json"), ("authorization", lower.as_str())], &me);
    assert_eq!(answer.json()["data"]["me"]["username"], "kabid@bulukumba", "{}", String::from_utf8_lossy(&answer.body));
}

/// The graphql-http package's server audit (every MUST and SHOULD of the GraphQL-over-HTTP specification), run
/// with Node.js from `tests/graphql-http` when its packages are installed; CI installs them.
#[test]
fn the_graphql_over_http_audit_passes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graphql-http");
    if !dir.join("node_modules/graphql-http").is_dir() {
        assert!(std::env::var("SIMPUL_CI").is_err(), "CI must install tests/graphql-http (npm ci)");
        eprintln!("tests/graphql-http/node_modules missing (run `npm ci` there): audit skipped");
        return;
    }
    let server = super::server::start("sqlite", super::server::Backends::default());
    let output = std::process::Command::new("node")
        .arg(dir.join("audit.mjs"))
        .arg(graphql_url(&server))
        .output()
        .expect("node runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains(" 0 failed"), "{text}");
}

#[test]
fn readiness_names_the_background_tasks() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    let (status, ready) = server.readyz();
    assert_eq!(status, 200, "{ready}");
    for task in ["database-watch", "outbox", "webhooks", "deadline-watcher", "letter-archiver"] {
        assert_eq!(ready["tasks"][task], "running", "{ready}");
    }
    assert_eq!(ready["tasks_down"], json!([]));
}
