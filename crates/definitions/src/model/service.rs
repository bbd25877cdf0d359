//! A service definition: the 14 components of the standard plus what the engine needs to run it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Duration;
use super::form::Field;
use super::procedure::{Step, Submission};
use super::products::{Outcome, Product};
use super::requirements::Requirement;
use super::rules::Rule;

/// One service of one office (`service-definitions/<tenant>/services/<code>.yaml`).
///
/// The components named in PermenPAN-RB 15/2014 keep their Indonesian names; `fields`, `rules`, `outcomes` and
/// `submission` are what the engine needs on top. The first step of `prosedur` is where an application starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDefinition {
    /// Code, lower kebab case, the same as the file name, e.g. `rekomendasi-sktm`.
    pub code: String,
    /// Name of the service as published.
    pub name: String,
    /// One or two sentences for the public page.
    #[serde(default)]
    pub summary: Option<String>,
    /// The document this definition was written from.
    pub source: Source,
    /// Who submits, and how.
    pub submission: Submission,
    /// The application form.
    pub fields: Vec<Field>,
    /// Persyaratan (requirements).
    pub persyaratan: Vec<Requirement>,
    /// Eligibility rules that actions check.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Sistem, mekanisme dan prosedur: the steps, the first one first.
    pub prosedur: Vec<Step>,
    /// Separation of duties: whoever initialled a draft of an application's letter (paraf) may not sign it.
    /// On unless the office, having too few officials for it, switches it off for the service.
    #[serde(default = "separate_duties")]
    pub paraf_cannot_sign: bool,
    /// The ways an application can end.
    pub outcomes: Vec<Outcome>,
    /// Jangka waktu penyelesaian (time limit).
    pub jangka_waktu: TimeLimit,
    /// Biaya/tarif (fee).
    pub biaya: Fee,
    /// Produk pelayanan (products).
    pub produk: Vec<Product>,
    /// Penanganan pengaduan, saran dan masukan (complaints).
    pub pengaduan: Complaints,
    /// Dasar hukum (legal basis).
    pub dasar_hukum: Vec<String>,
    /// Sarana, prasarana dan/atau fasilitas.
    pub sarana_prasarana: Vec<String>,
    /// Kompetensi pelaksana (competence of the staff).
    pub kompetensi_pelaksana: Vec<String>,
    /// Pengawasan internal (internal supervision).
    pub pengawasan_internal: Vec<String>,
    /// Jumlah pelaksana (number of staff).
    pub jumlah_pelaksana: Vec<StaffCount>,
    /// Jaminan pelayanan (service guarantee).
    pub jaminan_pelayanan: Vec<String>,
    /// Jaminan keamanan dan keselamatan pelayanan.
    pub jaminan_keamanan: Vec<String>,
    /// Evaluasi kinerja pelaksana.
    pub evaluasi_kinerja: Vec<String>,
}

fn separate_duties() -> bool {
    true
}

/// The source document of a definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Title of the document.
    pub document: String,
    /// Decree number and date, when the document gives them.
    #[serde(default)]
    pub reference: Option<String>,
}

/// The time limit of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    /// The limit as the standard writes it, for the public page.
    pub text: String,
    /// The limit the engine enforces; absent when the standard states none.
    #[serde(default)]
    pub limit: Option<Duration>,
    /// The short end of a range ("10 – 15 menit"); the engine enforces `limit`.
    #[serde(default)]
    pub lower: Option<Duration>,
    /// When the clock starts.
    #[serde(default)]
    pub clock_starts: ClockStart,
}

/// The moment the service clock starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// When the application is submitted.
    #[default]
    OnSubmission,
    /// When a completeness check confirms the requirements complete and correct (OKU Selatan: "apabila
    /// persyaratan lengkap dan benar").
    OnRequirementsComplete,
}

/// The fee. Every source says Rp 0, but the type holds an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// Amount in Rupiah.
    pub amount: u64,
    /// The fee as the standard writes it, e.g. "Tidak dipungut biaya".
    pub text: String,
}

/// How complaints, suggestions and feedback are received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Complaints {
    /// The arrangement as the standard writes it, when it is prose.
    #[serde(default)]
    pub text: Option<String>,
    /// The channels.
    #[serde(default)]
    pub channels: Vec<ComplaintChannel>,
}

/// One complaint channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct ComplaintChannel {
    /// The kind of channel.
    pub kind: ComplaintChannelKind,
    /// Name as the standard writes it.
    pub label: String,
    /// Number, address or account, when there is one.
    #[serde(default)]
    pub contact: Option<String>,
}

/// Kinds of complaint channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintChannelKind {
    /// In person (ruang aduan, directly to an officer).
    Langsung,
    /// Written letter to the head of the office.
    Surat,
    KotakSaran,
    Telepon,
    Whatsapp,
    Email,
    MediaSosial,
    Website,
    /// Sistem Layanan Rujukan Terpadu.
    Slrt,
    /// SP4N-LAPOR! / e-LAPOR.
    Sp4nLapor,
}

impl ComplaintChannelKind {
    /// Every kind, in a stable order.
    pub const ALL: [ComplaintChannelKind; 10] = [
        ComplaintChannelKind::Langsung,
        ComplaintChannelKind::Surat,
        ComplaintChannelKind::KotakSaran,
        ComplaintChannelKind::Telepon,
        ComplaintChannelKind::Whatsapp,
        ComplaintChannelKind::Email,
        ComplaintChannelKind::MediaSosial,
        ComplaintChannelKind::Website,
        ComplaintChannelKind::Slrt,
        ComplaintChannelKind::Sp4nLapor,
    ];

    /// The name in the files and the store (`kotak_saran`, …).
    pub fn code(self) -> &'static str {
        match self {
            ComplaintChannelKind::Langsung => "langsung",
            ComplaintChannelKind::Surat => "surat",
            ComplaintChannelKind::KotakSaran => "kotak_saran",
            ComplaintChannelKind::Telepon => "telepon",
            ComplaintChannelKind::Whatsapp => "whatsapp",
            ComplaintChannelKind::Email => "email",
            ComplaintChannelKind::MediaSosial => "media_sosial",
            ComplaintChannelKind::Website => "website",
            ComplaintChannelKind::Slrt => "slrt",
            ComplaintChannelKind::Sp4nLapor => "sp4n_lapor",
        }
    }

    /// The kind a stored name stands for.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// In words ("Kotak saran").
    pub fn label(self) -> &'static str {
        match self {
            ComplaintChannelKind::Langsung => "Langsung (loket/ruang aduan)",
            ComplaintChannelKind::Surat => "Surat",
            ComplaintChannelKind::KotakSaran => "Kotak saran",
            ComplaintChannelKind::Telepon => "Telepon",
            ComplaintChannelKind::Whatsapp => "WhatsApp",
            ComplaintChannelKind::Email => "E-mail",
            ComplaintChannelKind::MediaSosial => "Media sosial",
            ComplaintChannelKind::Website => "Situs web (formulir daring)",
            ComplaintChannelKind::Slrt => "SLRT",
            ComplaintChannelKind::Sp4nLapor => "SP4N-LAPOR!",
        }
    }
}

/// A number of staff of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffCount {
    /// How many people.
    pub count: u32,
    /// Who they are, e.g. "Petugas front office".
    pub description: String,
}
