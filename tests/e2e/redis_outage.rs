//! Redis goes down while the server works: requests keep being answered from the instance's own state,
//! `/readyz` says `degraded` with `"redis":"unreachable"`, and when Redis is back the server uses it again by
//! itself. Runs its own redis-server on a free port so that it can stop it; skipped only when neither
//! redis-server nor `TEST_REDIS_URL` is present.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::instances::wait_for_redis;
use super::server::{Backends, RedisTarget, Server, start};
use super::subscriptions::{open, read, send};

/// A running redis-server, stopped when dropped.
struct RedisServer(Child);

impl RedisServer {
    fn start(port: u16) -> Option<Self> {
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => {
                let server = RedisServer(child);
                for _ in 0..100 {
                    if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                        return Some(server);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                panic!("redis-server did not start");
            }
            Err(error) => {
                assert!(
                    std::env::var("TEST_REDIS_URL").is_err(),
                    "TEST_REDIS_URL is set but redis-server is missing: {error}"
                );
                eprintln!("redis-server not installed: Redis outage test skipped");
                None
            }
        }
    }

    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn readyz(server: &Server) -> (u16, Value) {
    let mut response = ureq::get(&format!("http://{}/readyz", server.address))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .expect("readyz");
    (response.status().as_u16(), response.body_mut().read_json().expect("json"))
}

#[test]
fn the_server_keeps_answering_without_redis_and_recovers_when_it_returns() {
    let port = TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let Some(mut redis) = RedisServer::start(port) else { return };
    let target = RedisTarget { url: format!("redis://127.0.0.1:{port}"), prefix: String::from("simpul") };
    let server = start("sqlite+own-redis", Backends { redis: Some(target), ..Backends::default() });
    wait_for_redis(&server);
    let mut socket = open(&server, "petugas_layanan@bulukumba");
    let query = "subscription { applicationEvents { kind version } }";
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }));
    std::thread::sleep(Duration::from_millis(300));
    let mut flow =
        Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    assert_eq!(read(&mut socket)["payload"]["data"]["applicationEvents"]["kind"], "submitted");

    redis.stop();
    // Requests go on: logins, actions, and this instance's subscribers still hear its events.
    flow.take("terima");
    assert_eq!(
        read(&mut socket)["payload"]["data"]["applicationEvents"],
        json!({ "kind": "action_taken", "version": 2 })
    );
    let (token, _) = server.login("verifikator@bulukumba");
    assert!(!token.is_empty());
    let (status, body) = readyz(&server);
    assert_eq!(
        (status, body["redis"].as_str(), body["status"].as_str()),
        (200, Some("unreachable"), Some("degraded")),
        "{body}"
    );

    // Redis returns: the server reconnects by itself and fans out through it again.
    let _redis = RedisServer::start(port).expect("restart");
    wait_for_redis(&server);
    flow.take("lengkap");
    assert_eq!(
        read(&mut socket)["payload"]["data"]["applicationEvents"],
        json!({ "kind": "action_taken", "version": 3 })
    );
    assert_eq!(readyz(&server).1["status"], "ready");
}
