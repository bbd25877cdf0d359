//! Speed of the console's pages: p50/p99 of each page as an officer's browser gets it (HTML over loopback, the
//! page's GraphQL operations run in-process), with 100,000 applications in the office on PostgreSQL, against the
//! real `simpul serve`. Beside them, in the same run, the floor: `/healthz` (the router alone) and the smallest
//! GraphQL request.
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench console`
//! (a database `simpul_bench_console_<pid>` is created on that server, and dropped afterwards).

mod common;

use std::time::{Duration, Instant};

use common::table::{Table, thousands};
use common::{Database, Server};
use serde_json::{Value, json};

/// Requests per page: enough for a p99 of the sequential latencies (`BENCH_REQUESTS` sets fewer, for a quick
/// check of the bench itself).
fn requests() -> usize {
    std::env::var("BENCH_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
}
/// Applications in the office, as the figure asks.
const APPLICATIONS: usize = 100_000;

/// The share of them still open, in percent: 5 by default (a few months' work in progress beside years of
/// history); `BENCH_OPEN_PERCENT=75` puts 25,000 in each of three inboxes, to see how far from that it holds.
fn open_percent() -> usize {
    std::env::var("BENCH_OPEN_PERCENT").ok().and_then(|n| n.parse().ok()).filter(|n| *n <= 100).unwrap_or(5)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into()
}

fn graphql(address: &str, token: &str, query: &str, variables: Value) -> Value {
    let mut response = agent()
        .post(&format!("http://{address}/graphql"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(json!({ "query": query, "variables": variables }))
        .expect("HTTP");
    response.body_mut().read_json::<Value>().expect("JSON")
}

fn token(address: &str, user: &str) -> String {
    let response = graphql(
        address,
        "",
        "mutation($u: String!) { login(username: $u, password: \"demo\") { token } }",
        json!({ "u": user }),
    );
    response["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("{response}")).to_string()
}

/// The console's session cookie of a demo user, signed in through the login form.
fn session(address: &str, user: &str) -> String {
    let agent = agent();
    let login = agent.get(&format!("http://{address}/masuk")).call().expect("login page");
    let seed = login.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("cookie").to_string();
    let seed = seed.split(';').next().expect("cookie").to_string();
    let html = login.into_body().read_to_string().expect("html");
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("csrf").to_string();
    let signed = agent
        .post(&format!("http://{address}/masuk"))
        .header("Cookie", &seed)
        .content_type("application/x-www-form-urlencoded")
        .send(format!("csrf={csrf}&username={}&password=demo", user.replace('@', "%40")))
        .expect("signed in");
    signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("simpul_sesi="))
        .and_then(|c| c.split(';').next())
        .expect("a session")
        .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

/// Gets `path` [`requests`] times in a row with `cookie`; prints p50, p99 and the page's size.
/// Prints a page's p50 and p99 (ms) and its size, and returns the p99.
fn measure(address: &str, cookie: Option<&str>, name: &str, path: &str) -> f64 {
    let agent = agent();
    let mut latencies = Vec::with_capacity(requests());
    let mut size = 0;
    for _ in 0..requests() {
        let started = Instant::now();
        let mut request = agent.get(&format!("http://{address}{path}"));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.call().expect("page");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        size = response.into_body().read_to_vec().expect("body").len();
        latencies.push(started.elapsed());
    }
    latencies.sort();
    println!(
        "{name:<44} p50 {:>7.2} ms  p99 {:>7.2} ms  ({:.1} KB)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        size as f64 / 1024.0
    );
    percentile(&latencies, 0.99)
}

fn main() {
    let Some(database) = Database::create("console") else { return };
    let server = Server::start(&database, true);
    let address = server.address.clone();

    // A real application at each of three steps — the front office's receipt, the verifier's check, the penyuluh
    // sosial's paraf — then copies of them to 100,000, of which `open_percent()` are open, a third at each step
    // (with their inbox tokens), and the rest ended: an office's history, most of it done.
    let form = json!({
        "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003", "tempat_lahir": "Bulukumba",
        "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2", "tujuan": "keringanan biaya rumah sakit"
    });
    let front = token(&address, "petugas_layanan@bulukumba");
    let verifier_token = token(&address, "verifikator@bulukumba");
    let submit = "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id version } }";
    let input =
        json!({ "service": "rekomendasi-sktm", "data": form, "documentsReceived": ["ktp_kk", "sktm_desa", "sptjm"] });
    let mut samples = Vec::new();
    for actions in [0, 2, 5] {
        let sample = graphql(&address, &front, submit, json!({ "i": input }))["data"]["submitApplication"].clone();
        let id = sample["id"].as_str().expect("id").to_string();
        let mut version = sample["version"].as_i64().expect("version");
        let steps = [
            (&front, "terima", json!([]), json!([])),
            (&front, "lengkap", json!(["ktp_kk", "sktm_desa", "sptjm"]), json!([])),
            (
                &verifier_token,
                "memenuhi",
                json!(["cek_siks_ng", "cek_e_dabu"]),
                json!([{ "fact": "dtks_terdaftar", "value": true }, { "fact": "pbi_apbn", "value": false },
                       { "fact": "pbi_apbd", "value": false }]),
            ),
            (&verifier_token, "selesai_disusun", json!([]), json!([])),
            (&verifier_token, "sesuai", json!(["data_sesuai", "tujuan_sesuai"]), json!([])),
        ];
        for (who, action, checks, facts) in steps.iter().take(actions) {
            let checklist: Vec<Value> =
                checks.as_array().expect("list").iter().map(|c| json!({ "item": c, "confirmed": true })).collect();
            let answer = graphql(
                &address,
                who,
                "mutation($i: ActInput!) { act(input: $i) { version } }",
                json!({ "i": { "applicationId": id, "action": action, "expectedVersion": version,
                               "checklist": checklist, "facts": facts } }),
            );
            version = answer["data"]["act"]["version"].as_i64().unwrap_or_else(|| panic!("{action}: {answer}"));
        }
        samples.push(id);
    }
    let filled = database.copy_applications(&samples, APPLICATIONS - samples.len(), open_percent());
    println!(
        "Console pages on PostgreSQL: {APPLICATIONS} applications in Bulukumba, {}% open (filled in {:.1} s), {} \
         sequential requests per page over loopback",
        open_percent(),
        filled.as_secs_f64(),
        requests()
    );
    let cookie = session(&address, "petugas_layanan@bulukumba");
    let verifier = session(&address, "verifikator@bulukumba");
    let penyuluh = session(&address, "penyuluh_sosial@bulukumba");
    let agent = agent();
    let healthz = measure(&address, None, "reference: /healthz (the router alone)", "/healthz");
    let started = Instant::now();
    let mut latencies = Vec::new();
    for _ in 0..requests() {
        let t = Instant::now();
        let r = agent
            .post(&format!("http://{address}/graphql"))
            .send_json(json!({ "query": "{ __typename }" }))
            .expect("x");
        r.into_body().read_to_vec().expect("body");
        latencies.push(t.elapsed());
    }
    latencies.sort();
    println!(
        "{:<44} p50 {:>7.2} ms  p99 {:>7.2} ms  ({:.1} s)",
        "reference: GraphQL { __typename }",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        started.elapsed().as_secs_f64()
    );
    let typename = percentile(&latencies, 0.99);
    measure(&address, None, "Masuk (login, demo users listed)", "/masuk");
    let waiting = APPLICATIONS * open_percent() / 100 / 3;
    let inbox =
        measure(&address, Some(&cookie), &format!("Kotak masuk, front office ({waiting} waiting)"), "/kotak-masuk");
    measure(&address, Some(&verifier), "Kotak masuk, verifier, overdue only", "/kotak-masuk?tenggat=terlambat");
    measure(&address, Some(&penyuluh), &format!("Kotak masuk, penyuluh sosial ({waiting} paraf)"), "/kotak-masuk");
    measure(&address, Some(&cookie), "Kotak masuk, a name among 100,000", "/kotak-masuk?cari=nama5001");
    measure(&address, Some(&cookie), "Permohonan baru: SKTM form", "/permohonan/baru/rekomendasi-sktm");
    measure(&address, Some(&cookie), "Detail permohonan (front office's step)", &format!("/permohonan/{}", samples[0]));
    measure(
        &address,
        Some(&penyuluh),
        "Detail permohonan (paraf, with history)",
        &format!("/permohonan/{}", samples[2]),
    );
    measure(&address, Some(&cookie), "Tanda terima", &format!("/permohonan/{}/tanda-terima", samples[0]));
    let search = measure(&address, Some(&cookie), "Cari (one name among 100,000)", "/cari?q=nama5001");
    // The samples' NIK: three found among 100,000 (the copies have digests of their own), each find audited.
    measure(&address, Some(&cookie), "Cari (NIK: 3 found and audited)", "/cari?q=7302014507850001");
    measure(&address, Some(&cookie), "Daftar & rekap (choice)", "/surat");

    let mut table = Table::new("B cargo bench --bench console", "[The console](#the-console)");
    table.row(
        format!("console pages, {} applications", thousands(APPLICATIONS as f64)),
        format!("inbox p99 {inbox:.1} ms, search p99 {search:.1} ms"),
        format!("`/healthz` p99 {healthz:.2} ms, `{{ __typename }}` p99 {typename:.2} ms"),
        "",
    );
    table.print(Some(&database.url));
}
