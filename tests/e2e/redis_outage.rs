//! Redis goes down while the server works: requests keep being answered from the instance's own state,
//! `/readyz` says `degraded` with `"redis":"unreachable"`, and when Redis is back the server uses it again by
//! itself. Runs its own redis-server on a free port so that it can stop it; skipped only when neither
//! redis-server nor `TEST_REDIS_URL` is present.

use std::time::Duration;

use serde_json::json;

use super::flows::{Flow, form};
use super::process::{Listening, free_port};
use super::server::{Backends, RedisTarget, start};
use super::subscriptions::{open, read, send};

fn redis_server(port: u16) -> Option<Listening> {
    let port_text = port.to_string();
    let args = ["--port", port_text.as_str(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    Listening::start("redis-server", &args, port, "TEST_REDIS_URL")
}

#[test]
fn the_server_keeps_answering_without_redis_and_recovers_when_it_returns() {
    let port = free_port();
    let Some(mut redis) = redis_server(port) else { return };
    let target = RedisTarget { url: format!("redis://127.0.0.1:{port}"), prefix: String::from("simpul") };
    let server = start("sqlite+own-redis", Backends { redis: Some(target), ..Backends::default() });
    server.wait_for_redis();
    let mut socket = open(&server, "petugas_layanan@bulukumba");
    let query = "subscription { applicationEvents { kind version } }";
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }));
    std::thread::sleep(Duration::from_millis(300));
    let mut flow =
        Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    assert_eq!(read(&mut socket)["payload"]["data"]["applicationEvents"]["kind"], "SUBMITTED");

    redis.stop();
    // Requests go on: logins, actions, and this instance's subscribers still hear its events.
    flow.take("terima");
    assert_eq!(
        read(&mut socket)["payload"]["data"]["applicationEvents"],
        json!({ "kind": "ACTION_TAKEN", "version": 2 })
    );
    let (token, _) = server.login("verifikator@bulukumba");
    assert!(!token.is_empty());
    let (status, body) = server.readyz();
    assert_eq!(
        (status, body["redis"].as_str(), body["status"].as_str()),
        (200, Some("unreachable"), Some("degraded")),
        "{body}"
    );

    // Redis returns: the server reconnects by itself and fans out through it again.
    let _redis = redis_server(port).expect("restart");
    server.wait_for_redis();
    flow.take("lengkap");
    assert_eq!(
        read(&mut socket)["payload"]["data"]["applicationEvents"],
        json!({ "kind": "ACTION_TAKEN", "version": 3 })
    );
    assert_eq!(server.readyz().1["status"], "ready");
}
