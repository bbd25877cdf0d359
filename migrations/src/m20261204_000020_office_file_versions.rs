//! Versions of each office's file (`tenant.yaml`: letterhead, signatories, numbering, hours, days off, roles) as
//! its admins change it: who, when, and the whole text, so that any change can be read and compared.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OfficeFileVersions {
    Table,
    Id,
    TenantId,
    Version,
    ContentHash,
    SourceYaml,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OfficeFileVersions::Table)
                .col(pk_uuid(OfficeFileVersions::Id))
                .col(string(OfficeFileVersions::TenantId))
                .col(integer(OfficeFileVersions::Version))
                .col(string(OfficeFileVersions::ContentHash))
                .col(text(OfficeFileVersions::SourceYaml))
                .col(string(OfficeFileVersions::CreatedBy))
                .col(timestamp_with_time_zone(OfficeFileVersions::CreatedAt))
                .to_owned(),
        )
        .await?;
        // One row per version of an office: two admins saving at once cannot both make version n.
        index(
            m,
            "office_file_versions_number",
            OfficeFileVersions::Table,
            cols([OfficeFileVersions::TenantId.into_iden(), OfficeFileVersions::Version.into_iden()]),
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OfficeFileVersions::Table).to_owned()).await
    }
}
