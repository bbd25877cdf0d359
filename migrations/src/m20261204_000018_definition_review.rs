//! Review of service-definition versions before they are published (four eyes): who submitted a draft, who
//! approved it or sent it back and why, the date a version comes into force (`published_at`, which may lie in the
//! future for a scheduled version), the version a rollback restored; and the provinces' choice whether publishing
//! needs that approval.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceVersions {
    Table,
    SubmittedBy,
    SubmittedAt,
    ReviewedBy,
    ReviewedAt,
    ReviewComment,
    PublishedBy,
    RestoredFrom,
}

#[derive(DeriveIden)]
enum ProvinceSettings {
    Table,
    ProvinceCode,
    FourEyes,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let add = |column: ColumnDef| Table::alter().table(ServiceVersions::Table).add_column(column).to_owned();
        m.alter_table(add(string_null(ServiceVersions::SubmittedBy))).await?;
        m.alter_table(add(timestamp_with_time_zone_null(ServiceVersions::SubmittedAt))).await?;
        m.alter_table(add(string_null(ServiceVersions::ReviewedBy))).await?;
        m.alter_table(add(timestamp_with_time_zone_null(ServiceVersions::ReviewedAt))).await?;
        m.alter_table(add(text_null(ServiceVersions::ReviewComment))).await?;
        m.alter_table(add(string_null(ServiceVersions::PublishedBy))).await?;
        m.alter_table(add(integer_null(ServiceVersions::RestoredFrom))).await?;
        // A reference table (one row per province, read by every office of it).
        m.create_table(
            Table::create()
                .table(ProvinceSettings::Table)
                .col(string(ProvinceSettings::ProvinceCode).primary_key())
                .col(boolean(ProvinceSettings::FourEyes))
                .col(string(ProvinceSettings::UpdatedBy))
                .col(timestamp_with_time_zone(ProvinceSettings::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProvinceSettings::Table).to_owned()).await?;
        for column in [
            ServiceVersions::RestoredFrom,
            ServiceVersions::PublishedBy,
            ServiceVersions::ReviewComment,
            ServiceVersions::ReviewedAt,
            ServiceVersions::ReviewedBy,
            ServiceVersions::SubmittedAt,
            ServiceVersions::SubmittedBy,
        ] {
            m.alter_table(Table::alter().table(ServiceVersions::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
