//! Letter numbers: gapless, unique, per tenant, series and year.

use chrono::NaiveDate;
use pretty_assertions::assert_eq;
use simpul_engine::ActionInput;
use simpul_engine::numbering::{format_number, roman_month};

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
