//! Outcomes and produk pelayanan: how an application can end and what it yields.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome every service has without declaring it: withdrawn at the applicant's request (by the officer who
/// submitted). Its code is reserved: a definition that declares it is refused.
pub const WITHDRAWN_OUTCOME: &str = "dibatalkan";

/// What the withdrawn outcome is called.
pub const WITHDRAWN_LABEL: &str = "Dibatalkan atas permintaan pemohon";

/// A way an application can end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Code, lower snake case; actions end the application with it.
    pub code: String,
    /// What it means, in Bahasa Indonesia.
    pub label: String,
    /// Granted, found not eligible, or rejected.
    pub status: OutcomeStatus,
}

/// The status of an ended application, for reports and the applicant's tracking page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// The service was given (letter issued, entered in a list).
    Granted,
    /// The applicant was found not eligible (tidak layak, not in DTKS); may still receive a product.
    NotEligible,
    /// The application was rejected (e.g. incomplete and not completed).
    Rejected,
}

/// A product of the service (produk pelayanan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Code, lower snake case.
    pub code: String,
    /// Name as the standard writes it.
    pub name: String,
    /// A letter per application, a list of a period, or a recap sent to another office.
    pub kind: ProductKind,
    /// Outcomes that deliver this product (outcome codes).
    pub outcomes: Vec<String>,
    /// Handlebars template under the tenant's `templates/` folder.
    pub template: String,
    /// The numbering series of the tenant it takes its number from: a letter when it is signed, a list or recap
    /// when its PDF for a period is first made. Required (validation says so where it is missing).
    #[serde(default)]
    pub series: Option<String>,
    /// For a list or recap: how often it is made.
    #[serde(default)]
    pub period: Option<Period>,
    /// For a recap or forwarded letter: who receives it, e.g. "Dinas Kesehatan Kota Tebing Tinggi".
    #[serde(default)]
    pub recipient: Option<String>,
    /// Where the signed originals go, as the standard says (e.g. one to the applicant, one to the archive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub distribution: Vec<String>,
}

/// The kind of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// One letter per application, signed and numbered.
    Letter,
    /// Approved applications of a period collected in one list ("Daftar Usulan …").
    List,
    /// A periodic recap sent to another office.
    Recap,
}

impl ProductKind {
    /// The word for it in validator messages.
    pub fn noun(self) -> &'static str {
        match self {
            ProductKind::Letter => "surat",
            ProductKind::List => "daftar",
            ProductKind::Recap => "rekap",
        }
    }
}

/// How often a list or recap is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Whenever the office chooses a period.
    OnDemand,
    Monthly,
    Yearly,
}
