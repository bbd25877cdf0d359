//! Load from the bench process: GraphQL requests and pages from [`WORKERS`] threads, their throughput and
//! latencies, and the Bulukumba SKTM recommendation carried through every step (`act`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Client threads of every load, as the figures are taken at 16 connections.
pub const WORKERS: usize = 16;
/// How long each load runs.
pub const SECONDS: u64 = 15;
/// How long each read load runs before it is measured.
pub const WARM_UP: Duration = Duration::from_secs(3);

/// A GraphQL request as `token` (empty: anonymous); the answer.
pub fn post(address: &str, token: &str, query: &str, variables: Value) -> Value {
    let mut request = ureq::post(&format!("http://{address}/graphql"));
    if !token.is_empty() {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = request.send_json(json!({ "query": query, "variables": variables })).expect("HTTP");
    response.body_mut().read_json::<Value>().expect("JSON")
}

/// Signs `user` in with `password`; the token.
pub fn login(address: &str, user: &str, password: &str) -> String {
    let response = post(
        address,
        "",
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
        json!({ "u": user, "p": password }),
    );
    response["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("{response}")).to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

/// What a load measured.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// Requests per second.
    pub rate: f64,
    /// Median latency, ms.
    pub p50: f64,
    /// 99th percentile latency, ms.
    pub p99: f64,
}

/// Prints a load's throughput and latencies, and returns them.
pub fn report(name: &str, mut latencies: Vec<Duration>, elapsed: Duration) -> Figures {
    latencies.sort();
    let figures = Figures {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
    };
    println!(
        "{name}: {} requests in {:.1} s = {:.0} requests/s; p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        figures.rate,
        figures.p50,
        figures.p99
    );
    figures
}

/// `request` from [`WORKERS`] threads for [`SECONDS`], reported as `name`, after [`WARM_UP`] unmeasured (the
/// caches and the database's buffers filled, as on a server that has been running).
pub fn load(name: &str, request: impl Fn() + Clone + Send + 'static) -> Figures {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let barrier = Arc::new(std::sync::Barrier::new(WORKERS + 1));
    let warm = Instant::now() + WARM_UP;
    let handles: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (request, latencies, barrier) = (request.clone(), latencies.clone(), barrier.clone());
            std::thread::spawn(move || {
                while Instant::now() < warm {
                    request();
                }
                barrier.wait();
                let deadline = Instant::now() + Duration::from_secs(SECONDS);
                let mut mine = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    request();
                    mine.push(t.elapsed());
                }
                latencies.lock().expect("lock").extend(mine);
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    handles.into_iter().for_each(|h| h.join().expect("worker"));
    let latencies = std::mem::take(&mut *latencies.lock().expect("lock"));
    report(name, latencies, started.elapsed())
}

/// `query` as `token` under [`load`].
pub fn reads(address: &str, token: &str, query: &'static str, name: &str) -> Figures {
    let (address, token) = (address.to_string(), token.to_string());
    load(name, move || {
        let response = post(&address, &token, query, json!({}));
        assert!(response.get("errors").is_none(), "{response}");
    })
}

/// `GET path` (a page) under [`load`].
pub fn pages(address: &str, path: &str, name: &str) -> Figures {
    let url = format!("http://{address}{path}");
    load(name, move || {
        let mut response = ureq::get(&url).call().expect("HTTP");
        response.body_mut().read_to_string().expect("page");
    })
}

/// The roles of Bulukumba's SKTM recommendation, the flow `act` drives.
pub const SKTM_ROLES: [&str; 6] =
    ["petugas_layanan", "verifikator", "penyuluh_sosial", "kabid", "sekretaris", "kepala_dinas"];

/// A first page of 50 applications, as the list of the console asks it.
pub const LIST: &str = "{ applications(first: 50) { edges { node { id trackingCode serviceName stepName applicantName deadlines { service { state } } } } } }";

/// Submits `count` SKTM recommendations at Bulukumba as the front office (`token`); their ids.
pub fn submit_sktm(address: &str, token: &str, count: usize) -> Vec<String> {
    let form = json!({
        "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003", "tempat_lahir": "Bulukumba",
        "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2", "tujuan": "keringanan biaya rumah sakit"
    });
    let submit = "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id } }";
    (0..count)
        .map(|_| {
            let input = json!({ "tenant": "bulukumba", "service": "rekomendasi-sktm", "data": form, "documentsReceived": ["ktp_kk", "sktm_desa", "sptjm"] });
            let response = post(address, token, submit, json!({ "i": input }));
            response["data"]["submitApplication"]["id"].as_str().unwrap_or_else(|| panic!("{response}")).to_string()
        })
        .collect()
}

/// `act`: [`WORKERS`] threads each carry their share of `ids` through every step of the SKTM recommendation,
/// for [`SECONDS`]; `token` gives a role's token.
pub fn act(address: &str, token: impl Fn(&str) -> String, ids: &[String], name: &str) -> Figures {
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
    let mutation = "mutation($i: ActInput!) { act(input: $i) { id version } }";
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(SECONDS);
    let handles: Vec<_> = ids
        .chunks(ids.len().div_ceil(WORKERS))
        .map(|chunk| {
            let (address, steps, latencies, chunk) =
                (address.to_string(), steps.clone(), latencies.clone(), chunk.to_vec());
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
                        let response = post(&address, token, mutation, json!({ "i": input }));
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
    report(name, std::mem::take(&mut *latencies.lock().expect("lock")), elapsed)
}
