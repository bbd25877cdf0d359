//! Fresh databases for each test, on every backend configured, with the shipped definitions imported, and
//! helpers to carry applications through their steps.

use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;
use simpul_definitions::model::Channel;
use simpul_engine::{ActionInput, Actor, Command};
use simpul_store::auth::RoleGrant;
use simpul_store::{Store, SubmitRequest, TenantScope};
use uuid::Uuid;

/// A database made for one test.
pub struct TestDb {
    pub name: &'static str,
    pub store: Store,
    /// Where it is, for a second instance on the same database.
    url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Another store on the same database, as a second instance of the server would have.
    pub async fn another_instance(&self) -> Store {
        Store::connect(&self.url).await.expect("second instance")
    }

    /// Drops the PostgreSQL database (SQLite's folder goes with the value).
    pub async fn finish(self) {
        let TestDb { store, cleanup, .. } = self;
        drop(store);
        if let Some((admin_url, db)) = cleanup
            && let Ok(admin) = Database::connect(admin_url).await
        {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).await;
        }
    }
}

pub fn definitions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions")
}

async fn prepare(store: &Store) {
    store.migrate().await.expect("migrations apply");
    store.import_definitions_if_empty(&definitions_dir()).await.expect("definitions import");
}

/// SQLite always; PostgreSQL too when `TEST_DATABASE_URL` is set.
pub async fn databases() -> Vec<TestDb> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("simpul.db").display());
    let store = Store::connect(&url).await.expect("sqlite");
    prepare(&store).await;
    out.push(TestDb { name: "sqlite", store, url, cleanup: None, _dir: Some(dir) });
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") {
        let db = format!("simpul_test_{}", Uuid::new_v4().simple());
        let admin = Database::connect(admin_url.clone()).await.expect("TEST_DATABASE_URL reachable");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{db}\"")).await.expect("create test database");
        let url = match admin_url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{db}"),
            None => panic!("TEST_DATABASE_URL needs a database name"),
        };
        let store = Store::connect(&url).await.expect("postgres");
        prepare(&store).await;
        out.push(TestDb { name: "postgres", store, url, cleanup: Some((admin_url, db)), _dir: None });
    }
    out
}

/// An instant in WITA.
pub fn wita(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("valid") - Duration::hours(8)
}

/// A user with one role in a tenant, and their actor.
pub async fn officer(store: &Store, tenant: &str, role: &str) -> (TenantScope, Actor) {
    let username = format!("{role}-{}@{tenant}", Uuid::new_v4().simple());
    store
        .create_user(
            &username,
            role,
            "rahasia-sekali",
            &[RoleGrant::Tenant { tenant: tenant.into(), role: role.into() }],
        )
        .await
        .expect("user");
    let principal = store.login(&username, "rahasia-sekali").await.expect("login");
    let scope = principal.membership(tenant).expect("member").scope.clone();
    let actor = principal.actor(&scope);
    (scope, actor)
}

pub fn bulukumba_form() -> simpul_engine::FormData {
    serde_json::from_value(json!({
        "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003",
        "tempat_lahir": "Bulukumba", "tanggal_lahir": "1985-07-05", "alamat": "Jl. Melati No. 2",
        "tujuan": "keringanan biaya rumah sakit"
    }))
    .expect("form")
}

pub fn bulukumba_request(key: Option<&str>) -> SubmitRequest {
    SubmitRequest {
        service: "rekomendasi-sktm".into(),
        data: bulukumba_form(),
        channel: Channel::Langsung,
        facts: Default::default(),
        fact_notes: Default::default(),
        findings: Default::default(),
        documents_received: ["ktp_kk", "sktm_desa", "sptjm"].map(String::from).into_iter().collect(),
        idempotency_key: key.map(String::from),
    }
}

/// The Bulukumba officers.
pub struct Bulukumba {
    pub scope: TenantScope,
    pub front: Actor,
    pub verifikator: Actor,
    pub penyuluh: Actor,
    pub kabid: Actor,
    pub sekretaris: Actor,
    pub kepala: Actor,
}

pub async fn bulukumba(store: &Store) -> Bulukumba {
    let (scope, front) = officer(store, "bulukumba", "petugas_layanan").await;
    Bulukumba {
        scope,
        front,
        verifikator: officer(store, "bulukumba", "verifikator").await.1,
        penyuluh: officer(store, "bulukumba", "penyuluh_sosial").await.1,
        kabid: officer(store, "bulukumba", "kabid").await.1,
        sekretaris: officer(store, "bulukumba", "sekretaris").await.1,
        kepala: officer(store, "bulukumba", "kepala_dinas").await.1,
    }
}

pub fn act(version: i64, action: &str, input: ActionInput) -> Command {
    Command::Act { expected_version: version as u64, action: action.into(), input }
}

pub fn checked(items: &[&str]) -> ActionInput {
    ActionInput { checklist: items.iter().map(|i| (i.to_string(), true)).collect(), ..Default::default() }
}

pub fn verified() -> ActionInput {
    use simpul_definitions::model::Fact;
    use simpul_engine::FactValue;
    ActionInput {
        checklist: [("cek_siks_ng".to_string(), true), ("cek_e_dabu".to_string(), true)].into_iter().collect(),
        facts: [
            (Fact::DtksTerdaftar, FactValue::Bool(true)),
            (Fact::PbiApbn, FactValue::Bool(false)),
            (Fact::PbiApbd, FactValue::Bool(false)),
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    }
}

/// Carries a Bulukumba application from submission to the signing step; returns its id and version.
pub async fn to_signing(store: &Store, b: &Bulukumba, now: DateTime<Utc>) -> (Uuid, i64) {
    let submitted = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
    let id = submitted.record.id;
    let steps: Vec<(&Actor, &str, ActionInput)> = vec![
        (&b.front, "terima", ActionInput::default()),
        (&b.front, "lengkap", checked(&["ktp_kk", "sktm_desa", "sptjm"])),
        (&b.verifikator, "memenuhi", verified()),
        (&b.verifikator, "selesai_disusun", ActionInput::default()),
        (&b.verifikator, "sesuai", checked(&["data_sesuai", "tujuan_sesuai"])),
        (&b.penyuluh, "paraf", ActionInput::default()),
        (&b.kabid, "paraf", ActionInput::default()),
        (&b.sekretaris, "paraf", ActionInput::default()),
    ];
    let mut version = submitted.record.version;
    for (actor, action, input) in steps {
        let acted = store
            .act(&b.scope, actor, id, act(version, action, input), now)
            .await
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        version = acted.record.version;
    }
    (id, version)
}
