//! Letters as the server issues them: when the signing step commits, the letter (numbered in that transaction)
//! is rendered once with the tenant's key-signed QR code, archived through the files layer with its SHA-256, and
//! from then on every reprint returns those stored bytes. Drafts render before signing, marked and unnumbered.
//! Rendering is CPU work and runs on the blocking pool.

use chrono::{DateTime, NaiveDate, Utc};
use simpul_definitions::model::{ProductKind, Signatory};
use simpul_engine::{Actor, EventKind};
use simpul_files::ObjectKey;
use simpul_letters::verify::{self, LetterClaims};
use simpul_letters::{Entry, EntryLetter, LetterContext, PeriodInfo, Table};
use simpul_store::letters::{ArchivedLetter, LetterRecord, ListPeriod, Revocation, Signer};
use simpul_store::{ApplicationRecord, TenantRuntime, TenantScope};
use uuid::Uuid;

use crate::Services;
use crate::caller::sees_personal_data;
use crate::error::{ApiError, ApiResult};

fn internal(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(error.to_string())
}

/// What a rendered letter is handed back as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The PDF, as archived and printed.
    Pdf,
    /// One PNG image of its pages, for a preview shown inline.
    Png,
}

/// Pixels per point of a PNG preview: A4 at 893 × 1263 pixels, the letter's 12 pt text at 18 pixels — readable
/// on an office PC's screen and a phone's, at about the weight of the PDF.
const PREVIEW_PIXELS_PER_PT: f32 = 1.5;

/// A file of the office not saved yet (a template or an image an admin is editing), rendered in place of the
/// saved one of its name.
pub struct DraftFile {
    /// The file it stands for.
    pub name: String,
    /// Its content.
    pub content: Vec<u8>,
}

/// Renders on the blocking pool, with the office's templates in force (and `draft` in place of its file).
#[allow(clippy::too_many_arguments)]
async fn render(
    shared: &Services,
    scope: &TenantScope,
    template: String,
    context: LetterContext,
    ident: String,
    date: NaiveDate,
    output: Output,
    draft: Option<DraftFile>,
) -> ApiResult<Vec<u8>> {
    let renderer = crate::templates::renderer_for(shared, scope).await?;
    let tenant = scope.tenant_id().to_string();
    // A draft's failure is the admin's text at fault: said as such, against the field they typed.
    let drafted = draft.is_some();
    tokio::task::spawn_blocking(move || {
        let rendered = match &draft {
            Some(d) => {
                let draft = simpul_letters::Draft { name: &d.name, content: &d.content };
                renderer.render_draft(&tenant, &template, draft, &context, &ident, date)?
            }
            None => renderer.render(&tenant, &template, &context, &ident, date)?,
        };
        match output {
            Output::Pdf => Ok(rendered.pdf),
            Output::Png => rendered.png(PREVIEW_PIXELS_PER_PT),
        }
    })
    .await
    .map_err(internal)?
    .map_err(|e| match &e {
        simpul_letters::LettersError::Template { .. } | simpul_letters::LettersError::Typst(_) if drafted => {
            ApiError::field("source", crate::templates::in_words(&e))
        }
        _ => internal(e),
    })
}

/// The recorded registry facts as templates read them (`fakta.dtsen_terdaftar`, `fakta.dtsen_desil`).
fn facts_for_letter(facts: &simpul_engine::Facts) -> std::collections::BTreeMap<String, serde_json::Value> {
    facts.iter().map(|(fact, value)| (fact.name().to_string(), serde_json::json!(value))).collect()
}

/// What each recorded fact rests on, as a letter states it (`dasar_fakta.dtsen_desil`); facts recorded before
/// provenance was have none.
fn fact_bases(sources: &simpul_engine::registry::FactSources) -> std::collections::BTreeMap<String, String> {
    sources.iter().map(|(fact, source)| (fact.name().to_string(), source.basis_words())).collect()
}

/// The signatory of a letter: the tenant's signatory for `product` whose role the signer held, else the first
/// one for it (validation makes sure every role that signs a letter has one).
async fn signatory<'a>(
    shared: &Services,
    scope: &TenantScope,
    runtime: &'a TenantRuntime,
    application: Uuid,
    product: &str,
) -> ApiResult<Option<&'a Signatory>> {
    let events = shared.store.application_events(scope, application).await?;
    let signer = events.iter().rev().find_map(|e| match &e.event.kind {
        EventKind::ActionTaken(taken) if taken.signed.as_deref() == Some(product) => Some(e.event.actor.clone()),
        _ => None,
    });
    let roles = match signer.as_deref().and_then(|s| Uuid::parse_str(s).ok()) {
        Some(user) => shared.store.roles_of(scope, user).await?,
        None => Default::default(),
    };
    Ok(signatory_of(runtime, product, |role| roles.contains(role)))
}

/// The signatory for `product` of the first role `held` accepts, else the first signatory for it.
fn signatory_of<'a>(
    runtime: &'a TenantRuntime,
    product: &str,
    held: impl Fn(&String) -> bool,
) -> Option<&'a Signatory> {
    let mut theirs = runtime.tenant.signatories.iter().filter(|s| s.signs(product));
    theirs.clone().find(|s| held(&s.role)).or_else(|| theirs.next())
}

/// Where the QR codes of a tenant's letters lead: the office's own public address when `tenant.yaml` names one
/// (`address.public_url`), else the server's.
pub fn public_address<'a>(shared: &'a Services, runtime: &'a TenantRuntime) -> &'a str {
    runtime.tenant.address.public_url.as_deref().map_or(shared.public_url.as_str(), |u| u.trim_end_matches('/'))
}

/// Renders and archives a signed letter, unless that happened already; returns the letter as stored.
pub async fn archive(shared: &Services, scope: &TenantScope, letter: LetterRecord) -> ApiResult<LetterRecord> {
    if letter.sha256.is_some() {
        return Ok(letter);
    }
    let application = shared.store.application(scope, letter.application_id).await?;
    let (service, runtime) = shared.store.runtime_for(scope, &application).await?;
    let definition = service.definition();
    let product = definition
        .produk
        .iter()
        .find(|p| p.code == letter.product)
        .ok_or_else(|| internal(format!("product {} missing", letter.product)))?;
    let date = runtime.calendar.local_date(letter.issued_at);
    let key = shared.store.signing_key(scope, verify::generate_key()).await?;
    let claims = LetterClaims {
        tenant: scope.tenant_id().to_string(),
        letter_id: letter.id,
        number: letter.number.clone(),
        issued_on: date,
    };
    let code = verify::sign(key.key_id, &key.secret, &claims);
    let signer = signatory(shared, scope, &runtime, application.id, &product.code).await?;
    let mut context = LetterContext::new(&runtime.tenant, definition, &product.code, signer, date).signed(
        &letter.number,
        public_address(shared, &runtime),
        &code,
    );
    context.data = application.state.data.clone();
    context.fakta = facts_for_letter(&application.state.facts);
    context.dasar_fakta = fact_bases(&application.state.fact_sources);
    context.centang = simpul_letters::checklist_by_step(&application.state.checklist);
    context.letter.tracking_code = application.tracking_code.clone();
    let pdf = render(shared, scope, product.template.clone(), context, letter.id.to_string(), date, Output::Pdf, None)
        .await?;
    // The same letter always gets the same key, so a render racing this one writes the same object.
    let object = ObjectKey::named(scope.tenant_id(), application.id, &format!("{}.pdf", letter.id))?;
    let stored = shared.files.put_bytes(object, &pdf, "application/pdf").await?;
    let signed_by = signer.map(|s| simpul_letters::SignatoryInfo::of(&runtime.tenant, s));
    let archived = ArchivedLetter {
        sha256: stored.sha256,
        storage_key: stored.key.to_string(),
        size_bytes: i64::try_from(stored.size).unwrap_or(i64::MAX),
        short_code: verify::short_code(&code),
        verification_code: code,
        signer: Signer {
            name: signed_by.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
            title: signed_by.as_ref().map(|s| s.described()).unwrap_or_default(),
        },
    };
    shared.store.archive_letter(scope, letter.id, &archived).await?;
    Ok(shared.store.letter(scope, letter.id).await?)
}

/// A draft of a letter product of an application before it is signed: marked DRAFT, without number or QR.
pub async fn preview(
    shared: &Services,
    scope: &TenantScope,
    actor: &Actor,
    application: &ApplicationRecord,
    product: &str,
    output: Output,
) -> ApiResult<Vec<u8>> {
    let (service, runtime) = shared.store.runtime_for(scope, application).await?;
    if !sees_personal_data(&runtime, actor) {
        return Err(ApiError::Forbidden(String::from(
            "Peran Anda tidak diizinkan melihat draf surat berisi data pribadi",
        )));
    }
    let definition = service.definition();
    let product = definition
        .produk
        .iter()
        .find(|p| p.code == product && p.kind == ProductKind::Letter)
        .ok_or_else(|| ApiError::field("product", format!("`{product}` bukan produk surat layanan ini")))?;
    let date = runtime.calendar.local_date(Utc::now());
    // The draft shows the block of whoever previews it when they sign it, else of the office's signer.
    let signer = signatory_of(&runtime, &product.code, |role| actor.roles.contains(role));
    let mut context = LetterContext::new(&runtime.tenant, definition, &product.code, signer, date);
    context.data = application.state.data.clone();
    context.fakta = facts_for_letter(&application.state.facts);
    context.dasar_fakta = fact_bases(&application.state.fact_sources);
    context.centang = simpul_letters::checklist_by_step(&application.state.checklist);
    context.letter.tracking_code = application.tracking_code.clone();
    render(shared, scope, product.template.clone(), context, format!("draft-{}", application.id), date, output, None)
        .await
}

/// A product of a definition (a draft in the standards studio) rendered with sample data: an invented applicant,
/// a sample number and QR for a letter, one sample entry for a list or recap — so the admin sees the template
/// the definition names as it will print — with `draft` in place of the office's file of its name, when the
/// admin is editing a template or an image. No personal data is involved.
pub async fn sample(
    shared: &Services,
    scope: &TenantScope,
    definition: &simpul_definitions::model::ServiceDefinition,
    product: &str,
    output: Output,
    draft: Option<DraftFile>,
) -> ApiResult<Vec<u8>> {
    let product = definition
        .produk
        .iter()
        .find(|p| p.code == product)
        .ok_or_else(|| ApiError::field("product", format!("`{product}` bukan produk layanan ini")))?;
    let runtime = shared.store.tenant_runtime(shared.store.connection(), scope).await?;
    let date = runtime.calendar.local_date(Utc::now());
    // A throwaway key: the sample QR verifies nothing.
    let (secret, _) = simpul_letters::verify::generate_key();
    let context = simpul_letters::sample::sample_context(&runtime.tenant, definition, &product.code, date, &secret);
    render(shared, scope, product.template.clone(), context, format!("sample-{}", product.code), date, output, draft)
        .await
}

/// The receipt (tanda terima) of an application as a PDF: the office's kop, the tracking code, the applicant's
/// name, what was received and when, the service's due time, and a QR to the tracking page with the code filled
/// in. For roles that may see personal data (the receipt names the applicant), as the form itself.
pub async fn receipt(
    shared: &Services,
    scope: &TenantScope,
    actor: &Actor,
    application: &ApplicationRecord,
) -> ApiResult<Vec<u8>> {
    let (service, runtime) = shared.store.runtime_for(scope, application).await?;
    if !sees_personal_data(&runtime, actor) {
        return Err(ApiError::Forbidden(String::from(
            "Peran Anda tidak diizinkan mencetak tanda terima berisi data pribadi",
        )));
    }
    let definition = service.definition();
    let state = &application.state;
    let tz = runtime.calendar.zone();
    let date = runtime.calendar.local_date(application.submitted_at);
    let mut context = LetterContext::new(&runtime.tenant, definition, "", None, date);
    context.draft = false;
    context.letter.product = String::from("Tanda Terima Permohonan");
    context.letter.tracking_code = application.tracking_code.clone();
    let site = public_address(shared, &runtime).to_string();
    let documents =
        definition.persyaratan.iter().filter(|r| state.has_document(&r.code)).map(|r| r.name.clone()).collect();
    context.receipt = Some(simpul_letters::ReceiptInfo {
        service: definition.name.clone(),
        applicant: simpul_engine::form::applicant_name(&state.data).unwrap_or_default().to_string(),
        received: simpul_letters::helpers::waktu(application.submitted_at, tz),
        documents,
        due: state
            .deadlines(&runtime.calendar, Utc::now())
            .service
            .map(|d| simpul_letters::helpers::waktu(d.due_at, tz)),
        track_url: format!("{site}/lacak?kode={}", application.tracking_code),
        track_site: format!("{site}/lacak"),
    });
    let renderer = crate::templates::renderer_for(shared, scope).await?;
    let tenant = scope.tenant_id().to_string();
    let ident = format!("tanda-terima-{}", application.id);
    tokio::task::spawn_blocking(move || {
        renderer.render_shared(simpul_letters::RECEIPT_TEMPLATE, &tenant, &context, &ident, date).map(|r| r.pdf)
    })
    .await
    .map_err(internal)?
    .map_err(internal)
}

/// A list or recap of a period, or any product's rows as a table.
pub struct Export {
    /// The PDF, rendered from the product's template.
    pub pdf: Option<Vec<u8>>,
    /// The same rows as a table.
    pub table: Table,
}

/// A period of local dates of the tenant, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The entries of a list or recap product for a period.
pub async fn export(
    shared: &Services,
    scope: &TenantScope,
    actor: &Actor,
    service_code: &str,
    product_code: &str,
    Period { from, to }: Period,
    with_pdf: bool,
) -> ApiResult<Export> {
    let (_, service) = shared.store.published_service(scope, service_code).await?;
    let runtime = shared.store.tenant_runtime(shared.store.connection(), scope).await?;
    if !sees_personal_data(&runtime, actor) {
        return Err(ApiError::Forbidden(String::from(
            "Peran Anda tidak diizinkan mengunduh daftar berisi data pribadi",
        )));
    }
    let definition = service.definition();
    let product = definition
        .produk
        .iter()
        .find(|p| p.code == product_code)
        .ok_or_else(|| ApiError::field("product", format!("`{product_code}` bukan produk layanan ini")))?;
    if to < from {
        return Err(ApiError::field("to", "Tanggal akhir periode sebelum tanggal awal"));
    }
    let start = |d: NaiveDate| -> DateTime<Utc> { runtime.calendar.start_of_day(d) };
    let applications = shared
        .store
        .ended_applications(scope, service_code, &product.outcomes, start(from), start(to + chrono::Days::new(1)))
        .await?;
    let ids: Vec<Uuid> = applications.iter().map(|a| a.id).collect();
    let mut numbers = std::collections::HashMap::new();
    for letter in shared.store.letters_of_applications(scope, &ids).await? {
        numbers.entry(letter.application_id).or_insert(letter.number);
    }
    let entries: Vec<Entry> = applications
        .iter()
        .map(|application| Entry {
            data: application.state.data.clone(),
            fakta: facts_for_letter(&application.state.facts),
            centang: simpul_letters::checklist_by_step(&application.state.checklist),
            letter: numbers.get(&application.id).map(|number| EntryLetter { number: number.clone() }),
            tracking_code: application.tracking_code.clone(),
        })
        .collect();
    let period = format!("{} – {}", simpul_letters::helpers::tanggal(from), simpul_letters::helpers::tanggal(to));
    let mut headers = vec![String::from("No"), String::from("Nomor pelacakan")];
    headers.extend(definition.fields.iter().map(|f| f.label.clone()));
    headers.push(String::from("Nomor surat"));
    let rows = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut row = vec![(i + 1).to_string(), e.tracking_code.clone()];
            // Values as people read them: choices by label, a desa by name, not codes.
            row.extend(
                definition
                    .fields
                    .iter()
                    .map(|f| e.data.get(&f.code).map(|v| simpul_engine::form::in_words(f, v)).unwrap_or_default()),
            );
            row.push(e.letter.as_ref().map(|l| l.number.clone()).unwrap_or_default());
            row
        })
        .collect();
    let table = Table { title: product.name.clone(), headers, rows };
    let pdf = if with_pdf {
        let today = runtime.calendar.local_date(Utc::now());
        let signer = signatory_of(&runtime, &product.code, |_| false);
        let mut context = LetterContext::new(&runtime.tenant, definition, &product.code, signer, today);
        context.draft = false;
        let series = product.series.as_deref().unwrap_or_default();
        let pattern = runtime.tenant.numbering.iter().find(|s| s.code == series).map(|s| s.pattern.as_str());
        if let Some(pattern) = pattern {
            let list = ListPeriod { service: service_code, product: &product.code, from, to };
            context.letter.number =
                shared.store.list_number(scope, list, series, pattern, &actor.user_id, Utc::now(), today).await?;
        }
        context.letter.subject = format!("{} periode {period}", product.name);
        context.period = Some(PeriodInfo { label: period });
        context.entries = entries;
        let ident = format!("{}-{}-{from}-{to}", service_code, product.code);
        Some(render(shared, scope, product.template.clone(), context, ident, today, Output::Pdf, None).await?)
    } else {
        None
    };
    Ok(Export { pdf, table })
}

/// What the verification page and `verifyLetter` say about a code.
#[derive(Debug, Clone)]
pub enum Verification {
    /// The office issued this letter.
    Genuine(Box<GenuineLetter>),
    /// The code is not one the office made (forged, altered, or mistyped).
    Invalid,
}

/// A genuine letter, as much as the public may see.
#[derive(Debug, Clone)]
pub struct GenuineLetter {
    pub office: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub subject: String,
    pub masked_name: String,
    pub sha256: Option<String>,
    /// Who signed it, as printed (absent on letters archived before signers were recorded).
    pub signer: Option<Signer>,
    /// Its revocation: the letter is genuine but no longer in force.
    pub revoked: Option<Revocation>,
}

/// Masks a name for the public: first letter of each word, the rest starred ("S*** A*****").
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| format!("{first}{}", "*".repeat(chars.count())))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a code — the short one printed on the letter, or the key-signed one it stands for: it must name a
/// letter that exists and whose stored code carries a valid signature of its tenant's key over the letter as
/// stored.
pub async fn verify_code(shared: &Services, code: &str) -> ApiResult<Verification> {
    let signed = match verify::read_short_code(code) {
        Some(short) => match shared.store.signed_code_by_short_code(&short).await? {
            Some(signed) => signed,
            None => return Ok(Verification::Invalid),
        },
        None => code.trim().to_string(),
    };
    let Ok(decoded) = verify::decode(&signed) else { return Ok(Verification::Invalid) };
    let Some(found) = shared.store.verifiable_letter(decoded.letter_id).await? else {
        return Ok(Verification::Invalid);
    };
    let Some(public) = shared.store.signing_public_key(&found.letter.tenant_id, decoded.key_id).await? else {
        return Ok(Verification::Invalid);
    };
    let scope = shared.store.system_scope(&found.letter.tenant_id).await?;
    let runtime = shared.store.tenant_runtime(shared.store.connection(), &scope).await?;
    let issued_on = runtime.calendar.local_date(found.letter.issued_at);
    let claims = LetterClaims {
        tenant: found.letter.tenant_id.clone(),
        letter_id: found.letter.id,
        number: found.letter.number.clone(),
        issued_on,
    };
    if verify::verify(&public, &claims, &decoded).is_err() {
        return Ok(Verification::Invalid);
    }
    Ok(Verification::Genuine(Box::new(GenuineLetter {
        office: found.office,
        number: found.letter.number,
        issued_on,
        subject: found.product,
        masked_name: found.applicant.as_deref().map(mask_name).unwrap_or_default(),
        sha256: found.letter.sha256,
        signer: found.letter.signer,
        revoked: found.letter.revoked,
    })))
}

/// Revokes a signed letter with the office's reason: its verification says "dicabut" from now on. For the
/// office admin and the official who signs the letter in their own name (the Kepala Dinas; not a delegate).
pub async fn revoke(
    shared: &Services,
    scope: &TenantScope,
    actor: &Actor,
    letter: Uuid,
    reason: &str,
) -> ApiResult<LetterRecord> {
    // Long enough to say why (a wrong name, a withdrawn decision); short enough for the page and a webhook.
    const REASON_CHARS: std::ops::RangeInclusive<usize> = 10..=500;
    let reason = reason.trim();
    if !REASON_CHARS.contains(&reason.chars().count()) {
        return Err(ApiError::field("reason", "Tuliskan alasan pencabutan, 10 sampai 500 huruf"));
    }
    let record = shared.store.letter(scope, letter).await?;
    let runtime = shared.store.tenant_runtime(shared.store.connection(), scope).await?;
    let signs_it = runtime
        .tenant
        .signatories
        .iter()
        .any(|s| s.on_behalf_of.is_none() && s.signs(&record.product) && actor.roles.contains(&s.role));
    if !signs_it && !actor.roles.contains(simpul_store::accounts::ADMIN_ROLE) {
        return Err(ApiError::Forbidden(String::from(
            "Hanya pejabat penanda tangan surat ini atau admin dinas yang dapat mencabutnya",
        )));
    }
    Ok(shared.store.revoke_letter(scope, letter, reason, &actor.user_id, Utc::now()).await?)
}
