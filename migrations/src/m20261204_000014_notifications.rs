//! Messages to applicants and village operators (e-mail, WhatsApp, SMS): one row per event, channel and
//! recipient — unique, so that handing an outbox row over twice queues nothing twice — with every attempt kept
//! for the officers who answer "did they get the message?"; and the contact of a user account, to which the
//! village operator's copies go.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    TenantId,
    ApplicationId,
    EventId,
    EventSeq,
    Moment,
    Channel,
    Recipient,
    RecipientKind,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    Subject,
    Body,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum NotificationAttempts {
    Table,
    Id,
    TenantId,
    NotificationId,
    Number,
    StartedAt,
    DurationMs,
    Error,
    Succeeded,
    Reply,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Email,
    Phone,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(pk_uuid(Notifications::Id))
                .col(string(Notifications::TenantId))
                .col(uuid(Notifications::ApplicationId))
                .col(uuid(Notifications::EventId))
                .col(big_integer(Notifications::EventSeq))
                .col(string(Notifications::Moment))
                .col(string(Notifications::Channel))
                .col(string(Notifications::Recipient))
                .col(string(Notifications::RecipientKind))
                .col(string(Notifications::Status))
                .col(integer(Notifications::Attempts))
                .col(timestamp_with_time_zone(Notifications::NextAttemptAt))
                .col(text_null(Notifications::LastError))
                .col(text_null(Notifications::Subject))
                .col(text_null(Notifications::Body))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::SentAt))
                .to_owned(),
        )
        .await?;
        // One message per event, channel and recipient: the deduplication of at-least-once hand-over.
        index(
            m,
            "notifications_once",
            Notifications::Table,
            cols([
                Notifications::EventId.into_iden(),
                Notifications::Channel.into_iden(),
                Notifications::Recipient.into_iden(),
            ]),
            true,
        )
        .await?;
        // The sender's question: what is due now.
        index(
            m,
            "notifications_due",
            Notifications::Table,
            cols([Notifications::Status.into_iden(), Notifications::NextAttemptAt.into_iden()]),
            false,
        )
        .await?;
        index(
            m,
            "notifications_application",
            Notifications::Table,
            cols([Notifications::TenantId.into_iden(), Notifications::ApplicationId.into_iden()]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(NotificationAttempts::Table)
                .col(pk_uuid(NotificationAttempts::Id))
                .col(string(NotificationAttempts::TenantId))
                .col(uuid(NotificationAttempts::NotificationId))
                .col(integer(NotificationAttempts::Number))
                .col(timestamp_with_time_zone(NotificationAttempts::StartedAt))
                .col(big_integer(NotificationAttempts::DurationMs))
                .col(text_null(NotificationAttempts::Error))
                .col(boolean(NotificationAttempts::Succeeded))
                .col(text_null(NotificationAttempts::Reply))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "notification_attempts_notification",
            NotificationAttempts::Table,
            cols([NotificationAttempts::NotificationId.into_iden(), NotificationAttempts::Number.into_iden()]),
            true,
        )
        .await?;
        // SQLite adds one column per statement.
        m.alter_table(Table::alter().table(Users::Table).add_column(string_null(Users::Email)).to_owned()).await?;
        m.alter_table(Table::alter().table(Users::Table).add_column(string_null(Users::Phone)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::Phone).to_owned()).await?;
        m.alter_table(Table::alter().table(Users::Table).drop_column(Users::Email).to_owned()).await?;
        m.drop_table(Table::drop().table(NotificationAttempts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Notifications::Table).to_owned()).await
    }
}
