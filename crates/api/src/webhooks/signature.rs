//! The signature on every webhook request, so that a receiver can tell Simpul's requests from anyone else's and
//! refuse an old request played again: `X-Simpul-Signature: sha256=<hex>`, the HMAC-SHA256 with the endpoint's
//! secret of `<X-Simpul-Timestamp>.<body>` (the Unix time in seconds, a dot, the body's bytes). Receivers compute
//! the same, compare in constant time, and refuse timestamps more than five minutes away from their clock.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-simpul-signature";
/// The header carrying the timestamp that is signed with the body.
pub const TIMESTAMP_HEADER: &str = "x-simpul-timestamp";
/// The header carrying the event id, the same in every attempt and replay: receivers deduplicate by it.
pub const EVENT_ID_HEADER: &str = "x-simpul-event-id";
/// The header carrying the event kind.
pub const EVENT_HEADER: &str = "x-simpul-event";
/// The header carrying the delivery id.
pub const DELIVERY_HEADER: &str = "x-simpul-delivery";

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The value of [`SIGNATURE_HEADER`].
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Whether `header` is the signature of `body` at `timestamp` with `secret` (constant-time), as a receiver checks.
pub fn verify(secret: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    let Some(hex_part) = header.strip_prefix("sha256=") else { return false };
    let Ok(bytes) = hex::decode(hex_part) else { return false };
    mac(secret, timestamp, body).verify_slice(&bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_secret_timestamp_and_every_byte_of_the_body() {
        let body = br#"{"id":"0193","kind":"submitted"}"#;
        let header = sign("rahasia-bersama-1234", 1_795_000_000, body);
        assert!(header.starts_with("sha256=") && header.len() == 7 + 64);
        assert!(verify("rahasia-bersama-1234", 1_795_000_000, body, &header));
        assert!(!verify("rahasia-lain-123456", 1_795_000_000, body, &header), "another secret");
        assert!(!verify("rahasia-bersama-1234", 1_795_000_001, body, &header), "another timestamp");
        assert!(!verify("rahasia-bersama-1234", 1_795_000_000, br#"{"id":"0194","kind":"submitted"}"#, &header));
        assert!(!verify("rahasia-bersama-1234", 1_795_000_000, body, "sha256=zz"));
    }
}
