//! Moves of open applications to a newer definition version: each dry run, kept so that nothing moves without
//! one (the move applies a dry run by its id, and records when and by whom).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VersionMoves {
    Table,
    Id,
    TenantId,
    ServiceCode,
    ToVersionId,
    ToVersion,
    StepMapping,
    FieldValues,
    PlannedBy,
    PlannedAt,
    AppliedBy,
    AppliedAt,
    Moved,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(VersionMoves::Table)
                .col(pk_uuid(VersionMoves::Id))
                .col(string(VersionMoves::TenantId))
                .col(string(VersionMoves::ServiceCode))
                .col(uuid(VersionMoves::ToVersionId))
                .col(integer(VersionMoves::ToVersion))
                .col(text(VersionMoves::StepMapping))
                .col(text(VersionMoves::FieldValues))
                .col(string(VersionMoves::PlannedBy))
                .col(timestamp_with_time_zone(VersionMoves::PlannedAt))
                .col(string_null(VersionMoves::AppliedBy))
                .col(timestamp_with_time_zone_null(VersionMoves::AppliedAt))
                .col(integer_null(VersionMoves::Moved))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "version_moves_service",
            VersionMoves::Table,
            cols([VersionMoves::TenantId.into_iden(), VersionMoves::ServiceCode.into_iden()]),
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(VersionMoves::Table).to_owned()).await
    }
}
