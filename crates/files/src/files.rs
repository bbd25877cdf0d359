//! The files layer as the rest of Simpul uses it: checked, hashed, streamed uploads; whole reads of small
//! objects; short-lived download links.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

use crate::error::{FilesError, FilesResult};
use crate::key::ObjectKey;
use crate::object_store::{ObjectInfo, ObjectStore};
use crate::signed_url::{DownloadGrant, UrlSigner};
use crate::sniff::Accept;

/// Bytes read before the rest of an upload is streamed, enough for every signature `infer` knows.
const HEAD_BYTES: usize = 8 * 1024;

/// What was stored: the metadata row's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Where.
    pub key: ObjectKey,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The sniffed content type.
    pub content_type: String,
}

/// How a client gets the bytes of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Download {
    /// Straight from the backend (an S3 presigned URL).
    Direct(String),
    /// Through the server, with a grant it signed.
    Signed(DownloadGrant),
}

/// The files layer: a backend and the server's link signer.
#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
    signer: UrlSigner,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.store.describe())
    }
}

impl Files {
    /// The layer over a backend; `secret` signs download links the server serves itself.
    pub fn new(store: Arc<dyn ObjectStore>, secret: &[u8]) -> Self {
        Files { store, signer: UrlSigner::new(secret) }
    }

    /// The backend, for listings and checks.
    pub fn backend(&self) -> &dyn ObjectStore {
        self.store.as_ref()
    }

    /// Streams an upload into the store under `key` after checking its real type against `accept`; computes the
    /// SHA-256 and the size on the way and stops at the size limit. On any error nothing stays under `key`.
    pub async fn put_checked(
        &self,
        key: ObjectKey,
        body: &mut (dyn AsyncRead + Unpin + Send),
        accept: &Accept,
    ) -> FilesResult<StoredObject> {
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut *body).take(HEAD_BYTES as u64).read_to_end(&mut head).await?;
        let content_type = accept.check(&head)?;
        let mut reader = Hashing::new(head.as_slice().chain(body), accept.max_bytes);
        self.put_from(key, &mut reader, content_type).await
    }

    /// Stores bytes made by the server itself (a signed letter). The bytes are at hand, so a failure of the
    /// store (a connection the server dropped while restarting) is tried once more before it is reported.
    pub async fn put_bytes(&self, key: ObjectKey, bytes: &[u8], content_type: &str) -> FilesResult<StoredObject> {
        match self.put_from(key.clone(), &mut Hashing::new(bytes, u64::MAX), content_type).await {
            Err(FilesError::Unavailable(error)) => {
                tracing::warn!(%key, %error, "file store failed; trying once more");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                self.put_from(key, &mut Hashing::new(bytes, u64::MAX), content_type).await
            }
            other => other,
        }
    }

    async fn put_from<R: AsyncRead + Unpin + Send>(
        &self,
        key: ObjectKey,
        reader: &mut Hashing<R>,
        content_type: &str,
    ) -> FilesResult<StoredObject> {
        if let Err(error) = self.store.put(&key, reader, content_type).await {
            // A backend may have kept part of a failed write; make sure nothing stays.
            if let Err(cleanup) = self.store.delete(&key).await {
                tracing::warn!(key = %key, error = %cleanup, "could not remove a failed upload; gc will");
            }
            return Err(if reader.exceeded { FilesError::TooLarge { max_bytes: reader.limit } } else { error });
        }
        let sha256 = hex::encode(reader.hasher.clone().finalize());
        Ok(StoredObject { key, sha256, size: reader.size, content_type: content_type.to_string() })
    }

    /// The whole object.
    pub async fn get(&self, key: &ObjectKey) -> FilesResult<Vec<u8>> {
        self.store.get(key).await
    }

    /// Removes an object.
    pub async fn delete(&self, key: &ObjectKey) -> FilesResult<()> {
        self.store.delete(key).await
    }

    /// Every object under a prefix.
    pub async fn list(&self, prefix: &str) -> FilesResult<Vec<ObjectInfo>> {
        self.store.list(prefix).await
    }

    /// A link to read the object for `ttl` from `now` (unix seconds).
    pub async fn download(
        &self,
        key: &ObjectKey,
        content_type: &str,
        ttl: Duration,
        now: i64,
    ) -> FilesResult<Download> {
        match self.store.presign_get(key, ttl).await? {
            Some(url) => Ok(Download::Direct(url)),
            None => Ok(Download::Signed(self.signer.grant(key, content_type, now + ttl.as_secs() as i64))),
        }
    }

    /// Checks a link the server signed and returns the object it names.
    pub fn verify(&self, grant: &DownloadGrant, now: i64) -> FilesResult<ObjectKey> {
        self.signer.verify(grant, now)
    }
}

/// A reader that hashes and counts what passes through it and fails once more than `limit` bytes have.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
    limit: u64,
    exceeded: bool,
}

impl<R> Hashing<R> {
    fn new(inner: R, limit: u64) -> Self {
        Hashing { inner, hasher: Sha256::new(), size: 0, limit, exceeded: false }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Hashing<R> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[before..];
                this.size += new.len() as u64;
                if this.size > this.limit {
                    this.exceeded = true;
                    return Poll::Ready(Err(std::io::Error::other("file larger than allowed")));
                }
                this.hasher.update(new);
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}
