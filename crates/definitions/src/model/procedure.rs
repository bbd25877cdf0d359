//! Prosedur: how an application is submitted and which steps it goes through.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Duration;
use super::rules::Fact;

/// Who may submit an application, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Roles that submit on the applicant's behalf (front office, village operator).
    pub roles: Vec<String>,
    /// How the application reaches the office.
    pub channels: Vec<Channel>,
    /// Registry facts the submitter records (e.g. the village operator's SIKS-NG check).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// Rules checked at submission (rule codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// A way an application reaches the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// In person at the office's counter or at a Mal Pelayanan Publik.
    Langsung,
    /// Online, through Simpul (e.g. by the village operator).
    Daring,
}

/// One step of the procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Code, lower snake case; actions lead to steps by it.
    pub code: String,
    /// Short name of the step.
    pub name: String,
    /// The step as the standard describes it.
    #[serde(default)]
    pub description: Option<String>,
    /// What happens in the step; decides what the engine asks for.
    pub kind: StepKind,
    /// Roles that may act in the step. For a paraf step, the chain in order.
    pub roles: Vec<String>,
    /// Only the officer named by the last disposisi may act (and holders of the step's roles may not, unless
    /// they are that officer).
    #[serde(default)]
    pub assigned: bool,
    /// How long the step may take, when the standard says.
    #[serde(default)]
    pub duration: Option<Duration>,
    /// Items the officer confirms in the step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<ChecklistItem>,
    /// For a sign step: the letter product signed and numbered here (a product code).
    #[serde(default)]
    pub issues: Option<String>,
    /// What the officer can do in the step, and where each leads.
    pub actions: Vec<Action>,
}

/// The kind of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Files are received and the application registered.
    Intake,
    /// The files are checked for completeness; may return the application to the applicant.
    CompletenessCheck,
    /// Data are checked against registries (DTKS/DTSEN, E-Dabu) and rules.
    Verification,
    /// A field survey (TKSK, Tagana) ending in layak or tidak layak.
    FieldSurvey,
    /// A superior assigns the application to a named officer.
    Disposisi,
    /// The letter is drafted.
    Draft,
    /// The printed draft is checked again.
    Review,
    /// The draft is initialled by the roles in order (paraf hierarki).
    Paraf,
    /// The letter is signed and numbered.
    Sign,
    /// The product is handed over or sent (to the applicant, or forwarded to another office).
    Handover,
    /// The original is archived.
    Archive,
}

/// An item of a step's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// Code, lower snake case.
    pub code: String,
    /// What the officer confirms.
    pub label: String,
    /// Whether a forward action needs this item answered.
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// Something an officer can do in a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Code, lower snake case, unique in the step.
    pub code: String,
    /// Label of the button, in Bahasa Indonesia.
    pub label: String,
    /// Where the application goes: `{ step: <code> }`, `applicant` (returned, the clock stops) or
    /// `{ outcome: <code> }` (the application ends).
    pub to: Target,
    /// The survey result this action records (field survey steps).
    #[serde(default)]
    pub result: Option<SurveyResult>,
    /// Registry facts the officer must record with this action.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// Rules checked when the action is taken (rule codes); a failing blocking rule refuses it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// For a disposisi: the named officer must hold one of these roles (e.g. `[kasubbag, kasi]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assign_to: Vec<String>,
    /// Whether the officer must write a note (a reason for a rejection or a return).
    #[serde(default)]
    pub note_required: bool,
}

/// Where an action leads.
///
/// Written `{ step: <code> }`, `applicant` or `{ outcome: <code> }`. serde_yaml would spell enum variants as
/// YAML tags (`!step x`), which editors flag as unknown; plain maps and a keyword are what admins can type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, JsonSchema)]
#[schemars(with = "TargetSyntax")]
pub enum Target {
    /// To another step (forward, or back for correction).
    Step(String),
    /// Back to the applicant, who must bring what is missing; the clock stops until resubmission.
    Applicant,
    /// The application ends with this outcome.
    Outcome(String),
}

/// The written forms of [`Target`], for the JSON Schema.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum TargetSyntax {
    /// Back to the applicant; the clock stops until resubmission.
    Applicant(ApplicantKeyword),
    /// To another step.
    Step {
        /// The step code.
        step: String,
    },
    /// The application ends with this outcome.
    Outcome {
        /// The outcome code.
        outcome: String,
    },
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ApplicantKeyword {
    Applicant,
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (key, value) = match self {
            Target::Applicant => return serializer.serialize_str("applicant"),
            Target::Step(code) => ("step", code),
            Target::Outcome(code) => ("outcome", code),
        };
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(key, value)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TargetVisitor)
    }
}

struct TargetVisitor;

const TARGET_EXPECTED: &str = "`applicant`, `{ step: <code> }`, atau `{ outcome: <code> }`";

impl<'de> serde::de::Visitor<'de> for TargetVisitor {
    type Value = Target;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(TARGET_EXPECTED)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Target, E> {
        match value {
            "applicant" => Ok(Target::Applicant),
            other => Err(E::custom(format!("`{other}` bukan tujuan; tulis {TARGET_EXPECTED}"))),
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Target, A::Error> {
        use serde::de::Error;
        let Some(key) = map.next_key::<String>()? else {
            return Err(A::Error::custom(format!("tujuan kosong; tulis {TARGET_EXPECTED}")));
        };
        let target = match key.as_str() {
            "step" => Target::Step(map.next_value()?),
            "outcome" => Target::Outcome(map.next_value()?),
            other => return Err(A::Error::unknown_field(other, &["step", "outcome"])),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(A::Error::custom(format!("tujuan hanya satu tempat, tetapi `{extra}` juga ditulis")));
        }
        Ok(target)
    }
}

/// The result of a field survey or verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SurveyResult {
    Layak,
    TidakLayak,
}
