//! What the server benches share: a fresh PostgreSQL database for one run, `simpul serve` started on it, and the
//! server process's memory as Linux reports it.
//!
//! Each bench is its own crate and uses part of this module.
#![allow(dead_code)]

pub mod load;
pub mod pgbench;
pub mod table;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A database created for one bench run on the server `BENCH_DATABASE_URL` names, and dropped afterwards
/// (`BENCH_KEEP=1` keeps it for looking into a figure, e.g. EXPLAIN ANALYZE of a page's queries).
pub struct Database {
    admin: String,
    /// Its name (`simpul_bench_<bench>_<pid>`).
    pub name: String,
    /// Its connection URL.
    pub url: String,
}

impl Database {
    /// A fresh, migrated database; `None` (with a line saying so) when `BENCH_DATABASE_URL` is not set.
    pub fn create(bench: &str) -> Option<Database> {
        let Ok(admin) = std::env::var("BENCH_DATABASE_URL") else {
            println!(
                "BENCH_DATABASE_URL is not set: nothing measured (see the comment at the top of benches/{bench}.rs)"
            );
            return None;
        };
        let name = format!("simpul_bench_{bench}_{}", std::process::id());
        psql(&admin, &format!("CREATE DATABASE \"{name}\""));
        let url = format!("{}/{name}", admin.rsplit_once('/').expect("url").0);
        let migrated = Command::new(binary()).args(["migrate", "--database-url", &url]).status().expect("migrate");
        assert!(migrated.success(), "migrate");
        Some(Database { admin, name, url })
    }

    /// Runs `sql` on this database; what it printed, unaligned.
    pub fn psql(&self, sql: &str) -> String {
        psql(&self.url, sql)
    }

    /// Adds `copies` applications, copies of `samples` (ids, taken in turn) with their own ids, claimed tracking codes,
    /// NIK digests and deadlines over the next week: `open_percent` of them stay at their sample's step (in
    /// its inbox), the rest ended; one in a thousand is named `nama<n>` for searches. Then what autovacuum does
    /// after a bulk load (statistics, and the visibility map index-only scans read). Returns how long it took.
    pub fn copy_applications(&self, samples: &[String], copies: usize, open_percent: usize) -> std::time::Duration {
        let started = std::time::Instant::now();
        let ids = samples.iter().map(|s| format!("'{s}'::uuid")).collect::<Vec<_>>().join(", ");
        let open = open_percent;
        self.psql(&format!(
            "INSERT INTO applications (id, tenant_id, tracking_code, service_code, service_version_id, stage, step, outcome, \
             state, service_due_at, service_nearing_at, step_due_at, sort_due_at, assignee, area, \
             inbox, idempotency_key, submitted_by, submitted_at, updated_at, version) \
             SELECT gen_random_uuid(), tenant_id, 'B' || g, service_code, service_version_id, \
             CASE WHEN g % 100 < {open} THEN stage ELSE 'ended' END, step, CASE WHEN g % 100 < {open} THEN outcome ELSE 'selesai' END, \
             state, now() + (g % 10000) * interval '1 minute', now() + (g % 10000) * interval '50 second', step_due_at, \
             now() + (g % 10000) * interval '1 minute', assignee, area, \
             CASE WHEN g % 100 < {open} THEN inbox ELSE '  ' END, NULL, submitted_by, submitted_at, updated_at, version \
             FROM applications JOIN generate_series(1, {copies}) AS g ON id = (ARRAY[{ids}])[1 + g % {}]",
            samples.len()
        ));
        // What each copy is found by, as a submission writes it: its sample's names, or `nama<n>`.
        self.psql(&format!(
            "INSERT INTO application_search (application_id, tenant_id, search, nik_digests) \
             SELECT a.id, a.tenant_id, CASE WHEN c.g % 1000 = 1 THEN 'nama' || c.g ELSE s.search END, \
             md5(c.g::text) || md5((-c.g)::text) \
             FROM applications a CROSS JOIN LATERAL (SELECT substr(a.tracking_code, 2)::bigint AS g) c \
             JOIN application_search s ON s.application_id = (ARRAY[{ids}])[1 + c.g % {}] \
             WHERE a.tracking_code ~ '^B[0-9]+$'",
            samples.len()
        ));
        // Each copy's tracking code claimed for its office, as a submission claims it. A copy's code is 'B' and
        // digits; a real one (`BCHFB-J54J5`) may start with B too, and is claimed already.
        self.psql(
            "INSERT INTO public_codes (code, kind, tenant_id) \
             SELECT tracking_code, 'application', tenant_id FROM applications WHERE tracking_code ~ '^B[0-9]+$'",
        );
        self.psql("VACUUM ANALYZE applications");
        self.psql("VACUUM ANALYZE application_search");
        started.elapsed()
    }

    /// Runs `sql` on the server's administrative database.
    pub fn admin_psql(&self, sql: &str) -> String {
        psql(&self.admin, sql)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if std::env::var_os("BENCH_KEEP").is_some() {
            println!("kept the database {}", self.url);
            return;
        }
        let _ = Command::new("psql")
            .args([self.admin.as_str(), "-q", "-c", &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)])
            .status();
    }
}

/// Runs `sql` through psql on `url`, stopping at the first error; what it printed, unaligned.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").args([url, "-At", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]).output().expect("psql");
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The server binary of this build (release under `cargo bench`).
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_simpul")
}

/// `simpul serve` on a free port of loopback, killed when dropped.
pub struct Server {
    child: Child,
    /// `host:port`.
    pub address: String,
    /// From starting the process to its saying where it listens (the database opened, the definitions imported
    /// if the database had none, the demo accounts made).
    pub started_in: std::time::Duration,
    _folder: tempfile::TempDir,
}

impl Server {
    /// Started on `database` with the five offices' definitions (`demo`: with the demo accounts, password
    /// `demo`), once it says where it listens.
    pub fn start(database: &Database, demo: bool) -> Server {
        let definitions = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("service-definitions");
        Server::start_on(database, &definitions, demo)
    }

    /// Started on `database` with the definitions in `definitions`.
    pub fn start_on(database: &Database, definitions: &std::path::Path, demo: bool) -> Server {
        let folder = tempfile::tempdir().expect("folder");
        let started = std::time::Instant::now();
        let mut args = vec!["serve", "--bind", "127.0.0.1:0", "--definitions", definitions.to_str().expect("utf-8")];
        if demo {
            args.push("--demo");
        }
        let mut child = Command::new(binary())
            .args(args)
            .current_dir(folder.path())
            .env("DATABASE_URL", &database.url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let address = loop {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).expect("line") > 0, "server exited");
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split_whitespace().next().expect("address").to_string();
            }
        };
        Server { child, address, started_in: started.elapsed(), _folder: folder }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in MB (`VmRSS`).
    pub fn resident_mb(&self) -> f64 {
        self.status_mb("VmRSS:")
    }

    /// Resident memory the process allocated (heap, stacks), in MB (`RssAnon`): `resident_mb` less the mapped
    /// binary and libraries.
    pub fn anonymous_mb(&self) -> f64 {
        self.status_mb("RssAnon:")
    }

    /// The most resident memory so far, in MB (`VmHWM`).
    pub fn peak_mb(&self) -> f64 {
        self.status_mb("VmHWM:")
    }

    fn status_mb(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0);
        kb / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
