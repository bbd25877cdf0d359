//! What an applicant sees of their application (`trackApplication`, the page `/lacak`): the service, where it
//! is, its history in words, the deadline, the letters' verification links — and nothing an applicant should not
//! learn from a tracking code: no officer's name, no officer's note (a note may name people or hold what the
//! office wrote for itself), no form data beyond the applicant's masked name.

use chrono::{DateTime, Utc};
use simpul_engine::{EventKind, Service};
use simpul_store::{TenantRuntime, TenantScope};
use uuid::Uuid;

use crate::Services;
use crate::error::ApiResult;

/// One line of the public history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStep {
    /// When.
    pub at: DateTime<Utc>,
    /// What happened, in words ("Pemeriksaan kelengkapan berkas: Berkas lengkap").
    pub text: String,
}

/// A letter issued for the application, as the public may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicLetter {
    /// The product's name.
    pub name: String,
    /// Its number.
    pub number: String,
    /// Its verification page (short code), once archived.
    pub verification_url: Option<String>,
    /// Whether the office revoked it.
    pub revoked: bool,
}

/// The history of an application in words, for the public: each submission, action, return, resubmission,
/// withdrawal and attachment, by step and action label.
pub fn history_in_words(service: &Service, events: &[simpul_engine::Event]) -> Vec<PublicStep> {
    let step_name = |code: &str| service.step(code).map_or_else(|| code.to_string(), |s| s.name.clone());
    let requirement = |code: &str| {
        service
            .definition()
            .persyaratan
            .iter()
            .find(|r| r.code == code)
            .map_or_else(|| code.to_string(), |r| r.name.clone())
    };
    events
        .iter()
        .map(|event| {
            let text = match &event.kind {
                EventKind::Submitted(_) => String::from("Permohonan diajukan"),
                EventKind::ActionTaken(a) => {
                    let action = service
                        .step(&a.step)
                        .and_then(|s| s.actions.iter().find(|x| x.code == a.action))
                        .map_or_else(|| a.action.clone(), |x| x.label.clone());
                    let mut text = format!("{}: {action}", step_name(&a.step));
                    if !a.missing.is_empty() {
                        let missing: Vec<String> = a.missing.iter().map(|m| requirement(m)).collect();
                        text.push_str(&format!(" — yang perlu dilengkapi: {}", missing.join("; ")));
                    }
                    text
                }
                EventKind::Resubmitted(r) => {
                    format!("Kekurangan dilengkapi; permohonan kembali ke {}", step_name(&r.step))
                }
                EventKind::Withdrawn { .. } => String::from("Permohonan ditarik"),
                EventKind::DocumentAttached { requirement: code, .. } => {
                    format!("Dokumen dilampirkan: {}", requirement(code))
                }
                EventKind::Migrated(m) => {
                    format!("Standar layanan diperbarui; permohonan dilanjutkan menurut versi {}", m.to_version)
                }
            };
            PublicStep { at: event.at, text }
        })
        .collect()
}

/// The public history and letters of an application the caller proved is theirs.
pub async fn public_record(
    shared: &Services,
    scope: &TenantScope,
    runtime: &TenantRuntime,
    service: &Service,
    application: Uuid,
) -> ApiResult<(Vec<PublicStep>, Vec<PublicLetter>)> {
    let events: Vec<_> =
        shared.store.application_events(scope, application).await?.into_iter().map(|e| e.event).collect();
    let history = history_in_words(service, &events);
    let base = crate::letters::public_address(shared, runtime);
    let letters = shared
        .store
        .letters_of(scope, application)
        .await?
        .into_iter()
        .map(|letter| PublicLetter {
            name: service
                .definition()
                .produk
                .iter()
                .find(|p| p.code == letter.product)
                .map_or_else(|| letter.product.clone(), |p| p.name.clone()),
            verification_url: letter.short_code.as_ref().map(|code| format!("{base}/v/{code}")),
            revoked: letter.revoked.is_some(),
            number: letter.number,
        })
        .collect();
    Ok((history, letters))
}
