//! Numbers of lists and recaps ("Daftar Usulan …", "Rekapitulasi …"): a list is a document the office sends out,
//! so it takes a number from its own series when its PDF for a period is first made, and keeps it — every later
//! copy of the same service, product and period carries the same number.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListNumbers {
    Table,
    Id,
    TenantId,
    Service,
    Product,
    PeriodFrom,
    PeriodTo,
    Series,
    Year,
    Seq,
    Number,
    IssuedAt,
    IssuedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ListNumbers::Table)
                .col(pk_uuid(ListNumbers::Id))
                .col(string(ListNumbers::TenantId))
                .col(string(ListNumbers::Service))
                .col(string(ListNumbers::Product))
                .col(date(ListNumbers::PeriodFrom))
                .col(date(ListNumbers::PeriodTo))
                .col(string(ListNumbers::Series))
                .col(integer(ListNumbers::Year))
                .col(big_integer(ListNumbers::Seq))
                .col(string(ListNumbers::Number))
                .col(timestamp_with_time_zone(ListNumbers::IssuedAt))
                .col(string(ListNumbers::IssuedBy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("list_numbers_period")
                .table(ListNumbers::Table)
                .col(ListNumbers::TenantId)
                .col(ListNumbers::Service)
                .col(ListNumbers::Product)
                .col(ListNumbers::PeriodFrom)
                .col(ListNumbers::PeriodTo)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ListNumbers::Table).to_owned()).await
    }
}
