//! Speed of the API under load from a second process: requests per second and p50/p99 latency of `login`,
//! `inbox` and `act`, on PostgreSQL, against the real `simpul serve` on loopback; then the server's resident
//! memory once it has idled after the load (what the allocator gave back).
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench api`
//! (a database `simpul_bench_api_<pid>` is created on that server, and dropped afterwards).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::load::{LIST, SECONDS, SKTM_ROLES, WORKERS, act, login, post, reads, report, submit_sktm};
use common::table::{Table, thousands, verdict};
use common::{Database, Server, pgbench};
use serde_json::json;

/// Applications in the lists read by the load, and as many again submitted before the `act` load, which carries
/// all of them through every step: enough for its whole time (1,600 ran out after 14.5 s once `act` passed 1,200
/// requests/s), while the lists keep the size their figures have always been measured at.
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

fn main() {
    let Some(database) = Database::create("api") else { return };
    let server = Server::start(&database, true);
    let address = server.address.clone();
    println!("server started: RSS {:.0} MB, of which allocated {:.0} MB", server.resident_mb(), server.anonymous_mb());
    let tokens: Vec<(String, String)> =
        SKTM_ROLES.iter().map(|r| (r.to_string(), login(&address, &format!("{r}@bulukumba"), "demo"))).collect();
    let token = |role: &str| tokens.iter().find(|(r, _)| r == role).expect("role").1.clone();
    let ids = submit_sktm(&address, &token("petugas_layanan"), SEEDED);
    println!(
        "API benchmark on PostgreSQL: {WORKERS} client threads in a second process, {SECONDS} s each; {SEEDED} applications seeded"
    );

    let inbox = "{ inbox(first: 20) { edges { node { id version step deadlines { service { state } } } } } }";
    let inbox = reads(&address, &token("petugas_layanan"), inbox, "inbox (20 per page)");
    let list = reads(&address, &token("petugas_layanan"), LIST, "applications(first: 50)");
    let ids = [ids, submit_sktm(&address, &token("petugas_layanan"), SEEDED)].concat();
    let acted = act(&address, token, &ids, "act (every step of Bulukumba SKTM)");
    let act = acted.rate;
    // The reference, on the same server in the same run: PostgreSQL's own one-row commits at as many clients.
    database.psql(pgbench::TABLE_SQL);
    let reference = pgbench::one_row_commits(&database.url, WORKERS, Duration::from_secs(SECONDS));
    println!(
        "pgbench, one-row INSERT per transaction, {WORKERS} clients: {reference:.0} transactions/s; act at {:.1} % of it (target ≥ 10 %)",
        100.0 * act / reference
    );

    // The list at scale: 1,000,000 applications, a quarter of them open, copies of three just submitted; one
    // client after another (the server's time plus loopback), then 16 at once.
    let fresh = submit_sktm(&address, &token("petugas_layanan"), 3);
    let filled = database.copy_applications(&fresh, AT_SCALE - SEEDED - fresh.len(), 25);
    println!("{AT_SCALE} applications, a quarter open (filled in {:.0} s)", filled.as_secs_f64());
    let front = token("petugas_layanan");
    let sequential: Vec<Duration> = (0..SEQUENTIAL)
        .map(|_| {
            let t = Instant::now();
            let response = post(&address, &front, LIST, json!({}));
            assert!(response.get("errors").is_none(), "{response}");
            t.elapsed()
        })
        .collect();
    let elapsed = sequential.iter().sum();
    let at_scale = report(
        "applications(first: 50) at 1,000,000, one client (target p50 ≤ 5 ms, p99 ≤ 20 ms)",
        sequential,
        elapsed,
    );
    reads(&address, &front, LIST, "applications(first: 50) at 1,000,000, 16 clients");

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
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let handles: Vec<_> = officers
        .iter()
        .map(|user| {
            let (address, latencies, user) = (address.clone(), latencies.clone(), user.to_string());
            std::thread::spawn(move || {
                let mine: Vec<Duration> = (0..LOGINS / WORKERS)
                    .map(|_| {
                        let t = Instant::now();
                        login(&address, &user, "demo");
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
    let idle = server.resident_mb();
    println!(
        "after the load and {} s idle: RSS {idle:.0} MB (target ≤ 150 MB), of which allocated {:.0} MB; peak during the load {peak:.0} MB",
        IDLE.as_secs(),
        server.anonymous_mb()
    );

    let mut table = Table::new("B cargo bench --bench api", "[Speed of the API](#speed-of-the-api)");
    let share = 100.0 * act / reference;
    table.row(
        format!("`act` through GraphQL, {WORKERS} connections"),
        format!("{} requests/s, p50 {:.1} ms, p99 {:.1} ms", thousands(act), acted.p50, acted.p99),
        format!("pgbench one-row commits, {WORKERS} clients: {}/s (`act` at {share:.1} %)", thousands(reference)),
        format!("≥ 10 %, p99 ≤ 50 ms: {}", verdict(share >= 10.0 && acted.p99 <= 50.0)),
    );
    table.row(
        "`applications(first: 50)` at 1,000,000 applications, one client",
        format!("p50 {:.2} ms, p99 {:.2} ms", at_scale.p50, at_scale.p99),
        "",
        format!("p50 ≤ 5 ms, p99 ≤ 20 ms: {}", verdict(at_scale.p50 <= 5.0 && at_scale.p99 <= 20.0)),
    );
    table.row(
        format!(
            "`applications(first: 50)` / `inbox(first: 20)`, {WORKERS} connections, {} applications",
            thousands(SEEDED as f64)
        ),
        format!(
            "{} / {} requests/s; p99 {:.1} / {:.1} ms",
            thousands(list.rate),
            thousands(inbox.rate),
            list.p99,
            inbox.p99
        ),
        "as above",
        "",
    );
    table.row(
        format!("server memory after a load and {} s idle", IDLE.as_secs()),
        format!("{idle:.0} MB RSS"),
        format!("peak during the load: {peak:.0} MB"),
        format!("≤ 150 MB: {}", verdict(idle <= 150.0)),
    );
    table.print(Some(&database.url));
}
