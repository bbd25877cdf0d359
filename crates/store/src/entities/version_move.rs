//! The `version_moves` table: dry runs of moving open applications to a newer definition version, and whether
//! (and by whom) each was applied.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "version_moves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub service_code: String,
    pub to_version_id: Uuid,
    pub to_version: i32,
    /// Old step code → new step code, JSON.
    #[sea_orm(column_type = "Text")]
    pub step_mapping: String,
    /// Values for fields the applications lack, JSON.
    #[sea_orm(column_type = "Text")]
    pub field_values: String,
    pub planned_by: String,
    pub planned_at: DateTimeUtc,
    pub applied_by: Option<String>,
    pub applied_at: Option<DateTimeUtc>,
    pub moved: Option<i32>,
}

/// The table has no relations the store navigates; queries filter by tenant and id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
