//! An application as the API shows it to one caller: masked personal data, the caller's available actions,
//! deadlines, history and letters.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use simpul_definitions::model::FieldType;
use simpul_engine::registry::{FactSource, FactSources};
use simpul_engine::{
    Actor, Application, AvailableKind, DeadlineState, DeadlineStatus, EndStatus, EventType, Movement, Service, Stage,
    available,
};
use simpul_store::documents::DocumentRecord;
use simpul_store::letters::LetterRecord;
use simpul_store::{ApplicationRecord, TenantRuntime, TenantScope};

use super::batch::Batch;
use super::kinds::AuditAction;
use crate::Shared;
use crate::error::{ApiError, ApiResult};

/// Where an application is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ApplicationStatus {
    /// In a step, with an officer.
    InProgress,
    /// Back with the applicant, waiting for what is missing.
    Returned,
    /// Ended.
    Ended,
}

impl ApplicationStatus {
    /// The status of a stage.
    pub fn of(stage: &Stage) -> Self {
        match stage {
            Stage::AtStep { .. } => ApplicationStatus::InProgress,
            Stage::Returned { .. } => ApplicationStatus::Returned,
            Stage::Ended { .. } => ApplicationStatus::Ended,
        }
    }
}

/// The outcome of an ended application.
pub fn outcome_of(stage: &Stage) -> Option<&str> {
    match stage {
        Stage::Ended { outcome, .. } => Some(outcome),
        _ => None,
    }
}

/// A deadline at the time of the request.
#[derive(SimpleObject)]
pub struct DeadlineView {
    pub due_at: DateTime<Utc>,
    pub used_minutes: i64,
    pub budget_minutes: i64,
    pub state: DeadlineState,
}

impl From<DeadlineStatus> for DeadlineView {
    fn from(d: DeadlineStatus) -> Self {
        DeadlineView {
            due_at: d.due_at,
            used_minutes: d.used_minutes,
            budget_minutes: d.budget_minutes,
            state: d.state,
        }
    }
}

/// The deadlines of an application.
#[derive(SimpleObject)]
pub struct Deadlines {
    pub service: Option<DeadlineView>,
    pub step: Option<DeadlineView>,
}

/// Something the caller can do now, with the inputs it needs.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AvailableAction {
    /// All go through `act`.
    pub kind: AvailableKind,
    pub code: String,
    pub label: String,
    pub movement: Movement,
    pub note_required: bool,
    pub needs_missing_list: bool,
    pub paraf_role: Option<String>,
    /// Where it leads: the next step, back to the applicant, or an outcome with its status.
    pub leads_to: super::service::LeadsTo,
    /// The step's checklist as this action asks it: `required` only where this action needs the item confirmed.
    pub checklist: Vec<simpul_definitions::model::ChecklistItem>,
    /// Whether some checklist item must be confirmed.
    pub checklist_required: bool,
    /// Registry facts to record (all required), with the rules each feeds.
    pub facts: Vec<super::service::FactInfo>,
    /// For a disposisi: roles the named officer must hold one of (`officers(role)` lists them).
    pub assign_to: Vec<String>,
    /// Whether an officer must be named (`assignee`).
    pub assignee_required: bool,
    #[graphql(skip)]
    batch: Arc<Batch>,
    #[graphql(skip)]
    runtime: Arc<TenantRuntime>,
}

#[async_graphql::ComplexObject]
impl AvailableAction {
    /// For a disposisi: the office's active officers who may be named, with names and roles (the office's
    /// officers are read once for the whole page).
    async fn assignable_officers(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::accounts::OfficerView>> {
        if self.assign_to.is_empty() {
            return Ok(Vec::new());
        }
        let store = &ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?.store;
        Ok(self
            .batch
            .officers(store)
            .await?
            .iter()
            .filter(|u| !u.disabled && self.assign_to.iter().any(|r| u.roles.contains(r)))
            .map(|u| super::accounts::OfficerView::new(&self.runtime, u.clone()))
            .collect())
    }
}

/// A registry fact as recorded.
#[derive(SimpleObject)]
pub struct RecordedFact {
    pub code: String,
    pub label: String,
    /// `true`/`false`, or a number (`dtsen_desil`).
    pub value: Json<serde_json::Value>,
    /// Whether the value was confirmed from a registry (an upload of the office's export, or an online source).
    pub from_registry: bool,
    /// Where the value came from, in words: "DTSEN (SIKS-NG) per 1 November 2026", "diisi petugas: …", or
    /// absent for values recorded before provenance was.
    pub source: Option<String>,
}

/// A checklist answer as recorded.
#[derive(SimpleObject)]
pub struct ChecklistAnswerView {
    /// The step it was answered in.
    pub step: String,
    pub item: String,
    pub label: String,
    pub confirmed: bool,
}

fn recorded_facts(facts: &simpul_engine::Facts, sources: &FactSources) -> Vec<RecordedFact> {
    facts
        .iter()
        .map(|(fact, value)| RecordedFact {
            code: fact.name().to_string(),
            label: fact.label().to_string(),
            // Untagged: `true`/`false` or a number, as the input takes them.
            value: Json(serde_json::json!(value)),
            from_registry: sources.get(fact).is_some_and(FactSource::is_registry),
            source: sources.get(fact).map(|s| s.words(*fact)),
        })
        .collect()
}

/// Answers of `step`'s checklist, labelled from the definition.
fn checklist_answers<'a>(
    service: &Service,
    step: &str,
    answers: impl IntoIterator<Item = (&'a String, &'a bool)>,
) -> Vec<ChecklistAnswerView> {
    let items = service.step(step).map(|s| &s.checklist[..]).unwrap_or_default();
    answers
        .into_iter()
        .map(|(item, confirmed)| ChecklistAnswerView {
            step: step.to_string(),
            item: item.clone(),
            label: items.iter().find(|c| &c.code == item).map_or_else(|| item.clone(), |c| c.label.clone()),
            confirmed: *confirmed,
        })
        .collect()
}

/// One entry of the history.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who: a user id, `apikey:<id>`, or `system` (the deadline watcher).
    pub actor: String,
    pub kind: EventType,
    pub step: Option<String>,
    pub action: Option<String>,
    pub note: Option<String>,
    /// The registry facts recorded by this entry (a submission or an action).
    pub facts: Vec<RecordedFact>,
    /// The checklist answers given with this entry.
    pub checklist: Vec<ChecklistAnswerView>,
    #[graphql(skip)]
    batch: Arc<Batch>,
    #[graphql(skip)]
    runtime: Arc<TenantRuntime>,
}

#[async_graphql::ComplexObject]
impl HistoryEntry {
    /// The officer's or key's name and roles in the office (looked up once for the whole page); absent for the
    /// system.
    async fn by(&self, ctx: &Context<'_>) -> ApiResult<Option<super::ActorView>> {
        let store = &ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?.store;
        Ok(self.batch.actor(store, &self.actor).await?.map(|a| super::ActorView::new(&self.runtime, a)))
    }
}

/// An issued letter.
pub struct LetterView {
    record: LetterRecord,
    scope: TenantScope,
    actor: Actor,
    runtime: Arc<TenantRuntime>,
}

impl LetterView {
    /// The letter `record` of the tenant `scope`, as `actor` sees it.
    pub fn new(record: LetterRecord, scope: TenantScope, actor: Actor, runtime: Arc<TenantRuntime>) -> Self {
        LetterView { record, scope, actor, runtime }
    }
}

#[Object]
impl LetterView {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }
    async fn product(&self) -> &str {
        &self.record.product
    }
    async fn number(&self) -> &str {
        &self.record.number
    }
    async fn issued_at(&self) -> DateTime<Utc> {
        self.record.issued_at
    }
    /// SHA-256 of the archived PDF: every reprint has exactly these bytes.
    async fn sha256(&self) -> Option<&str> {
        self.record.sha256.as_deref()
    }
    /// Size of the archived PDF in bytes.
    async fn size_bytes(&self) -> Option<i64> {
        self.record.size_bytes
    }
    /// The key-signed code the letter stands for: `verifyLetter(code)` and `verifyLetterFile(code, file)` check
    /// it as they check the short code; absent until the letter is archived.
    async fn verification_code(&self) -> Option<&str> {
        self.record.verification_code.as_deref()
    }
    /// The short code printed on the letter ("K7QM-4XHP-2RDN"), which a person types at `/v`.
    async fn short_code(&self) -> Option<&str> {
        self.record.short_code.as_deref()
    }
    /// The page the QR on the letter leads to.
    async fn verification_url(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let state = ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?;
        let base = crate::letters::public_address(state, &self.runtime);
        let code = self.record.short_code.as_ref().or(self.record.verification_code.as_ref());
        Ok(code.map(|code| format!("{base}/v/{code}")))
    }
    /// Who signed it, as the letter prints them.
    async fn signed_by(&self) -> Option<String> {
        self.record.signer.as_ref().map(|s| format!("{} — {}", s.name, s.title))
    }
    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.record.revoked.as_ref().map(|r| r.at)
    }
    /// Why it was revoked.
    async fn revocation_reason(&self) -> Option<&str> {
        self.record.revoked.as_ref().map(|r| r.reason.as_str())
    }
    /// A link that downloads the archived PDF for the next five minutes (rendered and archived first if a stop
    /// interrupted that), for roles that may see personal data; audited. Null, with a FORBIDDEN error, for other
    /// roles (nullable so that the refusal nulls this field alone, as GraphQL's null propagation asks).
    async fn download_url(&self, ctx: &Context<'_>) -> Option<String> {
        super::refusable(ctx, self.download_link(ctx).await)
    }
}

impl LetterView {
    async fn download_link(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?;
        if !crate::caller::sees_personal_data(&self.runtime, &self.actor) {
            return Err(ApiError::Forbidden(String::from(
                "Peran Anda tidak diizinkan mengunduh surat berisi data pribadi",
            )));
        }
        let letter = crate::letters::archive(state, &self.scope, self.record.clone()).await?;
        let key = simpul_files::ObjectKey::parse(letter.storage_key.as_deref().unwrap_or_default())?;
        let link =
            state.files.download(&key, "application/pdf", crate::documents::LINK_TTL, Utc::now().timestamp()).await?;
        let detail = format!("surat {} ({})", letter.number, letter.id);
        state
            .store
            .record_audit(
                &self.scope,
                &self.actor.user_id,
                simpul_store::audit::action::DOWNLOAD,
                &letter.application_id.to_string(),
                &detail,
            )
            .await?;
        Ok(crate::documents::link_url(&state.public_url, link))
    }
}

/// An entry of the audit log.
#[derive(SimpleObject)]
pub struct AuditView {
    /// The user id (or `apikey:<id>`).
    pub actor: String,
    /// Their name and roles in the office.
    pub by: Option<super::ActorView>,
    pub action: AuditAction,
    /// What exactly: field names or the document, never values.
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// A stored document of an application.
pub struct DocumentView {
    record: DocumentRecord,
    scope: TenantScope,
    actor: Actor,
    runtime: Arc<TenantRuntime>,
}

#[Object]
impl DocumentView {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }
    async fn requirement(&self) -> &str {
        &self.record.requirement
    }
    async fn sha256(&self) -> &str {
        &self.record.sha256
    }
    async fn size_bytes(&self) -> i64 {
        self.record.size_bytes
    }
    /// The type sniffed from the content, not the one the uploader claimed.
    async fn content_type(&self) -> &str {
        &self.record.content_type
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.record.created_at
    }
    /// A link that downloads the file for the next five minutes, for roles that may see personal data. Every
    /// link given out is written to the audit log.
    async fn download_url(&self, ctx: &Context<'_>) -> Option<String> {
        let link = match ctx.data::<Shared>() {
            Ok(shared) => {
                crate::documents::download_link(shared, &self.scope, &self.actor, &self.runtime, &self.record).await
            }
            Err(e) => Err(ApiError::Internal(e.message)),
        };
        super::refusable(ctx, link)
    }
}

/// An application seen by one caller.
pub struct ApplicationView {
    pub record: ApplicationRecord,
    pub service: Arc<Service>,
    pub runtime: Arc<TenantRuntime>,
    pub scope: TenantScope,
    pub actor: Actor,
    /// The reads shared with the other applications of its page.
    pub batch: Arc<Batch>,
}

/// The codes of a service's personal-data fields (NIK and No. KK): masked for roles that may not see them, and
/// audited when shown.
pub fn personal_fields(definition: &simpul_definitions::model::ServiceDefinition) -> Vec<&str> {
    definition
        .fields
        .iter()
        .filter(|f| matches!(f.field_type, FieldType::Nik | FieldType::NoKk))
        .map(|f| f.code.as_str())
        .collect()
}

/// Masks all but the first eight digits (region and birth date stay readable): `73020145********`.
pub fn mask(value: &str) -> String {
    let keep: String = value.chars().take(8).collect();
    format!("{keep}{}", "*".repeat(value.chars().count().saturating_sub(8)))
}

impl ApplicationView {
    fn sees_personal_data(&self) -> bool {
        crate::caller::sees_personal_data(&self.runtime, &self.actor)
    }

    fn state(&self) -> &Application {
        &self.record.state
    }

    /// The audit entries of the application, for roles that may see personal data.
    async fn audit_entries(&self, ctx: &Context<'_>) -> ApiResult<Vec<AuditView>> {
        if !self.sees_personal_data() {
            return Err(ApiError::Forbidden(String::from("Peran Anda tidak diizinkan melihat log akses data pribadi")));
        }
        let state = ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?;
        let entries = state.store.audit_entries(&self.scope, &self.record.id.to_string()).await?;
        let actors = super::actor_views(ctx, &self.scope, entries.iter().map(|e| &e.actor)).await?;
        let entries = entries
            .into_iter()
            .map(|e| {
                Ok(AuditView {
                    by: actors.get(&e.actor).cloned(),
                    actor: e.actor,
                    action: AuditAction::parse(&e.action)?,
                    detail: e.detail,
                    at: e.at,
                })
            })
            .collect::<ApiResult<_>>()?;
        Ok(entries)
    }
}

#[Object]
impl ApplicationView {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }

    async fn tenant(&self) -> &str {
        &self.record.tenant_id
    }

    async fn tracking_code(&self) -> &str {
        &self.record.tracking_code
    }

    async fn service_code(&self) -> &str {
        &self.record.service_code
    }

    async fn service_name(&self) -> &str {
        &self.service.definition().name
    }

    async fn definition_version(&self) -> u32 {
        self.state().definition_version
    }

    /// Send it back with `act` as `expectedVersion`.
    async fn version(&self) -> i64 {
        self.record.version
    }

    async fn status(&self) -> ApplicationStatus {
        ApplicationStatus::of(&self.state().stage)
    }

    async fn step(&self) -> Option<&str> {
        self.state().step()
    }

    async fn step_name(&self) -> Option<&str> {
        self.state().step().and_then(|s| self.service.step(s)).map(|s| s.name.as_str())
    }

    async fn outcome(&self) -> Option<&str> {
        outcome_of(&self.state().stage)
    }

    /// What kind of end, once ended: granted, not eligible, rejected or withdrawn.
    async fn end_status(&self) -> Option<EndStatus> {
        match &self.state().stage {
            Stage::Ended { status, .. } => Some(*status),
            _ => None,
        }
    }

    async fn products(&self) -> Vec<String> {
        match &self.state().stage {
            Stage::Ended { products, .. } => products.clone(),
            _ => Vec::new(),
        }
    }

    /// The form. NIK and No. KK are masked unless the caller's role needs them; an unmasked read is audited.
    async fn data(&self, ctx: &Context<'_>) -> ApiResult<Json<serde_json::Value>> {
        let mut data = self.state().data.clone();
        if self.sees_personal_data() {
            let store = &ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?.store;
            self.batch.audit_personal_data(store, &self.actor.user_id).await?;
        } else {
            for code in personal_fields(self.service.definition()) {
                if let Some(serde_json::Value::String(value)) = data.get_mut(code) {
                    *value = mask(value);
                }
            }
        }
        Ok(Json(serde_json::to_value(data).unwrap_or_default()))
    }

    /// The applicant's name (the form's `nama`), as a list shows it: in full for roles that may see personal
    /// data, otherwise masked to initials ("S*** A*****"), like the public verification page.
    async fn applicant_name(&self) -> String {
        let name = simpul_engine::form::applicant_name(&self.state().data).unwrap_or_default();
        if self.sees_personal_data() { name.to_string() } else { crate::letters::mask_name(name) }
    }

    /// The desa/kelurahan the application lies in (its form's desa field), by code and in words; an officer or
    /// key limited to an area sees only the applications lying in it.
    async fn area(&self) -> Option<super::accounts::AreaView> {
        simpul_engine::form::area(self.service.definition(), &self.state().data)
            .map(|code| super::accounts::AreaView::of(&code))
    }

    /// The registry facts recorded so far, the latest value of each (what the letter's basis rests on).
    async fn facts(&self) -> Vec<RecordedFact> {
        recorded_facts(&self.state().facts, &self.state().fact_sources)
    }

    /// The checklist answers recorded so far, by step.
    async fn checklist(&self) -> Vec<ChecklistAnswerView> {
        self.state()
            .checklist
            .iter()
            .filter_map(|(key, confirmed)| key.split_once('.').map(|(step, item)| (step, item, confirmed)))
            .flat_map(|(step, item, confirmed)| {
                let item = item.to_string();
                checklist_answers(&self.service, step, [(&item, confirmed)])
            })
            .collect()
    }

    async fn missing(&self) -> &[String] {
        &self.state().missing
    }

    async fn warnings(&self) -> &[String] {
        &self.state().warnings
    }

    async fn deadlines(&self) -> Deadlines {
        let d = self.state().deadlines(&self.runtime.calendar, Utc::now());
        Deadlines { service: d.service.map(Into::into), step: d.step.map(Into::into) }
    }

    /// What the caller can do now.
    async fn available_actions(&self) -> Vec<AvailableAction> {
        let ctx = self.runtime.context(&self.service);
        available(&ctx, self.state(), &self.actor)
            .into_iter()
            .map(|a| AvailableAction {
                kind: a.kind,
                code: a.code.to_string(),
                label: a.label.to_string(),
                movement: a.movement,
                leads_to: super::service::LeadsTo::new(self.service.definition(), &a.leads_to),
                checklist_required: a.checklist.iter().any(|q| q.required),
                assignee_required: !a.assign_to.is_empty(),
                note_required: a.note_required,
                needs_missing_list: a.needs_missing_list,
                paraf_role: a.paraf_role,
                checklist: a
                    .checklist
                    .iter()
                    .map(|q| simpul_definitions::model::ChecklistItem { required: q.required, ..q.item.clone() })
                    .collect(),
                facts: super::service::facts_of(&self.service, a.facts, a.rules),
                assign_to: a.assign_to.to_vec(),
                batch: self.batch.clone(),
                runtime: self.runtime.clone(),
            })
            .collect()
    }

    /// What the registries say about the applicant, for the facts the caller's actions now record: each
    /// registry's answer with its date, how the applicant was found, the values it gives and the household it
    /// lists. For roles that may see personal data; every lookup is audited. Empty when no action records facts.
    async fn registry_checks(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::registry::RegistryCheckView>> {
        let shared = ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?;
        if !self.sees_personal_data() {
            return Err(ApiError::Forbidden(String::from(
                "Hanya peran yang berhak melihat data pribadi yang dapat memeriksa data registri",
            )));
        }
        let ctx_engine = self.runtime.context(&self.service);
        let mut wanted: Vec<simpul_definitions::model::Fact> =
            available(&ctx_engine, self.state(), &self.actor).iter().flat_map(|a| a.facts.iter().copied()).collect();
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let keys = simpul_engine::registry::subject_keys(&self.service, &self.state().data);
        let answers =
            shared.registries.ask(&self.scope, &self.actor.user_id, &self.record.id.to_string(), &keys, &wanted).await;
        Ok(answers
            .into_iter()
            .map(|(source, answer)| super::registry::RegistryCheckView::new(source, answer, &wanted))
            .collect())
    }

    /// Who did what, when, with notes.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<HistoryEntry>> {
        let store = &ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?.store;
        let events = self.batch.history(store, self.record.id).await?;
        Ok(events
            .iter()
            .cloned()
            .map(|e| {
                let kind = e.event.kind.event_type();
                let (facts, checklist) = match &e.event.kind {
                    simpul_engine::EventKind::Submitted(s) => (recorded_facts(&s.facts, &s.fact_sources), Vec::new()),
                    simpul_engine::EventKind::ActionTaken(a) => (
                        recorded_facts(&a.facts, &a.fact_sources),
                        checklist_answers(&self.service, &a.step, &a.checklist),
                    ),
                    _ => (Vec::new(), Vec::new()),
                };
                let (step, action, note) = match &e.event.kind {
                    simpul_engine::EventKind::Submitted(s) => (Some(s.step.clone()), None, None),
                    simpul_engine::EventKind::ActionTaken(a) => {
                        (Some(a.step.clone()), Some(a.action.clone()), a.note.clone())
                    }
                    simpul_engine::EventKind::Resubmitted(r) => (Some(r.step.clone()), None, None),
                    simpul_engine::EventKind::Withdrawn { reason } => (None, None, Some(reason.clone())),
                    simpul_engine::EventKind::DocumentAttached { requirement, .. } => {
                        (None, None, Some(requirement.clone()))
                    }
                    simpul_engine::EventKind::Migrated(m) => (
                        m.step_to.clone(),
                        None,
                        Some(format!(
                            "Dipindahkan dari versi {} ke versi {} standar layanan",
                            m.from_version, m.to_version
                        )),
                    ),
                };
                HistoryEntry {
                    seq: e.seq,
                    at: e.event.at,
                    actor: e.event.actor,
                    kind,
                    step,
                    action,
                    note,
                    facts,
                    checklist,
                    batch: self.batch.clone(),
                    runtime: self.runtime.clone(),
                }
            })
            .collect())
    }

    async fn letters(&self, ctx: &Context<'_>) -> ApiResult<Vec<LetterView>> {
        let store = &ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?.store;
        let letters = self.batch.letters(store, self.record.id).await?;
        Ok(letters
            .iter()
            .cloned()
            .map(|record| LetterView {
                record,
                scope: self.scope.clone(),
                actor: self.actor.clone(),
                runtime: self.runtime.clone(),
            })
            .collect())
    }

    /// The messages sent to the applicant and the village operator about this application, oldest first, each
    /// with its attempts.
    async fn notifications(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::notifications::NotificationView>> {
        let store = &ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?.store;
        let personal = self.sees_personal_data();
        let mut out = Vec::new();
        for n in store.notifications_of(&self.scope, self.record.id).await? {
            let attempts = store.notification_attempts(&self.scope, n.id).await?;
            out.push(super::notifications::NotificationView::new(n, attempts, personal)?);
        }
        Ok(out)
    }

    /// Stored documents (scans), and the requirements whose paper copies were received.
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<DocumentView>> {
        let store = &ctx.data::<Shared>().map_err(|e| ApiError::Internal(e.message))?.store;
        let documents = self.batch.documents(store, self.record.id).await?;
        Ok(documents
            .iter()
            .cloned()
            .map(|record| DocumentView {
                record,
                scope: self.scope.clone(),
                actor: self.actor.clone(),
                runtime: self.runtime.clone(),
            })
            .collect())
    }

    /// Who saw, changed or downloaded this applicant's personal data, oldest first (UU 27/2022); for roles that
    /// may see personal data.
    async fn audit_log(&self, ctx: &Context<'_>) -> Option<Vec<AuditView>> {
        super::refusable(ctx, self.audit_entries(ctx).await)
    }

    /// Requirements whose paper copy the office received.
    async fn documents_received(&self) -> Vec<String> {
        self.state().received.iter().cloned().collect()
    }

    async fn submitted_at(&self) -> DateTime<Utc> {
        self.record.submitted_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.record.updated_at
    }
}
