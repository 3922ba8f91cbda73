//! A config as kubectl prints and writes it: the `v1` shape (named lists
//! sorted by name) with the Go struct's field order, which `-o json` shows;
//! YAML sorts keys itself.

use serde_json::{json, Map, Value};

use super::base64;
use super::model::*;

/// The `v1` `Config` object, ready for any printer.
pub fn to_v1_value(config: &Config) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!("Config"));
    out.insert("apiVersion".into(), json!("v1"));
    let prefs = &config.preferences;
    if prefs.colors || !prefs.extensions.is_empty() {
        let mut p = Map::new();
        if prefs.colors {
            p.insert("colors".into(), json!(true));
        }
        put_extensions(&mut p, &prefs.extensions);
        out.insert("preferences".into(), Value::Object(p));
    }
    out.insert(
        "clusters".into(),
        named_list(&config.clusters, "cluster", cluster),
    );
    out.insert(
        "users".into(),
        named_list(&config.auth_infos, "user", auth_info),
    );
    out.insert(
        "contexts".into(),
        named_list(&config.contexts, "context", context),
    );
    out.insert(
        "current-context".into(),
        json!(config.current_context.clone()),
    );
    put_extensions(&mut out, &config.extensions);
    Value::Object(out)
}

/// The bytes client-go writes for a kubeconfig file: the `v1` object as
/// YAML, keys sorted (the same text `config view --raw` prints).
pub fn to_file_bytes(config: &Config) -> anyhow::Result<Vec<u8>> {
    let text = crate::printers::yaml::to_string(&to_v1_value(config))?;
    Ok(text.into_bytes())
}

/// An empty map becomes `null`, as kubectl's conversion leaves the list nil.
fn named_list<T>(
    map: &std::collections::BTreeMap<String, T>,
    field: &str,
    f: fn(&T) -> Value,
) -> Value {
    if map.is_empty() {
        return Value::Null;
    }
    Value::Array(
        map.iter()
            .map(|(name, item)| {
                let mut entry = Map::new();
                entry.insert("name".into(), json!(name));
                entry.insert(field.into(), f(item));
                Value::Object(entry)
            })
            .collect(),
    )
}

fn put_extensions(out: &mut Map<String, Value>, extensions: &Extensions) {
    if extensions.is_empty() {
        return;
    }
    let list = extensions
        .iter()
        .map(|(name, value)| {
            json!({"name": name, "extension": value.clone().unwrap_or(Value::Null)})
        })
        .collect();
    out.insert("extensions".into(), Value::Array(list));
}

fn put_str(out: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        out.insert(key.into(), json!(value));
    }
}

fn put_bytes(out: &mut Map<String, Value>, key: &str, value: &[u8]) {
    if !value.is_empty() {
        out.insert(key.into(), json!(base64::encode_std(value)));
    }
}

fn cluster(c: &Cluster) -> Value {
    let mut out = Map::new();
    out.insert("server".into(), json!(c.server));
    put_str(&mut out, "tls-server-name", &c.tls_server_name);
    if c.insecure_skip_tls_verify {
        out.insert("insecure-skip-tls-verify".into(), json!(true));
    }
    put_str(&mut out, "certificate-authority", &c.certificate_authority);
    put_bytes(
        &mut out,
        "certificate-authority-data",
        &c.certificate_authority_data,
    );
    put_str(&mut out, "proxy-url", &c.proxy_url);
    if c.disable_compression {
        out.insert("disable-compression".into(), json!(true));
    }
    put_extensions(&mut out, &c.extensions);
    Value::Object(out)
}

fn auth_info(u: &AuthInfo) -> Value {
    let mut out = Map::new();
    put_str(&mut out, "client-certificate", &u.client_certificate);
    put_bytes(
        &mut out,
        "client-certificate-data",
        &u.client_certificate_data,
    );
    put_str(&mut out, "client-key", &u.client_key);
    put_bytes(&mut out, "client-key-data", &u.client_key_data);
    put_str(&mut out, "token", &u.token);
    put_str(&mut out, "tokenFile", &u.token_file);
    put_str(&mut out, "as", &u.impersonate);
    put_str(&mut out, "as-uid", &u.impersonate_uid);
    if !u.impersonate_groups.is_empty() {
        out.insert("as-groups".into(), json!(u.impersonate_groups));
    }
    if !u.impersonate_user_extra.is_empty() {
        let extra: Map<String, Value> = u
            .impersonate_user_extra
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        out.insert("as-user-extra".into(), Value::Object(extra));
    }
    put_str(&mut out, "username", &u.username);
    put_str(&mut out, "password", &u.password);
    if let Some(p) = &u.auth_provider {
        out.insert(
            "auth-provider".into(),
            json!({"name": p.name, "config": p.config}),
        );
    }
    if let Some(e) = &u.exec {
        out.insert("exec".into(), exec(e));
    }
    put_extensions(&mut out, &u.extensions);
    Value::Object(out)
}

fn exec(e: &ExecConfig) -> Value {
    let mut out = Map::new();
    out.insert("command".into(), json!(e.command));
    out.insert("args".into(), json!(e.args));
    let env = e.env.as_ref().map(|vars| {
        vars.iter()
            .map(|v| json!({"name": v.name, "value": v.value}))
            .collect::<Vec<_>>()
    });
    out.insert("env".into(), json!(env));
    put_str(&mut out, "apiVersion", &e.api_version);
    put_str(&mut out, "installHint", &e.install_hint);
    out.insert("provideClusterInfo".into(), json!(e.provide_cluster_info));
    put_str(&mut out, "interactiveMode", &e.interactive_mode);
    Value::Object(out)
}

fn context(c: &Context) -> Value {
    let mut out = Map::new();
    out.insert("cluster".into(), json!(c.cluster));
    out.insert("user".into(), json!(c.auth_info));
    put_str(&mut out, "namespace", &c.namespace);
    put_extensions(&mut out, &c.extensions);
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_has_null_lists() {
        let v = to_v1_value(&Config::default());
        assert_eq!(
            crate::printers::json::to_string_compact(&v),
            r#"{"kind":"Config","apiVersion":"v1","clusters":null,"users":null,"contexts":null,"current-context":""}"#
        );
    }

    #[test]
    fn exec_keeps_null_lists_and_false() {
        let mut c = Config::default();
        c.auth_infos.insert(
            "u".into(),
            AuthInfo {
                exec: Some(ExecConfig {
                    command: "c".into(),
                    ..ExecConfig::default()
                }),
                ..AuthInfo::default()
            },
        );
        let v = to_v1_value(&c);
        assert_eq!(
            crate::printers::json::to_string_compact(&v["users"][0]["user"]),
            r#"{"exec":{"command":"c","args":null,"env":null,"provideClusterInfo":false}}"#
        );
    }
}
