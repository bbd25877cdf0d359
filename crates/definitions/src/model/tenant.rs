//! `tenant.yaml`: one Dinas Sosial, its office, people and letters.

use chrono::NaiveTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::calendar::DayOff;
use super::notifications::Notifications;
use super::service::ComplaintChannel;

/// One office (a tenant of Simpul), described in `service-definitions/<code>/tenant.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// Short code, the same as the folder name, e.g. `bulukumba`.
    pub code: String,
    /// Official name of the office, e.g. "Dinas Sosial Kabupaten Bulukumba".
    pub name: String,
    /// The kabupaten or kota the office serves, e.g. "Kabupaten Bulukumba".
    pub kabupaten_kota: String,
    /// The province the kabupaten/kota belongs to.
    pub province: Province,
    /// Kemendagri region code of the kabupaten/kota, `PP.KK` (e.g. `73.02`), see Kepmendagri 300.2.2-2138/2025.
    pub region_code: String,
    /// IANA time zone: `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) or `Asia/Jayapura` (WIT).
    pub time_zone: String,
    /// When the office serves the public; office minutes and hours count only inside these hours.
    pub office_hours: Vec<OfficeHours>,
    /// Code of the shared calendar the office follows (a file under `service-definitions/calendars/`).
    pub calendar: String,
    /// Share of a deadline's time, in percent, after which it shows as nearing (80 unless the office says).
    #[serde(default = "default_nearing_percent")]
    pub nearing_percent: u8,
    /// The office's own days off, added to the shared calendar.
    #[serde(default)]
    pub days_off: Vec<DayOff>,
    /// Where the office is and how to reach it.
    pub address: Address,
    /// The letterhead printed on every letter.
    pub kop_surat: KopSurat,
    /// Officials who sign letters.
    pub signatories: Vec<Signatory>,
    /// The roles people hold in this office; steps and submissions name these codes.
    pub roles: Vec<Role>,
    /// Letter-number series, one per kind of letter the office numbers separately.
    pub numbering: Vec<NumberingSeries>,
    /// The office's complaint channels, shown on its public page.
    pub pengaduan: Vec<ComplaintChannel>,
    /// How quickly the office handles a complaint, in working days from its receipt.
    #[serde(default)]
    pub complaint_deadlines: ComplaintDeadlines,
    /// How applicants are told of their applications; nobody is messaged when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<Notifications>,
    /// How the office's registry exports (DTSEN, E-Dabu) are read and kept.
    #[serde(default)]
    pub registry: super::Registry,
}

fn default_nearing_percent() -> u8 {
    80
}

/// The time the office gives itself for each step of a complaint, in working days counted from its receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintDeadlines {
    /// To assign an officer.
    pub assign_days: u32,
    /// To answer the complainant.
    pub respond_days: u32,
    /// To close it.
    pub close_days: u32,
}

impl Default for ComplaintDeadlines {
    /// One day to assign, five to answer (SP4N-LAPOR asks an agency to follow a report up within five working
    /// days), fourteen to close — for an office whose file says nothing.
    fn default() -> Self {
        ComplaintDeadlines { assign_days: 1, respond_days: 5, close_days: 14 }
    }
}

/// A province, which provincial admins are attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// Two-digit Kemendagri code, e.g. `73`.
    pub code: String,
    /// Name, e.g. "Sulawesi Selatan".
    pub name: String,
}

/// Opening hours for some days of the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct OfficeHours {
    /// The days these hours apply to.
    pub days: Vec<Weekday>,
    /// Opening time, `HH:MM` local time.
    #[schemars(with = "String")]
    pub open: NaiveTime,
    /// Closing time, `HH:MM` local time; after the opening time.
    #[schemars(with = "String")]
    pub close: NaiveTime,
}

/// A day of the week, in Bahasa Indonesia.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Senin,
    Selasa,
    Rabu,
    Kamis,
    Jumat,
    Sabtu,
    Minggu,
}

impl Weekday {
    /// The chrono weekday, for calendar arithmetic.
    pub fn to_chrono(self) -> chrono::Weekday {
        match self {
            Weekday::Senin => chrono::Weekday::Mon,
            Weekday::Selasa => chrono::Weekday::Tue,
            Weekday::Rabu => chrono::Weekday::Wed,
            Weekday::Kamis => chrono::Weekday::Thu,
            Weekday::Jumat => chrono::Weekday::Fri,
            Weekday::Sabtu => chrono::Weekday::Sat,
            Weekday::Minggu => chrono::Weekday::Sun,
        }
    }
}

/// Postal address and contacts of the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// Town or city.
    pub city: String,
    /// Postal code, five digits, when known.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Telephone numbers.
    #[serde(default)]
    pub phone: Vec<String>,
    /// E-mail addresses.
    #[serde(default)]
    pub email: Vec<String>,
    /// Web site.
    #[serde(default)]
    pub website: Option<String>,
    /// Public base URL of the office's Simpul pages; letter QR codes point there.
    #[serde(default)]
    pub public_url: Option<String>,
}

/// The letterhead (kop surat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KopSurat {
    /// Lines in capitals at the top, e.g. ["PEMERINTAH KABUPATEN BULUKUMBA", "DINAS SOSIAL"].
    pub lines: Vec<String>,
    /// The address line under the names.
    pub address_line: String,
    /// File name of the regional emblem under the tenant's `templates/`, if any.
    #[serde(default)]
    pub emblem: Option<String>,
}

/// The kinds of image a letter may show (an emblem), by which the layout decodes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Svg,
    Png,
    Jpeg,
}

impl ImageKind {
    /// The kind of an image file by its name's ending (`lambang.PNG` is a PNG); `None` for anything else.
    pub fn of_file(name: &str) -> Option<Self> {
        let ending = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ending.as_str() {
            "svg" => Some(Self::Svg),
            "png" => Some(Self::Png),
            "jpg" | "jpeg" => Some(Self::Jpeg),
            _ => None,
        }
    }

    /// Whether `bytes` begin as a file of this kind does (PNG's and JPEG's signatures, an SVG's `<svg` or XML
    /// prolog), so that an upload named `.png` is a PNG before a letter tries to decode it.
    pub fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Self::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            Self::Jpeg => bytes.starts_with(&[0xff, 0xd8, 0xff]),
            Self::Svg => {
                let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
                head.contains("<svg")
            }
        }
    }
}

/// What a file under an office's `templates/` is: a letter template (Handlebars producing Typst, `.hbs`) or an
/// image a template shows (the emblem).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateFileKind {
    /// A `.hbs` template.
    Template,
    /// An image.
    Image(ImageKind),
}

impl TemplateFileKind {
    /// The kind of the file `name`, when the name is one an office's file may have: lower-case letters, digits,
    /// `-` and `_`, one ending (`.hbs`, `.svg`, `.png`, `.jpg`, `.jpeg`), at most 80 characters — a name that
    /// is safe as a path, in a URL and in a bundle, whoever typed it.
    pub fn of_name(name: &str) -> Option<Self> {
        let (stem, _) = name.rsplit_once('.')?;
        let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if name.len() > 80 || stem.is_empty() || !stem.chars().all(plain) {
            return None;
        }
        if name.ends_with(".hbs") { Some(Self::Template) } else { ImageKind::of_file(name).map(Self::Image) }
    }
}

/// An official who signs letters. The signature block prints the title (with Plt./Plh., or beneath "a.n." and
/// the principal's title for a delegate), the name, the pangkat and the NIP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// The role whose holder signs (a code from `roles`).
    pub role: String,
    /// Title of the position, e.g. "Kepala Dinas Sosial Kota Tebing Tinggi".
    pub title: String,
    /// Full name with academic titles, as printed under the signature.
    pub name: String,
    /// The source names no one: `name` is a marked placeholder (e.g. "[NAMA KEPALA DINAS]") that the office
    /// replaces with the official's name, pangkat and NIP. Validation warns while it is set.
    #[serde(default)]
    pub placeholder: bool,
    /// Rank (pangkat), e.g. "Pembina Utama Muda".
    #[serde(default)]
    pub rank: Option<String>,
    /// NIP, 18 digits, written with or without the usual spaces (`19650523 199303 1 006`).
    #[serde(default)]
    pub nip: Option<String>,
    /// The role of the official this one signs for ("a.n." — atas nama), e.g. the Sekretaris for the Kepala
    /// Dinas; that role's signatory gives the title printed after "a.n.".
    #[serde(default)]
    pub on_behalf_of: Option<String>,
    /// Whether the official holds the position as acting (Plt.) or daily stand-in (Plh.).
    #[serde(default)]
    pub acting: Option<Acting>,
    /// The letter products this official signs (product codes); empty: every letter a step of their role issues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub letters: Vec<String>,
}

impl Signatory {
    /// Whether this official signs `product` when a holder of their role signs it.
    pub fn signs(&self, product: &str) -> bool {
        self.letters.is_empty() || self.letters.iter().any(|l| l == product)
    }

    /// The title as the letter prints it: "Plt. Kepala Dinas …" for an acting official.
    pub fn printed_title(&self) -> String {
        match self.acting {
            Some(acting) => format!("{} {}", acting.abbreviation(), self.title),
            None => self.title.clone(),
        }
    }
}

/// How an official holds a position they were not appointed to (Permendagri 1/2023, tata naskah dinas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Acting {
    /// Pelaksana Tugas: the position is vacant.
    Plt,
    /// Pelaksana Harian: the official is away for a while.
    Plh,
}

impl Acting {
    /// "Plt." or "Plh.", as printed before the title.
    pub fn abbreviation(self) -> &'static str {
        match self {
            Acting::Plt => "Plt.",
            Acting::Plh => "Plh.",
        }
    }
}

/// A role people hold in the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Code used by steps and by demo user names (`<role>@<tenant>`), e.g. `front_office`.
    pub code: String,
    /// Name of the position, e.g. "Petugas Front Office".
    pub name: String,
    /// Whether holders of this role may see unmasked NIK and No. KK.
    #[serde(default)]
    pub sees_personal_data: bool,
}

/// A numbering series for letters: a pattern and a sequence that restarts every year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct NumberingSeries {
    /// Code products name, e.g. `rekomendasi`.
    pub code: String,
    /// What the series numbers.
    pub name: String,
    /// Pattern with placeholders `{seq}`, `{bulan}` (Roman month), `{bulan_angka}`, `{tahun}`;
    /// e.g. `400.9/{seq}/Dinsos/{bulan}/{tahun}` (400.9 = Sosial, Permendagri 83/2022).
    pub pattern: String,
}

/// Placeholders a letter-number pattern may use.
pub const NUMBER_PLACEHOLDERS: &[&str] = &["seq", "bulan", "bulan_angka", "tahun"];
