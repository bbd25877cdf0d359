//! The satisfaction survey (SKM/IKM, PermenPAN-RB 14/2017): one response per ended application, its nine answers
//! (1–4, U1 first, as nine digits) and an optional suggestion, by service and date, for the office's index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SurveyResponses {
    Table,
    Id,
    TenantId,
    ApplicationId,
    ServiceCode,
    Answers,
    Suggestion,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SurveyResponses::Table)
                .col(pk_uuid(SurveyResponses::Id))
                .col(string(SurveyResponses::TenantId))
                .col(uuid(SurveyResponses::ApplicationId))
                .col(string(SurveyResponses::ServiceCode))
                .col(string(SurveyResponses::Answers))
                .col(text_null(SurveyResponses::Suggestion))
                .col(timestamp_with_time_zone(SurveyResponses::SubmittedAt))
                .to_owned(),
        )
        .await?;
        // One response per application.
        m.create_index(
            Index::create()
                .name("survey_responses_application")
                .table(SurveyResponses::Table)
                .col(SurveyResponses::ApplicationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("survey_responses_period")
                .table(SurveyResponses::Table)
                .col(SurveyResponses::TenantId)
                .col(SurveyResponses::ServiceCode)
                .col(SurveyResponses::SubmittedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SurveyResponses::Table).to_owned()).await
    }
}
