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
    // Go's rules for proxies, not kube-rs's: see `proxy_for`.
    config.proxy_url = match proxy_for(&server, &r.proxy_url, &|k| std::env::var(k).ok()) {
        Some(p) => Some(
            p.parse()
                .with_context(|| format!("parsing proxy URL {p:?}"))?,
        ),
        None => None,
    };
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    Ok((config, server))
}

/// The proxy for requests to `server`, as Go's client chooses it: the
/// kubeconfig's `proxy-url`, else `HTTPS_PROXY`/`https_proxy` (or the HTTP
/// ones for an http server) unless `NO_PROXY` names the host; loopback
/// servers are never proxied through the environment.
pub fn proxy_for(
    server: &str,
    configured: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    if !configured.is_empty() {
        return Some(configured.to_string());
    }
    let uri: http::Uri = server.parse().ok()?;
    let https = uri.scheme_str() != Some("http");
    let var = |names: [&str; 2]| names.iter().find_map(|n| env(n).filter(|v| !v.is_empty()));
    let proxy = if https {
        var(["HTTPS_PROXY", "https_proxy"])?
    } else {
        var(["HTTP_PROXY", "http_proxy"])?
    };
    let host = uri
        .host()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_lowercase();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    if host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    {
        return None;
    }
    if let Some(no_proxy) = var(["NO_PROXY", "no_proxy"]) {
        if no_proxy_matches(&no_proxy, &host, port) {
            return None;
        }
    }
    env_proxy_url(&proxy)
}

/// An environment proxy as Go's `httpproxy` reads it: a URL, or what is a
/// URL once `http://` is put in front (`proxy:3128`); a value that is
/// neither is ignored, and the request goes direct. Go's transport speaks
/// to any proxy whose scheme is not https or socks5 as to an HTTP proxy
/// (`ftp://p:3128`, `socks4://…` get a CONNECT).
fn env_proxy_url(value: &str) -> Option<String> {
    let parsed = |text: &str| -> Option<http::Uri> {
        let uri: http::Uri = text.parse().ok()?;
        let has_host = uri.authority().is_some_and(|a| !a.host().is_empty());
        (uri.scheme_str().is_some() && has_host).then_some(uri)
    };
    let uri = parsed(value).or_else(|| parsed(&format!("http://{value}")))?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?.as_str();
    Some(match scheme.as_str() {
        "https" | "socks5" | "socks5h" => format!("{scheme}://{authority}"),
        _ => format!("http://{authority}"),
    })
}

/// Go's `NO_PROXY` matching: `*`, IPs, CIDRs, domains (a leading `.` or
/// not: subdomains match either way), each with an optional port.
fn no_proxy_matches(list: &str, host: &str, port: u16) -> bool {
    let ip: Option<std::net::IpAddr> = host.parse().ok();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            if let Some((net, bits)) = entry.split_once('/') {
                let (Ok(net), Ok(bits), Some(ip)) =
                    (net.parse::<std::net::IpAddr>(), bits.parse::<u32>(), ip)
                else {
                    return false;
                };
                return cidr_contains(net, bits, ip);
            }
            let (name, entry_port) = match entry.rsplit_once(':') {
                Some((n, p)) if !n.contains(':') || n.ends_with(']') => (n, p.parse::<u16>().ok()),
                _ => (entry, None),
            };
            if entry_port.is_some_and(|p| p != port) {
                return false;
            }
            let name = name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_lowercase();
            if let (Ok(entry_ip), Some(ip)) = (name.parse::<std::net::IpAddr>(), ip) {
                return entry_ip == ip;
            }
            let bare = name.trim_start_matches("*.").trim_start_matches('.');
            host == bare || host.ends_with(&format!(".{bare}"))
        })
}

fn cidr_contains(net: std::net::IpAddr, bits: u32, ip: std::net::IpAddr) -> bool {
    match (net, ip) {
        (std::net::IpAddr::V4(n), std::net::IpAddr::V4(i)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (std::net::IpAddr::V6(n), std::net::IpAddr::V6(i)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn proxies_like_go() {
        let vars = [
            ("HTTPS_PROXY", "proxy:3128"),
            ("NO_PROXY", ".internal,10.0.0.0/8,skip.me:6443"),
        ];
        let e = env(&vars);
        assert_eq!(
            proxy_for("https://api.example.com:6443", "", &e).as_deref(),
            Some("http://proxy:3128")
        );
        assert_eq!(proxy_for("https://127.0.0.1:6443", "", &e), None);
        assert_eq!(proxy_for("https://localhost:6443", "", &e), None);
        assert_eq!(proxy_for("https://a.internal:6443", "", &e), None);
        assert_eq!(proxy_for("https://10.1.2.3:6443", "", &e), None);
        assert_eq!(proxy_for("https://skip.me:6443", "", &e), None);
        assert_eq!(
            proxy_for("https://skip.me:443", "", &e).as_deref(),
            Some("http://proxy:3128")
        );
        assert_eq!(proxy_for("http://api.example.com", "", &e), None);
        assert_eq!(
            proxy_for("https://127.0.0.1:6443", "socks5://p:1", &e).as_deref(),
            Some("socks5://p:1")
        );
    }

    #[test]
    fn environment_proxies_read_as_go_reads_them() {
        for (value, proxy) in [
            ("proxy:3128", Some("http://proxy:3128")),
            ("http://u:p@proxy:3128/x", Some("http://u:p@proxy:3128")),
            ("HTTPS://proxy:3128", Some("https://proxy:3128")),
            ("socks5h://proxy:1080", Some("socks5h://proxy:1080")),
            // Any other scheme: an HTTP proxy.
            ("ftp://proxy:21", Some("http://proxy:21")),
            ("socks4://proxy:1080", Some("http://proxy:1080")),
            // Not a URL even with http:// in front: no proxy at all.
            ("::bad", None),
            ("%zz", None),
        ] {
            let vars = [("HTTPS_PROXY", value)];
            assert_eq!(
                proxy_for("https://api.example.com:6443", "", &env(&vars)).as_deref(),
                proxy,
                "{value}"
            );
        }
    }
}
