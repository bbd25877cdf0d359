//! How long an ended application took, as the office's dashboard measures it: office time from the start of the
//! service clock to the end (the applicant's waiting time not counted), against the standard's time limit, and
//! the office time spent in each step — all on the office's calendar.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::WorkCalendar;
use crate::state::{Application, EndStatus, Stage};

/// The measures of an ended application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// When it ended.
    pub ended_at: DateTime<Utc>,
    /// What kind of end.
    pub status: EndStatus,
    /// Office minutes it took: from the service clock's start (or the submission, for a service without a time
    /// limit) to the end, minus the office time it waited for the applicant.
    pub minutes: i64,
    /// The office minutes the standard allows, when it states a time limit.
    pub budget_minutes: Option<i64>,
    /// Whether it ended by its deadline, when it had one.
    pub on_time: Option<bool>,
    /// Office minutes spent in each step (summed over returns to it); time with the applicant is not a step's.
    pub steps: BTreeMap<String, i64>,
}

/// The measures of `app` once it has ended; `None` while it is open.
pub fn timing(app: &Application, calendar: &WorkCalendar) -> Option<Timing> {
    let (Stage::Ended { status, .. }, Some(ended_at)) = (&app.stage, app.ended_at) else { return None };
    let (minutes, budget_minutes, on_time) = match app.clocks.service {
        Some(deadline) => {
            let at_end = deadline.status(calendar, ended_at, None);
            (at_end.used_minutes, Some(deadline.budget_minutes), Some(ended_at <= deadline.due_at))
        }
        None => (calendar.office_minutes_between(app.submitted_at, ended_at).max(0), None, None),
    };
    let mut steps: BTreeMap<String, i64> = BTreeMap::new();
    for (i, visit) in app.visits.iter().enumerate() {
        let until = app.visits.get(i + 1).map_or(ended_at, |next| next.since);
        if let Some(step) = &visit.step {
            *steps.entry(step.clone()).or_default() += calendar.office_minutes_between(visit.since, until).max(0);
        }
    }
    Some(Timing { ended_at, status: *status, minutes, budget_minutes, on_time, steps })
}
