//! Starting the server, and a small GraphQL client that logs in as demo users.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use serde_json::{Value, json};

/// A running server.
pub struct Server {
    child: Child,
    pub address: String,
    tokens: Mutex<HashMap<String, (String, String)>>,
    _dir: tempfile::TempDir,
    pub backend: &'static str,
    /// The PostgreSQL server and database to drop afterwards.
    cleanup: Option<(String, String)>,
    database_url: Option<String>,
    s3: Option<S3Target>,
    redis: Option<RedisTarget>,
    env: Vec<(String, String)>,
}

/// A Redis and the key prefix of one deployment (servers sharing a prefix are one deployment).
#[derive(Debug, Clone)]
pub struct RedisTarget {
    pub url: String,
    pub prefix: String,
}

/// Where a server keeps its state: the database (SQLite in its folder when absent), files, Redis.
#[derive(Debug, Clone, Default)]
pub struct Backends {
    pub database_url: Option<String>,
    pub s3: Option<S3Target>,
    pub redis: Option<RedisTarget>,
    /// More environment for the server (a mail server, gateways).
    pub env: Vec<(String, String)>,
}

/// An S3 server and bucket for a server's files.
#[derive(Debug, Clone)]
pub struct S3Target {
    pub endpoint: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((admin, name)) = &self.cleanup {
            drop_database(admin, name);
        }
    }
}

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_simpul")
}

fn definitions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("service-definitions")
}

/// Starts `simpul serve --demo` on SQLite (or the given database), the local folder (or S3), in-process state (or
/// Redis).
pub fn start(backend: &'static str, backends: Backends) -> Server {
    let Backends { database_url, s3, redis, env } = backends;
    let dir = tempfile::tempdir().expect("temporary folder");
    let (child, address) = spawn(dir.path(), database_url.as_deref(), s3.as_ref(), redis.as_ref(), &env);
    Server {
        child,
        address,
        tokens: Mutex::new(HashMap::new()),
        _dir: dir,
        backend,
        cleanup: None,
        database_url,
        s3,
        redis,
        env,
    }
}

/// Starts the server process in `dir`; returns it and the address it printed.
fn spawn(
    dir: &std::path::Path,
    database_url: Option<&str>,
    s3: Option<&S3Target>,
    redis: Option<&RedisTarget>,
    env: &[(String, String)],
) -> (Child, String) {
    let mut command = command(dir, database_url, s3, redis);
    command.envs(env.iter().map(|(k, v)| (k, v)));
    command
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--definitions", definitions().to_str().expect("utf-8")])
        .stdout(Stdio::piped())
        // `E2E_SERVER_LOGS=1` shows the servers' logs when a test needs explaining; otherwise they go to
        // `server.log` in the server's folder, where tests that check what was logged read them.
        .stderr(if std::env::var_os("E2E_SERVER_LOGS").is_some() {
            Stdio::inherit()
        } else {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join("server.log"))
                .map_or_else(|_| Stdio::null(), Stdio::from)
        });
    let mut child = command.spawn().expect("server starts");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut address = None;
    for _ in 0..5 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(rest) = line.split("http://").nth(1) {
            address = rest.split_whitespace().next().map(String::from);
            break;
        }
    }
    (child, address.expect("the server prints its address"))
}

/// The binary in `dir` with the environment of a server: its database and its file store.
fn command(
    dir: &std::path::Path,
    database_url: Option<&str>,
    s3: Option<&S3Target>,
    redis: Option<&RedisTarget>,
) -> Command {
    let mut command = Command::new(binary());
    command
        .current_dir(dir)
        .env_remove("SIMPUL_CONFIG")
        .env_remove("SIMPUL_BIND")
        .env("SIMPUL_TOKEN_SECRET", "e2e-secret-e2e-secret-e2e-secret-e2e-secret")
        // Background work looks often, so that a test sees deadline notices, events and webhooks at once;
        // webhook retries start at 300 ms, and the tests' receivers are on loopback.
        .env("SIMPUL_DEADLINE_WATCH_SECS", "1")
        .env("SIMPUL_OUTBOX_POLL_MS", "100")
        .env("SIMPUL_ARCHIVE_POLL_MS", "500")
        .env("SIMPUL_WEBHOOK_POLL_MS", "100")
        .env("SIMPUL_WEBHOOK_RETRY_BASE_MS", "300")
        .env("SIMPUL_WEBHOOK_ALLOW_PRIVATE", "true");
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    for var in [
        "S3_ENDPOINT",
        "S3_BUCKET",
        "S3_REGION",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
        "SIMPUL_PUBLIC_URL",
        "REDIS_URL",
        "SIMPUL_REDIS_PREFIX",
    ] {
        command.env_remove(var);
    }
    if let Some(redis) = redis {
        command.env("REDIS_URL", &redis.url).env("SIMPUL_REDIS_PREFIX", &redis.prefix);
    }
    if let Some(s3) = s3 {
        command
            .env("S3_ENDPOINT", &s3.endpoint)
            .env("S3_BUCKET", &s3.bucket)
            .env("S3_ACCESS_KEY", &s3.access_key)
            .env("S3_SECRET_KEY", &s3.secret_key);
    }
    command
}

/// A server on a PostgreSQL database made by [`fresh_database`] and reached at `url` (through a proxy, say); the
/// database is dropped with the server.
pub fn start_on_postgres(backend: &'static str, admin: String, name: String, url: String) -> Server {
    let mut server = start(backend, Backends { database_url: Some(url), ..Backends::default() });
    server.cleanup = Some((admin, name));
    server
}

/// SQLite with the local folder and in-process state always; PostgreSQL too when `TEST_DATABASE_URL` is set (a
/// fresh database, migrated first), with its files on S3 when `TEST_S3_ENDPOINT` is set (a fresh bucket) and its
/// shared state in Redis when `TEST_REDIS_URL` is set (a fresh key prefix).
pub fn servers() -> Vec<Server> {
    servers_with(&[])
}

/// [`servers`] with more environment for each (a mail server, gateways).
pub fn servers_with(env: &[(String, String)]) -> Vec<Server> {
    let mut out = vec![start("sqlite", Backends { env: env.to_vec(), ..Backends::default() })];
    if let Some((admin, name, url)) = fresh_database() {
        let s3 = std::env::var("TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty()).map(|endpoint| S3Target {
            endpoint,
            bucket: format!("simpul-e2e-{}", uuid_like()),
            access_key: std::env::var("TEST_S3_ACCESS_KEY").unwrap_or_default(),
            secret_key: std::env::var("TEST_S3_SECRET_KEY").unwrap_or_default(),
        });
        let redis = test_redis().map(|url| RedisTarget { url, prefix: format!("simpul-e2e-{}", uuid_like()) });
        let backend = match (s3.is_some(), redis.is_some()) {
            (true, true) => "postgres+s3+redis",
            (true, false) => "postgres+s3",
            (false, true) => "postgres+redis",
            (false, false) => "postgres",
        };
        let mut server = start(backend, Backends { database_url: Some(url), s3, redis, env: env.to_vec() });
        server.cleanup = Some((admin, name));
        out.push(server);
    }
    out
}

/// The Redis of the tests, when `TEST_REDIS_URL` names one.
pub fn test_redis() -> Option<String> {
    std::env::var("TEST_REDIS_URL").ok().filter(|u| !u.is_empty())
}

/// A fresh, migrated PostgreSQL database when `TEST_DATABASE_URL` names a server: (admin URL, name, URL).
pub fn fresh_database() -> Option<(String, String, String)> {
    let admin = std::env::var("TEST_DATABASE_URL").ok()?;
    let name = format!("simpul_test_{}", uuid_like());
    let status =
        Command::new("psql").args([admin.as_str(), "-q", "-c", &format!("CREATE DATABASE \"{name}\"")]).status();
    assert!(status.is_ok_and(|s| s.success()), "create database");
    let url = format!("{}/{name}", admin.rsplit_once('/').expect("url").0);
    let migrated = Command::new(binary()).args(["migrate", "--database-url", &url]).status().expect("migrate");
    assert!(migrated.success());
    Some((admin, name, url))
}

/// Drops a database made by [`fresh_database`].
pub fn drop_database(admin: &str, name: &str) {
    let _ = Command::new("psql")
        .args([admin, "-q", "-c", &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")])
        .status();
}

/// The input paths a VALIDATION error names (`extensions.fields[].path`); each field also carries its own message.
pub fn field_paths(error: &Value) -> Vec<String> {
    let fields = error["extensions"]["fields"].as_array().cloned().unwrap_or_default();
    for field in &fields {
        assert!(field["message"].as_str().is_some_and(|m| !m.is_empty()), "a field without its message: {error}");
    }
    fields.iter().map(|f| f["path"].as_str().unwrap_or_default().to_string()).collect()
}

pub fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos:x}{}", std::process::id())
}

impl Server {
    /// Kills the server (as a crash would) and starts it again on the same database, files and Redis; it gets a
    /// new address.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, address) =
            spawn(self.dir(), self.database_url.as_deref(), self.s3.as_ref(), self.redis.as_ref(), &self.env);
        self.child = child;
        self.address = address;
    }

    /// The server's working folder (its SQLite database is `data/simpul.db` there).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// What the server has logged so far (empty with `E2E_SERVER_LOGS`, which shows the logs instead).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir().join("server.log")).unwrap_or_default()
    }

    /// Runs `simpul <args>` against this server's database and file store; returns status and stdout.
    pub fn cli(&self, args: &[&str]) -> (bool, String) {
        let output = command(self.dir(), self.database_url.as_deref(), self.s3.as_ref(), self.redis.as_ref())
            .args(args)
            .output()
            .expect("simpul runs");
        (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Runs SQL on the server's PostgreSQL database (None on SQLite): for tests that must move time.
    pub fn psql(&self, sql: &str) -> Option<bool> {
        let url = self.database_url.as_deref()?;
        Some(
            Command::new("psql")
                .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
                .status()
                .is_ok_and(|s| s.success()),
        )
    }

    /// `/readyz`: the status code and the report.
    pub fn readyz(&self) -> (u16, Value) {
        let mut response = ureq::get(&format!("http://{}/readyz", self.address))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .expect("readyz");
        (response.status().as_u16(), response.body_mut().read_json().expect("JSON"))
    }

    /// Waits until the server reports Redis connected.
    pub fn wait_for_redis(&self) {
        for _ in 0..100 {
            if self.readyz().1["redis"] == "ok" {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("{}: Redis never connected", self.backend);
    }

    /// Whether the server keeps its files in the local folder (`data/files` in its working folder).
    pub fn local_files(&self) -> bool {
        self.s3.is_none()
    }

    /// Sends a GraphQL request with an optional bearer token; returns the whole response.
    pub fn raw(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = ureq::post(&format!("http://{}/graphql", self.address));
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request.send_json(json!({ "query": query, "variables": variables })).expect("HTTP");
        response.body_mut().read_json::<Value>().expect("JSON")
    }

    /// Sends a GraphQL multipart request (one file, bound to the variable `file`) as a demo user.
    pub fn upload(&self, username: &str, query: &str, variables: Value, filename: &str, bytes: &[u8]) -> Value {
        let (token, _) = self.login(username);
        let boundary = "simpul-e2e-boundary-7d1f";
        let operations = json!({ "query": query, "variables": variables });
        let mut body = Vec::new();
        let part = |name: &str, extra: &str| {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n")
        };
        body.extend(part("operations", "").as_bytes());
        body.extend(operations.to_string().as_bytes());
        body.extend(b"\r\n");
        body.extend(part("map", "").as_bytes());
        body.extend(br#"{"0": ["variables.file"]}"#);
        body.extend(b"\r\n");
        body.extend(part("0", &format!("; filename=\"{filename}\"\r\nContent-Type: application/pdf")).as_bytes());
        body.extend(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut response = ureq::post(&format!("http://{}/graphql", self.address))
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
            .send(&body[..])
            .expect("HTTP");
        response.body_mut().read_json::<Value>().expect("JSON")
    }

    /// Logs in a demo user; returns their token and user id (cached).
    pub fn login(&self, username: &str) -> (String, String) {
        self.login_with(username, "demo")
    }

    /// Logs in a user with their password; returns their token and user id (cached, so that later calls by
    /// username alone use it).
    pub fn login_with(&self, username: &str, password: &str) -> (String, String) {
        if let Some(hit) = self.tokens.lock().expect("lock").get(username) {
            return hit.clone();
        }
        let response = self.raw(
            None,
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token userId } }",
            json!({ "u": username, "p": password }),
        );
        let login = &response["data"]["login"];
        let pair = (
            login["token"].as_str().unwrap_or_else(|| panic!("login {username}: {response}")).to_string(),
            login["userId"].as_str().expect("user id").to_string(),
        );
        self.tokens.lock().expect("lock").insert(username.to_string(), pair.clone());
        pair
    }

    /// Runs a request as a demo user; returns `data`, failing the test on errors.
    pub fn as_user(&self, username: &str, query: &str, variables: Value) -> Value {
        let (token, _) = self.login(username);
        let response = self.raw(Some(&token), query, variables);
        assert!(response.get("errors").is_none(), "{} as {username}: {response}", self.backend);
        response["data"].clone()
    }

    /// Runs a request as a demo user and expects one error; returns its `extensions.code` and the error.
    pub fn error_as(&self, username: &str, query: &str, variables: Value) -> (String, Value) {
        let (token, _) = self.login(username);
        let response = self.raw(Some(&token), query, variables);
        let error = response["errors"][0].clone();
        assert!(!error.is_null(), "{}: expected an error as {username}: {response}", self.backend);
        (error["extensions"]["code"].as_str().unwrap_or_default().to_string(), error)
    }
}

/// The fields of an application the flows read.
pub const APPLICATION: &str = "id version status step outcome products trackingCode data
    availableActions { kind code movement noteRequired needsMissingList checklist { code required } facts { code type } assignTo }
    letters { number }";
