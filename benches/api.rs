//! Speed of the API under load from a second process: requests per second and p50/p99 latency of `inbox` and of
//! `act`, on PostgreSQL, against the real `simpul serve` on loopback.
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench api`
//! (a database `simpul_bench_<random>` is created on that server, and dropped afterwards).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WORKERS: usize = 16;
const SECONDS: u64 = 15;
const SEEDED: usize = 400;

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

fn report(name: &str, mut latencies: Vec<Duration>, elapsed: Duration) {
    latencies.sort();
    println!(
        "{name}: {} requests in {:.1} s = {:.0} requests/s; p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
}

fn main() {
    let Ok(admin) = std::env::var("BENCH_DATABASE_URL") else {
        println!("BENCH_DATABASE_URL is not set: nothing measured (see the comment at the top of benches/api.rs)");
        return;
    };
    let name = format!("simpul_bench_{}", std::process::id());
    assert!(
        Command::new("psql")
            .args([admin.as_str(), "-q", "-c", &format!("CREATE DATABASE \"{name}\"")])
            .status()
            .expect("psql")
            .success()
    );
    let url = format!("{}/{name}", admin.rsplit_once('/').expect("url").0);
    let binary = env!("CARGO_BIN_EXE_simpul");
    assert!(Command::new(binary).args(["migrate", "--database-url", &url]).status().expect("migrate").success());
    let dir = tempfile::tempdir().expect("folder");
    let definitions = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("service-definitions");
    let mut server = Command::new(binary)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--definitions", definitions.to_str().expect("utf-8")])
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server");
    let mut reader = BufReader::new(server.stdout.take().expect("stdout"));
    let address = loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).expect("line") > 0, "server exited");
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
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

    // inbox
    let inbox = "{ inbox(first: 20) { edges { node { id version step deadlines { service { state } } } } } }";
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS);
    let handles: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (address, token, latencies) = (address.clone(), token("petugas_layanan"), latencies.clone());
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let response = post(&address, &token, inbox, json!({}));
                    assert!(response.get("errors").is_none(), "{response}");
                    mine.push(t.elapsed());
                }
                latencies.lock().expect("lock").extend(mine);
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("worker"));
    report("inbox (20 per page)", std::mem::take(&mut *latencies.lock().expect("lock")), started.elapsed());

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
    report("act (every step of Bulukumba SKTM)", std::mem::take(&mut *latencies.lock().expect("lock")), elapsed);

    let _ = server.kill();
    let _ = server.wait();
    let _ = Command::new("psql")
        .args([admin.as_str(), "-q", "-c", &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")])
        .status();
}
