//! Webhooks: the endpoints a tenant admin registers, one delivery per event and endpoint (the body as it was
//! first sent, so that a replay sends the same bytes), and every attempt at it. The outbox gains the step an
//! application is in after the event, so that a delivered event says where the application stands.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Step,
    DeliveredAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    TenantId,
    Url,
    Secret,
    Events,
    Description,
    Active,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    TenantId,
    WebhookId,
    EventId,
    ApplicationId,
    EventSeq,
    Kind,
    Body,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    TenantId,
    DeliveryId,
    Number,
    StartedAt,
    DurationMs,
    StatusCode,
    Error,
    Succeeded,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Outbox::Table).add_column(string_null(Outbox::Step)).to_owned()).await?;
        // Before this migration every event was told to subscribers by the request that committed it: nothing
        // is left for the dispatcher.
        m.exec_stmt(
            Query::update()
                .table(Outbox::Table)
                .value(Outbox::DeliveredAt, Expr::col(Outbox::CreatedAt))
                .and_where(Expr::col(Outbox::DeliveredAt).is_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Webhooks::Table)
                .col(pk_uuid(Webhooks::Id))
                .col(string(Webhooks::TenantId))
                .col(string(Webhooks::Url))
                .col(string(Webhooks::Secret))
                .col(text(Webhooks::Events))
                .col(string(Webhooks::Description))
                .col(boolean(Webhooks::Active))
                .col(string(Webhooks::CreatedBy))
                .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                .col(timestamp_with_time_zone(Webhooks::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(m, "webhooks_tenant", Webhooks::Table, cols([Webhooks::TenantId.into_iden()]), false).await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(pk_uuid(WebhookDeliveries::Id))
                .col(string(WebhookDeliveries::TenantId))
                .col(uuid(WebhookDeliveries::WebhookId))
                .col(uuid(WebhookDeliveries::EventId))
                .col(uuid(WebhookDeliveries::ApplicationId))
                .col(big_integer(WebhookDeliveries::EventSeq))
                .col(string(WebhookDeliveries::Kind))
                .col(text(WebhookDeliveries::Body))
                .col(string(WebhookDeliveries::Status))
                .col(integer(WebhookDeliveries::Attempts))
                .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                .col(text_null(WebhookDeliveries::LastError))
                .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                .col(timestamp_with_time_zone_null(WebhookDeliveries::DeliveredAt))
                .to_owned(),
        )
        .await?;
        use WebhookDeliveries as D;
        for (name, columns, unique) in [
            ("webhook_deliveries_event", vec![D::WebhookId.into_iden(), D::EventId.into_iden()], true),
            ("webhook_deliveries_due", vec![D::Status.into_iden(), D::NextAttemptAt.into_iden()], false),
            (
                "webhook_deliveries_queue",
                vec![D::WebhookId.into_iden(), D::ApplicationId.into_iden(), D::Status.into_iden()],
                false,
            ),
            (
                "webhook_deliveries_list",
                vec![D::TenantId.into_iden(), D::WebhookId.into_iden(), D::CreatedAt.into_iden()],
                false,
            ),
        ] {
            index(m, name, D::Table, columns, unique).await?;
        }
        m.create_table(
            Table::create()
                .table(WebhookAttempts::Table)
                .col(pk_uuid(WebhookAttempts::Id))
                .col(string(WebhookAttempts::TenantId))
                .col(uuid(WebhookAttempts::DeliveryId))
                .col(integer(WebhookAttempts::Number))
                .col(timestamp_with_time_zone(WebhookAttempts::StartedAt))
                .col(big_integer(WebhookAttempts::DurationMs))
                .col(integer_null(WebhookAttempts::StatusCode))
                .col(text_null(WebhookAttempts::Error))
                .col(boolean(WebhookAttempts::Succeeded))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "webhook_attempts_delivery",
            WebhookAttempts::Table,
            cols([WebhookAttempts::DeliveryId.into_iden(), WebhookAttempts::Number.into_iden()]),
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookAttempts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Webhooks::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Outbox::Table).drop_column(Outbox::Step).to_owned()).await
    }
}
