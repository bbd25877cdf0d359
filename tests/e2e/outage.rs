//! The S3 store stops while the office works: an upload is refused plainly (UNAVAILABLE) and leaves nothing; a
//! signing still commits, its letter waiting to be archived; `/readyz` says so; when the store is back the letter
//! is rendered and archived on its first download.
//!
//! Runs its own s3s-fs (installed by CI) so that it can stop it; skipped only when neither s3s-fs nor
//! `TEST_S3_ENDPOINT` is present.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use super::flows::{Flow, form};
use super::server::{Backends, S3Target, start};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

/// A running s3s-fs, stopped when dropped.
struct S3s(Child);

impl S3s {
    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for S3s {
    fn drop(&mut self) {
        self.stop();
    }
}

fn s3s(root: &std::path::Path, port: u16) -> Option<S3s> {
    let spawned = Command::new("s3s-fs")
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--access-key", "ak", "--secret-key", "sk"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var("TEST_S3_ENDPOINT").is_err(),
                "TEST_S3_ENDPOINT is set but s3s-fs is missing: {error}"
            );
            eprintln!("s3s-fs not installed: outage test skipped");
            return None;
        }
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(S3s(child));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("s3s-fs did not start");
}

const ATTACH: &str = "mutation($id: ID!, $req: String!, $file: Upload!) {
    attachDocument(applicationId: $id, requirement: $req, file: $file) { version } }";
const LETTERS: &str = "query($id: ID!) { application(id: $id) { letters { downloadUrl } } }";

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(4000, b' ');
    bytes
}

#[test]
fn a_stopped_file_store_refuses_uploads_plainly_and_letters_are_archived_when_it_returns() {
    let root = tempfile::tempdir().expect("dir");
    let port = free_port();
    let Some(mut s3) = s3s(root.path(), port) else { return };
    let target = S3Target {
        endpoint: format!("http://127.0.0.1:{port}"),
        bucket: String::from("simpul"),
        access_key: String::from("ak"),
        secret_key: String::from("sk"),
    };
    let server = start("sqlite+own-s3", Backends { s3: Some(target), ..Backends::default() });
    let mut flow =
        Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    let id = flow.app["id"].as_str().expect("id").to_string();
    let user = "petugas_layanan@bulukumba";
    let vars = json!({ "id": id, "req": "ktp_kk", "file": null });
    let response = server.upload(user, ATTACH, vars.clone(), "ktp.pdf", &pdf());
    assert!(response.get("errors").is_none(), "{response}");
    flow.walk(&["terima", "lengkap", "memenuhi", "selesai_disusun", "sesuai", "paraf", "paraf", "paraf"]);

    s3.stop();
    let response = server.upload(user, ATTACH, vars, "ktp.pdf", &pdf());
    assert_eq!(response["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{response}");
    assert!(response["errors"][0]["message"].as_str().is_some_and(|m| m.contains("tidak ada yang tersimpan")));
    let ready =
        ureq::get(&format!("http://{}/readyz", server.address)).config().http_status_as_error(false).build().call();
    let mut ready = ready.expect("readyz");
    assert_eq!(ready.status(), 503);
    assert!(ready.body_mut().read_to_string().expect("body").contains("\"files\":\"unreachable\""));
    // The signing is the office's decision: it commits; the letter waits for the store.
    flow.walk(&["tandatangani"]);
    let documents = "query($id: ID!) { application(id: $id) { documents { id } } }";
    let seen = server.as_user("kepala_dinas@bulukumba", documents, json!({ "id": id }))["application"].clone();
    assert_eq!(seen["documents"].as_array().map(Vec::len), Some(1), "the refused upload left no row");
    let letter_query = "query($id: ID!) { application(id: $id) { letters { number sha256 } } }";
    let pending = server.as_user("kepala_dinas@bulukumba", letter_query, json!({ "id": id }))["application"]["letters"]
        [0]
    .clone();
    assert!(pending["number"].is_string() && pending["sha256"].is_null(), "{pending}");

    let _s3 = s3s(root.path(), port).expect("restart");
    let seen = server.as_user("kepala_dinas@bulukumba", LETTERS, json!({ "id": id }))["application"].clone();
    let url = seen["letters"][0]["downloadUrl"].as_str().expect("archived on first download").to_string();
    let archived =
        server.as_user("kepala_dinas@bulukumba", letter_query, json!({ "id": id }))["application"]["letters"][0]
            .clone();
    let sha = archived["sha256"].as_str().expect("hash recorded");
    let pdf = ureq::get(&url).call().expect("GET").body_mut().read_to_vec().expect("bytes");
    assert_eq!(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf)), sha);
}
