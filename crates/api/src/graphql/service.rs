//! What a generic client needs to render a service's form and steps, without knowing the service in advance.

use async_graphql::{Enum, SimpleObject};
use simpul_definitions::model::{self as m, ServiceDefinition};

/// One allowed value of a choice field.
#[derive(SimpleObject)]
pub struct ChoiceInfo {
    pub value: String,
    pub label: String,
}

/// A form field.
#[derive(SimpleObject)]
pub struct FieldInfo {
    pub code: String,
    pub label: String,
    #[graphql(name = "type")]
    pub field_type: m::FieldType,
    pub required: bool,
    pub choices: Vec<ChoiceInfo>,
    /// A CEL condition; the field applies only when it is true.
    pub condition: Option<String>,
    pub help: Option<String>,
}

/// A requirement.
#[derive(SimpleObject)]
pub struct RequirementInfo {
    pub code: String,
    pub name: String,
    pub kind: m::RequirementKind,
    pub required: bool,
    pub condition: Option<String>,
    pub copies: u32,
    pub original: bool,
    pub provided_by: m::Provider,
    pub accept: Vec<m::FileType>,
    pub max_size_kb: Option<u32>,
    pub needed_at: Option<String>,
    pub note: Option<String>,
}

/// A duration.
#[derive(SimpleObject)]
pub struct DurationInfo {
    pub value: u32,
    pub unit: m::DurationUnit,
}

impl From<m::Duration> for DurationInfo {
    fn from(d: m::Duration) -> Self {
        DurationInfo { value: d.value, unit: d.unit }
    }
}

/// Where a defined action leads.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum TargetKind {
    /// To another step (`targetStep`).
    Step,
    /// Back to the applicant; the clock stops until resubmission.
    Applicant,
    /// The application ends with an outcome (`targetOutcome`).
    Outcome,
}

/// A step action as defined (what an officer may be offered).
#[derive(SimpleObject)]
pub struct StepActionInfo {
    pub code: String,
    pub label: String,
    pub target: TargetKind,
    /// The step it leads to, for `STEP`.
    pub target_step: Option<String>,
    /// The outcome it ends in, for `OUTCOME`.
    pub target_outcome: Option<String>,
}

impl From<&m::Action> for StepActionInfo {
    fn from(a: &m::Action) -> Self {
        let (target, target_step, target_outcome) = match &a.to {
            m::Target::Step(step) => (TargetKind::Step, Some(step.clone()), None),
            m::Target::Applicant => (TargetKind::Applicant, None, None),
            m::Target::Outcome(outcome) => (TargetKind::Outcome, None, Some(outcome.clone())),
        };
        StepActionInfo { code: a.code.clone(), label: a.label.clone(), target, target_step, target_outcome }
    }
}

/// A step.
#[derive(SimpleObject)]
pub struct StepInfo {
    pub code: String,
    pub name: String,
    pub kind: m::StepKind,
    pub description: Option<String>,
    pub roles: Vec<String>,
    pub duration: Option<DurationInfo>,
    pub actions: Vec<StepActionInfo>,
}

/// The time limit.
#[derive(SimpleObject)]
pub struct TimeLimitInfo {
    pub text: String,
    pub limit: Option<DurationInfo>,
    pub clock_starts: m::ClockStart,
}

/// The fee.
#[derive(SimpleObject)]
pub struct FeeInfo {
    pub amount: u64,
    pub text: String,
}

/// A product.
#[derive(SimpleObject)]
pub struct ProductInfo {
    pub code: String,
    pub name: String,
    pub kind: m::ProductKind,
    pub outcomes: Vec<String>,
}

/// An outcome.
#[derive(SimpleObject)]
pub struct OutcomeInfo {
    pub code: String,
    pub label: String,
    /// How an application ending here counts (`WITHDRAWN` for the withdrawal every service has).
    pub status: simpul_engine::EndStatus,
}

/// A published service.
#[derive(SimpleObject)]
pub struct ServiceInfo {
    pub tenant: String,
    pub code: String,
    pub name: String,
    pub summary: Option<String>,
    pub version: i32,
    pub submission_roles: Vec<String>,
    pub channels: Vec<m::Channel>,
    pub fields: Vec<FieldInfo>,
    pub requirements: Vec<RequirementInfo>,
    pub steps: Vec<StepInfo>,
    pub jangka_waktu: TimeLimitInfo,
    pub fee: FeeInfo,
    pub products: Vec<ProductInfo>,
    /// Every way an application can end: the declared outcomes, then the withdrawal every service has.
    pub outcomes: Vec<OutcomeInfo>,
}

impl ServiceInfo {
    /// The rendering of a definition.
    pub fn new(tenant: &str, version: i32, d: &ServiceDefinition) -> Self {
        ServiceInfo {
            tenant: tenant.to_string(),
            code: d.code.clone(),
            name: d.name.clone(),
            summary: d.summary.clone(),
            version,
            submission_roles: d.submission.roles.clone(),
            channels: d.submission.channels.clone(),
            fields: d
                .fields
                .iter()
                .map(|f| FieldInfo {
                    code: f.code.clone(),
                    label: f.label.clone(),
                    field_type: f.field_type,
                    required: f.required,
                    choices: f
                        .choices
                        .iter()
                        .map(|c| ChoiceInfo { value: c.value.clone(), label: c.label.clone() })
                        .collect(),
                    condition: f.when.as_ref().map(|w| w.0.clone()),
                    help: f.help.clone(),
                })
                .collect(),
            requirements: d
                .persyaratan
                .iter()
                .map(|r| RequirementInfo {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    kind: r.kind,
                    required: r.required,
                    condition: r.when.as_ref().map(|w| w.0.clone()),
                    copies: r.copies,
                    original: r.original,
                    provided_by: r.provided_by,
                    accept: r.accept.clone(),
                    max_size_kb: r.max_size_kb,
                    needed_at: r.needed_at.clone(),
                    note: r.note.clone(),
                })
                .collect(),
            steps: d
                .prosedur
                .iter()
                .map(|s| StepInfo {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    kind: s.kind,
                    description: s.description.clone(),
                    roles: s.roles.clone(),
                    duration: s.duration.map(Into::into),
                    actions: s.actions.iter().map(StepActionInfo::from).collect(),
                })
                .collect(),
            jangka_waktu: TimeLimitInfo {
                text: d.jangka_waktu.text.clone(),
                limit: d.jangka_waktu.limit.map(Into::into),
                clock_starts: d.jangka_waktu.clock_starts,
            },
            fee: FeeInfo { amount: d.biaya.amount, text: d.biaya.text.clone() },
            products: d
                .produk
                .iter()
                .map(|p| ProductInfo {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    kind: p.kind,
                    outcomes: p.outcomes.clone(),
                })
                .collect(),
            outcomes: d
                .outcomes
                .iter()
                .map(|o| OutcomeInfo { code: o.code.clone(), label: o.label.clone(), status: o.status.into() })
                .chain(std::iter::once(OutcomeInfo {
                    code: m::WITHDRAWN_OUTCOME.to_string(),
                    label: m::WITHDRAWN_LABEL.to_string(),
                    status: simpul_engine::EndStatus::Withdrawn,
                }))
                .collect(),
        }
    }
}
