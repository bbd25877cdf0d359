//! Download links signed by the server, for backends that cannot presign (the local folder): the link names the
//! object, its content type and an expiry, and carries an HMAC-SHA256 of the three under a server secret, so it
//! cannot be altered or extended and needs no session to follow.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{FilesError, FilesResult};
use crate::key::ObjectKey;

/// Signs and checks download links.
#[derive(Clone)]
pub struct UrlSigner {
    secret: Vec<u8>,
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlSigner(..)")
    }
}

/// What a link grants: one object, until a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadGrant {
    /// The object.
    pub key: String,
    /// Content type to serve it with.
    pub content_type: String,
    /// Unix seconds after which the link is dead.
    pub expires: i64,
    /// The signature, hex.
    pub signature: String,
}

impl UrlSigner {
    /// A signer with the server's secret.
    pub fn new(secret: &[u8]) -> Self {
        UrlSigner { secret: secret.to_vec() }
    }

    fn mac(&self, key: &str, content_type: &str, expires: i64) -> Hmac<Sha256> {
        // Any key length is valid for HMAC.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret).unwrap_or_else(|_| unreachable!());
        mac.update(format!("{key}\n{content_type}\n{expires}").as_bytes());
        mac
    }

    /// A grant for `key` until `expires` (unix seconds).
    pub fn grant(&self, key: &ObjectKey, content_type: &str, expires: i64) -> DownloadGrant {
        let signature = hex::encode(self.mac(key.as_str(), content_type, expires).finalize().into_bytes());
        DownloadGrant { key: key.to_string(), content_type: content_type.to_string(), expires, signature }
    }

    /// Checks a grant presented at `now` (unix seconds) and returns the key it names.
    pub fn verify(&self, grant: &DownloadGrant, now: i64) -> FilesResult<ObjectKey> {
        let signature = hex::decode(&grant.signature).map_err(|_| FilesError::BadLink)?;
        self.mac(&grant.key, &grant.content_type, grant.expires)
            .verify_slice(&signature)
            .map_err(|_| FilesError::BadLink)?;
        if now > grant.expires {
            return Err(FilesError::BadLink);
        }
        ObjectKey::parse(&grant.key)
    }
}
