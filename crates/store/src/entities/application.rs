//! The `applications` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: String,
    #[sea_orm(unique)]
    pub tracking_code: String,
    pub service_code: String,
    pub service_version_id: Uuid,
    pub stage: String,
    pub step: Option<String>,
    pub outcome: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub state: String,
    pub service_due_at: Option<DateTimeUtc>,
    pub service_nearing_at: Option<DateTimeUtc>,
    pub step_due_at: Option<DateTimeUtc>,
    pub sort_due_at: DateTimeUtc,
    pub assignee: Option<String>,
    /// The desa/kelurahan code the form names, if any (queries of an area-limited scope filter by it).
    pub area: Option<String>,
    /// Who may act on it now, as the engine's inbox tokens (` role:verifikator `, ` user:<id> `), space-padded;
    /// NULL until computed for a row written before the column existed.
    #[sea_orm(column_type = "Text", nullable)]
    pub inbox: Option<String>,
    pub idempotency_key: Option<String>,
    pub submitted_by: String,
    pub submitted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
    /// What the dashboard counts, derived from the state (NULL while open): see `simpul_engine::timing`.
    pub ended_at: Option<DateTimeUtc>,
    pub end_status: Option<String>,
    pub took_minutes: Option<i64>,
    pub budget_minutes: Option<i64>,
    pub on_time: Option<bool>,
    /// Whether the columns above were computed (false for rows written before they existed).
    pub measured: bool,
}

/// The table has no relations the store navigates; queries filter by tenant and id.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
