//! What a registry says about an applicant, and where each recorded fact came from.
//!
//! Before an action that records registry facts, the caller looks the applicant up (in the office's latest
//! upload of the registry, or an online source) and hands the engine its [`Findings`]. The engine then decides
//! each recorded fact's provenance: the registry's, when the officer confirms its value; the officer's, with
//! their note, when they override it (a note is then required) or when no registry answered.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use simpul_definitions::model::{Fact, RegistrySource};

use crate::calendar::date_words;
use crate::refusal::Refusal;
use crate::values::{FactValue, Facts};

/// How the applicant was found in a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    /// By the applicant's own NIK.
    Nik,
    /// By the household's No. KK (the applicant is not listed, the household is).
    NoKk,
}

/// The registry answer a value rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// Which registry.
    pub source: RegistrySource,
    /// The date the data is as of ("DTSEN per 1 November 2026").
    pub as_of: NaiveDate,
    /// The upload (snapshot id) or the online source's answer it came from, to find it again.
    pub reference: String,
    /// How the applicant was found; `None` when they were not (a "no" from a complete district export).
    pub matched: Option<MatchKey>,
}

impl Basis {
    /// "DTSEN (SIKS-NG) per 1 November 2026".
    pub fn words(&self) -> String {
        format!("{} per {}", self.source.label(), date_words(self.as_of))
    }
}

/// A registry's answer for one fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The value the registry gives.
    pub value: FactValue,
    /// Where it comes from.
    pub basis: Basis,
}

impl Finding {
    /// "DTSEN (SIKS-NG) per 1 November 2026: desil 2", as the officer and the letter read it.
    pub fn words(&self, fact: Fact) -> String {
        let value = value_words(fact, self.value);
        let how = match self.basis.matched {
            Some(MatchKey::Nik) => "",
            Some(MatchKey::NoKk) => " (menurut No. KK keluarga)",
            None => " (NIK tidak ditemukan)",
        };
        format!("{}: {value}{how}", self.basis.words())
    }
}

/// A fact's value in words: "desil 2", "ya", "tidak".
pub fn value_words(fact: Fact, value: FactValue) -> String {
    match (fact, value) {
        (Fact::DtsenDesil, FactValue::Int(d)) => format!("desil {d}"),
        (_, FactValue::Int(n)) => n.to_string(),
        (_, FactValue::Bool(true)) => String::from("ya"),
        (_, FactValue::Bool(false)) => String::from("tidak"),
    }
}

/// What the registries said about an applicant, by fact.
pub type Findings = BTreeMap<Fact, Finding>;

/// No findings: for commands nobody looked anything up for (and contexts that record no facts).
pub static NO_FINDINGS: Findings = Findings::new();

/// Where a recorded fact came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum FactSource {
    /// The officer confirmed the registry's value.
    Registry {
        /// The registry answer.
        basis: Basis,
    },
    /// The officer entered the value: no registry answered, or they overrode its answer.
    Officer {
        /// Why, as the officer wrote it (required when overriding).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// The registry's answer the officer overrode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        overrode: Option<Finding>,
    },
}

impl FactSource {
    /// True when the value is the registry's.
    pub fn is_registry(&self) -> bool {
        matches!(self, FactSource::Registry { .. })
    }

    /// What a letter says the value rests on: "data DTSEN (SIKS-NG) per 1 November 2026", or the officer's check.
    pub fn basis_words(&self) -> String {
        match self {
            FactSource::Registry { basis } => format!("data {}", basis.words()),
            FactSource::Officer { .. } => String::from("hasil pemeriksaan petugas"),
        }
    }

    /// "DTSEN (SIKS-NG) per 1 November 2026", or "diisi petugas" with the reason of an override.
    pub fn words(&self, fact: Fact) -> String {
        match self {
            FactSource::Registry { basis } => basis.words(),
            FactSource::Officer { note, overrode: Some(finding) } => format!(
                "diisi petugas, berbeda dari {} ({}){}",
                finding.basis.words(),
                value_words(fact, finding.value),
                note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
            ),
            FactSource::Officer { note: Some(note), overrode: None } => format!("diisi petugas: {note}"),
            FactSource::Officer { note: None, overrode: None } => String::from("diisi petugas"),
        }
    }
}

/// The provenance of each recorded fact, by fact.
pub type FactSources = BTreeMap<Fact, FactSource>;

/// Decides where each of `given` comes from, against what the registries `found`. A value that differs from
/// the registry's needs the officer's note for that fact (`notes`); a note for a fact not given is refused.
pub fn attribute(found: &Findings, given: &Facts, notes: &BTreeMap<Fact, String>) -> Result<FactSources, Refusal> {
    if let Some(fact) = notes.keys().find(|f| !given.contains_key(f)) {
        return Err(Refusal::InvalidFact {
            fact: fact.name().into(),
            problem: String::from("diberi catatan, tetapi nilainya tidak diisi"),
        });
    }
    let mut sources = FactSources::new();
    for (fact, value) in given {
        let note = notes.get(fact).map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let source = match found.get(fact) {
            Some(finding) if finding.value == *value => FactSource::Registry { basis: finding.basis.clone() },
            Some(finding) => {
                let Some(note) = note else {
                    return Err(Refusal::InvalidFact {
                        fact: fact.name().into(),
                        problem: format!(
                            "berbeda dari {} ({}); tulis alasan petugas mengubahnya",
                            finding.basis.words(),
                            value_words(*fact, finding.value)
                        ),
                    });
                };
                FactSource::Officer { note: Some(note), overrode: Some(finding.clone()) }
            }
            None => FactSource::Officer { note, overrode: None },
        };
        sources.insert(*fact, source);
    }
    Ok(sources)
}

/// What an applicant is looked up by in a registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectKeys {
    /// The subject's NIK (the form's subject NIK field, else its first NIK field).
    pub nik: Option<String>,
    /// The household's No. KK (the form's first No. KK field).
    pub no_kk: Option<String>,
}

/// The keys of the applicant whose form is `data`, under `service`.
pub fn subject_keys(service: &crate::Service, data: &crate::FormData) -> SubjectKeys {
    use simpul_definitions::model::FieldType;
    let fields = &service.definition().fields;
    let value = |code: &str| data.get(code).and_then(|v| v.as_str()).map(str::to_string);
    let niks = || fields.iter().filter(|f| f.field_type == FieldType::Nik);
    let nik = niks().find(|f| f.subject).or_else(|| niks().next()).and_then(|f| value(&f.code));
    let no_kk = fields.iter().find(|f| f.field_type == FieldType::NoKk).and_then(|f| value(&f.code));
    SubjectKeys { nik, no_kk }
}
