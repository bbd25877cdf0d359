//! The typed model of the definition files. Every struct rejects unknown keys so that a typo is an error, not
//! a silently ignored setting.

mod calendar;
mod common;
mod form;
mod notifications;
mod procedure;
mod products;
mod registry;
mod requirements;
mod rules;
mod service;
mod tenant;

pub use calendar::{Calendar, DayOff, DayOffKind};
pub use common::{Duration, DurationUnit};
pub use form::{Choice, Field, FieldType};
pub use notifications::{MessageTemplate, Moment, Notifications, NotifyChannel};
pub use procedure::{Action, Channel, ChecklistItem, Step, StepKind, Submission, SurveyResult, Target};
pub use products::{Outcome, OutcomeStatus, Period, Product, ProductKind, WITHDRAWN_LABEL, WITHDRAWN_OUTCOME};
pub use registry::{Registry, RegistryColumn, RegistrySource, header_key};
pub use requirements::{FileType, Provider, Requirement, RequirementKind};
pub use rules::{DERIVED, Fact, Rule, Severity, ValueType};
pub use service::{
    ClockStart, ComplaintChannel, ComplaintChannelKind, Complaints, Fee, ServiceDefinition, Source, StaffCount,
    TimeLimit,
};
pub use tenant::{
    Acting, Address, ComplaintDeadlines, ImageKind, KopSurat, NUMBER_PLACEHOLDERS, NumberingSeries, OfficeHours,
    Province, Role, Signatory, TemplateFileKind, Tenant, Weekday,
};
