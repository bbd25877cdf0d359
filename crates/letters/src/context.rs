//! What a template sees: the tenant's letterhead and signatory, the letter's number and date, the form values,
//! the labels of chosen options, the QR code, and for lists the period and the entries. Built from the
//! definitions, so that every office's letters get the same names.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use simpul_definitions::model::{ImageKind, ServiceDefinition, Signatory, Tenant};

use crate::helpers::tanggal;
use crate::world::emblem_path;

/// The context of one letter or list.
#[derive(Debug, Clone, Serialize)]
pub struct LetterContext {
    /// The office.
    pub tenant: TenantInfo,
    /// Who signs.
    pub signatory: Option<SignatoryInfo>,
    /// Number, date, product.
    pub letter: LetterInfo,
    /// Form values by field code (a letter only).
    pub data: BTreeMap<String, Value>,
    /// The registry facts recorded for the application, latest value of each, by fact name (`fakta.dtsen_desil`):
    /// what a letter's stated basis rests on.
    pub fakta: BTreeMap<String, Value>,
    /// What each recorded fact rests on, by fact name, for a letter that states its basis
    /// (`dasar_fakta.dtsen_desil`: "data DTSEN (SIKS-NG) per 1 November 2026", or "hasil pemeriksaan petugas").
    pub dasar_fakta: BTreeMap<String, String>,
    /// The checklist answers recorded in the steps, by step and item (`centang.verifikasi.cek_siks_ng`): what
    /// the officers confirmed, for a letter that states it.
    pub centang: Checklist,
    /// Labels of the options of choice fields: field → value → label.
    pub choices: BTreeMap<String, BTreeMap<String, String>>,
    /// The verification QR; absent on a draft.
    pub qr: Option<QrInfo>,
    /// A preview before signing.
    pub draft: bool,
    /// The period of a list or recap.
    pub period: Option<PeriodInfo>,
    /// The rows of a list or recap.
    pub entries: Vec<Entry>,
    /// What a receipt (tanda terima) states; absent on letters and lists.
    pub receipt: Option<ReceiptInfo>,
    /// A report's table (the satisfaction index): headers and rows as printed; absent elsewhere.
    pub report: Option<crate::Table>,
}

/// The receipt given at submission: what was received, when, and where to follow it.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptInfo {
    /// The service's name.
    pub service: String,
    /// The applicant's name as submitted (the receipt is theirs).
    pub applicant: String,
    /// When it was received, in the office's time ("4 Desember 2026 10.07 WITA").
    pub received: String,
    /// The requirements brought or uploaded, by name.
    pub documents: Vec<String>,
    /// When the service is due, if its clock runs.
    pub due: Option<String>,
    /// The tracking page with the code filled in (what the QR carries).
    pub track_url: String,
    /// The tracking page's address, printed for those who type it.
    pub track_site: String,
}

/// The office as letters print it.
#[derive(Debug, Clone, Serialize)]
pub struct TenantInfo {
    /// "Dinas Sosial Kabupaten Bulukumba".
    pub name: String,
    /// Where letters are dated ("Bulukumba, 23 November 2026").
    pub city: String,
    /// The letterhead.
    pub kop_surat: KopInfo,
}

/// The letterhead.
#[derive(Debug, Clone, Serialize)]
pub struct KopInfo {
    /// Lines in capitals.
    pub lines: Vec<String>,
    /// The address line.
    pub address_line: String,
    /// Where the kop finds the emblem in the letter's world (`/lambang.png`), when the office has one.
    pub emblem: Option<&'static str>,
    /// The emblem's file under the tenant's `templates/`, which the renderer serves at [`Self::emblem`].
    #[serde(skip)]
    pub emblem_file: Option<String>,
}

/// The signatory, as the signature block prints them.
#[derive(Debug, Clone, Serialize)]
pub struct SignatoryInfo {
    /// The lines above the signature, the last ending in a comma: `["a.n. Kepala Dinas Sosial …",
    /// "Sekretaris Dinas Sosial …,"]` for a delegate, `["Plt. Kepala Dinas Sosial …,"]` for an acting one.
    pub heading: Vec<String>,
    /// The position as the letter names it ("Plt. Kepala Dinas Sosial …").
    pub title: String,
    /// The name, or the office file's marked placeholder.
    pub name: String,
    /// Whether `name` is a placeholder the office has not replaced.
    pub placeholder: bool,
    pub rank: Option<String>,
    pub nip: Option<String>,
}

impl SignatoryInfo {
    /// Who signed, in one line for the verification page: "Sekretaris Dinas Sosial …, a.n. Kepala Dinas …".
    pub fn described(&self) -> String {
        match self.heading.as_slice() {
            [on_behalf, _] => format!("{}, {on_behalf}", self.title),
            _ => self.title.clone(),
        }
    }

    /// The block of `signatory` of `tenant`: a delegate's heading names the official signed for ("a.n.").
    pub fn of(tenant: &Tenant, signatory: &Signatory) -> Self {
        let title = signatory.printed_title();
        let principal = signatory
            .on_behalf_of
            .as_ref()
            .and_then(|role| tenant.signatories.iter().find(|s| &s.role == role && s.on_behalf_of.is_none()));
        let mut heading = Vec::new();
        if let Some(principal) = principal {
            heading.push(format!("a.n. {}", principal.printed_title()));
        }
        heading.push(format!("{title},"));
        SignatoryInfo {
            heading,
            title,
            name: signatory.name.clone(),
            placeholder: signatory.placeholder,
            rank: signatory.rank.clone(),
            nip: signatory.nip.clone(),
        }
    }
}

/// The letter itself.
#[derive(Debug, Clone, Serialize)]
pub struct LetterInfo {
    /// The number, or the draft notice.
    pub number: String,
    /// "23 November 2026".
    pub date: String,
    /// The product's name.
    pub product: String,
    /// The subject line (perihal): the product's name, and for a list or recap its period.
    pub subject: String,
    /// The application's tracking code.
    pub tracking_code: String,
}

/// The QR code's target.
#[derive(Debug, Clone, Serialize)]
pub struct QrInfo {
    /// The full verification URL (`<public>/v/<short code>`), which the QR carries.
    pub url: String,
    /// The public address without the path, printed for those who type the code.
    pub site: String,
    /// The short code as printed ("K7QM-4XHP-2RDN"), typed at `<site>/v`.
    pub short_code: String,
}

/// The period of a list.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    /// "1 November 2026 – 30 November 2026".
    pub label: String,
}

/// One row of a list: an application with its form values, its recorded facts and checklist answers, and its
/// letter number, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub data: BTreeMap<String, Value>,
    pub fakta: BTreeMap<String, Value>,
    pub centang: Checklist,
    pub letter: Option<EntryLetter>,
    pub tracking_code: String,
}

/// The letter of a list row.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLetter {
    pub number: String,
}

/// The notice printed where a draft's number would be.
pub const DRAFT_NUMBER: &str = "(belum bernomor — DRAFT)";

/// Checklist answers by step, then item, as templates read them: `{{#if centang.verifikasi.cek_siks_ng}}`.
pub type Checklist = BTreeMap<String, BTreeMap<String, bool>>;

/// The engine's answers (`step.item` → answer) by step and item.
pub fn checklist_by_step(answers: &BTreeMap<String, bool>) -> Checklist {
    let mut out = Checklist::new();
    for (key, answer) in answers {
        let (step, item) = key.split_once('.').unwrap_or(("", key));
        out.entry(step.to_string()).or_default().insert(item.to_string(), *answer);
    }
    out
}

impl LetterContext {
    /// A context for `product` of `service` of `tenant`, dated `date`, signed by `signatory`.
    pub fn new(
        tenant: &Tenant,
        service: &ServiceDefinition,
        product: &str,
        signatory: Option<&Signatory>,
        date: NaiveDate,
    ) -> Self {
        let product = service.produk.iter().find(|p| p.code == product).map_or(product, |p| p.name.as_str());
        let choices = service
            .fields
            .iter()
            .filter(|f| !f.choices.is_empty())
            .map(|f| (f.code.clone(), f.choices.iter().map(|c| (c.value.clone(), c.label.clone())).collect()))
            .collect();
        LetterContext {
            tenant: TenantInfo {
                name: tenant.name.clone(),
                city: tenant.address.city.clone(),
                kop_surat: KopInfo {
                    lines: tenant.kop_surat.lines.clone(),
                    address_line: tenant.kop_surat.address_line.clone(),
                    emblem: tenant.kop_surat.emblem.as_deref().and_then(ImageKind::of_file).map(emblem_path),
                    emblem_file: tenant.kop_surat.emblem.clone(),
                },
            },
            signatory: signatory.map(|s| SignatoryInfo::of(tenant, s)),
            letter: LetterInfo {
                number: String::from(DRAFT_NUMBER),
                date: tanggal(date),
                product: product.to_string(),
                subject: product.to_string(),
                tracking_code: String::new(),
            },
            data: BTreeMap::new(),
            fakta: BTreeMap::new(),
            dasar_fakta: BTreeMap::new(),
            centang: Checklist::new(),
            choices,
            qr: None,
            draft: true,
            period: None,
            entries: Vec::new(),
            receipt: None,
            report: None,
        }
    }

    /// The signed letter's number and its verification: `code` is the key-signed code of the letter, printed as
    /// its short form (see [`crate::verify::short_code`]) and carried by the QR as `<public_url>/v/<short>`.
    pub fn signed(mut self, number: &str, public_url: &str, code: &str) -> Self {
        self.letter.number = number.to_string();
        let short_code = crate::verify::short_code(code);
        self.qr =
            Some(QrInfo { url: format!("{public_url}/v/{short_code}"), site: public_url.to_string(), short_code });
        self.draft = false;
        self
    }
}
