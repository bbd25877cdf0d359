//! `simpul serve` on the embedded defaults, from a folder holding nothing of Simpul: migrates, imports the five
//! offices shipped in the binary, answers the probes, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response
}

#[test]
fn the_server_starts_from_any_folder_on_the_embedded_database_with_the_shipped_offices_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut child = Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("SIMPUL_DEFINITIONS")
        .env_remove("DATABASE_URL")
        .env_remove("SIMPUL_BIND")
        .env_remove("SIMPUL_CONFIG")
        .env_remove("SIMPUL_TOKEN_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut demo = String::new();
    out.read_line(&mut demo).expect("first line");
    assert!(demo.contains("kepala_dinas@bulukumba"), "{demo}");
    let mut line = String::new();
    out.read_line(&mut line).expect("second line");
    assert!(line.contains("with 5 offices"), "{line}");
    let address =
        line.split("http://").nth(1).and_then(|rest| rest.split_whitespace().next()).expect("address").to_string();

    assert!(get(&address, "/healthz").starts_with("HTTP/1.1 200"));
    let login = get(&address, "/masuk");
    assert!(login.contains("Pengguna demo") && login.contains("kepala_dinas@bulukumba"), "demo users listed");
    let ready = get(&address, "/readyz");
    assert!(ready.starts_with("HTTP/1.1 200") && ready.contains(r#""database":"ok""#), "{ready}");
    assert!(dir.path().join("data/simpul.db").is_file(), "the embedded database under ./data/");
    let secret = std::fs::read_to_string(dir.path().join("data/token.secret")).expect("a generated token secret");
    assert_eq!(secret.len(), 64);

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("exit");
    assert!(exit.success(), "graceful shutdown exits 0: {exit:?}");

    // The same folder without --demo: the demo accounts still exist, and the login page names none of them.
    let mut child = Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("SIMPUL_DEFINITIONS")
        .env_remove("DATABASE_URL")
        .env_remove("SIMPUL_BIND")
        .env_remove("SIMPUL_CONFIG")
        .env_remove("SIMPUL_TOKEN_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let address = loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).expect("a line") > 0, "the server said where it listens");
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
    let login = get(&address, "/masuk");
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(!login.contains("Pengguna demo") && !login.contains("@bulukumba"), "no account listed: {login}");
    let _ = child.kill();
    let _ = child.wait();
}

/// A definitions folder that cannot be read is reported as that, not as a database failure, and nothing is
/// created.
#[test]
fn an_unreadable_definitions_folder_is_named_before_anything_is_opened() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("SIMPUL_DEFINITIONS", "/nonexistent/definitions")
        .env_remove("DATABASE_URL")
        .env_remove("SIMPUL_CONFIG")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("cannot read the definitions folder /nonexistent/definitions"), "{err}");
    assert!(!err.contains("database"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing created");
}
