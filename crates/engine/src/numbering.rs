//! Letter numbers: a tenant's pattern filled with the sequence number and the date (Permendagri 83/2022
//! classification, e.g. `400.9/{seq}/Dinsos/{bulan}/{tahun}`). Pure, so that the store (which takes the number)
//! and the letters (which print it, and print drafts without one) agree.

use chrono::{Datelike, NaiveDate};

/// Roman numerals of the months, as letter numbers write them; empty outside 1–12.
pub fn roman_month(month: u32) -> &'static str {
    const ROMAN: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    ROMAN.get(month.wrapping_sub(1) as usize).copied().unwrap_or("")
}

/// Fills a pattern: `{seq}`, `{bulan}` (Roman month), `{bulan_angka}` (two digits), `{tahun}`.
pub fn format_number(pattern: &str, seq: i64, date: NaiveDate) -> String {
    pattern
        .replace("{seq}", &seq.to_string())
        .replace("{bulan_angka}", &format!("{:02}", date.month()))
        .replace("{bulan}", roman_month(date.month()))
        .replace("{tahun}", &date.year().to_string())
}
