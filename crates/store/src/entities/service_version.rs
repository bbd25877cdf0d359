//! The `service_versions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub service_code: String,
    pub version: i32,
    pub content_hash: String,
    #[sea_orm(column_type = "Text")]
    pub source_yaml: String,
    pub status: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    /// When the version came (or, while scheduled, comes) into force.
    pub published_at: Option<DateTimeUtc>,
    pub retired_at: Option<DateTimeUtc>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_comment: Option<String>,
    pub published_by: Option<String>,
    /// The earlier version whose YAML a rollback republished.
    pub restored_from: Option<i32>,
}

/// The table has no relations the store navigates; queries filter by tenant and id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
