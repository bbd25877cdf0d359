//! The deadline watcher's store side: a lease so that one instance at a time watches (a row with a holder and
//! an expiry — works the same on SQLite and PostgreSQL, holds no session), and the notices given, each once:
//! a service deadline nearing, a service deadline passed, a step deadline passed. A notice is written with an
//! outbox row in one transaction, so subscribers and webhooks hear of it exactly as of any other event.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::entities::{application, deadline_notice, lease};
use crate::error::{StoreError, StoreResult};
use crate::predicates::literal;
use crate::scope::{SystemAccess, TenantScope};
use crate::snapshot::stage;

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// The service's time limit (waktu penyelesaian).
    Service,
    /// The current step's duration.
    Step,
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// The share of the time limit the tenant calls "nearing" is used up.
    Nearing,
    /// The deadline has passed and the application is still open.
    Passed,
}

impl Deadline {
    fn code(self) -> &'static str {
        match self {
            Deadline::Service => "service",
            Deadline::Step => "step",
        }
    }
}

impl NoticeKind {
    /// The event name subscribers and webhooks see.
    pub fn event(self) -> &'static str {
        match self {
            NoticeKind::Nearing => "deadline_nearing",
            NoticeKind::Passed => "deadline_passed",
        }
    }

    fn code(self) -> &'static str {
        match self {
            NoticeKind::Nearing => "nearing",
            NoticeKind::Passed => "passed",
        }
    }
}

/// A notice given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineNotice {
    /// The tenant.
    pub tenant_id: String,
    /// The application.
    pub application_id: Uuid,
    /// Its version when noticed.
    pub version: i64,
    /// The step it is in.
    pub step: Option<String>,
    /// Which deadline.
    pub deadline: Deadline,
    /// Nearing or passed.
    pub kind: NoticeKind,
    /// The deadline itself.
    pub due_at: DateTime<Utc>,
}

/// Most notices given in one round; the rest wait for the next.
const ROUND: u64 = 500;

/// The watcher's three rounds: which deadline, which notice, the column holding the deadline and the column from
/// which the notice is due.
pub(crate) const ROUNDS: [(Deadline, NoticeKind, application::Column, application::Column); 3] = [
    (Deadline::Service, NoticeKind::Nearing, application::Column::ServiceDueAt, application::Column::ServiceNearingAt),
    (Deadline::Service, NoticeKind::Passed, application::Column::ServiceDueAt, application::Column::ServiceDueAt),
    (Deadline::Step, NoticeKind::Passed, application::Column::StepDueAt, application::Column::StepDueAt),
];

/// One round's poll: it reads the partial index on the round's column (`applications_service_nearing`,
/// `applications_service_due`, `applications_step_due`), which holds the applications at a step only.
pub(crate) fn due_query(
    (deadline, kind, due, from): (Deadline, NoticeKind, application::Column, application::Column),
    now: DateTime<Utc>,
) -> sea_orm::Select<application::Entity> {
    application::Entity::find()
        .filter(Expr::col(application::Column::Stage).eq(literal(stage::AT_STEP)))
        .filter(from.lte(now))
        .filter(not_noticed(deadline, kind, due))
        .order_by_asc(from)
        .limit(ROUND)
}

fn not_noticed(deadline: Deadline, kind: NoticeKind, due: application::Column) -> SimpleExpr {
    let given = Query::select()
        .expr(Expr::val(1))
        .from(deadline_notice::Entity)
        .and_where(
            Expr::col((deadline_notice::Entity, deadline_notice::Column::ApplicationId))
                .equals((application::Entity, application::Column::Id)),
        )
        .and_where(
            Expr::col((deadline_notice::Entity, deadline_notice::Column::TenantId))
                .equals((application::Entity, application::Column::TenantId)),
        )
        .and_where(Expr::col((deadline_notice::Entity, deadline_notice::Column::Deadline)).eq(deadline.code()))
        .and_where(Expr::col((deadline_notice::Entity, deadline_notice::Column::Kind)).eq(kind.code()))
        .and_where(
            Expr::col((deadline_notice::Entity, deadline_notice::Column::DueAt)).equals((application::Entity, due)),
        )
        .to_owned();
    Expr::exists(given).not()
}

impl Store {
    /// Takes or renews the lease `name` for `holder` until `now + ttl`; false while another holder's lease runs.
    pub async fn take_lease(
        &self,
        _access: &SystemAccess,
        name: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let until = now + ttl;
        let renewed = lease::Entity::update_many()
            .col_expr(lease::Column::Holder, holder.into())
            .col_expr(lease::Column::ExpiresAt, until.into())
            .filter(lease::Column::Name.eq(name))
            .filter(lease::Column::Holder.eq(holder).or(lease::Column::ExpiresAt.lt(now)))
            .exec(&self.db)
            .await?;
        if renewed.rows_affected == 1 {
            return Ok(true);
        }
        let insert = Query::insert()
            .into_table(lease::Entity)
            .columns([lease::Column::Name, lease::Column::Holder, lease::Column::ExpiresAt])
            .values([name.into(), holder.into(), until.into()])
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .on_conflict(OnConflict::column(lease::Column::Name).do_nothing().to_owned())
            .to_owned();
        Ok(self.db.execute(&insert).await?.rows_affected() == 1)
    }

    /// Gives every notice that is due at `now` and was not given before: writes it and its outbox row, and
    /// returns it. Only the lease holder calls this; giving a notice twice is impossible anyway (the notice's key).
    pub async fn give_deadline_notices(
        &self,
        _access: &SystemAccess,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<DeadlineNotice>> {
        use application::Column as C;
        let mut given = Vec::new();
        for round @ (deadline, kind, due, _) in ROUNDS {
            let rows = due_query(round, now).all(&self.db).await?;
            for row in rows {
                let due_at = match due {
                    C::StepDueAt => row.step_due_at,
                    _ => row.service_due_at,
                };
                let Some(due_at) = due_at else { continue };
                // "Nearing" only while it has not passed yet; a passed deadline gets the passed notice.
                if kind == NoticeKind::Nearing && due_at <= now {
                    continue;
                }
                let notice = DeadlineNotice {
                    tenant_id: row.tenant_id.clone(),
                    application_id: row.id,
                    version: row.version,
                    step: row.step.clone(),
                    deadline,
                    kind,
                    due_at,
                };
                if self.record_notice(&notice, now).await? {
                    given.push(notice);
                }
            }
        }
        Ok(given)
    }

    /// Writes a notice and its outbox row; false when it was given already.
    async fn record_notice(&self, notice: &DeadlineNotice, now: DateTime<Utc>) -> StoreResult<bool> {
        use deadline_notice::Column as N;
        let txn = self.db.begin().await?;
        let insert = Query::insert()
            .into_table(deadline_notice::Entity)
            .columns([N::TenantId, N::ApplicationId, N::Deadline, N::Kind, N::DueAt, N::CreatedAt])
            .values([
                notice.tenant_id.as_str().into(),
                notice.application_id.into(),
                notice.deadline.code().into(),
                notice.kind.code().into(),
                notice.due_at.into(),
                now.into(),
            ])
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .on_conflict(
                OnConflict::columns([N::TenantId, N::ApplicationId, N::Deadline, N::Kind, N::DueAt])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        if txn.execute(&insert).await?.rows_affected() != 1 {
            return Ok(false);
        }
        let payload = serde_json::json!({
            "deadline": notice.deadline.code(),
            "due_at": notice.due_at,
            "step": notice.step,
        })
        .to_string();
        let scope = TenantScope::new(notice.tenant_id.clone());
        crate::outbox::row(
            &scope,
            notice.application_id,
            notice.version,
            notice.kind.event(),
            notice.step.as_deref(),
            payload,
            now,
        )
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}
