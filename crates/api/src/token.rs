//! Bearer tokens: a signed JWT (HS256) naming the user, expiring after a working day.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a token is valid.
pub const TOKEN_HOURS: i64 = 10;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    iat: i64,
}

/// The signing keys.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    /// Keys from a secret (at least 32 bytes of entropy).
    pub fn new(secret: &[u8]) -> Self {
        TokenKeys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// A token for `user`, and when it expires.
    pub fn issue(&self, user: Uuid) -> Result<(String, chrono::DateTime<Utc>), jsonwebtoken::errors::Error> {
        let now = Utc::now();
        let expires = now + Duration::hours(TOKEN_HOURS);
        let claims = Claims { sub: user.to_string(), exp: expires.timestamp(), iat: now.timestamp() };
        Ok((encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?, expires))
    }

    /// The user a valid, unexpired token names.
    pub fn verify(&self, token: &str) -> Option<Uuid> {
        let data = decode::<Claims>(token, &self.decoding, &Validation::new(Algorithm::HS256)).ok()?;
        Uuid::parse_str(&data.claims.sub).ok()
    }
}
