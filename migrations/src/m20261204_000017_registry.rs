//! Registry data: each upload of an office's registry export (DTSEN from SIKS-NG, PBI status from E-Dabu) as a
//! dated snapshot with its counts and rejected rows, the snapshot's people, and one row per recorded set of
//! registry facts (for the share of verifications that used registry data).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RegistrySnapshots {
    Table,
    Id,
    TenantId,
    Source,
    AsOf,
    FileName,
    ImportedBy,
    ImportedAt,
    Status,
    ReplacedAt,
    PurgedAt,
    RowsRead,
    People,
    Households,
    Rejected,
    Rejections,
}

#[derive(DeriveIden)]
enum RegistryPeople {
    Table,
    TenantId,
    SnapshotId,
    Line,
    Nik,
    NoKk,
    Nama,
    Desil,
    Segmen,
    Active,
}

#[derive(DeriveIden)]
enum FactChecks {
    Table,
    Id,
    TenantId,
    ApplicationId,
    ServiceCode,
    At,
    Facts,
    FromRegistry,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RegistrySnapshots::Table)
                .col(pk_uuid(RegistrySnapshots::Id))
                .col(string(RegistrySnapshots::TenantId))
                .col(string(RegistrySnapshots::Source))
                .col(date(RegistrySnapshots::AsOf))
                .col(string(RegistrySnapshots::FileName))
                .col(string(RegistrySnapshots::ImportedBy))
                .col(timestamp_with_time_zone(RegistrySnapshots::ImportedAt))
                .col(string(RegistrySnapshots::Status))
                .col(timestamp_with_time_zone_null(RegistrySnapshots::ReplacedAt))
                .col(timestamp_with_time_zone_null(RegistrySnapshots::PurgedAt))
                .col(big_integer(RegistrySnapshots::RowsRead))
                .col(big_integer(RegistrySnapshots::People))
                .col(big_integer(RegistrySnapshots::Households))
                .col(big_integer(RegistrySnapshots::Rejected))
                .col(text(RegistrySnapshots::Rejections))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "registry_snapshots_list",
            RegistrySnapshots::Table,
            cols([
                RegistrySnapshots::TenantId.into_iden(),
                RegistrySnapshots::Source.into_iden(),
                RegistrySnapshots::ImportedAt.into_iden(),
            ]),
            false,
        )
        .await?;
        // One snapshot in force per office and registry, whatever two imports finishing at once do.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX registry_snapshots_in_force ON registry_snapshots (tenant_id, source) \
                 WHERE status = 'in_force'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(RegistryPeople::Table)
                .col(string(RegistryPeople::TenantId))
                .col(uuid(RegistryPeople::SnapshotId))
                .col(big_integer(RegistryPeople::Line))
                .col(string(RegistryPeople::Nik))
                .col(string_null(RegistryPeople::NoKk))
                .col(string_null(RegistryPeople::Nama))
                .col(small_integer_null(RegistryPeople::Desil))
                .col(string_null(RegistryPeople::Segmen))
                .col(boolean(RegistryPeople::Active))
                .primary_key(
                    Index::create()
                        .col(RegistryPeople::TenantId)
                        .col(RegistryPeople::SnapshotId)
                        .col(RegistryPeople::Line),
                )
                .to_owned(),
        )
        .await?;
        // Lookups: a person by NIK, a household by No. KK, always within the snapshot in force.
        for (name, col) in [("registry_people_nik", RegistryPeople::Nik), ("registry_people_kk", RegistryPeople::NoKk)]
        {
            index(
                m,
                name,
                RegistryPeople::Table,
                cols([RegistryPeople::TenantId.into_iden(), RegistryPeople::SnapshotId.into_iden(), col.into_iden()]),
                false,
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(FactChecks::Table)
                .col(pk_uuid(FactChecks::Id))
                .col(string(FactChecks::TenantId))
                .col(uuid(FactChecks::ApplicationId))
                .col(string(FactChecks::ServiceCode))
                .col(timestamp_with_time_zone(FactChecks::At))
                .col(integer(FactChecks::Facts))
                .col(integer(FactChecks::FromRegistry))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "fact_checks_period",
            FactChecks::Table,
            cols([FactChecks::TenantId.into_iden(), FactChecks::At.into_iden(), FactChecks::ServiceCode.into_iden()]),
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FactChecks::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(RegistryPeople::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(RegistrySnapshots::Table).to_owned()).await
    }
}
