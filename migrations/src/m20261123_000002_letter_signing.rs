//! Letter verification: each tenant's Ed25519 keys (generated on first use, rotatable, old ones kept so their
//! letters still verify) and each letter's verification code and PDF size, written once with its archived PDF.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    TenantId,
    KeyId,
    PublicKey,
    SecretKey,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Letters {
    Table,
    VerificationCode,
    SizeBytes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SigningKeys::Table)
                .col(string(SigningKeys::TenantId))
                .col(integer(SigningKeys::KeyId))
                .col(string(SigningKeys::PublicKey))
                .col(string(SigningKeys::SecretKey))
                .col(timestamp_with_time_zone(SigningKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(SigningKeys::RetiredAt))
                .primary_key(Index::create().col(SigningKeys::TenantId).col(SigningKeys::KeyId))
                .to_owned(),
        )
        .await?;
        // SQLite alters one column per statement.
        m.alter_table(
            Table::alter().table(Letters::Table).add_column(string_null(Letters::VerificationCode)).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(Letters::Table).add_column(big_integer_null(Letters::SizeBytes)).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Letters::Table).drop_column(Letters::SizeBytes).to_owned()).await?;
        m.alter_table(Table::alter().table(Letters::Table).drop_column(Letters::VerificationCode).to_owned()).await?;
        m.drop_table(Table::drop().table(SigningKeys::Table).to_owned()).await
    }
}
