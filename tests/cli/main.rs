//! Tests of the `simpul` command line, run as a user would run it.

mod database;
mod generate;
mod schema;
mod serve;
mod validate;

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the built `simpul` binary from the workspace root.
pub fn simpul(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(args)
        .current_dir(workspace())
        .env_remove("SIMPUL_DEFINITIONS")
        .output()
        .expect("run simpul")
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
