//! Archiving signed letters as a job: a letter whose PDF could not be stored (the file store was down) is tried
//! again by the background archiver, with a wait that grows with each failed attempt. The letters table gains the
//! number of failed attempts and when the next one is due.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Letters {
    Table,
    ArchiveAttempts,
    ArchiveRetryAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        m.alter_table(
            Table::alter().table(Letters::Table).add_column(integer(Letters::ArchiveAttempts).default(0)).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Letters::Table)
                .add_column(timestamp_with_time_zone_null(Letters::ArchiveRetryAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Letters::Table).drop_column(Letters::ArchiveRetryAt).to_owned()).await?;
        m.alter_table(Table::alter().table(Letters::Table).drop_column(Letters::ArchiveAttempts).to_owned()).await
    }
}
