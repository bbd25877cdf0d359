//! The embedded default: objects as files under a folder (`./data/files`). A write goes to a temporary file in
//! `.partial/`, is synced, then renamed into place, so a crash never leaves half an object under a real key.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncRead, AsyncWriteExt};
use uuid::Uuid;

use crate::error::{FilesError, FilesResult};
use crate::key::ObjectKey;
use crate::object_store::{ObjectInfo, ObjectStore};

/// Temporary files of writes in progress, inside the root.
const PARTIAL: &str = ".partial";

/// Objects in a local folder.
#[derive(Debug, Clone)]
pub struct LocalFolder {
    root: PathBuf,
}

impl LocalFolder {
    /// Uses (and creates) `root`.
    pub async fn open(root: impl Into<PathBuf>) -> FilesResult<Self> {
        let root = root.into();
        tokio::fs::create_dir_all(root.join(PARTIAL)).await?;
        Ok(LocalFolder { root })
    }

    fn path(&self, key: &ObjectKey) -> PathBuf {
        self.root.join(key.as_str())
    }
}

#[async_trait]
impl ObjectStore for LocalFolder {
    async fn put(
        &self,
        key: &ObjectKey,
        body: &mut (dyn AsyncRead + Unpin + Send),
        _content_type: &str,
    ) -> FilesResult<()> {
        let partial = self.root.join(PARTIAL).join(Uuid::now_v7().to_string());
        let written = async {
            let mut file = tokio::fs::File::create(&partial).await?;
            tokio::io::copy(body, &mut file).await?;
            file.flush().await?;
            file.sync_all().await?;
            let target = self.path(key);
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            tokio::fs::rename(&partial, &target).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        Ok(written?)
    }

    async fn get(&self, key: &ObjectKey) -> FilesResult<Vec<u8>> {
        match tokio::fs::read(self.path(key)).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FilesError::NotFound),
            other => Ok(other?),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> FilesResult<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => Ok(other?),
        }
    }

    async fn list(&self, prefix: &str) -> FilesResult<Vec<ObjectInfo>> {
        let root = self.root.clone();
        let prefix = prefix.to_string();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            walk(&root, &root, &mut out)?;
            out.retain(|o| o.key.starts_with(&prefix));
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
        .await
        .map_err(|e| FilesError::Io(std::io::Error::other(e)))?
    }

    async fn presign_get(&self, _key: &ObjectKey, _expires_in: Duration) -> FilesResult<Option<String>> {
        Ok(None)
    }

    async fn check(&self) -> FilesResult<()> {
        tokio::fs::metadata(&self.root).await?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("folder {}", self.root.display())
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<ObjectInfo>) -> FilesResult<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let meta = entry.metadata()?;
        if meta.is_dir() {
            if dir == root && entry.file_name() == PARTIAL {
                continue;
            }
            walk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push(ObjectInfo { key, size: meta.len(), modified: meta.modified().ok() });
        }
    }
    Ok(())
}
