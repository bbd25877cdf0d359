//! A decision's writes with no Simpul around them: pgbench (C, prepared statements) runs the statement a typical
//! decision sends — the application's snapshot updated with every derived column, its event and its outbox row, in
//! one `WITH` — against the bench's own applications, on the same server in the same run. Its rate is the most
//! the store could commit of such decisions if building, sending and reading them cost nothing: the ceiling beside
//! which the store's transitions are judged, next to the one-row commit rate issue 20 compares them with.
//!
//! A second figure runs [`GROUP`] decisions in one statement (one commit): what PostgreSQL would allow a store that
//! gathered concurrent decisions into one write (group commit).
//!
//! The statement is written here, not taken from the store: a column the store writes and this does not is a
//! difference to keep in mind, and a column renamed in the schema fails the bench, which is how it is noticed.

/// How many decisions the grouped figure writes per statement.
pub const GROUP: usize = 4;

/// Prepares what the script reads: `bench_decision`, one row per application in the database with the values a
/// decision writes into it (its own state, as text the server has to compress again — `|| ''` makes a fresh,
/// uncompressed value and `STORAGE PLAIN` keeps it so — and an event's body), and the sequence the new rows' ids
/// come from. Run once the transitions are measured: every application they wrote is a target.
pub const SETUP_SQL: &str = "DROP TABLE IF EXISTS bench_decision; \
    CREATE SEQUENCE IF NOT EXISTS bench_ids; \
    CREATE TABLE bench_decision (n bigint PRIMARY KEY, id uuid NOT NULL, tenant_id varchar NOT NULL, \
        state text NOT NULL, body text NOT NULL, inbox text NOT NULL); \
    ALTER TABLE bench_decision ALTER state SET STORAGE PLAIN, ALTER body SET STORAGE PLAIN; \
    INSERT INTO bench_decision \
        SELECT row_number() OVER (ORDER BY a.id), a.id, a.tenant_id, a.state || '', e.body || '', ' role:verifikator ' \
        FROM applications AS a, \
            (SELECT body FROM application_events WHERE kind = 'action_taken' ORDER BY seq DESC LIMIT 1) AS e; \
    ANALYZE bench_decision";

/// How many targets [`SETUP_SQL`] made.
pub const TARGETS_SQL: &str = "SELECT count(*) FROM bench_decision";

/// The pgbench script: `per_statement` decisions on distinct applications of `targets` in one statement. Each
/// decision's application is drawn from its own slice of the targets, in ascending order, so that two statements
/// never lock the same two rows in opposite orders (no deadlocks).
pub fn script(targets: i64, per_statement: usize) -> String {
    let slice = (targets / per_statement as i64).max(1);
    let mut out = String::from("\\set d random(1, 2592000)\n");
    let mut parts = Vec::new();
    let mut heads = Vec::new();
    for i in 0..per_statement {
        let low = i as i64 * slice + 1;
        out.push_str(&format!("\\set n{i} random({low}, {})\n", low + slice - 1));
        let due = ":d * interval '1 second'";
        parts.push(format!(
            "h{i} AS (UPDATE applications AS a SET ended_at = NULL, end_status = NULL, took_minutes = NULL, \
             budget_minutes = NULL, on_time = NULL, measured = true, stage = 'at_step', step = 'verifikasi', \
             outcome = NULL, service_due_at = now() + {due}, service_nearing_at = now() + {due}, \
             step_due_at = now() + {due}, sort_due_at = now() + {due}, assignee = NULL, area = NULL, \
             inbox = d.inbox, state = d.state, updated_at = now(), version = a.version + 1 \
             FROM bench_decision AS d WHERE d.n = :n{i} AND a.id = d.id AND a.tenant_id = d.tenant_id \
             RETURNING a.id, a.tenant_id, a.version, d.body), \
             e{i} AS (INSERT INTO application_events (id, tenant_id, application_id, seq, kind, actor, at, body) \
             SELECT CAST(lpad(to_hex(nextval('bench_ids')), 32, '0') AS uuid), tenant_id, id, version, \
             'action_taken', 'bench', now(), body FROM h{i}), \
             o{i} AS (INSERT INTO outbox (id, tenant_id, application_id, event_seq, kind, step, payload, created_at, \
             delivered_at) SELECT CAST(lpad(to_hex(nextval('bench_ids')), 32, '0') AS uuid), tenant_id, id, version, \
             'action_taken', 'verifikasi', body, now(), NULL FROM h{i})"
        ));
        heads.push(format!("(SELECT count(*) FROM h{i})"));
    }
    out.push_str(&format!("WITH {} SELECT {};\n", parts.join(", "), heads.join(" + ")));
    out
}
