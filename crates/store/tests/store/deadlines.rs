//! The deadline watcher's store side: notices given once per deadline, and the lease.

use chrono::Duration;
use pretty_assertions::assert_eq;
use simpul_engine::ActionInput;
use simpul_store::deadlines::{Deadline, NoticeKind};

use super::support::{act, bulukumba, bulukumba_request, databases, wita};

#[tokio::test]
async fn each_deadline_is_noticed_once_when_nearing_and_when_passed() {
    for db in databases().await {
        let store = &db.store;
        let access = store.system_access();
        let b = bulukumba(store).await;
        // Submitted 09:00 WITA: the first step takes 3 office minutes, the service 30 (nearing at 80 %: 09:24).
        let id = store.submit(&b.scope, &b.front, &bulukumba_request(None), wita(2026, 11, 23, 9, 0)).await;
        let id = id.expect("submitted").record.id;
        let kinds = |notices: Vec<simpul_store::deadlines::DeadlineNotice>| {
            notices.into_iter().map(|n| (n.deadline, n.kind, n.application_id)).collect::<Vec<_>>()
        };
        assert_eq!(kinds(store.give_deadline_notices(&access, wita(2026, 11, 23, 9, 1)).await.expect("round")), vec![]);
        let at = wita(2026, 11, 23, 9, 4);
        assert_eq!(
            kinds(store.give_deadline_notices(&access, at).await.expect("round")),
            vec![(Deadline::Step, NoticeKind::Passed, id)],
            "{}",
            db.name
        );
        assert_eq!(kinds(store.give_deadline_notices(&access, at).await.expect("again")), vec![], "never twice");
        let at = wita(2026, 11, 23, 9, 25);
        assert_eq!(
            kinds(store.give_deadline_notices(&access, at).await.expect("round")),
            vec![(Deadline::Service, NoticeKind::Nearing, id)]
        );
        let at = wita(2026, 11, 23, 9, 31);
        assert_eq!(
            kinds(store.give_deadline_notices(&access, at).await.expect("round")),
            vec![(Deadline::Service, NoticeKind::Passed, id)]
        );
        assert_eq!(kinds(store.give_deadline_notices(&access, at).await.expect("again")), vec![]);

        // The next step has its own deadline, noticed once in its turn.
        store.act(&b.scope, &b.front, id, act(1, "terima", ActionInput::default()), at).await.expect("received");
        let later = wita(2026, 11, 23, 9, 40);
        assert_eq!(
            kinds(store.give_deadline_notices(&access, later).await.expect("round")),
            vec![(Deadline::Step, NoticeKind::Passed, id)]
        );
        let outbox: Vec<String> =
            store.outbox_of(&b.scope, id).await.expect("outbox").into_iter().map(|m| m.kind).collect();
        assert_eq!(
            outbox,
            ["submitted", "deadline_passed", "deadline_nearing", "deadline_passed", "action_taken", "deadline_passed"],
            "{}: notices reach the outbox like events",
            db.name
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn one_instance_at_a_time_holds_the_lease() {
    for db in databases().await {
        let store = &db.store;
        let access = store.system_access();
        let t = wita(2026, 11, 23, 9, 0);
        let ttl = Duration::seconds(60);
        assert!(store.take_lease(&access, "deadline-watcher", "a", ttl, t).await.expect("a"), "{}", db.name);
        assert!(!store.take_lease(&access, "deadline-watcher", "b", ttl, t).await.expect("b waits"));
        assert!(
            store.take_lease(&access, "deadline-watcher", "a", ttl, t + Duration::seconds(30)).await.expect("renew")
        );
        assert!(
            !store.take_lease(&access, "deadline-watcher", "b", ttl, t + Duration::seconds(80)).await.expect("renewed")
        );
        assert!(
            store.take_lease(&access, "deadline-watcher", "b", ttl, t + Duration::seconds(91)).await.expect("expired")
        );
        assert!(
            !store.take_lease(&access, "deadline-watcher", "a", ttl, t + Duration::seconds(92)).await.expect("a waits")
        );
        db.finish().await;
    }
}
