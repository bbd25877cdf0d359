//! The `letters` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "letters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub application_id: Uuid,
    pub product: String,
    pub series: String,
    pub year: i32,
    pub seq: i64,
    pub number: String,
    pub issued_at: DateTimeUtc,
    pub sha256: Option<String>,
    pub storage_key: Option<String>,
    pub verification_code: Option<String>,
    pub size_bytes: Option<i64>,
    pub archive_attempts: i32,
    pub archive_retry_at: Option<DateTimeUtc>,
    pub short_code: Option<String>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_reason: Option<String>,
    pub revoked_by: Option<String>,
}

/// The table has no relations the store navigates; queries filter by tenant and id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
