//! The S3 server stops in the middle of work: the error says so plainly, and nothing is left half-saved.
//!
//! The test runs its own s3s-fs (on PATH, as CI installs it) so that it can stop and restart it. It is skipped
//! only when neither the binary nor `TEST_S3_ENDPOINT` is present; with `TEST_S3_ENDPOINT` set it must run.

use std::net::TcpListener;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use simpul_files::{Files, FilesError, ObjectKey, S3Config, S3Store};
use tokio::process::{Child, Command};
use uuid::Uuid;

use super::support::pdf;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

async fn start(root: &std::path::Path, port: u16) -> Option<Child> {
    let child = Command::new("s3s-fs")
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--access-key", "AK", "--secret-key", "SK"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var("TEST_S3_ENDPOINT").is_err(),
                "TEST_S3_ENDPOINT is set but s3s-fs is missing: {error}"
            );
            eprintln!("s3s-fs not installed: S3 outage test skipped");
            return None;
        }
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Some(child);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("s3s-fs did not start on port {port}");
}

#[tokio::test]
async fn stopping_the_s3_server_mid_test_gives_a_clear_error_and_leaves_nothing() {
    let root = tempfile::tempdir().expect("dir");
    let port = free_port();
    let Some(mut server) = start(root.path(), port).await else { return };
    let config = S3Config {
        endpoint: format!("http://127.0.0.1:{port}"),
        bucket: String::from("simpul"),
        region: String::from("us-east-1"),
        access_key: String::from("AK"),
        secret_key: String::from("SK"),
    };
    let store = S3Store::open(&config).await.expect("open");
    let files = Files::new(Arc::new(store), b"secret");
    let application = Uuid::now_v7();
    let kept = ObjectKey::new("bulukumba", application).expect("key");
    files.put_bytes(kept.clone(), &pdf(10_000), "application/pdf").await.expect("stored while up");

    server.kill().await.expect("stop s3s-fs");
    server.wait().await.expect("stopped");
    let lost = ObjectKey::new("bulukumba", application).expect("key");
    let error = files.put_bytes(lost.clone(), &pdf(10_000), "application/pdf").await.expect_err("server down");
    assert!(matches!(error, FilesError::Unavailable(_)), "{error:?}");
    assert!(error.to_string().starts_with("penyimpanan berkas tidak dapat dihubungi"), "{error}");
    assert!(matches!(files.get(&kept).await, Err(FilesError::Unavailable(_))));
    assert!(matches!(files.backend().check().await, Err(FilesError::Unavailable(_))));

    // Back up: the object stored before is intact, the failed one does not exist, nothing else is there.
    let _server = start(root.path(), port).await.expect("restart");
    let listed = files.list("bulukumba/").await.expect("list");
    assert_eq!(listed.iter().map(|o| o.key.clone()).collect::<Vec<_>>(), vec![kept.to_string()]);
    assert_eq!(files.get(&kept).await.expect("read"), pdf(10_000));
}
