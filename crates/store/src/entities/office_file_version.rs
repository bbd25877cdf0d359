//! The `office_file_versions` table: each saved version of an office's `tenant.yaml`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "office_file_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub version: i32,
    pub content_hash: String,
    #[sea_orm(column_type = "Text")]
    pub source_yaml: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
