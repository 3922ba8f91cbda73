//! Exec credential plugins (client.authentication.k8s.io), as client-go
//! runs them: once per invocation, when the first request needs
//! credentials, cached until the credential's `expirationTimestamp`, run
//! again after a 401. The plugin's output is validated by client-go's rules
//! and failures are reported in its words, which name the plugin and the
//! failure only: never the plugin's arguments, environment or output.

use std::io::IsTerminal;
use std::process::{Command, Stdio};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::kubeconfig::model::ExecConfig;

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

const INSTALL_HINT_HELP: &str = "\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\nTo learn more about this feature, consult the documentation available at:\n      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins";

/// What a plugin returned.
#[derive(Debug, Clone, Default)]
pub struct ExecCredential {
    pub token: String,
    pub client_certificate_data: String,
    pub client_key_data: String,
    pub expiration: Option<DateTime<Utc>>,
}

/// One plugin, its cached credential and the cluster it is told about.
pub struct ExecProvider {
    config: ExecConfig,
    /// `spec.cluster` for plugins with `provideClusterInfo`.
    cluster: Value,
    cached: tokio::sync::Mutex<Option<Arc<ExecCredential>>>,
    runs: std::sync::atomic::AtomicUsize,
}

impl ExecProvider {
    /// client-go refuses an unknown `apiVersion` before anything runs:
    /// `exec plugin: invalid apiVersion "…"`.
    pub fn new(config: ExecConfig, cluster: Value) -> Result<ExecProvider, String> {
        if config.api_version != V1 && config.api_version != V1BETA1 {
            return Err(format!(
                "exec plugin: invalid apiVersion {}",
                crate::flags::go_values::go_quote(&config.api_version)
            ));
        }
        Ok(ExecProvider {
            config,
            cluster,
            cached: tokio::sync::Mutex::new(None),
            runs: Default::default(),
        })
    }

    /// How many times the plugin ran.
    pub fn runs(&self) -> usize {
        self.runs.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The credential: the cached one while it has not expired, else the
    /// plugin's answer. Errors read `getting credentials: …`.
    pub async fn credential(&self) -> Result<Arc<ExecCredential>, String> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref() {
            if c.expiration.is_none_or(|t| Utc::now() <= t) {
                return Ok(c.clone());
            }
        }
        let config = self.config.clone();
        let cluster = self.cluster.clone();
        self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let fresh = tokio::task::spawn_blocking(move || run_plugin(&config, &cluster))
            .await
            .map_err(|e| format!("getting credentials: exec: {e}"))?
            .map_err(|e| format!("getting credentials: {e}"))?;
        let fresh = Arc::new(fresh);
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    /// After a 401 the next request runs the plugin again (client-go
    /// rotates the credential it used, unless another request already did).
    pub async fn forget(&self, used: &Arc<ExecCredential>) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|c| Arc::ptr_eq(c, used)) {
            *cached = None;
        }
    }
}

/// Whether the plugin may talk to the user, by `interactiveMode`.
fn interactive(config: &ExecConfig) -> Result<bool, String> {
    let terminal = std::io::stdin().is_terminal();
    match config.interactive_mode.as_str() {
        "Never" => Ok(false),
        "IfAvailable" | "" => Ok(terminal),
        "Always" if terminal => Ok(true),
        "Always" => Err("standard input is not a terminal".into()),
        other => Err(format!(
            "unknown interactiveMode: {}",
            crate::flags::go_values::go_quote(other)
        )),
    }
}

fn run_plugin(config: &ExecConfig, cluster: &Value) -> Result<ExecCredential, String> {
    let interactive = interactive(config)
        .map_err(|e| format!("exec plugin cannot support interactive mode: {e}"))?;
    let mut spec = json!({"interactive": interactive});
    if config.provide_cluster_info {
        spec["cluster"] = cluster.clone();
    }
    let info = json!({
        "kind": "ExecCredential",
        "apiVersion": config.api_version,
        "spec": spec,
    });
    let mut command = Command::new(&config.command);
    command
        .args(config.args.iter().flatten())
        .envs(
            config
                .env
                .iter()
                .flatten()
                .map(|v| (v.name.as_str(), v.value.as_str())),
        )
        .env("KUBERNETES_EXEC_INFO", info.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .stdin(if interactive {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
    let output = command.output().map_err(|e| spawn_error(config, &e))?;
    if !output.status.success() {
        // Go reports -1 for a plugin killed by a signal.
        let code = output.status.code().unwrap_or(-1);
        return Err(format!(
            "exec: executable {} failed with exit code {code}",
            clean_path(&config.command)
        ));
    }
    decode(&config.api_version, &output.stdout)
}

/// Go's `exec.Error` (not found on PATH, with the install hint) or the
/// fork/exec failure for a path.
fn spawn_error(config: &ExecConfig, e: &std::io::Error) -> String {
    let cmd = clean_path(&config.command);
    if !config.command.contains('/') && e.kind() == std::io::ErrorKind::NotFound {
        let mut text = format!("exec: executable {cmd} not found{INSTALL_HINT_HELP}");
        if !config.install_hint.is_empty() {
            text.push_str("\n\n");
            text.push_str(&config.install_hint);
        }
        return text;
    }
    format!(
        "exec: fork/exec {}: {}",
        config.command,
        super::connect::io_text(e)
    )
}

/// Go's `filepath.Clean` for the plugin's name in messages.
fn clean_path(path: &str) -> String {
    crate::kubeconfig::gopath::clean(path)
}

/// The plugin's stdout decoded as client-go's universal decoder does
/// (JSON or YAML), checked by client-go's rules.
pub fn decode(api_version: &str, stdout: &[u8]) -> Result<ExecCredential, String> {
    let trimmed = stdout.trim_ascii_start();
    let value = if trimmed.is_empty() {
        Value::Null
    } else if trimmed.starts_with(b"{") {
        // Go's decoder reads what looks like JSON as JSON.
        serde_json::from_slice(trimmed).map_err(|e| {
            let reason = if e.is_eof() {
                "unexpected end of JSON input".to_string()
            } else {
                let at = trimmed
                    .split(|b| *b == b'\n')
                    .nth(e.line().saturating_sub(1))
                    .and_then(|l| l.get(e.column().saturating_sub(1)))
                    .map(|b| (*b as char).to_string())
                    .unwrap_or_default();
                format!("invalid character '{at}' looking for beginning of value")
            };
            format!("decoding stdout: couldn't get version/kind; json parse error: {reason}")
        })?
    } else {
        crate::kubeconfig::yaml::yaml_to_json(stdout)
            .map_err(|e| format!("decoding stdout: error converting YAML to JSON: {e}"))?
    };
    let type_error = |what: &str| {
        format!("decoding stdout: couldn't get version/kind; json parse error: json: cannot unmarshal {what} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}")
    };
    let object = match &value {
        Value::Null => serde_json::Map::new(),
        Value::Object(m) => m.clone(),
        Value::String(_) => return Err(type_error("string")),
        Value::Number(_) => return Err(type_error("number")),
        Value::Bool(_) => return Err(type_error("bool")),
        Value::Array(_) => return Err(type_error("array")),
    };
    let field = |name: &str| -> Result<String, String> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(type_error(json_kind(other))),
        }
    };
    let returned_version = field("apiVersion")?;
    let kind = field("kind")?;
    if returned_version.is_empty() {
        return Err(format!(
            "exec plugin is configured to use API version {api_version}, plugin returned version client.authentication.k8s.io/__internal"
        ));
    }
    if returned_version != V1 && returned_version != V1BETA1 {
        return Err(format!(
            "decoding stdout: no kind {} is registered for version {} in scheme \"pkg/client/auth/exec/exec.go:64\"",
            go_quote_kind(&kind),
            crate::flags::go_values::go_quote(&returned_version)
        ));
    }
    if !kind.is_empty() && kind != "ExecCredential" {
        return Err(format!(
            "decoding stdout: no kind {} is registered for version {} in scheme \"pkg/client/auth/exec/exec.go:64\"",
            crate::flags::go_values::go_quote(&kind),
            crate::flags::go_values::go_quote(&returned_version)
        ));
    }
    if returned_version != api_version {
        return Err(format!(
            "exec plugin is configured to use API version {api_version}, plugin returned version {returned_version}"
        ));
    }
    let status = match object.get("status") {
        None | Some(Value::Null) => return Err("exec plugin didn't return a status field".into()),
        Some(Value::Object(s)) => s,
        Some(other) => {
            return Err(format!(
                "decoding stdout: json: cannot unmarshal {} into Go struct field ExecCredential.status of type v1.ExecCredentialStatus",
                json_kind(other)
            ))
        }
    };
    let string_field = |name: &str| -> Result<String, String> {
        match status.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "decoding stdout: json: cannot unmarshal {} into Go struct field ExecCredentialStatus.status.{name} of type string",
                json_kind(other)
            )),
        }
    };
    let token = string_field("token")?;
    let client_certificate_data = string_field("clientCertificateData")?;
    let client_key_data = string_field("clientKeyData")?;
    let expiration = match status.get("expirationTimestamp") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    format!(
                        "decoding stdout: parsing time {} as \"2006-01-02T15:04:05Z07:00\": cannot parse {} as \"2006\"",
                        crate::flags::go_values::go_quote(s),
                        crate::flags::go_values::go_quote(s)
                    )
                })?,
        ),
        Some(other) => {
            return Err(format!(
                "decoding stdout: json: cannot unmarshal {} into Go struct field ExecCredentialStatus.status.expirationTimestamp of type string",
                json_kind(other)
            ))
        }
    };
    if token.is_empty() && client_certificate_data.is_empty() && client_key_data.is_empty() {
        return Err("exec plugin didn't return a token or cert/key pair".into());
    }
    if client_certificate_data.is_empty() != client_key_data.is_empty() {
        return Err("exec plugin returned only certificate or key, not both".into());
    }
    if !client_certificate_data.is_empty() {
        super::tls::certified_key(
            client_certificate_data.as_bytes(),
            client_key_data.as_bytes(),
        )
        .map_err(|e| format!("failed parsing client key/certificate: {e}"))?;
    }
    Ok(ExecCredential {
        token,
        client_certificate_data,
        client_key_data,
        expiration,
    })
}

fn go_quote_kind(kind: &str) -> String {
    crate::flags::go_values::go_quote(if kind.is_empty() {
        "ExecCredential"
    } else {
        kind
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(stdout: &str) -> String {
        decode(V1, stdout.as_bytes()).unwrap_err()
    }

    #[test]
    fn plugin_answers_are_checked_like_client_go() {
        assert_eq!(
            err(r#"{"kind":"ExecCredential","status":{"token":"t"}}"#),
            "exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/__internal"
        );
        assert_eq!(
            err(""),
            "exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/__internal"
        );
        assert_eq!(
            err(r#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}"#),
            "exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1"
        );
        assert_eq!(
            err(r#"{"apiVersion":"client.authentication.k8s.io/v9","kind":"ExecCredential"}"#),
            "decoding stdout: no kind \"ExecCredential\" is registered for version \"client.authentication.k8s.io/v9\" in scheme \"pkg/client/auth/exec/exec.go:64\""
        );
        assert_eq!(
            err(r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#),
            "exec plugin didn't return a status field"
        );
        assert_eq!(
            err(
                r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#
            ),
            "exec plugin didn't return a token or cert/key pair"
        );
        assert_eq!(
            err(
                r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientKeyData":"k"}}"#
            ),
            "exec plugin returned only certificate or key, not both"
        );
        assert!(err("not json s3cret").contains("cannot unmarshal string"));
        assert!(!err("not json s3cret").contains("s3cret"));
        assert_eq!(
            err(r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":5}}"#),
            "decoding stdout: json: cannot unmarshal number into Go struct field ExecCredentialStatus.status.token of type string"
        );
    }

    #[test]
    fn yaml_and_missing_kind_are_accepted() {
        let c = decode(
            V1,
            b"apiVersion: client.authentication.k8s.io/v1\nstatus: {token: t, expirationTimestamp: '2000-01-01T00:00:00Z'}\n",
        )
        .unwrap();
        assert_eq!(c.token, "t");
        assert!(c.expiration.is_some());
    }

    #[test]
    fn unknown_config_versions_are_refused() {
        let config = ExecConfig {
            api_version: "client.authentication.k8s.io/v9".into(),
            command: "x".into(),
            ..Default::default()
        };
        assert_eq!(
            ExecProvider::new(config, Value::Null).err().unwrap(),
            "exec plugin: invalid apiVersion \"client.authentication.k8s.io/v9\""
        );
    }
}
