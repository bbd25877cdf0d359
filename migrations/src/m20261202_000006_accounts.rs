//! Account administration by an office's admin: an API key remembers when it was last used (so that an admin can
//! tell a forgotten key from a working one before revoking it), and a user when their password was last set by
//! someone else (tokens issued before that are no longer accepted).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    CredentialsChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ApiKeys::Table)
                .add_column(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_with_time_zone_null(Users::CredentialsChangedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::CredentialsChangedAt).to_owned()).await?;
        m.alter_table(Table::alter().table(ApiKeys::Table).drop_column(ApiKeys::LastUsedAt).to_owned()).await
    }
}
