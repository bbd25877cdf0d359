//! The life of a complaint (pengaduan): received, assigned to an officer, answered, closed — each step with its
//! deadline in working days as the office sets them. The one rule of which step may follow which.

use serde::{Deserialize, Serialize};

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// Received, nobody assigned yet.
    Received,
    /// An officer is handling it.
    Assigned,
    /// The office answered the complainant.
    Responded,
    /// Closed: handled.
    Closed,
}

/// What an officer does to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStep {
    /// Assigns (or reassigns) it to an officer.
    Assign,
    /// Answers the complainant.
    Respond,
    /// Closes it, with a note of how it was settled.
    Close,
    /// Forwards it to SP4N-LAPOR (recorded beside its status).
    Forward,
}

impl ComplaintStatus {
    /// Every status, in the order of a complaint's life.
    pub const ALL: [ComplaintStatus; 4] =
        [ComplaintStatus::Received, ComplaintStatus::Assigned, ComplaintStatus::Responded, ComplaintStatus::Closed];

    /// The name stored (`received`, …).
    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "received",
            ComplaintStatus::Assigned => "assigned",
            ComplaintStatus::Responded => "responded",
            ComplaintStatus::Closed => "closed",
        }
    }

    /// The status a stored name stands for.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// In words, for the complainant and the officers.
    pub fn words(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "Diterima",
            ComplaintStatus::Assigned => "Sedang ditangani",
            ComplaintStatus::Responded => "Sudah dijawab",
            ComplaintStatus::Closed => "Selesai",
        }
    }

    /// The status after `step`, or why the step is not possible now (in words for the officer).
    pub fn after(self, step: ComplaintStep) -> Result<ComplaintStatus, &'static str> {
        use ComplaintStatus as S;
        match (self, step) {
            (S::Closed, _) => Err("pengaduan sudah selesai"),
            (S::Received | S::Assigned, ComplaintStep::Assign) => Ok(S::Assigned),
            (S::Responded, ComplaintStep::Assign) => Err("pengaduan sudah dijawab; tutup atau biarkan"),
            (S::Received | S::Assigned | S::Responded, ComplaintStep::Respond) => Ok(S::Responded),
            (S::Responded, ComplaintStep::Close) => Ok(S::Closed),
            (S::Received | S::Assigned, ComplaintStep::Close) => {
                Err("pengaduan belum dijawab; jawab dulu sebelum ditutup")
            }
            (status, ComplaintStep::Forward) => Ok(status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ComplaintStatus as S, ComplaintStep as Step};

    #[test]
    fn a_complaint_is_answered_before_it_is_closed_and_nothing_follows_closing() {
        assert_eq!(S::Received.after(Step::Assign), Ok(S::Assigned));
        assert_eq!(S::Assigned.after(Step::Assign), Ok(S::Assigned), "reassigned");
        assert_eq!(S::Received.after(Step::Respond), Ok(S::Responded), "answered at the counter at once");
        assert!(S::Assigned.after(Step::Close).is_err());
        assert_eq!(S::Responded.after(Step::Close), Ok(S::Closed));
        assert_eq!(S::Responded.after(Step::Respond), Ok(S::Responded), "a further answer");
        for step in [Step::Assign, Step::Respond, Step::Close, Step::Forward] {
            assert!(S::Closed.after(step).is_err());
        }
        assert_eq!(S::Assigned.after(Step::Forward), Ok(S::Assigned));
    }
}
