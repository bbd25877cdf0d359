//! Webhook deliveries: queued once per endpoint and event, sent head-first per application, retried, given up,
//! replayed; nothing of one tenant's endpoints visible to another.

use chrono::Duration;
use pretty_assertions::assert_eq;
use simpul_engine::ActionInput;
use simpul_store::webhooks::{AttemptOutcome, NewWebhook, WebhookChange, status};
use uuid::Uuid;

use super::support::{act, bulukumba, bulukumba_request, databases, officer, wita};

fn hook(events: &[&str]) -> NewWebhook {
    NewWebhook {
        url: String::from("https://desa.example/simpul"),
        secret: String::from("rahasia-bersama-1234"),
        events: events.iter().map(|e| e.to_string()).collect(),
        description: String::from("Sistem desa"),
    }
}

fn outcome(
    at: chrono::DateTime<chrono::Utc>,
    succeeded: bool,
    retry_at: Option<chrono::DateTime<chrono::Utc>>,
) -> AttemptOutcome {
    AttemptOutcome {
        started_at: at,
        duration_ms: 12,
        status_code: Some(if succeeded { 200 } else { 503 }),
        error: (!succeeded).then(|| String::from("HTTP 503")),
        succeeded,
        retry_at,
    }
}

#[tokio::test]
async fn deliveries_go_out_in_each_applications_order_with_retries_and_replays() {
    for db in databases().await {
        let store = &db.store;
        let system = store.system_access();
        let b = bulukumba(store).await;
        let t0 = wita(2026, 11, 23, 8, 0);
        let all = store.register_webhook(&b.scope, "admin", hook(&[]), t0).await.expect("registered");
        let deadlines =
            store.register_webhook(&b.scope, "admin", hook(&["deadline_passed"]), t0).await.expect("second");
        assert_eq!(deadlines.events, vec!["deadline_passed"]);

        let t1 = wita(2026, 11, 23, 9, 0);
        let x = store.submit(&b.scope, &b.front, &bulukumba_request(None), t1).await.expect("x").record.id;
        store.act(&b.scope, &b.front, x, act(1, "terima", ActionInput::default()), t1).await.expect("received");
        let y = store.submit(&b.scope, &b.front, &bulukumba_request(None), t1).await.expect("y").record.id;
        let pending = store.pending_outbox(&system, None, 100).await.expect("pending");
        assert_eq!(pending.len(), 3, "{}", db.name);
        assert_eq!(
            store.hand_over(&system, &pending, &[], t1).await.expect("handed over").deliveries,
            3,
            "only the catch-all wants them"
        );
        assert_eq!(
            store.hand_over(&system, &pending, &[], t1).await.expect("again").deliveries,
            0,
            "one delivery per event"
        );
        assert_eq!(store.pending_outbox(&system, None, 100).await.expect("pending"), vec![]);

        let heads = |due: Vec<simpul_store::webhooks::DueDelivery>| {
            due.into_iter().map(|d| (d.delivery.application_id, d.delivery.event_seq)).collect::<Vec<_>>()
        };
        let due = store.due_deliveries(&system, t1, None, 10).await.expect("due");
        assert!(due.iter().all(|d| d.url == "https://desa.example/simpul" && d.secret == "rahasia-bersama-1234"));
        let x1 = due.iter().find(|d| d.delivery.application_id == x).expect("x head").delivery.clone();
        let mut got = heads(due);
        got.sort();
        let mut want = vec![(x, 1), (y, 1)];
        want.sort();
        assert_eq!(got, want, "{}: the head of each application's queue only", db.name);
        let body: serde_json::Value = serde_json::from_str(&x1.body).expect("json");
        assert_eq!(body["id"], serde_json::json!(x1.event_id));
        assert_eq!(body["kind"], "submitted");
        assert!(!x1.body.contains("7302014507850001"), "no personal data in the body");

        // X's first event fails and waits for its retry: X's second waits behind it.
        let retry = t1 + Duration::minutes(1);
        store.record_attempt(&system, &x1, &outcome(t1, false, Some(retry))).await.expect("attempt");
        assert_eq!(heads(store.due_deliveries(&system, t1, None, 10).await.expect("due")), vec![(y, 1)]);
        assert!(heads(store.due_deliveries(&system, retry, None, 10).await.expect("due")).contains(&(x, 1)));
        // Given up: it no longer holds back the next one.
        store.record_attempt(&system, &x1, &outcome(retry, false, None)).await.expect("gave up");
        let due = store.due_deliveries(&system, retry, None, 10).await.expect("due");
        let x2 = due.iter().find(|d| d.delivery.application_id == x).expect("x next").delivery.clone();
        assert_eq!(x2.event_seq, 2);
        store.record_attempt(&system, &x2, &outcome(retry, true, None)).await.expect("delivered");

        let attempts = store.webhook_attempts(&b.scope, x1.id).await.expect("attempts");
        assert_eq!(
            attempts.iter().map(|a| (a.number, a.succeeded, a.status_code)).collect::<Vec<_>>(),
            vec![(1, false, Some(503)), (2, false, Some(503))]
        );
        let failed = store.webhook_deliveries(&b.scope, all.id, Some(status::FAILED), 10).await.expect("failed");
        assert_eq!(failed.iter().map(|d| d.id).collect::<Vec<_>>(), vec![x1.id]);
        assert_eq!(store.webhook_delivery(&b.scope, x2.id).await.expect("x2").status, status::DELIVERED);

        // A replay sends it again with the same event id.
        let later = retry + Duration::minutes(5);
        store.replay_delivery(&b.scope, x1.id, later).await.expect("replayed");
        let due = store.due_deliveries(&system, later, None, 10).await.expect("due");
        let again = due.iter().find(|d| d.delivery.application_id == x).expect("x replayed").delivery.clone();
        assert_eq!((again.id, again.event_id, again.status.as_str()), (x1.id, x1.event_id, status::PENDING));
        assert_eq!(store.replay_deliveries(&b.scope, all.id, t0, later).await.expect("all again"), 3);

        // Switched off: nothing is due for it, and new events queue nothing for it.
        let off = WebhookChange { active: Some(false), ..WebhookChange::default() };
        assert!(!store.update_webhook(&b.scope, all.id, off, later).await.expect("off").active);
        assert_eq!(store.due_deliveries(&system, later, None, 10).await.expect("due").len(), 0);

        // Another tenant sees nothing of it and can change nothing.
        let (other, _) = officer(store, "bangka", "admin_dinas").await;
        assert_eq!(store.webhooks(&other).await.expect("none"), vec![]);
        assert!(store.webhook(&other, all.id).await.is_err());
        assert!(store.webhook_delivery(&other, x1.id).await.is_err());
        assert!(store.replay_delivery(&other, x1.id, later).await.is_err());
        assert!(store.delete_webhook(&other, all.id).await.is_err());
        assert_eq!(store.webhook_attempts(&other, x1.id).await.expect("none"), vec![]);
        assert!(store.webhook(&b.scope, Uuid::now_v7()).await.is_err());

        store.delete_webhook(&b.scope, all.id).await.expect("deleted");
        assert_eq!(store.webhooks(&b.scope).await.expect("left").len(), 1);
        assert_eq!(store.webhook_attempts(&b.scope, x1.id).await.expect("gone"), vec![]);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_endpoint_hears_only_of_events_after_it_was_registered() {
    for db in databases().await {
        let store = &db.store;
        let system = store.system_access();
        let b = bulukumba(store).await;
        let t1 = wita(2026, 11, 23, 9, 0);
        store.submit(&b.scope, &b.front, &bulukumba_request(None), t1).await.expect("before");
        store.register_webhook(&b.scope, "admin", hook(&[]), t1 + Duration::minutes(1)).await.expect("registered");
        let after = t1 + Duration::minutes(2);
        store.submit(&b.scope, &b.front, &bulukumba_request(None), after).await.expect("after");
        let pending = store.pending_outbox(&system, None, 100).await.expect("pending");
        assert_eq!(
            store.hand_over(&system, &pending, &[], after).await.expect("handed over").deliveries,
            1,
            "{}",
            db.name
        );
        db.finish().await;
    }
}
