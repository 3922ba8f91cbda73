//! kube-rs connection settings for a configuration kuddle's kubeconfig
//! module resolved with kubectl's rules: one cluster, one user and one
//! context carrying exactly the resolved values, handed to kube-rs's own
//! loader (which reads certificates and runs exec plugins).

use anyhow::{Context as _, Result};
use serde_json::{json, Map, Value};

use crate::kubeconfig::base64::encode_std;
use crate::kubeconfig::ResolvedConfig;

/// The kube-rs config for resolved settings, and the server URL requests go to.
pub async fn kube_config(r: &ResolvedConfig) -> Result<(kube::Config, String)> {
    let server = r.server_url();
    let kubeconfig: kube::config::Kubeconfig = serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "kuddle", "cluster": cluster(r, &server)}],
        "users": [{"name": "kuddle", "user": user(r)}],
        "contexts": [{"name": "kuddle", "context": {
            "cluster": "kuddle",
            "user": "kuddle",
            "namespace": r.namespace,
        }}],
        "current-context": "kuddle",
    }))
    .context("building the connection settings")?;
    let options = kube::config::KubeConfigOptions::default();
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options).await?;
    config.default_retry = false;
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    Ok((config, server))
}

fn put(map: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        map.insert(key.into(), json!(value));
    }
}

fn cluster(r: &ResolvedConfig, server: &str) -> Value {
    let mut c = Map::new();
    c.insert("server".into(), json!(server));
    if r.insecure {
        c.insert("insecure-skip-tls-verify".into(), json!(true));
    }
    if !r.ca_data.is_empty() {
        c.insert(
            "certificate-authority-data".into(),
            json!(encode_std(&r.ca_data)),
        );
    } else {
        put(&mut c, "certificate-authority", &r.ca_file);
    }
    put(&mut c, "proxy-url", &r.proxy_url);
    put(&mut c, "tls-server-name", &r.tls_server_name);
    if r.disable_compression {
        c.insert("disable-compression".into(), json!(true));
    }
    if let Some(ext) = &r.exec_cluster_config {
        c.insert(
            "extensions".into(),
            json!([{"name": "client.authentication.k8s.io/exec", "extension": ext}]),
        );
    }
    Value::Object(c)
}

fn user(r: &ResolvedConfig) -> Value {
    let mut u = Map::new();
    put(&mut u, "token", &r.bearer_token);
    put(&mut u, "tokenFile", &r.bearer_token_file);
    put(&mut u, "client-certificate", &r.client_certificate_file);
    if !r.client_certificate_data.is_empty() {
        u.insert(
            "client-certificate-data".into(),
            json!(encode_std(&r.client_certificate_data)),
        );
    }
    put(&mut u, "client-key", &r.client_key_file);
    if !r.client_key_data.is_empty() {
        u.insert(
            "client-key-data".into(),
            json!(encode_std(&r.client_key_data)),
        );
    }
    put(&mut u, "username", &r.username);
    put(&mut u, "password", &r.password);
    if let Some(imp) = &r.impersonate {
        put(&mut u, "as", &imp.user);
        put(&mut u, "as-uid", &imp.uid);
        if !imp.groups.is_empty() {
            u.insert("as-groups".into(), json!(imp.groups));
        }
        if !imp.extra.is_empty() {
            u.insert("as-user-extra".into(), json!(imp.extra));
        }
    }
    if let Some(p) = &r.auth_provider {
        u.insert(
            "auth-provider".into(),
            json!({"name": p.name, "config": p.config.clone().unwrap_or_default()}),
        );
    }
    if let Some(e) = &r.exec {
        let mut exec = Map::new();
        put(&mut exec, "apiVersion", &e.api_version);
        exec.insert("command".into(), json!(e.command));
        if let Some(args) = &e.args {
            exec.insert("args".into(), json!(args));
        }
        if let Some(env) = &e.env {
            let env: Vec<Value> = env
                .iter()
                .map(|v| json!({"name": v.name, "value": v.value}))
                .collect();
            exec.insert("env".into(), Value::Array(env));
        }
        put(&mut exec, "installHint", &e.install_hint);
        put(&mut exec, "interactiveMode", &e.interactive_mode);
        exec.insert("provideClusterInfo".into(), json!(e.provide_cluster_info));
        u.insert("exec".into(), Value::Object(exec));
    }
    Value::Object(u)
}
