//! `notifications:` in `tenant.yaml`: which channels an office tells applicants through, whose consent allows it,
//! and the words of each message.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How an office tells applicants (and the village operator who submitted) what became of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// The channels the office uses; the deployment configures the mail server and the gateways behind them.
    pub channels: Vec<NotifyChannel>,
    /// Code of the form's yes/no field by which the applicant agrees to be messaged (UU 27/2022 asks for consent
    /// before personal contact data is used). A service without this field sends the applicant nothing.
    pub consent_field: String,
    /// One message per moment; a moment without one sends nothing.
    pub messages: Vec<MessageTemplate>,
}

impl Notifications {
    /// The message for a moment, if the office wrote one.
    pub fn message(&self, moment: Moment) -> Option<&MessageTemplate> {
        self.messages.iter().find(|m| m.moment == moment)
    }

    /// Whether the office uses a channel.
    pub fn uses(&self, channel: NotifyChannel) -> bool {
        self.channels.contains(&channel)
    }
}

/// A channel messages go out by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum NotifyChannel {
    /// E-mail over SMTP, to the form's e-mail fields.
    Email,
    /// WhatsApp through the deployment's gateway, to the form's phone fields.
    Whatsapp,
    /// SMS through the deployment's gateway, to the form's phone fields.
    Sms,
}

impl NotifyChannel {
    /// Every channel, in a stable order.
    pub const ALL: [NotifyChannel; 3] = [NotifyChannel::Email, NotifyChannel::Whatsapp, NotifyChannel::Sms];

    /// The name stored with each message (`email`, `whatsapp`, `sms`).
    pub fn code(self) -> &'static str {
        match self {
            NotifyChannel::Email => "email",
            NotifyChannel::Whatsapp => "whatsapp",
            NotifyChannel::Sms => "sms",
        }
    }

    /// The channel a stored name stands for.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The name people read ("E-mail", "WhatsApp", "SMS").
    pub fn label(self) -> &'static str {
        match self {
            NotifyChannel::Email => "E-mail",
            NotifyChannel::Whatsapp => "WhatsApp",
            NotifyChannel::Sms => "SMS",
        }
    }
}

/// A moment in an application's life an applicant is told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Moment {
    /// The office received the application (the tracking code is in the message).
    #[serde(rename = "diterima")]
    Received,
    /// The application went back to the applicant to bring what is missing.
    #[serde(rename = "perlu_dilengkapi")]
    Returned,
    /// The application ended, with its outcome (and its letters, when it yields any).
    #[serde(rename = "selesai")]
    Ended,
    /// The application was withdrawn.
    #[serde(rename = "dibatalkan")]
    Withdrawn,
}

impl Moment {
    /// Every moment, in the order of an application's life.
    pub const ALL: [Moment; 4] = [Moment::Received, Moment::Returned, Moment::Ended, Moment::Withdrawn];

    /// The name in `tenant.yaml` and in the store (`diterima`, …).
    pub fn code(self) -> &'static str {
        match self {
            Moment::Received => "diterima",
            Moment::Returned => "perlu_dilengkapi",
            Moment::Ended => "selesai",
            Moment::Withdrawn => "dibatalkan",
        }
    }

    /// The moment a stored name stands for.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// What it is, in words ("Permohonan diterima").
    pub fn label(self) -> &'static str {
        match self {
            Moment::Received => "Permohonan diterima",
            Moment::Returned => "Permohonan perlu dilengkapi",
            Moment::Ended => "Permohonan selesai",
            Moment::Withdrawn => "Permohonan dibatalkan",
        }
    }
}

/// The words of one message. Both texts are Handlebars templates over [`crate::message::MessageValues`]; the
/// applicant's NIK and No. KK are not among them, so no message can carry one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageTemplate {
    /// When it is sent.
    pub moment: Moment,
    /// The e-mail's subject line (WhatsApp and SMS send the text only).
    pub subject: String,
    /// The message.
    pub text: String,
}
