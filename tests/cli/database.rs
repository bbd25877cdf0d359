//! `simpul migrate` and `simpul definitions sync` on the embedded database.

use super::{stdout, workspace};

fn simpul_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SIMPUL_CONFIG")
        .output()
        .expect("run simpul")
}

#[test]
fn migrate_then_sync_creates_the_embedded_database_and_reports_changes() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let definitions = workspace().join("service-definitions");
    let defs = definitions.to_str().expect("utf-8");
    let migrated = simpul_in(dir.path(), &["migrate"]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    assert!(dir.path().join("data/simpul.db").is_file(), "the SQLite file under ./data/");
    let first = simpul_in(dir.path(), &["definitions", "sync", defs]);
    assert!(stdout(&first).contains("12 added, 0 changed, 0 unchanged; 5 tenants"), "{}", stdout(&first));
    let again = simpul_in(dir.path(), &["definitions", "sync", defs]);
    assert!(stdout(&again).contains("0 added, 0 changed, 12 unchanged"), "{}", stdout(&again));
}

#[test]
fn the_config_file_names_the_database() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("simpul.yaml"), "database_url: sqlite://lain.db?mode=rwc\n").expect("config");
    let migrated = simpul_in(dir.path(), &["migrate"]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    assert!(dir.path().join("lain.db").is_file());
    std::fs::write(dir.path().join("simpul.yaml"), "databse_url: x\n").expect("config");
    let refused = simpul_in(dir.path(), &["migrate"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown field `databse_url`"));
}

#[test]
fn users_and_api_keys_are_created_from_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("temporary folder");
    let definitions = workspace().join("service-definitions");
    let defs = definitions.to_str().expect("utf-8");
    assert!(simpul_in(dir.path(), &["migrate"]).status.success());
    assert!(simpul_in(dir.path(), &["definitions", "sync", defs]).status.success());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(["user", "add", "andi", "--name", "Andi", "--role", "bulukumba:kabid", "--province", "73"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("SIMPUL_CONFIG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start");
    child.stdin.take().expect("stdin").write_all(b"kata-sandi-kuat\n").expect("password");
    let out = child.wait_with_output().expect("done");
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("created user andi"));
    let key = simpul_in(dir.path(), &["apikey", "create", "--tenant", "tebing-tinggi", "--name", "Dinas Kesehatan"]);
    assert!(stdout(&key).contains("api key") && stdout(&key).contains("spl_"), "{}", stdout(&key));
    let unknown = simpul_in(dir.path(), &["apikey", "create", "--tenant", "atlantis", "--name", "x"]);
    assert_eq!(unknown.status.code(), Some(2));
}
