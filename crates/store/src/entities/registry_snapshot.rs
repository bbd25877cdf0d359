//! The `registry_snapshots` table: one upload of an office's registry export.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_snapshots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub source: String,
    pub as_of: Date,
    pub file_name: String,
    pub imported_by: String,
    pub imported_at: DateTimeUtc,
    pub status: String,
    pub replaced_at: Option<DateTimeUtc>,
    pub purged_at: Option<DateTimeUtc>,
    pub rows_read: i64,
    pub people: i64,
    pub households: i64,
    pub rejected: i64,
    pub rejections: String,
}

/// The table has no relations the store navigates; queries filter by tenant, registry and status.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
