//! The engine of Simpul: one generic, pure piece of code that runs every office's procedure from its
//! definition.
//!
//! [`decide`] takes a definition version ([`Service`]), the state of an application ([`Application`]), an
//! [`Actor`], a [`Command`], the current instant and the tenant's [`WorkCalendar`], and returns the [`Event`]s
//! that happen or a [`Refusal`] that says why not. The state is the fold of the events
//! ([`Application::fold`]); events carry their computed deadlines so that folding needs no calendar. The crate
//! does no I/O and reads no clock: every rule of a service can be tested in microseconds.

pub(crate) mod authority;
pub mod available;
pub mod calendar;
pub mod command;
pub mod complaint;
pub mod deadline;
pub mod decide;
pub mod event;
pub mod form;
pub mod identity;
pub mod ikm;
pub mod migrate;
pub mod numbering;
pub mod refusal;
pub mod regions;
pub mod registry;
pub mod service;
pub mod simulate;
pub mod state;
pub mod timing;
pub mod values;

pub use available::{Available, AvailableKind, available, in_inbox, inbox_keys, inbox_tokens};
pub use calendar::WorkCalendar;
pub use command::{ActionInput, Actor, Assignee, Command, InputField};
pub use deadline::{Deadline, DeadlineState, DeadlineStatus};
pub use decide::{Context, Movement, decide};
pub use event::{Effect, Event, EventKind, EventType};
pub use refusal::Refusal;
pub use service::Service;
pub use state::{Application, EndStatus, Stage, Visit};
pub use values::{FactValue, Facts, FormData, RuleOutcome};

/// The deadlines of an application at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Deadlines {
    /// The whole service's deadline, once its clock started.
    pub service: Option<DeadlineStatus>,
    /// The current step's deadline.
    pub step: Option<DeadlineStatus>,
}

impl Application {
    /// The deadlines at `now`: time stands still while the application waits for the applicant, and stops
    /// when it ends.
    pub fn deadlines(&self, calendar: &WorkCalendar, now: chrono::DateTime<chrono::Utc>) -> Deadlines {
        let stop = self.clocks.suspended_at.or(self.ended_at);
        Deadlines {
            service: self.clocks.service.map(|d| d.status(calendar, now, stop)),
            step: self.clocks.step.map(|d| d.status(calendar, now, stop)),
        }
    }
}
