//! The working calendar: national holidays and cuti bersama, shared by all tenants.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A shared calendar of days off (`service-definitions/calendars/<code>.yaml`).
///
/// Holidays are data an admin edits each year (SKB 3 Menteri); a tenant names the calendar it follows and adds
/// its local days off in `tenant.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Code a tenant uses to name this calendar, e.g. `nasional`.
    pub code: String,
    /// Human name of the calendar.
    pub name: String,
    /// The decrees the dates come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Every day off, in any order.
    pub days_off: Vec<DayOff>,
}

/// One day on which offices are closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayOff {
    /// The date (YYYY-MM-DD).
    pub date: NaiveDate,
    /// National holiday, cuti bersama or a local day off.
    pub kind: DayOffKind,
    /// What the day is, e.g. "Hari Suci Nyepi (Tahun Baru Saka 1948)".
    pub name: String,
}

/// Why the office is closed on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// Hari libur nasional.
    LiburNasional,
    /// Cuti bersama (collective leave fixed by SKB 3 Menteri).
    CutiBersama,
    /// A day off of one region or office only.
    LiburDaerah,
}
