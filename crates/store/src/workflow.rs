//! The service layer: each engine decision runs as one transaction — load the application and its pinned
//! definition, decide, append the events, update the snapshot with the version check, number the letter,
//! write outbox and audit rows, commit. Either all of it happens or none of it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel, QueryFilter, QueryTrait, Set,
    TransactionTrait,
};
use simpul_definitions::model::{Channel, Fact, ProductKind};
use simpul_engine::registry::{Findings, NO_FINDINGS};
use simpul_engine::{Actor, Application, Command, Context, Event, EventKind, Facts, FormData, decide};
use uuid::Uuid;

use crate::applications::ApplicationRecord;
use crate::batch::{Batch, Head, Row};
use crate::definitions::TenantRuntime;
use crate::documents::{self, DocumentRecord, NewDocument};
use crate::entities::{application, application_event, document, fact_check};
use crate::error::{StoreError, StoreResult};
use crate::letters::{self, LetterRecord};
use crate::public_codes::{PublicCodeKind, claim};
use crate::scope::TenantScope;
use crate::snapshot::{searched, searched_row, searched_update, snapshot};
use crate::written::as_stored;
use crate::{Store, audit, outbox};

/// A new application.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmitRequest {
    /// Service code.
    pub service: String,
    /// The form.
    pub data: FormData,
    /// How it reached the office.
    pub channel: Channel,
    /// Facts recorded at submission.
    pub facts: Facts,
    /// The submitter's reason for each fact whose value differs from the registry's.
    pub fact_notes: BTreeMap<Fact, String>,
    /// What the registries say about the applicant, looked up before the submission.
    pub findings: Findings,
    /// Paper copies received.
    pub documents_received: BTreeSet<String>,
    /// A key the client chose; submitting twice with it returns the first application.
    pub idempotency_key: Option<String>,
}

/// The result of a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    /// The application.
    pub record: ApplicationRecord,
    /// False when the idempotency key returned an earlier submission.
    pub created: bool,
}

/// The result of a command on an existing application.
#[derive(Debug, Clone, PartialEq)]
pub struct Acted {
    /// The application after the change.
    pub record: ApplicationRecord,
    /// The events that happened.
    pub events: Vec<Event>,
    /// Letters numbered by this change.
    pub letters: Vec<LetterRecord>,
}

/// What a command on an application carries besides itself: a document row to store with its event, and what
/// the registries say about the applicant (for the provenance of recorded facts).
struct Alongside<'a> {
    document: Option<document::ActiveModel>,
    findings: &'a Findings,
}

/// Characters of tracking codes: no 0/O, 1/I/L, so that a code read over the phone is not misheard.
const TRACKING_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

fn tracking_code() -> String {
    let mut rng = rand::rng();
    let chars: String =
        (0..10).map(|_| TRACKING_ALPHABET[rng.random_range(0..TRACKING_ALPHABET.len())] as char).collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Refuses an application placed outside the area of an area-limited scope (a village operator submitting, or
/// correcting the desa of, an application of another village).
fn check_area(scope: &TenantScope, area: Option<&str>) -> StoreResult<()> {
    match scope.area() {
        Some(limit) if !scope.covers(area) => {
            Err(StoreError::OutsideArea { area: simpul_engine::regions::in_words(limit) })
        }
        _ => Ok(()),
    }
}

/// Appends to `batch` the rows `events` add: each event, its outbox row, for changes of personal data an audit row,
/// and for recorded registry facts a row counting how many came from a registry (the dashboard's share of
/// verifications that used registry data).
pub(crate) fn appended(
    batch: &mut Batch,
    scope: &TenantScope,
    (application, service): (Uuid, &str),
    first_seq: i64,
    events: &[Event],
    step: Option<&str>,
) -> StoreResult<()> {
    for (i, event) in events.iter().enumerate() {
        let seq = first_seq + i as i64;
        let body = to_json(event)?;
        batch.push(application_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(scope.tenant_id().to_string()),
            application_id: Set(application),
            seq: Set(seq),
            kind: Set(event.kind.name().to_string()),
            actor: Set(event.actor.clone()),
            at: Set(event.at),
            body: Set(body.clone()),
        });
        batch.push(outbox::row(scope, application, seq, event.kind.name(), step, body, event.at));
        let recorded = match &event.kind {
            EventKind::Submitted(s) => Some((&s.facts, &s.fact_sources)),
            EventKind::ActionTaken(a) => Some((&a.facts, &a.fact_sources)),
            _ => None,
        };
        if let Some((facts, sources)) = recorded.filter(|(facts, _)| !facts.is_empty()) {
            batch.push(fact_check::ActiveModel {
                id: Set(Uuid::now_v7()),
                tenant_id: Set(scope.tenant_id().to_string()),
                application_id: Set(application),
                service_code: Set(service.to_string()),
                at: Set(event.at),
                facts: Set(facts.len() as i32),
                from_registry: Set(sources.values().filter(|s| s.is_registry()).count() as i32),
            });
        }
        let changed: Option<Vec<&String>> = match &event.kind {
            EventKind::Submitted(s) => Some(s.data.keys().collect()),
            EventKind::Resubmitted(r) => Some(r.data.keys().collect()),
            _ => None,
        };
        if let Some(fields) = changed {
            let detail =
                format!("{}: {}", event.kind.name(), fields.into_iter().cloned().collect::<Vec<_>>().join(", "));
            batch.push(audit::row(
                scope,
                &event.actor,
                audit::action::CHANGE,
                &application.to_string(),
                &detail,
                event.at,
            ));
        }
    }
    Ok(())
}

/// Whether a write failed because another writer got there first: its version check, or the same event positions.
fn conflicted(written: StoreResult<bool>) -> StoreResult<()> {
    match written {
        Ok(true) => Ok(()),
        Ok(false) => Err(StoreError::Conflict),
        Err(StoreError::Database(db)) if StoreError::is_unique_violation(&db) => Err(StoreError::Conflict),
        Err(error) => Err(error),
    }
}

impl Store {
    /// Submits an application under the published version of the service. With an idempotency key already
    /// used in this tenant, returns that application instead and creates nothing.
    pub async fn submit(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        request: &SubmitRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Submitted> {
        if let Some(existing) = self.by_idempotency_key(scope, request.idempotency_key.as_deref()).await? {
            return Ok(Submitted { record: existing, created: false });
        }
        let (version, service) = self.published_service(scope, &request.service).await?;
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let ctx = Context { findings: &request.findings, ..runtime.context(&service) };
        let command = Command::Submit {
            data: request.data.clone(),
            channel: request.channel,
            facts: request.facts.clone(),
            fact_notes: request.fact_notes.clone(),
            documents_received: request.documents_received.clone(),
        };
        let events = decide(&ctx, None, actor, &command, now)?;
        let state = Application::fold(&events).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id = Uuid::now_v7();
        let tracking = tracking_code();
        let snap = snapshot(&state, &runtime.context(&service));
        check_area(scope, snap.area.as_deref())?;
        let step = snap.step.clone();
        let area = snap.area.clone();
        let found_by = searched_row(scope.tenant_id(), id, searched(service.definition(), &state, &tracking));
        let model = application::ActiveModel {
            id: Set(id),
            tenant_id: Set(scope.tenant_id().to_string()),
            tracking_code: Set(tracking.clone()),
            service_code: Set(request.service.clone()),
            service_version_id: Set(version.id),
            stage: Set(snap.stage.to_string()),
            step: Set(snap.step),
            outcome: Set(snap.outcome),
            state: Set(to_json(&state)?),
            service_due_at: Set(snap.service_due_at),
            service_nearing_at: Set(snap.service_nearing_at),
            step_due_at: Set(snap.step_due_at),
            sort_due_at: Set(snap.sort_due_at),
            assignee: Set(snap.assignee),
            area: Set(snap.area),
            inbox: Set(Some(snap.inbox)),
            idempotency_key: Set(request.idempotency_key.clone()),
            submitted_by: Set(actor.user_id.clone()),
            submitted_at: Set(now),
            updated_at: Set(now),
            version: Set(state.version as i64),
            ended_at: Set(None),
            end_status: Set(None),
            took_minutes: Set(None),
            budget_minutes: Set(None),
            on_time: Set(None),
            measured: Set(true),
        };
        let mut batch = Batch::new(Head::Insert(Row::of(model).insert()?));
        batch.push(claim(PublicCodeKind::Application, &tracking, scope.tenant_id()));
        batch.push(found_by);
        appended(&mut batch, scope, (id, &request.service), 1, &events, step.as_deref())?;
        match self.write(batch).await {
            Ok(true) => {}
            Ok(false) => return Err(StoreError::Corrupt(String::from("the new application was not written"))),
            Err(error) => {
                // Another request with the same key won the race: return its application.
                if let StoreError::Database(db) = &error
                    && StoreError::is_unique_violation(db)
                    && let Some(existing) = self.by_idempotency_key(scope, request.idempotency_key.as_deref()).await?
                {
                    return Ok(Submitted { record: existing, created: false });
                }
                return Err(error);
            }
        }
        let record = ApplicationRecord {
            id,
            tenant_id: scope.tenant_id().to_string(),
            tracking_code: tracking,
            service_code: request.service.clone(),
            service_version_id: version.id,
            version: state.version as i64,
            state,
            submitted_by: actor.user_id.clone(),
            submitted_at: now,
            updated_at: now,
        };
        let record = as_stored(record, self.db.get_database_backend());
        self.caches.written.remember(record.clone(), area);
        Ok(Submitted { record, created: true })
    }

    async fn by_idempotency_key(
        &self,
        scope: &TenantScope,
        key: Option<&str>,
    ) -> StoreResult<Option<ApplicationRecord>> {
        let Some(key) = key else { return Ok(None) };
        crate::applications::visible(scope)
            .filter(application::Column::IdempotencyKey.eq(key))
            .one(&self.db)
            .await?
            .map(ApplicationRecord::try_from)
            .transpose()
    }

    /// Runs a command on an application of the tenant in one transaction. When another officer changed the
    /// application since it was read, nothing is written and the result is [`StoreError::Conflict`].
    ///
    /// For a disposisi, the caller names the officer by user id; their roles in this tenant are looked up here.
    pub async fn act(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        id: Uuid,
        command: Command,
        now: DateTime<Utc>,
    ) -> StoreResult<Acted> {
        self.act_with(scope, actor, id, command, now, Alongside { document: None, findings: &NO_FINDINGS }).await
    }

    /// [`Store::act`] for a command whose registry facts were looked up first: each recorded fact's provenance
    /// is decided against `findings`.
    pub async fn act_looked_up(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        id: Uuid,
        command: Command,
        findings: &Findings,
        now: DateTime<Utc>,
    ) -> StoreResult<Acted> {
        self.act_with(scope, actor, id, command, now, Alongside { document: None, findings }).await
    }

    /// Records a stored object as a document of a requirement of the application and the engine's
    /// `document_attached` event, in one transaction: either both exist afterwards or neither. The caller stored
    /// the object first and removes it when this fails.
    pub async fn attach_document(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        application: Uuid,
        expected_version: u64,
        new: NewDocument,
        now: DateTime<Utc>,
    ) -> StoreResult<(Acted, DocumentRecord)> {
        let id = Uuid::now_v7();
        let command = Command::AttachDocument {
            expected_version,
            requirement: new.requirement.clone(),
            document: id.to_string(),
        };
        let row = documents::row(scope, id, application, &actor.user_id, new, now);
        let record = DocumentRecord::from(row.clone());
        let along = Alongside { document: Some(row.into_active_model()), findings: &NO_FINDINGS };
        let acted = self.act_with(scope, actor, application, command, now, along).await?;
        Ok((acted, record))
    }

    async fn act_with(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        id: Uuid,
        mut command: Command,
        now: DateTime<Utc>,
        along: Alongside<'_>,
    ) -> StoreResult<Acted> {
        if let Command::Act { input, .. } = &mut command
            && let Some(assignee) = &mut input.assignee
        {
            let user = Uuid::parse_str(&assignee.user_id).map_err(|_| StoreError::UnknownAssignee)?;
            assignee.roles = self.roles_of(scope, user).await?;
        }
        let written = &self.caches.written;
        let remembered = command.expected_version().and_then(|version| written.recall(scope, id, version));
        if let Some(remembered) = remembered {
            match self.decide_and_write(scope, actor, &remembered.record, &command, now, &along).await {
                Ok(acted) => return Ok(acted),
                // Refused on the remembered state — another writer may have got there first: decide again on what
                // the database holds, so that the caller hears what they would have heard without the memory.
                Err(_) => written.forget(id),
            }
        }
        // Read outside any transaction: the write's version check refuses it if the application changed since.
        let record = crate::applications::visible(scope)
            .filter(application::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound { what: "permohonan" })
            .and_then(ApplicationRecord::try_from)?;
        self.decide_and_write(scope, actor, &record, &command, now, &along).await
    }

    /// Decides `command` on `record` and writes the decision, checking that the application is still at
    /// `record`'s version; remembers what it wrote ([`crate::written`]).
    async fn decide_and_write(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        record: &ApplicationRecord,
        command: &Command,
        now: DateTime<Utc>,
        Alongside { document, findings }: &Alongside<'_>,
    ) -> StoreResult<Acted> {
        let id = record.id;
        let (_, service) = self.service_version(&self.db, scope, record.service_version_id).await?;
        let runtime = self.tenant_runtime(&self.db, scope).await?;
        let ctx = Context { findings, ..runtime.context(&service) };
        let events = decide(&ctx, Some(&record.state), actor, command, now)?;
        let mut state = record.state.clone();
        for event in &events {
            state.apply(event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
        let snap = snapshot(&state, &runtime.context(&service));
        check_area(scope, snap.area.as_deref())?;
        let step = snap.step.clone();
        let area = snap.area.clone();
        // What it is found by follows from the form's data alone (and the tracking code and definition, which a
        // decision keeps): unchanged data, nothing to rewrite — and no trigram index entries to make.
        let found_by =
            (state.data != record.state.data).then(|| searched(service.definition(), &state, &record.tracking_code));
        let ended_now = if record.state.is_ended() { None } else { snap.timing.clone() };
        use application::Column as C;
        let update = derived_columns(application::Entity::update_many(), snap)
            .col_expr(C::State, to_json(&state)?.into())
            .col_expr(C::UpdatedAt, now.into())
            .col_expr(C::Version, (state.version as i64).into())
            .filter(C::Id.eq(id))
            .filter(C::TenantId.eq(scope.tenant_id()))
            .filter(C::Version.eq(record.version))
            .into_query();
        let mut batch = Batch::new(Head::Update(update));
        if let Some(found_by) = found_by {
            batch.update(searched_update(scope.tenant_id(), id, found_by));
        }
        if let Some(document) = document {
            batch.push(document.clone());
        }
        if let Some(timing) = &ended_now {
            step_times(&mut batch, scope, id, &record.service_code, timing);
        }
        appended(&mut batch, scope, (id, &record.service_code), record.version + 1, &events, step.as_deref())?;
        let signs = events.iter().any(|e| matches!(&e.kind, EventKind::ActionTaken(taken) if taken.signed.is_some()));
        let letters = if signs {
            // The letter's number and the write in one transaction: a write that finds a conflict uses no number.
            let txn = self.db.begin().await?;
            let letters = self.number_letters(&txn, scope, &runtime, &service, id, &events, now).await?;
            for letter in &letters {
                batch.push(letter.clone().into_active_model());
            }
            conflicted(batch.run_in(&txn).await)?;
            txn.commit().await?;
            letters.into_iter().map(LetterRecord::from).collect()
        } else {
            conflicted(self.write(batch).await)?;
            Vec::new()
        };
        let version = record.version + events.len() as i64;
        let record = ApplicationRecord {
            id,
            tenant_id: record.tenant_id.clone(),
            tracking_code: record.tracking_code.clone(),
            service_code: record.service_code.clone(),
            service_version_id: record.service_version_id,
            state,
            version,
            submitted_by: record.submitted_by.clone(),
            submitted_at: record.submitted_at,
            updated_at: now,
        };
        let record = as_stored(record, self.db.get_database_backend());
        self.caches.written.remember(record.clone(), area);
        Ok(Acted { record, events, letters })
    }

    /// Writes a decision that numbers no letter: one statement on PostgreSQL, a transaction on SQLite (see
    /// [`crate::batch`]); false when the version check found the application changed, and nothing was written.
    async fn write(&self, batch: Batch) -> StoreResult<bool> {
        if self.db.get_database_backend() == DbBackend::Postgres {
            return batch.run_alone(&self.db).await;
        }
        let txn = self.db.begin().await?;
        let written = batch.run_in(&txn).await?;
        if written {
            txn.commit().await?;
        }
        Ok(written)
    }

    /// Numbers the letters signed by `events`.
    #[allow(clippy::too_many_arguments)]
    async fn number_letters<C: ConnectionTrait>(
        &self,
        conn: &C,
        scope: &TenantScope,
        runtime: &TenantRuntime,
        service: &simpul_engine::Service,
        application: Uuid,
        events: &[Event],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::entities::letter::Model>> {
        let mut out = Vec::new();
        for event in events {
            let EventKind::ActionTaken(taken) = &event.kind else { continue };
            let Some(product_code) = &taken.signed else { continue };
            let product = service
                .definition()
                .produk
                .iter()
                .find(|p| &p.code == product_code && p.kind == ProductKind::Letter)
                .ok_or_else(|| StoreError::Corrupt(format!("signed product {product_code} is not a letter")))?;
            let series_code = product.series.as_deref().unwrap_or_default();
            let series = runtime
                .tenant
                .numbering
                .iter()
                .find(|s| s.code == series_code)
                .ok_or_else(|| StoreError::Corrupt(format!("numbering series {series_code} missing")))?;
            let local = runtime.calendar.local_date(now);
            out.push(
                letters::issue(conn, scope, application, &product.code, &series.code, &series.pattern, now, local)
                    .await?,
            );
        }
        Ok(out)
    }
}

/// The office minutes an application that just ended spent in each step, one row each, for the dashboard's
/// "where does the time go".
///
/// An application ends once (no action leads out of an ended stage), so the decision that ends it has no earlier
/// rows to replace and looks for none: that lookup, a `DELETE` in every ending decision, once cost a sixth of the
/// database's time in the store bench, its plan reading the whole office's rows when statistics were stale. Only
/// a measurement made again (the backfill) clears the earlier rows first, with [`clear_step_times`].
pub(crate) fn step_times(
    batch: &mut Batch,
    scope: &TenantScope,
    application: Uuid,
    service_code: &str,
    timing: &simpul_engine::timing::Timing,
) {
    use crate::entities::step_time;
    for (step, minutes) in &timing.steps {
        batch.push(step_time::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(scope.tenant_id().to_string()),
            application_id: Set(application),
            service_code: Set(service_code.to_string()),
            step: Set(step.clone()),
            minutes: Set(*minutes),
            ended_at: Set(timing.ended_at),
        });
    }
}

/// Clears the step times of an earlier measurement of `application`, before [`step_times`] writes them again.
pub(crate) fn clear_step_times(batch: &mut Batch, scope: &TenantScope, application: Uuid) {
    use crate::entities::step_time;
    batch.delete(
        step_time::Entity::delete_many()
            .filter(step_time::Column::TenantId.eq(scope.tenant_id()))
            .filter(step_time::Column::ApplicationId.eq(application))
            .into_query(),
    );
}

/// `update` setting the columns derived from an application's state (stage, deadlines, area, inbox tokens …): one
/// list of them for every writer. What it is found by is in a table of its own (`snapshot::searched_update`).
pub(crate) fn derived_columns(
    update: sea_orm::UpdateMany<application::Entity>,
    snap: crate::snapshot::Snapshot,
) -> sea_orm::UpdateMany<application::Entity> {
    use application::Column as C;
    let timing = snap.timing.as_ref();
    update
        .col_expr(C::EndedAt, timing.map(|t| t.ended_at).into())
        .col_expr(C::EndStatus, timing.map(|t| t.status.code()).into())
        .col_expr(C::TookMinutes, timing.map(|t| t.minutes).into())
        .col_expr(C::BudgetMinutes, timing.and_then(|t| t.budget_minutes).into())
        .col_expr(C::OnTime, timing.and_then(|t| t.on_time).into())
        .col_expr(C::Measured, true.into())
        .col_expr(C::Stage, snap.stage.into())
        .col_expr(C::Step, snap.step.into())
        .col_expr(C::Outcome, snap.outcome.into())
        .col_expr(C::ServiceDueAt, snap.service_due_at.into())
        .col_expr(C::ServiceNearingAt, snap.service_nearing_at.into())
        .col_expr(C::StepDueAt, snap.step_due_at.into())
        .col_expr(C::SortDueAt, snap.sort_due_at.into())
        .col_expr(C::Assignee, snap.assignee.into())
        .col_expr(C::Area, snap.area.into())
        .col_expr(C::Inbox, Some(snap.inbox).into())
}
