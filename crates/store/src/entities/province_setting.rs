//! The `province_settings` table: what a province decides for all its offices.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "province_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    /// Whether publishing a service definition needs another admin's approval.
    pub four_eyes: bool,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by province.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
