//! Letters in the API: draft previews, lists and recaps of a period (PDF, CSV, XLSX), public verification of a
//! code, and key rotation for tenant admins.

use async_graphql::{Context, Enum, ID, Object, SimpleObject, Upload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use uuid::Uuid;

use super::admin::admin_scope;
use super::{caller, shared};
use crate::error::{ApiError, ApiResult};
use crate::letters::{self, Verification};

/// A generated file, inline.
#[derive(SimpleObject)]
pub struct FileOutput {
    pub filename: String,
    pub content_type: String,
    /// The bytes, base64.
    pub base64: String,
}

impl FileOutput {
    pub(super) fn new(filename: String, content_type: &str, bytes: &[u8]) -> Self {
        FileOutput { filename, content_type: content_type.to_string(), base64: STANDARD.encode(bytes) }
    }

    /// `table` as the spreadsheet `name.csv` or `name.xlsx`; `None` for PDF, which each caller renders its own
    /// way or refuses.
    pub(super) fn spreadsheet(
        name: &str,
        table: &simpul_letters::Table,
        format: ExportFormat,
    ) -> ApiResult<Option<Self>> {
        let internal = |e: simpul_letters::LettersError| ApiError::Internal(e.to_string());
        Ok(match format {
            ExportFormat::Csv => {
                Some(FileOutput::new(format!("{name}.csv"), "text/csv", &table.to_csv().map_err(internal)?))
            }
            ExportFormat::Xlsx => Some(FileOutput::new(
                format!("{name}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &table.to_xlsx().map_err(internal)?,
            )),
            ExportFormat::Pdf => None,
        })
    }
}

/// Formats a list can be exported in.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ExportFormat {
    Pdf,
    Csv,
    Xlsx,
}

/// What a draft letter is previewed as.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PreviewFormat {
    /// The PDF, as it would print.
    Pdf,
    /// One PNG image of its pages, for showing inline where a browser has no PDF viewer (phones).
    Png,
}

impl From<PreviewFormat> for letters::Output {
    fn from(format: PreviewFormat) -> Self {
        match format {
            PreviewFormat::Pdf => letters::Output::Pdf,
            PreviewFormat::Png => letters::Output::Png,
        }
    }
}

/// What the office says about a verification code.
#[derive(SimpleObject)]
pub struct LetterVerification {
    /// Whether the code belongs to a letter the office issued.
    pub valid: bool,
    /// A sentence for the person checking.
    pub message: String,
    pub office: Option<String>,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    /// What the letter is (the product's name).
    pub subject: Option<String>,
    /// The applicant's name, masked.
    pub masked_name: Option<String>,
    /// SHA-256 of the original PDF: a copy with another hash is not the original.
    pub sha256: Option<String>,
    /// The official who signed it, as printed.
    pub signer_name: Option<String>,
    /// Their title ("Sekretaris Dinas Sosial …, a.n. Kepala Dinas Sosial …").
    pub signer_title: Option<String>,
    /// Whether it is in force or was revoked; absent for a code the office did not issue.
    pub status: Option<LetterStatus>,
    /// When it was revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why, as the office wrote it.
    pub revocation_reason: Option<String>,
}

/// Whether a genuine letter is in force.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LetterStatus {
    /// Sah: issued and in force.
    Valid,
    /// Dicabut: issued, then revoked by the office.
    Revoked,
}

/// A file checked against a letter.
#[derive(SimpleObject)]
pub struct LetterFileCheck {
    /// The letter the code names.
    pub letter: LetterVerification,
    /// SHA-256 of the file given.
    pub file_sha256: String,
    /// Whether the file is the original PDF, byte for byte.
    pub original: bool,
    /// A sentence for the person checking.
    pub message: String,
}

impl From<Verification> for LetterVerification {
    fn from(v: Verification) -> Self {
        match v {
            Verification::Genuine(g) => LetterVerification {
                valid: true,
                message: match &g.revoked {
                    None => String::from("Surat ini diterbitkan oleh dinas yang tercantum dan masih berlaku (sah)."),
                    Some(r) => format!(
                        "Surat ini diterbitkan oleh dinas yang tercantum, tetapi telah DICABUT dan tidak berlaku \
                         lagi. Alasan: {}",
                        r.reason
                    ),
                },
                office: Some(g.office),
                number: Some(g.number),
                issued_on: Some(g.issued_on),
                subject: Some(g.subject),
                masked_name: Some(g.masked_name),
                sha256: g.sha256,
                signer_name: g.signer.as_ref().map(|s| s.name.clone()),
                signer_title: g.signer.map(|s| s.title),
                status: Some(if g.revoked.is_some() { LetterStatus::Revoked } else { LetterStatus::Valid }),
                revoked_at: g.revoked.as_ref().map(|r| r.at),
                revocation_reason: g.revoked.map(|r| r.reason),
            },
            Verification::Invalid => LetterVerification {
                valid: false,
                message: String::from(
                    "Kode verifikasi tidak dikenal: surat ini tidak diterbitkan dengan kode ini atau telah diubah.",
                ),
                office: None,
                number: None,
                issued_on: None,
                subject: None,
                masked_name: None,
                sha256: None,
                signer_name: None,
                signer_title: None,
                status: None,
                revoked_at: None,
                revocation_reason: None,
            },
        }
    }
}

/// The caller's office, the caller as its actor, and the application `application_id` names there.
async fn application_of_caller(
    ctx: &Context<'_>,
    application_id: &ID,
    tenant: Option<&str>,
) -> ApiResult<(simpul_store::TenantScope, simpul_engine::Actor, simpul_store::ApplicationRecord)> {
    let caller = caller(ctx)?;
    let scope = caller.scope(tenant)?;
    let id =
        Uuid::parse_str(application_id).map_err(|_| ApiError::field("applicationId", "ID permohonan tidak valid"))?;
    let application = shared(ctx)?.store.application(&scope, id).await?;
    let actor = caller.actor(&scope);
    Ok((scope, actor, application))
}

/// Letter queries.
#[derive(Default)]
pub struct LetterQuery;

#[Object]
impl LetterQuery {
    /// Checks the code of a letter's QR. Public: anyone holding a letter may ask.
    async fn verify_letter(&self, ctx: &Context<'_>, code: String) -> ApiResult<LetterVerification> {
        Ok(letters::verify_code(shared(ctx)?, &code).await?.into())
    }

    /// A draft of a letter product of an application, before signing: marked DRAFT, without number or QR; as
    /// its PDF, or as one PNG image of its pages (`format: PNG`) to show inline.
    async fn letter_preview(
        &self,
        ctx: &Context<'_>,
        application_id: ID,
        product: String,
        tenant: Option<String>,
        #[graphql(default_with = "PreviewFormat::Pdf")] format: PreviewFormat,
    ) -> ApiResult<FileOutput> {
        let (scope, actor, application) = application_of_caller(ctx, &application_id, tenant.as_deref()).await?;
        let bytes = letters::preview(shared(ctx)?, &scope, &actor, &application, &product, format.into()).await?;
        Ok(match format {
            PreviewFormat::Pdf => FileOutput::new(format!("draft-{product}.pdf"), "application/pdf", &bytes),
            PreviewFormat::Png => FileOutput::new(format!("draft-{product}.png"), "image/png", &bytes),
        })
    }

    /// The receipt (tanda terima) of an application as a PDF, to print or hand over at submission: the tracking
    /// code, what was received, the due time and a QR to the tracking page. For roles that may see personal data.
    async fn application_receipt(
        &self,
        ctx: &Context<'_>,
        application_id: ID,
        tenant: Option<String>,
    ) -> ApiResult<FileOutput> {
        let (scope, actor, application) = application_of_caller(ctx, &application_id, tenant.as_deref()).await?;
        let bytes = letters::receipt(shared(ctx)?, &scope, &actor, &application).await?;
        let name = format!("tanda-terima-{}.pdf", application.tracking_code);
        Ok(FileOutput::new(name, "application/pdf", &bytes))
    }

    /// A list or recap product for a period (dates inclusive, the office's local dates): the applications that
    /// ended with the product's outcomes, as the product's PDF table, or as CSV or XLSX.
    #[allow(clippy::too_many_arguments)]
    async fn product_export(
        &self,
        ctx: &Context<'_>,
        service: String,
        product: String,
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
        tenant: Option<String>,
    ) -> ApiResult<FileOutput> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        let scope = caller.scope(tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let period = crate::letters::Period { from, to };
        let export =
            letters::export(shared, &scope, &actor, &service, &product, period, format == ExportFormat::Pdf).await?;
        let name = format!("{product}-{from}-{to}");
        match (format, export.pdf) {
            (ExportFormat::Pdf, Some(pdf)) => Ok(FileOutput::new(format!("{name}.pdf"), "application/pdf", &pdf)),
            (ExportFormat::Pdf, None) => FileOutput::spreadsheet(&name, &export.table, ExportFormat::Csv)?
                .ok_or_else(|| ApiError::Internal(String::from("no CSV"))),
            (format, _) => FileOutput::spreadsheet(&name, &export.table, format)?
                .ok_or_else(|| ApiError::Internal(String::from("no spreadsheet"))),
        }
    }
}

/// Letter mutations.
#[derive(Default)]
pub struct LetterMutation;

#[Object]
impl LetterMutation {
    /// Checks a PDF someone holds against the letter its QR code names (a GraphQL multipart request, as the
    /// public verification page's form does): the letter as the office issued it, and whether the file is the
    /// original, byte for byte. Public. A mutation only because GraphQL uploads are mutations: it stores and
    /// changes nothing.
    async fn verify_letter_file(&self, ctx: &Context<'_>, code: String, file: Upload) -> ApiResult<LetterFileCheck> {
        use sha2::Digest;
        use tokio::io::AsyncReadExt;
        let letter: LetterVerification = letters::verify_code(shared(ctx)?, &code).await?.into();
        let value = file.value(ctx).map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
        let mut body = tokio::fs::File::from_std(value.content);
        let mut hasher = sha2::Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = body.read(&mut buffer).await.map_err(|_| ApiError::field("file", "Berkas tidak terbaca"))?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        let file_sha256 = hex::encode(hasher.finalize());
        let original = letter.valid && letter.sha256.as_deref() == Some(file_sha256.as_str());
        let message = match (letter.valid, original) {
            (false, _) => {
                String::from("Kode ini bukan kode surat yang diterbitkan dinas; berkas tidak dapat diperiksa.")
            }
            (true, true) => String::from("Berkas ini sama persis dengan surat asli yang diterbitkan dinas."),
            (true, false) => String::from(
                "Berkas ini BERBEDA dari surat asli yang diterbitkan dinas: mungkin diubah, atau hasil pindaian.",
            ),
        };
        Ok(LetterFileCheck { letter, file_sha256, original, message })
    }

    /// Revokes a signed letter (e.g. issued on false data, or replaced by a corrected one): its verification page
    /// and `verifyLetter` say "dicabut" with the date and `reason` from then on. For the official who signs the
    /// letter in their own name (the Kepala Dinas) and the office admin; audited, and sent to subscribers and
    /// webhooks as `LETTER_REVOKED`.
    async fn revoke_letter(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
        tenant: Option<String>,
    ) -> ApiResult<super::application::LetterView> {
        let shared = shared(ctx)?;
        let caller = caller(ctx)?;
        caller.require_write()?;
        let scope = caller.scope(tenant.as_deref())?;
        let actor = caller.actor(&scope);
        let letter = Uuid::parse_str(&id).map_err(|_| ApiError::field("id", "ID surat tidak valid"))?;
        let record = letters::revoke(shared, &scope, &actor, letter, &reason).await?;
        shared.outbox_nudge.notify_one();
        let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
        Ok(super::application::LetterView::new(record, scope, actor, runtime))
    }

    /// Starts a new letter-signing key for the tenant (e.g. when the old one may have leaked); letters signed
    /// with earlier keys still verify. Returns the new key's number.
    async fn rotate_signing_key(&self, ctx: &Context<'_>, tenant: Option<String>) -> ApiResult<i32> {
        let scope = admin_scope(ctx, tenant.as_deref()).await?;
        let key = shared(ctx)?.store.rotate_signing_key(&scope, simpul_letters::verify::generate_key()).await?;
        Ok(i32::from(key))
    }
}
