//! WhatsApp and SMS through an HTTP gateway. Offices in Indonesia send such messages through gateway services
//! rather than the operators' own APIs; two request formats are built in: Fonnte's (a WhatsApp gateway widely
//! used by Indonesian government offices and businesses) and a generic JSON one whose field names and number
//! form the deployment configures, for any other gateway or an in-house relay.

use serde::Deserialize;

/// The request format a gateway speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayKind {
    /// `POST https://api.fonnte.com/send`, header `Authorization: <token>`, form fields `target`, `message` and
    /// `countryCode=62`; it answers 200 with `{"status": true, "id": [...]}` or `{"status": false, "reason": ...}`.
    Fonnte,
    /// `POST <url>` with a JSON object `{<to_field>: number, <message_field>: text}`, the token as
    /// `Authorization: Bearer <token>` and the message's id as `Idempotency-Key`; any 2xx answer is success.
    Generic,
}

impl std::str::FromStr for GatewayKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "fonnte" => Ok(GatewayKind::Fonnte),
            "generic" => Ok(GatewayKind::Generic),
            other => Err(format!("gateway `{other}` is not one of: fonnte, generic")),
        }
    }
}

/// How numbers are written to a generic gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberForm {
    /// `6281234567890`, as most gateways want.
    International,
    /// `081234567890`, as the applicant wrote it.
    National,
}

/// One gateway.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Its request format.
    pub kind: GatewayKind,
    /// Where requests go.
    pub url: String,
    /// The account's token.
    pub token: String,
    /// Generic: the JSON field of the number (default `to`).
    pub to_field: String,
    /// Generic: the JSON field of the text (default `message`).
    pub message_field: String,
    /// Generic: how numbers are written.
    pub number_form: NumberForm,
}

impl GatewayConfig {
    /// Fonnte's address.
    pub const FONNTE_URL: &str = "https://api.fonnte.com/send";

    /// A gateway of `kind` at `url` (Fonnte's own address when none is given) with the generic format's defaults.
    pub fn new(kind: GatewayKind, url: Option<String>, token: String) -> Result<Self, String> {
        let url = match (kind, url) {
            (_, Some(url)) => url,
            (GatewayKind::Fonnte, None) => Self::FONNTE_URL.to_string(),
            (GatewayKind::Generic, None) => return Err(String::from("a generic gateway needs its URL")),
        };
        Ok(GatewayConfig {
            kind,
            url,
            token,
            to_field: String::from("to"),
            message_field: String::from("message"),
            number_form: NumberForm::International,
        })
    }
}

/// `081234567890` as `6281234567890`.
fn international(national: &str) -> String {
    national.strip_prefix('0').map_or_else(|| national.to_string(), |rest| format!("62{rest}"))
}

#[derive(Deserialize)]
struct FonnteAnswer {
    status: bool,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

/// Sends `text` to the national number `to`; returns what the gateway answered, or why it failed. The generic
/// format carries `id` (the message's id in Simpul) as `Idempotency-Key`, the same in every attempt, for a gateway
/// that drops a copy sent again after a crash between sending and recording.
pub async fn send(
    client: &reqwest::Client,
    gateway: &GatewayConfig,
    id: uuid::Uuid,
    to: &str,
    text: &str,
) -> Result<Option<String>, String> {
    let request = match gateway.kind {
        GatewayKind::Fonnte => client
            .post(&gateway.url)
            .header(reqwest::header::AUTHORIZATION, &gateway.token)
            .form(&[("target", to), ("message", text), ("countryCode", "62")]),
        GatewayKind::Generic => {
            let number = match gateway.number_form {
                NumberForm::International => international(to),
                NumberForm::National => to.to_string(),
            };
            let mut body = serde_json::Map::new();
            body.insert(gateway.to_field.clone(), number.into());
            body.insert(gateway.message_field.clone(), text.into());
            client
                .post(&gateway.url)
                .bearer_auth(&gateway.token)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header("Idempotency-Key", id.to_string())
                .body(serde_json::Value::Object(body).to_string())
        }
    };
    let response = request.send().await.map_err(|e| crate::webhooks::sender::describe(&e))?;
    let status = response.status();
    // A gateway's answer is short; more than this is not one worth keeping.
    let body: String = response.text().await.unwrap_or_default().chars().take(500).collect();
    if !status.is_success() {
        return Err(format!("gateway menjawab HTTP {status}: {body}"));
    }
    match gateway.kind {
        GatewayKind::Generic => Ok(Some(body).filter(|b| !b.is_empty())),
        GatewayKind::Fonnte => {
            let answer: FonnteAnswer =
                serde_json::from_str(&body).map_err(|_| format!("jawaban Fonnte tidak terbaca: {body}"))?;
            if answer.status {
                Ok(Some(answer.id.map_or_else(|| answer.detail.unwrap_or_default(), |id| format!("id {id}"))))
            } else {
                Err(format!("Fonnte menolak: {}", answer.reason.unwrap_or_else(|| body.clone())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_numbers_become_international_and_fonnte_needs_no_url() {
        assert_eq!(international("081234567890"), "6281234567890");
        let fonnte = GatewayConfig::new(GatewayKind::Fonnte, None, String::from("t")).expect("fonnte");
        assert_eq!(fonnte.url, GatewayConfig::FONNTE_URL);
        assert!(GatewayConfig::new(GatewayKind::Generic, None, String::from("t")).is_err());
        assert_eq!(
            "sms-gw".parse::<GatewayKind>(),
            Err(String::from("gateway `sms-gw` is not one of: fonnte, generic"))
        );
    }
}
