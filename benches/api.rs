//! Speed of the API under load from a second process: requests per second and p50/p99 latency of `login`,
//! `inbox` and `act`, on PostgreSQL, against the real `simpul serve` on loopback; then the server's resident
//! memory once it has idled after the load (what the allocator gave back).
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench api`
//! (a database `simpul_bench_api_<pid>` is created on that server, and dropped afterwards).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Database, Server, pgbench};
use serde_json::{Value, json};

const WORKERS: usize = 16;
const SECONDS: u64 = 15;
/// Applications carried through every step by the `act` load: enough for the load's whole time.
const SEEDED: usize = 1_600;
/// Applications in the table for the list at scale.
const AT_SCALE: usize = 1_000_000;
/// Sequential requests of the list at scale: enough for its p99.
const SEQUENTIAL: usize = 500;
/// Sign-ins in the load: each hashes with argon2id's 19 MiB, the allocation that once stayed with the process.
const LOGINS: usize = 64;
/// How long the server idles after the load before its memory is read: the allocator returns freed pages after
/// about ten seconds (jemalloc's decay, by its background thread).
const IDLE: Duration = Duration::from_secs(30);

fn post(address: &str, token: &str, query: &str, variables: Value) -> Value {
    let mut response = ureq::post(&format!("http://{address}/graphql"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(json!({ "query": query, "variables": variables }))
        .expect("HTTP");
    response.body_mut().read_json::<Value>().expect("JSON")
}

fn login(address: &str, user: &str) -> String {
    let response = post(
        address,
        "",
        "mutation($u: String!) { login(username: $u, password: \"demo\") { token } }",
        json!({ "u": user }),
    );
    response["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("{response}")).to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

/// Prints a load's throughput and latencies; the throughput, in requests per second.
fn report(name: &str, mut latencies: Vec<Duration>, elapsed: Duration) -> f64 {
    latencies.sort();
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    println!(
        "{name}: {} requests in {:.1} s = {:.0} requests/s; p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    rate
}

/// `query` as `token` from [`WORKERS`] threads for [`SECONDS`], reported as `name`.
fn reads(address: &str, token: &str, query: &'static str, name: &str) -> f64 {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS);
    let handles: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (address, token, latencies) = (address.to_string(), token.to_string(), latencies.clone());
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let response = post(&address, &token, query, json!({}));
                    assert!(response.get("errors").is_none(), "{response}");
                    mine.push(t.elapsed());
                }
                latencies.lock().expect("lock").extend(mine);
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("worker"));
    let latencies = std::mem::take(&mut *latencies.lock().expect("lock"));
    report(name, latencies, started.elapsed())
}

fn main() {
    let Some(database) = Database::create("api") else { return };
    let server = Server::start(&database, true);
    let address = server.address.clone();
    println!("server started: RSS {:.0} MB, of which allocated {:.0} MB", server.resident_mb(), server.anonymous_mb());
    let roles = ["petugas_layanan", "verifikator", "penyuluh_sosial", "kabid", "sekretaris", "kepala_dinas"];
    let tokens: Vec<(String, String)> =
        roles.iter().map(|r| (r.to_string(), login(&address, &format!("{r}@bulukumba")))).collect();
    let token = |role: &str| tokens.iter().find(|(r, _)| r == role).expect("role").1.clone();
    let form = json!({
        "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003", "tempat_lahir": "Bulukumba",
        "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2", "tujuan": "keringanan biaya rumah sakit"
    });
    let submit = "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id } }";
    let mut ids = Vec::new();
    for _ in 0..SEEDED {
        let input = json!({ "tenant": "bulukumba", "service": "rekomendasi-sktm", "data": form, "documentsReceived": ["ktp_kk", "sktm_desa", "sptjm"] });
        let response = post(&address, &token("petugas_layanan"), submit, json!({ "i": input }));
        ids.push(response["data"]["submitApplication"]["id"].as_str().expect("id").to_string());
    }
    println!(
        "API benchmark on PostgreSQL: {WORKERS} client threads in a second process, {SECONDS} s each; {SEEDED} applications seeded"
    );

    let latencies = Arc::new(Mutex::new(Vec::new()));
    let inbox = "{ inbox(first: 20) { edges { node { id version step deadlines { service { state } } } } } }";
    reads(&address, &token("petugas_layanan"), inbox, "inbox (20 per page)");
    let list = "{ applications(first: 50) { edges { node { id trackingCode serviceName stepName applicantName deadlines { service { state } } } } } }";
    reads(&address, &token("petugas_layanan"), list, "applications(first: 50)");

    // act: each worker carries its share of the applications through the steps.
    let steps: Vec<(&str, &str, Value)> = vec![
        ("petugas_layanan", "terima", json!({})),
        (
            "petugas_layanan",
            "lengkap",
            json!({ "checklist": [{ "item": "ktp_kk", "confirmed": true }, { "item": "sktm_desa", "confirmed": true }, { "item": "sptjm", "confirmed": true }] }),
        ),
        (
            "verifikator",
            "memenuhi",
            json!({ "checklist": [{ "item": "cek_siks_ng", "confirmed": true }, { "item": "cek_e_dabu", "confirmed": true }],
            "facts": [{ "fact": "dtks_terdaftar", "value": true }, { "fact": "pbi_apbn", "value": false }, { "fact": "pbi_apbd", "value": false }] }),
        ),
        ("verifikator", "selesai_disusun", json!({})),
        (
            "verifikator",
            "sesuai",
            json!({ "checklist": [{ "item": "data_sesuai", "confirmed": true }, { "item": "tujuan_sesuai", "confirmed": true }] }),
        ),
        ("penyuluh_sosial", "paraf", json!({})),
        ("kabid", "paraf", json!({})),
        ("sekretaris", "paraf", json!({})),
        ("kepala_dinas", "tandatangani", json!({})),
        ("petugas_layanan", "diserahkan", json!({})),
        ("petugas_layanan", "diarsipkan", json!({})),
    ];
    let steps: Vec<(String, String, Value)> = steps.into_iter().map(|(r, a, i)| (token(r), a.to_string(), i)).collect();
    let act = "mutation($i: ActInput!) { act(input: $i) { id version } }";
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS);
    let handles: Vec<_> = ids
        .chunks(SEEDED / WORKERS)
        .map(|chunk| {
            let (address, steps, latencies, chunk) =
                (address.clone(), steps.clone(), latencies.clone(), chunk.to_vec());
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                'apps: for id in chunk {
                    for (i, (token, action, extra)) in steps.iter().enumerate() {
                        if Instant::now() >= deadline {
                            break 'apps;
                        }
                        let mut input = json!({ "applicationId": id, "action": action, "expectedVersion": i + 1 });
                        if let (Some(obj), Some(more)) = (input.as_object_mut(), extra.as_object()) {
                            obj.extend(more.clone());
                        }
                        let t = Instant::now();
                        let response = post(&address, token, act, json!({ "i": input }));
                        assert!(response.get("errors").is_none(), "{response}");
                        mine.push(t.elapsed());
                    }
                }
                latencies.lock().expect("lock").extend(mine);
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("worker"));
    let elapsed = started.elapsed().min(Duration::from_secs(SECONDS));
    let act =
        report("act (every step of Bulukumba SKTM)", std::mem::take(&mut *latencies.lock().expect("lock")), elapsed);
    // The reference, on the same server in the same run: PostgreSQL's own one-row commits at as many clients.
    database.psql(pgbench::TABLE_SQL);
    let reference = pgbench::one_row_commits(&database.url, WORKERS, Duration::from_secs(SECONDS));
    println!(
        "pgbench, one-row INSERT per transaction, {WORKERS} clients: {reference:.0} transactions/s; act at {:.1} % of it (target ≥ 10 %)",
        100.0 * act / reference
    );

    // The list at scale: 1,000,000 applications, a quarter of them open, copies of three just submitted; one
    // client after another (the server's time plus loopback), then 16 at once.
    let fresh: Vec<String> = (0..3)
        .map(|_| {
            let input = json!({ "tenant": "bulukumba", "service": "rekomendasi-sktm", "data": form, "documentsReceived": ["ktp_kk", "sktm_desa", "sptjm"] });
            let response = post(&address, &token("petugas_layanan"), submit, json!({ "i": input }));
            response["data"]["submitApplication"]["id"].as_str().expect("id").to_string()
        })
        .collect();
    let filled = database.copy_applications(&fresh, AT_SCALE - SEEDED - fresh.len(), 25);
    println!("{AT_SCALE} applications, a quarter open (filled in {:.0} s)", filled.as_secs_f64());
    let front = token("petugas_layanan");
    let sequential: Vec<Duration> = (0..SEQUENTIAL)
        .map(|_| {
            let t = Instant::now();
            let response = post(&address, &front, list, json!({}));
            assert!(response.get("errors").is_none(), "{response}");
            t.elapsed()
        })
        .collect();
    let elapsed = sequential.iter().sum();
    report("applications(first: 50) at 1,000,000, one client (target p50 ≤ 5 ms, p99 ≤ 20 ms)", sequential, elapsed);
    reads(&address, &front, list, "applications(first: 50) at 1,000,000, 16 clients");

    // login: sign-ins at once from every worker, each worker its own officer (one officer's sign-ins are counted
    // while they run, and more than five at once would be refused as guessing).
    let officers = [
        "petugas_layanan@bulukumba",
        "verifikator@bulukumba",
        "penyuluh_sosial@bulukumba",
        "kabid@bulukumba",
        "operator_desa@luwu-timur",
        "petugas_linjamsos@luwu-timur",
        "kabid_linjamsos@luwu-timur",
        "sekretaris@luwu-timur",
        "petugas_mpp@bangka",
        "verifikator@bangka",
        "petugas_lapangan@bangka",
        "front_office@oku-selatan",
        "tksk@oku-selatan",
        "tagana@oku-selatan",
        "front_office@tebing-tinggi",
        "kasi@tebing-tinggi",
    ];
    let started = Instant::now();
    let handles: Vec<_> = officers
        .iter()
        .map(|user| {
            let (address, latencies, user) = (address.clone(), latencies.clone(), user.to_string());
            std::thread::spawn(move || {
                let mine: Vec<Duration> = (0..LOGINS / WORKERS)
                    .map(|_| {
                        let t = Instant::now();
                        login(&address, &user);
                        t.elapsed()
                    })
                    .collect();
                latencies.lock().expect("lock").extend(mine);
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("worker"));
    report("login (argon2id, 19 MiB each)", std::mem::take(&mut *latencies.lock().expect("lock")), started.elapsed());

    let peak = server.peak_mb();
    std::thread::sleep(IDLE);
    println!(
        "after the load and {} s idle: RSS {:.0} MB (target ≤ 150 MB), of which allocated {:.0} MB; peak during the load {peak:.0} MB",
        IDLE.as_secs(),
        server.resident_mb(),
        server.anonymous_mb()
    );
}
