//! Messages to applicants and village operators. The outbox dispatcher decides who is told of an event (the
//! office's channels, the form's contacts, the applicant's consent) and queues one message per event, channel
//! and recipient in the transaction that marks the event handed over — at least once, and never twice thanks to
//! the unique key. The sender works through what is due, renders each message when it sends it (so that a
//! letter's download link is fresh), and records every attempt and its consequence: sent, retried after a wait
//! that doubles, or given up. Officers see each message with its attempts; a failed one can be sent again.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::entities::{notification, notification_attempt, user};
use crate::error::{StoreError, StoreResult};
use crate::predicates::literal;
use crate::scope::{SystemAccess, TenantScope};

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum NotificationStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The mail server or gateway accepted it.
    Sent,
    /// Every attempt failed, or it could not be sent at all; an officer can send it again.
    Failed,
}

impl NotificationStatus {
    fn code(self) -> &'static str {
        match self {
            NotificationStatus::Pending => "pending",
            NotificationStatus::Sent => "sent",
            NotificationStatus::Failed => "failed",
        }
    }

    fn parse(code: &str) -> StoreResult<Self> {
        match code {
            "pending" => Ok(NotificationStatus::Pending),
            "sent" => Ok(NotificationStatus::Sent),
            "failed" => Ok(NotificationStatus::Failed),
            other => Err(StoreError::Corrupt(format!("notification status `{other}`"))),
        }
    }
}

/// Who a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum RecipientKind {
    /// The applicant, at a contact from the form, with their consent.
    Applicant,
    /// The village operator who submitted the application, at their account's contact.
    Operator,
}

impl RecipientKind {
    fn code(self) -> &'static str {
        match self {
            RecipientKind::Applicant => "applicant",
            RecipientKind::Operator => "operator",
        }
    }

    fn parse(code: &str) -> StoreResult<Self> {
        match code {
            "applicant" => Ok(RecipientKind::Applicant),
            "operator" => Ok(RecipientKind::Operator),
            other => Err(StoreError::Corrupt(format!("recipient kind `{other}`"))),
        }
    }
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// The tenant.
    pub tenant_id: String,
    /// The application.
    pub application_id: Uuid,
    /// The outbox row (event) it tells of.
    pub event_id: Uuid,
    /// The event's position in the application's history.
    pub event_seq: i64,
    /// The moment's code (`diterima`, …).
    pub moment: String,
    /// The channel's code (`email`, `whatsapp`, `sms`).
    pub channel: String,
    /// The address or number.
    pub recipient: String,
    /// Who it is for.
    pub recipient_kind: RecipientKind,
}

/// A queued or sent message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Its id.
    pub id: Uuid,
    /// The tenant.
    pub tenant_id: String,
    /// The application.
    pub application_id: Uuid,
    /// The event it tells of.
    pub event_id: Uuid,
    /// The event's position in the application's history.
    pub event_seq: i64,
    /// The moment's code.
    pub moment: String,
    /// The channel's code.
    pub channel: String,
    /// The address or number.
    pub recipient: String,
    /// Who it is for.
    pub recipient_kind: RecipientKind,
    /// Where it stands.
    pub status: NotificationStatus,
    /// Attempts so far.
    pub attempts: i32,
    /// When the next attempt is due (while pending).
    pub next_attempt_at: DateTime<Utc>,
    /// The last failure.
    pub last_error: Option<String>,
    /// The subject last sent (e-mail).
    pub subject: Option<String>,
    /// The text last sent.
    pub body: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was accepted.
    pub sent_at: Option<DateTime<Utc>>,
}

impl TryFrom<notification::Model> for Notification {
    type Error = StoreError;

    fn try_from(m: notification::Model) -> StoreResult<Self> {
        Ok(Notification {
            id: m.id,
            tenant_id: m.tenant_id,
            application_id: m.application_id,
            event_id: m.event_id,
            event_seq: m.event_seq,
            moment: m.moment,
            channel: m.channel,
            recipient: m.recipient,
            recipient_kind: RecipientKind::parse(&m.recipient_kind)?,
            status: NotificationStatus::parse(&m.status)?,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            subject: m.subject,
            body: m.body,
            created_at: m.created_at,
            sent_at: m.sent_at,
        })
    }
}

/// One attempt at sending a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationAttempt {
    /// 1 for the first.
    pub number: i32,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: i64,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// Whether the server or gateway accepted the message.
    pub succeeded: bool,
    /// What the server or gateway answered (its message id, say).
    pub reply: Option<String>,
}

impl From<notification_attempt::Model> for NotificationAttempt {
    fn from(m: notification_attempt::Model) -> Self {
        NotificationAttempt {
            number: m.number,
            started_at: m.started_at,
            duration_ms: m.duration_ms,
            error: m.error,
            succeeded: m.succeeded,
            reply: m.reply,
        }
    }
}

/// The result of one attempt, as the sender reports it.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: i64,
    /// The subject sent, for e-mail.
    pub subject: Option<String>,
    /// The text sent, once rendered.
    pub body: Option<String>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// What the server or gateway answered.
    pub reply: Option<String>,
    /// For a failure: when to try again, or `None` to give up.
    pub retry_at: Option<DateTime<Utc>>,
}

/// A user account's contact, where a village operator's copies go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone (WhatsApp, SMS) number.
    pub phone: Option<String>,
}

const NOT_FOUND: StoreError = StoreError::NotFound { what: "pemberitahuan" };

/// Queues `messages` in `txn`; a message already queued for the same event, channel and recipient is left alone.
pub(crate) async fn queue(
    txn: &DatabaseTransaction,
    messages: &[NewNotification],
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    use notification::Column as N;
    let mut queued = 0;
    for m in messages {
        let insert = Query::insert()
            .into_table(notification::Entity)
            .columns([
                N::Id,
                N::TenantId,
                N::ApplicationId,
                N::EventId,
                N::EventSeq,
                N::Moment,
                N::Channel,
                N::Recipient,
                N::RecipientKind,
                N::Status,
                N::Attempts,
                N::NextAttemptAt,
                N::CreatedAt,
            ])
            .values([
                Uuid::now_v7().into(),
                m.tenant_id.as_str().into(),
                m.application_id.into(),
                m.event_id.into(),
                m.event_seq.into(),
                m.moment.as_str().into(),
                m.channel.as_str().into(),
                m.recipient.as_str().into(),
                m.recipient_kind.code().into(),
                NotificationStatus::Pending.code().into(),
                0.into(),
                now.into(),
                now.into(),
            ])
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            // Queued already (the unique `notifications_once`): nothing. No target columns, because the index holds
            // `tenant_id` on PostgreSQL (for Citus) and not on SQLite.
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .to_owned();
        queued += txn.execute(&insert).await?.rows_affected();
    }
    Ok(queued)
}

impl Store {
    /// Messages due at `now` that are at the head of their queue — no earlier event of the same application is
    /// still pending for the same channel and recipient, so that "diterima" never arrives after "selesai" — most
    /// overdue first. With `since`, only those that fell due since then (see [`crate::polls::Sweeps`]); without,
    /// all of them.
    pub async fn due_notifications(
        &self,
        _system: &SystemAccess,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        limit: u64,
    ) -> StoreResult<Vec<Notification>> {
        due_query(now, since, limit).all(&self.db).await?.into_iter().map(Notification::try_from).collect()
    }

    /// Records an attempt and its consequence, in one transaction.
    pub async fn record_notification_attempt(
        &self,
        _system: &SystemAccess,
        id: Uuid,
        outcome: &SendOutcome,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        let Some(row) = notification::Entity::find_by_id(id).one(&txn).await? else { return Ok(()) };
        let number = row.attempts + 1;
        notification_attempt::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(row.tenant_id.clone()),
            notification_id: Set(row.id),
            number: Set(number),
            started_at: Set(outcome.started_at),
            duration_ms: Set(outcome.duration_ms),
            error: Set(outcome.error.clone()),
            succeeded: Set(outcome.error.is_none()),
            reply: Set(outcome.reply.clone()),
        }
        .insert(&txn)
        .await?;
        let mut active: notification::ActiveModel = row.into();
        active.attempts = Set(number);
        active.last_error = Set(outcome.error.clone());
        if outcome.body.is_some() {
            active.subject = Set(outcome.subject.clone());
            active.body = Set(outcome.body.clone());
        }
        let status = match (&outcome.error, outcome.retry_at) {
            (None, _) => {
                active.sent_at = Set(Some(outcome.started_at));
                NotificationStatus::Sent
            }
            (Some(_), Some(at)) => {
                active.next_attempt_at = Set(at);
                NotificationStatus::Pending
            }
            (Some(_), None) => NotificationStatus::Failed,
        };
        active.status = Set(status.code().to_string());
        active.update(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The messages of one application, oldest first.
    pub async fn notifications_of(&self, scope: &TenantScope, application: Uuid) -> StoreResult<Vec<Notification>> {
        notification::Entity::find()
            .filter(notification::Column::TenantId.eq(scope.tenant_id()))
            .filter(notification::Column::ApplicationId.eq(application))
            .order_by_asc(notification::Column::EventSeq)
            .order_by_asc(notification::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Notification::try_from)
            .collect()
    }

    /// One message of the tenant.
    pub async fn notification(&self, scope: &TenantScope, id: Uuid) -> StoreResult<Notification> {
        notification::Entity::find_by_id(id)
            .filter(notification::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .ok_or(NOT_FOUND)?
            .try_into()
    }

    /// The attempts at a message, first first.
    pub async fn notification_attempts(&self, scope: &TenantScope, id: Uuid) -> StoreResult<Vec<NotificationAttempt>> {
        let rows = notification_attempt::Entity::find()
            .filter(notification_attempt::Column::TenantId.eq(scope.tenant_id()))
            .filter(notification_attempt::Column::NotificationId.eq(id))
            .order_by_asc(notification_attempt::Column::Number)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Sends a message again, whatever became of it: pending and due now. Audited.
    pub async fn resend_notification(
        &self,
        scope: &TenantScope,
        id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Notification> {
        let before = self.notification(scope, id).await?;
        let txn = self.db.begin().await?;
        notification::Entity::update_many()
            .col_expr(notification::Column::Status, NotificationStatus::Pending.code().into())
            .col_expr(notification::Column::NextAttemptAt, now.into())
            .filter(notification::Column::Id.eq(id))
            .filter(notification::Column::TenantId.eq(scope.tenant_id()))
            .exec(&txn)
            .await?;
        let detail = format!("pemberitahuan {} lewat {} dikirim ulang", before.moment, before.channel);
        crate::audit::row(
            scope,
            actor,
            crate::audit::action::RESEND_NOTIFICATION,
            &before.application_id.to_string(),
            &detail,
            now,
        )
        .insert(&txn)
        .await?;
        txn.commit().await?;
        self.notification(scope, id).await
    }

    /// The contact of the account with id `user_id`, where its holder's copies of messages go; `None` for an
    /// actor that is not a user account (an API key) or has no contact.
    pub async fn contact_of(&self, _system: &SystemAccess, user_id: &str) -> StoreResult<Option<Contact>> {
        let Ok(id) = Uuid::parse_str(user_id) else { return Ok(None) };
        Ok(user::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(|u| Contact { email: u.email, phone: u.phone })
            .filter(|c| c.email.is_some() || c.phone.is_some()))
    }
}

/// The sender's poll: it reads the partial indexes `notifications_pending` (what is due) and
/// `notifications_pending_queue` (whether an earlier message waits ahead), which hold the pending rows only.
pub(crate) fn due_query(
    now: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
    limit: u64,
) -> sea_orm::Select<notification::Entity> {
    use notification::Column as N;
    let earlier = Alias::new("earlier");
    let this = notification::Entity;
    let ahead = Query::select()
        .expr(Expr::val(1))
        .from_as(notification::Entity, earlier.clone())
        .and_where(Expr::col((earlier.clone(), N::ApplicationId)).equals((this, N::ApplicationId)))
        .and_where(Expr::col((earlier.clone(), N::Channel)).equals((this, N::Channel)))
        .and_where(Expr::col((earlier.clone(), N::Recipient)).equals((this, N::Recipient)))
        .and_where(Expr::col((earlier.clone(), N::Status)).eq(literal(NotificationStatus::Pending.code())))
        .and_where(Expr::col((earlier, N::EventSeq)).lt(Expr::col((this, N::EventSeq))))
        .to_owned();
    let mut query = notification::Entity::find()
        .filter(Expr::col(N::Status).eq(literal(NotificationStatus::Pending.code())))
        .filter(N::NextAttemptAt.lte(now));
    if let Some(since) = since {
        query = query.filter(N::NextAttemptAt.gte(since));
    }
    query.filter(Expr::exists(ahead).not()).order_by_asc(N::NextAttemptAt).limit(limit)
}
