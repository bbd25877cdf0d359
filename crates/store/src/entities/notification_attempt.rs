//! The `notification_attempts` table: every attempt at sending a message, with what the server or gateway said.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub notification_id: Uuid,
    pub number: i32,
    pub started_at: DateTimeUtc,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub succeeded: bool,
    pub reply: Option<String>,
}

/// The table has no relations the store navigates; queries filter by notification.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
