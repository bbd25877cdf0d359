//! Registry data through GraphQL: an office admin's uploads of its registry exports (`importRegistry`,
//! `registrySnapshots`), and what the registries say about an applicant (`Application.registryChecks`).

use async_graphql::{Context, ID, Json, Object, SimpleObject, Upload};
use chrono::{DateTime, NaiveDate, Utc};
use simpul_definitions::model::{Fact, RegistrySource};
use simpul_engine::registry::MatchKey;
use simpul_store::TenantScope;
use simpul_store::registry::{ImportRequest, Rejection, SnapshotRecord, SnapshotStatus};

use super::{actor_views, caller, shared};
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::registry::{Answer, LookupError};

/// The office an office admin (`admin_dinas`) manages: registry data are the district's own residents, so only
/// its admin uploads them (not a provincial admin, not an API key).
fn office_admin(ctx: &Context<'_>, tenant: Option<&str>) -> ApiResult<(TenantScope, String)> {
    let caller = caller(ctx)?;
    let scope = caller.scope(tenant)?;
    match caller {
        Caller::User(principal)
            if principal.membership(scope.tenant_id()).is_some_and(|m| m.roles.contains("admin_dinas")) =>
        {
            Ok((scope, principal.user_id.to_string()))
        }
        _ => Err(ApiError::Forbidden(String::from("Hanya admin dinas yang dapat mengelola data registri dinasnya"))),
    }
}

/// A rejected row of an upload.
#[derive(SimpleObject)]
pub struct RejectionView {
    /// Its line in the file (1 is the header row).
    pub line: i64,
    /// Why, in words.
    pub reason: String,
}

impl From<&Rejection> for RejectionView {
    fn from(r: &Rejection) -> Self {
        RejectionView { line: r.line as i64, reason: r.reason.clone() }
    }
}

/// One upload of a registry export.
pub struct RegistrySnapshotView {
    record: SnapshotRecord,
    by: Option<super::ActorView>,
}

#[Object]
impl RegistrySnapshotView {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }

    async fn source(&self) -> RegistrySource {
        self.record.source
    }

    /// "DTSEN (SIKS-NG)", "E-Dabu BPJS Kesehatan".
    async fn source_label(&self) -> &str {
        self.record.source.label()
    }

    /// The date the data is as of.
    async fn as_of(&self) -> NaiveDate {
        self.record.as_of
    }

    async fn file_name(&self) -> &str {
        &self.record.file_name
    }

    async fn imported_at(&self) -> DateTime<Utc> {
        self.record.imported_at
    }

    /// Who uploaded it.
    async fn imported_by(&self) -> Option<&super::ActorView> {
        self.by.as_ref()
    }

    async fn status(&self) -> SnapshotStatus {
        self.record.status
    }

    /// "berlaku", "diganti", …
    async fn status_label(&self) -> &str {
        self.record.status.label()
    }

    async fn replaced_at(&self) -> Option<DateTime<Utc>> {
        self.record.replaced_at
    }

    /// When its rows were deleted (the office's retention period after it was replaced).
    async fn purged_at(&self) -> Option<DateTime<Utc>> {
        self.record.purged_at
    }

    /// Data rows read.
    async fn rows(&self) -> i64 {
        self.record.rows
    }

    async fn people(&self) -> i64 {
        self.record.people
    }

    async fn households(&self) -> i64 {
        self.record.households
    }

    /// Rows rejected (exact, beyond the listed ones).
    async fn rejected(&self) -> i64 {
        self.record.rejected
    }

    /// The first thousand rejected rows with their reasons.
    async fn rejections(&self) -> Vec<RejectionView> {
        self.record.rejections.iter().map(RejectionView::from).collect()
    }
}

async fn snapshot_views(
    ctx: &Context<'_>,
    scope: &TenantScope,
    records: Vec<SnapshotRecord>,
) -> ApiResult<Vec<RegistrySnapshotView>> {
    let actors = actor_views(ctx, scope, records.iter().map(|r| &r.imported_by)).await?;
    Ok(records
        .into_iter()
        .map(|record| RegistrySnapshotView { by: actors.get(&record.imported_by).cloned(), record })
        .collect())
}

/// What a registry gives for one fact.
#[derive(SimpleObject)]
pub struct FindingView {
    /// The fact's code (`dtsen_desil`).
    pub fact: Fact,
    pub label: String,
    /// `true`/`false`, or a number (`dtsen_desil`): the value to prefill.
    pub value: Json<serde_json::Value>,
    /// "DTSEN (SIKS-NG) per 1 November 2026: desil 2".
    pub words: String,
}

/// A household member as the registry lists them.
#[derive(SimpleObject)]
pub struct MemberView {
    pub nik: String,
    pub nama: Option<String>,
    /// "desil 2", "PBI APBD, aktif".
    pub status: String,
}

/// What one registry says about the applicant.
#[derive(SimpleObject)]
pub struct RegistryCheckView {
    pub source: RegistrySource,
    pub source_label: String,
    /// Whether the office has data of this registry (an upload in force, or an online source that answered).
    pub available: bool,
    /// Why the registry could not be asked, when it could not.
    pub error: Option<String>,
    /// The date its data is as of.
    pub as_of: Option<NaiveDate>,
    /// How the applicant was found; absent when neither their NIK nor their household is listed.
    pub matched_by: Option<MatchKey>,
    /// In words: "Ditemukan menurut NIK", "Tidak ditemukan", "Belum ada data DTSEN (SIKS-NG) yang diunggah".
    pub summary: String,
    /// The values it gives, for the facts asked.
    pub findings: Vec<FindingView>,
    /// The applicant's household as it lists them.
    pub household: Vec<MemberView>,
}

impl RegistryCheckView {
    /// The view of `source`'s answer, for the facts `wanted`.
    pub fn new(source: RegistrySource, answer: Result<Option<Answer>, LookupError>, wanted: &[Fact]) -> Self {
        let empty = |summary: String, error: Option<String>| RegistryCheckView {
            source,
            source_label: source.label().to_string(),
            available: false,
            error,
            as_of: None,
            matched_by: None,
            summary,
            findings: Vec::new(),
            household: Vec::new(),
        };
        match answer {
            Err(error) => {
                empty(format!("{} tidak dapat dihubungi; isi sendiri hasil pemeriksaan", source.label()), Some(error.0))
            }
            Ok(None) => empty(
                format!("Belum ada data {} yang diunggah dinas; isi sendiri hasil pemeriksaan", source.label()),
                None,
            ),
            Ok(Some(answer)) => {
                let basis = answer.findings.values().next().map(|f| f.basis.clone());
                let matched_by = basis.as_ref().and_then(|b| b.matched);
                let summary = match (&basis, matched_by) {
                    (Some(b), Some(MatchKey::Nik)) => format!("{}: ditemukan menurut NIK", b.words()),
                    (Some(b), Some(MatchKey::NoKk)) => {
                        format!("{}: NIK tidak ada, keluarganya ditemukan menurut No. KK", b.words())
                    }
                    (Some(b), None) => format!("{}: tidak ditemukan", b.words()),
                    (None, _) => format!("{}: tidak ada jawaban", source.label()),
                };
                RegistryCheckView {
                    source,
                    source_label: source.label().to_string(),
                    available: true,
                    error: None,
                    as_of: basis.map(|b| b.as_of),
                    matched_by,
                    summary,
                    findings: answer
                        .findings
                        .iter()
                        .filter(|(fact, _)| wanted.contains(fact))
                        .map(|(fact, finding)| FindingView {
                            fact: *fact,
                            label: fact.label().to_string(),
                            value: Json(serde_json::json!(finding.value)),
                            words: finding.words(*fact),
                        })
                        .collect(),
                    household: answer
                        .household
                        .into_iter()
                        .map(|m| MemberView { nik: m.nik, nama: m.nama, status: m.status })
                        .collect(),
                }
            }
        }
    }
}

/// Registry queries.
#[derive(Default)]
pub struct RegistryQuery;

#[Object]
impl RegistryQuery {
    /// The office's uploads of its registry exports, newest first, with their counts and rejected rows. For the
    /// office's admin.
    async fn registry_snapshots(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
    ) -> ApiResult<Vec<RegistrySnapshotView>> {
        let (scope, _) = office_admin(ctx, tenant.as_deref())?;
        let records = shared(ctx)?.store.registry_snapshots(&scope).await?;
        snapshot_views(ctx, &scope, records).await
    }
}

/// Registry mutations.
#[derive(Default)]
pub struct RegistryMutation;

#[Object]
impl RegistryMutation {
    /// Imports an export of a registry (CSV or XLSX, GraphQL multipart request) as the office's data of it as of
    /// `asOf`. Rows that cannot be used are counted and listed; a file that cannot be read at all changes
    /// nothing (the previous upload stays in force). For the office's admin.
    async fn import_registry(
        &self,
        ctx: &Context<'_>,
        source: RegistrySource,
        #[graphql(desc = "The date the export's data is as of (the day it was exported from SIKS-NG or E-Dabu).")]
        as_of: NaiveDate,
        file: Upload,
        tenant: Option<String>,
    ) -> ApiResult<RegistrySnapshotView> {
        let (scope, actor) = office_admin(ctx, tenant.as_deref())?;
        // The office's date: the export was made on an office day, and UTC's date is a day behind before 08.00 WITA.
        let store = &shared(ctx)?.store;
        let today = store.tenant_runtime(store.connection(), &scope).await?.calendar.local_date(Utc::now());
        if as_of > today {
            return Err(ApiError::field("asOf", "Tanggal data tidak boleh setelah hari ini"));
        }
        let value = file.value(ctx).map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
        let request = ImportRequest { source, as_of, file_name: value.filename.clone(), file: value.content };
        let span = tracing::info_span!("import_registry", tenant = scope.tenant_id(), source = source.code());
        let record =
            tracing::Instrument::instrument(store.import_registry(&scope, &actor, request, Utc::now()), span).await?;
        Ok(snapshot_views(ctx, &scope, vec![record])
            .await?
            .pop()
            .ok_or_else(|| ApiError::Internal(String::from("no view")))?)
    }
}
