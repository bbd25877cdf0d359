//! The state of an application, and how events fold into it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use simpul_definitions::model::{Channel, OutcomeStatus, SurveyResult};

use crate::deadline::Deadline;
use crate::event::{Effect, Event, EventKind};
use crate::registry::FactSources;
use crate::values::{Derived, Facts, FormData, RuleResult};

/// The code of the outcome every service has: withdrawn by the applicant.
pub const WITHDRAWN: &str = simpul_definitions::model::WITHDRAWN_OUTCOME;

/// How an application ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EndStatus {
    /// The service was given.
    Granted,
    /// Found not eligible.
    NotEligible,
    /// Rejected.
    Rejected,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl EndStatus {
    /// Every kind of end, in a stable order.
    pub const ALL: [EndStatus; 4] =
        [EndStatus::Granted, EndStatus::NotEligible, EndStatus::Rejected, EndStatus::Withdrawn];

    /// The name stored (`granted`, …).
    pub fn code(self) -> &'static str {
        match self {
            EndStatus::Granted => "granted",
            EndStatus::NotEligible => "not_eligible",
            EndStatus::Rejected => "rejected",
            EndStatus::Withdrawn => "withdrawn",
        }
    }

    /// The kind a stored name stands for.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl From<OutcomeStatus> for EndStatus {
    fn from(status: OutcomeStatus) -> Self {
        match status {
            OutcomeStatus::Granted => EndStatus::Granted,
            OutcomeStatus::NotEligible => EndStatus::NotEligible,
            OutcomeStatus::Rejected => EndStatus::Rejected,
        }
    }
}

/// Where the application is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// In a step, waiting for an officer.
    AtStep {
        /// The step code.
        step: String,
    },
    /// Back with the applicant, who must bring what is missing; it resumes at `step`.
    Returned {
        /// The step that returned it.
        step: String,
    },
    /// Ended.
    Ended {
        /// The outcome code.
        outcome: String,
        /// What kind of end.
        status: EndStatus,
        /// Products the outcome delivers.
        products: Vec<String>,
    },
}

/// One initial of a paraf chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Initial {
    /// The role initialled as.
    pub role: String,
    /// Who initialled.
    pub user_id: String,
}

/// The clocks of an application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clocks {
    /// The whole service's deadline, once its clock started.
    pub service: Option<Deadline>,
    /// The current step's deadline, if the step has a duration.
    pub step: Option<Deadline>,
    /// Since when the application waits for the applicant.
    pub suspended_at: Option<DateTime<Utc>>,
}

/// The state of one application: the fold of its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    /// Service code.
    pub service: String,
    /// The definition version it runs under.
    pub definition_version: u32,
    /// Number of events folded; the optimistic version callers send back.
    pub version: u64,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// How it reached the office.
    pub channel: Channel,
    /// The form.
    pub data: FormData,
    /// Values derived from the subject's NIK or birth date.
    pub derived: Derived,
    /// Registry facts, latest value of each.
    pub facts: Facts,
    /// Where the latest value of each fact came from (for values recorded since provenance is).
    #[serde(default)]
    pub fact_sources: FactSources,
    /// Latest result of each rule checked.
    pub rule_results: BTreeMap<String, RuleResult>,
    /// Warnings for the officer.
    pub warnings: Vec<String>,
    /// Attached documents by requirement.
    pub documents: BTreeMap<String, BTreeSet<String>>,
    /// Requirements whose paper copy was received.
    pub received: BTreeSet<String>,
    /// Where it is.
    pub stage: Stage,
    /// The officer named by the last disposisi.
    pub assignee: Option<String>,
    /// Initials of the current paraf chain.
    pub paraf: Vec<Initial>,
    /// Everyone who has initialled a draft of the application, in any chain: they may not sign its letters
    /// (separation of duties). Absent from snapshots written before it existed, where it starts empty.
    #[serde(default)]
    pub initialled_by: BTreeSet<String>,
    /// Checklist answers by `step.item`.
    pub checklist: BTreeMap<String, bool>,
    /// The last survey result.
    pub survey_result: Option<SurveyResult>,
    /// Requirements reported missing at the last return.
    pub missing: Vec<String>,
    /// Letter products signed.
    pub signed: Vec<String>,
    /// Deadlines.
    pub clocks: Clocks,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Where it has been, in order: each step it entered (or the applicant's hands, `step: None`) and when —
    /// what the time spent per step is measured from. Absent from snapshots written before it existed (the store
    /// folds those again from their events).
    #[serde(default)]
    pub visits: Vec<Visit>,
}

/// A stay of an application: in a step, or with the applicant (`step: None`) after a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// The step, or `None` while the applicant brings what is missing.
    pub step: Option<String>,
    /// When it began.
    pub since: DateTime<Utc>,
}

/// Why events could not be folded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FoldError {
    /// There are no events.
    #[error("no events")]
    Empty,
    /// The first event is not a submission, or a later one is.
    #[error("event {index} is out of place")]
    OutOfPlace {
        /// Position of the event.
        index: usize,
    },
}

impl Application {
    /// The step the application is in or returns to; `None` once ended.
    pub fn step(&self) -> Option<&str> {
        match &self.stage {
            Stage::AtStep { step } | Stage::Returned { step } => Some(step),
            Stage::Ended { .. } => None,
        }
    }

    /// Whether the application has ended.
    pub fn is_ended(&self) -> bool {
        matches!(self.stage, Stage::Ended { .. })
    }

    /// Whether a requirement is met by an attached document or a received paper copy.
    pub fn has_document(&self, requirement: &str) -> bool {
        self.received.contains(requirement) || self.documents.get(requirement).is_some_and(|d| !d.is_empty())
    }

    /// Rebuilds the state from its events.
    pub fn fold(events: &[Event]) -> Result<Application, FoldError> {
        let (first, rest) = events.split_first().ok_or(FoldError::Empty)?;
        let mut state = Application::submitted(first).ok_or(FoldError::OutOfPlace { index: 0 })?;
        for (i, event) in rest.iter().enumerate() {
            state.apply(event).map_err(|_| FoldError::OutOfPlace { index: i + 1 })?;
        }
        Ok(state)
    }

    /// The state right after a submission event.
    pub fn submitted(event: &Event) -> Option<Application> {
        let EventKind::Submitted(s) = &event.kind else { return None };
        Some(Application {
            service: s.service.clone(),
            definition_version: s.definition_version,
            version: 1,
            submitted_at: event.at,
            channel: s.channel,
            data: s.data.clone(),
            derived: s.derived.clone(),
            facts: s.facts.clone(),
            fact_sources: s.fact_sources.clone(),
            rule_results: s.rule_results.iter().map(|r| (r.rule.clone(), r.clone())).collect(),
            warnings: s.warnings.clone(),
            documents: BTreeMap::new(),
            received: s.documents_received.clone(),
            stage: Stage::AtStep { step: s.step.clone() },
            assignee: None,
            paraf: Vec::new(),
            initialled_by: BTreeSet::new(),
            checklist: BTreeMap::new(),
            survey_result: None,
            missing: Vec::new(),
            signed: Vec::new(),
            clocks: Clocks { service: s.service_deadline, step: s.step_deadline, suspended_at: None },
            ended_at: None,
            visits: vec![Visit { step: Some(s.step.clone()), since: event.at }],
        })
    }

    /// Applies one later event.
    pub fn apply(&mut self, event: &Event) -> Result<(), FoldError> {
        match &event.kind {
            EventKind::Submitted(_) => return Err(FoldError::OutOfPlace { index: 0 }),
            EventKind::ActionTaken(a) => {
                for (item, answer) in &a.checklist {
                    self.checklist.insert(format!("{}.{item}", a.step), *answer);
                }
                self.facts.extend(a.facts.iter().map(|(k, v)| (*k, *v)));
                for fact in a.facts.keys() {
                    // A value recorded without provenance replaces one that had it: its source is unknown.
                    match a.fact_sources.get(fact) {
                        Some(source) => self.fact_sources.insert(*fact, source.clone()),
                        None => self.fact_sources.remove(fact),
                    };
                }
                for result in &a.rule_results {
                    self.rule_results.insert(result.rule.clone(), result.clone());
                }
                self.received.extend(a.documents_received.iter().cloned());
                if a.result.is_some() {
                    self.survey_result = a.result;
                }
                if let Some(assignee) = &a.assignee {
                    self.assignee = Some(assignee.clone());
                }
                if let Some(product) = &a.signed {
                    self.signed.push(product.clone());
                }
                if a.initialled_as.is_some() {
                    self.initialled_by.insert(event.actor.clone());
                }
                if let Some(deadline) = a.service_deadline_started {
                    self.clocks.service = Some(deadline);
                }
                match &a.effect {
                    Effect::Initialled { role } => {
                        self.paraf.push(Initial { role: role.clone(), user_id: event.actor.clone() });
                    }
                    Effect::MovedTo { step, deadline } => {
                        self.visits.push(Visit { step: Some(step.clone()), since: event.at });
                        self.stage = Stage::AtStep { step: step.clone() };
                        self.clocks.step = *deadline;
                        self.paraf.clear();
                    }
                    Effect::Returned => {
                        self.visits.push(Visit { step: None, since: event.at });
                        self.stage = Stage::Returned { step: a.step.clone() };
                        self.clocks.suspended_at = Some(event.at);
                        self.missing = a.missing.clone();
                        self.paraf.clear();
                    }
                    Effect::Ended { outcome, status, products } => {
                        self.stage =
                            Stage::Ended { outcome: outcome.clone(), status: *status, products: products.clone() };
                        self.clocks.step = None;
                        self.ended_at = Some(event.at);
                    }
                }
            }
            EventKind::Resubmitted(r) => {
                self.visits.push(Visit { step: Some(r.step.clone()), since: event.at });
                self.data = r.data.clone();
                self.derived = r.derived.clone();
                self.received.extend(r.documents_received.iter().cloned());
                self.stage = Stage::AtStep { step: r.step.clone() };
                self.clocks = Clocks { service: r.service_deadline, step: r.step_deadline, suspended_at: None };
                self.missing.clear();
            }
            EventKind::Withdrawn { .. } => {
                self.stage =
                    Stage::Ended { outcome: WITHDRAWN.to_string(), status: EndStatus::Withdrawn, products: vec![] };
                self.clocks.step = None;
                self.ended_at = Some(event.at);
            }
            EventKind::DocumentAttached { requirement, document } => {
                self.documents.entry(requirement.clone()).or_default().insert(document.clone());
            }
            EventKind::Migrated(m) => {
                self.definition_version = m.to_version;
                for field in &m.removed {
                    self.data.remove(field);
                }
                self.data.extend(m.data.iter().map(|(k, v)| (k.clone(), v.clone())));
                if let Some(to) = &m.step_to {
                    self.stage = match &self.stage {
                        Stage::AtStep { .. } => Stage::AtStep { step: to.clone() },
                        Stage::Returned { .. } => Stage::Returned { step: to.clone() },
                        ended @ Stage::Ended { .. } => ended.clone(),
                    };
                }
            }
        }
        self.version += 1;
        Ok(())
    }
}
