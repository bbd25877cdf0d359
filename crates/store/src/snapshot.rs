//! The columns of an application row that are derived from its state, so that lists can filter and sort
//! without reading the state.

use chrono::{DateTime, TimeZone, Utc};
use simpul_definitions::model::{FieldType, ServiceDefinition};
use simpul_engine::{Application, Stage, WorkCalendar};

/// Derived columns.
pub(crate) struct Snapshot {
    pub stage: &'static str,
    pub step: Option<String>,
    pub outcome: Option<String>,
    pub service_due_at: Option<DateTime<Utc>>,
    pub service_nearing_at: Option<DateTime<Utc>>,
    pub step_due_at: Option<DateTime<Utc>>,
    pub sort_due_at: DateTime<Utc>,
    pub assignee: Option<String>,
    pub area: Option<String>,
    pub inbox: String,
    /// What the dashboard counts, once the application ended.
    pub timing: Option<simpul_engine::timing::Timing>,
}

/// The inbox column of an application: the engine's tokens, space-padded so that a key matches as a whole word.
pub(crate) fn inbox_column(ctx: &simpul_engine::Context<'_>, state: &Application) -> String {
    format!(" {} ", simpul_engine::inbox_tokens(ctx, state).join(" "))
}

/// What an inbox column holds for `key` (a whole-word match).
pub(crate) fn inbox_pattern(key: &str) -> String {
    format!(" {key} ")
}

/// The digest a NIK is searched by: SHA-256 of its digits, in hex. Not a secret — the state holds the NIK
/// itself — but the searchable column then holds no NIK, and equal NIKs have equal digests.
pub fn nik_digest(nik: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(nik.trim().as_bytes()))
}

/// Sorts after every real deadline: applications without one come last.
pub(crate) fn no_deadline() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Stage names as stored.
pub mod stage {
    /// In a step.
    pub const AT_STEP: &str = "at_step";
    /// Waiting for the applicant.
    pub const RETURNED: &str = "returned";
    /// Ended.
    pub const ENDED: &str = "ended";
}

pub(crate) fn snapshot(state: &Application, ctx: &simpul_engine::Context<'_>) -> Snapshot {
    let definition: &ServiceDefinition = ctx.service.definition();
    let calendar: &WorkCalendar = ctx.calendar;
    let (stage, outcome) = match &state.stage {
        Stage::AtStep { .. } => (stage::AT_STEP, None),
        Stage::Returned { .. } => (stage::RETURNED, None),
        Stage::Ended { outcome, .. } => (stage::ENDED, Some(outcome.clone())),
    };
    let service_due_at = state.clocks.service.map(|d| d.due_at);
    let step_due_at = state.clocks.step.map(|d| d.due_at);
    let sort_due_at = [service_due_at, step_due_at].into_iter().flatten().min().unwrap_or_else(no_deadline);
    Snapshot {
        stage,
        step: state.step().map(str::to_string),
        outcome,
        service_due_at,
        service_nearing_at: state.clocks.service.map(|d| d.nearing_at(calendar)),
        step_due_at,
        sort_due_at,
        assignee: state.assignee.clone(),
        area: simpul_engine::form::area(definition, &state.data),
        inbox: inbox_column(ctx, state),
        timing: simpul_engine::timing::timing(state, calendar),
    }
}

/// What an application is found by, kept in a table of its own ([`searched_row`], [`searched_update`]): a
/// function of its tracking code, its form's data and its definition only, so that a decision leaving the data as
/// it was leaves this as it was too, and neither computes nor writes it.
#[derive(Debug)]
pub(crate) struct Searched {
    /// The tracking code and the form's names, lower-cased.
    pub search: String,
    /// The digests of the form's NIKs ([`nik_digest`]).
    pub nik_digests: String,
}

pub(crate) fn searched(definition: &ServiceDefinition, state: &Application, tracking_code: &str) -> Searched {
    // Names and the tracking code are searchable; NIK and No. KK are not copied out of the state.
    let mut search = vec![tracking_code.to_lowercase()];
    for field in &definition.fields {
        if field.field_type == FieldType::Text
            && field.code.starts_with("nama")
            && let Some(value) = state.data.get(&field.code).and_then(|v| v.as_str())
        {
            search.push(value.to_lowercase());
        }
    }
    Searched {
        search: search.join(" "),
        nik_digests: definition
            .fields
            .iter()
            .filter(|f| f.field_type == FieldType::Nik)
            .filter_map(|f| state.data.get(&f.code).and_then(|v| v.as_str()))
            .map(nik_digest)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The row of `application_search` a new application starts with.
pub(crate) fn searched_row(
    tenant_id: &str,
    application: uuid::Uuid,
    searched: Searched,
) -> crate::entities::application_search::ActiveModel {
    use sea_orm::Set;
    crate::entities::application_search::ActiveModel {
        application_id: Set(application),
        tenant_id: Set(tenant_id.to_string()),
        search: Set(searched.search),
        nik_digests: Set(searched.nik_digests),
    }
}

/// The update of an application's `application_search` row, for a writer that changed what it is found by.
pub(crate) fn searched_update(
    tenant_id: &str,
    application: uuid::Uuid,
    searched: Searched,
) -> sea_orm::sea_query::UpdateStatement {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

    use crate::entities::application_search::{Column as C, Entity};
    Entity::update_many()
        .col_expr(C::Search, searched.search.into())
        .col_expr(C::NikDigests, searched.nik_digests.into())
        .filter(C::ApplicationId.eq(application))
        .filter(C::TenantId.eq(tenant_id))
        .into_query()
}
