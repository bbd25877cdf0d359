//! Lists of a tenant's applications: filters, deadlines, pages, and the public tracking query.

use pretty_assertions::assert_eq;
use simpul_engine::ActionInput;
use simpul_engine::DeadlineState;
use simpul_store::TrackingProof::{BirthDate, Nik};
use simpul_store::{ApplicationFilter, StageFilter};

use super::support::{act, bulukumba, bulukumba_request, databases, wita};

#[tokio::test]
async fn pages_follow_the_deadline_order_and_filters_narrow_them() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let mut ids = Vec::new();
        let names = ["Ani Lestari", "Budi", "Cici", "Dedi Kurniawan", "Euis", "Fajar", "Gita"];
        for (i, name) in names.iter().enumerate() {
            let at = wita(2026, 11, 23, 9, 0) + chrono::Duration::minutes(i as i64 * 5);
            let mut request = bulukumba_request(None);
            request.data.insert("nama".into(), serde_json::json!(name));
            ids.push(store.submit(&b.scope, &b.front, &request, at).await.expect("submitted").record.id);
        }
        let now = wita(2026, 11, 23, 9, 40);
        // Soonest deadline first, three at a time.
        let all = ApplicationFilter::default();
        let first = store.applications(&b.scope, &all, 3, None, now).await.expect("page 1");
        assert!(first.has_next_page);
        let second = store
            .applications(&b.scope, &all, 3, first.items.last().map(|(c, _)| c.as_str()), now)
            .await
            .expect("page 2");
        let third = store
            .applications(&b.scope, &all, 3, second.items.last().map(|(c, _)| c.as_str()), now)
            .await
            .expect("page 3");
        assert!(!third.has_next_page);
        let order: Vec<_> = [first, second, third].into_iter().flat_map(|p| p.items).map(|(_, r)| r.id).collect();
        assert_eq!(order, ids, "{}", db.name);

        // Text, stage, step and deadline filters.
        let named = ApplicationFilter { text: Some("dedi KURNIA".into()), ..Default::default() };
        let found = store.applications(&b.scope, &named, 10, None, now).await.expect("by name");
        assert_eq!(found.items.iter().map(|(_, r)| r.id).collect::<Vec<_>>(), vec![ids[3]]);
        store.act(&b.scope, &b.front, ids[0], act(1, "terima", ActionInput::default()), now).await.expect("acted");
        let at_check = ApplicationFilter { step: Some("pemeriksaan_kelengkapan".into()), ..Default::default() };
        assert_eq!(store.applications(&b.scope, &at_check, 10, None, now).await.expect("by step").items.len(), 1);
        let open = ApplicationFilter {
            stage: Some(StageFilter::Open),
            service: Some("rekomendasi-sktm".into()),
            ..Default::default()
        };
        assert_eq!(store.applications(&b.scope, &open, 10, None, now).await.expect("open").items.len(), 7);
        // At 09:40 the first (09:00, due 09:30) and second (09:05, due 09:35) are overdue; the third (09:10, due
        // 09:40, not yet passed) and the fourth (09:15, 80 % used at 09:39) are nearing; the rest are on time.
        let count = |deadline| {
            let filter = ApplicationFilter { deadline: Some(deadline), ..Default::default() };
            let store = store.clone();
            let scope = b.scope.clone();
            async move { store.applications(&scope, &filter, 10, None, now).await.expect("deadline").items.len() }
        };
        assert_eq!(
            (
                count(DeadlineState::Overdue).await,
                count(DeadlineState::Nearing).await,
                count(DeadlineState::OnTime).await
            ),
            (2, 2, 3),
            "{}",
            db.name
        );
        assert!(store.applications(&b.scope, &all, 3, Some("zz"), now).await.is_err(), "a bad cursor is an error");
        db.finish().await;
    }
}

#[tokio::test]
async fn the_tracking_code_and_nik_together_find_an_application() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let submitted = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let code = submitted.record.tracking_code.clone();
        assert_eq!(code.len(), 11);
        let found = store.track(&code.to_lowercase(), Nik("7302014507850001")).await.expect("track").expect("found");
        assert_eq!((found.tenant_id.as_str(), found.service_code.as_str()), ("bulukumba", "rekomendasi-sktm"));
        assert!(store.track(&code, Nik("7302014507850002")).await.expect("track").is_none(), "wrong NIK");
        assert!(store.track("AAAAA-AAAAA", Nik("7302014507850001")).await.expect("track").is_none(), "wrong code");
        assert!(store.track(&code, Nik("Siti Aminah")).await.expect("track").is_none(), "a name is not a NIK");
        let born = chrono::NaiveDate::from_ymd_opt(1985, 7, 5).expect("date");
        let by_birth = store.track(&code, BirthDate(born)).await.expect("track").expect("found by birth date");
        assert_eq!(by_birth.id, found.id);
        let other_day = born.succ_opt().expect("date");
        assert!(store.track(&code, BirthDate(other_day)).await.expect("track").is_none(), "another birth date");
        db.finish().await;
    }
}

/// The inbox is the database's list of the applications whose inbox tokens meet the officer's keys, counted per
/// service by the database; rows written before the tokens existed get theirs when the store computes them.
#[tokio::test]
async fn the_inbox_lists_by_who_may_act_and_rows_from_before_get_their_tokens_and_digests() {
    use sea_orm::ConnectionTrait;
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let first = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted").record;
        let (first, code) = (first.id, first.tracking_code);
        store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let verifier = b.verifikator.clone();
        let all = ApplicationFilter::default();
        assert_eq!(store.inbox_count(&b.scope, &b.front, &all, now).await.expect("count"), 2, "{}", db.name);
        assert_eq!(store.inbox_count(&b.scope, &verifier, &all, now).await.expect("count"), 0);
        let counts = store.inbox_counts(&b.scope, &b.front, now).await.expect("counts");
        assert_eq!(counts.get("rekomendasi-sktm"), Some(&2));
        assert_eq!(
            store.fill_derived_columns().await.expect("nothing to fill"),
            0,
            "{}: every row has its tokens",
            db.name
        );
        // A row from before the columns: no tokens and no NIK digests, so in nobody's inbox and not found by the
        // applicant's NIK until the store computes them.
        for stmt in [
            format!("UPDATE applications SET inbox = NULL WHERE tracking_code = '{code}'"),
            format!(
                "UPDATE application_search SET nik_digests = '' \
                 WHERE application_id = (SELECT id FROM applications WHERE tracking_code = '{code}')"
            ),
        ] {
            store.connection().execute_unprepared(&stmt).await.expect("cleared");
        }
        assert_eq!(store.inbox(&b.scope, &b.front, &all, 10, None, now).await.expect("inbox").items.len(), 1);
        let by_nik = ApplicationFilter { nik: Some("7302014507850001".into()), ..Default::default() };
        let found = store.applications(&b.scope, &by_nik, 10, None, now).await.expect("by NIK");
        assert_eq!(found.items.len(), 1, "{}: only the other one", db.name);
        assert_eq!(store.fill_derived_columns().await.expect("filled"), 1, "{}: one row had none", db.name);
        let page = store.inbox(&b.scope, &b.front, &all, 10, None, now).await.expect("inbox");
        assert_eq!(page.items.len(), 2, "{}", db.name);
        assert!(page.items.iter().any(|(_, r)| r.id == first));
        let found = store.applications(&b.scope, &by_nik, 10, None, now).await.expect("by NIK");
        assert_eq!(found.items.len(), 2, "{}: both by the NIK", db.name);
        db.finish().await;
    }
}

/// A survey response is recorded once per application, read back per service and period, and only in its
/// tenant.
#[tokio::test]
async fn a_survey_is_answered_once_and_read_per_service_and_period() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let submitted = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let id = submitted.record.id;
        let answers = [4, 3, 3, 4, 3, 4, 4, 2, 3];
        assert!(!store.survey_answered(&b.scope, id).await.expect("read"));
        store.record_survey(&b.scope, id, "rekomendasi-sktm", &answers, Some("Cepat"), now).await.expect("recorded");
        let again = store.record_survey(&b.scope, id, "rekomendasi-sktm", &answers, None, now).await;
        assert!(matches!(again, Err(simpul_store::StoreError::SurveyAnswered)), "{}: {again:?}", db.name);
        let day = (wita(2026, 11, 23, 0, 0), wita(2026, 11, 24, 0, 0));
        let read = store.survey_responses(&b.scope, "rekomendasi-sktm", day.0, day.1).await.expect("responses");
        assert_eq!(read.len(), 1);
        assert_eq!((read[0].answers, read[0].suggestion.as_deref()), (answers, Some("Cepat")));
        let before = store.survey_responses(&b.scope, "rekomendasi-sktm", wita(2026, 11, 22, 0, 0), day.0).await;
        assert!(before.expect("responses").is_empty(), "another period");
        let (other, _) = super::support::officer(store, "luwu-timur", "kepala_dinas").await;
        assert!(store.survey_responses(&other, "rekomendasi-sktm", day.0, day.1).await.expect("none").is_empty());
        db.finish().await;
    }
}

/// What an application is found by follows its form: after the applicant corrects a name, the new one finds it and
/// the old one no longer does. A decision that leaves the form as it was does not rewrite it (on PostgreSQL the
/// row's `xmin`, the transaction that wrote it last, stays the one of the submission).
#[tokio::test]
async fn a_corrected_name_is_searched_and_a_decision_leaves_the_search_row_alone() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    for db in databases().await {
        let store = &db.store;
        let b = &bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let submitted = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let id = submitted.record.id;
        let found = |text: &str| {
            let filter = ApplicationFilter { text: Some(text.into()), ..Default::default() };
            async move { store.applications(&b.scope, &filter, 10, None, now).await.expect("search").items.len() }
        };
        let written_by = || async {
            if store.connection().get_database_backend() != DbBackend::Postgres {
                return None;
            }
            let sql = format!("SELECT xmin::text AS x FROM application_search WHERE application_id = '{id}'");
            let row = store.connection().query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await;
            Some(row.expect("read").expect("the row").try_get::<String>("", "x").expect("xmin"))
        };
        assert_eq!(found("aminah").await, 1, "{}", db.name);
        let at_submission = written_by().await;

        let received = store.act(&b.scope, &b.front, id, act(1, "terima", ActionInput::default()), now).await;
        let version = received.expect("received").record.version;
        let missing = ActionInput {
            note: Some("SPTJM belum ditandatangani".into()),
            missing: vec!["sptjm".into()],
            ..Default::default()
        };
        let returned = store.act(&b.scope, &b.front, id, act(version, "belum_lengkap", missing), now);
        let version = returned.await.expect("returned").record.version;
        assert_eq!(written_by().await, at_submission, "{}: decisions on the same form leave it", db.name);

        let mut data = simpul_engine::FormData::new();
        data.insert("nama".into(), serde_json::json!("Siti Rahmawati"));
        let resubmit = simpul_engine::Command::Resubmit {
            expected_version: version as u64,
            data,
            documents_received: Default::default(),
        };
        store.act(&b.scope, &b.front, id, resubmit, now).await.expect("resubmitted");
        assert_eq!(found("rahmawati").await, 1, "{}: the corrected name finds it", db.name);
        assert_eq!(found("aminah").await, 0, "{}: the old name no longer does", db.name);
        assert_eq!(found("siti").await, 1, "{}", db.name);
        if let Some(before) = at_submission {
            assert_ne!(written_by().await, Some(before), "the correction rewrote it");
        }
        db.finish().await;
    }
}

/// Migration 25 moves what applications are found by into `application_search` and back: an application submitted
/// before it is found by its name after it, and undoing it puts the text back on the application's row.
#[tokio::test]
async fn the_search_table_migration_keeps_what_applications_are_found_by() {
    use sea_orm::{ConnectionTrait, Statement};
    use simpul_migrations::{Migrate, Migrator};
    for db in databases().await {
        let store = &db.store;
        let b = &bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let code = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted").record;
        let code = code.tracking_code;
        let conn = store.connection();
        Migrator::down(conn, Some(1)).await.expect("down");
        let sql = format!("SELECT search FROM applications WHERE tracking_code = '{code}'");
        let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await;
        let search: String = row.expect("read").expect("row").try_get("", "search").expect("search");
        assert_eq!(search, format!("{} siti aminah", code.to_lowercase()), "{}", db.name);
        Migrator::up(conn, None).await.expect("up");
        let filter = ApplicationFilter { text: Some("Aminah".into()), ..Default::default() };
        let found = store.applications(&b.scope, &filter, 10, None, now).await.expect("search").items;
        assert_eq!(found.len(), 1, "{}", db.name);
        let by_nik = ApplicationFilter { nik: Some("7302014507850001".into()), ..Default::default() };
        assert_eq!(store.applications(&b.scope, &by_nik, 10, None, now).await.expect("nik").items.len(), 1);
        db.finish().await;
    }
}
