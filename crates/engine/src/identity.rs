//! NIK and No. KK: their structure, checks and what can be derived from them.
//!
//! NIK: 16 digits `PPKKCCDDMMYYSSSS` — province, kabupaten/kota, kecamatan, birth date with 40 added to the day
//! for women, and a serial that is never 0000. No. KK: 16 digits, the area code, the date the card was made
//! (without the +40) and a serial. The province and kabupaten/kota must be in the Kemendagri list
//! ([`crate::regions`]). The area is where the person was registered, so an area outside the tenant is a warning
//! for the officer, not a refusal.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::regions;

/// Sex as the NIK encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Sex {
    /// Laki-laki.
    L,
    /// Perempuan.
    P,
}

impl Sex {
    /// `"L"` or `"P"`, as expressions compare it.
    pub fn code(self) -> &'static str {
        match self {
            Sex::L => "L",
            Sex::P => "P",
        }
    }

    /// The value of a form's sex field (a subject `choice` of `laki_laki` / `perempuan`).
    pub fn from_choice(value: &str) -> Option<Sex> {
        match value {
            "laki_laki" => Some(Sex::L),
            "perempuan" => Some(Sex::P),
            _ => None,
        }
    }

    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            Sex::L => "laki-laki",
            Sex::P => "perempuan",
        }
    }
}

/// What a valid NIK says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nik {
    /// Region of registration, `PP.KK`.
    pub region: [u8; 4],
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
}

impl Nik {
    /// The region as `PP.KK`, comparable with a tenant's region code.
    pub fn region_code(&self) -> String {
        let r = self.region;
        format!("{}{}.{}{}", r[0], r[1], r[2], r[3])
    }
}

/// Why a NIK or No. KK is not valid, in words an officer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("harus 16 angka")]
    Length,
    #[error("kode provinsi {0} (angka ke-1 dan ke-2) tidak ada dalam daftar wilayah Kemendagri")]
    Province(String),
    #[error("kode kabupaten/kota {0} (angka ke-1 s.d. ke-4) tidak ada dalam daftar wilayah Kemendagri")]
    Regency(String),
    #[error("kode kecamatan (angka ke-5 dan ke-6) tidak boleh 00")]
    District,
    #[error("tanggal lahir di dalamnya (angka ke-7 s.d. 12) tidak valid")]
    BirthDate,
    #[error("tanggal pembuatan kartu di dalamnya (angka ke-7 s.d. 12) tidak valid")]
    IssueDate,
    #[error("nomor urut (4 angka terakhir) tidak boleh 0000")]
    Serial,
}

fn digits(value: &str) -> Result<Vec<u8>, IdentityError> {
    let d: Vec<u8> = value.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    if d.len() != 16 || d.iter().any(|x| *x > 9) {
        return Err(IdentityError::Length);
    }
    Ok(d)
}

fn number(d: &[u8]) -> u32 {
    d.iter().fold(0, |acc, x| acc * 10 + u32::from(*x))
}

fn check_region(d: &[u8]) -> Result<[u8; 4], IdentityError> {
    let text = |range: std::ops::Range<usize>| d[range].iter().map(|x| char::from(b'0' + x)).collect::<String>();
    let province = text(0..2);
    if regions::name(&province).is_none() {
        return Err(IdentityError::Province(province));
    }
    let regency = format!("{province}.{}", text(2..4));
    if regions::name(&regency).is_none() {
        return Err(IdentityError::Regency(regency));
    }
    if number(&d[4..6]) == 0 {
        return Err(IdentityError::District);
    }
    Ok([d[0], d[1], d[2], d[3]])
}

/// The date in `DDMMYY`, with the century chosen so that the date is not after `today`.
fn date(day: u32, month: u32, yy: u32, today: NaiveDate) -> Option<NaiveDate> {
    let this_century = (today.year() / 100 * 100) as u32;
    let year = if this_century + yy <= today.year() as u32 { this_century + yy } else { this_century - 100 + yy };
    NaiveDate::from_ymd_opt(year as i32, month, day).filter(|d| *d <= today)
}

/// Parses and checks a NIK; `today` decides the century of the birth year.
pub fn parse_nik(value: &str, today: NaiveDate) -> Result<Nik, IdentityError> {
    let d = digits(value)?;
    let region = check_region(&d)?;
    let raw_day = number(&d[6..8]);
    let (day, sex) = if raw_day > 40 { (raw_day - 40, Sex::P) } else { (raw_day, Sex::L) };
    let birth_date = date(day, number(&d[8..10]), number(&d[10..12]), today).ok_or(IdentityError::BirthDate)?;
    if number(&d[12..16]) == 0 {
        return Err(IdentityError::Serial);
    }
    Ok(Nik { region, birth_date, sex })
}

/// Checks a No. KK: area code, the date the card was made (no +40), serial.
pub fn check_no_kk(value: &str, today: NaiveDate) -> Result<(), IdentityError> {
    let d = digits(value)?;
    check_region(&d)?;
    date(number(&d[6..8]), number(&d[8..10]), number(&d[10..12]), today).ok_or(IdentityError::IssueDate)?;
    if number(&d[12..16]) == 0 {
        return Err(IdentityError::Serial);
    }
    Ok(())
}

/// Whole years from `birth` to `today`.
pub fn age(birth: NaiveDate, today: NaiveDate) -> i64 {
    let mut years = i64::from(today.year() - birth.year());
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}
