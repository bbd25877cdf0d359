//! What a generic client needs to render a service's form and steps, without knowing the service in advance.

use async_graphql::{Enum, SimpleObject};
use simpul_definitions::model::{self as m, ServiceDefinition};
use simpul_engine::Service;

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
    /// A CEL condition; the field applies only when it is true. `formState` evaluates it on the server, so no
    /// client needs to.
    pub condition: Option<String>,
    pub help: Option<String>,
    /// The applicant's own NIK, birth date or sex (the person the service is for): age and sex are derived from
    /// it, and a birth date or sex must agree with the NIK.
    pub subject: bool,
}

/// A registry fact the submission or an action records: its type and label, and the rules it feeds.
#[derive(SimpleObject)]
pub struct FactInfo {
    pub code: String,
    pub label: String,
    #[graphql(name = "type")]
    pub value_type: m::ValueType,
    /// The rules (of the submission or the action) whose check reads it.
    pub feeds_rules: Vec<String>,
}

/// The facts `facts` as recorded alongside `rules`, each with the rules among them that read it.
pub fn facts_of(service: &Service, facts: &[m::Fact], rules: &[String]) -> Vec<FactInfo> {
    facts
        .iter()
        .map(|fact| FactInfo {
            code: fact.name().to_string(),
            label: fact.label().to_string(),
            value_type: fact.value_type(),
            feeds_rules: service
                .definition()
                .rules
                .iter()
                .filter(|r| rules.contains(&r.code) && service.rule_reads(&r.code, fact.name()))
                .map(|r| r.code.clone())
                .collect(),
        })
        .collect()
}

/// An eligibility rule.
#[derive(SimpleObject)]
pub struct RuleInfo {
    pub code: String,
    /// What it checks, as the standard says it.
    pub description: String,
    /// The check as CEL, over form fields, derived values and registry facts.
    pub check: String,
    /// Shown when it fails.
    pub message: String,
    /// `BLOCK` refuses the action; `WARN` records the failure.
    pub severity: m::Severity,
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
    /// To another step (`step`).
    Step,
    /// Back to the applicant; the clock stops until resubmission.
    Applicant,
    /// The application ends with an outcome (`outcome`, `outcomeStatus`).
    Outcome,
}

/// Where an action leads: a step, back to the applicant, or an outcome with its status.
#[derive(SimpleObject)]
pub struct LeadsTo {
    pub target: TargetKind,
    /// The step it leads to, for `STEP`.
    pub step: Option<String>,
    /// That step's name.
    pub step_name: Option<String>,
    /// The outcome it ends in, for `OUTCOME`.
    pub outcome: Option<String>,
    /// How that outcome counts (granted, not eligible, rejected, withdrawn).
    pub outcome_status: Option<simpul_engine::EndStatus>,
}

impl LeadsTo {
    /// Where `to` leads in the service `d`.
    pub fn new(d: &ServiceDefinition, to: &m::Target) -> Self {
        let none =
            LeadsTo { target: TargetKind::Applicant, step: None, step_name: None, outcome: None, outcome_status: None };
        match to {
            m::Target::Step(step) => LeadsTo {
                target: TargetKind::Step,
                step: Some(step.clone()),
                step_name: d.prosedur.iter().find(|s| &s.code == step).map(|s| s.name.clone()),
                ..none
            },
            m::Target::Applicant => none,
            m::Target::Outcome(outcome) => LeadsTo {
                target: TargetKind::Outcome,
                outcome: Some(outcome.clone()),
                outcome_status: Some(if outcome == m::WITHDRAWN_OUTCOME {
                    simpul_engine::EndStatus::Withdrawn
                } else {
                    d.outcomes
                        .iter()
                        .find(|o| &o.code == outcome)
                        .map_or(simpul_engine::EndStatus::Rejected, |o| o.status.into())
                }),
                ..none
            },
        }
    }
}

/// A step action as defined (what an officer may be offered).
#[derive(SimpleObject)]
pub struct StepActionInfo {
    pub code: String,
    pub label: String,
    pub leads_to: LeadsTo,
    /// The registry facts it records.
    pub facts: Vec<FactInfo>,
    /// The rules it checks (codes of `rules`).
    pub rules: Vec<String>,
    pub note_required: bool,
    /// For a disposisi: the roles the officer named must hold one of (`officers(role)` lists them).
    pub assign_to: Vec<String>,
}

impl StepActionInfo {
    fn new(service: &Service, a: &m::Action) -> Self {
        StepActionInfo {
            code: a.code.clone(),
            label: a.label.clone(),
            leads_to: LeadsTo::new(service.definition(), &a.to),
            facts: facts_of(service, &a.facts, &a.rules),
            rules: a.rules.clone(),
            note_required: a.note_required,
            assign_to: a.assign_to.clone(),
        }
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
    /// Whether the step is for the officer a disposisi names.
    pub assigned: bool,
    pub duration: Option<DurationInfo>,
    /// What the officer confirms (required items only on a forward action).
    pub checklist: Vec<m::ChecklistItem>,
    /// For a signing step: the letter product signed and numbered here.
    pub issues: Option<String>,
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
    /// The registry facts the submission needs (e.g. Luwu Timur's `dtks_terdaftar`).
    pub submission_facts: Vec<FactInfo>,
    /// The rules the submission checks.
    pub submission_rules: Vec<String>,
    pub fields: Vec<FieldInfo>,
    /// The eligibility rules steps and the submission check.
    pub rules: Vec<RuleInfo>,
    pub requirements: Vec<RequirementInfo>,
    pub steps: Vec<StepInfo>,
    pub jangka_waktu: TimeLimitInfo,
    pub fee: FeeInfo,
    pub products: Vec<ProductInfo>,
    /// Where complaints about the service go.
    pub complaint_channels: Vec<m::ComplaintChannel>,
    /// The complaint arrangement as the standard writes it, when it is prose.
    pub complaints_text: Option<String>,
    /// Every way an application can end: the declared outcomes, then the withdrawal every service has.
    pub outcomes: Vec<OutcomeInfo>,
}

impl ServiceInfo {
    /// The rendering of a compiled definition.
    pub fn new(tenant: &str, version: i32, service: &Service) -> Self {
        let d = service.definition();
        ServiceInfo {
            tenant: tenant.to_string(),
            code: d.code.clone(),
            name: d.name.clone(),
            summary: d.summary.clone(),
            version,
            submission_roles: d.submission.roles.clone(),
            channels: d.submission.channels.clone(),
            submission_facts: facts_of(service, &d.submission.facts, &d.submission.rules),
            submission_rules: d.submission.rules.clone(),
            rules: d
                .rules
                .iter()
                .map(|r| RuleInfo {
                    code: r.code.clone(),
                    description: r.description.clone(),
                    check: r.check.as_str().to_string(),
                    message: r.message.clone(),
                    severity: r.severity,
                })
                .collect(),
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
                    subject: f.subject,
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
                    assigned: s.assigned,
                    duration: s.duration.map(Into::into),
                    checklist: s.checklist.clone(),
                    issues: s.issues.clone(),
                    actions: s.actions.iter().map(|a| StepActionInfo::new(service, a)).collect(),
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
            complaint_channels: d.pengaduan.channels.clone(),
            complaints_text: d.pengaduan.text.clone(),
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
