//! Forwarding complaints to SP4N-LAPOR! (the national complaint system, LAPOR.go.id). Its integration API is
//! given to agencies on request and not published, so this is the adapter point: a [`ComplaintForwarder`] the
//! deployment configures, with an HTTP implementation whose request is a plain JSON report an agency's connector
//! (or a future direct integration) takes; the forwarded complaint keeps the number the other side gives it.

use async_trait::async_trait;
use serde::Serialize;

/// What is forwarded: the complaint as a report, without the complainant's contact (SP4N-LAPOR! asks its own
/// reporters for theirs).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The complaint's code in Simpul, for the answer to find its way back.
    pub kode: String,
    /// The office it was made to.
    pub instansi: String,
    /// A title: the office and the channel.
    pub judul: String,
    /// The complaint's text.
    pub isi: String,
    /// When it was received (RFC 3339).
    pub diterima: String,
}

/// Sends a complaint on to SP4N-LAPOR!; returns the number it got there.
#[async_trait]
pub trait ComplaintForwarder: Send + Sync {
    /// Forwards one report.
    async fn forward(&self, report: &Report) -> Result<String, String>;
}

/// The HTTP forwarder: `POST <url>` with the report as JSON and `Authorization: Bearer <token>`; a 2xx answer
/// carrying `{"id": …}` (or `tracking_id`) is the number in SP4N-LAPOR!.
pub struct HttpForwarder {
    url: String,
    token: String,
    client: reqwest::Client,
}

impl HttpForwarder {
    /// A forwarder to `url` with `token`; ten seconds to answer.
    pub fn new(url: String, token: String) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpForwarder { url, token, client })
    }
}

#[async_trait]
impl ComplaintForwarder for HttpForwarder {
    async fn forward(&self, report: &Report) -> Result<String, String> {
        let body = serde_json::to_string(report).map_err(|e| e.to_string())?;
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| crate::webhooks::sender::describe(&e))?;
        let status = response.status();
        // An answer is a few fields; more than this is not one.
        let text: String = response.text().await.unwrap_or_default().chars().take(1000).collect();
        if !status.is_success() {
            return Err(format!("SP4N-LAPOR menjawab HTTP {status}: {text}"));
        }
        let answer: serde_json::Value =
            serde_json::from_str(&text).map_err(|_| format!("jawaban SP4N-LAPOR tidak terbaca: {text}"))?;
        let id = answer.get("id").or_else(|| answer.get("tracking_id")).ok_or("jawaban SP4N-LAPOR tanpa nomor")?;
        Ok(id.as_str().map_or_else(|| id.to_string(), String::from))
    }
}
