//! Speed and memory of a registry upload on PostgreSQL: a DTSEN export of 1,000,000 people (CSV, ~70 MB, 1 % of
//! rows rejected) imported as a Bulukumba snapshot, then a second one replacing it. Prints the seconds each took,
//! rows per second, and the process's peak resident memory over its baseline before the import (Linux: the peak is
//! reset through `/proc/self/clear_refs`), beside the same server's `COPY` of the same rows into a plain table
//! (the floor: no checks, no indexes) — and a lookup by NIK in the snapshot in force.
//!
//! Run: `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p simpul-store --bench registry_import`
//! (a database `simpul_bench_<random>` is created on that server and dropped afterwards).

use std::io::{BufWriter, Seek, Write};
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use simpul_definitions::model::RegistrySource;
use simpul_store::registry::ImportRequest;

mod common;

use common::percentile;

const PEOPLE: u64 = 1_000_000;

/// A valid Bulukumba NIK for `i` (kecamatan 01–99, a birth date in 1950–2009, a serial), and its household's
/// No. KK (four people a household).
fn nik(i: u64) -> (String, String) {
    let kecamatan = 1 + i % 10;
    let day = 1 + (i / 10) % 28;
    let month = 1 + (i / 280) % 12;
    let year = 50 + (i / 3360) % 60;
    let serial = 1 + i / 201_600;
    let nik = format!("7302{kecamatan:02}{day:02}{month:02}{:02}{serial:04}", year % 100);
    let household = i / 4;
    let kk = format!("730201010115{:04}", 1 + household % 9999);
    // The KK's serial is 4 digits; households beyond 9,999 vary the kecamatan and the issue day too.
    let kk = format!("7302{:02}{:02}0115{}", 1 + (household / 9999) % 90, 1 + (household / 899_910) % 28, &kk[12..]);
    (nik, kk)
}

fn export(people: u64) -> std::fs::File {
    let file = tempfile::tempfile().expect("temporary file");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "NO;NIK;NO KK;NAMA;DESIL NASIONAL").expect("header");
    for i in 0..people {
        let (nik, kk) = nik(i);
        // One row in a hundred has a desil the import rejects.
        let desil = if i % 100 == 99 { 11 } else { 1 + i % 10 };
        writeln!(out, "{};{nik};{kk};Warga Nomor {i};{desil}", i + 1).expect("row");
    }
    let mut file = out.into_inner().expect("flushed");
    file.rewind().expect("rewound");
    file
}

/// `VmRSS` or `VmHWM` of this process, in MB.
fn memory(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let Some((store, admin, name)) = common::fresh_store("registry_import").await else { return };
        let scope = store.system_scope("bulukumba").await.expect("scope");
        let started = Instant::now();
        let file = export(PEOPLE);
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        println!(
            "export of {PEOPLE} rows written: {:.1} MB in {:.1} s",
            size as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );

        for (round, as_of) in [(1, NaiveDate::from_ymd_opt(2026, 11, 1)), (2, NaiveDate::from_ymd_opt(2026, 12, 1))] {
            let mut file = file.try_clone().expect("file");
            file.rewind().expect("rewound");
            // Reset the peak to now, so that it measures this import alone.
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let baseline = memory("VmRSS:");
            let started = Instant::now();
            let request = ImportRequest {
                source: RegistrySource::Dtsen,
                as_of: as_of.expect("date"),
                file_name: String::from("dtsen.csv"),
                file,
            };
            let snapshot = store.import_registry(&scope, "bench", request, Utc::now()).await.expect("imported");
            let seconds = started.elapsed().as_secs_f64();
            let peak = memory("VmHWM:");
            println!(
                "import {round}: {} rows, {} people, {} households, {} rejected in {seconds:.1} s ({:.0} rows/s); \
                 peak memory {:.0} MB over a baseline of {baseline:.0} MB",
                snapshot.rows,
                snapshot.people,
                snapshot.households,
                snapshot.rejected,
                snapshot.rows as f64 / seconds,
                peak - baseline
            );
        }

        // The floor: the server's own COPY of the same rows into an unindexed table, from this process.
        let db = store.connection();
        db.execute_unprepared("CREATE TABLE copy_floor (nik text, no_kk text, nama text, desil smallint)")
            .await
            .expect("table");
        let pool = db.get_postgres_connection_pool();
        let mut conn = pool.acquire().await.expect("connection");
        let started = Instant::now();
        let mut copy = conn.copy_in_raw("COPY copy_floor FROM STDIN (FORMAT csv, DELIMITER ';')").await.expect("copy");
        let mut chunk = String::with_capacity(1 << 20);
        for i in 0..PEOPLE {
            let (nik, kk) = nik(i);
            chunk.push_str(&format!("{nik};{kk};Warga Nomor {i};{}\n", 1 + i % 10));
            if chunk.len() > (1 << 20) - 200 {
                copy.send(chunk.as_bytes()).await.expect("send");
                chunk.clear();
            }
        }
        copy.send(chunk.as_bytes()).await.expect("send");
        copy.finish().await.expect("finish");
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "reference: COPY of {PEOPLE} rows into an unindexed table in {seconds:.1} s ({:.0} rows/s)",
            PEOPLE as f64 / seconds
        );
        drop(conn);

        // A lookup in the snapshot in force, as the verification page makes one.
        let mut times = Vec::new();
        for i in 0..200u64 {
            let (nik, _) = nik(i * 4999 % PEOPLE);
            let started = Instant::now();
            store
                .registry_lookup(&scope, "bench", "bench", RegistrySource::Dtsen, (Some(&nik), None))
                .await
                .expect("lookup")
                .expect("a snapshot");
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "lookup by NIK (with its household and audit row): p50 {:.2} ms  p99 {:.2} ms",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3
        );
        common::drop_database(store, admin, &name).await;
    });
}
