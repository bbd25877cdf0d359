//! A path simulation of a definition (the studio's, before publishing): every way an application can go from the
//! first step to an outcome, the products each outcome yields, and how long each path takes on the office's
//! calendar; and the steps and outcomes no path reaches.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use simpul_definitions::model::{OutcomeStatus, ServiceDefinition, Target};

use crate::calendar::WorkCalendar;

/// The most paths listed. A procedure with many branches and corrections has combinatorially many simple paths;
/// an admin reads a few dozen, and the cap keeps the simulation of any definition a few milliseconds.
pub const MAX_PATHS: usize = 200;

/// One way through the procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedPath {
    /// The steps, in order (codes).
    pub steps: Vec<String>,
    /// The actions taken to leave each step (codes), in order; the last one ends the application.
    pub actions: Vec<String>,
    /// The outcome it ends with.
    pub outcome: String,
    /// What kind of ending.
    pub status: OutcomeStatus,
    /// The products the outcome yields (codes).
    pub products: Vec<String>,
    /// The steps' stated durations together, in office minutes.
    pub office_minutes: u64,
    /// When it would end if it started at the simulation's start and every step took its stated time.
    pub finishes_at: DateTime<Utc>,
    /// Whether it fits the standard's time limit (none when the standard states none).
    pub within_limit: Option<bool>,
}

/// Every path, and what none reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// The paths, shortest first.
    pub paths: Vec<SimulatedPath>,
    /// Whether more paths exist than [`MAX_PATHS`].
    pub truncated: bool,
    /// Steps no path passes through.
    pub unreached_steps: Vec<String>,
    /// Outcomes no path ends with.
    pub unreached_outcomes: Vec<String>,
}

/// Simulates `definition` on `calendar` (whose working day has `per_day` office minutes, for durations in working
/// days), paths starting at `start`. Returns to the applicant resume at the same step, so they add no path; a step
/// is not entered twice on one path (corrections loop back).
pub fn simulate(
    definition: &ServiceDefinition,
    calendar: &WorkCalendar,
    per_day: u32,
    start: DateTime<Utc>,
) -> Simulation {
    let mut walk = Walk { definition, found: Vec::new(), truncated: false };
    if !definition.prosedur.is_empty() {
        walk.from(0, &mut Vec::new(), &mut Vec::new());
    }
    let limit = definition.jangka_waktu.limit.map(|l| l.office_minutes(per_day));
    let mut paths: Vec<SimulatedPath> = walk
        .found
        .into_iter()
        .map(|(steps, actions, outcome)| {
            let office_minutes: u64 =
                steps.iter().filter_map(|&i| definition.prosedur[i].duration).map(|d| d.office_minutes(per_day)).sum();
            let status =
                definition.outcomes.iter().find(|o| o.code == outcome).map_or(OutcomeStatus::Rejected, |o| o.status);
            let products =
                definition.produk.iter().filter(|p| p.outcomes.contains(&outcome)).map(|p| p.code.clone()).collect();
            SimulatedPath {
                steps: steps.iter().map(|&i| definition.prosedur[i].code.clone()).collect(),
                actions,
                outcome,
                status,
                products,
                office_minutes,
                finishes_at: calendar.add_office_minutes(start, office_minutes as i64),
                within_limit: limit.map(|l| office_minutes <= l),
            }
        })
        .collect();
    paths.sort_by(|a, b| a.steps.len().cmp(&b.steps.len()).then(a.office_minutes.cmp(&b.office_minutes)));
    let passed: BTreeSet<&str> = paths.iter().flat_map(|p| p.steps.iter().map(String::as_str)).collect();
    let ended: BTreeSet<&str> = paths.iter().map(|p| p.outcome.as_str()).collect();
    let unreached_steps =
        definition.prosedur.iter().filter(|s| !passed.contains(s.code.as_str())).map(|s| s.code.clone()).collect();
    let unreached_outcomes =
        definition.outcomes.iter().filter(|o| !ended.contains(o.code.as_str())).map(|o| o.code.clone()).collect();
    Simulation { paths, truncated: walk.truncated, unreached_steps, unreached_outcomes }
}

/// The depth-first walk over simple paths.
struct Walk<'a> {
    definition: &'a ServiceDefinition,
    found: Vec<(Vec<usize>, Vec<String>, String)>,
    truncated: bool,
}

impl Walk<'_> {
    fn from(&mut self, at: usize, steps: &mut Vec<usize>, actions: &mut Vec<String>) {
        steps.push(at);
        let step = &self.definition.prosedur[at];
        // One branch per distinct target: two actions to the same place are one path.
        let mut targets: Vec<&Target> = Vec::new();
        for action in &step.actions {
            if targets.contains(&&action.to) {
                continue;
            }
            targets.push(&action.to);
            if self.found.len() >= MAX_PATHS {
                self.truncated = true;
                break;
            }
            actions.push(action.code.clone());
            match &action.to {
                Target::Outcome(outcome) => self.found.push((steps.clone(), actions.clone(), outcome.clone())),
                Target::Step(code) => {
                    if let Some(next) = self.definition.prosedur.iter().position(|s| &s.code == code)
                        && !steps.contains(&next)
                    {
                        self.from(next, steps, actions);
                    }
                }
                Target::Applicant => {}
            }
            actions.pop();
        }
        steps.pop();
    }
}
