//! Backends for the suite and sample files.

use std::sync::Arc;

use simpul_files::{Files, LocalFolder, S3Config, S3Store};

/// One backend under test; the folder lives as long as this.
pub struct Backend {
    pub name: &'static str,
    pub files: Files,
    _dir: Option<tempfile::TempDir>,
}

/// The S3 settings of the environment, with a fresh bucket so that tests do not see each other's objects.
pub fn s3_config() -> Option<S3Config> {
    let endpoint = std::env::var("TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty())?;
    Some(S3Config {
        endpoint,
        bucket: format!("simpul-test-{}", uuid::Uuid::new_v4().simple()),
        region: String::from("us-east-1"),
        access_key: std::env::var("TEST_S3_ACCESS_KEY").unwrap_or_default(),
        secret_key: std::env::var("TEST_S3_SECRET_KEY").unwrap_or_default(),
    })
}

/// The local folder, and S3 when configured.
pub async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let local = LocalFolder::open(dir.path().join("files")).await.expect("folder");
    let mut out = vec![Backend { name: "local", files: Files::new(Arc::new(local), b"secret"), _dir: Some(dir) }];
    if let Some(config) = s3_config() {
        let s3 = S3Store::open(&config).await.expect("S3 server of TEST_S3_ENDPOINT");
        out.push(Backend { name: "s3", files: Files::new(Arc::new(s3), b"secret"), _dir: None });
    }
    out
}

/// A small PDF (what `infer` recognises is the `%PDF-` signature).
pub fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.resize(len, b'x');
    bytes
}

/// A JPEG's first bytes.
pub fn jpg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    bytes.resize(len, 0);
    bytes
}

/// A ZIP archive's first bytes, renamed by its sender to `ktp.pdf`.
pub fn zip() -> Vec<u8> {
    let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    bytes.resize(2048, 0);
    bytes
}
