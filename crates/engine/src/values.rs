//! The values an application carries: form data, registry facts, derived values, rule results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use simpul_definitions::model::{Fact, Severity};

/// Form data by field code, as JSON values (strings, numbers, booleans).
pub type FormData = BTreeMap<String, serde_json::Value>;

/// Registry facts recorded by officers.
pub type Facts = BTreeMap<Fact, FactValue>;

/// The value of a registry fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactValue {
    /// A yes/no fact (registered, already PBI).
    Bool(bool),
    /// A number (DTSEN desil).
    Int(i64),
}

/// Values derived from the subject's NIK or birth date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    /// Age in whole years at the time of the event that derived it.
    pub usia: Option<i64>,
    /// `"L"` or `"P"`, from the NIK.
    pub jenis_kelamin: Option<String>,
}

/// How a rule came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleOutcome {
    Pass,
    Fail,
    /// A value the rule needs is not known (e.g. a fact nobody recorded).
    Unknown,
}

/// The result of one rule, recorded with the event that checked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule's code.
    pub rule: String,
    /// Pass, fail or unknown.
    pub outcome: RuleOutcome,
    /// Block or warn.
    pub severity: Severity,
    /// The rule's message, recorded when it did not pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
