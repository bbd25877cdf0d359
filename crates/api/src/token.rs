//! Bearer tokens: a signed JWT (HS256) naming the user, expiring after a working day.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a token is valid.
pub const TOKEN_HOURS: i64 = 10;

/// How far past its expiry a token is still accepted: the instances' clocks are kept by NTP to well under a
/// second, so 5 s covers their drift (jsonwebtoken's default of 60 s would accept an expired token for a minute).
const LEEWAY_SECONDS: u64 = 5;

/// What a survey token's subject starts with.
const SURVEY_PREFIX: &str = "survei:";

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

    /// A token that lets whoever tracked an ended application (for `lasts`: an hour from the tracking page, longer
    /// in a message) answer its satisfaction survey without giving their NIK again: it names the tenant and the
    /// application after a prefix that no user id has, so it is never a bearer token, nor a bearer token a survey
    /// token.
    pub fn issue_survey(
        &self,
        tenant: &str,
        application: Uuid,
        lasts: Duration,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now();
        let claims = Claims {
            sub: format!("{SURVEY_PREFIX}{tenant}:{application}"),
            exp: (now + lasts).timestamp(),
            iat: now.timestamp(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The tenant and application a valid, unexpired survey token names.
    pub fn verify_survey(&self, token: &str) -> Option<(String, Uuid)> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        let data = decode::<Claims>(token, &self.decoding, &validation).ok()?;
        let (tenant, application) = data.claims.sub.strip_prefix(SURVEY_PREFIX)?.rsplit_once(':')?;
        Some((tenant.to_string(), Uuid::parse_str(application).ok()?))
    }

    /// The user a valid, unexpired token names, and when it was issued (Unix seconds; a token issued before
    /// the user's password was reset is refused by the store).
    pub fn verify(&self, token: &str) -> Option<(Uuid, i64)> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        let data = decode::<Claims>(token, &self.decoding, &validation).ok()?;
        Some((Uuid::parse_str(&data.claims.sub).ok()?, data.claims.iat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_expiring_in(keys: &TokenKeys, seconds: i64) -> String {
        let now = Utc::now().timestamp();
        let claims = Claims { sub: Uuid::nil().to_string(), exp: now + seconds, iat: now - 36_000 };
        encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).expect("token")
    }

    #[test]
    fn survey_tokens_and_bearer_tokens_are_never_each_other() {
        let keys = TokenKeys::new(b"a secret of at least thirty-two bytes!!");
        let application = Uuid::now_v7();
        let survey = keys.issue_survey("bulukumba", application, Duration::hours(1)).expect("token");
        assert_eq!(keys.verify_survey(&survey), Some((String::from("bulukumba"), application)));
        assert_eq!(keys.verify(&survey), None, "a survey token is no bearer token");
        let (bearer, _) = keys.issue(Uuid::nil()).expect("token");
        assert_eq!(keys.verify_survey(&bearer), None, "a bearer token is no survey token");
        let other = TokenKeys::new(b"another secret of at least thirty-two bytes");
        assert_eq!(other.verify_survey(&survey), None, "signed by the server's own key only");
    }

    #[test]
    fn expiry_is_checked_with_five_seconds_of_leeway() {
        let keys = TokenKeys::new(b"a secret of at least thirty-two bytes!!");
        assert_eq!(keys.verify(&token_expiring_in(&keys, 60)).map(|(user, _)| user), Some(Uuid::nil()));
        assert_eq!(
            keys.verify(&token_expiring_in(&keys, -2)).map(|(user, _)| user),
            Some(Uuid::nil()),
            "within the leeway"
        );
        assert_eq!(keys.verify(&token_expiring_in(&keys, -30)), None, "expired 30 s ago");
    }
}
