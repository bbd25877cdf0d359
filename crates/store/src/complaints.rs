//! Complaints (pengaduan): received from the public page or recorded by an officer with the channel they came
//! by, tracked by the complainant with a code, assigned, answered and closed within the office's deadlines. Every
//! step is a row of the complaint's history, written in the transaction that changes it; which step may follow
//! which is [`simpul_engine::complaint::ComplaintStatus::after`].

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use simpul_engine::complaint::{ComplaintStatus, ComplaintStep};
use uuid::Uuid;

use crate::Store;
use crate::entities::{complaint, complaint_event};
use crate::error::{StoreError, StoreResult};
use crate::public_codes::{PublicCodeKind, claim, office_of_code};
use crate::scope::TenantScope;

/// A complaint as the office keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    /// Its id.
    pub id: Uuid,
    /// The office.
    pub tenant_id: String,
    /// The code the complainant tracks it with.
    pub code: String,
    /// The channel's code (`website`, `telepon`, …).
    pub channel: String,
    /// Who complained (as they gave their name; "Anonim" when they did not).
    pub complainant_name: String,
    /// Where to answer them, if they said.
    pub contact: Option<String>,
    /// The complaint.
    pub body: String,
    /// The application it is about, if any.
    pub application_id: Option<Uuid>,
    /// Where it stands.
    pub status: ComplaintStatus,
    /// The officer handling it (a user id).
    pub assignee: Option<String>,
    /// Who recorded it (a user id, or `publik` for the public page).
    pub received_by: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Deadlines: to assign, to answer, to close.
    pub due: Due,
    /// When it was first assigned.
    pub assigned_at: Option<DateTime<Utc>>,
    /// When it was (last) answered.
    pub responded_at: Option<DateTime<Utc>>,
    /// The answer.
    pub response: Option<String>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Its number in SP4N-LAPOR, once forwarded.
    pub external_ref: Option<String>,
}

/// The deadlines of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// To assign an officer.
    pub assign: DateTime<Utc>,
    /// To answer.
    pub respond: DateTime<Utc>,
    /// To close.
    pub close: DateTime<Utc>,
}

impl TryFrom<complaint::Model> for Complaint {
    type Error = StoreError;

    fn try_from(m: complaint::Model) -> StoreResult<Self> {
        Ok(Complaint {
            status: ComplaintStatus::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("complaint status `{}`", m.status)))?,
            id: m.id,
            tenant_id: m.tenant_id,
            code: m.code,
            channel: m.channel,
            complainant_name: m.complainant_name,
            contact: m.contact,
            body: m.body,
            application_id: m.application_id,
            assignee: m.assignee,
            received_by: m.received_by,
            received_at: m.received_at,
            due: Due { assign: m.assign_due_at, respond: m.respond_due_at, close: m.close_due_at },
            assigned_at: m.assigned_at,
            responded_at: m.responded_at,
            response: m.response,
            closed_at: m.closed_at,
            external_ref: m.external_ref,
        })
    }
}

/// A complaint to record.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    /// The channel's code.
    pub channel: String,
    /// Who complained.
    pub complainant_name: String,
    /// Where to answer them.
    pub contact: Option<String>,
    /// The complaint.
    pub body: String,
    /// The application it is about.
    pub application_id: Option<Uuid>,
    /// Who records it.
    pub received_by: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Its deadlines, on the office's calendar.
    pub due: Due,
}

/// One step of a complaint's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintEvent {
    /// `received`, `assign`, `respond`, `close`, `forward`.
    pub step: String,
    /// Who (a user id, or `publik`).
    pub actor: String,
    /// What they wrote (the answer, the closing note, the assignee, the SP4N-LAPOR number).
    pub note: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The step name stored for a complaint's receipt.
pub const RECEIVED: &str = "received";

const NOT_FOUND: StoreError = StoreError::NotFound { what: "pengaduan" };

/// Characters of complaint codes, as of tracking codes: no 0/O, 1/I/L.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// `ADU-XXXX-XXXX`: told apart from an application's tracking code at a glance, read over the phone without
/// confusion, and 31⁸ ≈ 8.5 × 10¹¹ codes, too many to find one by guessing under the tracking rate limit.
fn complaint_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: String = (0..8).map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char).collect();
    format!("ADU-{}-{}", &chars[..4], &chars[4..])
}

fn step_code(step: ComplaintStep) -> &'static str {
    match step {
        ComplaintStep::Assign => "assign",
        ComplaintStep::Respond => "respond",
        ComplaintStep::Close => "close",
        ComplaintStep::Forward => "forward",
    }
}

impl Store {
    /// Records a complaint with its history's first row.
    pub async fn record_complaint(&self, scope: &TenantScope, new: NewComplaint) -> StoreResult<Complaint> {
        let id = Uuid::now_v7();
        let code = complaint_code();
        let txn = self.db.begin().await?;
        claim(PublicCodeKind::Complaint, &code, scope.tenant_id()).insert(&txn).await?;
        complaint::ActiveModel {
            id: Set(id),
            tenant_id: Set(scope.tenant_id().to_string()),
            code: Set(code),
            channel: Set(new.channel),
            complainant_name: Set(new.complainant_name),
            contact: Set(new.contact),
            body: Set(new.body),
            application_id: Set(new.application_id),
            status: Set(ComplaintStatus::Received.code().to_string()),
            assignee: Set(None),
            received_by: Set(new.received_by.clone()),
            received_at: Set(new.received_at),
            assign_due_at: Set(new.due.assign),
            respond_due_at: Set(new.due.respond),
            close_due_at: Set(new.due.close),
            assigned_at: Set(None),
            responded_at: Set(None),
            response: Set(None),
            closed_at: Set(None),
            external_ref: Set(None),
            updated_at: Set(new.received_at),
        }
        .insert(&txn)
        .await?;
        event(scope, id, RECEIVED, &new.received_by, None, new.received_at).insert(&txn).await?;
        txn.commit().await?;
        self.complaint(scope, id).await
    }

    /// One complaint of the office.
    pub async fn complaint(&self, scope: &TenantScope, id: Uuid) -> StoreResult<Complaint> {
        complaint::Entity::find_by_id(id)
            .filter(complaint::Column::TenantId.eq(scope.tenant_id()))
            .one(self.lagging())
            .await?
            .ok_or(NOT_FOUND)?
            .try_into()
    }

    /// The complaint a code names, whichever office it went to: for the complainant's tracking page.
    pub async fn complaint_by_code(&self, code: &str) -> StoreResult<Option<Complaint>> {
        self.lookup(|db| async move {
            let Some(tenant) = office_of_code(db, PublicCodeKind::Complaint, code).await? else { return Ok(None) };
            complaint::Entity::find()
                .filter(complaint::Column::TenantId.eq(tenant))
                .filter(complaint::Column::Code.eq(code))
                .one(db)
                .await?
                .map(Complaint::try_from)
                .transpose()
        })
        .await
    }

    /// The office's complaints, newest first; only those with `status` when given, only those received in
    /// `[from, to)` when given.
    pub async fn complaints(
        &self,
        scope: &TenantScope,
        status: Option<ComplaintStatus>,
        period: Option<(DateTime<Utc>, DateTime<Utc>)>,
        limit: u64,
    ) -> StoreResult<Vec<Complaint>> {
        let mut query = complaint::Entity::find().filter(complaint::Column::TenantId.eq(scope.tenant_id()));
        if let Some(status) = status {
            query = query.filter(complaint::Column::Status.eq(status.code()));
        }
        if let Some((from, to)) = period {
            query = query.filter(complaint::Column::ReceivedAt.gte(from)).filter(complaint::Column::ReceivedAt.lt(to));
        }
        query
            .order_by_desc(complaint::Column::ReceivedAt)
            .order_by_desc(complaint::Column::Id)
            .limit(limit)
            .all(self.lagging())
            .await?
            .into_iter()
            .map(Complaint::try_from)
            .collect()
    }

    /// A complaint's history, first first.
    pub async fn complaint_history(&self, scope: &TenantScope, id: Uuid) -> StoreResult<Vec<ComplaintEvent>> {
        let rows = complaint_event::Entity::find()
            .filter(complaint_event::Column::TenantId.eq(scope.tenant_id()))
            .filter(complaint_event::Column::ComplaintId.eq(id))
            .order_by_asc(complaint_event::Column::At)
            .order_by_asc(complaint_event::Column::Id)
            .all(self.lagging())
            .await?;
        Ok(rows.into_iter().map(|r| ComplaintEvent { step: r.step, actor: r.actor, note: r.note, at: r.at }).collect())
    }

    /// Takes a step on a complaint — assigning `note` (the officer's id), answering with `note`, closing with
    /// `note`, or recording its SP4N-LAPOR number `note` — if its status allows it ([`StoreError::Refused`]
    /// otherwise), with a row of its history, in one transaction that fails on a concurrent change.
    pub async fn complaint_step(
        &self,
        scope: &TenantScope,
        id: Uuid,
        step: ComplaintStep,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Complaint> {
        let txn = self.db.begin().await?;
        let row = complaint::Entity::find_by_id(id)
            .filter(complaint::Column::TenantId.eq(scope.tenant_id()))
            .one(&txn)
            .await?
            .ok_or(NOT_FOUND)?;
        let read_at = row.updated_at;
        let before = Complaint::try_from(row.clone())?;
        let after = before.status.after(step).map_err(|why| StoreError::ComplaintStep(why.to_string()))?;
        let mut active: complaint::ActiveModel = row.into();
        match step {
            ComplaintStep::Assign => {
                active.assignee = Set(Some(note.to_string()));
                if before.assigned_at.is_none() {
                    active.assigned_at = Set(Some(now));
                }
            }
            ComplaintStep::Respond => {
                active.response = Set(Some(note.to_string()));
                active.responded_at = Set(Some(now));
            }
            ComplaintStep::Close => active.closed_at = Set(Some(now)),
            ComplaintStep::Forward => active.external_ref = Set(Some(note.to_string())),
        }
        active.status = Set(after.code().to_string());
        active.updated_at = Set(now);
        // Only if nobody changed it meanwhile: the status read is the status written over.
        let updated = complaint::Entity::update_many()
            .set(active)
            .filter(complaint::Column::Id.eq(id))
            .filter(complaint::Column::Status.eq(before.status.code()))
            .filter(complaint::Column::UpdatedAt.eq(read_at))
            .exec(&txn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(StoreError::ComplaintStep(String::from("pengaduan baru saja diubah petugas lain; muat ulang")));
        }
        event(scope, id, step_code(step), actor, Some(note.to_string()), now).insert(&txn).await?;
        txn.commit().await?;
        self.complaint(scope, id).await
    }
}

fn event(
    scope: &TenantScope,
    complaint: Uuid,
    step: &str,
    actor: &str,
    note: Option<String>,
    at: DateTime<Utc>,
) -> complaint_event::ActiveModel {
    complaint_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(scope.tenant_id().to_string()),
        complaint_id: Set(complaint),
        step: Set(step.to_string()),
        actor: Set(actor.to_string()),
        note: Set(note),
        at: Set(at),
    }
}

impl Store {
    /// The tracking codes of the office's applications `ids`, in one query (a list of complaints names theirs).
    pub async fn tracking_codes(
        &self,
        scope: &TenantScope,
        ids: &[Uuid],
    ) -> StoreResult<std::collections::HashMap<Uuid, String>> {
        use crate::entities::application;
        if ids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let rows: Vec<(Uuid, String)> = application::Entity::find()
            .select_only()
            .columns([application::Column::Id, application::Column::TrackingCode])
            .filter(application::Column::TenantId.eq(scope.tenant_id()))
            .filter(application::Column::Id.is_in(ids.to_vec()))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// The id of the office's application with `tracking_code` (as printed, any case), for
    /// linking a complaint to it; `None` when the office has none such.
    pub async fn application_by_code(&self, scope: &TenantScope, tracking_code: &str) -> StoreResult<Option<Uuid>> {
        Ok(crate::entities::application::Entity::find()
            .filter(crate::entities::application::Column::TenantId.eq(scope.tenant_id()))
            .filter(crate::entities::application::Column::TrackingCode.eq(tracking_code.trim().to_uppercase()))
            .one(&self.db)
            .await?
            .map(|a| a.id))
    }
}
