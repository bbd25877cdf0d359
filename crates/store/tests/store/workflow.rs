//! The service layer: a whole application through the store, idempotent submission, and concurrent officers.

use pretty_assertions::assert_eq;
use simpul_engine::{ActionInput, Refusal, Stage};
use simpul_store::{StoreError, audit};

use super::support::{act, bulukumba, bulukumba_request, checked, databases, to_signing, verified, wita};

#[tokio::test]
async fn a_bulukumba_application_goes_from_submission_to_archive_in_the_store() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let (id, version) = to_signing(store, &b, now).await;
        let signed = store
            .act(&b.scope, &b.kepala, id, act(version, "tandatangani", ActionInput::default()), now)
            .await
            .expect("signed");
        assert_eq!(signed.letters.len(), 1, "{}", db.name);
        assert_eq!(signed.letters[0].number, "400.9/1/Dinsos/XI/2026");
        let handed = store
            .act(&b.scope, &b.front, id, act(signed.record.version, "diserahkan", ActionInput::default()), now)
            .await
            .expect("handed over");
        let archived = store
            .act(&b.scope, &b.front, id, act(handed.record.version, "diarsipkan", ActionInput::default()), now)
            .await
            .expect("archived");
        assert!(matches!(archived.record.state.stage, Stage::Ended { ref outcome, .. } if outcome == "selesai"));

        let stored = store.application(&b.scope, id).await.expect("stored");
        assert_eq!(stored.state, archived.record.state, "{}: snapshot as decided", db.name);
        assert_eq!(stored.version, 12, "submission and 11 actions");
        let events = store.application_events(&b.scope, id).await.expect("events");
        assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
        let folded = simpul_engine::Application::fold(&events.iter().map(|e| e.event.clone()).collect::<Vec<_>>())
            .expect("fold");
        assert_eq!(folded, stored.state, "{}: the events rebuild the state", db.name);
        assert_eq!(store.outbox_of(&b.scope, id).await.expect("outbox").len(), 12, "one outbox row per event");
        // The dispatcher sees them across tenants and hands them over.
        let system = store.system_access();
        let pending = store.pending_outbox(&system, None, 100).await.expect("pending");
        assert_eq!(pending.iter().filter(|m| m.application_id == id).count(), 12);
        assert_eq!(pending[0].kind, "submitted");
        store.hand_over(&system, &pending[..1], &[], now).await.expect("handed over");
        assert_eq!(store.pending_outbox(&system, None, 100).await.expect("pending").len(), pending.len() - 1);
        assert_eq!(store.letters_of(&b.scope, id).await.expect("letters").len(), 1);
        let entries = store.audit_entries(&b.scope, &id.to_string()).await.expect("audit");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, audit::action::CHANGE);
        assert!(
            entries[0].detail.contains("nik") && !entries[0].detail.contains("7302014507850001"),
            "field names, not values"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn submitting_twice_with_the_same_key_returns_the_first_application() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let first = store.submit(&b.scope, &b.front, &bulukumba_request(Some("kunci-1")), now).await.expect("first");
        let again = store.submit(&b.scope, &b.front, &bulukumba_request(Some("kunci-1")), now).await.expect("again");
        assert!(first.created && !again.created);
        assert_eq!(first.record.id, again.record.id);
        // At the same time, from ten clients.
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (store, scope, actor) = (store.clone(), b.scope.clone(), b.front.clone());
            tasks.push(tokio::spawn(async move {
                store.submit(&scope, &actor, &bulukumba_request(Some("kunci-2")), now).await
            }));
        }
        let mut ids = Vec::new();
        for task in tasks {
            ids.push(task.await.expect("task").expect("submitted").record.id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{}: one application for one key", db.name);
        let page = store.applications(&b.scope, &Default::default(), 100, None, now).await.expect("list");
        assert_eq!(page.items.len(), 2, "{}", db.name);
        db.finish().await;
    }
}

#[tokio::test]
async fn two_officers_acting_at_once_one_wins_and_nothing_is_half_written() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let submitted = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let id = submitted.record.id;
        store.act(&b.scope, &b.front, id, act(1, "terima", ActionInput::default()), now).await.expect("received");
        let (s1, s2) = (store.clone(), store.clone());
        let (scope1, scope2) = (b.scope.clone(), b.scope.clone());
        let (a1, a2) = (b.front.clone(), b.front.clone());
        let complete = super::support::checked(&["ktp_kk", "sktm_desa", "sptjm"]);
        let one = tokio::spawn(async move { s1.act(&scope1, &a1, id, act(2, "lengkap", complete), now).await });
        let two = tokio::spawn(async move {
            let input = ActionInput { note: Some("tidak lengkap".into()), ..Default::default() };
            s2.act(&scope2, &a2, id, act(2, "tolak", input), now).await
        });
        let results = [one.await.expect("task"), two.await.expect("task")];
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{}: {results:?}", db.name);
        for result in &results {
            if let Err(error) = result {
                assert!(
                    matches!(error, StoreError::Conflict | StoreError::Refused(Refusal::StaleVersion { .. })),
                    "{}: {error:?}",
                    db.name
                );
            }
        }
        let stored = store.application(&b.scope, id).await.expect("stored");
        assert_eq!(stored.version, 3);
        assert_eq!(store.application_events(&b.scope, id).await.expect("events").len(), 3);
        assert_eq!(store.outbox_of(&b.scope, id).await.expect("outbox").len(), 3);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_refused_action_changes_nothing() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let submitted = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let refused =
            store.act(&b.scope, &b.kepala, submitted.record.id, act(1, "terima", ActionInput::default()), now).await;
        assert!(matches!(refused, Err(StoreError::Refused(Refusal::RoleNotAllowed { .. }))), "{refused:?}");
        let mut bad = bulukumba_request(None);
        bad.data.insert("nik".into(), serde_json::json!("123"));
        let refused = store.submit(&b.scope, &b.front, &bad, now).await;
        assert!(matches!(refused, Err(StoreError::Refused(Refusal::InvalidData { .. }))), "{refused:?}");
        let stored = store.application(&b.scope, submitted.record.id).await.expect("stored");
        assert_eq!(stored.version, 1);
        let all = store.applications(&b.scope, &Default::default(), 100, None, now).await.expect("list");
        assert_eq!(all.items.len(), 1, "{}", db.name);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_ended_application_is_measured_for_the_dashboard_and_one_from_before_is_refolded_from_its_events() {
    use sea_orm::{ConnectionTrait, Statement};
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let (id, version) = to_signing(store, &b, now).await;
        let later = now + chrono::Duration::minutes(20);
        let signed = store
            .act(&b.scope, &b.kepala, id, act(version, "tandatangani", ActionInput::default()), later)
            .await
            .expect("signed");
        let handed = store
            .act(&b.scope, &b.front, id, act(signed.record.version, "diserahkan", ActionInput::default()), later)
            .await
            .expect("handed over");
        store
            .act(&b.scope, &b.front, id, act(handed.record.version, "diarsipkan", ActionInput::default()), later)
            .await
            .expect("archived");
        let period = (now - chrono::Duration::days(1), now + chrono::Duration::days(1));
        let figures = store.dashboard(std::slice::from_ref(&b.scope), period.0, period.1).await.expect("dashboard");
        let sktm = figures.services.get(&(String::from("bulukumba"), String::from("rekomendasi-sktm"))).cloned();
        let sktm = sktm.expect("the service's figures");
        assert_eq!((sktm.received, sktm.completed, sktm.open_at_end), (1, 1, 0), "{}", db.name);
        // Twenty office minutes, all in the signing step; within the standard's thirty.
        assert_eq!((sktm.minutes.clone(), sktm.timed, sktm.on_time), (vec![20], 1, 1), "{}", db.name);
        assert_eq!(sktm.steps.get("penandatanganan"), Some(&(1, 20)), "{}: {:?}", db.name, sktm.steps);

        // As written before the measures existed: no visits in the state, nothing measured, no step times.
        let mut old = store.application(&b.scope, id).await.expect("stored").state;
        old.visits.clear();
        let state = serde_json::to_string(&old).expect("json");
        let backend = store.connection().get_database_backend();
        let sql = match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "UPDATE applications SET state = $1, measured = false, ended_at = NULL, took_minutes = NULL, \
                 end_status = NULL, on_time = NULL WHERE id = $2"
            }
            _ => {
                "UPDATE applications SET state = ?, measured = false, ended_at = NULL, took_minutes = NULL, \
                 end_status = NULL, on_time = NULL WHERE id = ?"
            }
        };
        store
            .connection()
            .execute_raw(Statement::from_sql_and_values(backend, sql, [state.into(), id.into()]))
            .await
            .expect("made old");
        store.connection().execute_unprepared("DELETE FROM step_times").await.expect("step times gone");
        let before = store.dashboard(std::slice::from_ref(&b.scope), period.0, period.1).await.expect("dashboard");
        assert_ne!(before, figures, "{}: the old row is not measured", db.name);
        assert_eq!(store.fill_derived_columns().await.expect("measured"), 1);
        let after = store.dashboard(std::slice::from_ref(&b.scope), period.0, period.1).await.expect("dashboard");
        assert_eq!(after, figures, "{}: refolded from the events, the same figures", db.name);
        assert_eq!(store.fill_derived_columns().await.expect("nothing more"), 0);
        db.finish().await;
    }
}

/// A decision is written in as few statements as the backend allows: on PostgreSQL one read and one statement
/// that writes the snapshot, the event and the outbox row together (SQLite writes the same rows in a transaction);
/// a refused one writes nothing. Two writers racing are the test above; the read skipped is the test below.
#[tokio::test]
async fn a_decision_on_postgresql_is_one_read_and_one_write() {
    use simpul_store::statements::StatementCount;
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let request = bulukumba_request(None);
        let submit = || store.submit(&b.scope, &b.front, &request, now);
        let (warm, id) = (submit().await.expect("submitted").record.id, submit().await.expect("submitted").record.id);
        // Another instance, which has not written this application: it reads it, then writes (its caches of the
        // office and the service filled first, by acting on another one).
        let other = db.another_instance().await;
        other.act(&b.scope, &b.front, warm, act(1, "terima", ActionInput::default()), now).await.expect("warm");
        let count = StatementCount::default();
        let acted = count
            .scope(other.act(&b.scope, &b.front, id, act(1, "terima", ActionInput::default()), now))
            .await
            .expect("received");
        if db.name == "postgres" {
            assert_eq!(count.get(), 2, "the read and the write");
        }
        assert_eq!(store.application_events(&b.scope, id).await.expect("events").len(), 2, "{}", db.name);
        assert_eq!(store.outbox_of(&b.scope, id).await.expect("outbox").len(), 2, "{}", db.name);
        // A stale version, and an action the step no longer has: refused, and nothing more written.
        let stale = store.act(&b.scope, &b.front, id, act(1, "lengkap", ActionInput::default()), now).await;
        assert!(stale.is_err(), "{}: {stale:?}", db.name);
        let again =
            store.act(&b.scope, &b.front, id, act(acted.record.version, "terima", ActionInput::default()), now).await;
        assert!(again.is_err(), "{}: not an action of this step any more", db.name);
        assert_eq!(store.application(&b.scope, id).await.expect("stored").version, 2, "{}", db.name);
        assert_eq!(store.application_events(&b.scope, id).await.expect("events").len(), 2, "{}", db.name);
        assert_eq!(store.outbox_of(&b.scope, id).await.expect("outbox").len(), 2, "{}", db.name);
        db.finish().await;
    }
}

/// A process remembers the applications it wrote: its next decision on one of them is the write alone. When
/// another instance wrote meanwhile, the write refuses the remembered state and the decision is made again on the
/// database's: the caller hears what they would have heard from an instance that remembers nothing.
#[tokio::test]
async fn a_decision_on_what_this_process_wrote_skips_the_read_and_stays_right() {
    use simpul_store::statements::StatementCount;
    for db in databases().await {
        let here = &db.store;
        let there = db.another_instance().await;
        let b = bulukumba(here).await;
        // Nanoseconds, which PostgreSQL does not keep: a remembered record must not show them either.
        let now = wita(2026, 11, 23, 9, 0) + chrono::Duration::nanoseconds(123_456_789);
        let id = here.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted").record.id;
        let count = StatementCount::default();
        let received = count.scope(here.act(&b.scope, &b.front, id, act(1, "terima", ActionInput::default()), now));
        let received = received.await.expect("v2").record;
        if db.name == "postgres" {
            assert_eq!(count.get(), 1, "the write alone: the state was remembered");
        }
        // What a decision from memory returns is what a read returns, to the stored precision of its times.
        let read = here.application(&b.scope, id).await.expect("stored");
        let seen = |r: &simpul_store::applications::ApplicationRecord| {
            (r.submitted_at, r.updated_at, r.version, serde_json::to_value(&r.state).expect("json"))
        };
        assert_eq!(seen(&received), seen(&read), "{}", db.name);
        // The other instance moves it on; here still remembers version 2.
        let complete = || checked(&["ktp_kk", "sktm_desa", "sptjm"]);
        there.act(&b.scope, &b.front, id, act(2, "lengkap", complete()), now).await.expect("v3 there");
        // A command given against version 2 is refused here exactly as there, and nothing is written.
        let refused_here = here.act(&b.scope, &b.front, id, act(2, "lengkap", complete()), now).await;
        let refused_there = there.act(&b.scope, &b.front, id, act(2, "lengkap", complete()), now).await;
        let (Err(here_said), Err(there_said)) = (&refused_here, &refused_there) else {
            panic!("{}: a stale version must be refused: {refused_here:?} / {refused_there:?}", db.name)
        };
        assert_eq!(here_said.to_string(), there_said.to_string(), "{}", db.name);
        assert_eq!(here.application(&b.scope, id).await.expect("stored").version, 3, "{}", db.name);
        assert_eq!(here.application_events(&b.scope, id).await.expect("events").len(), 3, "{}", db.name);
        // Against the current version, here decides on the database's state (read again) and writes it.
        let count = StatementCount::default();
        let acted = count
            .scope(here.act(&b.scope, &b.verifikator, id, act(3, "memenuhi", verified()), now))
            .await
            .expect("v4 here");
        assert_eq!(acted.record.version, 4, "{}", db.name);

        if db.name == "postgres" {
            assert_eq!(count.get(), 2, "read again, then written");
        }
        db.finish().await;
    }
}

/// A signing numbers its letter in a transaction, and writes the letter with the decision's other rows in the
/// decision's one statement: the number, the statement, the commit.
#[tokio::test]
async fn a_signing_on_postgresql_is_the_number_and_one_write() {
    use simpul_store::statements::StatementCount;
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let (id, version) = to_signing(store, &b, now).await;
        let count = StatementCount::recording();
        let signed = count
            .scope(store.act(&b.scope, &b.kepala, id, act(version, "tandatangani", ActionInput::default()), now))
            .await
            .expect("signed");
        assert_eq!(signed.letters.len(), 1, "{}", db.name);
        assert_eq!(store.letters_of(&b.scope, id).await.expect("letters").len(), 1, "{}", db.name);
        if db.name == "postgres" {
            assert_eq!(count.get(), 2, "the number and the write: {:#?}", count.statements());
        }
        db.finish().await;
    }
}
