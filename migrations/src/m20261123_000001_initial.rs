//! The first schema: tenants and their people, definition versions, applications and their events, documents,
//! letters and their numbers, the outbox and the audit log. Every table that holds a tenant's data has
//! `tenant_id`, and every index that serves a tenant's queries starts with it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Name,
    ProvinceCode,
    RegionCode,
    TimeZone,
    CalendarCode,
    SourceYaml,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Calendars {
    Table,
    Code,
    SourceYaml,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    PasswordHash,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    UserId,
    TenantId,
    ProvinceCode,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    TenantId,
    Name,
    KeyPrefix,
    KeyHash,
    Scopes,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ServiceVersions {
    Table,
    Id,
    TenantId,
    ServiceCode,
    Version,
    ContentHash,
    SourceYaml,
    Status,
    CreatedBy,
    CreatedAt,
    PublishedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
    TenantId,
    TrackingCode,
    ServiceCode,
    ServiceVersionId,
    Stage,
    Step,
    Outcome,
    State,
    ServiceDueAt,
    ServiceNearingAt,
    StepDueAt,
    SortDueAt,
    Assignee,
    Search,
    IdempotencyKey,
    SubmittedBy,
    SubmittedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ApplicationEvents {
    Table,
    Id,
    TenantId,
    ApplicationId,
    Seq,
    Kind,
    Actor,
    At,
    Body,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    TenantId,
    ApplicationId,
    Requirement,
    StorageKey,
    Sha256,
    SizeBytes,
    ContentType,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Letters {
    Table,
    Id,
    TenantId,
    ApplicationId,
    Product,
    Series,
    Year,
    Seq,
    Number,
    IssuedAt,
    Sha256,
    StorageKey,
}

#[derive(DeriveIden)]
enum LetterSequences {
    Table,
    TenantId,
    Series,
    Year,
    LastSeq,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    TenantId,
    ApplicationId,
    EventSeq,
    Kind,
    Payload,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    TenantId,
    Actor,
    Action,
    Subject,
    Detail,
    At,
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    m.create_index(stmt).await
}

fn cols<const N: usize>(items: [DynIden; N]) -> Vec<DynIden> {
    items.into_iter().collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tenants::Table)
                .col(string(Tenants::Id).primary_key())
                .col(string(Tenants::Name))
                .col(string(Tenants::ProvinceCode))
                .col(string(Tenants::RegionCode))
                .col(string(Tenants::TimeZone))
                .col(string(Tenants::CalendarCode))
                .col(text(Tenants::SourceYaml))
                .col(timestamp_with_time_zone(Tenants::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Calendars::Table)
                .col(string(Calendars::Code).primary_key())
                .col(text(Calendars::SourceYaml))
                .col(timestamp_with_time_zone(Calendars::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(string_uniq(Users::Username))
                .col(string(Users::DisplayName))
                .col(string(Users::PasswordHash))
                .col(boolean(Users::Disabled).default(false))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(pk_uuid(Memberships::Id))
                .col(uuid(Memberships::UserId))
                .col(string_null(Memberships::TenantId))
                .col(string_null(Memberships::ProvinceCode))
                .col(string(Memberships::Role))
                .col(timestamp_with_time_zone(Memberships::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(m, "memberships_user", Memberships::Table, cols([Memberships::UserId.into_iden()]), false).await?;
        index(
            m,
            "memberships_tenant_role",
            Memberships::Table,
            cols([Memberships::TenantId.into_iden(), Memberships::Role.into_iden()]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(pk_uuid(ApiKeys::Id))
                .col(string(ApiKeys::TenantId))
                .col(string(ApiKeys::Name))
                .col(string_uniq(ApiKeys::KeyPrefix))
                .col(string(ApiKeys::KeyHash))
                .col(text(ApiKeys::Scopes))
                .col(string(ApiKeys::CreatedBy))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ServiceVersions::Table)
                .col(pk_uuid(ServiceVersions::Id))
                .col(string(ServiceVersions::TenantId))
                .col(string(ServiceVersions::ServiceCode))
                .col(integer(ServiceVersions::Version))
                .col(string(ServiceVersions::ContentHash))
                .col(text(ServiceVersions::SourceYaml))
                .col(string(ServiceVersions::Status))
                .col(string(ServiceVersions::CreatedBy))
                .col(timestamp_with_time_zone(ServiceVersions::CreatedAt))
                .col(timestamp_with_time_zone_null(ServiceVersions::PublishedAt))
                .col(timestamp_with_time_zone_null(ServiceVersions::RetiredAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "service_versions_unique",
            ServiceVersions::Table,
            cols([
                ServiceVersions::TenantId.into_iden(),
                ServiceVersions::ServiceCode.into_iden(),
                ServiceVersions::Version.into_iden(),
            ]),
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Applications::Table)
                .col(pk_uuid(Applications::Id))
                .col(string(Applications::TenantId))
                .col(string_uniq(Applications::TrackingCode))
                .col(string(Applications::ServiceCode))
                .col(uuid(Applications::ServiceVersionId))
                .col(string(Applications::Stage))
                .col(string_null(Applications::Step))
                .col(string_null(Applications::Outcome))
                .col(text(Applications::State))
                .col(timestamp_with_time_zone_null(Applications::ServiceDueAt))
                .col(timestamp_with_time_zone_null(Applications::ServiceNearingAt))
                .col(timestamp_with_time_zone_null(Applications::StepDueAt))
                .col(timestamp_with_time_zone(Applications::SortDueAt))
                .col(string_null(Applications::Assignee))
                .col(text(Applications::Search))
                .col(string_null(Applications::IdempotencyKey))
                .col(string(Applications::SubmittedBy))
                .col(timestamp_with_time_zone(Applications::SubmittedAt))
                .col(timestamp_with_time_zone(Applications::UpdatedAt))
                .col(big_integer(Applications::Version))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "applications_idempotency",
            Applications::Table,
            cols([Applications::TenantId.into_iden(), Applications::IdempotencyKey.into_iden()]),
            true,
        )
        .await?;
        index(
            m,
            "applications_queue",
            Applications::Table,
            cols([
                Applications::TenantId.into_iden(),
                Applications::Stage.into_iden(),
                Applications::SortDueAt.into_iden(),
                Applications::Id.into_iden(),
            ]),
            false,
        )
        .await?;
        index(
            m,
            "applications_due",
            Applications::Table,
            cols([
                Applications::TenantId.into_iden(),
                Applications::SortDueAt.into_iden(),
                Applications::Id.into_iden(),
            ]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApplicationEvents::Table)
                .col(pk_uuid(ApplicationEvents::Id))
                .col(string(ApplicationEvents::TenantId))
                .col(uuid(ApplicationEvents::ApplicationId))
                .col(big_integer(ApplicationEvents::Seq))
                .col(string(ApplicationEvents::Kind))
                .col(string(ApplicationEvents::Actor))
                .col(timestamp_with_time_zone(ApplicationEvents::At))
                .col(text(ApplicationEvents::Body))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "application_events_order",
            ApplicationEvents::Table,
            cols([ApplicationEvents::ApplicationId.into_iden(), ApplicationEvents::Seq.into_iden()]),
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Documents::Table)
                .col(pk_uuid(Documents::Id))
                .col(string(Documents::TenantId))
                .col(uuid(Documents::ApplicationId))
                .col(string(Documents::Requirement))
                .col(string(Documents::StorageKey))
                .col(string(Documents::Sha256))
                .col(big_integer(Documents::SizeBytes))
                .col(string(Documents::ContentType))
                .col(string(Documents::CreatedBy))
                .col(timestamp_with_time_zone(Documents::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "documents_application",
            Documents::Table,
            cols([Documents::TenantId.into_iden(), Documents::ApplicationId.into_iden()]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Letters::Table)
                .col(pk_uuid(Letters::Id))
                .col(string(Letters::TenantId))
                .col(uuid(Letters::ApplicationId))
                .col(string(Letters::Product))
                .col(string(Letters::Series))
                .col(integer(Letters::Year))
                .col(big_integer(Letters::Seq))
                .col(string(Letters::Number))
                .col(timestamp_with_time_zone(Letters::IssuedAt))
                .col(string_null(Letters::Sha256))
                .col(string_null(Letters::StorageKey))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "letters_number",
            Letters::Table,
            cols([
                Letters::TenantId.into_iden(),
                Letters::Series.into_iden(),
                Letters::Year.into_iden(),
                Letters::Seq.into_iden(),
            ]),
            true,
        )
        .await?;
        index(
            m,
            "letters_application",
            Letters::Table,
            cols([Letters::TenantId.into_iden(), Letters::ApplicationId.into_iden()]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LetterSequences::Table)
                .col(string(LetterSequences::TenantId))
                .col(string(LetterSequences::Series))
                .col(integer(LetterSequences::Year))
                .col(big_integer(LetterSequences::LastSeq))
                .primary_key(
                    Index::create()
                        .col(LetterSequences::TenantId)
                        .col(LetterSequences::Series)
                        .col(LetterSequences::Year),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(pk_uuid(Outbox::Id))
                .col(string(Outbox::TenantId))
                .col(uuid(Outbox::ApplicationId))
                .col(big_integer(Outbox::EventSeq))
                .col(string(Outbox::Kind))
                .col(text(Outbox::Payload))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone_null(Outbox::DeliveredAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "outbox_pending",
            Outbox::Table,
            cols([Outbox::DeliveredAt.into_iden(), Outbox::Id.into_iden()]),
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(pk_uuid(AuditLog::Id))
                .col(string(AuditLog::TenantId))
                .col(string(AuditLog::Actor))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::Subject))
                .col(text(AuditLog::Detail))
                .col(timestamp_with_time_zone(AuditLog::At))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "audit_log_subject",
            AuditLog::Table,
            cols([AuditLog::TenantId.into_iden(), AuditLog::Subject.into_iden()]),
            false,
        )
        .await?;
        Ok(())
    }
}
