//! What a caller asks the engine to do, and who asks.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use simpul_definitions::model::{Channel, Fact};

use crate::values::{Facts, FormData};

/// The person acting: a user of this tenant with their roles in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Stable user id.
    pub user_id: String,
    /// Role codes the user holds in the tenant.
    pub roles: BTreeSet<String>,
}

impl Actor {
    /// An actor with these roles.
    pub fn new(user_id: impl Into<String>, roles: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Actor { user_id: user_id.into(), roles: roles.into_iter().map(Into::into).collect() }
    }

    /// Whether the actor holds any of `roles`.
    pub fn holds_any<'a>(&self, roles: impl IntoIterator<Item = &'a String>) -> bool {
        roles.into_iter().any(|r| self.roles.contains(r))
    }
}

/// The officer a disposisi names, with their roles (looked up by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    /// The officer's user id.
    pub user_id: String,
    /// Their roles in the tenant.
    pub roles: BTreeSet<String>,
}

/// One input of a command, named when it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputField {
    /// The note.
    Note,
    /// Checklist answers.
    Checklist,
    /// Registry facts.
    Facts,
    /// Paper copies received at the counter.
    DocumentsReceived,
    /// The list of missing requirements.
    Missing,
    /// The officer a disposisi names.
    Assignee,
    /// Form values.
    Data,
}

impl InputField {
    /// What officers call it.
    pub fn label(self) -> &'static str {
        match self {
            InputField::Note => "catatan",
            InputField::Checklist => "daftar periksa",
            InputField::Facts => "data registri",
            InputField::DocumentsReceived => "berkas fisik yang diterima",
            InputField::Missing => "daftar persyaratan yang kurang",
            InputField::Assignee => "petugas yang ditunjuk",
            InputField::Data => "data formulir",
        }
    }
}

/// The input of an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionInput {
    /// A note: the reason of a rejection or return, or a remark.
    #[serde(default)]
    pub note: Option<String>,
    /// Answers to the step's checklist, by item code.
    #[serde(default)]
    pub checklist: BTreeMap<String, bool>,
    /// Registry facts the officer looked up.
    #[serde(default)]
    pub facts: Facts,
    /// The officer's reason for each fact whose value differs from the registry's.
    #[serde(default)]
    pub fact_notes: BTreeMap<Fact, String>,
    /// Requirements whose paper copy the officer received at the counter.
    #[serde(default)]
    pub documents_received: BTreeSet<String>,
    /// When returning to the applicant: the requirements that are missing.
    #[serde(default)]
    pub missing: Vec<String>,
    /// For a disposisi: the officer assigned.
    #[serde(default)]
    pub assignee: Option<Assignee>,
}

/// A command to the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// A new application, submitted on the applicant's behalf.
    Submit {
        /// The form.
        data: FormData,
        /// How it reached the office.
        channel: Channel,
        /// Facts the submitter recorded (e.g. the village operator's SIKS-NG check).
        #[serde(default)]
        facts: Facts,
        /// The submitter's reason for each fact whose value differs from the registry's.
        #[serde(default)]
        fact_notes: BTreeMap<Fact, String>,
        /// Paper copies received with it.
        #[serde(default)]
        documents_received: BTreeSet<String>,
    },
    /// An action of the current step.
    Act {
        /// The state version the officer saw; a different one means someone else acted first.
        expected_version: u64,
        /// The action code.
        action: String,
        /// Its input.
        input: ActionInput,
    },
    /// The applicant brings what was missing; the application goes back to the step that returned it.
    Resubmit {
        /// The state version the officer saw.
        expected_version: u64,
        /// Corrected or added form values.
        #[serde(default)]
        data: FormData,
        /// Paper copies received now.
        #[serde(default)]
        documents_received: BTreeSet<String>,
    },
    /// The applicant withdraws the application.
    Withdraw {
        /// The state version the officer saw.
        expected_version: u64,
        /// Why, as the applicant says.
        reason: String,
    },
    /// A scanned document was stored for a requirement.
    AttachDocument {
        /// The state version the officer saw.
        expected_version: u64,
        /// The requirement code.
        requirement: String,
        /// The stored document's id.
        document: String,
    },
}

impl Command {
    /// The state version the command was given against; none for a submission, which has no state yet.
    pub fn expected_version(&self) -> Option<u64> {
        match self {
            Command::Submit { .. } => None,
            Command::Act { expected_version, .. }
            | Command::Resubmit { expected_version, .. }
            | Command::Withdraw { expected_version, .. }
            | Command::AttachDocument { expected_version, .. } => Some(*expected_version),
        }
    }
}
