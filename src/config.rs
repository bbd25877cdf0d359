//! Configuration: command-line flags over environment variables over a config file over embedded defaults.
//!
//! The config file is YAML (`simpul.yaml` in the working directory, or the file `SIMPUL_CONFIG` names), like the
//! definitions; every key is optional.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// The config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `postgres://…` or `sqlite://…`; the embedded SQLite file when absent.
    pub database_url: Option<String>,
    /// The definitions folder imported on first start.
    pub definitions: Option<PathBuf>,
    /// Address the server listens on.
    pub bind: Option<String>,
    /// Secret that signs bearer tokens; generated and kept in `data/token.secret` when absent.
    pub token_secret: Option<String>,
}

impl FileConfig {
    /// Reads the config file, if there is one.
    pub fn load() -> anyhow::Result<Self> {
        let explicit = std::env::var_os("SIMPUL_CONFIG").map(PathBuf::from);
        let path = explicit.clone().unwrap_or_else(|| PathBuf::from("simpul.yaml"));
        if !path.exists() {
            if explicit.is_some() {
                anyhow::bail!("config file {} does not exist", path.display());
            }
            return Ok(FileConfig::default());
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        serde_yaml::from_str(&text).with_context(|| format!("reading {}", path.display()))
    }
}

/// The database URL: `--database-url`, else `DATABASE_URL`, else the config file, else the SQLite file under
/// `./data/`.
pub fn database_url(flag: Option<&str>) -> anyhow::Result<String> {
    if let Some(url) = flag {
        return Ok(url.to_string());
    }
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Ok(url);
    }
    Ok(FileConfig::load()?.database_url.unwrap_or_else(simpul_store::db::default_url))
}

/// The definitions folder: the flag, else the config file, else `service-definitions`.
pub fn definitions_dir(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    Ok(FileConfig::load()?.definitions.unwrap_or_else(|| PathBuf::from(crate::commands::DEFAULT_DEFINITIONS_DIR)))
}

/// Where the server listens: `--bind`, else `SIMPUL_BIND`, else the config file, else 127.0.0.1:8080.
pub fn bind(flag: Option<&str>) -> anyhow::Result<String> {
    if let Some(bind) = flag {
        return Ok(bind.to_string());
    }
    if let Ok(bind) = std::env::var("SIMPUL_BIND") {
        return Ok(bind);
    }
    Ok(FileConfig::load()?.bind.unwrap_or_else(|| String::from("127.0.0.1:8080")))
}

/// The token secret: `SIMPUL_TOKEN_SECRET`, else the config file, else `data/token.secret`, created with 32
/// random bytes on first use (readable by the owner only).
pub fn token_secret() -> anyhow::Result<Vec<u8>> {
    if let Ok(secret) = std::env::var("SIMPUL_TOKEN_SECRET") {
        return Ok(secret.into_bytes());
    }
    if let Some(secret) = FileConfig::load()?.token_secret {
        return Ok(secret.into_bytes());
    }
    let path = Path::new("data/token.secret");
    if let Ok(existing) = std::fs::read_to_string(path)
        && existing.trim().len() >= 64
    {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let secret = hex::encode(bytes);
    std::fs::create_dir_all("data").context("creating data/")?;
    std::fs::write(path, &secret).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(secret.into_bytes())
}
