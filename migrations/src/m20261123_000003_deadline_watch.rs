//! The deadline watcher: a lease so that one instance at a time watches, and the notices it gave, one per
//! application, deadline, kind and due time, so that no notice is given twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Leases {
    Table,
    Name,
    Holder,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum DeadlineNotices {
    Table,
    TenantId,
    ApplicationId,
    Deadline,
    Kind,
    DueAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Leases::Table)
                .col(string(Leases::Name).primary_key())
                .col(string(Leases::Holder))
                .col(timestamp_with_time_zone(Leases::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DeadlineNotices::Table)
                .col(string(DeadlineNotices::TenantId))
                .col(uuid(DeadlineNotices::ApplicationId))
                .col(string(DeadlineNotices::Deadline))
                .col(string(DeadlineNotices::Kind))
                .col(timestamp_with_time_zone(DeadlineNotices::DueAt))
                .col(timestamp_with_time_zone(DeadlineNotices::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(DeadlineNotices::TenantId)
                        .col(DeadlineNotices::ApplicationId)
                        .col(DeadlineNotices::Deadline)
                        .col(DeadlineNotices::Kind)
                        .col(DeadlineNotices::DueAt),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DeadlineNotices::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Leases::Table).to_owned()).await
    }
}
