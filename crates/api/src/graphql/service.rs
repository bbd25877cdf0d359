//! What a generic client needs to render a service's form and steps, without knowing the service in advance.

use async_graphql::{Json, SimpleObject};
use simpul_definitions::model::{self as m, ServiceDefinition};

/// An enum value as the definition files write it (its serde name).
fn lower<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

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
    /// text, nik, no_kk, date, choice, phone, address, number, yes_no.
    #[graphql(name = "type")]
    pub field_type: String,
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
    /// document or condition.
    pub kind: String,
    pub required: bool,
    pub condition: Option<String>,
    pub copies: u32,
    pub original: bool,
    pub provided_by: String,
    pub accept: Vec<String>,
    pub max_size_kb: Option<u32>,
    pub needed_at: Option<String>,
    pub note: Option<String>,
}

/// A duration.
#[derive(SimpleObject)]
pub struct DurationInfo {
    pub value: u32,
    /// menit, jam or hari_kerja.
    pub unit: String,
}

impl From<m::Duration> for DurationInfo {
    fn from(d: m::Duration) -> Self {
        DurationInfo { value: d.value, unit: lower(d.unit) }
    }
}

/// A step action as defined (what an officer may be offered).
#[derive(SimpleObject)]
pub struct StepActionInfo {
    pub code: String,
    pub label: String,
    /// `{ "step": … }`, `"applicant"` or `{ "outcome": … }`.
    pub to: Json<serde_json::Value>,
}

/// A step.
#[derive(SimpleObject)]
pub struct StepInfo {
    pub code: String,
    pub name: String,
    pub kind: String,
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
    pub clock_starts: String,
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
    pub kind: String,
    pub outcomes: Vec<String>,
}

/// An outcome.
#[derive(SimpleObject)]
pub struct OutcomeInfo {
    pub code: String,
    pub label: String,
    pub status: String,
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
    pub channels: Vec<String>,
    pub fields: Vec<FieldInfo>,
    pub requirements: Vec<RequirementInfo>,
    pub steps: Vec<StepInfo>,
    pub jangka_waktu: TimeLimitInfo,
    pub fee: FeeInfo,
    pub products: Vec<ProductInfo>,
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
            channels: d.submission.channels.iter().map(lower).collect(),
            fields: d
                .fields
                .iter()
                .map(|f| FieldInfo {
                    code: f.code.clone(),
                    label: f.label.clone(),
                    field_type: lower(f.field_type),
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
                    kind: lower(r.kind),
                    required: r.required,
                    condition: r.when.as_ref().map(|w| w.0.clone()),
                    copies: r.copies,
                    original: r.original,
                    provided_by: lower(r.provided_by),
                    accept: r.accept.iter().map(lower).collect(),
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
                    kind: lower(s.kind),
                    description: s.description.clone(),
                    roles: s.roles.clone(),
                    duration: s.duration.map(Into::into),
                    actions: s
                        .actions
                        .iter()
                        .map(|a| StepActionInfo {
                            code: a.code.clone(),
                            label: a.label.clone(),
                            to: Json(serde_json::to_value(&a.to).unwrap_or_default()),
                        })
                        .collect(),
                })
                .collect(),
            jangka_waktu: TimeLimitInfo {
                text: d.jangka_waktu.text.clone(),
                limit: d.jangka_waktu.limit.map(Into::into),
                clock_starts: lower(d.jangka_waktu.clock_starts),
            },
            fee: FeeInfo { amount: d.biaya.amount, text: d.biaya.text.clone() },
            products: d
                .produk
                .iter()
                .map(|p| ProductInfo {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    kind: lower(p.kind),
                    outcomes: p.outcomes.clone(),
                })
                .collect(),
            outcomes: d
                .outcomes
                .iter()
                .map(|o| OutcomeInfo { code: o.code.clone(), label: o.label.clone(), status: lower(o.status) })
                .collect(),
        }
    }
}
