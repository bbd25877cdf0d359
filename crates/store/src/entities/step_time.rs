//! The `step_times` table: the office minutes an ended application spent in one step.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "step_times")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub application_id: Uuid,
    pub service_code: String,
    pub step: String,
    pub minutes: i64,
    pub ended_at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by tenant and period.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
