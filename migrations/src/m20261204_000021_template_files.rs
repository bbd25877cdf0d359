//! Each office's letter templates and the images they show (the emblem), kept in the database so that admins
//! change them through the API: every saved version with who and when, the one in force marked `current`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{cols, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TemplateFiles {
    Table,
    Id,
    TenantId,
    Name,
    Version,
    Current,
    ContentHash,
    Content,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TemplateFiles::Table)
                .col(pk_uuid(TemplateFiles::Id))
                .col(string(TemplateFiles::TenantId))
                .col(string(TemplateFiles::Name))
                .col(integer(TemplateFiles::Version))
                .col(boolean(TemplateFiles::Current))
                .col(string(TemplateFiles::ContentHash))
                .col(blob(TemplateFiles::Content))
                .col(string(TemplateFiles::CreatedBy))
                .col(timestamp_with_time_zone(TemplateFiles::CreatedAt))
                .to_owned(),
        )
        .await?;
        // One row per version of a file: two admins saving at once cannot both make version n.
        index(
            m,
            "template_files_number",
            TemplateFiles::Table,
            cols([
                TemplateFiles::TenantId.into_iden(),
                TemplateFiles::Name.into_iden(),
                TemplateFiles::Version.into_iden(),
            ]),
            true,
        )
        .await?;
        // The renderer reads the files in force of one office.
        index(
            m,
            "template_files_current",
            TemplateFiles::Table,
            cols([TemplateFiles::TenantId.into_iden(), TemplateFiles::Current.into_iden()]),
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TemplateFiles::Table).to_owned()).await
    }
}
