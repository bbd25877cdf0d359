//! The deadline watcher over the API: when a step's deadline has passed, subscribers hear `deadline_passed` once.
//! Time is moved in the database (PostgreSQL only: the test sets the deadline into the past with psql).

use std::time::Duration;

use serde_json::json;

use super::flows::{Flow, form};
use super::server::servers;
use super::subscriptions::{open, read, send};

#[test]
fn subscribers_hear_a_passed_deadline_once() {
    for server in servers() {
        let mut socket = open(&server, "petugas_layanan@bulukumba");
        let query = "subscription { applicationEvents { kind version step } }";
        send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }));
        std::thread::sleep(Duration::from_millis(300));
        let flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        assert_eq!(read(&mut socket)["payload"]["data"]["applicationEvents"]["kind"], "SUBMITTED");
        let moved = server
            .psql(&format!("UPDATE applications SET step_due_at = now() - interval '1 minute' WHERE id = '{id}'"));
        let Some(moved) = moved else { continue };
        assert!(moved, "deadline moved");
        let notice = read(&mut socket);
        assert_eq!(
            notice["payload"]["data"]["applicationEvents"],
            json!({ "kind": "DEADLINE_PASSED", "version": 1, "step": "penerimaan_berkas" }),
            "{}",
            server.backend
        );
        // Not again: the next thing heard is the next action, not a repeated notice.
        std::thread::sleep(Duration::from_millis(2500));
        let mut flow = flow;
        flow.take("terima");
        assert_eq!(
            read(&mut socket)["payload"]["data"]["applicationEvents"]["kind"],
            "ACTION_TAKEN",
            "{}",
            server.backend
        );
    }
}
