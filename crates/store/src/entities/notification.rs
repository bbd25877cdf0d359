//! The `notifications` table: one message to one recipient by one channel for one event.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub application_id: Uuid,
    pub event_id: Uuid,
    pub event_seq: i64,
    pub moment: String,
    pub channel: String,
    pub recipient: String,
    pub recipient_kind: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

/// The table has no relations the store navigates; queries filter by tenant, application and status.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
