//! Letter numbers: gapless and unique per tenant, series and year, taken inside the signing transaction, and
//! formatted with the tenant's pattern (Permendagri 83/2022 classification, e.g. `400.9/{seq}/Dinsos/{bulan}/{tahun}`).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use simpul_engine::numbering::format_number;
use uuid::Uuid;

use crate::Store;
use crate::entities::{letter, letter_sequence, list_number};
use crate::error::{StoreError, StoreResult};
use crate::public_codes::{PublicCodeKind, claim, office_of_code};
use crate::scope::{SystemAccess, TenantScope};

/// An issued letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterRecord {
    /// Row id.
    pub id: Uuid,
    /// The tenant.
    pub tenant_id: String,
    /// The application.
    pub application_id: Uuid,
    /// The letter product.
    pub product: String,
    /// The numbering series.
    pub series: String,
    /// The year of the sequence.
    pub year: i32,
    /// The sequence number in the year.
    pub seq: i64,
    /// The formatted letter number.
    pub number: String,
    /// When it was signed.
    pub issued_at: DateTime<Utc>,
    /// SHA-256 of the archived PDF, once rendered.
    pub sha256: Option<String>,
    /// Where the archived PDF is.
    pub storage_key: Option<String>,
    /// The code of the QR on the letter.
    pub verification_code: Option<String>,
    /// Size of the archived PDF in bytes.
    pub size_bytes: Option<i64>,
    /// Failed attempts at archiving it so far.
    pub archive_attempts: i32,
    /// The short code printed under the QR, once archived.
    pub short_code: Option<String>,
    /// Who signed it, as printed: name and title.
    pub signer: Option<Signer>,
    /// Its revocation, if it was revoked.
    pub revoked: Option<Revocation>,
}

/// The official who signed a letter, as the letter prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Name (or the office file's placeholder).
    pub name: String,
    /// Title, with "a.n." and the principal's title for a delegate.
    pub title: String,
}

/// Why and when a letter stopped being valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// When.
    pub at: DateTime<Utc>,
    /// Why, as the office wrote it.
    pub reason: String,
    /// The user who revoked it.
    pub by: String,
}

/// The event name of a revoked letter, for subscribers and webhooks.
pub const LETTER_REVOKED: &str = "letter_revoked";

impl From<letter::Model> for LetterRecord {
    fn from(m: letter::Model) -> Self {
        LetterRecord {
            id: m.id,
            tenant_id: m.tenant_id,
            application_id: m.application_id,
            product: m.product,
            series: m.series,
            year: m.year,
            seq: m.seq,
            number: m.number,
            issued_at: m.issued_at,
            sha256: m.sha256,
            storage_key: m.storage_key,
            verification_code: m.verification_code,
            size_bytes: m.size_bytes,
            archive_attempts: m.archive_attempts,
            short_code: m.short_code,
            signer: m.signer_name.zip(m.signer_title).map(|(name, title)| Signer { name, title }),
            revoked: match (m.revoked_at, m.revoked_reason, m.revoked_by) {
                (Some(at), Some(reason), Some(by)) => Some(Revocation { at, reason, by }),
                _ => None,
            },
        }
    }
}

/// Takes the next number of a series in a year. Inside a transaction the row of the sequence stays locked until
/// commit, so concurrent signers wait for each other and a rolled-back signing gives its number back.
async fn next_seq<C: ConnectionTrait>(conn: &C, tenant: &str, series: &str, year: i32) -> StoreResult<i64> {
    use letter_sequence::Column;
    let stmt = Query::insert()
        .into_table(letter_sequence::Entity)
        .columns([Column::TenantId, Column::Series, Column::Year, Column::LastSeq])
        .values([tenant.into(), series.into(), year.into(), 1i64.into()])
        .map_err(|e| StoreError::Corrupt(e.to_string()))?
        .on_conflict(
            OnConflict::columns([Column::TenantId, Column::Series, Column::Year])
                .value(Column::LastSeq, Expr::col((letter_sequence::Entity, Column::LastSeq)).add(1))
                .to_owned(),
        )
        .returning_col(Column::LastSeq)
        .to_owned();
    let row = conn.query_one(&stmt).await?.ok_or_else(|| StoreError::Corrupt(String::from("no sequence returned")))?;
    Ok(row.try_get::<i64>("", "last_seq")?)
}

/// Numbers a letter in the signing transaction: its row, for the signing decision's batch to write with the rest.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn issue<C: ConnectionTrait>(
    conn: &C,
    scope: &TenantScope,
    application: Uuid,
    product: &str,
    series: &str,
    pattern: &str,
    at: DateTime<Utc>,
    local_date: NaiveDate,
) -> StoreResult<letter::Model> {
    let year = local_date.year();
    let seq = next_seq(conn, scope.tenant_id(), series, year).await?;
    Ok(letter::Model {
        id: Uuid::now_v7(),
        tenant_id: scope.tenant_id().to_string(),
        application_id: application,
        product: product.to_string(),
        series: series.to_string(),
        year,
        seq,
        number: format_number(pattern, seq, local_date),
        issued_at: at,
        sha256: None,
        storage_key: None,
        verification_code: None,
        size_bytes: None,
        archive_attempts: 0,
        archive_retry_at: None,
        short_code: None,
        signer_name: None,
        signer_title: None,
        revoked_at: None,
        revoked_reason: None,
        revoked_by: None,
    })
}

/// What a list or recap of a period is, for its number: which service's product, for which local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPeriod<'a> {
    pub service: &'a str,
    pub product: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Store {
    /// The number of a list or recap of a period: the one it was given when first made, else the next of
    /// `series` (formatted with `pattern` for `local_date`), recorded with who made it. Two officers making the
    /// same list at once get the same number: the loser of the race reads the winner's.
    #[allow(clippy::too_many_arguments)]
    pub async fn list_number(
        &self,
        scope: &TenantScope,
        list: ListPeriod<'_>,
        series: &str,
        pattern: &str,
        actor: &str,
        at: DateTime<Utc>,
        local_date: NaiveDate,
    ) -> StoreResult<String> {
        let existing = || async {
            list_number::Entity::find()
                .filter(list_number::Column::TenantId.eq(scope.tenant_id()))
                .filter(list_number::Column::Service.eq(list.service))
                .filter(list_number::Column::Product.eq(list.product))
                .filter(list_number::Column::PeriodFrom.eq(list.from))
                .filter(list_number::Column::PeriodTo.eq(list.to))
                .one(&self.db)
                .await
        };
        if let Some(row) = existing().await? {
            return Ok(row.number);
        }
        let txn = self.db.begin().await?;
        let year = local_date.year();
        let seq = next_seq(&txn, scope.tenant_id(), series, year).await?;
        let number = format_number(pattern, seq, local_date);
        let row = list_number::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(scope.tenant_id().to_string()),
            service: Set(list.service.to_string()),
            product: Set(list.product.to_string()),
            period_from: Set(list.from),
            period_to: Set(list.to),
            series: Set(series.to_string()),
            year: Set(year),
            seq: Set(seq),
            number: Set(number.clone()),
            issued_at: Set(at),
            issued_by: Set(actor.to_string()),
        };
        match row.insert(&txn).await {
            Ok(_) => {
                txn.commit().await?;
                Ok(number)
            }
            Err(error) => {
                // Most likely the same list numbered at the same moment: the sequence rolls back with this
                // transaction, and the number is the one that was committed.
                txn.rollback().await?;
                existing().await?.map(|row| row.number).ok_or_else(|| error.into())
            }
        }
    }

    /// The letters of an application.
    pub async fn letters_of(&self, scope: &TenantScope, application: Uuid) -> StoreResult<Vec<LetterRecord>> {
        self.letters_of_applications(scope, &[application]).await
    }

    /// The letters of several applications (the entries of a list), oldest first, in one query.
    pub async fn letters_of_applications(
        &self,
        scope: &TenantScope,
        applications: &[Uuid],
    ) -> StoreResult<Vec<LetterRecord>> {
        let rows = letter::Entity::find()
            .filter(letter::Column::TenantId.eq(scope.tenant_id()))
            .filter(letter::Column::ApplicationId.is_in(self.visible_ids(scope, applications).await?))
            .order_by_asc(letter::Column::IssuedAt)
            .all(self.lagging())
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// The letters of a series in a year, by number.
    pub async fn letters_in_series(
        &self,
        scope: &TenantScope,
        series: &str,
        year: i32,
    ) -> StoreResult<Vec<LetterRecord>> {
        let rows = letter::Entity::find()
            .filter(letter::Column::TenantId.eq(scope.tenant_id()))
            .filter(letter::Column::Series.eq(series))
            .filter(letter::Column::Year.eq(year))
            .order_by_asc(letter::Column::Seq)
            .all(self.lagging())
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// One letter of the tenant.
    pub async fn letter(&self, scope: &TenantScope, id: Uuid) -> StoreResult<LetterRecord> {
        let letter: LetterRecord = letter::Entity::find_by_id(id)
            .filter(letter::Column::TenantId.eq(scope.tenant_id()))
            .one(&self.db)
            .await?
            .map(Into::into)
            .ok_or(StoreError::NotFound { what: "surat" })?;
        self.visible_ids(scope, &[letter.application_id])
            .await?
            .first()
            .ok_or(StoreError::NotFound { what: "surat" })?;
        Ok(letter)
    }

    /// Records the archived PDF of a letter, its hash, size and verification code — once: when another process
    /// archived it first, nothing changes and the result is false.
    pub async fn archive_letter(&self, scope: &TenantScope, id: Uuid, archived: &ArchivedLetter) -> StoreResult<bool> {
        let txn = self.db.begin().await?;
        let updated = letter::Entity::update_many()
            .col_expr(letter::Column::Sha256, archived.sha256.as_str().into())
            .col_expr(letter::Column::StorageKey, archived.storage_key.as_str().into())
            .col_expr(letter::Column::SizeBytes, archived.size_bytes.into())
            .col_expr(letter::Column::VerificationCode, archived.verification_code.as_str().into())
            .col_expr(letter::Column::ShortCode, archived.short_code.as_str().into())
            .col_expr(letter::Column::SignerName, archived.signer.name.as_str().into())
            .col_expr(letter::Column::SignerTitle, archived.signer.title.as_str().into())
            .filter(letter::Column::Id.eq(id))
            .filter(letter::Column::TenantId.eq(scope.tenant_id()))
            .filter(letter::Column::Sha256.is_null())
            .exec(&txn)
            .await?;
        if updated.rows_affected != 1 {
            return Ok(false);
        }
        claim(PublicCodeKind::Letter, &archived.short_code, scope.tenant_id()).insert(&txn).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Signed letters whose PDF is not archived yet and whose next attempt is due at `now` (never tried, or their
    /// wait after a failure has passed), oldest first, across tenants: the archiver's work.
    pub async fn due_unarchived_letters(
        &self,
        _access: &SystemAccess,
        now: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<LetterRecord>> {
        let rows = unarchived_query(now, limit).all(&self.db).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Records a failed attempt at archiving a letter: it is tried again at `retry_at`. Returns how many attempts
    /// have failed.
    pub async fn letter_archive_failed(
        &self,
        _access: &SystemAccess,
        id: Uuid,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<i32> {
        letter::Entity::update_many()
            .col_expr(letter::Column::ArchiveAttempts, Expr::col(letter::Column::ArchiveAttempts).add(1))
            .col_expr(letter::Column::ArchiveRetryAt, retry_at.into())
            .filter(letter::Column::Id.eq(id))
            .filter(letter::Column::Sha256.is_null())
            .exec(&self.db)
            .await?;
        let row = letter::Entity::find_by_id(id).one(&self.db).await?;
        Ok(row.map_or(0, |r| r.archive_attempts))
    }

    /// The key-signed code of the letter a short code (as printed) belongs to, across tenants: the public
    /// verification page's lookup, which then checks that code as it checks one from a QR.
    pub async fn signed_code_by_short_code(&self, short_code: &str) -> StoreResult<Option<String>> {
        self.lookup(|db| async move {
            let Some(tenant) = office_of_code(db, PublicCodeKind::Letter, short_code).await? else { return Ok(None) };
            let row = letter::Entity::find()
                .filter(letter::Column::TenantId.eq(tenant))
                .filter(letter::Column::ShortCode.eq(short_code))
                .one(db)
                .await?;
            Ok(row.and_then(|r| r.verification_code))
        })
        .await
    }

    /// Revokes a signed letter: from now on its verification says "dicabut" with the date and `reason`. Written
    /// with its audit entry and its event (`letter_revoked`, for subscribers and webhooks) in one transaction.
    /// A letter revoked already is a conflict; nothing changes.
    pub async fn revoke_letter(
        &self,
        scope: &TenantScope,
        id: Uuid,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<LetterRecord> {
        let letter = self.letter(scope, id).await?;
        let application = self.application(scope, letter.application_id).await?;
        let txn = self.db.begin().await?;
        let updated = letter::Entity::update_many()
            .col_expr(letter::Column::RevokedAt, now.into())
            .col_expr(letter::Column::RevokedReason, reason.into())
            .col_expr(letter::Column::RevokedBy, actor.into())
            .filter(letter::Column::Id.eq(id))
            .filter(letter::Column::TenantId.eq(scope.tenant_id()))
            .filter(letter::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(StoreError::AlreadyRevoked { number: letter.number });
        }
        let detail = format!("Surat nomor {} dicabut: {reason}", letter.number);
        crate::audit::row(scope, actor, crate::audit::action::REVOKE_LETTER, &application.id.to_string(), &detail, now)
            .insert(&txn)
            .await?;
        let payload = serde_json::json!({ "letter_id": id, "number": letter.number, "reason": reason }).to_string();
        let version = i64::try_from(application.state.version).unwrap_or(i64::MAX);
        crate::outbox::row(scope, application.id, version, LETTER_REVOKED, application.state.step(), payload, now)
            .insert(&txn)
            .await?;
        txn.commit().await?;
        self.letter(scope, id).await
    }

    /// What the public verification page may show of a letter, found by its id alone (the code's signature is
    /// checked by the caller): the office, the letter, the product's name and the applicant's name.
    pub async fn verifiable_letter(&self, id: Uuid) -> StoreResult<Option<VerifiableLetter>> {
        let Some(row) = letter::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
        let scope = TenantScope::new(row.tenant_id.clone());
        let application = self.application(&scope, row.application_id).await?;
        let (service, runtime) = self.runtime_for(&scope, &application).await?;
        let product = service
            .definition()
            .produk
            .iter()
            .find(|p| p.code == row.product)
            .map_or_else(|| row.product.clone(), |p| p.name.clone());
        let applicant = simpul_engine::form::applicant_name(&application.state.data).map(String::from);
        Ok(Some(VerifiableLetter { office: runtime.tenant.name.clone(), product, applicant, letter: row.into() }))
    }
}

/// Where and what a letter's archived PDF is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedLetter {
    /// SHA-256, hex.
    pub sha256: String,
    /// Key in the object store.
    pub storage_key: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The key-signed code of the letter.
    pub verification_code: String,
    /// The short code printed under the QR, derived from `verification_code`.
    pub short_code: String,
    /// Who signed it, as printed.
    pub signer: Signer,
}

/// A letter as the public verification page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiableLetter {
    /// The office's name.
    pub office: String,
    /// The product's name (the subject of the letter).
    pub product: String,
    /// The applicant's name as submitted (the page masks it).
    pub applicant: Option<String>,
    /// The letter.
    pub letter: LetterRecord,
}

/// The archiver's poll: it reads the partial index `letters_unarchived`, which holds the unarchived letters only.
pub(crate) fn unarchived_query(now: DateTime<Utc>, limit: u64) -> sea_orm::Select<letter::Entity> {
    letter::Entity::find()
        .filter(letter::Column::Sha256.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(letter::Column::ArchiveRetryAt.is_null())
                .add(letter::Column::ArchiveRetryAt.lte(now)),
        )
        .order_by_asc(letter::Column::IssuedAt)
        .limit(limit)
}
