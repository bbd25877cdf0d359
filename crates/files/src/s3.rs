//! Objects on any S3-compatible server (AWS, MinIO, Ceph, Garage, s3s-fs) through rust-s3, path-style so that
//! a bucket name needs no DNS entry. TLS is rustls; there is no OpenSSL in the build.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::{Bucket, BucketConfiguration, Region};
use tokio::io::AsyncRead;

use crate::error::{FilesError, FilesResult};
use crate::key::ObjectKey;
use crate::object_store::{ObjectInfo, ObjectStore};

/// Where the bucket is and how to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    /// e.g. `http://127.0.0.1:9000`.
    pub endpoint: String,
    /// Bucket name.
    pub bucket: String,
    /// Region name the server expects (`us-east-1` when it does not care).
    pub region: String,
    /// Access key id.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
}

/// Requests that take longer than this fail, so that an unreachable server does not hold an officer's request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Objects in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Store {
    bucket: Box<Bucket>,
    describe: String,
}

impl S3Store {
    /// Connects and creates the bucket when it does not exist yet.
    pub async fn open(config: &S3Config) -> FilesResult<Self> {
        if config.bucket.is_empty() {
            return Err(FilesError::Config(String::from("nama bucket kosong")));
        }
        let region = Region::Custom { region: config.region.clone(), endpoint: config.endpoint.clone() };
        let credentials = Credentials::new(Some(&config.access_key), Some(&config.secret_key), None, None, None)
            .map_err(|e| FilesError::Config(e.to_string()))?;
        let bucket = Bucket::new(&config.bucket, region.clone(), credentials.clone())
            .map_err(unavailable)?
            .with_path_style()
            .with_request_timeout(REQUEST_TIMEOUT)
            .map_err(unavailable)?;
        // Listing one key tells whether the bucket exists (404) without needing rights on every bucket.
        match bucket.list_page(String::new(), None, None, None, Some(1)).await {
            Ok(_) => {}
            Err(S3Error::HttpFailWithBody(404, _)) => {
                Bucket::create_with_path_style(&config.bucket, region, credentials, BucketConfiguration::default())
                    .await
                    .map_err(unavailable)?;
            }
            Err(other) => return Err(unavailable(other)),
        }
        Ok(S3Store { bucket, describe: format!("s3 {}/{}", config.endpoint, config.bucket) })
    }
}

fn unavailable(error: S3Error) -> FilesError {
    match error {
        S3Error::HttpFailWithBody(404, _) => FilesError::NotFound,
        other => {
            // The whole chain: "error sending request" alone does not say that the connection was refused.
            let mut text = other.to_string();
            let mut source = std::error::Error::source(&other);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            FilesError::Unavailable(text)
        }
    }
}

#[async_trait]
impl ObjectStore for S3Store {
    async fn put(
        &self,
        key: &ObjectKey,
        body: &mut (dyn AsyncRead + Unpin + Send),
        content_type: &str,
    ) -> FilesResult<()> {
        self.bucket.put_object_stream_with_content_type(&mut &mut *body, key.as_str(), content_type).await.map_err(
            |e| match e {
                // The body's own reader failed (a size limit, a broken upload): not the server's fault.
                S3Error::Io(io) => FilesError::Io(io),
                other => unavailable(other),
            },
        )?;
        Ok(())
    }

    async fn get(&self, key: &ObjectKey) -> FilesResult<Vec<u8>> {
        Ok(self.bucket.get_object(key.as_str()).await.map_err(unavailable)?.to_vec())
    }

    async fn delete(&self, key: &ObjectKey) -> FilesResult<()> {
        match self.bucket.delete_object(key.as_str()).await {
            Ok(_) | Err(S3Error::HttpFailWithBody(404, _)) => Ok(()),
            Err(other) => Err(unavailable(other)),
        }
    }

    async fn list(&self, prefix: &str) -> FilesResult<Vec<ObjectInfo>> {
        let pages = self.bucket.list(prefix.to_string(), None).await.map_err(unavailable)?;
        Ok(pages
            .into_iter()
            .flat_map(|page| page.contents)
            .map(|o| ObjectInfo {
                modified: chrono::DateTime::parse_from_rfc3339(&o.last_modified).ok().map(SystemTime::from),
                key: o.key,
                size: o.size,
            })
            .collect())
    }

    async fn presign_get(&self, key: &ObjectKey, expires_in: Duration) -> FilesResult<Option<String>> {
        let secs = u32::try_from(expires_in.as_secs()).unwrap_or(u32::MAX);
        Ok(Some(self.bucket.presign_get(key.as_str(), secs, None).await.map_err(unavailable)?))
    }

    async fn check(&self) -> FilesResult<()> {
        self.bucket.list_page(String::new(), None, None, None, Some(1)).await.map_err(unavailable)?;
        Ok(())
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}
