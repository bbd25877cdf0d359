//! Why the engine refuses a command. Messages are in Bahasa Indonesia: officers read them.

use serde::Serialize;

use crate::command::InputField;

/// One problem with a form value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field code.
    pub field: String,
    /// What is wrong, for the officer.
    pub problem: String,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// Something of the definition named in a refusal: its code for clients, its label for the officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// The code (a checklist item's, a requirement's).
    pub code: String,
    /// What the definition calls it.
    pub label: String,
}

impl Named {
    /// A code with its label.
    pub fn new(code: &str, label: &str) -> Self {
        Named { code: code.to_string(), label: label.to_string() }
    }
}

fn labels(items: &[Named]) -> String {
    items.iter().map(|n| n.label.as_str()).collect::<Vec<_>>().join("; ")
}

fn either(items: &[Named]) -> String {
    items.iter().map(|n| n.label.as_str()).collect::<Vec<_>>().join(" atau ")
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// A refused command, with the reason. Nothing happens to the application.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// The actor holds none of the roles that may do this.
    #[error("Peran Anda tidak berwenang untuk tindakan ini; yang berwenang: {}", either(allowed))]
    RoleNotAllowed {
        /// Roles that may.
        allowed: Vec<Named>,
    },
    /// The step is for the officer named by the disposisi.
    #[error("Permohonan ini didisposisikan kepada petugas lain")]
    NotAssignee,
    /// The action is not one of the current step's.
    #[error("Tindakan `{action}` tidak tersedia pada tahap ini ({step})")]
    ActionNotAvailable {
        /// The action asked for.
        action: String,
        /// Where the application is.
        step: String,
    },
    /// Form values are missing or invalid.
    #[error("Data permohonan tidak valid: {}", join(problems))]
    InvalidData {
        /// Every problem found.
        problems: Vec<FieldProblem>,
    },
    /// Required documents are neither attached nor received.
    #[error("Persyaratan belum lengkap: {}", labels(missing))]
    MissingDocuments {
        /// The requirements.
        missing: Vec<Named>,
    },
    /// Required checklist items are not confirmed.
    #[error("Daftar periksa belum dipenuhi: {}", labels(items))]
    ChecklistIncomplete {
        /// The items.
        items: Vec<Named>,
    },
    /// A checklist answer for an item the step does not have.
    #[error("`{item}` bukan butir daftar periksa tahap ini")]
    UnknownChecklistItem {
        /// The code given.
        item: String,
    },
    /// An input the command does not take was given: refused rather than ignored.
    #[error("Tindakan ini tidak memakai {}; kosongkan isian itu", input.label())]
    InputNotTaken {
        /// Which input.
        input: InputField,
    },
    /// A registry fact the action needs was not given, or is not valid.
    #[error("Data registri `{fact}` {problem}")]
    InvalidFact {
        /// The fact's name.
        fact: String,
        /// What is wrong.
        problem: String,
    },
    /// The action needs a note.
    #[error("Tindakan ini memerlukan catatan (alasan)")]
    NoteRequired,
    /// A return needs the list of missing requirements, and only known ones.
    #[error("Sebutkan persyaratan yang kurang: {problem}")]
    InvalidMissingList {
        /// What is wrong.
        problem: String,
    },
    /// A blocking eligibility rule failed.
    #[error("{message}")]
    RuleFailed {
        /// The rule's code.
        rule: String,
        /// The rule's message.
        message: String,
    },
    /// The disposisi names nobody, or somebody without the required role.
    #[error("Petugas yang ditunjuk tidak valid: {problem}")]
    InvalidAssignee {
        /// What is wrong.
        problem: String,
    },
    /// A paraf out of the defined order.
    #[error("Belum giliran Anda memaraf; paraf berikutnya oleh {}", expected_role.label)]
    ParafOutOfOrder {
        /// The role whose turn it is.
        expected_role: Named,
    },
    /// The same person cannot initial twice.
    #[error("Anda sudah memaraf konsep ini")]
    AlreadyInitialled,
    /// Whoever initialled a draft cannot sign the letter (separation of duties).
    #[error(
        "Anda sudah memaraf konsep surat ini, sehingga tidak dapat menandatanganinya; penandatangan harus pejabat lain"
    )]
    InitialledCannotSign,
    /// The application has ended.
    #[error("Permohonan sudah selesai ({outcome}); tidak ada tindakan lagi")]
    Ended {
        /// Its outcome.
        outcome: String,
    },
    /// The application changed since the officer looked at it.
    #[error("Permohonan telah diubah oleh petugas lain (versi {actual}, bukan {expected}); muat ulang lalu coba lagi")]
    StaleVersion {
        /// The version the caller saw.
        expected: u64,
        /// The current version.
        actual: u64,
    },
    /// The application runs under another version of the definition than the one given.
    #[error("Versi definisi layanan tidak cocok (permohonan memakai versi {pinned}, diberikan versi {given})")]
    DefinitionMismatch {
        /// The version the application runs under.
        pinned: u32,
        /// The version given.
        given: u32,
    },
    /// A submission for an application that exists.
    #[error("Permohonan sudah diajukan")]
    AlreadySubmitted,
    /// A command other than submission for an application that does not exist.
    #[error("Permohonan belum diajukan")]
    NotSubmitted,
    /// Resubmission of an application that was not returned, or an action while it waits for the applicant.
    #[error("Permohonan sedang {state}")]
    WrongStage {
        /// Where it is, in words.
        state: String,
    },
    /// The submission channel is not one the service accepts.
    #[error("Layanan ini tidak menerima pengajuan melalui saluran {channel}")]
    ChannelNotAccepted {
        /// The channel.
        channel: String,
    },
    /// A document for something that is not a document requirement.
    #[error("`{requirement}` bukan persyaratan dokumen layanan ini")]
    UnknownRequirement {
        /// The code given.
        requirement: String,
    },
}
