//! E-mail over SMTP with lettre: the deployment's mail server, the office's name as the sender's display name.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// The mail server.
#[derive(Debug, Clone)]
pub struct EmailConfig {
    /// `smtp://user:password@host:587?tls=required`, `smtps://host:465` or `smtp://host:25` (lettre's URL form).
    pub smtp_url: String,
    /// The sender's address, e.g. `noreply@simpul.sulselprov.go.id`; the office's name is its display name.
    pub from: String,
}

/// A connection-pooled client of the mail server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::Address,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish_non_exhaustive()
    }
}

/// Why a message was not accepted, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailError {
    /// What went wrong.
    pub message: String,
    /// The server refused for good (a 5xx answer: no such mailbox, say).
    pub permanent: bool,
}

impl Mailer {
    /// A client of the configured server; an unreadable URL or sender is a configuration error at start.
    pub fn new(config: &EmailConfig, timeout: std::time::Duration) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| format!("SMTP URL tidak terbaca: {e}"))?
            .timeout(Some(timeout))
            .build();
        let from = config.from.parse().map_err(|e| format!("alamat pengirim `{}` tidak sah: {e}", config.from))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text message from `office` (display name), answered to `reply_to` when the office has an
    /// address; returns the server's answer. `id` (the message's id in Simpul) becomes its Message-ID, the same in
    /// every attempt, so that a copy sent again after a crash between sending and recording is recognised as one.
    pub async fn send(
        &self,
        id: uuid::Uuid,
        office: &str,
        reply_to: Option<&str>,
        to: &str,
        subject: &str,
        text: &str,
    ) -> Result<String, MailError> {
        let refused = |message: String| MailError { message, permanent: true };
        let to: Mailbox = to.parse().map_err(|e| refused(format!("alamat tujuan tidak sah: {e}")))?;
        let mut builder = Message::builder()
            .from(Mailbox::new(Some(office.to_string()), self.from.clone()))
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{id}@simpul>")))
            .header(ContentType::TEXT_PLAIN);
        if let Some(reply_to) = reply_to.and_then(|r| r.parse::<Mailbox>().ok()) {
            builder = builder.reply_to(reply_to);
        }
        let message = builder.body(text.to_string()).map_err(|e| refused(format!("pesan tidak dapat disusun: {e}")))?;
        match self.transport.send(message).await {
            Ok(response) => Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))),
            Err(error) => {
                Err(MailError { permanent: error.is_permanent(), message: crate::webhooks::sender::describe(&error) })
            }
        }
    }
}
