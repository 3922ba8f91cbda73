//! From the merged kubeconfig and the command-line flags to the settings a
//! request uses (client-go's `DirectClientConfig` and
//! `DeferredLoadingClientConfig`), with kubectl's configuration errors.
//!
//! Two entry points, because kubectl reaches them in different orders and
//! the first failure decides the message: [`ClientConfig::namespace`]
//! (what `get`, `describe`, … ask first) and [`ClientConfig::client_config`]
//! (what `create`, `run`, … ask first). For example `--context nope` is
//! `Error in configuration: context was not found for specified context:
//! nope` from the former and `error: context "nope" does not exist` from the
//! latter.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use super::gourl;
use super::model::*;
use super::validate::{
    invalid_to_error, validate_auth_info, validate_cluster, Invalid, EMPTY_CLUSTER,
};
use crate::flags::GlobalFlags;

/// The cluster extension whose value exec plugins receive.
const EXEC_CLUSTER_EXTENSION: &str = "client.authentication.k8s.io/exec";

/// What the command line overrides (client-go's `ConfigOverrides`); empty
/// strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub auth_info: AuthInfo,
    pub cluster_info: Cluster,
    pub context: Context,
    /// `--context`.
    pub current_context: String,
    /// `--request-timeout`.
    pub timeout: String,
    /// The server used when nothing names one: `$KUBERNETES_MASTER` or
    /// `http://localhost:8080`.
    pub default_server: String,
}

impl Overrides {
    /// kubectl's global flags as overrides. `kubernetes_master` is the
    /// `KUBERNETES_MASTER` environment variable.
    pub fn from_flags(flags: &GlobalFlags, kubernetes_master: Option<&str>) -> Overrides {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut extra: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
        for pair in &flags.as_user_extra {
            // kubectl ignores entries without `=`.
            if let Some((k, v)) = pair.split_once('=') {
                extra
                    .entry(k.to_string())
                    .or_insert_with(|| Some(Vec::new()))
                    .get_or_insert_with(Vec::new)
                    .push(v.to_string());
            }
        }
        Overrides {
            auth_info: AuthInfo {
                client_certificate: s(&flags.client_certificate),
                client_key: s(&flags.client_key),
                token: s(&flags.token),
                impersonate: s(&flags.as_user),
                impersonate_uid: s(&flags.as_uid),
                impersonate_groups: flags.as_group.clone(),
                impersonate_user_extra: extra,
                username: s(&flags.username),
                password: s(&flags.password),
                ..AuthInfo::default()
            },
            cluster_info: Cluster {
                server: s(&flags.server),
                tls_server_name: s(&flags.tls_server_name),
                certificate_authority: s(&flags.certificate_authority),
                insecure_skip_tls_verify: flags.insecure_skip_tls_verify,
                proxy_url: s(&flags.proxy_url),
                disable_compression: flags.disable_compression,
                ..Cluster::default()
            },
            context: Context {
                cluster: s(&flags.cluster),
                auth_info: s(&flags.user),
                namespace: s(&flags.namespace),
                ..Context::default()
            },
            current_context: s(&flags.context),
            timeout: flags.request_timeout.clone(),
            default_server: kubernetes_master
                .filter(|m| !m.is_empty())
                .unwrap_or("http://localhost:8080")
                .to_string(),
        }
    }
}

/// The settings one request needs, after kubeconfig and flags are merged
/// (client-go's `rest.Config`). Empty strings and vectors mean "not set".
///
/// For the client layer: kubectl reads user credentials and the CA only for
/// `https://` servers (see [`ResolvedConfig::is_tls`]); when both a token
/// and a token file are set, the file (re-read, whitespace trimmed) wins at
/// request time; when no credential is set and the server is TLS, kubectl
/// would prompt for a username and password on stdin
/// ([`ResolvedConfig::can_identify_user`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolvedConfig {
    /// The server as configured (`https://h:6443`, maybe without a scheme).
    pub server: String,
    /// The context, cluster and user names the settings came from.
    pub context_name: String,
    pub cluster_name: String,
    pub user_name: String,
    pub ca_file: String,
    pub ca_data: Vec<u8>,
    pub insecure: bool,
    pub tls_server_name: String,
    pub client_certificate_file: String,
    pub client_certificate_data: Vec<u8>,
    pub client_key_file: String,
    pub client_key_data: Vec<u8>,
    pub bearer_token: String,
    pub bearer_token_file: String,
    pub username: String,
    pub password: String,
    pub auth_provider: Option<AuthProviderConfig>,
    pub exec: Option<ExecConfig>,
    /// The cluster's `client.authentication.k8s.io/exec` extension, handed
    /// to exec plugins.
    pub exec_cluster_config: Option<Value>,
    pub impersonate: Option<Impersonation>,
    pub proxy_url: String,
    pub disable_compression: bool,
    /// `--request-timeout`; `None` for no timeout.
    pub timeout: Option<Duration>,
    /// The namespace for this request and whether `-n` gave it.
    pub namespace: String,
    pub namespace_explicit: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impersonation {
    pub user: String,
    pub uid: String,
    pub groups: Vec<String>,
    pub extra: BTreeMap<String, Vec<String>>,
}

impl ResolvedConfig {
    /// Whether kubectl treats the server as TLS when deciding to send user
    /// credentials: only an explicit `https://` URL counts.
    pub fn is_tls(&self) -> bool {
        is_https(&self.server)
    }

    /// The base URL requests go to (client-go's `DefaultServerURL`): a
    /// server without a scheme gets `https://` when TLS settings exist,
    /// else `http://`; no server at all is `localhost`.
    pub fn server_url(&self) -> String {
        let host = if self.server.is_empty() {
            "localhost"
        } else {
            &self.server
        };
        if let Some(u) = gourl::parse(host) {
            if !u.scheme.is_empty() && !u.host.is_empty() {
                return host.to_string();
            }
        }
        let tls = !self.ca_file.is_empty()
            || !self.ca_data.is_empty()
            || !self.client_certificate_file.is_empty()
            || !self.client_certificate_data.is_empty()
            || self.insecure;
        format!("{}{host}", if tls { "https://" } else { "http://" })
    }

    /// client-go's `canIdentifyUser`.
    pub fn can_identify_user(&self) -> bool {
        !self.username.is_empty()
            || !self.client_certificate_file.is_empty()
            || !self.client_certificate_data.is_empty()
            || !self.bearer_token.is_empty()
            || self.auth_provider.is_some()
            || self.exec.is_some()
    }
}

fn is_https(server: &str) -> bool {
    gourl::parse(server).is_some_and(|u| u.scheme == "https" && !u.host.is_empty())
}

/// The merged kubeconfig with the command line's overrides.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    config: Config,
    overrides: Option<Overrides>,
    in_cluster: InCluster,
}

/// Where the in-cluster service account lives, and the environment that
/// says we run in a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct InCluster {
    pub service_host: Option<String>,
    pub service_port: Option<String>,
    pub pod_namespace: Option<String>,
    pub account_dir: String,
}

impl Default for InCluster {
    fn default() -> InCluster {
        InCluster {
            service_host: None,
            service_port: None,
            pod_namespace: None,
            account_dir: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
        }
    }
}

impl InCluster {
    pub fn from_process() -> InCluster {
        let var = |k: &str| std::env::var(k).ok();
        InCluster {
            service_host: var("KUBERNETES_SERVICE_HOST"),
            service_port: var("KUBERNETES_SERVICE_PORT"),
            pod_namespace: var("POD_NAMESPACE"),
            ..InCluster::default()
        }
    }

    fn token_file(&self) -> String {
        format!("{}/token", self.account_dir)
    }

    /// client-go's `inClusterClientConfig.Possible`.
    fn possible(&self) -> bool {
        self.service_host.as_deref().is_some_and(|h| !h.is_empty())
            && self.service_port.as_deref().is_some_and(|p| !p.is_empty())
            && std::fs::metadata(self.token_file()).is_ok_and(|m| !m.is_dir())
    }

    fn namespace(&self) -> String {
        if let Some(ns) = self.pod_namespace.as_deref().filter(|n| !n.is_empty()) {
            return ns.to_string();
        }
        std::fs::read_to_string(format!("{}/namespace", self.account_dir))
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "default".into())
    }
}

impl ClientConfig {
    pub fn new(config: Config, overrides: Overrides, in_cluster: InCluster) -> ClientConfig {
        ClientConfig {
            config,
            overrides: Some(overrides),
            in_cluster,
        }
    }

    /// The merged kubeconfig, without overrides.
    pub fn raw(&self) -> &Config {
        &self.config
    }

    fn context_name(&self) -> (String, bool) {
        match &self.overrides {
            Some(o) if !o.current_context.is_empty() => (o.current_context.clone(), true),
            _ => (self.config.current_context.clone(), false),
        }
    }

    fn get_context(&self) -> Result<Context, String> {
        let (name, required) = self.context_name();
        let mut merged = Context::default();
        match self.config.contexts.get(&name) {
            Some(c) => merge_context(&mut merged, c),
            None if required => return Err(format!("context {name:?} does not exist")),
            None => {}
        }
        if let Some(o) = &self.overrides {
            merge_context(&mut merged, &o.context);
        }
        Ok(merged)
    }

    fn auth_info_name(&self) -> (String, bool) {
        match &self.overrides {
            Some(o) if !o.context.auth_info.is_empty() => (o.context.auth_info.clone(), true),
            _ => (self.get_context().unwrap_or_default().auth_info, false),
        }
    }

    fn get_auth_info(&self) -> Result<AuthInfo, String> {
        let (name, required) = self.auth_info_name();
        let mut merged = AuthInfo::default();
        match self.config.auth_infos.get(&name) {
            Some(u) => merge_auth_info(&mut merged, u),
            None if required => return Err(format!("auth info {name:?} does not exist")),
            None => {}
        }
        if let Some(o) = &self.overrides {
            let flags = &o.auth_info;
            merge_auth_info(&mut merged, flags);
            // A key (or certificate) from the command line replaces both
            // forms from the file, so they do not conflict.
            if !flags.client_key.is_empty() || !flags.client_key_data.is_empty() {
                merged.client_key = flags.client_key.clone();
                merged.client_key_data = flags.client_key_data.clone();
            }
            if !flags.client_certificate.is_empty() || !flags.client_certificate_data.is_empty() {
                merged.client_certificate = flags.client_certificate.clone();
                merged.client_certificate_data = flags.client_certificate_data.clone();
            }
        }
        Ok(merged)
    }

    fn cluster_name(&self) -> (String, bool) {
        match &self.overrides {
            Some(o) if !o.context.cluster.is_empty() => (o.context.cluster.clone(), true),
            _ => (self.get_context().unwrap_or_default().cluster, false),
        }
    }

    /// `None` when a `--cluster` names a cluster that does not exist.
    fn get_cluster(&self) -> Result<Cluster, String> {
        let (name, required) = self.cluster_name();
        let mut merged = Cluster::default();
        if let Some(o) = &self.overrides {
            merged.server = o.default_server.clone();
        }
        match self.config.clusters.get(&name) {
            Some(c) => merge_cluster(&mut merged, c),
            None if required => return Err(format!("cluster {name:?} does not exist")),
            None => {}
        }
        if let Some(o) = &self.overrides {
            let flags = &o.cluster_info;
            merge_cluster(&mut merged, flags);
            // --insecure-skip-tls-verify or a CA from the command line
            // replaces the file's whole trust setting.
            if flags.insecure_skip_tls_verify
                || !flags.certificate_authority.is_empty()
                || !flags.certificate_authority_data.is_empty()
            {
                merged.insecure_skip_tls_verify = flags.insecure_skip_tls_verify;
                merged.certificate_authority = flags.certificate_authority.clone();
                merged.certificate_authority_data = flags.certificate_authority_data.clone();
            }
            // A --server drops the file's tls-server-name unless one is given too.
            if !flags.tls_server_name.is_empty() || !flags.server.is_empty() {
                merged.tls_server_name = flags.tls_server_name.clone();
            }
        }
        Ok(merged)
    }

    /// client-go's `ConfirmUsable`: every problem with the chosen context,
    /// user and cluster.
    fn confirm_usable(&self) -> Result<(), Vec<Invalid>> {
        let mut errors = Vec::new();
        let (context_name, _) = self.context_name();
        if !context_name.is_empty() && !self.config.contexts.contains_key(&context_name) {
            errors.push(Invalid {
                msg: format!("context was not found for specified context: {context_name}"),
                context_not_found: true,
            });
        }
        let (user_name, _) = self.auth_info_name();
        let user = self.get_auth_info().unwrap_or_default();
        errors.extend(validate_auth_info(&user_name, &user));
        let (cluster_name, _) = self.cluster_name();
        match self.get_cluster() {
            Ok(cluster) => errors.extend(validate_cluster(&cluster_name, &cluster, true)),
            // A missing --cluster is validated as a cluster with nothing
            // set, which is not "empty" in client-go's sense (its extension
            // map is nil rather than empty).
            Err(_) => errors.extend(validate_cluster(&cluster_name, &Cluster::default(), false)),
        }
        if errors.len() == 1 && errors[0].msg == EMPTY_CLUSTER {
            errors[0].msg =
                "no configuration has been provided, try setting KUBERNETES_MASTER environment variable"
                    .into();
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// kubectl's `Namespace()`: `-n` if given (and then nothing else is
    /// checked), else the context's namespace or `default`.
    pub fn namespace(&self) -> anyhow::Result<(String, bool)> {
        if let Some(o) = &self.overrides {
            if !o.context.namespace.is_empty() {
                return Ok((o.context.namespace.clone(), true));
            }
        }
        self.confirm_usable().map_err(invalid_to_error)?;
        let context = self.get_context().map_err(|e| anyhow::anyhow!(e))?;
        let ns = if context.namespace.is_empty() {
            "default".to_string()
        } else {
            context.namespace
        };
        if !self.in_cluster.possible() || ns != "default" {
            return Ok((ns, false));
        }
        let (name, _) = self.context_name();
        if self
            .config
            .contexts
            .get(&name)
            .is_some_and(|c| !c.namespace.is_empty())
        {
            return Ok((ns, false));
        }
        Ok((self.in_cluster.namespace(), false))
    }

    /// kubectl's `ClientConfig()`: the request settings, or the first
    /// configuration error in kubectl's words.
    pub fn client_config(&self) -> anyhow::Result<ResolvedConfig> {
        let mut resolved = self.direct()?;
        if self.in_cluster.possible() {
            let bare = ClientConfig {
                config: self.config.clone(),
                overrides: None,
                in_cluster: InCluster::default(),
            };
            let uses_defaults = match bare.direct() {
                Ok(r) => r == default_resolved(self.default_server()),
                Err(_) => false,
            };
            if uses_defaults {
                resolved = self.in_cluster_config()?;
            }
        }
        let (ns, explicit) = self.namespace_quiet();
        resolved.namespace = ns;
        resolved.namespace_explicit = explicit;
        Ok(resolved)
    }

    fn default_server(&self) -> String {
        self.overrides
            .as_ref()
            .map(|o| o.default_server.clone())
            .unwrap_or_default()
    }

    /// The namespace without re-validating (client_config already did).
    fn namespace_quiet(&self) -> (String, bool) {
        self.namespace()
            .unwrap_or_else(|_| ("default".into(), false))
    }

    fn direct(&self) -> anyhow::Result<ResolvedConfig> {
        let user = self.get_auth_info().map_err(|e| anyhow::anyhow!(e))?;
        self.get_context().map_err(|e| anyhow::anyhow!(e))?;
        let cluster = self.get_cluster().map_err(|e| anyhow::anyhow!(e))?;
        self.confirm_usable().map_err(invalid_to_error)?;

        let mut r = ResolvedConfig {
            server: cluster.server.clone(),
            context_name: self.context_name().0,
            cluster_name: self.cluster_name().0,
            user_name: self.auth_info_name().0,
            ..ResolvedConfig::default()
        };
        if !cluster.proxy_url.is_empty() {
            gourl::parse_proxy_url(&cluster.proxy_url).map_err(|e| anyhow::anyhow!(e))?;
            r.proxy_url = cluster.proxy_url.clone();
        }
        r.disable_compression = cluster.disable_compression;
        if let Some(o) = &self.overrides {
            if !o.timeout.is_empty() {
                r.timeout = gourl::parse_timeout(&o.timeout).map_err(|e| anyhow::anyhow!(e))?;
            }
        }
        // A server URL with a path loses its query and fragment.
        if let Some(u) = gourl::parse(&r.server) {
            if !u.opaque && !u.scheme.is_empty() && u.path.len() > 1 {
                let end = r.server.find(['?', '#']).unwrap_or(r.server.len());
                r.server.truncate(end);
            }
        }
        if !user.impersonate.is_empty() {
            r.impersonate = Some(Impersonation {
                user: user.impersonate.clone(),
                uid: user.impersonate_uid.clone(),
                groups: user.impersonate_groups.clone(),
                extra: user
                    .impersonate_user_extra
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default()))
                    .collect(),
            });
        }
        // Credentials and trust settings only for https:// servers.
        if is_https(&r.server) {
            self.user_identification(&mut r, &user, &cluster)?;
            r.ca_file = cluster.certificate_authority.clone();
            r.ca_data = cluster.certificate_authority_data.clone();
            r.insecure = cluster.insecure_skip_tls_verify;
            r.tls_server_name = cluster.tls_server_name.clone();
        }
        Ok(r)
    }

    fn user_identification(
        &self,
        r: &mut ResolvedConfig,
        user: &AuthInfo,
        cluster: &Cluster,
    ) -> anyhow::Result<()> {
        if !user.token.is_empty() {
            r.bearer_token = user.token.clone();
            r.bearer_token_file = user.token_file.clone();
        } else if !user.token_file.is_empty() {
            let data = std::fs::read(&user.token_file).map_err(|e| {
                anyhow::anyhow!(super::gopath::path_error("open", &user.token_file, &e))
            })?;
            r.bearer_token = String::from_utf8_lossy(&data).into_owned();
            r.bearer_token_file = user.token_file.clone();
        }
        if !user.client_certificate.is_empty() || !user.client_certificate_data.is_empty() {
            r.client_certificate_file = user.client_certificate.clone();
            r.client_certificate_data = user.client_certificate_data.clone();
            r.client_key_file = user.client_key.clone();
            r.client_key_data = user.client_key_data.clone();
        }
        if !user.username.is_empty() || !user.password.is_empty() {
            r.username = user.username.clone();
            r.password = user.password.clone();
        }
        r.auth_provider = user.auth_provider.clone();
        if let Some(exec) = &user.exec {
            let mut exec = exec.clone();
            exec.install_hint = clean_ansi_escapes(&exec.install_hint);
            r.exec = Some(exec);
            r.exec_cluster_config = cluster
                .extensions
                .get(EXEC_CLUSTER_EXTENSION)
                .cloned()
                .flatten();
        }
        Ok(())
    }

    /// client-go's in-cluster config with the command line's server, token
    /// and CA on top.
    fn in_cluster_config(&self) -> anyhow::Result<ResolvedConfig> {
        let ic = &self.in_cluster;
        let host = ic.service_host.clone().unwrap_or_default();
        let port = ic.service_port.clone().unwrap_or_default();
        let token_file = ic.token_file();
        let token = std::fs::read(&token_file)
            .map_err(|e| anyhow::anyhow!(super::gopath::path_error("open", &token_file, &e)))?;
        let ca_file = format!("{}/ca.crt", ic.account_dir);
        let host = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let mut r = ResolvedConfig {
            server: format!("https://{host}"),
            bearer_token: String::from_utf8_lossy(&token).into_owned(),
            bearer_token_file: token_file,
            ca_file: if std::fs::metadata(&ca_file).is_ok() {
                ca_file
            } else {
                String::new()
            },
            ..ResolvedConfig::default()
        };
        if let Some(o) = &self.overrides {
            if !o.cluster_info.server.is_empty() {
                r.server = o.cluster_info.server.clone();
            }
            if !o.auth_info.token.is_empty() || !o.auth_info.token_file.is_empty() {
                r.bearer_token = o.auth_info.token.clone();
                r.bearer_token_file = o.auth_info.token_file.clone();
            }
            if !o.cluster_info.certificate_authority.is_empty() {
                r.ca_file = o.cluster_info.certificate_authority.clone();
            }
        }
        Ok(r)
    }
}

/// What kubectl's built-in default config resolves to: only the server.
fn default_resolved(server: String) -> ResolvedConfig {
    ResolvedConfig {
        server,
        ..ResolvedConfig::default()
    }
}

// client-go's `merge`: set (non-empty) values from `src` replace, maps merge
// key by key.

fn set_str(dst: &mut String, src: &str) {
    if !src.is_empty() {
        *dst = src.to_string();
    }
}

fn set_bytes(dst: &mut Vec<u8>, src: &[u8]) {
    if !src.is_empty() {
        *dst = src.to_vec();
    }
}

fn merge_extensions(dst: &mut Extensions, src: &Extensions) {
    for (k, v) in src {
        dst.insert(k.clone(), v.clone());
    }
}

fn merge_context(dst: &mut Context, src: &Context) {
    set_str(&mut dst.location_of_origin, &src.location_of_origin);
    set_str(&mut dst.cluster, &src.cluster);
    set_str(&mut dst.auth_info, &src.auth_info);
    set_str(&mut dst.namespace, &src.namespace);
    merge_extensions(&mut dst.extensions, &src.extensions);
}

fn merge_cluster(dst: &mut Cluster, src: &Cluster) {
    set_str(&mut dst.location_of_origin, &src.location_of_origin);
    set_str(&mut dst.server, &src.server);
    set_str(&mut dst.tls_server_name, &src.tls_server_name);
    dst.insecure_skip_tls_verify |= src.insecure_skip_tls_verify;
    set_str(&mut dst.certificate_authority, &src.certificate_authority);
    set_bytes(
        &mut dst.certificate_authority_data,
        &src.certificate_authority_data,
    );
    set_str(&mut dst.proxy_url, &src.proxy_url);
    dst.disable_compression |= src.disable_compression;
    merge_extensions(&mut dst.extensions, &src.extensions);
}

fn merge_auth_info(dst: &mut AuthInfo, src: &AuthInfo) {
    set_str(&mut dst.location_of_origin, &src.location_of_origin);
    set_str(&mut dst.client_certificate, &src.client_certificate);
    set_bytes(
        &mut dst.client_certificate_data,
        &src.client_certificate_data,
    );
    set_str(&mut dst.client_key, &src.client_key);
    set_bytes(&mut dst.client_key_data, &src.client_key_data);
    set_str(&mut dst.token, &src.token);
    set_str(&mut dst.token_file, &src.token_file);
    set_str(&mut dst.impersonate, &src.impersonate);
    set_str(&mut dst.impersonate_uid, &src.impersonate_uid);
    if !src.impersonate_groups.is_empty() {
        dst.impersonate_groups = src.impersonate_groups.clone();
    }
    for (k, v) in &src.impersonate_user_extra {
        dst.impersonate_user_extra.insert(k.clone(), v.clone());
    }
    set_str(&mut dst.username, &src.username);
    set_str(&mut dst.password, &src.password);
    if src.auth_provider.is_some() {
        dst.auth_provider = src.auth_provider.clone();
    }
    if src.exec.is_some() {
        dst.exec = src.exec.clone();
    }
    merge_extensions(&mut dst.extensions, &src.extensions);
}

/// client-go's `cleanANSIEscapeCodes`: characters outside letters, marks,
/// numbers, punctuation, symbols, separators and `\t`–`\r` become `U+XXXX`.
fn clean_ansi_escapes(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && !('\u{9}'..='\u{d}').contains(&c) {
                format!("U+{:04X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Config {
        let mut c = Config::default();
        c.clusters.insert(
            "c1".into(),
            Cluster {
                server: "https://c1:6443".into(),
                tls_server_name: "c1.internal".into(),
                ..Cluster::default()
            },
        );
        c.auth_infos.insert(
            "u1".into(),
            AuthInfo {
                token: "abc".into(),
                ..AuthInfo::default()
            },
        );
        c.auth_infos.insert(
            "u2".into(),
            AuthInfo {
                token: "abc".into(),
                username: "a".into(),
                password: "b".into(),
                ..AuthInfo::default()
            },
        );
        c.contexts.insert(
            "ok".into(),
            Context {
                cluster: "c1".into(),
                auth_info: "u1".into(),
                namespace: "ns1".into(),
                ..Context::default()
            },
        );
        c.contexts.insert(
            "bad".into(),
            Context {
                cluster: "c1".into(),
                auth_info: "u2".into(),
                ..Context::default()
            },
        );
        c.current_context = "ok".into();
        c
    }

    fn with(flags: &[&str]) -> ClientConfig {
        let mut args = vec!["kuddle"];
        args.extend_from_slice(flags);
        let flags = parse_flags(&args);
        ClientConfig::new(
            sample(),
            Overrides::from_flags(&flags, None),
            InCluster::default(),
        )
    }

    fn parse_flags(args: &[&str]) -> GlobalFlags {
        use clap::{Args, FromArgMatches};
        let cmd = GlobalFlags::augment_args(clap::Command::new("t"));
        let m = cmd.try_get_matches_from(args).unwrap();
        GlobalFlags::from_arg_matches(&m).unwrap()
    }

    fn rendered(err: anyhow::Error) -> String {
        let mut buf = Vec::new();
        crate::error::render(&err, &mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn defaults_come_from_the_current_context() {
        let r = with(&[]).client_config().unwrap();
        assert_eq!(r.server, "https://c1:6443");
        assert_eq!(r.bearer_token, "abc");
        assert_eq!(r.tls_server_name, "c1.internal");
        assert_eq!((r.namespace.as_str(), r.namespace_explicit), ("ns1", false));
        assert_eq!(
            with(&["-n", "x"]).namespace().unwrap(),
            ("x".to_string(), true)
        );
    }

    #[test]
    fn no_kubeconfig_means_localhost() {
        let cc = ClientConfig::new(
            Config::default(),
            Overrides::from_flags(&parse_flags(&["k"]), None),
            InCluster::default(),
        );
        let r = cc.client_config().unwrap();
        assert_eq!(r.server, "http://localhost:8080");
        assert_eq!(r.namespace, "default");
        let cc = ClientConfig::new(
            Config::default(),
            Overrides::from_flags(&parse_flags(&["k"]), Some("https://master")),
            InCluster::default(),
        );
        assert_eq!(cc.client_config().unwrap().server, "https://master");
    }

    #[test]
    fn server_flag_clears_tls_server_name_and_http_drops_credentials() {
        let r = with(&["-s", "http://other:80"]).client_config().unwrap();
        assert_eq!(r.server, "http://other:80");
        assert_eq!(r.tls_server_name, "");
        assert_eq!(r.bearer_token, "", "no credentials over plain http");
    }

    #[test]
    fn missing_names_in_kubectl_words() {
        assert_eq!(
            rendered(with(&["--context", "nope"]).client_config().unwrap_err()),
            "error: context \"nope\" does not exist\n"
        );
        assert_eq!(
            rendered(with(&["--context", "nope"]).namespace().unwrap_err()),
            "Error in configuration: context was not found for specified context: nope\n"
        );
        assert_eq!(
            rendered(with(&["--cluster", "nope"]).namespace().unwrap_err()),
            "error: no server found for cluster \"nope\"\n"
        );
        assert_eq!(
            rendered(with(&["--cluster", "nope"]).client_config().unwrap_err()),
            "error: cluster \"nope\" does not exist\n"
        );
        assert_eq!(
            rendered(with(&["--user", "nope"]).client_config().unwrap_err()),
            "error: auth info \"nope\" does not exist\n"
        );
        assert_eq!(
            rendered(
                with(&["--context", "nope", "--cluster", "nope", "--user", "nope"])
                    .namespace()
                    .unwrap_err()
            ),
            "Error in configuration: \n* context was not found for specified context: nope\n* no server found for cluster \"nope\"\n"
        );
    }

    #[test]
    fn conflicting_credentials() {
        assert_eq!(
            rendered(with(&["--context", "bad"]).client_config().unwrap_err()),
            "error: more than one authentication method found for u2; found [token basicAuth], only one is allowed\n"
        );
        assert_eq!(
            rendered(with(&["--username", "x"]).client_config().unwrap_err()),
            "error: more than one authentication method found for u1; found [token basicAuth], only one is allowed\n"
        );
        assert_eq!(
            rendered(with(&["--as-group", "g"]).client_config().unwrap_err()),
            "error: requesting uid, groups or user-extra for u1 without impersonating a user\n"
        );
        let r = with(&[
            "--as",
            "jane",
            "--as-group",
            "g",
            "--as-user-extra",
            "k=v",
            "--as-user-extra",
            "bad",
        ])
        .client_config()
        .unwrap();
        let imp = r.impersonate.unwrap();
        assert_eq!(imp.groups, ["g"]);
        assert_eq!(imp.extra["k"], ["v"]);
        assert_eq!(imp.extra.len(), 1);
    }

    #[test]
    fn files_must_exist_and_proxies_parse() {
        assert_eq!(
            rendered(with(&["--certificate-authority", "/nonexistent/ca"]).client_config().unwrap_err()),
            "error: unable to read certificate-authority /nonexistent/ca for c1 due to open /nonexistent/ca: no such file or directory\n"
        );
        assert_eq!(
            rendered(with(&["--proxy-url", "ftp://x"]).client_config().unwrap_err()),
            "error: invalid 'proxy-url' \"ftp://x\" for cluster \"c1\": unsupported scheme \"ftp\", must be http, https, or socks5\n"
        );
        assert_eq!(
            rendered(with(&["--request-timeout", "5x"]).client_config().unwrap_err()),
            "error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)\n"
        );
    }

    #[test]
    fn exec_plugins_are_validated() {
        let mut c = sample();
        c.auth_infos.insert(
            "e".into(),
            AuthInfo {
                exec: Some(ExecConfig::default()),
                auth_provider: Some(AuthProviderConfig::default()),
                client_certificate: "/nonexistent/cert".into(),
                ..AuthInfo::default()
            },
        );
        let cc = ClientConfig::new(
            c,
            Overrides::from_flags(&parse_flags(&["k", "--user", "e"]), None),
            InCluster::default(),
        );
        assert_eq!(
            rendered(cc.client_config().unwrap_err()),
            "Error in configuration: \n\
             * client-key-data or client-key must be specified for e to use the clientCert authentication method.\n\
             * unable to read client-cert /nonexistent/cert for e due to open /nonexistent/cert: no such file or directory\n\
             * authProvider cannot be provided in combination with an exec plugin for e\n\
             * command must be specified for e to use exec authentication plugin\n\
             * apiVersion must be specified for e to use exec authentication plugin\n\
             * interactiveMode must be specified for e to use exec authentication plugin\n"
        );
    }

    #[test]
    fn ansi_escapes_are_spelled_out() {
        assert_eq!(clean_ansi_escapes("a\u{1b}[1mb\tc"), "aU+001B[1mb\tc");
    }
}
