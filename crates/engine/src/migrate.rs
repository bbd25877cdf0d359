//! Moving an open application to a newer version of its service's definition (after a correction was
//! published). Whether it can move: its step exists in the new version (or the admin maps it to one) and its data
//! satisfies the new form (with values the admin supplies for new fields). Its deadlines: see [`DEADLINE_RULE`].

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::event::{EventKind, Migrated};
use crate::form;
use crate::refusal::FieldProblem;
use crate::service::Service;
use crate::state::Application;
use crate::values::FormData;

/// What happens to a moved application's deadlines, as the dry run and the docs state it. The applicant was
/// promised the old time limit when the clock started, and the officer in the current step was given its time:
/// neither changes under them. The steps it enters after the move take the new version's durations.
pub const DEADLINE_RULE: &str = "Tenggat yang sudah berjalan tidak berubah: tenggat layanan tetap seperti saat \
     permohonan mulai dihitung, dan tenggat langkah saat ini tetap; langkah berikutnya memakai lama waktu versi baru.";

/// Why an application cannot move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// It has ended: nothing runs any more.
    Ended,
    /// The target is not newer than its version.
    NotNewer {
        /// Its version.
        from: u32,
        /// The target.
        to: u32,
    },
    /// Its step is not in the new version and no mapping names one.
    StepRemoved {
        /// The step's name in the old version.
        step: String,
        /// The new version.
        to: u32,
    },
    /// The mapping names a step the new version does not have.
    MappedToUnknown {
        /// The old step's code.
        step: String,
        /// The code mapped to.
        to: String,
    },
    /// Its data does not satisfy the new form.
    Form(Vec<FieldProblem>),
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Blocker::Ended => write!(f, "Permohonan sudah selesai"),
            Blocker::NotNewer { from, to } => {
                write!(f, "Permohonan sudah berjalan di versi {from}, tidak lebih lama dari versi {to}")
            }
            Blocker::StepRemoved { step, to } => {
                write!(f, "Langkah «{step}» tidak ada di versi {to}; petakan ke salah satu langkah versi itu")
            }
            Blocker::MappedToUnknown { step, to } => {
                write!(f, "Langkah {step} dipetakan ke {to}, tetapi langkah itu tidak ada di versi baru")
            }
            Blocker::Form(problems) => write!(
                f,
                "Data permohonan tidak memenuhi formulir versi baru: {}",
                problems.iter().map(|p| p.problem.as_str()).collect::<Vec<_>>().join("; ")
            ),
        }
    }
}

/// What moving one application would do, or why it cannot.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Its step (or the step it returns to), by code in the old version.
    pub step_from: Option<String>,
    /// That step in the new version.
    pub step_to: Option<String>,
    /// Why it cannot move; empty when it can.
    pub blockers: Vec<Blocker>,
    /// Values added to its form (the admin's, for fields it lacks), normalised.
    pub added: FormData,
    /// Fields of its form the new version no longer has.
    pub removed: Vec<String>,
    /// The versions.
    pub from_version: u32,
    /// The target version.
    pub to_version: u32,
}

impl Plan {
    /// Whether it can move.
    pub fn eligible(&self) -> bool {
        self.blockers.is_empty()
    }

    /// The event that moves it, when it can.
    pub fn event(&self) -> Option<EventKind> {
        self.eligible().then(|| {
            EventKind::Migrated(Migrated {
                from_version: self.from_version,
                to_version: self.to_version,
                step_from: self.step_from.clone(),
                step_to: self.step_to.clone(),
                data: self.added.clone(),
                removed: self.removed.clone(),
            })
        })
    }
}

/// Plans moving `app` (under `old`) to `new`. `mapping` maps old step codes to new ones (for a renamed step);
/// `supplied` gives values for fields the application lacks. `today` and `region` check the form as a submission
/// would be checked.
pub fn plan(
    app: &Application,
    old: &Service,
    new: &Service,
    mapping: &BTreeMap<String, String>,
    supplied: &FormData,
    today: NaiveDate,
    region: Option<&str>,
) -> Plan {
    let mut blockers = Vec::new();
    if app.is_ended() {
        blockers.push(Blocker::Ended);
    }
    if new.version() <= app.definition_version {
        blockers.push(Blocker::NotNewer { from: app.definition_version, to: new.version() });
    }
    let step_from = app.step().map(str::to_string);
    let step_to = match &step_from {
        None => None,
        Some(step) => match mapping.get(step) {
            Some(to) if new.step(to).is_some() => Some(to.clone()),
            Some(to) => {
                blockers.push(Blocker::MappedToUnknown { step: step.clone(), to: to.clone() });
                None
            }
            None if new.step(step).is_some() => Some(step.clone()),
            None => {
                let name = old.step(step).map_or(step.as_str(), |s| s.name.as_str()).to_string();
                blockers.push(Blocker::StepRemoved { step: name, to: new.version() });
                None
            }
        },
    };
    let fields = &new.definition().fields;
    let known = |code: &str| fields.iter().any(|f| f.code == code);
    let removed: Vec<String> = app.data.keys().filter(|k| !known(k)).cloned().collect();
    let mut data: FormData = app.data.iter().filter(|(k, _)| known(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let lacking: Vec<&String> = supplied.keys().filter(|k| known(k) && !data.contains_key(*k)).collect();
    for key in &lacking {
        if let Some(value) = supplied.get(*key) {
            data.insert((*key).clone(), value.clone());
        }
    }
    let added = match form::check(new, &data, today, region) {
        Ok(checked) => lacking.iter().filter_map(|k| checked.data.get(*k).map(|v| ((*k).clone(), v.clone()))).collect(),
        Err(problems) => {
            blockers.push(Blocker::Form(problems));
            FormData::new()
        }
    };
    Plan {
        step_from,
        step_to,
        blockers,
        added,
        removed,
        from_version: app.definition_version,
        to_version: new.version(),
    }
}
