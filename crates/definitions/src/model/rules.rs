//! Eligibility rules and the registry facts they may use.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::expr::Expression;

/// An eligibility rule: an expression that must be true, with the message shown when it is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Code, lower snake case; actions name the rules they check.
    pub code: String,
    /// What the rule checks, as the standard says it.
    pub description: String,
    /// CEL expression over form fields, derived facts and registry facts; true means the rule passes.
    pub check: Expression,
    /// Message shown when the rule fails, in Bahasa Indonesia.
    pub message: String,
    /// `block` refuses the action; `warn` records the failure and lets the officer go on.
    pub severity: Severity,
}

/// How a failing rule is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The action is refused.
    Block,
    /// The officer is warned; the failure is recorded.
    Warn,
}

/// A fact that an officer looks up in a national registry and records with an action.
///
/// SIKS-NG and E-Dabu have no public API, so the officer reads the answer and the engine records it; rules
/// refer to these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// Registered in DTKS (checked in SIKS-NG).
    DtksTerdaftar,
    /// Registered in DTSEN.
    DtsenTerdaftar,
    /// DTSEN desil, 1 (poorest 10 %) to 10.
    DtsenDesil,
    /// Already a PBI participant funded by APBN (checked in E-Dabu).
    PbiApbn,
    /// Already a PBI participant funded by APBD (checked in E-Dabu).
    PbiApbd,
    /// Holds an active KIS PBID card.
    KisPbidAktif,
}

/// The value type of a fact or derived value, for rendering inputs and checking expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "FactType"))]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Bool,
    Int,
    String,
}

impl Fact {
    /// Every fact, in a stable order.
    pub const ALL: [Fact; 6] =
        [Fact::DtksTerdaftar, Fact::DtsenTerdaftar, Fact::DtsenDesil, Fact::PbiApbn, Fact::PbiApbd, Fact::KisPbidAktif];

    /// The name expressions use.
    pub fn name(self) -> &'static str {
        match self {
            Fact::DtksTerdaftar => "dtks_terdaftar",
            Fact::DtsenTerdaftar => "dtsen_terdaftar",
            Fact::DtsenDesil => "dtsen_desil",
            Fact::PbiApbn => "pbi_apbn",
            Fact::PbiApbd => "pbi_apbd",
            Fact::KisPbidAktif => "kis_pbid_aktif",
        }
    }

    /// The label an officer sees next to the input.
    pub fn label(self) -> &'static str {
        match self {
            Fact::DtksTerdaftar => "Terdaftar di DTKS (SIKS-NG)",
            Fact::DtsenTerdaftar => "Terdaftar di DTSEN",
            Fact::DtsenDesil => "Desil DTSEN (1–10)",
            Fact::PbiApbn => "Sudah peserta PBI BPJS APBN (E-Dabu)",
            Fact::PbiApbd => "Sudah peserta PBI BPJS APBD (E-Dabu)",
            Fact::KisPbidAktif => "Kartu KIS PBID masih aktif",
        }
    }

    /// The type of the fact's value.
    pub fn value_type(self) -> ValueType {
        match self {
            Fact::DtsenDesil => ValueType::Int,
            _ => ValueType::Bool,
        }
    }
}

/// Values the engine derives from the subject's NIK or birth date, usable in every expression.
pub const DERIVED: &[(&str, ValueType)] = &[("usia", ValueType::Int), ("jenis_kelamin", ValueType::String)];
