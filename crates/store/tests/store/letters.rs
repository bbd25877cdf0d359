//! Letter numbers: gapless, unique, per tenant, series and year.

use chrono::NaiveDate;
use pretty_assertions::assert_eq;
use simpul_engine::ActionInput;
use simpul_engine::numbering::{format_number, roman_month};
use simpul_store::letters::ArchivedLetter;

use super::support::{act, bulukumba, databases, to_signing, wita};

#[test]
fn numbers_follow_the_tenants_pattern() {
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    assert_eq!(format_number("400.9/{seq}/Dinsos/{bulan}/{tahun}", 123, date), "400.9/123/Dinsos/XI/2026");
    assert_eq!(format_number("400.9/{seq}/{bulan_angka}/{tahun}", 7, date), "400.9/7/11/2026");
    assert_eq!((roman_month(1), roman_month(4), roman_month(12)), ("I", "IV", "XII"));
}

#[tokio::test]
async fn fifty_letters_signed_at_once_get_exactly_the_numbers_one_to_fifty() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let mut ready = Vec::new();
        for _ in 0..50 {
            ready.push(to_signing(store, &b, now).await);
        }
        let mut tasks = Vec::new();
        for (id, version) in ready {
            let (store, scope, kepala) = (store.clone(), b.scope.clone(), b.kepala.clone());
            tasks.push(tokio::spawn(async move {
                store.act(&scope, &kepala, id, act(version, "tandatangani", ActionInput::default()), now).await
            }));
        }
        let mut numbers = Vec::new();
        for task in tasks {
            let acted = task.await.expect("task").expect("signed");
            numbers.push(acted.letters[0].seq);
        }
        numbers.sort();
        assert_eq!(numbers, (1..=50).collect::<Vec<i64>>(), "{}", db.name);
        let stored = store.letters_in_series(&b.scope, "rekomendasi", 2026).await.expect("letters");
        assert_eq!(stored.len(), 50);
        assert_eq!(stored[49].number, "400.9/50/Dinsos/XI/2026");
        // Another tenant's series starts at 1 of its own.
        let (scope, _) = super::support::officer(store, "luwu-timur", "kepala_dinas").await;
        assert!(store.letters_in_series(&scope, "rekomendasi", 2026).await.expect("letters").is_empty());
        db.finish().await;
    }
}

#[tokio::test]
async fn signing_keys_are_made_once_rotated_and_kept() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let k1 = ([1u8; 32], [11u8; 32]);
        // Concurrent first uses agree on one key.
        let mut tasks = Vec::new();
        for i in 0..8u8 {
            let (store, scope) = (store.clone(), b.scope.clone());
            tasks.push(tokio::spawn(async move { store.signing_key(&scope, ([i; 32], [i + 10; 32])).await }));
        }
        let mut keys = Vec::new();
        for task in tasks {
            keys.push(task.await.expect("task").expect("key"));
        }
        assert!(keys.windows(2).all(|w| w[0] == w[1]), "{}: one key for everyone", db.name);
        assert_eq!(keys[0].key_id, 1);
        let first = keys[0].clone();
        assert_eq!(store.signing_key(&b.scope, k1).await.expect("again"), first, "not replaced");
        // Rotation: key 2 becomes active, key 1 still verifies.
        assert_eq!(store.rotate_signing_key(&b.scope, ([2u8; 32], [22u8; 32])).await.expect("rotate"), 2);
        let active = store.signing_key(&b.scope, k1).await.expect("active");
        assert_eq!((active.key_id, active.public), (2, [22u8; 32]));
        assert_eq!(store.signing_public_key("bulukumba", 1).await.expect("key 1"), Some(first.public));
        assert_eq!(store.signing_public_key("bulukumba", 3).await.expect("no key 3"), None);
        // Another tenant has its own keys.
        let (other, _) = super::support::officer(store, "luwu-timur", "kepala_dinas").await;
        assert_eq!(store.signing_key(&other, ([5u8; 32], [55u8; 32])).await.expect("other").key_id, 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_letter_is_archived_once_and_verifiable_by_its_id_alone() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = wita(2026, 11, 23, 9, 0);
        let (id, version) = to_signing(store, &b, now).await;
        let acted = store.act(&b.scope, &b.kepala, id, act(version, "tandatangani", ActionInput::default()), now).await;
        let letter = acted.expect("signed").letters.remove(0);
        assert_eq!(letter.sha256, None);
        let handed = act(version + 1, "diserahkan", ActionInput::default());
        store.act(&b.scope, &b.front, id, handed, now).await.expect("handed over");
        let archived = act(version + 2, "diarsipkan", ActionInput::default());
        store.act(&b.scope, &b.front, id, archived, now).await.expect("archived");
        let system = store.system_access();
        let pending = store.due_unarchived_letters(&system, now, 10).await.expect("pending");
        assert_eq!(pending.iter().map(|l| l.id).collect::<Vec<_>>(), vec![letter.id], "{}", db.name);
        // A failed attempt puts the letter aside until its retry is due.
        let retry = now + chrono::Duration::seconds(4);
        assert_eq!(store.letter_archive_failed(&system, letter.id, retry).await.expect("failed"), 1);
        assert!(store.due_unarchived_letters(&system, now, 10).await.expect("pending").is_empty(), "{}", db.name);
        assert_eq!(store.due_unarchived_letters(&system, retry, 10).await.expect("due").len(), 1, "{}", db.name);
        assert_eq!(store.letter_archive_failed(&system, letter.id, retry).await.expect("failed"), 2);

        let archived = |sha: &str, key: &str, code: &str| ArchivedLetter {
            sha256: sha.into(),
            storage_key: key.into(),
            size_bytes: 1234,
            verification_code: code.into(),
            short_code: format!("S-{code}"),
            signer: simpul_store::letters::Signer { name: "Siti".into(), title: "Kepala Dinas".into() },
        };
        let first = archived("aa", "bulukumba/x/1.pdf", "CODE1");
        assert!(store.archive_letter(&b.scope, letter.id, &first).await.expect("first"));
        let second = archived("bb", "bulukumba/x/2.pdf", "CODE2");
        assert!(!store.archive_letter(&b.scope, letter.id, &second).await.expect("second"));
        let stored = store.letter(&b.scope, letter.id).await.expect("letter");
        assert_eq!(
            (stored.sha256.as_deref(), stored.storage_key.as_deref(), stored.verification_code.as_deref()),
            (Some("aa"), Some("bulukumba/x/1.pdf"), Some("CODE1"))
        );
        assert_eq!(stored.size_bytes, Some(1234));
        let later = now + chrono::Duration::days(1);
        assert!(store.due_unarchived_letters(&system, later, 10).await.expect("pending").is_empty());
        let (other, _) = super::support::officer(store, "luwu-timur", "kepala_dinas").await;
        assert!(store.letter(&other, letter.id).await.is_err(), "another tenant's scope finds nothing");
        assert!(!store.archive_letter(&other, letter.id, &archived("cc", "x", "y")).await.expect("no row"));

        let public = store.verifiable_letter(letter.id).await.expect("query").expect("found");
        assert_eq!(public.office, "Dinas Sosial Kabupaten Bulukumba");
        assert_eq!(public.applicant.as_deref(), Some("Siti Aminah"));
        assert!(public.product.starts_with("Surat Rekomendasi"));
        assert_eq!(public.letter.number, "400.9/1/Dinsos/XI/2026");
        assert_eq!(store.verifiable_letter(uuid::Uuid::now_v7()).await.expect("query"), None);
        assert_eq!(store.signed_code_by_short_code("S-CODE1").await.expect("query").as_deref(), Some("CODE1"));
        assert_eq!(store.signed_code_by_short_code("S-CODE2").await.expect("query"), None, "the losing render's");
        assert_eq!(stored.signer.as_ref().map(|s| s.name.as_str()), Some("Siti"));

        // Revoked once, with its audit entry and its event in the same transaction; twice is refused.
        let revoked = store.revoke_letter(&b.scope, letter.id, "Data tidak benar", "kepala", now).await;
        let revoked = revoked.expect("revoked").revoked.expect("a revocation");
        assert_eq!((revoked.reason.as_str(), revoked.by.as_str()), ("Data tidak benar", "kepala"));
        let again = store.revoke_letter(&b.scope, letter.id, "Lagi", "kepala", now).await;
        assert!(matches!(again, Err(simpul_store::StoreError::AlreadyRevoked { .. })), "{again:?}");
        assert!(store.revoke_letter(&other, letter.id, "Data tidak benar", "x", now).await.is_err(), "other tenant");
        let events = store.outbox_of(&b.scope, id).await.expect("outbox");
        assert_eq!(events.iter().filter(|e| e.kind == simpul_store::letters::LETTER_REVOKED).count(), 1);

        // The list of the month holds it; another period or outcome does not.
        let outcomes = vec![String::from("selesai")];
        let month = (wita(2026, 11, 1, 0, 0), wita(2026, 12, 1, 0, 0));
        let ended = store.ended_applications(&b.scope, "rekomendasi-sktm", &outcomes, month.0, month.1).await;
        assert_eq!(ended.expect("list").iter().map(|a| a.id).collect::<Vec<_>>(), vec![id]);
        let october =
            store.ended_applications(&b.scope, "rekomendasi-sktm", &outcomes, wita(2026, 10, 1, 0, 0), month.0);
        assert!(october.await.expect("list").is_empty());
        let other_outcome = vec![String::from("ditolak")];
        assert!(
            store
                .ended_applications(&b.scope, "rekomendasi-sktm", &other_outcome, month.0, month.1)
                .await
                .expect("list")
                .is_empty()
        );
        db.finish().await;
    }
}
