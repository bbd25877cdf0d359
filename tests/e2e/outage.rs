//! The S3 store stops while the office works: an upload is refused plainly (UNAVAILABLE) and leaves nothing; a
//! signing still commits and is answered at once, its letter waiting to be archived; `/readyz` says so; when the
//! store is back the letter archiver renders and stores the letter by itself, within a minute, without anyone
//! downloading it.
//!
//! Runs its own s3s-fs (installed by CI) so that it can stop it; skipped only when neither s3s-fs nor
//! `TEST_S3_ENDPOINT` is present.

use serde_json::json;

use super::documents::pdf;
use super::flows::{Flow, form};
use super::process::{Listening, free_port};
use super::server::{Backends, S3Target, start};

fn s3s(root: &std::path::Path, port: u16) -> Option<Listening> {
    let root = root.to_str().expect("utf-8 path");
    let port_text = port.to_string();
    let args = ["--host", "127.0.0.1", "--port", port_text.as_str(), "--access-key", "ak", "--secret-key", "sk", root];
    Listening::start("s3s-fs", &args, port, "TEST_S3_ENDPOINT")
}

const ATTACH: &str = "mutation($id: ID!, $req: String!, $file: Upload!, $v: Int!) {
    attachDocument(applicationId: $id, requirement: $req, file: $file, expectedVersion: $v) { version } }";
const LETTERS: &str = "query($id: ID!) { application(id: $id) { letters { downloadUrl } } }";
const LETTER: &str = "query($id: ID!) { application(id: $id) { letters { number sha256 } } }";

#[test]
fn a_stopped_file_store_refuses_uploads_plainly_and_letters_are_archived_when_it_returns() {
    let letter = |server: &super::server::Server, id: &str| {
        server.as_user("kepala_dinas@bulukumba", LETTER, json!({ "id": id }))["application"]["letters"][0].clone()
    };
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
    let vars = json!({ "id": id, "req": "ktp_kk", "file": null, "v": flow.app["version"] });
    let response = server.upload(user, ATTACH, vars, "ktp.pdf", &pdf(4000));
    assert!(response.get("errors").is_none(), "{response}");
    flow.walk(super::flows::BULUKUMBA_TO_SIGNING);

    s3.stop();
    let vars = json!({ "id": id, "req": "ktp_kk", "file": null, "v": flow.app["version"] });
    let response = server.upload(user, ATTACH, vars, "ktp.pdf", &pdf(4000));
    assert_eq!(response["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{response}");
    assert!(response["errors"][0]["message"].as_str().is_some_and(|m| m.contains("tidak ada yang tersimpan")));
    let (status, ready) = server.readyz();
    assert_eq!((status, &ready["files"]), (503, &json!("unreachable")), "{ready}");
    // The signing is the office's decision: it commits and is answered at once; the letter waits for the store.
    let started = std::time::Instant::now();
    flow.walk(&["tandatangani"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the answer does not wait for the file store");
    let documents = "query($id: ID!) { application(id: $id) { documents { id } } }";
    let seen = server.as_user("kepala_dinas@bulukumba", documents, json!({ "id": id }))["application"].clone();
    assert_eq!(seen["documents"].as_array().map(Vec::len), Some(1), "the refused upload left no row");
    // The archiver tries while the store is down, and waits longer after each failure.
    std::thread::sleep(std::time::Duration::from_secs(8));
    let pending = letter(&server, &id);
    assert!(pending["number"].is_string() && pending["sha256"].is_null(), "{pending}");

    let _s3 = s3s(root.path(), port).expect("restart");
    let back = std::time::Instant::now();
    let archived = loop {
        let seen = letter(&server, &id);
        if seen["sha256"].is_string() {
            break seen;
        }
        assert!(back.elapsed() < std::time::Duration::from_secs(60), "archived within a minute: {seen}");
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    let sha = archived["sha256"].as_str().expect("hash recorded");
    let seen = server.as_user("kepala_dinas@bulukumba", LETTERS, json!({ "id": id }))["application"].clone();
    let url = seen["letters"][0]["downloadUrl"].as_str().expect("download link").to_string();
    let pdf = ureq::get(&url).call().expect("GET").body_mut().read_to_vec().expect("bytes");
    assert_eq!(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf)), sha);
}
