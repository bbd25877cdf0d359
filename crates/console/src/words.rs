//! How the console says the API's closed sets and instants in Bahasa Indonesia: deadline states, statuses, and
//! times in the office's own time zone (dates as the letters write them).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{Value, json};

/// An office's time zone (`Asia/Makassar`); Jakarta time when the name is not one chrono-tz knows.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Asia::Jakarta)
}

/// An instant as the office reads it: `3 Desember 2026 14.05 WITA`.
pub fn time(at: DateTime<Utc>, tz: Tz) -> String {
    simpul_letters::helpers::waktu(at, tz)
}

/// A date: `3 Desember 2026`.
pub fn date(at: DateTime<Utc>, tz: Tz) -> String {
    simpul_letters::helpers::tanggal(at.with_timezone(&tz).date_naive())
}

/// A calendar date of a form (`1985-07-05`) as people write it: `5 Juli 1985`.
pub fn calendar_date(text: &str) -> Option<String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(simpul_letters::helpers::tanggal)
}

/// A deadline's state (the API's `DeadlineState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeadlineState {
    OnTime,
    Nearing,
    Overdue,
}

impl DeadlineState {
    /// The words an officer reads.
    pub fn words(self) -> &'static str {
        match self {
            DeadlineState::OnTime => "tepat waktu",
            DeadlineState::Nearing => "mendekati batas",
            DeadlineState::Overdue => "terlambat",
        }
    }

    /// The class that colours it.
    pub fn class(self) -> &'static str {
        match self {
            DeadlineState::OnTime => "tepat",
            DeadlineState::Nearing => "dekat",
            DeadlineState::Overdue => "lewat",
        }
    }

    /// Its name in the inbox's address (`?tenggat=terlambat`).
    pub fn slug(self) -> &'static str {
        match self {
            DeadlineState::OnTime => "tepat-waktu",
            DeadlineState::Nearing => "mendekati-batas",
            DeadlineState::Overdue => "terlambat",
        }
    }

    /// The state a slug names.
    pub fn from_slug(slug: &str) -> Option<Self> {
        [DeadlineState::OnTime, DeadlineState::Nearing, DeadlineState::Overdue].into_iter().find(|s| s.slug() == slug)
    }

    /// Its value in the API (`ON_TIME`).
    pub fn api(self) -> &'static str {
        match self {
            DeadlineState::OnTime => "ON_TIME",
            DeadlineState::Nearing => "NEARING",
            DeadlineState::Overdue => "OVERDUE",
        }
    }

    /// Every state, for a filter's choices.
    pub fn all() -> [Self; 3] {
        [DeadlineState::OnTime, DeadlineState::Nearing, DeadlineState::Overdue]
    }
}

/// A deadline as the API gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deadline {
    pub due_at: DateTime<Utc>,
    pub state: Option<DeadlineState>,
}

impl Deadline {
    /// A deadline for a template: when, in words and colour.
    pub fn view(&self, tz: Tz) -> Value {
        let state = self.state.unwrap_or(DeadlineState::OnTime);
        json!({ "due": time(self.due_at, tz), "words": state.words(), "class": state.class() })
    }
}

/// An application's status (the API's `ApplicationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    InProgress,
    Returned,
    Ended,
}

impl Status {
    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            Status::InProgress => "Dalam proses",
            Status::Returned => "Dikembalikan kepada pemohon",
            Status::Ended => "Selesai",
        }
    }
}

/// How an application ended (the API's `EndStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EndStatus {
    Granted,
    NotEligible,
    Rejected,
    Withdrawn,
}

impl EndStatus {
    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            EndStatus::Granted => "Diberikan",
            EndStatus::NotEligible => "Tidak memenuhi syarat",
            EndStatus::Rejected => "Ditolak",
            EndStatus::Withdrawn => "Dibatalkan",
        }
    }
}

/// A file's size in words: `1,2 MB`, `640 KB`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_the_offices_own() {
        let at: DateTime<Utc> = "2026-12-03T06:05:00Z".parse().expect("instant");
        assert_eq!(time(at, zone("Asia/Makassar")), "3 Desember 2026 14.05 WITA");
        assert_eq!(time(at, zone("Asia/Jakarta")), "3 Desember 2026 13.05 WIB");
        assert_eq!(date(at, zone("Asia/Jayapura")), "3 Desember 2026");
        assert_eq!(calendar_date("1985-07-05").as_deref(), Some("5 Juli 1985"));
    }

    #[test]
    fn every_deadline_state_has_its_words_and_its_slug() {
        for state in DeadlineState::all() {
            assert_eq!(DeadlineState::from_slug(state.slug()), Some(state));
            assert!(!state.words().is_empty());
        }
        assert_eq!(DeadlineState::Overdue.words(), "terlambat");
    }
}

/// Minutes as people read a duration: "45 menit", "3 jam 20 menit", "2 hari kerja 1 jam" (a working day being
/// the office's `day_minutes`).
pub fn minutes_in_words(minutes: i64, day_minutes: i64) -> String {
    let (days, rest) = if day_minutes > 0 { (minutes / day_minutes, minutes % day_minutes) } else { (0, minutes) };
    let (hours, mins) = (rest / 60, rest % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} hari kerja"));
    }
    if hours > 0 {
        parts.push(format!("{hours} jam"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} menit"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod duration_tests {
    use super::minutes_in_words;

    #[test]
    fn durations_read_in_office_days_hours_and_minutes() {
        assert_eq!(minutes_in_words(45, 480), "45 menit");
        assert_eq!(minutes_in_words(200, 480), "3 jam 20 menit");
        assert_eq!(minutes_in_words(1020, 480), "2 hari kerja 1 jam");
        assert_eq!(minutes_in_words(0, 480), "0 menit");
    }
}
