//! The `complaint_events` table: one step in a complaint's history.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub complaint_id: Uuid,
    pub step: String,
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by complaint.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
