//! Areas below the office (UU 27/2022's purpose limitation): an application lies in the desa/kelurahan its form
//! names, and a membership can be limited to a kecamatan or desa (a village operator), so that queries filter by
//! area as they filter by tenant. API keys carry their area in their grant.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Applications {
    Table,
    TenantId,
    Area,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Area,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Applications::Table).add_column(string_null(Applications::Area)).to_owned())
            .await?;
        m.create_index(
            Index::create()
                .name("idx_applications_area")
                .table(Applications::Table)
                .col(Applications::TenantId)
                .col(Applications::Area)
                .to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(Memberships::Table).add_column(string_null(Memberships::Area)).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Memberships::Table).drop_column(Memberships::Area).to_owned()).await?;
        m.drop_index(Index::drop().name("idx_applications_area").table(Applications::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Applications::Table).drop_column(Applications::Area).to_owned()).await
    }
}
