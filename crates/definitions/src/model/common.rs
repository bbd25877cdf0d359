//! Small value types shared by every definition file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A unit of time as the standards write it.
///
/// Minutes and hours count *office* time (the clock runs only while the office is open); working days skip
/// weekends, national holidays, cuti bersama and the tenant's own days off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Office minutes.
    Menit,
    /// Office hours.
    Jam,
    /// Working days ("hari kerja").
    HariKerja,
}

impl DurationUnit {
    /// The unit as an officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            DurationUnit::Menit => "menit",
            DurationUnit::Jam => "jam",
            DurationUnit::HariKerja => "hari kerja",
        }
    }
}

/// A length of time in one unit, e.g. `{ value: 5, unit: menit }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    /// How many units; zero is not a duration.
    pub value: u32,
    /// Minutes, hours or working days.
    pub unit: DurationUnit,
}

impl Duration {
    /// The length in office minutes, given how many office minutes one working day has.
    pub fn office_minutes(self, minutes_per_day: u32) -> u64 {
        let value = u64::from(self.value);
        match self.unit {
            DurationUnit::Menit => value,
            DurationUnit::Jam => value * 60,
            DurationUnit::HariKerja => value * u64::from(minutes_per_day),
        }
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.value, self.unit.label())
    }
}
