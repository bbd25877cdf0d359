//! Speed of the store on PostgreSQL, printed as figures:
//!
//! 1. committed transitions per second — complete Bulukumba lifecycles (submission and 11 actions, each its own
//!    decision) times 12 — at 1, 4 and 16 concurrent workers;
//! 2. beside each, one-row commits per second through the same client stack (sqlx via sea-orm, the same pool) and
//!    through pgbench (`INSERT` of one row per transaction, as many clients), on the same server in the same run,
//!    and the ratios: how close a transition comes to the database's own commit rate;
//! 3. beside those, the ceiling: the statement of a typical decision's writes run by pgbench alone, one decision
//!    per statement and four (see `common/decision_alone.rs`) — what PostgreSQL commits of them with no client work;
//! 4. the time to list one page (50) of a tenant's open applications by deadline with 1,000,000 applications in
//!    the table.
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p simpul-store --bench store`
//! (a database `simpul_bench_<random>` is created on that server and dropped afterwards).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::ConnectionTrait;
use simpul_definitions::model::{Channel, Fact};
use simpul_engine::{ActionInput, Actor, Command, FactValue};
use simpul_store::auth::RoleGrant;
use simpul_store::{ApplicationFilter, StageFilter, Store, SubmitRequest, TenantScope};

mod common;
#[path = "common/decision_alone.rs"]
mod decision_alone;
#[path = "../../../benches/common/pgbench.rs"]
mod pgbench;
#[path = "../../../benches/common/table.rs"]
mod table;

use common::percentile;

/// The allocator `simpul serve` runs with (see `src/main.rs`): the client side of a transition is measured as the
/// server spends it. With glibc's malloc a third of the bench process's time went to the allocator.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// One concurrency's figures, each per second.
struct Rates {
    /// The store's committed decisions.
    transitions: f64,
    /// One-row commits through sqlx (sea-orm's pool), the reference.
    sqlx: f64,
    /// One-row commits through pgbench.
    pgbench: f64,
    /// A decision's writes alone, through pgbench, one per statement.
    alone: f64,
    /// The same, [`decision_alone::GROUP`] per statement.
    grouped: f64,
}

/// The concurrencies measured: one officer, a busy office, a province's peak.
const CONCURRENCY: [usize; 3] = [1, 4, 16];
const SECONDS: u64 = 15;

struct Officers {
    scope: TenantScope,
    roles: Vec<(String, Actor)>,
}

impl Officers {
    fn get(&self, role: &str) -> &Actor {
        &self.roles.iter().find(|(r, _)| r == role).expect("role").1
    }
}

fn input(checklist: &[&str]) -> ActionInput {
    ActionInput { checklist: checklist.iter().map(|c| (c.to_string(), true)).collect(), ..Default::default() }
}

async fn lifecycle(store: &Store, o: &Officers) {
    let now = Utc::now();
    let request = SubmitRequest {
        service: "rekomendasi-sktm".into(),
        data: serde_json::from_value(serde_json::json!({
            "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003",
            "tempat_lahir": "Bulukumba", "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2",
            "tujuan": "keringanan biaya rumah sakit"
        }))
        .expect("form"),
        channel: Channel::Langsung,
        fact_notes: Default::default(),
        findings: Default::default(),
        facts: Default::default(),
        documents_received: ["ktp_kk", "sktm_desa", "sptjm"].map(String::from).into_iter().collect(),
        idempotency_key: None,
    };
    let submitted = store.submit(&o.scope, o.get("petugas_layanan"), &request, now).await.expect("submit");
    let mut verified = input(&["cek_siks_ng", "cek_e_dabu"]);
    verified.facts = [
        (Fact::DtksTerdaftar, FactValue::Bool(true)),
        (Fact::PbiApbn, FactValue::Bool(false)),
        (Fact::PbiApbd, FactValue::Bool(false)),
    ]
    .into_iter()
    .collect();
    let steps = [
        ("petugas_layanan", "terima", input(&[])),
        ("petugas_layanan", "lengkap", input(&["ktp_kk", "sktm_desa", "sptjm"])),
        ("verifikator", "memenuhi", verified),
        ("verifikator", "selesai_disusun", input(&[])),
        ("verifikator", "sesuai", input(&["data_sesuai", "tujuan_sesuai"])),
        ("penyuluh_sosial", "paraf", input(&[])),
        ("kabid", "paraf", input(&[])),
        ("sekretaris", "paraf", input(&[])),
        ("kepala_dinas", "tandatangani", input(&[])),
        ("petugas_layanan", "diserahkan", input(&[])),
        ("petugas_layanan", "diarsipkan", input(&[])),
    ];
    let mut version = submitted.record.version as u64;
    for (role, action, input) in steps {
        let command = Command::Act { expected_version: version, action: action.into(), input };
        let acted = store.act(&o.scope, o.get(role), submitted.record.id, command, now).await.expect(action);
        version = acted.record.version as u64;
    }
}

async fn for_workers<F, Fut>(workers: usize, seconds: u64, work: F) -> (u64, Duration)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let work = Arc::new(work);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (done, work) = (done.clone(), work.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                work().await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        task.await.expect("worker");
    }
    (done.load(Ordering::Relaxed), start.elapsed())
}

#[tokio::main]
async fn main() {
    let Some((store, admin, name)) = common::fresh_store("store").await else { return };
    let mut roles = Vec::new();
    for role in ["petugas_layanan", "verifikator", "penyuluh_sosial", "kabid", "sekretaris", "kepala_dinas"] {
        let username = format!("{role}@bench");
        store
            .create_user(
                &username,
                role,
                "bench-password",
                &[RoleGrant::Tenant { tenant: "bulukumba".into(), role: role.into() }],
            )
            .await
            .expect("user");
        let principal = store.login(&username, "bench-password").await.expect("login");
        let scope = principal.memberships[0].scope.clone();
        roles.push((role.to_string(), principal.actor(&scope)));
    }
    let scope = store.system_scope("bulukumba").await.expect("scope");
    let officers = Arc::new(Officers { scope: scope.clone(), roles });

    println!("PostgreSQL store benchmark: {SECONDS} s per measurement");
    lifecycle(&store, &officers).await; // warm caches
    let db = store.connection().clone();
    db.execute_unprepared(pgbench::TABLE_SQL).await.expect("table");
    let server = std::env::var("BENCH_DATABASE_URL").expect("set, or fresh_store had returned");
    let url = format!("{}/{name}", server.rsplit_once('/').expect("url").0);
    println!(
        "| clients | transitions/s (lifecycles × 12) | one-row commits/s, sqlx | one-row commits/s, pgbench | transitions ÷ sqlx | transitions ÷ pgbench | a decision's writes alone, pgbench: decisions/s (÷ sqlx) | {} per statement (÷ sqlx) |",
        decision_alone::GROUP
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut measured: Vec<(f64, f64, f64)> = Vec::new();
    for workers in CONCURRENCY {
        let (s, o) = (store.clone(), officers.clone());
        let (lifecycles, elapsed) = for_workers(workers, SECONDS, move || {
            let (s, o) = (s.clone(), o.clone());
            async move { lifecycle(&s, &o).await }
        })
        .await;
        let transitions = lifecycles as f64 * 12.0 / elapsed.as_secs_f64();
        let conn = db.clone();
        let (commits, elapsed) = for_workers(workers, SECONDS, move || {
            let conn = conn.clone();
            async move {
                conn.execute_unprepared(pgbench::INSERT_SQL).await.expect("insert");
            }
        })
        .await;
        let sqlx = commits as f64 / elapsed.as_secs_f64();
        let pgbench = pgbench::one_row_commits(&url, workers, Duration::from_secs(SECONDS));
        measured.push((transitions, sqlx, pgbench));
    }
    // The ceiling after every transition phase, so that its writes (and the dead rows they leave) come after what
    // the transitions were measured on; the targets are then all the applications the phases wrote.
    db.execute_unprepared(decision_alone::SETUP_SQL).await.expect("decisions alone");
    let targets: i64 = db
        .query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), decision_alone::TARGETS_SQL))
        .await
        .expect("targets")
        .and_then(|row| row.try_get_by_index(0).ok())
        .expect("a count");
    let mut rates: Vec<Rates> = Vec::new();
    for (workers, (transitions, sqlx, pgbench)) in CONCURRENCY.into_iter().zip(measured) {
        let ceiling = |per_statement| {
            let script = decision_alone::script(targets, per_statement);
            let time = Duration::from_secs(SECONDS);
            per_statement as f64 * pgbench::transactions(&url, workers, time, &script, pgbench::Protocol::Prepared)
        };
        let (alone, grouped) = (ceiling(1), ceiling(decision_alone::GROUP));
        println!(
            "| {workers} | {transitions:.0} | {sqlx:.0} | {pgbench:.0} | {:.0} % | {:.0} % | {alone:.0} ({:.0} %) | {grouped:.0} ({:.0} %) |",
            100.0 * transitions / sqlx,
            100.0 * transitions / pgbench,
            100.0 * alone / sqlx,
            100.0 * grouped / sqlx,
        );
        rates.push(Rates { transitions, sqlx, pgbench, alone, grouped });
    }
    let mut summary =
        table::Table::new("B cargo bench -p simpul-store --bench store", "[The store](#speed-on-postgresql)");
    let joined = |pick: &dyn Fn(&Rates) -> String| rates.iter().map(pick).collect::<Vec<_>>().join(" / ");
    summary.row(
        format!(
            "decisions (transitions) committed per second, {} clients",
            CONCURRENCY.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" / ")
        ),
        joined(&|r| table::thousands(r.transitions)),
        format!(
            "one-row commits, sqlx: {} ({} %); pgbench: {} ({} %); a decision's writes alone, pgbench: {} ({} % of \
             sqlx's one-row), {} per statement: {} ({} %)",
            joined(&|r| table::thousands(r.sqlx)),
            joined(&|r| format!("{:.0}", 100.0 * r.transitions / r.sqlx)),
            joined(&|r| table::thousands(r.pgbench)),
            joined(&|r| format!("{:.0}", 100.0 * r.transitions / r.pgbench)),
            joined(&|r| table::thousands(r.alone)),
            joined(&|r| format!("{:.0}", 100.0 * r.alone / r.sqlx)),
            decision_alone::GROUP,
            joined(&|r| table::thousands(r.grouped)),
            joined(&|r| format!("{:.0}", 100.0 * r.grouped / r.sqlx)),
        ),
        format!("≥ 50 % of sqlx's: {}", table::verdict(rates.iter().all(|r| r.transitions >= 0.5 * r.sqlx))),
    );

    // 1,000,000 applications: copies of a real one, spread over the tenants, most of them open. Listed by
    // deadline only, never searched, so without rows in `application_search`.
    let sample =
        store.applications(&scope, &ApplicationFilter::default(), 1, None, Utc::now()).await.expect("sample").items[0]
            .1
            .id;
    let fill = Instant::now();
    store
        .connection()
        .execute_unprepared(&format!(
            "INSERT INTO applications (id, tenant_id, tracking_code, service_code, service_version_id, stage, step, outcome, \
             state, service_due_at, service_nearing_at, step_due_at, sort_due_at, assignee, idempotency_key, \
             submitted_by, submitted_at, updated_at, version) \
             SELECT gen_random_uuid(), (ARRAY['bulukumba','bulukumba','luwu-timur','bangka','oku-selatan','tebing-tinggi'])[1 + g % 6], \
             'B' || g, service_code, service_version_id, CASE WHEN g % 4 = 0 THEN 'ended' ELSE 'at_step' END, step, outcome, \
             state, now() + (g % 10000) * interval '1 minute', now() + (g % 10000) * interval '50 second', NULL, \
             now() + (g % 10000) * interval '1 minute', NULL, NULL, submitted_by, submitted_at, updated_at, version \
             FROM applications, generate_series(1, 1000000) AS g WHERE id = '{sample}'"
        ))
        .await
        .expect("fill");
    store.connection().execute_unprepared("ANALYZE applications").await.expect("analyze");
    println!("filled 1,000,000 applications in {:.1} s", fill.elapsed().as_secs_f64());
    let filter = ApplicationFilter { stage: Some(StageFilter::AtStep), ..Default::default() };
    let mut first_pages = Vec::new();
    let mut deep_pages = Vec::new();
    let mut cursor = None;
    for _ in 0..200 {
        let started = Instant::now();
        let page = store.applications(&scope, &filter, 50, None, Utc::now()).await.expect("page");
        first_pages.push(started.elapsed());
        assert_eq!(page.items.len(), 50);
        let started = Instant::now();
        let page = store.applications(&scope, &filter, 50, cursor.as_deref(), Utc::now()).await.expect("page");
        deep_pages.push(started.elapsed());
        cursor = page.items.last().map(|(c, _)| c.clone());
    }
    first_pages.sort();
    deep_pages.sort();
    let pages = format!(
        "first page p50 {:.2} ms, p99 {:.2} ms; following pages p50 {:.2} ms, p99 {:.2} ms",
        percentile(&first_pages, 0.5).as_secs_f64() * 1e3,
        percentile(&first_pages, 0.99).as_secs_f64() * 1e3,
        percentile(&deep_pages, 0.5).as_secs_f64() * 1e3,
        percentile(&deep_pages, 0.99).as_secs_f64() * 1e3,
    );
    println!("one page of 50 open applications of one tenant, by deadline, 1,000,000 in the table: {pages}");
    summary.row(
        "one page of 50 open applications by deadline at 1,000,000 applications (store, one client)",
        pages,
        "",
        "",
    );
    summary.print(Some(&server));
    common::drop_database(store, admin, &name).await;
}
