//! Speed of the dashboard's queries on PostgreSQL with 1,000,000 applications: five offices' two years of
//! history (200,000 each, 90 % ended, with their time per step: 4,500,000 rows), and complaints. Prints p50/p99 of
//! `Store::dashboard` — every figure of the dashboard but the IKM — for one office over a month and over a year,
//! and for a province's two offices over a month; beside them, in the same run, a primary-key lookup (the floor).
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p simpul-store --bench dashboard`
//! (a database `simpul_bench_<random>` is created on that server and dropped afterwards).

use std::time::Instant;

use chrono::{Duration as Days, Utc};
use sea_orm::ConnectionTrait;
use simpul_store::TenantScope;

mod common;

use common::percentile;

const APPLICATIONS: u64 = 1_000_000;
const RUNS: usize = 50;

async fn measure<F, Fut>(label: &str, runs: usize, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await; // warm
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{label:<64} p50 {:>8.2} ms  p99 {:>8.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() {
    let Some((store, admin, name)) = common::fresh_store("dashboard").await else { return };
    let db = store.connection().clone();
    let fill = Instant::now();
    // Each office's first published service; submitted over the last two years, 90 % ended 0–50 office hours
    // later, ends spread over the four kinds, on time when within the service's 30 minutes … 2 days.
    db.execute_unprepared(&format!(
        "INSERT INTO applications (id, tenant_id, tracking_code, service_code, service_version_id, stage, step, outcome, \
         state, service_due_at, service_nearing_at, step_due_at, sort_due_at, assignee, area, inbox, \
         idempotency_key, submitted_by, submitted_at, updated_at, version, ended_at, end_status, took_minutes, \
         budget_minutes, on_time, measured) \
         SELECT gen_random_uuid(), v.tenant_id, 'D' || g, v.code, v.id, \
           CASE WHEN g % 10 = 0 THEN 'at_step' ELSE 'ended' END, NULL, NULL, '{{}}', NULL, NULL, NULL, now(), NULL, NULL, \
           '  ', NULL, 'bench', s.at, s.at, 1, \
           CASE WHEN g % 10 = 0 THEN NULL ELSE s.at + (g % 3000) * interval '1 minute' END, \
           CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY['granted','granted','granted','not_eligible','rejected','withdrawn'])[1 + g % 6] END, \
           CASE WHEN g % 10 = 0 THEN NULL ELSE g % 3000 END, 960, \
           CASE WHEN g % 10 = 0 THEN NULL ELSE g % 3000 <= 960 END, true \
         FROM generate_series(1, {APPLICATIONS}) AS g \
         CROSS JOIN LATERAL (SELECT now() - (g % 1051200) * interval '1 minute' AS at) s \
         JOIN LATERAL (SELECT DISTINCT ON (tenant_id) id, tenant_id, service_code AS code FROM service_versions \
                       WHERE status = 'published' ORDER BY tenant_id, service_code) v \
           ON v.tenant_id = (ARRAY['bulukumba','luwu-timur','bangka','oku-selatan','tebing-tinggi'])[1 + g % 5]"
    ))
    .await
    .expect("applications");
    db.execute_unprepared(
        "INSERT INTO step_times (id, tenant_id, application_id, service_code, step, minutes, ended_at) \
         SELECT gen_random_uuid(), a.tenant_id, a.id, a.service_code, st.step, a.took_minutes * st.part / 100, a.ended_at \
         FROM applications a CROSS JOIN (VALUES ('penerimaan', 10), ('verifikasi', 40), ('penyusunan', 20), \
           ('paraf', 20), ('penandatanganan', 10)) AS st(step, part) WHERE a.ended_at IS NOT NULL",
    )
    .await
    .expect("step times");
    db.execute_unprepared(
        "INSERT INTO complaints (id, tenant_id, code, channel, complainant_name, contact, body, application_id, status, \
         assignee, received_by, received_at, assign_due_at, respond_due_at, close_due_at, assigned_at, responded_at, \
         response, closed_at, external_ref, updated_at) \
         SELECT gen_random_uuid(), (ARRAY['bulukumba','luwu-timur','bangka','oku-selatan','tebing-tinggi'])[1 + g % 5], \
           'ADU-' || g, 'telepon', 'Anonim', NULL, 'Antrean terlalu lama.', NULL, \
           (ARRAY['received','assigned','responded','closed'])[1 + g % 4], NULL, 'bench', \
           now() - (g % 1051200) * interval '1 minute', now(), now(), now(), NULL, NULL, NULL, NULL, NULL, now() \
         FROM generate_series(1, 20000) AS g",
    )
    .await
    .expect("complaints");
    db.execute_unprepared("VACUUM ANALYZE").await.expect("analyze");
    println!(
        "Dashboard on PostgreSQL: {APPLICATIONS} applications (5 offices × 2 years, 90 % ended), 4,500,000 step times, \
         20,000 complaints; filled in {:.1} s; {RUNS} runs each",
        fill.elapsed().as_secs_f64()
    );
    let office = store.system_scope("bulukumba").await.expect("scope");
    let province: Vec<TenantScope> = vec![office.clone(), store.system_scope("luwu-timur").await.expect("scope")];
    let now = Utc::now();
    let one = [office.clone()];
    measure("reference: one application by its primary key", RUNS, || {
        let db = db.clone();
        async move {
            db.execute_unprepared("SELECT state FROM applications WHERE tracking_code = 'D12345'").await.expect("row");
        }
    })
    .await;
    measure("one office, a month (≈ 8,300 received)", RUNS, || {
        let store = store.clone();
        let one = one.clone();
        async move {
            store.dashboard(&one, now - Days::days(30), now).await.expect("dashboard");
        }
    })
    .await;
    measure("a province's two offices, a month", RUNS, || {
        let store = store.clone();
        let province = province.clone();
        async move {
            store.dashboard(&province, now - Days::days(30), now).await.expect("dashboard");
        }
    })
    .await;
    measure("one office, a year (≈ 100,000 received)", RUNS / 5, || {
        let store = store.clone();
        let one = one.clone();
        async move {
            store.dashboard(&one, now - Days::days(365), now).await.expect("dashboard");
        }
    })
    .await;
    common::drop_database(store, admin, &name).await;
}
