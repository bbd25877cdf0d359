//! The README's performance table ("Performance at a glance"): every bench that measures one of its figures ends by
//! printing its rows in the same columns — the figure, what was measured, the reference measured beside it in the
//! same run, the target, the command with the date, where the details are — under a line naming the machine, so
//! that a run's output is the table's update. Shared by the root benches and the store's (`#[path]`), so that the
//! columns are written once.
// Each bench prints only some kinds of figures.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::process::Command;

/// One row.
pub struct Row {
    pub figure: String,
    pub measured: String,
    pub reference: String,
    pub target: String,
}

/// A bench's rows, printed by [`Table::print`].
pub struct Table {
    /// How to run the bench, as the README writes it (`B` stands for `BENCH_DATABASE_URL=…`).
    command: &'static str,
    /// The README section that explains the figures.
    details: &'static str,
    rows: Vec<Row>,
}

impl Table {
    pub fn new(command: &'static str, details: &'static str) -> Table {
        Table { command, details, rows: Vec::new() }
    }

    /// Adds a row; a target "met" or "**not met**" is the caller's judgement of its own figures.
    pub fn row(
        &mut self,
        figure: impl Into<String>,
        measured: impl Into<String>,
        reference: impl Into<String>,
        target: impl Into<String>,
    ) {
        self.rows.push(Row {
            figure: figure.into(),
            measured: measured.into(),
            reference: reference.into(),
            target: target.into(),
        });
    }

    /// The rows as the README's table holds them, under the machine they were measured on.
    pub fn render(&self, database_url: Option<&str>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "\nFor the README's performance table — {}:\n", machine(database_url));
        let _ = writeln!(
            out,
            "| figure | measured | reference in the same run | target (issue 20) | command, date | details |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        let date = today();
        for row in &self.rows {
            let or_dash = |text: &str| if text.is_empty() { String::from("—") } else { text.to_string() };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | `{}`, {date} | {} |",
                row.figure,
                row.measured,
                or_dash(&row.reference),
                or_dash(&row.target),
                self.command,
                self.details
            );
        }
        out
    }

    pub fn print(&self, database_url: Option<&str>) {
        print!("{}", self.render(database_url));
    }
}

/// "met" or "**not met**", as the table writes it.
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

/// A whole number with thousands separated by commas, as the README writes figures.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

/// The date of the run (UTC), from `date`, as the README writes dates.
fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| String::from("(date unknown)"))
}

/// The machine: cores, processor, memory, and the PostgreSQL server measured on.
fn machine(database_url: Option<&str>) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name").and_then(|rest| rest.split_once(':')).map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| String::from("processor unknown"));
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let postgres = database_url
        .and_then(|url| {
            let output = Command::new("psql").args([url, "-tA", "-c", "SHOW server_version"]).output().ok()?;
            let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
            (!version.is_empty()).then(|| format!("; PostgreSQL {version}"))
        })
        .unwrap_or_default();
    format!("{cores} cores ({model}), {memory_gib:.0} GiB{postgres}")
}
