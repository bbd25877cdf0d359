//! The `application_search` table: what an application is found by — its search text (tracking code, names) and
//! the digests of its NIKs — apart from its row, which every decision rewrites (see migration 25).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_search")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: String,
    /// The tracking code and the form's names, lower-cased, space-separated.
    #[sea_orm(column_type = "Text")]
    pub search: String,
    /// The SHA-256 digests of the form's NIK values, space-separated (a NIK search compares digests).
    #[sea_orm(column_type = "Text")]
    pub nik_digests: String,
}

/// The table has no relations the store navigates; lists select application ids from it.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
