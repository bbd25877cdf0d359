//! What the verification page says of a letter beyond its number: the short code printed under the QR (typed at
//! `/v`, unique across the server because the page finds the letter by it alone), who signed it (their name and
//! title as printed, kept as they were that day even when the office file changes later), and whether it was
//! revoked — when, why and by whom.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Letters {
    Table,
    ShortCode,
    SignerName,
    SignerTitle,
    RevokedAt,
    RevokedReason,
    RevokedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            text_null(Letters::ShortCode),
            text_null(Letters::SignerName),
            text_null(Letters::SignerTitle),
            timestamp_with_time_zone_null(Letters::RevokedAt),
            text_null(Letters::RevokedReason),
            text_null(Letters::RevokedBy),
        ] {
            let mut column = column;
            m.alter_table(Table::alter().table(Letters::Table).add_column(&mut column).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("letters_short_code")
                .table(Letters::Table)
                .col(Letters::ShortCode)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("letters_short_code").table(Letters::Table).to_owned()).await?;
        for column in [
            Letters::RevokedBy,
            Letters::RevokedReason,
            Letters::RevokedAt,
            Letters::SignerTitle,
            Letters::SignerName,
            Letters::ShortCode,
        ] {
            m.alter_table(Table::alter().table(Letters::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
