//! Registry data: the office's uploads of its registry exports (DTSEN from SIKS-NG, PBI status from E-Dabu) as
//! dated snapshots, and lookups of an applicant in the snapshot in force.
//!
//! An upload is read as it streams (a million rows never in memory at once) into a snapshot marked
//! `importing`; only when every row is stored does one transaction put it in force and mark the previous one
//! replaced. A failed upload leaves the previous snapshot in force. Replaced snapshots' rows are deleted after
//! the office's retention period.

pub mod read;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use simpul_definitions::model::{Fact, RegistrySource};
use simpul_engine::FactValue;
use simpul_engine::registry::{Basis, Finding, Findings, MatchKey};
use uuid::Uuid;

use crate::entities::{registry_person, registry_snapshot};
use crate::error::{StoreError, StoreResult};
use crate::scope::{SystemAccess, TenantScope};
use crate::{Store, audit};

/// People stored per statement: 1,000 rows of 9 values stay under SQLite's 32,766 parameters and keep each
/// statement's memory small.
const BATCH: usize = 1000;

/// Batches read ahead of the database: the reader waits rather than filling memory when the database is slower.
const READ_AHEAD: usize = 2;

/// A household larger than this is not listed in full (Indonesian KKs rarely list more than a dozen people); the
/// bound keeps a lookup's answer small whatever an export holds.
const HOUSEHOLD_LISTED: u64 = 30;

/// An upload left `importing` this long was cut off (the server stopped mid-way); its rows are removed.
const STALE_IMPORT_HOURS: i64 = 24;

/// Why an upload could not be read. Nothing of it is in force.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// A column the registry needs is not in the header row.
    #[error(
        "kolom {column} tidak ditemukan pada baris judul (judul yang ada: {found}); bila ekspor kantor memakai judul \
         lain, tuliskan di bagian registry.columns pada berkas kantor"
    )]
    MissingColumn {
        /// The column.
        column: &'static str,
        /// The headers the file has.
        found: String,
    },
    /// The file is neither readable CSV nor XLSX.
    #[error("berkas tidak dapat dibaca sebagai CSV atau XLSX: {0}")]
    Unreadable(String),
    /// Not one row could be used.
    #[error("berkas tidak memuat satu pun baris data yang dapat dipakai; data sebelumnya tetap berlaku")]
    NoRows,
    /// The import was stopped before the end (the database failed meanwhile).
    #[error("impor dihentikan sebelum selesai; data sebelumnya tetap berlaku")]
    Stopped,
}

/// A PBI participant's segment, as E-Dabu names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PbiSegment {
    /// PBI funded by the state budget (PBI JK).
    Apbn,
    /// PBI funded by the region (PBID, "PBPU Pemda").
    Apbd,
    /// Any other segment (PPU, PBPU mandiri): not PBI.
    BukanPbi,
}

impl PbiSegment {
    /// The code stored.
    pub fn code(self) -> &'static str {
        match self {
            PbiSegment::Apbn => "apbn",
            PbiSegment::Apbd => "apbd",
            PbiSegment::BukanPbi => "bukan_pbi",
        }
    }

    fn from_code(code: &str) -> Option<PbiSegment> {
        [PbiSegment::Apbn, PbiSegment::Apbd, PbiSegment::BukanPbi].into_iter().find(|s| s.code() == code)
    }

    /// Reads E-Dabu's wording: "PBI APBN", "PBI JK", "PBI APBD", "PBPU Pemda", "PPU", "PBPU".
    pub fn read(text: &str) -> Option<PbiSegment> {
        let key = simpul_definitions::model::header_key(text);
        if key.contains("apbn") || key.contains("pbijk") {
            Some(PbiSegment::Apbn)
        } else if key.contains("apbd") || key.contains("pbid") || key.contains("pemda") {
            Some(PbiSegment::Apbd)
        } else if ["ppu", "pbpu", "bp", "mandiri", "bukanpbi"].iter().any(|k| key.starts_with(k)) {
            Some(PbiSegment::BukanPbi)
        } else {
            None
        }
    }
}

/// A rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Its line in the file.
    pub line: u64,
    /// Why, in words.
    pub reason: String,
}

/// Where a snapshot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum SnapshotStatus {
    /// Being read.
    Importing,
    /// The one lookups use.
    InForce,
    /// A later upload replaced it; its rows are kept for the retention period.
    Replaced,
    /// Replaced, and its rows deleted after the retention period.
    Purged,
    /// The upload failed; its rows were removed.
    Failed,
}

impl SnapshotStatus {
    const ALL: [SnapshotStatus; 5] = [
        SnapshotStatus::Importing,
        SnapshotStatus::InForce,
        SnapshotStatus::Replaced,
        SnapshotStatus::Purged,
        SnapshotStatus::Failed,
    ];

    /// The code stored.
    pub fn code(self) -> &'static str {
        match self {
            SnapshotStatus::Importing => "importing",
            SnapshotStatus::InForce => "in_force",
            SnapshotStatus::Replaced => "replaced",
            SnapshotStatus::Purged => "purged",
            SnapshotStatus::Failed => "failed",
        }
    }

    /// What the office admin reads.
    pub fn label(self) -> &'static str {
        match self {
            SnapshotStatus::Importing => "sedang diimpor",
            SnapshotStatus::InForce => "berlaku",
            SnapshotStatus::Replaced => "diganti",
            SnapshotStatus::Purged => "diganti, datanya sudah dihapus",
            SnapshotStatus::Failed => "gagal",
        }
    }
}

/// One upload of a registry export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRecord {
    /// Its id.
    pub id: Uuid,
    /// Which registry.
    pub source: RegistrySource,
    /// The date the data is as of.
    pub as_of: NaiveDate,
    /// The uploaded file's name.
    pub file_name: String,
    /// Who uploaded it (user id).
    pub imported_by: String,
    /// When.
    pub imported_at: DateTime<Utc>,
    /// Where it stands.
    pub status: SnapshotStatus,
    /// When a later upload replaced it.
    pub replaced_at: Option<DateTime<Utc>>,
    /// When its rows were deleted.
    pub purged_at: Option<DateTime<Utc>>,
    /// Data rows read.
    pub rows: i64,
    /// People accepted.
    pub people: i64,
    /// Households among them.
    pub households: i64,
    /// Rows rejected.
    pub rejected: i64,
    /// The first rejected rows with their reasons.
    pub rejections: Vec<Rejection>,
}

impl TryFrom<registry_snapshot::Model> for SnapshotRecord {
    type Error = StoreError;

    fn try_from(m: registry_snapshot::Model) -> StoreResult<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("registry snapshot {}: {what}", m.id));
        Ok(SnapshotRecord {
            id: m.id,
            source: RegistrySource::ALL.into_iter().find(|s| s.code() == m.source).ok_or_else(|| corrupt("source"))?,
            as_of: m.as_of,
            file_name: m.file_name.clone(),
            imported_by: m.imported_by.clone(),
            imported_at: m.imported_at,
            status: SnapshotStatus::ALL.into_iter().find(|s| s.code() == m.status).ok_or_else(|| corrupt("status"))?,
            replaced_at: m.replaced_at,
            purged_at: m.purged_at,
            rows: m.rows_read,
            people: m.people,
            households: m.households,
            rejected: m.rejected,
            rejections: serde_json::from_str(&m.rejections).map_err(|_| corrupt("rejections"))?,
        })
    }
}

/// A person of a snapshot (and of the export it was read from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPerson {
    /// The line of the export (1 is the header).
    pub line: u64,
    /// NIK.
    pub nik: String,
    /// No. KK.
    pub no_kk: Option<String>,
    /// Name.
    pub nama: Option<String>,
    /// DTSEN desil.
    pub desil: Option<i16>,
    /// E-Dabu segment.
    pub segmen: Option<PbiSegment>,
    /// Whether the participation is active (E-Dabu); true for DTSEN.
    pub active: bool,
}

impl From<registry_person::Model> for RegistryPerson {
    fn from(m: registry_person::Model) -> Self {
        RegistryPerson {
            line: u64::try_from(m.line).unwrap_or_default(),
            nik: m.nik,
            no_kk: m.no_kk,
            nama: m.nama,
            desil: m.desil,
            segmen: m.segmen.as_deref().and_then(PbiSegment::from_code),
            active: m.active,
        }
    }
}

/// What the snapshot in force says about an applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryMatch {
    /// The snapshot.
    pub snapshot: SnapshotRecord,
    /// How the applicant was found; `None` when neither their NIK nor their household is listed.
    pub matched: Option<MatchKey>,
    /// The applicant's own row.
    pub person: Option<RegistryPerson>,
    /// The household's members (the applicant's No. KK), up to [`HOUSEHOLD_LISTED`].
    pub household: Vec<RegistryPerson>,
}

impl RegistryMatch {
    /// The facts this answer gives. A complete district export that lists neither the applicant nor their
    /// household says "not registered"; PBI status is a person's own, so E-Dabu answers by NIK only.
    pub fn findings(&self) -> Findings {
        let basis = |matched| Basis {
            source: self.snapshot.source,
            as_of: self.snapshot.as_of,
            reference: self.snapshot.id.to_string(),
            matched,
        };
        let mut found = Findings::new();
        let mut put = |fact: Fact, value: FactValue, matched| {
            found.insert(fact, Finding { value, basis: basis(matched) });
        };
        match self.snapshot.source {
            RegistrySource::Dtsen => {
                let registered = self.matched.is_some();
                put(Fact::DtksTerdaftar, FactValue::Bool(registered), self.matched);
                put(Fact::DtsenTerdaftar, FactValue::Bool(registered), self.matched);
                let desil = match self.matched {
                    Some(MatchKey::Nik) => self.person.as_ref().and_then(|p| p.desil),
                    Some(MatchKey::NoKk) => self.household.iter().find_map(|p| p.desil),
                    None => None,
                };
                if let Some(desil) = desil {
                    put(Fact::DtsenDesil, FactValue::Int(i64::from(desil)), self.matched);
                }
            }
            RegistrySource::Edabu => {
                let segment = self.person.as_ref().filter(|p| p.active).and_then(|p| p.segmen);
                let matched = self.person.as_ref().map(|_| MatchKey::Nik);
                put(Fact::PbiApbn, FactValue::Bool(segment == Some(PbiSegment::Apbn)), matched);
                put(Fact::PbiApbd, FactValue::Bool(segment == Some(PbiSegment::Apbd)), matched);
                put(Fact::KisPbidAktif, FactValue::Bool(segment == Some(PbiSegment::Apbd)), matched);
            }
        }
        found
    }
}

/// An upload to import.
#[derive(Debug)]
pub struct ImportRequest {
    /// Which registry the export is of.
    pub source: RegistrySource,
    /// The date the data is as of (the export's date).
    pub as_of: NaiveDate,
    /// The file's name as uploaded, to show.
    pub file_name: String,
    /// The upload, at its start.
    pub file: std::fs::File,
}

fn snapshots(scope: &TenantScope) -> sea_orm::Select<registry_snapshot::Entity> {
    registry_snapshot::Entity::find().filter(registry_snapshot::Column::TenantId.eq(scope.tenant_id()))
}

impl Store {
    /// Imports an export as the registry's new snapshot in force, or leaves the previous one in force and
    /// returns why not. Rows that cannot be used are counted and listed with their line and reason.
    pub async fn import_registry(
        &self,
        scope: &TenantScope,
        actor: &str,
        request: ImportRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<SnapshotRecord> {
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let named = runtime.tenant.registry.columns.get(&request.source).cloned();
        let id = Uuid::now_v7();
        registry_snapshot::ActiveModel {
            id: Set(id),
            tenant_id: Set(scope.tenant_id().to_string()),
            source: Set(request.source.code().to_string()),
            as_of: Set(request.as_of),
            file_name: Set(request.file_name.clone()),
            imported_by: Set(actor.to_string()),
            imported_at: Set(now),
            status: Set(SnapshotStatus::Importing.code().to_string()),
            replaced_at: Set(None),
            purged_at: Set(None),
            rows_read: Set(0),
            people: Set(0),
            households: Set(0),
            rejected: Set(0),
            rejections: Set(String::from("[]")),
        }
        .insert(&self.db)
        .await?;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<RegistryPerson>>(READ_AHEAD);
        let (source, as_of, file) = (request.source, request.as_of, request.file);
        let reader = tokio::task::spawn_blocking(move || {
            read::read_export(file, source, as_of, named.as_ref(), BATCH, |batch| {
                tx.blocking_send(batch).map_err(|_| RegistryError::Stopped)
            })
        });
        let mut stored: StoreResult<()> = Ok(());
        while let Some(batch) = rx.recv().await {
            if let Err(error) = self.store_people(scope, id, batch).await {
                stored = Err(error);
                break;
            }
        }
        drop(rx);
        let read = reader.await.map_err(|e| StoreError::Task(e.to_string()));
        let tally = match (stored, read) {
            (Ok(()), Ok(Ok(tally))) => tally,
            (Err(error), _) | (Ok(()), Err(error)) => return Err(self.abandon_import(scope, id, error).await),
            (Ok(()), Ok(Err(error))) => return Err(self.abandon_import(scope, id, error.into()).await),
        };
        let rejections = serde_json::to_string(&tally.rejections).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let txn = self.db.begin().await?;
        use registry_snapshot::Column as C;
        registry_snapshot::Entity::update_many()
            .col_expr(C::Status, SnapshotStatus::Replaced.code().into())
            .col_expr(C::ReplacedAt, now.into())
            .filter(C::TenantId.eq(scope.tenant_id()))
            .filter(C::Source.eq(request.source.code()))
            .filter(C::Status.eq(SnapshotStatus::InForce.code()))
            .exec(&txn)
            .await?;
        registry_snapshot::Entity::update_many()
            .col_expr(C::Status, SnapshotStatus::InForce.code().into())
            .col_expr(C::RowsRead, (tally.rows as i64).into())
            .col_expr(C::People, (tally.people as i64).into())
            .col_expr(C::Households, (tally.households as i64).into())
            .col_expr(C::Rejected, (tally.rejected as i64).into())
            .col_expr(C::Rejections, rejections.into())
            .filter(C::Id.eq(id))
            .exec(&txn)
            .await?;
        let detail = format!("impor {} per {}: {} orang", request.source.code(), request.as_of, tally.people);
        audit::row(scope, actor, audit::action::REGISTRY_IMPORT, &id.to_string(), &detail, now).insert(&txn).await?;
        txn.commit().await?;
        self.registry_snapshot(scope, id).await
    }

    async fn store_people(&self, scope: &TenantScope, snapshot: Uuid, batch: Vec<RegistryPerson>) -> StoreResult<()> {
        let rows = batch.into_iter().map(|p| registry_person::ActiveModel {
            tenant_id: Set(scope.tenant_id().to_string()),
            snapshot_id: Set(snapshot),
            line: Set(p.line as i64),
            nik: Set(p.nik),
            no_kk: Set(p.no_kk),
            nama: Set(p.nama),
            desil: Set(p.desil),
            segmen: Set(p.segmen.map(|s| s.code().to_string())),
            active: Set(p.active),
        });
        registry_person::Entity::insert_many(rows).exec_without_returning(&self.db).await?;
        Ok(())
    }

    /// Removes a failed upload's rows and marks it failed; returns `error` (or the cleanup's own).
    async fn abandon_import(&self, scope: &TenantScope, id: Uuid, error: StoreError) -> StoreError {
        let cleanup = async {
            self.delete_snapshot_rows(scope.tenant_id(), id).await?;
            registry_snapshot::Entity::update_many()
                .col_expr(registry_snapshot::Column::Status, SnapshotStatus::Failed.code().into())
                .filter(registry_snapshot::Column::Id.eq(id))
                .exec(&self.db)
                .await?;
            StoreResult::Ok(())
        };
        if let Err(cleanup) = cleanup.await {
            // The snapshot stays `importing`; the retention sweep removes it later.
            tracing::warn!(%cleanup, snapshot = %id, "failed registry import not cleaned up");
        }
        error
    }

    async fn delete_snapshot_rows(&self, tenant: &str, id: Uuid) -> StoreResult<()> {
        registry_person::Entity::delete_many()
            .filter(registry_person::Column::TenantId.eq(tenant))
            .filter(registry_person::Column::SnapshotId.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// One upload of the tenant.
    pub async fn registry_snapshot(&self, scope: &TenantScope, id: Uuid) -> StoreResult<SnapshotRecord> {
        snapshots(scope)
            .filter(registry_snapshot::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "unggahan data registri" })?
            .try_into()
    }

    /// The tenant's uploads, newest first (the last 100: enough to see a year of monthly uploads of both
    /// registries and their failures).
    pub async fn registry_snapshots(&self, scope: &TenantScope) -> StoreResult<Vec<SnapshotRecord>> {
        snapshots(scope)
            .order_by_desc(registry_snapshot::Column::ImportedAt)
            .limit(100)
            .all(&self.db)
            .await?
            .into_iter()
            .map(SnapshotRecord::try_from)
            .collect()
    }

    /// Looks an applicant up in the registry's snapshot in force, by NIK and else by No. KK; `None` when the
    /// office has no snapshot of it. Every lookup is audited against `subject` (the application).
    pub async fn registry_lookup(
        &self,
        scope: &TenantScope,
        actor: &str,
        subject: &str,
        source: RegistrySource,
        (nik, no_kk): (Option<&str>, Option<&str>),
    ) -> StoreResult<Option<RegistryMatch>> {
        let Some(snapshot) = snapshots(scope)
            .filter(registry_snapshot::Column::Source.eq(source.code()))
            .filter(registry_snapshot::Column::Status.eq(SnapshotStatus::InForce.code()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let snapshot = SnapshotRecord::try_from(snapshot)?;
        let people = || {
            registry_person::Entity::find()
                .filter(registry_person::Column::TenantId.eq(scope.tenant_id()))
                .filter(registry_person::Column::SnapshotId.eq(snapshot.id))
        };
        let person = match nik {
            Some(nik) => people().filter(registry_person::Column::Nik.eq(nik)).one(&self.db).await?,
            None => None,
        };
        let kk = person.as_ref().and_then(|p| p.no_kk.clone()).or(no_kk.map(str::to_string));
        let household = match kk {
            Some(kk) => {
                people()
                    .filter(registry_person::Column::NoKk.eq(kk))
                    .order_by_asc(registry_person::Column::Line)
                    .limit(HOUSEHOLD_LISTED)
                    .all(&self.db)
                    .await?
            }
            None => Vec::new(),
        };
        let matched = match (&person, household.is_empty()) {
            (Some(_), _) => Some(MatchKey::Nik),
            (None, false) => Some(MatchKey::NoKk),
            (None, true) => None,
        };
        let detail = format!(
            "cek {} per {}: {}",
            source.code(),
            snapshot.as_of,
            match matched {
                Some(MatchKey::Nik) => "ditemukan menurut NIK",
                Some(MatchKey::NoKk) => "ditemukan menurut No. KK",
                None => "tidak ditemukan",
            }
        );
        audit::row(scope, actor, audit::action::REGISTRY_LOOKUP, subject, &detail, Utc::now()).insert(&self.db).await?;
        Ok(Some(RegistryMatch {
            snapshot,
            matched,
            person: person.map(RegistryPerson::from),
            household: household.into_iter().map(RegistryPerson::from).collect(),
        }))
    }

    /// Deletes the rows of snapshots replaced longer ago than their office's retention period, and of uploads
    /// cut off mid-way. Returns how many snapshots it emptied.
    pub async fn purge_registry(&self, _system: &SystemAccess, now: DateTime<Utc>) -> StoreResult<u64> {
        use registry_snapshot::Column as C;
        let mut emptied = 0;
        for (tenant, _) in self.tenants().await? {
            let scope = TenantScope::new(tenant.clone());
            let retention = self.tenant_runtime(&self.db, &scope).await?.tenant.registry.retention_days;
            let expired = snapshots(&scope)
                .filter(C::Status.eq(SnapshotStatus::Replaced.code()))
                .filter(C::ReplacedAt.lt(now - Duration::days(i64::from(retention))))
                .all(&self.db)
                .await?;
            let stale = snapshots(&scope)
                .filter(C::Status.eq(SnapshotStatus::Importing.code()))
                .filter(C::ImportedAt.lt(now - Duration::hours(STALE_IMPORT_HOURS)))
                .all(&self.db)
                .await?;
            for (snapshot, status) in expired
                .into_iter()
                .map(|s| (s, SnapshotStatus::Purged))
                .chain(stale.into_iter().map(|s| (s, SnapshotStatus::Failed)))
            {
                self.delete_snapshot_rows(&tenant, snapshot.id).await?;
                registry_snapshot::Entity::update_many()
                    .col_expr(C::Status, status.code().into())
                    .col_expr(C::PurgedAt, now.into())
                    .filter(C::Id.eq(snapshot.id))
                    .exec(&self.db)
                    .await?;
                emptied += 1;
            }
        }
        Ok(emptied)
    }
}
