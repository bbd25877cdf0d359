//! The `fact_checks` table: one recorded set of registry facts, with how many came from a registry.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fact_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub application_id: Uuid,
    pub service_code: String,
    pub at: DateTimeUtc,
    pub facts: i32,
    pub from_registry: i32,
}

/// The table has no relations the store navigates; the dashboard counts by tenant, period and service.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
