//! The background polls read their partial indexes whatever the statistics say: on PostgreSQL, with the
//! statistics taken while every row was still waiting and the rows since handed over (as on a server whose
//! autovacuum is off), and on SQLite.

use chrono::Utc;
use sea_orm::ConnectionTrait;

use crate::support::{bulukumba, bulukumba_request, databases};

/// Rows of each polled table in the PostgreSQL case: enough that reading them all is the expensive plan.
const ROWS: u32 = 20_000;

/// `ROWS` waiting rows of each polled table (one filled in a statement's `{n}`), then the statistics, then every
/// row handed over — so the statistics say "all waiting" while none is.
const FILL: [&str; 5] = [
    "INSERT INTO outbox (id, tenant_id, application_id, event_seq, kind, payload, created_at) \
     SELECT gen_random_uuid(), 'bulukumba', gen_random_uuid(), 1, 'submitted', '{}', now() FROM generate_series(1, {n})",
    "INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, application_id, event_seq, kind, body, \
     status, attempts, next_attempt_at, created_at) \
     SELECT gen_random_uuid(), 'bulukumba', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 1, \
     'submitted', '{}', 'pending', 0, now(), now() FROM generate_series(1, {n})",
    "INSERT INTO notifications (id, tenant_id, application_id, event_id, event_seq, moment, channel, recipient, \
     recipient_kind, status, attempts, next_attempt_at, created_at) \
     SELECT gen_random_uuid(), 'bulukumba', gen_random_uuid(), gen_random_uuid(), 1, 'diterima', 'email', \
     'warga@example.org', 'applicant', 'pending', 0, now(), now() FROM generate_series(1, {n})",
    "INSERT INTO letters (id, tenant_id, application_id, product, series, year, seq, number, issued_at, \
     archive_attempts) \
     SELECT gen_random_uuid(), 'bulukumba', gen_random_uuid(), 'rekomendasi', 'umum', 2026, g, 'N-' || g, now(), 0 \
     FROM generate_series(1, {n}) g",
    // Copies of a real application, open (at a step) with every deadline passed.
    "INSERT INTO applications SELECT (jsonb_populate_record(NULL::applications, to_jsonb(a) || jsonb_build_object(\
     'id', gen_random_uuid(), 'tracking_code', 'T' || g, 'idempotency_key', NULL))).* \
     FROM applications a CROSS JOIN generate_series(1, {n}) g",
];

const HAND_OVER: [&str; 5] = [
    "UPDATE outbox SET delivered_at = now()",
    "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now()",
    "UPDATE notifications SET status = 'sent', sent_at = now()",
    "UPDATE letters SET sha256 = md5(id::text), storage_key = id::text",
    "UPDATE applications SET stage = 'ended'",
];

#[tokio::test]
async fn each_poll_reads_its_partial_index_whatever_the_statistics() {
    for db in databases().await {
        let store = &db.store;
        let conn = store.connection();
        if db.name == "postgres" {
            let b = bulukumba(store).await;
            store.submit(&b.scope, &b.front, &bulukumba_request(None), Utc::now()).await.expect("submitted");
            for sql in FILL {
                conn.execute_unprepared(&sql.replace("{n}", &ROWS.to_string())).await.expect(sql);
            }
            conn.execute_unprepared("ANALYZE").await.expect("statistics");
            for sql in HAND_OVER {
                conn.execute_unprepared(sql).await.expect(sql);
            }
        }
        let plans = store.poll_plans(&store.system_access(), Utc::now()).await.expect("plans");
        assert_eq!(plans.len(), 7, "{}", db.name);
        for plan in &plans {
            assert!(
                plan.reads_its_index(),
                "{}: the {} poll does not read {}:\n{}",
                db.name,
                plan.poll,
                plan.indexes.join(" or "),
                plan.plan
            );
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn a_windowed_poll_reads_the_rows_written_since_and_a_sweep_all() {
    for db in databases().await {
        let store = &db.store;
        let system = store.system_access();
        let b = bulukumba(store).await;
        let now = Utc::now();
        store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let written = store.pending_outbox(&system, None, 100).await.expect("sweep");
        assert_eq!(written.len(), 1, "{}", db.name);
        let since = |minutes| Some(now + chrono::Duration::minutes(minutes));
        assert_eq!(store.pending_outbox(&system, since(-1), 100).await.expect("window"), written, "{}", db.name);
        assert_eq!(store.pending_outbox(&system, since(1), 100).await.expect("window"), vec![], "{}", db.name);
        db.finish().await;
    }
}
