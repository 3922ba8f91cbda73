//! The flags every command accepts (`kubectl options`): where the kubeconfig
//! is, which context/cluster/user to use, and how to reach the server.

use clap::{ArgAction, Args};

use super::go_values::{go_bool, go_int32};

/// Global flags kubectl does not have (`--color`): accepted everywhere,
/// listed in help, but not offered by completion, which matches kubectl's.
pub const KUDDLE_ONLY_FLAGS: &[&str] = &["color"];

#[derive(Args, Debug, Clone, Default)]
pub struct GlobalFlags {
    /// Path to the kubeconfig file to use for CLI requests.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub kubeconfig: Option<String>,

    /// The name of the kubeconfig context to use.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub context: Option<String>,

    /// The name of the kubeconfig cluster to use.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub cluster: Option<String>,

    /// The name of the kubeconfig user to use.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub user: Option<String>,

    /// If present, the namespace scope for this CLI request.
    #[arg(
        short = 'n',
        long,
        global = true,
        value_name = "NAMESPACE",
        help_heading = "Global options"
    )]
    pub namespace: Option<String>,

    /// The address and port of the Kubernetes API server.
    #[arg(
        short = 's',
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub server: Option<String>,

    /// Bearer token for authentication to the API server.
    #[arg(
        long,
        global = true,
        value_name = "TOKEN",
        help_heading = "Global options"
    )]
    pub token: Option<String>,

    /// Username for basic authentication to the API server.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub username: Option<String>,

    /// Password for basic authentication to the API server.
    #[arg(
        long,
        global = true,
        value_name = "PASSWORD",
        help_heading = "Global options"
    )]
    pub password: Option<String>,

    /// Path to a certificate file for the certificate authority.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub certificate_authority: Option<String>,

    /// Path to a client certificate file for TLS.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub client_certificate: Option<String>,

    /// Path to a client key file for TLS.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub client_key: Option<String>,

    /// Skip verifying the server's certificate. Connections become insecure.
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set, help_heading = "Global options")]
    pub insecure_skip_tls_verify: bool,

    /// Server name to use for certificate validation (SNI).
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub tls_server_name: Option<String>,

    /// Proxy URL for every request to the server.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub proxy_url: Option<String>,

    /// Username to impersonate for the operation.
    #[arg(
        long = "as",
        global = true,
        value_name = "USER",
        help_heading = "Global options"
    )]
    pub as_user: Option<String>,

    /// Group to impersonate for the operation; repeat for several groups.
    #[arg(long = "as-group", global = true, value_name = "GROUP", action = ArgAction::Append, help_heading = "Global options")]
    pub as_group: Vec<String>,

    /// User extra to impersonate, as key=value; repeat for several.
    #[arg(long = "as-user-extra", global = true, value_name = "KEY=VALUE", action = ArgAction::Append, help_heading = "Global options")]
    pub as_user_extra: Vec<String>,

    /// UID to impersonate for the operation.
    #[arg(
        long = "as-uid",
        global = true,
        value_name = "UID",
        help_heading = "Global options"
    )]
    pub as_uid: Option<String>,

    /// Path to the kuberc file with aliases and default flags (default
    /// ~/.kube/kuberc; KUBERC=off or KUBECTL_KUBERC=false turn kuberc off).
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub kuberc: Option<String>,

    /// Directory of the discovery cache (default ~/.kube/cache).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub cache_dir: Option<String>,

    /// How long to wait for a single request before giving up (0: no timeout), e.g. 1s, 2m, 3h.
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        default_value = "0",
        help_heading = "Global options"
    )]
    pub request_timeout: String,

    /// Treat warnings from the server as errors and exit non-zero.
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set, help_heading = "Global options")]
    pub warnings_as_errors: bool,

    /// Do not ask the server for compressed responses.
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set, help_heading = "Global options")]
    pub disable_compression: bool,

    /// Colour the output: auto (on a terminal, unless NO_COLOR is set), always, or never. A kuddle extension; KUDDLE_COLOR sets the default.
    #[arg(long, global = true, value_name = "WHEN", num_args = 0..=1, require_equals = true,
          default_missing_value = "always", value_enum, help_heading = "Global options")]
    pub color: Option<crate::printers::style::ColorWhen>,

    /// Per-file log verbosity as klog takes it (`pattern=N,…`); checked, and
    /// otherwise without effect: kuddle's log lines are not per source file.
    #[arg(long, global = true, value_name = "PATTERN=N,...", value_parser = vmodule,
          help_heading = "Global options")]
    pub vmodule: Option<String>,

    /// How often klog flushes its buffer; checked, and otherwise without
    /// effect: kuddle writes each log line at once.
    #[arg(long, global = true, value_name = "DURATION", default_value = "5s",
          value_parser = log_flush_frequency, help_heading = "Global options")]
    pub log_flush_frequency: String,

    /// Refuse to talk to a server whose version is not exactly this client's.
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set, help_heading = "Global options")]
    pub match_server_version: bool,

    /// Log verbosity; 6 and above log each HTTP request to stderr.
    #[arg(short = 'v', long = "v", global = true, value_name = "LEVEL", default_value = "0",
          value_parser = go_int32, help_heading = "Global options")]
    pub verbosity: i32,
}

/// klog's `-vmodule`: comma-separated `pattern=N` entries (N an int32).
fn vmodule(value: &str) -> Result<String, String> {
    let bad = || "syntax error: expect comma-separated list of filename=N".to_string();
    for entry in value.split(',').filter(|e| !e.is_empty()) {
        match entry.split('=').collect::<Vec<_>>().as_slice() {
            [pattern, level] if !pattern.is_empty() && level.parse::<i32>().is_ok() => {}
            _ => return Err(bad()),
        }
    }
    Ok(value.to_string())
}

/// klog's `-log_flush_frequency`: a Go duration; Go's flag package words
/// every bad value as `parse error`.
fn log_flush_frequency(value: &str) -> Result<String, String> {
    crate::flags::go_values::go_duration(value)
        .map(|_| value.to_string())
        .map_err(|_| "parse error".to_string())
}

#[cfg(test)]
mod klog_flag_tests {
    use super::*;

    #[test]
    fn klog_values_are_checked_as_klog_checks_them() {
        assert!(vmodule("").is_ok());
        assert!(vmodule("a=1,b*=2").is_ok());
        assert!(vmodule("a=1,b=x").is_err());
        assert!(vmodule("=1").is_err());
        assert!(vmodule("x").is_err());
        assert!(log_flush_frequency("5s").is_ok());
        assert_eq!(log_flush_frequency("5").unwrap_err(), "parse error");
    }
}
