//! 514 offices in one process: `simpul serve` on one test office per kabupaten/kota of the region list (`simpul
//! definitions generate`, each with the twelve services) and on five of them (those in the five real offices'
//! regions), each on a fresh PostgreSQL database; how long the server takes to start, its memory, and the list, `act` and public figures under the
//! same load, side by side (target: start ≤ 5 s and ≤ 500 MB resident at 514 offices on the release build, each
//! figure within 20 % of five offices').
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench offices`
//! (databases `simpul_bench_offices_*_<pid>` are created on that server, and dropped afterwards).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::load::{Figures, LIST, SKTM_ROLES, act, login, pages, reads, submit_sktm};
use common::table::{Table, thousands, verdict};
use common::{Database, Server, binary};

/// Offices of the large run: every kabupaten/kota.
const OFFICES: usize = 514;
/// Applications carried through the steps by `act`: enough for its whole time.
const SEEDED: usize = 1_600;

/// What one run measured.
struct Run {
    offices: usize,
    first_start: Duration,
    start: Duration,
    rss_start: f64,
    list: Figures,
    act: Figures,
    service: Figures,
    office_page: Figures,
    complaint_page: Figures,
    peak: f64,
}

/// The officers' password (eight characters at least, as for every account).
const PASSWORD: &str = "bench-password";

/// The accounts the load signs in as, `<role>@bulukumba` with [`PASSWORD`], made the same way in both
/// runs (`serve --demo` would hash a password for every role of every office: minutes at 514 offices).
fn add_officers(database: &Database) {
    for role in SKTM_ROLES {
        let mut child = Command::new(binary())
            .args(["user", "add", &format!("{role}@bulukumba"), "--name", role, "--role", &format!("bulukumba:{role}")])
            .args(["--database-url", &database.url])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("simpul user add");
        child.stdin.take().expect("stdin").write_all(format!("{PASSWORD}\n").as_bytes()).expect("password");
        assert!(child.wait().expect("user add").success(), "user add {role}");
    }
}

fn run(name: &str, definitions: &Path, offices: usize) -> Option<Run> {
    let database = Database::create(&format!("offices_{name}"))?;
    let first = Server::start_on(&database, definitions, false);
    let first_start = first.started_in;
    drop(first);
    add_officers(&database);
    let server = Server::start_on(&database, definitions, false);
    let address = server.address.clone();
    let rss_start = server.resident_mb();
    println!(
        "{offices} offices: first start (importing the definitions) {:.1} s; start {:.2} s (target ≤ 5 s), RSS {rss_start:.0} MB",
        first_start.as_secs_f64(),
        server.started_in.as_secs_f64()
    );
    let tokens: Vec<(String, String)> =
        SKTM_ROLES.iter().map(|r| (r.to_string(), login(&address, &format!("{r}@bulukumba"), PASSWORD))).collect();
    let token = |role: &str| tokens.iter().find(|(r, _)| r == role).expect("role").1.clone();
    let ids = submit_sktm(&address, &token("petugas_layanan"), SEEDED);
    let list = reads(&address, &token("petugas_layanan"), LIST, "  applications(first: 50)");
    let act = act(&address, token, &ids, "  act (every step of Bulukumba SKTM)");
    let service = "{ service(tenant: \"bulukumba\", code: \"rekomendasi-sktm\") { code name } }";
    let service = reads(&address, "", service, "  service (public, anonymous)");
    let office_page = pages(&address, "/t/bulukumba", "  GET /t/bulukumba (the office's public page)");
    let complaint_page = pages(
        &address,
        "/pengaduan?dinas=bulukumba",
        "  GET /pengaduan?dinas=bulukumba (complaint form, its province's offices)",
    );
    let peak = server.peak_mb();
    println!("  RSS peak {peak:.0} MB (target ≤ 500 MB), now {:.0} MB", server.resident_mb());
    Some(Run {
        offices,
        first_start,
        start: server.started_in,
        rss_start,
        list,
        act,
        service,
        office_page,
        complaint_page,
        peak,
    })
}

/// The five offices of the small run, from the generated ones: those of the five real offices' regions, so
/// that both runs serve the same offices' definitions and only their number differs.
fn five_of(generated: &Path, real: &Path, out: &Path) {
    let region = |file: &Path| {
        let text = std::fs::read_to_string(file).expect("tenant.yaml");
        let line = text.lines().find(|l| l.starts_with("region_code:")).expect("region_code").to_string();
        line.trim_start_matches("region_code:").trim().trim_matches(['"', '\'']).to_string()
    };
    let wanted: Vec<String> = std::fs::read_dir(real)
        .expect("definitions")
        .filter_map(|e| Some(e.ok()?.path().join("tenant.yaml")).filter(|p| p.exists()))
        .map(|p| region(&p))
        .collect();
    assert_eq!(wanted.len(), 5, "the five offices' regions");
    let copy = |from: &Path, to: &Path| {
        let status = Command::new("cp").arg("-r").arg(from).arg(to).status().expect("cp");
        assert!(status.success(), "cp");
    };
    std::fs::create_dir_all(out).expect("folder");
    for entry in std::fs::read_dir(generated).expect("generated") {
        let path = entry.expect("entry").path();
        let tenant = path.join("tenant.yaml");
        if !tenant.exists() || wanted.contains(&region(&tenant)) {
            copy(&path, out);
        }
    }
}

fn main() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("service-definitions");
    let folder = tempfile::tempdir().expect("folder");
    let all = folder.path().join("all");
    let written = Command::new(binary())
        .args(["definitions", "generate", "--offices", &OFFICES.to_string(), "--from"])
        .args([real.as_os_str(), "--out".as_ref(), all.as_os_str()])
        .status()
        .expect("generate");
    assert!(written.success(), "generate");
    let five = folder.path().join("five");
    five_of(&all, &real, &five);
    let Some(small) = run("five", &five, 5) else { return };
    let Some(large) = run("all", &all, OFFICES) else { return };

    let change = |a: f64, b: f64| format!("{:+.1} %", 100.0 * (b - a) / a);
    println!("\n| figure | {} offices | {} offices | change (target within ±20 %) |", small.offices, large.offices);
    println!("|---|---|---|---|");
    println!(
        "| first start, importing the definitions | {:.1} s | {:.1} s | |",
        small.first_start.as_secs_f64(),
        large.first_start.as_secs_f64()
    );
    println!("| start (target ≤ 5 s) | {:.2} s | {:.2} s | |", small.start.as_secs_f64(), large.start.as_secs_f64());
    println!("| RSS after start | {:.0} MB | {:.0} MB | |", small.rss_start, large.rss_start);
    println!("| RSS peak under load (target ≤ 500 MB) | {:.0} MB | {:.0} MB | |", small.peak, large.peak);
    for (name, a, b) in [
        ("applications(first: 50)", small.list, large.list),
        ("act", small.act, large.act),
        ("service (public)", small.service, large.service),
        ("GET /t/bulukumba (public page)", small.office_page, large.office_page),
        ("GET /pengaduan?dinas=bulukumba (public page)", small.complaint_page, large.complaint_page),
    ] {
        println!("| {name}, requests/s | {:.0} | {:.0} | {} |", a.rate, b.rate, change(a.rate, b.rate));
        println!(
            "| {name}, p50 / p99 ms | {:.2} / {:.2} | {:.2} / {:.2} | {} / {} |",
            a.p50,
            a.p99,
            b.p50,
            b.p99,
            change(a.p50, b.p50),
            change(a.p99, b.p99)
        );
    }

    let mut table = Table::new("B cargo bench --bench offices", "[514 offices](#514-offices-in-one-process)");
    let start_and_memory =
        |run: &Run| format!("{:.2} s; {:.0} / {:.0} MB", run.start.as_secs_f64(), run.rss_start, run.peak);
    table.row(
        format!(
            "{} offices in one process (generated), `simpul serve` start; resident memory at start / peak under load",
            large.offices
        ),
        start_and_memory(&large),
        format!("{} of the same offices: {}", small.offices, start_and_memory(&small)),
        format!("≤ 5 s, ≤ 500 MB: {}", verdict(large.start.as_secs_f64() <= 5.0 && large.peak <= 500.0)),
    );
    let rates = |run: &Run| {
        [run.list, run.act, run.service, run.office_page, run.complaint_page]
            .iter()
            .map(|f| thousands(f.rate))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let changes: Vec<f64> = [
        (small.list, large.list),
        (small.act, large.act),
        (small.service, large.service),
        (small.office_page, large.office_page),
        (small.complaint_page, large.complaint_page),
    ]
    .iter()
    .map(|(a, b)| 100.0 * (b.rate - a.rate) / a.rate)
    .collect();
    table.row(
        format!(
            "{} against {} offices: list / `act` / `service` / office page / complaint form, requests/s",
            large.offices, small.offices
        ),
        rates(&large),
        format!(
            "{} offices: {} ({} %)",
            small.offices,
            rates(&small),
            changes.iter().map(|c| format!("{c:+.0}")).collect::<Vec<_>>().join(" / ")
        ),
        format!("each within 20 %: {}", verdict(changes.iter().all(|c| c.abs() < 20.0))),
    );
    table.print(std::env::var("BENCH_DATABASE_URL").ok().as_deref());
}
