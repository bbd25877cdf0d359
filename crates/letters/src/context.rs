//! What a template sees: the tenant's letterhead and signatory, the letter's number and date, the form values,
//! the labels of chosen options, the QR code, and for lists the period and the entries. Built from the
//! definitions, so that every office's letters get the same names.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use simpul_definitions::model::{ServiceDefinition, Signatory, Tenant};

use crate::helpers::tanggal;

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
}

/// The signatory.
#[derive(Debug, Clone, Serialize)]
pub struct SignatoryInfo {
    pub title: String,
    pub name: Option<String>,
    pub rank: Option<String>,
    pub nip: Option<String>,
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
    /// The application's tracking code.
    pub tracking_code: String,
}

/// The QR code's target.
#[derive(Debug, Clone, Serialize)]
pub struct QrInfo {
    /// The full verification URL.
    pub url: String,
    /// The public address without the path, printed under the QR.
    pub site: String,
    /// The code in short pieces, so that the printed code wraps.
    pub code_parts: Vec<String>,
}

/// The period of a list.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    /// "1 November 2026 – 30 November 2026".
    pub label: String,
}

/// One row of a list: an application with its form values and its letter number, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub data: BTreeMap<String, Value>,
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
                },
            },
            signatory: signatory.map(|s| SignatoryInfo {
                title: s.title.clone(),
                name: s.name.clone(),
                rank: s.rank.clone(),
                nip: s.nip.clone(),
            }),
            letter: LetterInfo {
                number: String::from(DRAFT_NUMBER),
                date: tanggal(date),
                product: product.to_string(),
                tracking_code: String::new(),
            },
            data: BTreeMap::new(),
            fakta: BTreeMap::new(),
            choices,
            qr: None,
            draft: true,
            period: None,
            entries: Vec::new(),
        }
    }

    /// The signed letter's number and verification URL (`<public_url>/v/<code>`).
    pub fn signed(mut self, number: &str, public_url: &str, code: &str) -> Self {
        self.letter.number = number.to_string();
        let chars: Vec<char> = code.chars().collect();
        self.qr = Some(QrInfo {
            url: format!("{public_url}/v/{code}"),
            site: public_url.to_string(),
            code_parts: chars.chunks(28).map(|c| c.iter().collect()).collect(),
        });
        self.draft = false;
        self
    }
}
