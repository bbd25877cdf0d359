//! The words of a message, rendered when it is sent: the office's template for the moment over what the
//! application says now — with, once it ended, fresh download links to its letters and a survey link.

use chrono::Utc;
use simpul_definitions::message::{LetterLinks, MessageValues, render};
use simpul_definitions::model::Moment;
use simpul_files::ObjectKey;
use simpul_store::notifications::Notification;
use simpul_store::{ApplicationRecord, TenantRuntime};

use super::{LETTER_LINK_TTL, SURVEY_LINK_TTL, holds_identity_number};
use crate::Services;

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// The office it comes from (an e-mail's sender name).
    pub office: String,
    /// The office's address for answers (an e-mail's Reply-To), if it has one.
    pub reply_to: Option<String>,
    /// The e-mail's subject.
    pub subject: String,
    /// The text.
    pub text: String,
}

/// Why a message could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    /// Trying again cannot help (the template is gone, the text would carry a NIK): the message fails.
    Permanent(String),
    /// Something it needs is not reachable now (the database, the file store): tried again later.
    Transient(String),
}

impl From<simpul_store::StoreError> for ComposeError {
    fn from(error: simpul_store::StoreError) -> Self {
        ComposeError::Transient(error.to_string())
    }
}

impl From<crate::error::ApiError> for ComposeError {
    fn from(error: crate::error::ApiError) -> Self {
        ComposeError::Transient(format!("{error:?}"))
    }
}

/// Writes `notification` as the office's template says, from the application as it is now.
pub async fn compose(shared: &Services, notification: &Notification) -> Result<Composed, ComposeError> {
    let permanent = |text: &str| ComposeError::Permanent(text.to_string());
    let moment = Moment::parse(&notification.moment).ok_or_else(|| permanent("saat pemberitahuan tidak dikenal"))?;
    let scope = shared.store.system_scope(&notification.tenant_id).await?;
    let record = shared.store.application(&scope, notification.application_id).await?;
    let (service, runtime) = shared.store.runtime_for(&scope, &record).await?;
    let template = runtime
        .tenant
        .notifications
        .as_ref()
        .and_then(|n| n.message(moment))
        .ok_or_else(|| permanent("kantor tidak lagi memakai pesan untuk saat ini"))?;
    let values = values(shared, &scope, &record, &service, &runtime, moment, notification.event_seq).await?;
    let subject = render(&template.subject, &values).map_err(|e| ComposeError::Permanent(e.to_string()))?;
    let text = render(&template.text, &values).map_err(|e| ComposeError::Permanent(e.to_string()))?;
    if leaks_identity_number(&subject, &values) || leaks_identity_number(&text, &values) {
        return Err(permanent("pesan memuat angka 16 digit seperti NIK atau No. KK; tidak dikirim"));
    }
    Ok(Composed {
        office: runtime.tenant.name.clone(),
        reply_to: runtime.tenant.address.email.first().cloned(),
        subject: subject.trim().to_string(),
        text: text.trim().to_string(),
    })
}

/// Whether `text` carries a run of 16 digits outside the links the server wrote into it: a signed link's hex
/// signature holds such a run in about one message of thirty, and is no identity number.
fn leaks_identity_number(text: &str, values: &MessageValues) -> bool {
    holds_identity_number(&values.links().iter().fold(text.to_string(), |text, link| text.replace(link, " ")))
}

async fn values(
    shared: &Services,
    scope: &simpul_store::TenantScope,
    record: &ApplicationRecord,
    service: &simpul_engine::Service,
    runtime: &TenantRuntime,
    moment: Moment,
    event_seq: i64,
) -> Result<MessageValues, ComposeError> {
    let definition = service.definition();
    let state = &record.state;
    let base = crate::letters::public_address(shared, runtime);
    let tz = runtime.calendar.zone();
    let now = Utc::now();
    let note = shared
        .store
        .application_events(scope, record.id)
        .await?
        .into_iter()
        .find(|e| e.seq == event_seq)
        .and_then(|e| match e.event.kind {
            simpul_engine::EventKind::ActionTaken(action) => action.note,
            _ => None,
        })
        .filter(|n| !n.trim().is_empty());
    let requirement = |code: &String| {
        definition.persyaratan.iter().find(|r| &r.code == code).map_or_else(|| code.clone(), |r| r.name.clone())
    };
    let mut values = MessageValues {
        kantor: runtime.tenant.name.clone(),
        telepon_kantor: runtime.tenant.address.phone.join(", "),
        layanan: definition.name.clone(),
        nama_pemohon: simpul_engine::form::applicant_name(&state.data).unwrap_or_default().to_string(),
        kode_lacak: record.tracking_code.clone(),
        tautan_lacak: format!("{base}/lacak?kode={}", record.tracking_code),
        langkah: state.step().and_then(|s| service.step(s)).map(|s| s.name.clone()),
        batas_waktu: state
            .deadlines(&runtime.calendar, now)
            .service
            .map(|d| simpul_letters::helpers::waktu(d.due_at, tz)),
        hasil: crate::graphql::application::outcome_of(&state.stage)
            .and_then(|code| definition.outcomes.iter().find(|o| o.code == code))
            .map(|o| o.label.clone()),
        kekurangan: if moment == Moment::Returned {
            state.missing.iter().map(requirement).collect()
        } else {
            Vec::new()
        },
        catatan: note,
        surat: Vec::new(),
        tautan_survei: None,
    };
    if moment == Moment::Ended {
        values.surat = letters(shared, scope, record, service, runtime).await?;
        if !shared.store.survey_answered(scope, record.id).await? {
            let token = shared
                .tokens
                .issue_survey(scope.tenant_id(), record.id, SURVEY_LINK_TTL)
                .map_err(|e| ComposeError::Transient(e.to_string()))?;
            values.tautan_survei = Some(format!("{base}/lacak/survei?token={token}"));
        }
    }
    Ok(values)
}

/// The application's letters that stand (not revoked), archived first if the archiver has not yet, each with a
/// download link that expires and its verification page.
async fn letters(
    shared: &Services,
    scope: &simpul_store::TenantScope,
    record: &ApplicationRecord,
    service: &simpul_engine::Service,
    runtime: &TenantRuntime,
) -> Result<Vec<LetterLinks>, ComposeError> {
    let base = crate::letters::public_address(shared, runtime);
    let mut out = Vec::new();
    for letter in shared.store.letters_of(scope, record.id).await? {
        if letter.revoked.is_some() {
            continue;
        }
        let letter = crate::letters::archive(shared, scope, letter).await?;
        let (Some(key), Some(short)) = (&letter.storage_key, &letter.short_code) else {
            return Err(ComposeError::Transient(String::from("surat belum diarsipkan")));
        };
        let key = ObjectKey::parse(key).map_err(|e| ComposeError::Transient(e.to_string()))?;
        let link = shared
            .files
            .download(&key, "application/pdf", LETTER_LINK_TTL, Utc::now().timestamp())
            .await
            .map_err(|e| ComposeError::Transient(e.to_string()))?;
        let name = service
            .definition()
            .produk
            .iter()
            .find(|p| p.code == letter.product)
            .map_or_else(|| letter.product.clone(), |p| p.name.clone());
        out.push(LetterLinks {
            nama: name,
            nomor: letter.number.clone(),
            tautan_unduh: crate::documents::link_url(&shared.public_url, link),
            tautan_verifikasi: format!("{base}/v/{short}"),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_whose_signature_runs_sixteen_digits_is_sent_and_a_nik_beside_it_is_not() {
        let mut values = MessageValues::sample();
        values.surat[0].tautan_unduh =
            String::from("https://simpul.contoh.go.id/files/download?key=k&signature=ab12345678901234567890cd");
        let text = render("Unduh: {{#each surat}}{{tautan_unduh}}{{/each}}", &values).expect("rendered");
        assert!(holds_identity_number(&text), "the signature alone holds a run");
        assert!(!leaks_identity_number(&text, &values));
        assert!(leaks_identity_number(&format!("{text} NIK 7302011505800001"), &values));
    }
}
