//! Messages to applicants through GraphQL: each application's messages with every attempt, for the officers who
//! answer "did they get it?", and sending one again.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use simpul_definitions::model::{Moment, NotifyChannel};
use simpul_store::notifications::{Notification, NotificationAttempt, NotificationStatus, RecipientKind};
use uuid::Uuid;

use super::{caller, shared};
use crate::error::{ApiError, ApiResult};

/// One message to one recipient.
#[derive(SimpleObject)]
pub struct NotificationView {
    pub id: ID,
    /// What it tells of.
    pub moment: Moment,
    /// … in words ("Permohonan diterima").
    pub moment_label: String,
    pub channel: NotifyChannel,
    /// The address or number; masked ("0812****7890") for roles that may not see personal data.
    pub recipient: String,
    pub recipient_kind: RecipientKind,
    pub status: NotificationStatus,
    /// The subject last sent (e-mail); for roles that may see personal data.
    pub subject: Option<String>,
    /// The text last sent; for roles that may see personal data (it names the applicant).
    pub text: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due, while it is pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Every attempt, first first.
    pub attempts: Vec<NotificationAttemptView>,
}

/// One attempt at sending a message.
#[derive(SimpleObject)]
pub struct NotificationAttemptView {
    pub number: i32,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub succeeded: bool,
    /// What went wrong.
    pub error: Option<String>,
    /// What the mail server or gateway answered.
    pub reply: Option<String>,
}

impl From<NotificationAttempt> for NotificationAttemptView {
    fn from(a: NotificationAttempt) -> Self {
        NotificationAttemptView {
            number: a.number,
            started_at: a.started_at,
            duration_ms: a.duration_ms,
            succeeded: a.succeeded,
            error: a.error,
            reply: a.reply,
        }
    }
}

/// `siti@contoh.id` as `si***@contoh.id`, `081234567890` as `0812****7890`: enough to tell which contact, not
/// enough to reach it.
pub fn mask_contact(contact: &str) -> String {
    if let Some((local, domain)) = contact.split_once('@') {
        let keep: String = local.chars().take(2).collect();
        return format!("{keep}***@{domain}");
    }
    let digits: Vec<char> = contact.chars().collect();
    if digits.len() <= 8 {
        return "*".repeat(digits.len());
    }
    let head: String = digits[..4].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(digits.len() - 8))
}

impl NotificationView {
    /// The view of a message with its attempts, for a caller who may (`personal`) or may not see personal data.
    pub fn new(n: Notification, attempts: Vec<NotificationAttempt>, personal: bool) -> ApiResult<Self> {
        let moment = Moment::parse(&n.moment).ok_or_else(|| ApiError::Internal(format!("moment {}", n.moment)))?;
        let channel =
            NotifyChannel::parse(&n.channel).ok_or_else(|| ApiError::Internal(format!("channel {}", n.channel)))?;
        Ok(NotificationView {
            id: ID(n.id.to_string()),
            moment,
            moment_label: moment.label().to_string(),
            channel,
            recipient: if personal { n.recipient } else { mask_contact(&n.recipient) },
            recipient_kind: n.recipient_kind,
            status: n.status,
            subject: n.subject.filter(|_| personal),
            text: n.body.filter(|_| personal),
            last_error: n.last_error,
            created_at: n.created_at,
            next_attempt_at: (n.status == NotificationStatus::Pending).then_some(n.next_attempt_at),
            sent_at: n.sent_at,
            attempts: attempts.into_iter().map(Into::into).collect(),
        })
    }
}

/// Mutations on messages.
#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Sends a message again now (after the applicant changed phones, or a gateway was down for a day) —
    /// for an officer who can see its application. Audited.
    async fn resend_notification(
        &self,
        ctx: &Context<'_>,
        tenant: Option<String>,
        id: ID,
    ) -> ApiResult<NotificationView> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        caller.require_write()?;
        let scope = caller.scope(tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let id = Uuid::parse_str(&id).map_err(|_| ApiError::field("id", "ID pemberitahuan tidak valid"))?;
        let found = shared.store.notification(&scope, id).await?;
        // Only what the caller may see: an officer limited to an area cannot resend another area's messages.
        let record = shared.store.application(&scope, found.application_id).await?;
        let (_, runtime) = shared.store.runtime_for(&scope, &record).await?;
        let resent = shared.store.resend_notification(&scope, id, &actor.user_id, Utc::now()).await?;
        shared.notify_nudge.notify_one();
        let attempts = shared.store.notification_attempts(&scope, id).await?;
        NotificationView::new(resent, attempts, crate::caller::sees_personal_data(&runtime, &actor))
    }
}

#[cfg(test)]
mod tests {
    use super::mask_contact;

    #[test]
    fn contacts_are_masked_to_what_tells_them_apart() {
        assert_eq!(mask_contact("siti.aminah@contoh.id"), "si***@contoh.id");
        assert_eq!(mask_contact("081234567890"), "0812****7890");
        assert_eq!(mask_contact("0812345"), "*******");
    }
}
