//! Tenant isolation: every repository query, given another tenant's scope, with real and guessed ids, finds
//! nothing and changes nothing.

use pretty_assertions::assert_eq;
use simpul_engine::ActionInput;
use simpul_store::documents::NewDocument;
use simpul_store::{ApplicationFilter, StoreError};
use uuid::Uuid;

use super::support::{act, bulukumba, bulukumba_request, databases, officer, to_signing, wita};

fn not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(matches!(result, Err(StoreError::NotFound { .. })), "expected not found, got {result:?}");
}

#[tokio::test]
async fn another_tenant_reaches_none_of_an_application() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let (id, version) = to_signing(store, &b, now).await;
        let document = NewDocument {
            requirement: "ktp_kk".into(),
            storage_key: format!("bulukumba/{id}/x"),
            sha256: "00".repeat(32),
            size_bytes: 10,
            content_type: "application/pdf".into(),
        };
        let (_, stored) = store
            .attach_document(&b.scope, &b.kepala, id, version as u64, document.clone(), now)
            .await
            .expect("document");
        store
            .act(&b.scope, &b.kepala, id, act(version + 1, "tandatangani", ActionInput::default()), now)
            .await
            .expect("signed");
        let tracking = store.application(&b.scope, id).await.expect("own").tracking_code;

        // An officer of Luwu Timur with every role it has, and the same id.
        let (other, intruder) = officer(store, "luwu-timur", "kepala_dinas").await;
        let guessed = Uuid::now_v7();
        for target in [id, guessed] {
            not_found(store.application(&other, target).await);
            not_found(store.application_events(&other, target).await);
            not_found(store.act(&other, &intruder, target, act(11, "diserahkan", ActionInput::default()), now).await);
            not_found(store.attach_document(&other, &intruder, target, 11, document.clone(), now).await.map(|_| ()));
            not_found(store.document(&other, stored.id).await);
            assert_eq!(store.letters_of(&other, target).await.expect("query"), vec![]);
            assert_eq!(store.outbox_of(&other, target).await.expect("query"), vec![]);
            assert_eq!(store.documents_of(&other, target).await.expect("query"), vec![]);
            // The batched reads of a list, asked for this office's id among others.
            let ids = [target, Uuid::now_v7()];
            assert!(store.events_of_applications(&other, &ids).await.expect("query").is_empty());
            assert_eq!(store.letters_of_applications(&other, &ids).await.expect("query"), vec![]);
            assert_eq!(store.documents_of_applications(&other, &ids).await.expect("query"), vec![]);
            assert_eq!(store.audit_entries(&other, &target.to_string()).await.expect("query"), vec![]);
        }
        let everything = ApplicationFilter::default();
        assert!(store.applications(&other, &everything, 100, None, now).await.expect("list").items.is_empty());
        let by_name = ApplicationFilter { text: Some("Siti".into()), ..Default::default() };
        assert!(store.applications(&other, &by_name, 100, None, now).await.expect("list").items.is_empty());
        assert!(store.letters_in_series(&other, "rekomendasi", 2026).await.expect("query").is_empty());
        // Definitions: Luwu Timur has no such service, and cannot load Bulukumba's by version id.
        not_found(store.published_service(&other, "rekomendasi-sktm").await.map(|_| ()));
        assert!(store.service_versions(&other, "rekomendasi-sktm").await.expect("query").is_empty());
        let theirs = store.published_services(&other).await.expect("query");
        assert!(theirs.iter().all(|(v, _)| v.tenant_id == "luwu-timur") && theirs.len() == 1);
        // A Bulukumba officer's roles do not exist in Luwu Timur.
        assert!(
            store.roles_of(&other, Uuid::parse_str(&b.kepala.user_id).expect("uuid")).await.expect("roles").is_empty()
        );

        // Nothing changed for Bulukumba.
        let own = store.application(&b.scope, id).await.expect("own");
        assert_eq!(own.version, 11);
        assert_eq!(store.documents_of(&b.scope, id).await.expect("docs").len(), 1);
        // Submitting into Luwu Timur with Bulukumba's service code finds no such service there.
        not_found(store.submit(&other, &intruder, &bulukumba_request(None), now).await.map(|_| ()));
        assert!(
            store
                .track(&tracking, simpul_store::TrackingProof::Nik("7302014507850001"))
                .await
                .expect("track")
                .is_some()
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn idempotency_keys_are_per_tenant() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let first = store.submit(&b.scope, &b.front, &bulukumba_request(Some("k")), now).await.expect("submitted");
        // A key another tenant used does not return that tenant's application.
        let (tt, tt_front) = officer(store, "tebing-tinggi", "front_office").await;
        let mut request = bulukumba_request(Some("k"));
        request.service = "surat-keterangan-dtks".into();
        request.data = serde_json::from_value(serde_json::json!({
            "nama": "Butet", "nik": "1276015506900001", "no_kk": "1276010101150003", "alamat": "Jl. Sudirman",
            "keperluan": "sekolah"
        }))
        .expect("form");
        request.documents_received.clear();
        let theirs = store.submit(&tt, &tt_front, &request, now).await.expect("submitted");
        assert!(theirs.created);
        assert_ne!(theirs.record.id, first.record.id);
        db.finish().await;
    }
}

#[tokio::test]
async fn another_tenant_reaches_none_of_a_registry_upload() {
    use simpul_definitions::model::RegistrySource;
    use simpul_store::registry::{ImportRequest, SnapshotStatus};
    use std::io::{Seek, Write};
    let upload = |text: &str| {
        let mut file = tempfile::tempfile().expect("file");
        file.write_all(text.as_bytes()).expect("written");
        file.rewind().expect("rewound");
        ImportRequest {
            source: RegistrySource::Dtsen,
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            file_name: String::from("dtsen.csv"),
            file,
        }
    };
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let (luwu, _) = officer(store, "luwu-timur", "petugas_linjamsos").await;
        let now = chrono::Utc::now();
        let ours = store
            .import_registry(&b.scope, "a", upload("NIK;NO KK;DESIL\n7302014507850001;7302010101150003;2\n"), now)
            .await
            .expect("Bulukumba's");
        // Luwu Timur sees no upload, finds nobody, and cannot name Bulukumba's by its id.
        assert_eq!(store.registry_snapshots(&luwu).await.expect("list"), vec![], "{}", db.name);
        not_found(store.registry_snapshot(&luwu, ours.id).await);
        let keys = (Some("7302014507850001"), Some("7302010101150003"));
        assert!(store.registry_lookup(&luwu, "x", "y", RegistrySource::Dtsen, keys).await.expect("ok").is_none());
        // Its own upload of the same person leaves Bulukumba's in force, with its own answer.
        store
            .import_registry(&luwu, "a", upload("NIK;NO KK;DESIL\n7302014507850001;7302010101150003;9\n"), now)
            .await
            .expect("Luwu Timur's");
        let found = store.registry_lookup(&b.scope, "x", "y", RegistrySource::Dtsen, keys).await.expect("ok");
        let found = found.expect("Bulukumba's upload");
        assert_eq!((found.snapshot.id, found.person.and_then(|p| p.desil)), (ours.id, Some(2)));
        assert_eq!(store.registry_snapshot(&b.scope, ours.id).await.expect("own").status, SnapshotStatus::InForce);
        db.finish().await;
    }
}
