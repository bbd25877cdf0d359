//! Closed sets that the store keeps as text (audit actions, version and delivery statuses, event names) as GraphQL
//! enums. Each enum names its stored text once, through the store's constant; reading a stored value that is not
//! in the set is a corrupt row, not something to pass on to clients.

use async_graphql::Enum;
use simpul_engine::EventType;
use simpul_store::deadlines::NoticeKind;

use crate::error::{ApiError, ApiResult};

/// An enum stored as text: every value with its stored name.
macro_rules! stored_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $stored:expr,)+ }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in a stable order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The text stored and sent in webhook bodies.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $stored,)+
                }
            }

            /// The value of a stored text; an unknown one means a corrupt row.
            pub fn parse(stored: &str) -> ApiResult<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == stored).ok_or_else(|| {
                    ApiError::Internal(format!("unknown {} `{stored}` in the database", stringify!($name)))
                })
            }
        }
    };
}

stored_enum! {
    /// What was done with an applicant's personal data.
    pub enum AuditAction {
        /// Personal data was shown unmasked.
        Read => simpul_store::audit::action::READ,
        /// Personal data was created or changed.
        Change => simpul_store::audit::action::CHANGE,
        /// A document or letter was downloaded.
        Download => simpul_store::audit::action::DOWNLOAD,
        /// A signed letter was revoked.
        RevokeLetter => simpul_store::audit::action::REVOKE_LETTER,
        /// The applicant was looked up in a registry (an upload of the office's export, or an online source).
        RegistryLookup => simpul_store::audit::action::REGISTRY_LOOKUP,
        /// A service definition was drafted, reviewed, published or rolled back.
        Definition => simpul_store::audit::action::DEFINITION,
        /// The office file was changed.
        OfficeFile => simpul_store::audit::action::OFFICE_FILE,
        /// A letter template or image of the office was changed.
        Template => simpul_store::audit::action::TEMPLATE,
        /// A bundle of definitions from another installation was imported.
        BundleImport => simpul_store::audit::action::BUNDLE_IMPORT,
    }
}

stored_enum! {
    /// Where a webhook delivery is.
    pub enum DeliveryStatus {
        /// Waiting for its (next) attempt.
        Pending => simpul_store::webhooks::status::PENDING,
        /// The endpoint answered 2xx.
        Delivered => simpul_store::webhooks::status::DELIVERED,
        /// Every attempt failed and the sender gave up; replaying it puts it back in the queue.
        Failed => simpul_store::webhooks::status::FAILED,
    }
}

stored_enum! {
    /// Something that happens to an application, as subscribers and webhooks hear of it: the events of its
    /// history and the deadline watcher's notices.
    pub enum EventKind {
        /// The application was submitted.
        Submitted => EventType::Submitted.name(),
        /// An officer took an action in a step.
        ActionTaken => EventType::ActionTaken.name(),
        /// The applicant brought what was missing.
        Resubmitted => EventType::Resubmitted.name(),
        /// The application was withdrawn.
        Withdrawn => EventType::Withdrawn.name(),
        /// A document was attached for a requirement.
        DocumentAttached => EventType::DocumentAttached.name(),
        /// An admin moved the application to a newer version of its service's definition.
        Migrated => EventType::Migrated.name(),
        /// The share of a time limit the office calls "nearing" is used up.
        DeadlineNearing => NoticeKind::Nearing.event(),
        /// A deadline passed with the application still open.
        DeadlinePassed => NoticeKind::Passed.event(),
        /// A signed letter of the application was revoked.
        LetterRevoked => simpul_store::letters::LETTER_REVOKED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_history_event_and_notice_has_an_event_kind() {
        for t in EventType::ALL {
            assert!(EventKind::parse(t.name()).is_ok(), "{t:?}");
        }
        for n in [NoticeKind::Nearing, NoticeKind::Passed] {
            assert!(EventKind::parse(n.event()).is_ok(), "{n:?}");
        }
        assert!(EventKind::parse("deadline_missed").is_err());
    }
}
