//! Complaints (pengaduan): each with the channel it came by, the complainant's name and contact, its text, the
//! application it is about (if any), its status with a deadline per step in working days, the answer, and a code
//! the complainant tracks it with; and its history, one row per step.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Complaints {
    Table,
    Id,
    TenantId,
    Code,
    Channel,
    ComplainantName,
    Contact,
    Body,
    ApplicationId,
    Status,
    Assignee,
    ReceivedBy,
    ReceivedAt,
    AssignDueAt,
    RespondDueAt,
    CloseDueAt,
    AssignedAt,
    RespondedAt,
    Response,
    ClosedAt,
    ExternalRef,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ComplaintEvents {
    Table,
    Id,
    TenantId,
    ComplaintId,
    Step,
    Actor,
    Note,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Complaints::Table)
                .col(pk_uuid(Complaints::Id))
                .col(string(Complaints::TenantId))
                .col(string(Complaints::Code))
                .col(string(Complaints::Channel))
                .col(string(Complaints::ComplainantName))
                .col(string_null(Complaints::Contact))
                .col(text(Complaints::Body))
                .col(uuid_null(Complaints::ApplicationId))
                .col(string(Complaints::Status))
                .col(string_null(Complaints::Assignee))
                .col(string(Complaints::ReceivedBy))
                .col(timestamp_with_time_zone(Complaints::ReceivedAt))
                .col(timestamp_with_time_zone(Complaints::AssignDueAt))
                .col(timestamp_with_time_zone(Complaints::RespondDueAt))
                .col(timestamp_with_time_zone(Complaints::CloseDueAt))
                .col(timestamp_with_time_zone_null(Complaints::AssignedAt))
                .col(timestamp_with_time_zone_null(Complaints::RespondedAt))
                .col(text_null(Complaints::Response))
                .col(timestamp_with_time_zone_null(Complaints::ClosedAt))
                .col(string_null(Complaints::ExternalRef))
                .col(timestamp_with_time_zone(Complaints::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // The complainant's code is unique across tenants: the public tracking page asks for the code alone.
        index(m, "complaints_code", Complaints::Table, cols([Complaints::Code.into_iden()]), true).await?;
        // The office's list: newest first, by status.
        index(
            m,
            "complaints_list",
            Complaints::Table,
            cols([
                Complaints::TenantId.into_iden(),
                Complaints::Status.into_iden(),
                Complaints::ReceivedAt.into_iden(),
            ]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ComplaintEvents::Table)
                .col(pk_uuid(ComplaintEvents::Id))
                .col(string(ComplaintEvents::TenantId))
                .col(uuid(ComplaintEvents::ComplaintId))
                .col(string(ComplaintEvents::Step))
                .col(string(ComplaintEvents::Actor))
                .col(text_null(ComplaintEvents::Note))
                .col(timestamp_with_time_zone(ComplaintEvents::At))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "complaint_events_complaint",
            ComplaintEvents::Table,
            cols([ComplaintEvents::ComplaintId.into_iden(), ComplaintEvents::At.into_iden()]),
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ComplaintEvents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Complaints::Table).to_owned()).await
    }
}
