//! PostgreSQL's own commit rate, the reference the benches print beside their figures: pgbench running one
//! `INSERT` of one row per transaction on the same server, in the same run.

use std::time::Duration;

/// The table the reference inserts into; `setup` creates it.
pub const TABLE_SQL: &str =
    "CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY, worker int, at timestamptz)";

/// The reference's transaction.
pub const INSERT_SQL: &str = "INSERT INTO bench_commits (worker, at) VALUES (1, now())";

/// How pgbench sends a script's statements.
#[allow(dead_code)] // each bench binary uses the variants it needs
#[derive(Debug, Clone, Copy)]
pub enum Protocol {
    /// The text of each statement every time (pgbench's default, the one-row reference's).
    Simple,
    /// Parsed once per connection, then bound and executed: how sqlx sends the store's statements.
    Prepared,
}

/// pgbench's one-row commits per second on `url` (whose database has [`TABLE_SQL`]'s table) with `clients`
/// clients for `time` (its figure without the connection time).
pub fn one_row_commits(url: &str, clients: usize, time: Duration) -> f64 {
    transactions(url, clients, time, &format!("{INSERT_SQL};\n"), Protocol::Simple)
}

/// pgbench's transactions per second running `script` (pgbench's script language) on `url` with `clients`
/// clients for `time`.
pub fn transactions(url: &str, clients: usize, time: Duration, script: &str, protocol: Protocol) -> f64 {
    let file = tempfile::NamedTempFile::new().expect("script");
    std::fs::write(file.path(), script).expect("script");
    let threads = clients.min(std::thread::available_parallelism().map_or(1, |n| n.get()));
    let protocol = match protocol {
        Protocol::Simple => "simple",
        Protocol::Prepared => "prepared",
    };
    let out = std::process::Command::new("pgbench")
        .args(["-n", "-M", protocol, "-c", &clients.to_string(), "-j", &threads.to_string()])
        .args(["-T", &time.as_secs().to_string(), "-f"])
        .arg(file.path())
        .arg(url)
        .output()
        .expect("pgbench (Debian's postgresql-client)");
    let text = String::from_utf8_lossy(&out.stdout);
    // A client aborted by an error still leaves a tps line, over what the others did: not a figure.
    assert!(out.status.success(), "pgbench failed: {text} {}", String::from_utf8_lossy(&out.stderr));
    text.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output: {text} {}", String::from_utf8_lossy(&out.stderr)))
}
