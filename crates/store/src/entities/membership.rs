//! The `memberships` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub tenant_id: Option<String>,
    pub province_code: Option<String>,
    pub role: String,
    /// The kecamatan or desa/kelurahan the membership is limited to; none for the whole office.
    pub area: Option<String>,
    pub created_at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by tenant and id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
