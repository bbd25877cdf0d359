//! Reading applications: one by id, a filtered page, the history, and the public tracking query. Every query
//! is bounded by the tenant of the scope.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
};
use simpul_engine::{Application, DeadlineState, Event};
use uuid::Uuid;

use crate::Store;
use crate::entities::{application, application_event, application_search};
use crate::error::{StoreError, StoreResult};
use crate::public_codes::{PublicCodeKind, office_of_code};
use crate::scope::TenantScope;
use crate::snapshot::stage;

/// An application as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationRecord {
    /// Id.
    pub id: Uuid,
    /// The tenant.
    pub tenant_id: String,
    /// The short code the applicant tracks it with.
    pub tracking_code: String,
    /// Service code.
    pub service_code: String,
    /// The definition version it runs under.
    pub service_version_id: Uuid,
    /// The state (the fold of its events).
    pub state: Application,
    /// Optimistic version: the number of events.
    pub version: i64,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<application::Model> for ApplicationRecord {
    type Error = StoreError;

    fn try_from(m: application::Model) -> StoreResult<Self> {
        let state: Application =
            serde_json::from_str(&m.state).map_err(|e| StoreError::Corrupt(format!("application {}: {e}", m.id)))?;
        Ok(ApplicationRecord {
            id: m.id,
            tenant_id: m.tenant_id,
            tracking_code: m.tracking_code,
            service_code: m.service_code,
            service_version_id: m.service_version_id,
            state,
            version: m.version,
            submitted_by: m.submitted_by,
            submitted_at: m.submitted_at,
            updated_at: m.updated_at,
        })
    }
}

/// Which stage to list (in GraphQL `StatusFilter`, with the values of `ApplicationStatus` and `OPEN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "StatusFilter"))]
pub enum StageFilter {
    /// Not ended (in a step or waiting for the applicant).
    Open,
    /// In a step.
    #[cfg_attr(feature = "graphql", graphql(name = "IN_PROGRESS"))]
    AtStep,
    /// Waiting for the applicant.
    Returned,
    /// Ended.
    Ended,
}

/// A list filter; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationFilter {
    /// Stage.
    pub stage: Option<StageFilter>,
    /// Service code.
    pub service: Option<String>,
    /// Current step code.
    pub step: Option<String>,
    /// The service deadline's state at the time of the query (on time includes "no service clock yet").
    pub deadline: Option<DeadlineState>,
    /// Words in the applicant's name or the tracking code.
    pub text: Option<String>,
    /// The officer assigned.
    pub assignee: Option<String>,
    /// A NIK one of the form's NIK fields holds (compared by digest); only for callers who may see personal
    /// data, which the caller checks.
    pub nik: Option<String>,
    /// Only applications whose inbox tokens meet one of these keys (the engine's `inbox_keys` of an actor):
    /// the candidates of an actor's inbox. Empty: no such limit.
    pub inbox_keys: Vec<String>,
}

/// A page of a list, Relay style.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<(String, T)>,
    /// Whether more follow.
    pub has_next_page: bool,
}

/// A stored event with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Position in the application's history, from 1.
    pub seq: i64,
    /// The event.
    pub event: Event,
}

/// What an applicant proves the application is theirs with, beside its tracking code: their NIK, or their date
/// of birth (for those who do not have their NIK at hand; only where the form asks for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingProof<'a> {
    /// The applicant's own NIK (the form's `subject` NIK field).
    Nik(&'a str),
    /// The applicant's date of birth (the form's `subject` date field).
    BirthDate(chrono::NaiveDate),
}

/// Largest page.
pub const MAX_PAGE: u64 = 100;

fn cursor(m: &application::Model) -> String {
    hex::encode(format!("{}|{}", m.sort_due_at.to_rfc3339(), m.id))
}

fn parse_cursor(cursor: &str) -> StoreResult<(DateTime<Utc>, Uuid)> {
    let bad = || StoreError::InvalidCursor;
    let text = String::from_utf8(hex::decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
    let (due, id) = text.split_once('|').ok_or_else(bad)?;
    Ok((
        DateTime::parse_from_rfc3339(due).map_err(|_| bad())?.with_timezone(&Utc),
        Uuid::parse_str(id).map_err(|_| bad())?,
    ))
}

/// The applications `scope` may see: its tenant's, and of those only the ones lying in its area if it is limited
/// to one ([`TenantScope::covers`] in SQL). Every application query of a request starts from it.
pub(crate) fn visible(scope: &TenantScope) -> Select<application::Entity> {
    use application::Column as C;
    let query = application::Entity::find().filter(C::TenantId.eq(scope.tenant_id()));
    match scope.area() {
        None => query,
        Some(area) => query.filter(Condition::any().add(C::Area.eq(area)).add(C::Area.like(format!("{area}.%")))),
    }
}

/// The tenant's applications matching a filter, in no order: one query shape for a page and for its total.
fn filtered(scope: &TenantScope, filter: &ApplicationFilter, now: DateTime<Utc>) -> Select<application::Entity> {
    use application::Column as C;
    let mut query = visible(scope);
    query = match filter.stage {
        None => query,
        // Written out, not bound: PostgreSQL uses the partial index of open applications (`applications_open`)
        // only when the condition states its predicate, and a prepared statement's generic plan cannot see into a
        // parameter (measured: an inbox's counts 78 ms by a sequential scan instead of 4 ms).
        Some(StageFilter::Open) => {
            query.filter(Expr::col((application::Entity, C::Stage)).ne(crate::predicates::literal(stage::ENDED)))
        }
        Some(StageFilter::AtStep) => query.filter(C::Stage.eq(stage::AT_STEP)),
        Some(StageFilter::Returned) => query.filter(C::Stage.eq(stage::RETURNED)),
        Some(StageFilter::Ended) => query.filter(C::Stage.eq(stage::ENDED)),
    };
    if let Some(service) = &filter.service {
        query = query.filter(C::ServiceCode.eq(service.as_str()));
    }
    if let Some(step) = &filter.step {
        query = query.filter(C::Step.eq(step.as_str()));
    }
    if let Some(assignee) = &filter.assignee {
        query = query.filter(C::Assignee.eq(assignee.as_str()));
    }
    query = match filter.deadline {
        None => query,
        // As the engine says: overdue once the due instant has passed.
        Some(DeadlineState::Overdue) => query.filter(C::ServiceDueAt.lt(now)),
        Some(DeadlineState::Nearing) => query.filter(C::ServiceNearingAt.lte(now)).filter(C::ServiceDueAt.gte(now)),
        Some(DeadlineState::OnTime) => {
            query.filter(Condition::any().add(C::ServiceNearingAt.is_null()).add(C::ServiceNearingAt.gt(now)))
        }
    };
    if !filter.inbox_keys.is_empty() {
        let mut any = Condition::any();
        for key in &filter.inbox_keys {
            any = any.add(C::Inbox.contains(crate::snapshot::inbox_pattern(key)));
        }
        query = query.filter(any);
    }
    let nik = filter.nik.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let text = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if nik.is_some() || text.is_some() {
        use application_search::Column as S;
        let mut found = application_search::Entity::find()
            .select_only()
            .column(S::ApplicationId)
            .filter(S::TenantId.eq(scope.tenant_id()));
        if let Some(nik) = nik {
            found = found.filter(S::NikDigests.contains(crate::snapshot::nik_digest(nik)));
        }
        for word in text.into_iter().flat_map(str::split_whitespace) {
            found = found.filter(S::Search.contains(word.to_lowercase()));
        }
        query = query.filter(C::Id.in_subquery(found.into_query()));
    }
    query
}

/// Most applications one list or recap collects; a period with more is split by the office.
pub const LIST_LIMIT: u64 = 5_000;

impl Store {
    /// Applications of a service that ended with one of `outcomes` in `[from, to)`, oldest first: the entries of
    /// a list ("Daftar Usulan …") or a recap for that period.
    pub async fn ended_applications(
        &self,
        scope: &TenantScope,
        service: &str,
        outcomes: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ApplicationRecord>> {
        visible(scope)
            .filter(application::Column::ServiceCode.eq(service))
            .filter(application::Column::Outcome.is_in(outcomes.iter().map(String::as_str)))
            .filter(application::Column::UpdatedAt.gte(from))
            .filter(application::Column::UpdatedAt.lt(to))
            .order_by_asc(application::Column::UpdatedAt)
            .limit(LIST_LIMIT)
            .all(&self.db)
            .await?
            .into_iter()
            .map(ApplicationRecord::try_from)
            .collect()
    }

    /// Those of `ids` that `scope` may see: all of them for a whole-office scope (the tenant is filtered by each
    /// query itself), one query for a scope limited to an area, so that reads by application id keep to the area.
    pub(crate) async fn visible_ids(&self, scope: &TenantScope, ids: &[Uuid]) -> StoreResult<Vec<Uuid>> {
        if scope.area().is_none() {
            return Ok(ids.to_vec());
        }
        Ok(visible(scope)
            .filter(application::Column::Id.is_in(ids.iter().copied()))
            .select_only()
            .column(application::Column::Id)
            .into_tuple::<Uuid>()
            .all(self.lagging())
            .await?)
    }

    /// One application of the tenant. An id of another tenant is not found.
    pub async fn application(&self, scope: &TenantScope, id: Uuid) -> StoreResult<ApplicationRecord> {
        visible(scope)
            .filter(application::Column::Id.eq(id))
            .one(self.lagging())
            .await?
            .ok_or(StoreError::NotFound { what: "permohonan" })?
            .try_into()
    }

    /// A page of the tenant's applications, soonest deadline first (those without a deadline last).
    pub async fn applications(
        &self,
        scope: &TenantScope,
        filter: &ApplicationFilter,
        first: u64,
        after: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Page<ApplicationRecord>> {
        use application::Column as C;
        let mut query = filtered(scope, filter, now);
        if let Some(after) = after {
            let (due, id) = parse_cursor(after)?;
            // A row-value comparison, `(sort_due_at, id) > (due, id)`, which the index serves directly.
            query = query.filter(
                Expr::tuple([Expr::col((application::Entity, C::SortDueAt)), Expr::col((application::Entity, C::Id))])
                    .gt(Expr::tuple([Expr::value(due), Expr::value(id)])),
            );
        }
        let first = first.clamp(1, MAX_PAGE);
        let rows = query.order_by_asc(C::SortDueAt).order_by_asc(C::Id).limit(first + 1).all(self.lagging()).await?;
        let has_next_page = rows.len() as u64 > first;
        let items = rows
            .into_iter()
            .take(first as usize)
            .map(|m| {
                let c = cursor(&m);
                ApplicationRecord::try_from(m).map(|r| (c, r))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, has_next_page })
    }

    /// How many of the tenant's applications match `filter` (for a list's total).
    pub async fn count_applications(
        &self,
        scope: &TenantScope,
        filter: &ApplicationFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        Ok(filtered(scope, filter, now).count(self.lagging()).await?)
    }

    /// How many of the tenant's applications match `filter`, by service code.
    pub async fn count_by_service(
        &self,
        scope: &TenantScope,
        filter: &ApplicationFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<std::collections::BTreeMap<String, u64>> {
        use application::Column as C;
        let rows: Vec<(String, i64)> = filtered(scope, filter, now)
            .select_only()
            .column(C::ServiceCode)
            .column_as(C::Id.count(), "count")
            .group_by(C::ServiceCode)
            .into_tuple()
            .all(self.lagging())
            .await?;
        Ok(rows.into_iter().map(|(service, count)| (service, u64::try_from(count).unwrap_or(0))).collect())
    }

    /// The history of an application, in order.
    pub async fn application_events(&self, scope: &TenantScope, id: Uuid) -> StoreResult<Vec<StoredEvent>> {
        let mut histories = self.events_of_applications(scope, &[id]).await?;
        histories.remove(&id).ok_or(StoreError::NotFound { what: "permohonan" })
    }

    /// The histories of several applications (the entries of a list) in one query, by application; an id of
    /// another tenant, or of none, has no entry.
    pub async fn events_of_applications(
        &self,
        scope: &TenantScope,
        ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, Vec<StoredEvent>>> {
        let rows = application_event::Entity::find()
            .filter(application_event::Column::TenantId.eq(scope.tenant_id()))
            .filter(application_event::Column::ApplicationId.is_in(self.visible_ids(scope, ids).await?))
            .order_by_asc(application_event::Column::ApplicationId)
            .order_by_asc(application_event::Column::Seq)
            .all(self.lagging())
            .await?;
        let mut out: HashMap<Uuid, Vec<StoredEvent>> = HashMap::new();
        for r in rows {
            let event =
                serde_json::from_str(&r.body).map_err(|e| StoreError::Corrupt(format!("event {}: {e}", r.id)))?;
            out.entry(r.application_id).or_default().push(StoredEvent { seq: r.seq, event });
        }
        Ok(out)
    }

    /// The public tracking query: the tracking code and the applicant's NIK (or date of birth) together find the
    /// application; either alone finds nothing. The record is the caller's to answer from: it must show nothing
    /// of its data beyond what the applicant already knows.
    pub async fn track(&self, tracking_code: &str, proof: TrackingProof<'_>) -> StoreResult<Option<ApplicationRecord>> {
        use simpul_definitions::model::FieldType;
        let code = tracking_code.trim().to_uppercase();
        let code = code.as_str();
        let row = self
            .lookup(|db| async move {
                let Some(tenant) = office_of_code(db, PublicCodeKind::Application, code).await? else {
                    return Ok(None);
                };
                Ok(application::Entity::find()
                    .filter(application::Column::TenantId.eq(tenant))
                    .filter(application::Column::TrackingCode.eq(code))
                    .one(db)
                    .await?)
            })
            .await?;
        let Some(row) = row else { return Ok(None) };
        let record = ApplicationRecord::try_from(row)?;
        let (service, _) = self.runtime_for(&TenantScope::new(record.tenant_id.clone()), &record).await?;
        // Only the applicant's own values (the fields the definition marks `subject`), never another value of the
        // form (a No. KK, a family member's NIK or birth date).
        let subject = |kind: FieldType| {
            let field = service.definition().fields.iter().find(|f| f.subject && f.field_type == kind)?;
            record.state.data.get(&field.code).and_then(|v| v.as_str()).map(str::to_string)
        };
        let matches = match proof {
            TrackingProof::Nik(nik) => {
                let nik = nik.trim();
                nik.len() == 16
                    && nik.bytes().all(|b| b.is_ascii_digit())
                    && subject(FieldType::Nik).as_deref() == Some(nik)
            }
            TrackingProof::BirthDate(date) => subject(FieldType::Date).as_deref() == Some(date.to_string().as_str()),
        };
        Ok(matches.then_some(record))
    }
}
