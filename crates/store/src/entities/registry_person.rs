//! The `registry_people` table: one person of a registry snapshot.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub snapshot_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub line: i64,
    pub nik: String,
    pub no_kk: Option<String>,
    pub nama: Option<String>,
    pub desil: Option<i16>,
    pub segmen: Option<String>,
    pub active: bool,
}

/// The table has no relations the store navigates; lookups filter by tenant, snapshot and NIK or No. KK.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
