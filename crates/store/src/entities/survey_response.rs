//! The `survey_responses` table: one satisfaction survey response per ended application.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_responses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    pub application_id: Uuid,
    pub service_code: String,
    pub answers: String,
    pub suggestion: Option<String>,
    pub submitted_at: DateTimeUtc,
}

/// The table has no relations the store navigates; queries filter by tenant, service and time.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
