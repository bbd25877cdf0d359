//! What an idle server costs its database: `simpul serve` on a fresh PostgreSQL database whose outbox holds
//! 1,000,000 rows handed over long ago, with autovacuum off on the polled tables and the statistics taken while
//! every row was still waiting (so they say "all pending" while none is) — the case in which the outbox poll once
//! read the whole table four times a second. Prints the CPU time the server's PostgreSQL backends used in one
//! minute of idling (from `/proc`, so PostgreSQL must run on this machine) and the server's resident memory; the
//! same measured first with an empty outbox, as the reference.
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench idle`. The figure is
//! the database's, so a debug build of the server measures the same (`cargo bench --bench idle --profile dev`).

mod common;

use std::time::Duration;

use common::table::{Table, verdict};
use common::{Database, Server};

/// Rows handed over in the outbox.
const ROWS: u32 = 1_000_000;
/// How long the server idles before the measurement (its start-up work done) and while measured.
const SETTLE: Duration = Duration::from_secs(20);
const MEASURED: Duration = Duration::from_secs(60);

/// CPU ticks used so far by the backends connected to `database`.
fn backend_ticks(database: &Database) -> u64 {
    database
        .admin_psql(&format!("SELECT pid FROM pg_stat_activity WHERE datname = '{}'", database.name))
        .lines()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| {
            let after_name = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = after_name.split_whitespace().collect();
            // utime and stime are the 14th and 15th fields; 12th and 13th after the name.
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .sum()
}

/// The PostgreSQL CPU-s per minute of `database`'s backends while a server idles on it.
fn idle_cost(database: &Database) -> (f64, f64) {
    let server = Server::start(database, false);
    std::thread::sleep(SETTLE);
    let before = backend_ticks(database);
    std::thread::sleep(MEASURED);
    let used = backend_ticks(database).saturating_sub(before);
    // Linux counts CPU time in ticks of 1/100 s (`getconf CLK_TCK`).
    (used as f64 / 100.0 / (MEASURED.as_secs_f64() / 60.0), server.resident_mb())
}

fn main() {
    let Some(database) = Database::create("idle") else { return };
    // The reference: the same server idling on the same database with an empty outbox.
    let (empty, _) = idle_cost(&database);
    println!("idle server, empty outbox: PostgreSQL {empty:.2} CPU-s per minute");
    for table in ["outbox", "webhook_deliveries", "notifications", "letters", "applications"] {
        database.psql(&format!("ALTER TABLE {table} SET (autovacuum_enabled = off)"));
    }
    // Time-ordered ids over the last 30 days, as the store writes them: 48 bits of milliseconds, then version 7.
    database.psql(&format!(
        "INSERT INTO outbox (id, tenant_id, application_id, event_seq, kind, payload, created_at) \
         SELECT (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(g::text), 1, 3) \
         || '8' || substr(md5(g::text), 4, 15))::uuid, 'bulukumba', gen_random_uuid(), 1, 'submitted', '{{}}', t \
         FROM generate_series(1, {ROWS}) g, LATERAL (SELECT now() - interval '30 days' + g * interval '2 seconds' AS t) x"
    ));
    database.psql("ANALYZE");
    database.psql("UPDATE outbox SET delivered_at = created_at");
    let (seconds, resident) = idle_cost(&database);
    println!(
        "idle server, {ROWS} handed-over outbox rows, autovacuum off, stale statistics: PostgreSQL {seconds:.2} CPU-s per minute (target < 0.2); server RSS {resident:.0} MB"
    );
    let mut table =
        Table::new("B cargo bench --bench idle", "[An idle server](#several-instances-events-and-webhooks)");
    table.row(
        "idle server's cost to PostgreSQL, 1,000,000 handed-over outbox rows, stale statistics",
        format!("{seconds:.2} CPU-s per minute"),
        format!("the same server on an empty outbox: {empty:.2} CPU-s"),
        format!("< 0.2: {}", verdict(seconds < 0.2)),
    );
    table.print(Some(&database.url));
}
