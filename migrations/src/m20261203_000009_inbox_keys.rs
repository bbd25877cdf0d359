//! The inbox without running the engine on every open application: each row keeps who may act on it now
//! (`inbox`: ` role:<code> … ` or ` user:<id> `, the engine's `inbox_tokens`), so that an inbox is one indexed
//! query of the tenant's open applications whose keys meet the officer's. Rows written before this migration
//! have none (NULL); the store computes them when it opens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Applications {
    Table,
    Inbox,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Applications::Table).add_column(text_null(Applications::Inbox)).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Applications::Table).drop_column(Applications::Inbox).to_owned()).await
    }
}
