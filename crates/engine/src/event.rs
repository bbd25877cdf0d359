//! Events: what happened to an application. They are the record; the state is their fold.
//!
//! Every event carries what folding needs — deadlines already computed, derived values already derived — so that
//! rebuilding the state needs neither the calendar nor the clock.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use simpul_definitions::model::{Channel, SurveyResult};

use crate::deadline::Deadline;
use crate::registry::FactSources;
use crate::state::EndStatus;
use crate::values::{Derived, Facts, FormData, RuleResult};

/// One thing that happened, when, and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The user who did it.
    pub actor: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The kinds of event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The application was submitted.
    Submitted(Submitted),
    /// An officer took an action in a step.
    ActionTaken(ActionTaken),
    /// The applicant brought what was missing.
    Resubmitted(Resubmitted),
    /// The applicant withdrew the application.
    Withdrawn {
        /// Why.
        reason: String,
    },
    /// A document was attached for a requirement.
    DocumentAttached {
        /// The requirement code.
        requirement: String,
        /// The stored document's id.
        document: String,
    },
    /// An admin moved the application to a newer version of its service's definition.
    Migrated(Migrated),
}

/// The type of an event, without its data: what subscribers, webhooks and the history filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "HistoryKind"))]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// The application was submitted.
    Submitted,
    /// An officer took an action in a step.
    ActionTaken,
    /// The applicant brought what was missing.
    Resubmitted,
    /// The applicant withdrew the application.
    Withdrawn,
    /// A document was attached for a requirement.
    DocumentAttached,
    /// An admin moved the application to a newer version of its service's definition.
    Migrated,
}

impl EventType {
    /// Every type, in a stable order.
    pub const ALL: [EventType; 6] = [
        EventType::Submitted,
        EventType::ActionTaken,
        EventType::Resubmitted,
        EventType::Withdrawn,
        EventType::DocumentAttached,
        EventType::Migrated,
    ];

    /// The name stored and sent to subscribers (`submitted`, `action_taken`, …).
    pub fn name(self) -> &'static str {
        match self {
            EventType::Submitted => "submitted",
            EventType::ActionTaken => "action_taken",
            EventType::Resubmitted => "resubmitted",
            EventType::Withdrawn => "withdrawn",
            EventType::DocumentAttached => "document_attached",
            EventType::Migrated => "migrated",
        }
    }
}

impl EventKind {
    /// The event's type.
    pub fn event_type(&self) -> EventType {
        match self {
            EventKind::Submitted(_) => EventType::Submitted,
            EventKind::ActionTaken(_) => EventType::ActionTaken,
            EventKind::Resubmitted(_) => EventType::Resubmitted,
            EventKind::Withdrawn { .. } => EventType::Withdrawn,
            EventKind::DocumentAttached { .. } => EventType::DocumentAttached,
            EventKind::Migrated(_) => EventType::Migrated,
        }
    }

    /// The event's type as stored and as subscribers see it (`submitted`, `action_taken`, …).
    pub fn name(&self) -> &'static str {
        self.event_type().name()
    }
}

/// A move to a newer definition version. Deadlines already running are kept (see [`crate::migrate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migrated {
    /// The version it ran under.
    pub from_version: u32,
    /// The version it runs under now.
    pub to_version: u32,
    /// The step it was in (or returns to), under the old version's code.
    pub step_from: Option<String>,
    /// The same step's code in the new version (a renamed step's new code).
    pub step_to: Option<String>,
    /// Values the admin supplied for fields the new version asks for.
    pub data: FormData,
    /// Fields the new version no longer has: their values leave the form (the submission's event keeps them).
    pub removed: Vec<String>,
}

/// The submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submitted {
    /// Service code.
    pub service: String,
    /// The definition version the application runs under until it ends.
    pub definition_version: u32,
    /// How it reached the office.
    pub channel: Channel,
    /// The form, validated.
    pub data: FormData,
    /// Values derived from the subject's NIK or birth date.
    pub derived: Derived,
    /// Facts recorded at submission.
    pub facts: Facts,
    /// Where each of `facts` came from (absent from events written before provenance was recorded).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fact_sources: FactSources,
    /// Results of the submission rules.
    pub rule_results: Vec<RuleResult>,
    /// Things the officer should know that do not stop the application (e.g. a NIK registered elsewhere).
    pub warnings: Vec<String>,
    /// Paper copies received.
    pub documents_received: BTreeSet<String>,
    /// The first step.
    pub step: String,
    /// Deadline of the first step, if it has a duration.
    pub step_deadline: Option<Deadline>,
    /// The service deadline, if its clock starts at submission.
    pub service_deadline: Option<Deadline>,
}

/// An action in a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionTaken {
    /// The step it was taken in.
    pub step: String,
    /// The action code.
    pub action: String,
    /// The officer's note.
    pub note: Option<String>,
    /// Checklist answers.
    pub checklist: BTreeMap<String, bool>,
    /// Facts recorded with it.
    pub facts: Facts,
    /// Where each of `facts` came from (absent from events written before provenance was recorded).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fact_sources: FactSources,
    /// Results of the rules it checked.
    pub rule_results: Vec<RuleResult>,
    /// Survey result, for a survey action.
    pub result: Option<SurveyResult>,
    /// Paper copies received.
    pub documents_received: BTreeSet<String>,
    /// Requirements reported missing, when returned.
    pub missing: Vec<String>,
    /// The officer assigned by a disposisi.
    pub assignee: Option<String>,
    /// The letter product signed, for a sign step.
    pub signed: Option<String>,
    /// The role the officer initialled the draft as, for a paraf (also the one that completes the chain).
    /// Absent from events written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initialled_as: Option<String>,
    /// The service deadline that this action started (requirements confirmed complete).
    pub service_deadline_started: Option<Deadline>,
    /// What the action did to the application.
    pub effect: Effect,
}

/// Where an action left the application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// One role of a paraf chain initialled; the chain goes on in the same step.
    Initialled {
        /// The role initialled as.
        role: String,
    },
    /// The application moved to a step.
    MovedTo {
        /// The step.
        step: String,
        /// Its deadline, if it has a duration.
        deadline: Option<Deadline>,
    },
    /// The application went back to the applicant; the clocks stop.
    Returned,
    /// The application ended.
    Ended {
        /// The outcome code.
        outcome: String,
        /// What kind of end.
        status: EndStatus,
        /// Products the outcome delivers.
        products: Vec<String>,
    },
}

/// The applicant brought what was missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resubmitted {
    /// The form after the corrections.
    pub data: FormData,
    /// Derived values, again.
    pub derived: Derived,
    /// Paper copies received now.
    pub documents_received: BTreeSet<String>,
    /// The step the application goes back to.
    pub step: String,
    /// That step's deadline, moved by the time spent waiting.
    pub step_deadline: Option<Deadline>,
    /// The service deadline, moved by the time spent waiting.
    pub service_deadline: Option<Deadline>,
}
