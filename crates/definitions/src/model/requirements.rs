//! Persyaratan: what an applicant must bring or satisfy.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::expr::Expression;

/// One requirement of the standard (persyaratan).
///
/// Most are documents (copies of KTP and KK, village letters); some are conditions checked in a registry
/// ("Terdaftar di DTKS", "Berusia ≤ 60 tahun"), which point at the eligibility rule that checks them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Code, lower snake case.
    pub code: String,
    /// Name as the standard writes it.
    pub name: String,
    /// A document to attach, or a condition checked by a rule.
    pub kind: RequirementKind,
    /// Whether the requirement must be met (when it applies at all).
    #[serde(default = "yes")]
    pub required: bool,
    /// The requirement applies only when this expression is true, e.g. `usia >= 17`.
    #[serde(default)]
    pub when: Option<Expression>,
    /// Number of copies to hand in (rangkap).
    #[serde(default = "one")]
    pub copies: u32,
    /// Whether the original is handed in (e.g. the KIS PBID card being deactivated), not a copy.
    #[serde(default)]
    pub original: bool,
    /// Who provides it: the applicant, or the office itself (survey reports, lists made by staff).
    #[serde(default)]
    pub provided_by: Provider,
    /// File types accepted for a scanned document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<FileType>,
    /// Largest accepted file, in kilobytes.
    #[serde(default)]
    pub max_size_kb: Option<u32>,
    /// The step that cannot be completed without it (a step code).
    #[serde(default)]
    pub needed_at: Option<String>,
    /// For a condition: the rule that checks it (a rule code).
    #[serde(default)]
    pub rule: Option<String>,
    /// Extra explanation shown to applicants.
    #[serde(default)]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

/// What kind of requirement it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// A paper or scanned document.
    Document,
    /// A condition on the applicant, checked by an eligibility rule.
    Condition,
}

/// Who supplies a requirement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "RequirementProvider"))]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// The applicant (or the village operator on their behalf).
    #[default]
    Applicant,
    /// The office's own staff.
    Office,
}

/// A file type accepted for uploads, checked against the file's real content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Jpg,
    Png,
}
