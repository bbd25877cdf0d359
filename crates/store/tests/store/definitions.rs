//! Definitions in the database: first import, sync by content hash, and pinned versions.

use pretty_assertions::assert_eq;
use simpul_engine::ActionInput;
use simpul_store::StoreError;
use simpul_store::definitions::{ReviewDecision, VersionStatus};

use super::support::{act, bulukumba, bulukumba_request, databases, definitions_dir, wita};

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[tokio::test]
async fn the_shipped_definitions_are_imported_once_as_version_one() {
    for db in databases().await {
        let store = &db.store;
        let tenants = store.tenants().await.expect("tenants");
        assert_eq!(tenants.len(), 5);
        let mut published = 0;
        for (code, _) in &tenants {
            let scope = store.system_scope(code).await.expect("scope");
            for (info, service) in store.published_services(&scope).await.expect("services") {
                assert_eq!((info.version, info.status), (1, VersionStatus::Published));
                assert_eq!(service.version(), 1);
                published += 1;
            }
        }
        assert_eq!(published, 12, "{}", db.name);
        assert_eq!(store.import_definitions_if_empty(&definitions_dir()).await.expect("again"), None);
        db.finish().await;
    }
}

#[tokio::test]
async fn sync_publishes_changed_files_as_new_versions_and_applications_keep_theirs() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let old = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");

        let dir = tempfile::tempdir().expect("temporary folder");
        copy(&definitions_dir(), dir.path());
        let file = dir.path().join("bulukumba/services/rekomendasi-sktm.yaml");
        let text = std::fs::read_to_string(&file).expect("read");
        std::fs::write(&file, text.replace("label: Berkas diterima,", "label: Berkas diterima di loket,"))
            .expect("write");
        let report = store.sync_definitions(dir.path(), "admin@73").await.expect("sync");
        assert_eq!(report.changed, vec![("bulukumba".to_string(), "rekomendasi-sktm".to_string(), 2)]);
        assert_eq!((report.added.len(), report.unchanged), (0, 11));

        let versions = store.service_versions(&b.scope, "rekomendasi-sktm").await.expect("versions");
        let states: Vec<(i32, VersionStatus)> = versions.iter().map(|(v, _)| (v.version, v.status)).collect();
        assert_eq!(states, vec![(2, VersionStatus::Published), (1, VersionStatus::Retired)]);
        assert!(versions[0].1.contains("di loket"));

        // The old application still runs under version 1; a new one starts under version 2.
        let acted = store
            .act(&b.scope, &b.front, old.record.id, act(1, "terima", ActionInput::default()), now)
            .await
            .expect("acted");
        assert_eq!(acted.record.state.definition_version, 1);
        let new = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        assert_eq!(new.record.state.definition_version, 2, "{}", db.name);

        let again = store.sync_definitions(dir.path(), "admin@73").await.expect("sync again");
        assert_eq!((again.changed.len(), again.added.len(), again.unchanged), (0, 0, 12));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_version_scheduled_to_start_later_comes_into_force_at_its_start_and_every_step_is_audited() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let yaml = std::fs::read_to_string(definitions_dir().join("bulukumba/services/rekomendasi-sktm.yaml"))
            .expect("read")
            .replace("label: Berkas diterima,", "label: Berkas diterima di loket,");
        let draft = store
            .save_service_draft(&b.scope, "rekomendasi-sktm", &yaml, "penyusun")
            .await
            .expect("saved")
            .version
            .expect("no errors");
        store.submit_for_review(&b.scope, draft.id, "penyusun").await.expect("submitted");
        let own = store.review_version(&b.scope, draft.id, ReviewDecision::Approve, None, "penyusun").await;
        assert!(matches!(own, Err(StoreError::OwnReview)), "{own:?}");
        store
            .review_version(&b.scope, draft.id, ReviewDecision::Approve, Some("Sesuai SP"), "peninjau")
            .await
            .expect("approved");
        let start = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
        let scheduled =
            store.publish_service_version(&b.scope, draft.id, Some(start), "penyusun").await.expect("scheduled");
        assert_eq!(scheduled.status, VersionStatus::Scheduled);
        let (now, _) = store.published_service(&b.scope, "rekomendasi-sktm").await.expect("in force");
        assert_eq!(now.version, 1, "{}: the old version stays until the start", db.name);

        // At its start the next read brings it into force (after the cache's notice, as a publish on another
        // instance would send), and the version it replaces is retired.
        tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
        store.forget_definitions();
        let (now, service) = store.published_service(&b.scope, "rekomendasi-sktm").await.expect("in force");
        assert_eq!((now.version, now.status, service.version()), (2, VersionStatus::Published, 2), "{}", db.name);
        let versions = store.service_versions(&b.scope, "rekomendasi-sktm").await.expect("versions");
        let states: Vec<VersionStatus> = versions.iter().map(|(v, _)| v.status).collect();
        assert_eq!(states, vec![VersionStatus::Published, VersionStatus::Retired]);

        let log: Vec<(String, String)> = store
            .audit_entries(&b.scope, "layanan:rekomendasi-sktm")
            .await
            .expect("audit")
            .into_iter()
            .map(|e| (e.actor, e.detail))
            .collect();
        assert_eq!(log.len(), 4, "{log:?}");
        assert_eq!(log[0], (String::from("penyusun"), String::from("versi 2 disimpan sebagai konsep")));
        assert_eq!(log[2], (String::from("peninjau"), String::from("versi 2 disetujui: Sesuai SP")));
        assert!(log[3].1.starts_with("versi 2 dijadwalkan berlaku mulai"), "{log:?}");
        db.finish().await;
    }
}

#[tokio::test]
async fn definitions_with_errors_are_not_imported() {
    for db in databases().await {
        let store = &db.store;
        let dir = tempfile::tempdir().expect("temporary folder");
        copy(&definitions_dir(), dir.path());
        let file = dir.path().join("bangka/services/rekomendasi-sktm.yaml");
        let text = std::fs::read_to_string(&file).expect("read");
        std::fs::write(&file, text.replace("roles: [verifikator]", "roles: [pemeriksa]")).expect("write");
        let other = dir.path().join("bulukumba/services/rekomendasi-sktm.yaml");
        let text = std::fs::read_to_string(&other).expect("read");
        std::fs::write(&other, text.replace("label: Berkas diterima,", "label: Diterima,")).expect("write");
        let error = store.sync_definitions(dir.path(), "admin").await.expect_err("errors");
        assert!(
            matches!(&error, StoreError::Definitions { diagnostics } if diagnostics.iter().any(|d| d.message.contains("pemeriksa")))
        );
        let scope = store.system_scope("bulukumba").await.expect("scope");
        assert_eq!(
            store.service_versions(&scope, "rekomendasi-sktm").await.expect("versions").len(),
            1,
            "nothing imported"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn opening_the_embedded_database_migrates_it_in_wal_mode_and_imports_the_definitions() {
    use sea_orm::{ConnectionTrait, Statement};
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("data/simpul.db").display());
    let store = simpul_store::Store::open(&url, &definitions_dir()).await.expect("opened");
    assert_eq!(store.tenants().await.expect("tenants").len(), 5);
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(store.connection().get_database_backend(), "PRAGMA journal_mode"))
        .await
        .expect("pragma")
        .expect("row");
    assert_eq!(row.try_get::<String>("", "journal_mode").expect("mode"), "wal");
    drop(store);
    // Opening again neither migrates twice nor imports twice.
    let again = simpul_store::Store::open(&url, &definitions_dir()).await.expect("reopened");
    let scope = again.system_scope("bulukumba").await.expect("scope");
    assert_eq!(again.service_versions(&scope, "rekomendasi-sktm").await.expect("versions").len(), 1);
}

#[tokio::test]
async fn a_postgres_database_behind_its_migrations_is_refused_at_start() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else { return };
    use sea_orm::{ConnectionTrait, Database};
    let db = format!("simpul_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url.clone()).await.expect("admin");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{db}\"")).await.expect("create");
    let url = format!("{}/{db}", admin_url.rsplit_once('/').expect("url").0);
    let refused = simpul_store::Store::open(&url, &definitions_dir()).await;
    assert!(
        matches!(&refused, Err(e @ StoreError::MigrationsPending { .. }) if e.to_string().contains("simpul migrate")),
        "{:?}",
        refused.err()
    );
    let store = simpul_store::Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    drop(store);
    let opened = simpul_store::Store::open(&url, &definitions_dir()).await.expect("opened after migrate");
    assert_eq!(opened.tenants().await.expect("tenants").len(), 5);
    drop(opened);
    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).await;
}

#[tokio::test]
async fn templates_are_versioned_and_sync_keeps_the_admins_edits_in_the_history() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        // The shipped files are the first versions.
        let files = store.template_files(&b.scope).await.expect("files");
        assert_eq!(files.files.keys().collect::<Vec<_>>(), vec!["rekomendasi-sktm.hbs"], "{}", db.name);
        let shipped = files.files["rekomendasi-sktm.hbs"].clone();

        // Saved through the API: version 2, in force, audited; the same bytes again change nothing.
        let changed = [shipped.as_slice(), b"\nTambahan.\n"].concat();
        let version = store.save_template_file(&b.scope, "rekomendasi-sktm.hbs", &changed, "admin").await;
        assert_eq!(version.expect("saved"), 2);
        assert_eq!(store.save_template_file(&b.scope, "rekomendasi-sktm.hbs", &changed, "admin").await.ok(), Some(2));
        let now = store.template_files(&b.scope).await.expect("files");
        assert_eq!(now.files["rekomendasi-sktm.hbs"], changed);
        assert_ne!(now.fingerprint, files.fingerprint);
        let versions = store.template_versions(&b.scope, "rekomendasi-sktm.hbs").await.expect("versions");
        let seen: Vec<(i32, bool, &str)> =
            versions.iter().map(|v| (v.version, v.current, v.created_by.as_str())).collect();
        assert_eq!(seen, vec![(2, true, "admin"), (1, false, "system")]);

        // What no office's file may be: refused whoever saves it.
        for (name, content) in [("../tenant.yaml", b"x".as_slice()), ("lambang.png", b"GIF89a"), ("a.hbs", b"\xff\xfe")]
        {
            let refused = store.save_template_file(&b.scope, name, content, "admin").await;
            assert!(
                matches!(
                    refused,
                    Err(simpul_store::StoreError::TemplateName { .. }
                        | simpul_store::StoreError::TemplateContent { .. })
                ),
                "{name}: {refused:?}"
            );
        }

        // A sync brings the folder's files back as one more version of each; the edit stays in the history.
        let dir = tempfile::tempdir().expect("temporary folder");
        copy(&definitions_dir(), dir.path());
        let tenant_file = dir.path().join("bulukumba/tenant.yaml");
        let office = std::fs::read_to_string(&tenant_file).expect("read");
        let edited = office.replace("DINAS SOSIAL]", "DINAS SOSIAL KABUPATEN]");
        assert_ne!(edited, office);
        store.save_office_file(&b.scope, &edited, "admin").await.expect("office file saved");
        let report = store.sync_definitions(dir.path(), "admin@73").await.expect("sync");
        assert_eq!(report.templates, vec![("bulukumba".to_string(), "rekomendasi-sktm.hbs".to_string())]);
        let versions = store.template_versions(&b.scope, "rekomendasi-sktm.hbs").await.expect("versions");
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(store.template_files(&b.scope).await.expect("files").files["rekomendasi-sktm.hbs"], shipped);
        let history = store.office_file_versions(&b.scope).await.expect("history");
        assert_eq!(history.iter().map(|v| v.version).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!((history[0].yaml.as_str(), history[1].yaml.as_str()), (office.as_str(), edited.as_str()));
        db.finish().await;
    }
}

/// The list of offices reads again only an office whose row changed, and sees the change at once, even one that
/// another instance made (no notice, the cache fresh); a province's offices are that province's.
#[tokio::test]
async fn the_list_of_offices_sees_a_changed_office_at_once_and_lists_a_province() {
    use sea_orm::ConnectionTrait;
    for db in databases().await {
        let store = &db.store;
        let all = store.tenant_runtimes(None).await.expect("offices");
        let codes: Vec<&str> = all.iter().map(|r| r.tenant.code.as_str()).collect();
        assert_eq!(codes, ["bangka", "bulukumba", "luwu-timur", "oku-selatan", "tebing-tinggi"], "{}", db.name);
        let south_sulawesi = store.tenant_runtimes(Some("73")).await.expect("province");
        let codes: Vec<&str> = south_sulawesi.iter().map(|r| r.tenant.code.as_str()).collect();
        assert_eq!(codes, ["bulukumba", "luwu-timur"], "{}", db.name);
        assert!(store.tenant_runtimes(Some("99")).await.expect("none").is_empty());
        assert_eq!(store.provinces().await.expect("provinces"), ["12", "16", "19", "73"]);

        // As another instance would: the row changed behind this one's cache.
        let renamed = "UPDATE tenants SET source_yaml = replace(source_yaml, 'name: Dinas Sosial Kabupaten Bulukumba', \
             'name: Dinas Sosial Bulukumba'), updated_at = '2030-01-01 00:00:00+00:00' WHERE id = 'bulukumba'";
        store.connection().execute_unprepared(renamed).await.expect("update");
        let again = store.tenant_runtimes(Some("73")).await.expect("again");
        assert_eq!(again[0].tenant.name, "Dinas Sosial Bulukumba", "{}", db.name);
        // Luwu Timur did not change: the same parsed office, not read again.
        assert!(std::sync::Arc::ptr_eq(&again[1], &south_sulawesi[1]), "{}", db.name);
        db.finish().await;
    }
}
