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
    /// A PostgreSQL streaming replica of `database_url` for the reads that may lag (lists, inboxes, dashboards,
    /// exports, public pages, tracking); every read goes to the primary when absent.
    pub database_replica_url: Option<String>,
    /// How far behind (milliseconds) the replica may fall before reads go to the primary instead (default 5000).
    pub replica_max_lag_ms: Option<u64>,
    /// The definitions folder imported on first start; the definitions shipped in the binary when absent.
    pub definitions: Option<PathBuf>,
    /// Address the server listens on.
    pub bind: Option<String>,
    /// Secret that signs bearer tokens; generated and kept in `data/token.secret` when absent.
    pub token_secret: Option<String>,
    /// The address people reach the server at (download links, the QR on letters), e.g.
    /// `https://simpul.sulselprov.go.id`; `http://<bind>` when absent.
    pub public_url: Option<String>,
    /// Folder of stored files when no S3 store is configured (default `data/files`).
    pub files_dir: Option<PathBuf>,
    /// An S3-compatible store for files; overrides `files_dir`.
    pub s3: Option<S3Section>,
    /// Redis shared by the instances of a deployment (`redis://host:6379`); in-process state when absent.
    pub redis_url: Option<String>,
    /// Prefix of Simpul's keys and channels in Redis, for deployments sharing one Redis (default `simpul`).
    pub redis_prefix: Option<String>,
    /// How webhooks are sent.
    pub webhooks: Option<WebhooksSection>,
    /// How messages to applicants are sent (mail server, WhatsApp and SMS gateways).
    pub notifications: Option<NotificationsSection>,
    /// How many trusted reverse proxies stand in front of the server (default 0): each appends the address it
    /// saw to `X-Forwarded-For`, and limits per client count the address that many entries from the right.
    pub forwarded_hops: Option<usize>,
    /// Bundle keys (base64) of the installations whose bundles this one imports.
    pub trusted_bundle_keys: Option<Vec<String>>,
}

/// The `webhooks:` section of the config file; `SIMPUL_WEBHOOK_RETRY_BASE_MS`, `SIMPUL_WEBHOOK_MAX_ATTEMPTS`,
/// `SIMPUL_WEBHOOK_TIMEOUT_MS` and `SIMPUL_WEBHOOK_ALLOW_PRIVATE` override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksSection {
    /// Wait after the first failed attempt, doubled after each further one (default 10000).
    pub retry_base_ms: Option<u64>,
    /// Attempts before giving up on a delivery (default 12).
    pub max_attempts: Option<u32>,
    /// How long an endpoint has to answer (default 10000).
    pub timeout_ms: Option<u64>,
    /// Whether endpoints may be on loopback or private networks (default false).
    pub allow_private_addresses: Option<bool>,
}

/// The `notifications:` section of the config file. Environment variables override each key: `SIMPUL_SMTP_URL`,
/// `SIMPUL_MAIL_FROM`, `SIMPUL_WHATSAPP_GATEWAY`, `SIMPUL_WHATSAPP_URL`, `SIMPUL_WHATSAPP_TOKEN` (and the same
/// with `SMS`), `SIMPUL_NOTIFY_RETRY_BASE_MS`, `SIMPUL_NOTIFY_MAX_ATTEMPTS`, `SIMPUL_NOTIFY_TIMEOUT_MS`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsSection {
    /// The mail server as a URL: `smtp://user:password@host:587?tls=required`, `smtps://host:465`.
    pub smtp_url: Option<String>,
    /// The sender's address, e.g. `noreply@simpul.sulselprov.go.id`.
    pub mail_from: Option<String>,
    /// The WhatsApp gateway.
    pub whatsapp: Option<GatewaySection>,
    /// The SMS gateway.
    pub sms: Option<GatewaySection>,
    /// Wait after the first failed attempt, doubled after each further one (default 30000).
    pub retry_base_ms: Option<u64>,
    /// Attempts before giving up on a message (default 10).
    pub max_attempts: Option<u32>,
    /// How long the server or gateway has to answer (default 15000).
    pub timeout_ms: Option<u64>,
}

/// One gateway of the `notifications:` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySection {
    /// `fonnte` or `generic`.
    pub gateway: Option<String>,
    /// Where requests go (Fonnte's own address when absent).
    pub url: Option<String>,
    /// The account's token.
    pub token: Option<String>,
    /// Generic: the JSON field of the number (default `to`).
    pub to_field: Option<String>,
    /// Generic: the JSON field of the text (default `message`).
    pub message_field: Option<String>,
    /// Generic: `international` (62812…, default) or `national` (0812…).
    pub number_form: Option<String>,
}

/// The `s3:` section of the config file; `S3_ENDPOINT`, `S3_BUCKET`, `S3_REGION`, `S3_ACCESS_KEY` and
/// `S3_SECRET_KEY` override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Section {
    pub endpoint: Option<String>,
    pub bucket: Option<String>,
    pub region: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
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

/// The read replica: `DATABASE_REPLICA_URL`, else the config file's `database_replica_url`; with how far behind
/// it may fall (`SIMPUL_REPLICA_MAX_LAG_MS`, else `replica_max_lag_ms`, else
/// [`simpul_store::replica::DEFAULT_MAX_LAG`]).
pub fn replica() -> anyhow::Result<Option<(String, std::time::Duration)>> {
    let file = FileConfig::load()?;
    let url = std::env::var("DATABASE_REPLICA_URL").ok().filter(|u| !u.is_empty()).or(file.database_replica_url);
    let Some(url) = url else { return Ok(None) };
    let max_lag = match parsed::<u64>("SIMPUL_REPLICA_MAX_LAG_MS")?.or(file.replica_max_lag_ms) {
        Some(0) => anyhow::bail!("the replica's maximum lag must be more than 0 ms"),
        Some(ms) => std::time::Duration::from_millis(ms),
        None => simpul_store::replica::DEFAULT_MAX_LAG,
    };
    Ok(Some((url, max_lag)))
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

/// Where files are kept: S3 when `S3_ENDPOINT` or the config file's `s3:` names an endpoint, else the folder
/// `files_dir` (default `data/files`).
pub async fn object_store() -> anyhow::Result<std::sync::Arc<dyn simpul_files::ObjectStore>> {
    let file = FileConfig::load()?;
    let section = file.s3.unwrap_or_default();
    let pick = |env: &str, from_file: Option<String>| std::env::var(env).ok().filter(|v| !v.is_empty()).or(from_file);
    if let Some(endpoint) = pick("S3_ENDPOINT", section.endpoint) {
        let config = simpul_files::S3Config {
            endpoint,
            bucket: pick("S3_BUCKET", section.bucket).unwrap_or_else(|| String::from("simpul")),
            region: pick("S3_REGION", section.region).unwrap_or_else(|| String::from("us-east-1")),
            access_key: pick("S3_ACCESS_KEY", section.access_key).unwrap_or_default(),
            secret_key: pick("S3_SECRET_KEY", section.secret_key).unwrap_or_default(),
        };
        let store = simpul_files::S3Store::open(&config).await.context("opening the S3 store")?;
        return Ok(std::sync::Arc::new(store));
    }
    let dir = file.files_dir.unwrap_or_else(|| PathBuf::from("data/files"));
    let folder = simpul_files::LocalFolder::open(&dir).await.with_context(|| format!("opening {}", dir.display()))?;
    Ok(std::sync::Arc::new(folder))
}

/// The public address: `SIMPUL_PUBLIC_URL`, else the config file, else `http://<address>`.
pub fn public_url(address: std::net::SocketAddr) -> anyhow::Result<String> {
    if let Ok(url) = std::env::var("SIMPUL_PUBLIC_URL") {
        return Ok(url.trim_end_matches('/').to_string());
    }
    Ok(FileConfig::load()?
        .public_url
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| format!("http://{address}")))
}

/// The deployment's Redis and key prefix: `REDIS_URL` (or `redis_url:`) under `SIMPUL_REDIS_PREFIX` (or
/// `redis_prefix:`, default `simpul`); `None` without Redis.
pub fn redis() -> anyhow::Result<Option<(String, String)>> {
    let file = FileConfig::load()?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let prefix = env("SIMPUL_REDIS_PREFIX").or(file.redis_prefix).unwrap_or_else(|| String::from("simpul"));
    Ok(env("REDIS_URL").or(file.redis_url).map(|url| (url, prefix)))
}

/// What the instances share: the deployment's [`redis`], else this process alone.
pub fn shared_state() -> anyhow::Result<std::sync::Arc<simpul_api::shared_state::SharedState>> {
    match redis()? {
        Some((url, prefix)) => {
            simpul_api::shared_state::SharedState::redis(&url, &prefix).with_context(|| format!("REDIS_URL {url}"))
        }
        None => Ok(simpul_api::shared_state::SharedState::local()),
    }
}

/// How webhooks are sent: the environment over the config file's `webhooks:` over the defaults.
pub fn webhook_policy() -> anyhow::Result<simpul_api::webhooks::WebhookPolicy> {
    let file = FileConfig::load()?.webhooks.unwrap_or_default();
    let mut policy = simpul_api::webhooks::WebhookPolicy::default();
    if let Some(ms) = parsed::<u64>("SIMPUL_WEBHOOK_RETRY_BASE_MS")?.or(file.retry_base_ms) {
        policy.retry_base = std::time::Duration::from_millis(ms);
    }
    if let Some(n) = parsed::<u32>("SIMPUL_WEBHOOK_MAX_ATTEMPTS")?.or(file.max_attempts) {
        policy.max_attempts = n.max(1);
    }
    if let Some(ms) = parsed::<u64>("SIMPUL_WEBHOOK_TIMEOUT_MS")?.or(file.timeout_ms) {
        policy.timeout = std::time::Duration::from_millis(ms);
    }
    if let Some(allow) = parsed::<bool>("SIMPUL_WEBHOOK_ALLOW_PRIVATE")?.or(file.allow_private_addresses) {
        policy.allow_private_addresses = allow;
    }
    Ok(policy)
}

/// How messages to applicants are sent: the config file's `notifications:` under the environment variables.
pub fn notifications() -> anyhow::Result<simpul_api::notifications::NotifyConfig> {
    use simpul_api::notifications::email::EmailConfig;
    let file = FileConfig::load()?.notifications.unwrap_or_default();
    let pick = |env: &str, from_file: Option<String>| std::env::var(env).ok().filter(|v| !v.is_empty()).or(from_file);
    let mut config = simpul_api::notifications::NotifyConfig::default();
    if let Some(smtp_url) = pick("SIMPUL_SMTP_URL", file.smtp_url) {
        let from = pick("SIMPUL_MAIL_FROM", file.mail_from)
            .ok_or_else(|| anyhow::anyhow!("SIMPUL_SMTP_URL is set but no sender address (SIMPUL_MAIL_FROM)"))?;
        config.email = Some(EmailConfig { smtp_url, from });
    }
    config.whatsapp = gateway("WHATSAPP", file.whatsapp.unwrap_or_default())?;
    config.sms = gateway("SMS", file.sms.unwrap_or_default())?;
    if let Some(ms) = parsed::<u64>("SIMPUL_NOTIFY_RETRY_BASE_MS")?.or(file.retry_base_ms) {
        config.retry_base = std::time::Duration::from_millis(ms);
    }
    if let Some(n) = parsed::<u32>("SIMPUL_NOTIFY_MAX_ATTEMPTS")?.or(file.max_attempts) {
        config.max_attempts = n.max(1);
    }
    if let Some(ms) = parsed::<u64>("SIMPUL_NOTIFY_TIMEOUT_MS")?.or(file.timeout_ms) {
        config.timeout = std::time::Duration::from_millis(ms);
    }
    Ok(config)
}

/// A gateway from `SIMPUL_<name>_GATEWAY`, `_URL`, `_TOKEN`, `_TO_FIELD`, `_MESSAGE_FIELD`, `_NUMBER_FORM` over the
/// config file's section; none when no gateway is named.
fn gateway(
    name: &str,
    file: GatewaySection,
) -> anyhow::Result<Option<simpul_api::notifications::gateway::GatewayConfig>> {
    use simpul_api::notifications::gateway::{GatewayConfig, GatewayKind, NumberForm};
    let pick = |key: &str, from_file: Option<String>| {
        std::env::var(format!("SIMPUL_{name}_{key}")).ok().filter(|v| !v.is_empty()).or(from_file)
    };
    let Some(kind) = pick("GATEWAY", file.gateway) else { return Ok(None) };
    let kind: GatewayKind = kind.parse().map_err(|e: String| anyhow::anyhow!("SIMPUL_{name}_GATEWAY: {e}"))?;
    let token = pick("TOKEN", file.token).unwrap_or_default();
    let mut config = GatewayConfig::new(kind, pick("URL", file.url), token)
        .map_err(|e| anyhow::anyhow!("SIMPUL_{name}_URL: {e}"))?;
    if let Some(field) = pick("TO_FIELD", file.to_field) {
        config.to_field = field;
    }
    if let Some(field) = pick("MESSAGE_FIELD", file.message_field) {
        config.message_field = field;
    }
    config.number_form = match pick("NUMBER_FORM", file.number_form).as_deref() {
        None | Some("international") => NumberForm::International,
        Some("national") => NumberForm::National,
        Some(other) => anyhow::bail!("SIMPUL_{name}_NUMBER_FORM={other} is not international or national"),
    };
    Ok(Some(config))
}

/// The SP4N-LAPOR! connection complaints are forwarded through: `SIMPUL_LAPOR_URL` and `SIMPUL_LAPOR_TOKEN`; none
/// when no URL is set (officers are then told forwarding is not set up).
pub fn lapor() -> anyhow::Result<Option<std::sync::Arc<dyn simpul_api::complaints::ComplaintForwarder>>> {
    let Some(url) = std::env::var("SIMPUL_LAPOR_URL").ok().filter(|u| !u.is_empty()) else { return Ok(None) };
    let token = std::env::var("SIMPUL_LAPOR_TOKEN").unwrap_or_default();
    let forwarder =
        simpul_api::complaints::HttpForwarder::new(url, token).map_err(|e| anyhow::anyhow!("SP4N-LAPOR: {e}"))?;
    Ok(Some(std::sync::Arc::new(forwarder)))
}

/// How many trusted proxies stand in front: `SIMPUL_FORWARDED_HOPS` over the config file's `forwarded_hops`.
pub fn forwarded_hops() -> anyhow::Result<usize> {
    Ok(parsed::<usize>("SIMPUL_FORWARDED_HOPS")?.or(FileConfig::load()?.forwarded_hops).unwrap_or(0))
}

/// Public keys (base64) of the installations whose bundles this one imports: `SIMPUL_TRUSTED_BUNDLE_KEYS`,
/// comma-separated, over the config file's `trusted_bundle_keys` (each installation shows its own on the console's
/// *Bundel* page). A key that is not one is refused at start, so a typo is found before an admin's import fails.
pub fn trusted_bundle_keys() -> anyhow::Result<Vec<String>> {
    use base64::Engine;
    let keys: Vec<String> = match std::env::var("SIMPUL_TRUSTED_BUNDLE_KEYS") {
        Ok(list) => list.split(',').map(str::to_string).collect(),
        Err(_) => FileConfig::load()?.trusted_bundle_keys.unwrap_or_default(),
    };
    keys.iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
        .map(|key| {
            let bytes = base64::engine::general_purpose::STANDARD.decode(key).unwrap_or_default();
            anyhow::ensure!(
                bytes.len() == 32,
                "SIMPUL_TRUSTED_BUNDLE_KEYS: `{key}` is not a bundle key (base64 of 32 bytes)"
            );
            Ok(key.to_string())
        })
        .collect()
}

/// How often a background task looks for work: the environment variable `name` in `unit`s, else `default`.
pub fn interval(
    name: &str,
    default: std::time::Duration,
    unit: std::time::Duration,
) -> anyhow::Result<std::time::Duration> {
    Ok(parsed::<u32>(name)?.map(|n| unit * n).unwrap_or(default))
}

/// An environment variable parsed, or a clear error naming it.
fn parsed<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
    match std::env::var(name).ok().filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| anyhow::anyhow!("{name}={text} is not a valid value")),
    }
}

#[cfg(test)]
mod tests {
    /// The example in `deploy/` is what operators copy; it must stay a valid config file.
    #[test]
    fn the_deploy_example_is_a_valid_config_file() {
        let text = include_str!("../deploy/simpul.example.yaml");
        let config: super::FileConfig = serde_yaml::from_str(text).expect("valid config");
        assert_eq!(config.s3.and_then(|s| s.bucket).as_deref(), Some("simpul"));
        assert_eq!(config.public_url.as_deref(), Some("https://simpul.sulselprov.go.id"));
    }

    /// Every environment variable the server reads; the deployment files may set no other.
    const ENVIRONMENT: &[&str] = &[
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "SIMPUL_REPLICA_MAX_LAG_MS",
        "REDIS_URL",
        "SIMPUL_REDIS_PREFIX",
        "S3_ENDPOINT",
        "S3_BUCKET",
        "S3_REGION",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
        "SIMPUL_TOKEN_SECRET",
        "SIMPUL_PUBLIC_URL",
        "SIMPUL_BIND",
        "SIMPUL_CONFIG",
        "SIMPUL_DEFINITIONS",
        "SIMPUL_FORWARDED_HOPS",
        "SIMPUL_ARCHIVE_POLL_MS",
        "RUST_LOG",
    ];

    fn documents(path: &str) -> Vec<serde_yaml::Value> {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_yaml::Deserializer::from_str(&text)
            .map(|doc| serde::Deserialize::deserialize(doc).unwrap_or_else(|e| panic!("{path}: {e}")))
            .collect()
    }

    fn keys(map: &serde_yaml::Value) -> Vec<String> {
        map.as_mapping().into_iter().flatten().filter_map(|(k, _)| k.as_str().map(String::from)).collect()
    }

    /// The compose file runs several instances with PostgreSQL, Redis and S3, all set the way the server reads
    /// them.
    #[test]
    fn the_compose_file_runs_several_instances_on_postgres_redis_and_s3() {
        let compose = documents("deploy/compose.yaml").remove(0);
        let services = &compose["services"];
        for service in ["postgres", "redis", "minio", "migrate", "simpul", "nginx"] {
            assert!(!services[service].is_null(), "compose service {service}");
        }
        assert!(services["simpul"]["deploy"]["replicas"].as_u64() >= Some(2));
        let env = &services["simpul"]["environment"];
        let set = keys(env);
        for needed in ["DATABASE_URL", "REDIS_URL", "S3_ENDPOINT", "S3_BUCKET", "SIMPUL_TOKEN_SECRET"] {
            assert!(set.iter().any(|k| k == needed), "compose sets {needed}");
        }
        for key in &set {
            assert!(ENVIRONMENT.contains(&key.as_str()), "compose sets {key}, which the server does not read");
        }
        assert!(env["DATABASE_URL"].as_str().is_some_and(|u| u.starts_with("postgres://")));
        assert!(env["REDIS_URL"].as_str().is_some_and(|u| u.starts_with("redis://")));
    }

    /// The Kubernetes manifests: every file the kustomization names parses; N instances with probes on
    /// `/readyz` and `/healthz`; the config map and secret set only what the server reads.
    #[test]
    fn the_kubernetes_manifests_run_several_probed_instances() {
        let kustomization = documents("deploy/kubernetes/kustomization.yaml").remove(0);
        let mut all = Vec::new();
        for file in kustomization["resources"].as_sequence().expect("resources") {
            let file = file.as_str().expect("file name");
            all.extend(documents(&format!("deploy/kubernetes/{file}")));
        }
        let find = |kind: &str, name: &str| {
            all.iter()
                .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
                .unwrap_or_else(|| panic!("{kind} {name}"))
                .clone()
        };
        let deployment = find("Deployment", "simpul");
        assert!(deployment["spec"]["replicas"].as_u64() >= Some(2));
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
        assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
        for kind in ["StatefulSet", "Deployment"] {
            let _ = find(kind, if kind == "StatefulSet" { "postgres" } else { "redis" });
        }
        let _ = find("StatefulSet", "minio");
        let _ = find("Job", "simpul-migrate");
        let config = find("ConfigMap", "simpul");
        let secret = find("Secret", "simpul");
        let mut set = keys(&config["data"]);
        set.extend(keys(&secret["stringData"]).into_iter().filter(|k| k != "POSTGRES_PASSWORD"));
        for key in &set {
            assert!(ENVIRONMENT.contains(&key.as_str()), "the manifests set {key}, which the server does not read");
        }
        for needed in ["DATABASE_URL", "REDIS_URL", "S3_ENDPOINT", "SIMPUL_TOKEN_SECRET"] {
            assert!(set.iter().any(|k| k == needed), "the manifests set {needed}");
        }
    }
}
