//! What one invocation works with: the global flags, the output streams, the
//! command path for usage hints, and (lazily) the kubeconfig and client.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use std::path::PathBuf;
use std::time::Duration;

use crate::client::ApiClient;
use anyhow::Result;

use crate::flags::GlobalFlags;
use crate::kubeconfig::ResolvedConfig;
use crate::kubeconfig::{ClientConfig, Config, Environment, InCluster, LoadingRules, Overrides};
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
    /// The merged kubeconfig, loaded on first use (paths resolved against
    /// their files, as for every command that talks to a server).
    kubeconfig: Option<Config>,
    /// The kuberc's credential plugin policy, when it restricts plugins.
    pub credential_plugin_policy: Option<crate::kuberc::PluginPolicy>,
    /// `--color=always|never` for server warnings' `Warning:` prefix (None:
    /// kubectl's own rule, a terminal stderr without NO_COLOR or TERM=dumb).
    pub warning_colour: Option<bool>,
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
            kubeconfig: None,
            credential_plugin_policy: None,
            warning_colour: None,
        }
    }

    /// The merged kubeconfig (`--kubeconfig`, else `KUBECONFIG`, else
    /// `~/.kube/config`), read once per invocation. A missing
    /// `--kubeconfig` file is an error here (`stat …: no such file or
    /// directory`), as for every kubectl command but `config`.
    pub fn kubeconfig(&mut self) -> Result<&Config> {
        if self.kubeconfig.is_none() {
            let rules = LoadingRules::new(
                self.global.kubeconfig.as_deref(),
                &Environment::from_process(),
                true,
            );
            let loaded = rules.load().map_err(|e| e.into_cli_error())?;
            self.kubeconfig = Some(loaded);
        }
        Ok(self.kubeconfig.get_or_insert_with(Config::default))
    }

    /// The kubeconfig with this invocation's flags on top.
    pub fn client_config_loader(&mut self) -> Result<ClientConfig> {
        let config = self.kubeconfig()?.clone();
        let master = std::env::var("KUBERNETES_MASTER").ok();
        let overrides = Overrides::from_flags(&self.global, master.as_deref());
        Ok(ClientConfig::new(
            config,
            overrides,
            InCluster::from_process(),
        ))
    }

    /// Server, credentials and namespace for requests, or kubectl's
    /// configuration error (`error: context "x" does not exist`, …). Verbs
    /// that build a client call this first, as kubectl's do.
    ///
    /// Like kubectl, a TLS server with no credentials at all makes it ask
    /// for a username and password (`Please enter Username: ` on stdout).
    pub fn client_config(&mut self) -> Result<ResolvedConfig> {
        let mut resolved = self.client_config_loader()?.client_config()?;
        if resolved.is_tls() && !resolved.can_identify_user() {
            self.prompt_for_basic_auth(&mut resolved)?;
        }
        Ok(resolved)
    }

    /// client-go's prompting auth loader: the username is the next word on
    /// stdin, the password is read only from a terminal.
    fn prompt_for_basic_auth(&mut self, resolved: &mut ResolvedConfig) -> Result<()> {
        use std::io::{IsTerminal, Read};
        write!(self.out, "Please enter Username: ")?;
        self.out.flush()?;
        let stdin = std::io::stdin();
        let mut word = Vec::new();
        for byte in stdin.lock().bytes() {
            let byte = byte?;
            if byte.is_ascii_whitespace() {
                if word.is_empty() {
                    continue;
                }
                break;
            }
            word.push(byte);
        }
        if word.is_empty() {
            anyhow::bail!("EOF");
        }
        write!(self.out, "Please enter Password: ")?;
        self.out.flush()?;
        if !stdin.is_terminal() {
            anyhow::bail!("error reading input for Password");
        }
        // Read as a line; kubectl turns echo off here.
        let mut password = String::new();
        stdin.read_line(&mut password)?;
        resolved.username = String::from_utf8_lossy(&word).into_owned();
        resolved.password = password.trim_end_matches(['\r', '\n']).to_string();
        Ok(())
    }

    /// The namespace kubectl writes into objects it generates: only one
    /// given with `-n` (a kubeconfig context's namespace is not enforced).
    pub fn enforced_namespace(&self) -> Option<String> {
        self.global.namespace.clone().filter(|ns| !ns.is_empty())
    }

    /// The namespace and whether `-n` gave it; verbs that start from the
    /// namespace (get, describe, …) call this first, which decides the
    /// error for a broken config (`Error in configuration: …`).
    pub fn namespace(&mut self) -> Result<(String, bool)> {
        self.client_config_loader()?.namespace()
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
        // Most kubectl verbs ask for the namespace first, which decides the
        // message for a broken kubeconfig; verbs that build their client
        // first call `client_config` themselves before getting here.
        self.namespace()?;
        let resolved = self.client_config()?;
        if let (Some(policy), Some(exec)) = (&self.credential_plugin_policy, &resolved.exec) {
            // client-go refuses the plugin when credentials are first needed.
            policy
                .check(&exec.command)
                .map_err(|msg| crate::client::ApiError::Connection {
                    host: String::new(),
                    refused: false,
                    detail: format!("getting credentials: {msg}"),
                })?;
        }
        let client = ApiClient::connect(&resolved, self.err.clone(), self.global.verbosity)?;
        if let Some(on) = self.warning_colour {
            client.colour_warnings(on);
        }
        let server = resolved.server_url().trim_end_matches('/').to_string();
        let connection = Connection {
            client,
            server,
            namespace: resolved.namespace.clone(),
            explicit_namespace: resolved.namespace_explicit,
            discovery: None,
        };
        if self.global.match_server_version {
            // kubectl compares the versions whenever it builds a client.
            let body: serde_json::Value = connection.client.get_json("/version").await?;
            if let Some(refusal) = crate::version_info::mismatch(&body) {
                anyhow::bail!(refusal);
            }
        }
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
        self.default_cache_dir()
    }

    /// `--cache-dir`'s default: `~/.kube/cache`.
    pub fn default_cache_dir(&self) -> PathBuf {
        dirs::home_dir()
            .unwrap_or_default()
            .join(".kube")
            .join("cache")
    }
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

/// Whether `Warning:` prefixes on stderr are coloured (kubectl's
/// `AllowsColorOutput`): a terminal, not TERM=dumb, no NO_COLOR.
pub fn warnings_in_color() -> bool {
    io::IsTerminal::is_terminal(&io::stderr())
        && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true)
        && std::env::var_os("NO_COLOR").is_none()
}

/// A `Warning: text` line as kubectl's warning printer writes it.
pub fn warning_line(text: &str, color: bool) -> String {
    if color {
        format!("\x1b[33;1mWarning:\x1b[0m {text}\n")
    } else {
        format!("Warning: {text}\n")
    }
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

/// `Warning: message` on stderr, as kubectl's warning printer writes it.
pub fn print_warning(err: &mut dyn Write, message: &str) {
    let _ = err.write_all(warning_line(message, warnings_in_color()).as_bytes());
}

/// An error line in klog's layout (`E1206 00:59:54.735459   20808 file.go:1] …`).
pub fn klog_error(err: &mut dyn Write, location: &str, message: &str) {
    let now = chrono::Local::now();
    let _ = writeln!(
        err,
        "E{} {:>7} {location}] {message}",
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
