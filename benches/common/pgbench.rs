//! PostgreSQL's own commit rate, the reference the benches print beside their figures: pgbench running one
//! `INSERT` of one row per transaction on the same server, in the same run.

use std::time::Duration;

/// The table the reference inserts into; `setup` creates it.
pub const TABLE_SQL: &str =
    "CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY, worker int, at timestamptz)";

/// The reference's transaction.
pub const INSERT_SQL: &str = "INSERT INTO bench_commits (worker, at) VALUES (1, now())";

/// pgbench's one-row commits per second on `url` (whose database has [`TABLE_SQL`]'s table) with `clients`
/// clients for `time` (its figure without the connection time).
pub fn one_row_commits(url: &str, clients: usize, time: Duration) -> f64 {
    let script = tempfile::NamedTempFile::new().expect("script");
    std::fs::write(script.path(), format!("{INSERT_SQL};\n")).expect("script");
    let threads = clients.min(std::thread::available_parallelism().map_or(1, |n| n.get()));
    let out = std::process::Command::new("pgbench")
        .args(["-n", "-c", &clients.to_string(), "-j", &threads.to_string(), "-T", &time.as_secs().to_string(), "-f"])
        .arg(script.path())
        .arg(url)
        .output()
        .expect("pgbench (Debian's postgresql-client)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output: {text} {}", String::from_utf8_lossy(&out.stderr)))
}
