//! The `list_numbers` table: the number each list or recap of a period was given.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_numbers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub service: String,
    pub product: String,
    pub period_from: Date,
    pub period_to: Date,
    pub series: String,
    pub year: i32,
    pub seq: i64,
    pub number: String,
    pub issued_at: DateTimeUtc,
    pub issued_by: String,
}

/// The table has no relations the store navigates; queries filter by tenant and period.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
