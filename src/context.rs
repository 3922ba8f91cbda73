//! What one invocation works with: the global flags, the output streams, the
//! command path for usage hints, and (lazily) the kubeconfig and client.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use std::path::PathBuf;
use std::time::Duration;

use crate::client::ApiClient;
use crate::flags::GlobalFlags;
use crate::resource::Discovery;

/// A writer several owners can share: the verb and the client (which prints
/// server warnings as they arrive) both write to stderr through one.
#[derive(Clone)]
pub struct SharedWriter(Arc<Mutex<Box<dyn Write + Send>>>);

impl SharedWriter {
    pub fn new(inner: Box<dyn Write + Send>) -> SharedWriter {
        SharedWriter(Arc::new(Mutex::new(inner)))
    }
}

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.lock() {
            Ok(mut w) => w.write(buf),
            Err(poisoned) => poisoned.into_inner().write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.lock() {
            Ok(mut w) => w.flush(),
            Err(poisoned) => poisoned.into_inner().flush(),
        }
    }
}

pub struct Context {
    pub global: GlobalFlags,
    /// The connection, once a verb needed one.
    connection: Option<Connection>,
    /// Results go here (buffered; a broken pipe ends the program quietly).
    pub out: Box<dyn Write>,
    /// Warnings and errors go here.
    pub err: SharedWriter,
    /// `kuddle create deployment`: the words usage errors point at.
    pub cmd_path: String,
}

impl Context {
    pub fn new(
        global: GlobalFlags,
        out: Box<dyn Write>,
        err: SharedWriter,
        cmd_path: String,
    ) -> Context {
        Context {
            global,
            connection: None,
            out,
            err,
            cmd_path,
        }
    }
}

/// What a verb that talks to a server works with.
#[derive(Clone)]
pub struct Connection {
    pub client: ApiClient,
    pub server: String,
    /// The namespace in effect: `-n`, else the context's, else `default`.
    pub namespace: String,
    /// Whether `-n` was given.
    pub explicit_namespace: bool,
    discovery: Option<Arc<Discovery>>,
}

impl Context {
    /// Connects (once per invocation) as the kubeconfig and flags say.
    pub async fn connection(&mut self) -> anyhow::Result<Connection> {
        if let Some(c) = &self.connection {
            return Ok(c.clone());
        }
        let (config, server, namespace) =
            crate::client::bootstrap::kube_config(&self.global).await?;
        let timeout = parse_request_timeout(&self.global.request_timeout)?;
        let client = ApiClient::new(config, self.err.clone(), timeout, self.global.verbosity)?;
        let connection = Connection {
            client,
            server,
            namespace,
            explicit_namespace: self.global.namespace.is_some(),
            discovery: None,
        };
        self.connection = Some(connection.clone());
        Ok(connection)
    }

    /// Discovery from the disk cache or the server, once per invocation.
    pub async fn discovery(&mut self) -> anyhow::Result<Arc<Discovery>> {
        let conn = self.connection().await?;
        if let Some(d) = conn.discovery {
            return Ok(d);
        }
        let cache = self.cache_dir();
        let d = Arc::new(Discovery::load(&conn.client, &cache, &conn.server).await?);
        if let Some(c) = self.connection.as_mut() {
            c.discovery = Some(d.clone());
        }
        Ok(d)
    }

    /// Asks the server again unless this invocation already did (kubectl
    /// refreshes its cache when a resource type is not found in it).
    pub async fn refresh_discovery(&mut self) -> anyhow::Result<Option<Arc<Discovery>>> {
        let current = self.discovery().await?;
        if current.fresh {
            return Ok(None);
        }
        let conn = self.connection().await?;
        let dir = Discovery::cache_dir(&self.cache_dir(), &conn.server);
        let d = Arc::new(Discovery::fetch(&conn.client, &dir).await?);
        if let Some(c) = self.connection.as_mut() {
            c.discovery = Some(d.clone());
        }
        Ok(Some(d))
    }

    /// Distinct warnings the server sent during this invocation.
    pub fn warning_count(&self) -> usize {
        self.connection
            .as_ref()
            .map(|c| c.client.warning_count())
            .unwrap_or(0)
    }

    /// `--cache-dir`, else `$KUBECACHEDIR`, else `~/.kube/cache`.
    pub fn cache_dir(&self) -> PathBuf {
        if let Some(dir) = &self.global.cache_dir {
            return PathBuf::from(dir);
        }
        if let Some(dir) = std::env::var_os("KUBECACHEDIR") {
            return PathBuf::from(dir);
        }
        dirs::home_dir()
            .unwrap_or_default()
            .join(".kube")
            .join("cache")
    }
}

/// `--request-timeout`: `0` (none), whole seconds, or a Go duration.
pub fn parse_request_timeout(value: &str) -> anyhow::Result<Option<Duration>> {
    const INVALID: &str = "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)";
    if value.is_empty() || value == "0" {
        return Ok(None);
    }
    if let Ok(secs) = value.parse::<u64>() {
        return Ok(Some(Duration::from_secs(secs)));
    }
    let d = parse_go_duration(value).ok_or_else(|| anyhow::anyhow!(INVALID))?;
    Ok(if d.is_zero() { None } else { Some(d) })
}

/// Go's `time.ParseDuration` for non-negative durations (`1h30m`, `1.5s`, `300ms`).
pub fn parse_go_duration(text: &str) -> Option<Duration> {
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() || rest.starts_with('-') {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * unit;
    }
    Some(Duration::from_secs_f64(total))
}

/// A warning in klog's layout, which kubectl uses for some notices:
/// `W1127 06:43:04.189181    5414 helpers.go:728] message`.
pub fn klog_warning(err: &mut dyn Write, location: &str, message: &str) {
    let now = chrono::Local::now();
    let _ = writeln!(
        err,
        "W{} {:>7} {location}] {message}",
        now.format("%m%d %H:%M:%S%.6f"),
        std::process::id()
    );
}

/// An info line in klog's layout (kubectl's `-v` logging).
pub fn klog_info(err: &mut dyn Write, location: &str, message: &str) -> io::Result<()> {
    let now = chrono::Local::now();
    writeln!(
        err,
        "I{} {:>7} {location}] {message}",
        now.format("%m%d %H:%M:%S%.6f"),
        std::process::id()
    )
}
