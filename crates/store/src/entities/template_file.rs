//! The `template_files` table: each saved version of an office's letter template or image.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "template_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub name: String,
    pub version: i32,
    /// The version in force (one per tenant and name).
    pub current: bool,
    pub content_hash: String,
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
