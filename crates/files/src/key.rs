//! Object keys: `<tenant>/<application>/<uuid>`, so that one tenant's objects share a prefix (and can be listed,
//! exported or removed together) and no key can be guessed from another.

use std::fmt;

use uuid::Uuid;

use crate::error::{FilesError, FilesResult};

/// The key of a stored object, checked to be made of plain path segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey(String);

impl ObjectKey {
    /// A new key for an object of an application of a tenant.
    pub fn new(tenant: &str, application: Uuid) -> FilesResult<Self> {
        Self::parse(&format!("{tenant}/{application}/{}", Uuid::now_v7()))
    }

    /// The key of a named object of an application, e.g. a letter's PDF (`<tenant>/<application>/<letter>.pdf`):
    /// the same name always gives the same key, so that an object written twice is one object.
    pub fn named(tenant: &str, application: Uuid, name: &str) -> FilesResult<Self> {
        Self::parse(&format!("{tenant}/{application}/{name}"))
    }

    /// Checks a stored key: non-empty segments of letters, digits, `-`, `_` and `.`, none of them `.` or `..`.
    pub fn parse(key: &str) -> FilesResult<Self> {
        let plain = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        if key.split('/').all(plain) { Ok(ObjectKey(key.to_string())) } else { Err(FilesError::InvalidKey(key.into())) }
    }

    /// The tenant segment.
    pub fn tenant(&self) -> &str {
        self.0.split('/').next().unwrap_or_default()
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
