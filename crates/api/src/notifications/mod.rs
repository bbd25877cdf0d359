//! Messages to applicants and the village operators who submitted for them: e-mail over SMTP, WhatsApp and SMS
//! through an HTTP gateway. The outbox dispatcher decides who is told of an event ([`plan`]) and queues the
//! messages in the transaction that hands the event over; the [`sender`] renders each message when it is due
//! ([`compose`]) and sends it by its channel ([`email`], [`gateway`]), retrying with backoff and recording every
//! attempt for the officers.

pub mod compose;
pub mod email;
pub mod gateway;
pub mod plan;
pub mod sender;

use std::time::Duration;

use simpul_definitions::model::NotifyChannel;

/// How this deployment sends messages: the mail server and the gateways behind the channels offices enable.
/// A channel an office enables without the deployment configuring it fails each message with a clear error
/// that officers see, rather than dropping it silently.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// The mail server, for e-mail.
    pub email: Option<email::EmailConfig>,
    /// The WhatsApp gateway.
    pub whatsapp: Option<gateway::GatewayConfig>,
    /// The SMS gateway.
    pub sms: Option<gateway::GatewayConfig>,
    /// The wait after the first failed attempt; each further failure doubles it, up to `max_wait`.
    pub retry_base: Duration,
    /// The longest wait between two attempts.
    pub max_wait: Duration,
    /// Attempts before a message is given up (an officer can still send it again).
    pub max_attempts: u32,
    /// How long the mail server or a gateway has to answer.
    pub timeout: Duration,
}

impl Default for NotifyConfig {
    /// No channel configured; 30 s, 1 min, 2 min … up to an hour between attempts, 10 attempts (about 5 hours, so
    /// that a gateway down for a morning still delivers the same day); 15 s to answer.
    fn default() -> Self {
        NotifyConfig {
            email: None,
            whatsapp: None,
            sms: None,
            retry_base: Duration::from_secs(30),
            max_wait: Duration::from_secs(3600),
            max_attempts: 10,
            timeout: Duration::from_secs(15),
        }
    }
}

impl NotifyConfig {
    /// The wait before the next attempt after `failed` failed ones, or `None` to give up.
    pub fn retry_after(&self, failed: u32) -> Option<Duration> {
        crate::webhooks::backoff(self.retry_base, self.max_wait, self.max_attempts, failed)
    }

    /// The gateway of a phone channel.
    pub fn gateway(&self, channel: NotifyChannel) -> Option<&gateway::GatewayConfig> {
        match channel {
            NotifyChannel::Whatsapp => self.whatsapp.as_ref(),
            NotifyChannel::Sms => self.sms.as_ref(),
            NotifyChannel::Email => None,
        }
    }
}

/// How long a letter's download link in a message lasts: three days — long enough for a villager who reads
/// messages every few days, short enough that a forwarded message stops handing the letter out; the
/// verification link in the same message does not expire.
pub const LETTER_LINK_TTL: Duration = Duration::from_secs(3 * 24 * 3600);

/// How long the survey link in a message lasts: the regulation's survey is about a service just received, and a
/// fortnight is ample to answer it.
pub const SURVEY_LINK_TTL: chrono::Duration = chrono::Duration::days(14);

/// Whether `text` holds a run of 16 digits — the length of a NIK and of a No. KK — which no message may carry
/// whatever its template says (UU 27/2022).
pub fn holds_identity_number(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 16 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_digits_in_a_row_are_an_identity_number_and_shorter_runs_are_not() {
        assert!(holds_identity_number("NIK 7302011505800001 terdaftar"));
        assert!(!holds_identity_number("Telp. 081234567890, nomor 400.9/12/Dinsos/XII/2026, kode K7QM-4XHP"));
        assert!(!holds_identity_number("7302 0115 0580 0001"), "grouped digits are not a run");
    }
}
