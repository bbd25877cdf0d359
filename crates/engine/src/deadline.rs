//! Deadlines: when something is due, how much of its time is used, and whether it is on time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use simpul_definitions::model::{Duration, DurationUnit};

use crate::calendar::WorkCalendar;

/// A deadline as stored in the state: it started, it is due, and it may have been extended by suspensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// When the clock started.
    pub started_at: DateTime<Utc>,
    /// When the time is up.
    pub due_at: DateTime<Utc>,
    /// Office minutes from the start to the original due time: the time the standard allows.
    pub budget_minutes: i64,
    /// Office minutes spent waiting for the applicant, which do not count as used.
    pub suspended_minutes: i64,
}

/// Whether a deadline is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeadlineState {
    /// Less than the nearing share of the time is used.
    OnTime,
    /// The nearing share (80 % unless the tenant says otherwise) or more is used.
    Nearing,
    /// The time is up.
    Overdue,
}

/// What a deadline looks like at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineStatus {
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// Office minutes used so far, waiting time excluded.
    pub used_minutes: i64,
    /// Office minutes allowed.
    pub budget_minutes: i64,
    /// On time, nearing or overdue.
    pub state: DeadlineState,
}

impl Deadline {
    /// A deadline of `limit` starting at `start`.
    pub fn start(calendar: &WorkCalendar, start: DateTime<Utc>, limit: Duration) -> Self {
        let due_at = calendar.due(start, limit.value, limit.unit);
        let budget_minutes = match limit.unit {
            DurationUnit::Menit => i64::from(limit.value),
            DurationUnit::Jam => i64::from(limit.value) * 60,
            DurationUnit::HariKerja => calendar.office_minutes_between(start, due_at),
        };
        Deadline { started_at: start, due_at, budget_minutes, suspended_minutes: 0 }
    }

    /// The deadline after the applicant was waited for from `suspended_at` to `resumed_at`: it moves by the
    /// office time spent waiting, and that time is not counted as used.
    pub fn extended(self, calendar: &WorkCalendar, suspended_at: DateTime<Utc>, resumed_at: DateTime<Utc>) -> Self {
        let waited = calendar.office_minutes_between(suspended_at, resumed_at);
        Deadline {
            due_at: calendar.add_office_minutes(self.due_at, waited),
            suspended_minutes: self.suspended_minutes + waited,
            ..self
        }
    }

    /// The instant at which the deadline turns "nearing" (the calendar's share of the time used), for queries
    /// that filter by deadline state without computing it row by row.
    pub fn nearing_at(&self, calendar: &WorkCalendar) -> DateTime<Utc> {
        let threshold = self.budget_minutes * i64::from(calendar.nearing_percent) / 100;
        calendar.add_office_minutes(self.started_at, threshold + self.suspended_minutes)
    }

    /// The status at `now`; while the application waits for the applicant (`suspended_at`), time stands still.
    pub fn status(
        &self,
        calendar: &WorkCalendar,
        now: DateTime<Utc>,
        suspended_at: Option<DateTime<Utc>>,
    ) -> DeadlineStatus {
        let until = suspended_at.map_or(now, |s| s.min(now));
        let used = (calendar.office_minutes_between(self.started_at, until) - self.suspended_minutes).max(0);
        let overdue = if suspended_at.is_some() { used > self.budget_minutes } else { now > self.due_at };
        let state = if overdue {
            DeadlineState::Overdue
        } else if used * 100 >= self.budget_minutes * i64::from(calendar.nearing_percent) {
            DeadlineState::Nearing
        } else {
            DeadlineState::OnTime
        };
        DeadlineStatus { due_at: self.due_at, used_minutes: used, budget_minutes: self.budget_minutes, state }
    }
}
