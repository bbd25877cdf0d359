//! Finding an application by the NIK in its form, for roles with personal-data rights: each row keeps the
//! SHA-256 digests of its NIK fields (`nik_digests`), so that a search compares digests and the NIK itself is
//! never copied out of the state into a searchable column. Rows written before this migration get their digests
//! at their next change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Applications {
    Table,
    NikDigests,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Applications::Table).add_column(text(Applications::NikDigests).default("")).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Applications::Table).drop_column(Applications::NikDigests).to_owned()).await
    }
}
