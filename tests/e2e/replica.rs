//! Reads from a streaming replica (`DATABASE_REPLICA_URL`), against a real PostgreSQL primary and hot standby that
//! `.ci/replica-pair` makes on free ports (`TEST_PRIMARY_URL`, `TEST_REPLICA_URL`; CI sets both, a machine without
//! them skips with a message). Replay is paused on the standby with `pg_wal_replay_pause()`, so that what is read
//! from it is known to be old:
//! - an officer who acts reads their inbox and the application at once and sees the action (their reads go to the
//!   primary until the replica has replayed it), on the instance they acted on and on another one;
//! - an officer who wrote nothing reads the replica (and sees it as it was): proof that reads go there;
//! - an applicant tracks an application submitted a moment ago by its code: found, though the replica lacks it;
//! - a replica that stops replaying makes reads fall back to the primary with a warning, `/readyz` reports it
//!   (`"replica": "behind"`, status `degraded`), and it serves again once replay resumes;
//! - a replica that does not answer neither keeps the server from starting nor fails a read.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::flows::{Flow, form};
use super::server::{Backends, RedisTarget, Server, start, test_redis, uuid_like};

/// The application as an officer reads it.
const APPLICATION: &str = "query($id: ID!) { application(id: $id) { id version step } }";
/// The officer's inbox.
const INBOX: &str = "{ inbox(first: 100) { edges { node { id version } } } }";
/// The office's list.
const LIST: &str = "{ applications(first: 100) { edges { node { id version } } } }";
/// What an applicant sees.
const TRACK: &str = "query($c: String!, $n: String) { trackApplication(trackingCode: $c, nik: $n) { stepName } }";

/// Who reads without ever writing in this test: the Kepala Dinas, whose step is far ahead.
const READER: &str = "kepala_dinas@bulukumba";

/// A database on the primary (and so, replicated, on the standby), dropped afterwards.
struct Pair {
    primary_admin: String,
    replica_admin: String,
    name: String,
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = sql(&self.replica_admin, "SELECT pg_wal_replay_resume()");
        let _ = sql(&self.primary_admin, &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
    }
}

impl Pair {
    fn url(admin: &str, name: &str) -> String {
        format!("{}/{name}", admin.rsplit_once('/').expect("url").0)
    }

    fn primary(&self) -> String {
        Pair::url(&self.primary_admin, &self.name)
    }

    fn replica(&self) -> String {
        Pair::url(&self.replica_admin, &self.name)
    }

    /// Waits until the standby has replayed everything the primary has written so far.
    fn caught_up(&self) {
        let written = sql(&self.primary_admin, "SELECT pg_current_wal_insert_lsn()");
        wait("the standby replays what the primary wrote", || {
            sql(&self.replica_admin, &format!("SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn")) == "t"
        });
    }

    fn pause_replay(&self) {
        sql(&self.replica_admin, "SELECT pg_wal_replay_pause()");
        wait("replay pauses", || sql(&self.replica_admin, "SELECT pg_get_wal_replay_pause_state()") == "paused");
    }

    fn resume_replay(&self) {
        sql(&self.replica_admin, "SELECT pg_wal_replay_resume()");
    }
}

/// One value asked of a server with psql.
fn sql(url: &str, statement: &str) -> String {
    let output =
        Command::new("psql").args([url, "-tA", "-v", "ON_ERROR_STOP=1", "-c", statement]).output().expect("psql runs");
    assert!(output.status.success(), "{statement}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Waits up to 30 s for `done`.
fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "waited 30 s for: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The primary and standby of `.ci/replica-pair`, with a fresh, migrated database replicated to the standby.
fn pair() -> Option<Pair> {
    let (Ok(primary_admin), Ok(replica_admin)) = (std::env::var("TEST_PRIMARY_URL"), std::env::var("TEST_REPLICA_URL"))
    else {
        assert!(
            std::env::var_os("SIMPUL_CI").is_none(),
            "SIMPUL_CI is set but TEST_PRIMARY_URL and TEST_REPLICA_URL are not: CI must start .ci/replica-pair"
        );
        eprintln!(
            "TEST_PRIMARY_URL and TEST_REPLICA_URL not set: replica test skipped \
             (eval \"$(.ci/replica-pair start /tmp/replica-pair)\" makes them; CI always does)"
        );
        return None;
    };
    let pair = Pair { primary_admin, replica_admin, name: format!("simpul_test_{}", uuid_like()) };
    sql(&pair.primary_admin, &format!("CREATE DATABASE \"{}\"", pair.name));
    let migrated = Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(["migrate", "--database-url", &pair.primary()])
        .status()
        .expect("migrate");
    assert!(migrated.success());
    pair.caught_up();
    Some(pair)
}

/// A server on the pair's primary reading from its replica, taking it for stopped past `max_lag_ms`.
fn server(
    name: &'static str,
    pair: &Pair,
    replica_url: String,
    max_lag_ms: u64,
    redis: Option<&RedisTarget>,
) -> Server {
    start(
        name,
        Backends {
            database_url: Some(pair.primary()),
            redis: redis.cloned(),
            env: vec![
                (String::from("DATABASE_REPLICA_URL"), replica_url),
                (String::from("SIMPUL_REPLICA_MAX_LAG_MS"), max_lag_ms.to_string()),
            ],
            ..Backends::default()
        },
    )
}

fn replica_state(server: &Server) -> String {
    server.readyz().1["replica"].as_str().unwrap_or_default().to_string()
}

fn version_of(connection: &Value, id: &Value) -> Option<i64> {
    connection["edges"].as_array()?.iter().find(|e| &e["node"]["id"] == id)?["node"]["version"].as_i64()
}

#[test]
fn reads_that_may_lag_come_from_the_replica_and_an_officer_always_sees_their_own_action() {
    let Some(pair) = pair() else { return };
    let redis = test_redis().map(|url| RedisTarget { url, prefix: format!("simpul-e2e-{}", uuid_like()) });
    // Two instances of one deployment: one patient with its replica (two minutes), one strict (1.5 s).
    let patient = server("replica-patient", &pair, pair.replica(), 120_000, redis.as_ref());
    let strict = server("replica-strict", &pair, pair.replica(), 1_500, redis.as_ref());
    if redis.is_some() {
        patient.wait_for_redis();
        strict.wait_for_redis();
    }
    for instance in [&patient, &strict] {
        wait("the replica serves reads", || replica_state(instance) == "ok");
        let (status, report) = instance.readyz();
        assert_eq!((status, report["status"].as_str()), (200, Some("ready")), "{report}");
    }

    let mut flow =
        Flow::submit(&patient, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    let id = flow.app["id"].clone();
    let actor = "petugas_layanan@bulukumba";
    pair.caught_up();
    let before = patient.as_user(READER, APPLICATION, json!({ "id": id }))["application"].clone();
    assert_eq!(before["version"], 1, "{before}");

    // From here the standby shows the database as it is now.
    pair.pause_replay();
    flow.take("terima");
    assert_eq!(flow.app["version"], 2, "{}", flow.app);

    // The officer who acted reads their inbox and the application at once, on both instances: the action is there.
    for instance in [&patient, &strict] {
        let application = instance.as_user(actor, APPLICATION, json!({ "id": id }))["application"].clone();
        assert_eq!(application["version"], 2, "{}: {application}", instance.backend);
        let inbox = instance.as_user(actor, INBOX, json!({}))["inbox"].clone();
        // Checking the documents is theirs too (the next step is the front office's again).
        assert_eq!(version_of(&inbox, &id), Some(2), "{}: {inbox}", instance.backend);
        let list = instance.as_user(actor, LIST, json!({}))["applications"].clone();
        assert_eq!(version_of(&list, &id), Some(2), "{}: {list}", instance.backend);
    }

    // Someone who wrote nothing reads the replica, as it was before the action: the reads do go there.
    let stale = patient.as_user(READER, APPLICATION, json!({ "id": id }))["application"].clone();
    assert_eq!(stale["version"], 1, "a read that may lag came from the primary: {stale}");
    let list = patient.as_user(READER, LIST, json!({}))["applications"].clone();
    assert_eq!(version_of(&list, &id), Some(1), "{list}");
    // Counted for operators: queries read from the replica, and those sent to the primary (the officer's own).
    let metrics = ureq::get(&format!("http://{}/metrics", patient.address))
        .call()
        .expect("metrics")
        .body_mut()
        .read_to_string()
        .expect("text");
    for database in ["replica", "primary"] {
        let counted = metrics
            .lines()
            .find(|l| l.starts_with(&format!("simpul_lagging_reads_total{{database=\"{database}\"}}")))
            .and_then(|l| l.rsplit(' ').next()?.parse::<u64>().ok());
        assert!(counted.is_some_and(|n| n > 0), "{database}: {metrics}");
    }

    // An application submitted now is not on the replica, yet its applicant finds it by its code.
    let fresh = Flow::submit(&patient, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    let code = fresh.app["trackingCode"].clone();
    let tracked = patient.raw(None, TRACK, json!({ "c": code, "n": "7302014507850001" }));
    assert!(tracked["data"]["trackApplication"]["stepName"].is_string(), "{tracked}");

    // The strict instance takes the paused replica for stopped: it says so, and reads go to the primary.
    wait("the strict instance sees the replica behind", || replica_state(&strict) == "behind");
    let (status, report) = strict.readyz();
    assert_eq!((status, report["status"].as_str()), (200, Some("degraded")), "{report}");
    let current = strict.as_user(READER, APPLICATION, json!({ "id": id }))["application"].clone();
    assert_eq!(current["version"], 2, "read from a replica that is behind: {current}");
    assert!(strict.log().contains("read replica is behind"), "no warning logged:\n{}", strict.log());
    // The patient one still reads it (two minutes of lag allowed).
    assert_eq!(patient.as_user(READER, APPLICATION, json!({ "id": id }))["application"]["version"], 1);

    // Replay resumes: the strict instance reads from the replica again, which now has the action.
    pair.resume_replay();
    wait("the replica serves reads again", || replica_state(&strict) == "ok");
    assert_eq!(strict.readyz().1["status"], "ready");
    assert_eq!(strict.as_user(READER, APPLICATION, json!({ "id": id }))["application"]["version"], 2);
    assert!(strict.log().contains("read replica current again"), "{}", strict.log());
}

#[test]
fn a_replica_that_does_not_answer_neither_stops_the_server_nor_fails_a_read() {
    let Some(pair) = pair() else { return };
    let nowhere = format!("postgres://postgres@127.0.0.1:{}/{}", super::process::free_port(), pair.name);
    let server = server("replica-down", &pair, nowhere, 5_000, None);
    wait("the replica is reported unreachable", || replica_state(&server) == "unreachable");
    let (status, report) = server.readyz();
    assert_eq!((status, report["status"].as_str()), (200, Some("degraded")), "{report}");
    let list = server.as_user(READER, LIST, json!({}))["applications"].clone();
    assert!(list["edges"].is_array(), "{list}");
    let flow = Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    let list = server.as_user(READER, LIST, json!({}))["applications"].clone();
    assert_eq!(version_of(&list, &flow.app["id"]), Some(1), "{list}");
    assert!(server.log().contains("read replica unreachable"), "{}", server.log());
}
