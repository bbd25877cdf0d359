//! What the store's benches share: a fresh database with the shipped definitions, and percentiles.

use std::path::PathBuf;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use simpul_store::Store;

/// A fresh database `simpul_bench_<random>` on the server `BENCH_DATABASE_URL` names, migrated, with the shipped
/// definitions; `None` (said on the console) without that variable. Drop it with [`drop_database`].
pub async fn fresh_store(bench: &str) -> Option<(Store, DatabaseConnection, String)> {
    let Ok(admin_url) = std::env::var("BENCH_DATABASE_URL") else {
        println!("BENCH_DATABASE_URL is not set: nothing measured (see the comment at the top of benches/{bench}.rs)");
        return None;
    };
    let name = format!("simpul_bench_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url.clone()).await.expect("server");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create database");
    let url = format!("{}/{name}", admin_url.rsplit_once('/').expect("url with a database").0);
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
        .sync_definitions(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions"), "bench")
        .await
        .expect("definitions");
    Some((store, admin, name))
}

/// Drops the bench's database once `store` is closed — unless `BENCH_KEEP_DATABASE` is set, to look into it.
pub async fn drop_database(store: Store, admin: DatabaseConnection, name: &str) {
    drop(store);
    if std::env::var_os("BENCH_KEEP_DATABASE").is_some() {
        println!("kept the database {name}");
        return;
    }
    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
}

/// The `p` quantile of sorted durations (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
