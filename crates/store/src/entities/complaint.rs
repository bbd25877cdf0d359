//! The `complaints` table: one complaint (pengaduan) to an office.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub code: String,
    pub channel: String,
    pub complainant_name: String,
    pub contact: Option<String>,
    pub body: String,
    pub application_id: Option<Uuid>,
    pub status: String,
    pub assignee: Option<String>,
    pub received_by: String,
    pub received_at: DateTimeUtc,
    pub assign_due_at: DateTimeUtc,
    pub respond_due_at: DateTimeUtc,
    pub close_due_at: DateTimeUtc,
    pub assigned_at: Option<DateTimeUtc>,
    pub responded_at: Option<DateTimeUtc>,
    pub response: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub external_ref: Option<String>,
    pub updated_at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by tenant, status and code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
