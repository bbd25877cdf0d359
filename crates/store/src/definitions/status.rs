//! Where a definition version is in its life: drafted, reviewed (four eyes), published now or from a later date,
//! retired.

/// The status of a definition version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum VersionStatus {
    /// Saved without errors; not used by new applications.
    Draft,
    /// Submitted for another admin's review.
    InReview,
    /// Sent back by the reviewer with a comment; the author saves a corrected draft as a new version.
    Returned,
    /// Approved by another admin; ready to publish.
    Approved,
    /// Published with a start date still to come; the version before it stays in force until then.
    Scheduled,
    /// The version new applications start under.
    Published,
    /// Replaced by a later version; applications that started under it keep it.
    Retired,
}

impl VersionStatus {
    const ALL: [VersionStatus; 7] = [
        VersionStatus::Draft,
        VersionStatus::InReview,
        VersionStatus::Returned,
        VersionStatus::Approved,
        VersionStatus::Scheduled,
        VersionStatus::Published,
        VersionStatus::Retired,
    ];

    /// The statuses of a version that is, or will be, in force on its own: published, or scheduled to start.
    pub(crate) const LIVE: [VersionStatus; 2] = [VersionStatus::Published, VersionStatus::Scheduled];

    /// The code stored.
    pub fn code(self) -> &'static str {
        match self {
            VersionStatus::Draft => "draft",
            VersionStatus::InReview => "in_review",
            VersionStatus::Returned => "returned",
            VersionStatus::Approved => "approved",
            VersionStatus::Scheduled => "scheduled",
            VersionStatus::Published => "published",
            VersionStatus::Retired => "retired",
        }
    }

    /// The status of a stored code, if it is one.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status as an admin reads it, after "versi itu …".
    pub fn label(self) -> &'static str {
        match self {
            VersionStatus::Draft => "konsep",
            VersionStatus::InReview => "sedang ditinjau",
            VersionStatus::Returned => "dikembalikan untuk diperbaiki",
            VersionStatus::Approved => "sudah disetujui",
            VersionStatus::Scheduled => "dijadwalkan berlaku",
            VersionStatus::Published => "sedang berlaku",
            VersionStatus::Retired => "sudah tidak berlaku",
        }
    }
}
