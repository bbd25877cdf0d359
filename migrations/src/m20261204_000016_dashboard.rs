//! What the office's dashboard counts, derived from each application's events as it is written: when it ended,
//! how, how many office minutes it took against the standard's time limit and whether in time; and a row per
//! step of each ended application with the office minutes spent there. Rows written before these columns existed
//! are measured by the store when it opens (`measured` false).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Applications {
    Table,
    TenantId,
    SubmittedAt,
    ServiceCode,
    EndedAt,
    EndStatus,
    TookMinutes,
    BudgetMinutes,
    OnTime,
    Measured,
}

#[derive(DeriveIden)]
enum StepTimes {
    Table,
    Id,
    TenantId,
    ApplicationId,
    ServiceCode,
    Step,
    Minutes,
    EndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let add = |column: ColumnDef| Table::alter().table(Applications::Table).add_column(column).to_owned();
        m.alter_table(add(timestamp_with_time_zone_null(Applications::EndedAt))).await?;
        m.alter_table(add(string_null(Applications::EndStatus))).await?;
        m.alter_table(add(big_integer_null(Applications::TookMinutes))).await?;
        m.alter_table(add(big_integer_null(Applications::BudgetMinutes))).await?;
        m.alter_table(add(boolean_null(Applications::OnTime))).await?;
        m.alter_table(add(boolean(Applications::Measured).default(false).to_owned())).await?;
        // Received per period, and open at a period's end (received before it minus ended before it): counted
        // from the index alone.
        index(
            m,
            "applications_received",
            Applications::Table,
            cols([
                Applications::TenantId.into_iden(),
                Applications::SubmittedAt.into_iden(),
                Applications::ServiceCode.into_iden(),
            ]),
            false,
        )
        .await?;
        // Ended per period, with what the dashboard reads of them.
        index(
            m,
            "applications_ended",
            Applications::Table,
            cols([
                Applications::TenantId.into_iden(),
                Applications::EndedAt.into_iden(),
                Applications::ServiceCode.into_iden(),
                Applications::EndStatus.into_iden(),
                Applications::TookMinutes.into_iden(),
                Applications::OnTime.into_iden(),
            ]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StepTimes::Table)
                .col(pk_uuid(StepTimes::Id))
                .col(string(StepTimes::TenantId))
                .col(uuid(StepTimes::ApplicationId))
                .col(string(StepTimes::ServiceCode))
                .col(string(StepTimes::Step))
                .col(big_integer(StepTimes::Minutes))
                .col(timestamp_with_time_zone(StepTimes::EndedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "step_times_period",
            StepTimes::Table,
            cols([
                StepTimes::TenantId.into_iden(),
                StepTimes::EndedAt.into_iden(),
                StepTimes::ServiceCode.into_iden(),
                StepTimes::Step.into_iden(),
                StepTimes::Minutes.into_iden(),
            ]),
            false,
        )
        .await?;
        index(m, "step_times_application", StepTimes::Table, cols([StepTimes::ApplicationId.into_iden()]), false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StepTimes::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("applications_ended").table(Applications::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("applications_received").table(Applications::Table).to_owned()).await?;
        for column in [
            Applications::Measured,
            Applications::OnTime,
            Applications::BudgetMinutes,
            Applications::TookMinutes,
            Applications::EndStatus,
            Applications::EndedAt,
        ] {
            m.alter_table(Table::alter().table(Applications::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
