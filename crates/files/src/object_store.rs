//! The one storage interface both backends implement.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio::io::AsyncRead;

use crate::error::FilesResult;
use crate::key::ObjectKey;

/// What a listing says of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was written, when the backend says.
    pub modified: Option<SystemTime>,
}

/// A place to keep objects. Writes are all-or-nothing: a failed `put` leaves no object under the key.
#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// Stores everything `body` yields under `key`.
    async fn put(
        &self,
        key: &ObjectKey,
        body: &mut (dyn AsyncRead + Unpin + Send),
        content_type: &str,
    ) -> FilesResult<()>;

    /// The whole object. Meant for letters and small files; large downloads go through [`Self::presign_get`] or
    /// the server's signed URL.
    async fn get(&self, key: &ObjectKey) -> FilesResult<Vec<u8>>;

    /// Removes the object; removing a missing object is not an error.
    async fn delete(&self, key: &ObjectKey) -> FilesResult<()>;

    /// Every object whose key starts with `prefix`.
    async fn list(&self, prefix: &str) -> FilesResult<Vec<ObjectInfo>>;

    /// A URL that lets its holder read the object directly from the backend until it expires, when the backend
    /// can make one (S3 presigned URLs); `None` means the server signs its own URL and serves the bytes.
    async fn presign_get(&self, key: &ObjectKey, expires_in: Duration) -> FilesResult<Option<String>>;

    /// Whether the backend answers, for `/readyz`.
    async fn check(&self) -> FilesResult<()>;

    /// Where the objects are, for logs ("folder ./data/files", "s3 http://…/simpul").
    fn describe(&self) -> String;
}
