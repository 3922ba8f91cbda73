//! Reading one kubeconfig file's bytes the way client-go's `clientcmd.Load`
//! does: YAML → JSON, find apiVersion/kind (case-insensitively, like Go's
//! `encoding/json`), decode the `v1` types (case-sensitively, first error
//! wins, in sorted key order), apply defaults, then turn the named lists
//! into maps (duplicate names are an error).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::base64;
use super::model::*;
use super::yaml;

const SCHEME: &str = "k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50";

/// Parses a kubeconfig file's contents. Errors are kubectl's text (without
/// the `error loading config file` prefix the loader adds).
pub fn decode_config(data: &[u8]) -> Result<Config, String> {
    if data.is_empty() {
        return Ok(Config::default());
    }
    // Documents may nest up to go-yaml's limit of 10000 levels.
    yaml::on_deep_stack(|| decode_deep(data))
}

fn decode_deep(data: &[u8]) -> Result<Config, String> {
    let json = yaml::yaml_to_json(data)?;
    check_json_depth(&json)?;
    let (api_version, kind) = interpret(&json)?;
    check_kind(&api_version, &kind, data)?;
    let mut dec = Dec::default();
    let mut v1 = dec.config(&json);
    if let Some(err) = dec.err {
        return Err(err);
    }
    apply_defaults(&mut v1);
    convert(v1)
}

/// Go's JSON scanner stops at 10000 nested arrays and objects; the first
/// container past that depth (in document order) is the error.
fn check_json_depth(json: &Value) -> Result<(), String> {
    fn walk(v: &Value, depth: usize) -> Option<char> {
        let (open, children): (char, Box<dyn Iterator<Item = &Value>>) = match v {
            Value::Array(items) => ('[', Box::new(items.iter())),
            Value::Object(map) => ('{', Box::new(map.values())),
            _ => return None,
        };
        if depth > 10_000 {
            return Some(open);
        }
        children.into_iter().find_map(|c| walk(c, depth + 1))
    }
    match walk(json, 1) {
        Some(c) => Err(format!(
            "couldn't get version/kind; json parse error: invalid character '{c}' exceeded max depth"
        )),
        None => Ok(()),
    }
}

/// The meta factory's first look at the document: only `apiVersion` and
/// `kind`, matched case-insensitively.
pub(crate) fn interpret(json: &Value) -> Result<(String, String), String> {
    const PREFIX: &str = "couldn't get version/kind; json parse error: ";
    let mut api_version = String::new();
    let mut kind = String::new();
    match json {
        Value::Null => {}
        Value::Object(map) => {
            for (key, value) in map {
                let (slot, name) = if folds_to(key, "apiVersion") {
                    (&mut api_version, "apiVersion")
                } else if folds_to(key, "kind") {
                    (&mut kind, "kind")
                } else {
                    continue;
                };
                match value {
                    Value::String(s) => *slot = s.clone(),
                    Value::Null => {}
                    other => {
                        return Err(format!(
                            "{PREFIX}json: cannot unmarshal {} into Go struct field .{name} of type string",
                            kind_name(other)
                        ))
                    }
                }
            }
        }
        other => {
            return Err(format!(
                "{PREFIX}json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}",
                kind_name(other)
            ))
        }
    }
    Ok((api_version, kind))
}

/// Go's case folding for struct field names (ASCII, plus the Kelvin sign
/// and long s, which fold to `k` and `s`).
fn folds_to(key: &str, field: &str) -> bool {
    let fold = |c: char| match c {
        '\u{212A}' => 'k',
        '\u{017F}' => 's',
        c => c.to_ascii_lowercase(),
    };
    key.chars().map(fold).eq(field.chars().map(fold))
}

/// Only `v1` `Config` is registered; missing parts default to those.
fn check_kind(api_version: &str, kind: &str, original: &[u8]) -> Result<(), String> {
    let (group, version) = match api_version.matches('/').count() {
        0 => ("", api_version),
        1 => api_version.split_once('/').unwrap_or(("", api_version)),
        _ => return Err(format!("unexpected GroupVersion string: {api_version}")),
    };
    let kind = if kind.is_empty() { "Config" } else { kind };
    let version = if version.is_empty() && group.is_empty() {
        "v1"
    } else {
        version
    };
    if version.is_empty() {
        return Err(format!(
            "Object 'apiVersion' is missing in '{}'",
            String::from_utf8_lossy(original)
        ));
    }
    if group.is_empty() && version == "v1" && kind == "Config" {
        return Ok(());
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Err(format!(
        "no kind {kind:?} is registered for version {gv:?} in scheme {SCHEME:?}"
    ))
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

// ---------------------------------------------------------------------------
// The v1 shapes, as far as conversion and its error messages need them.

#[derive(Debug, Clone, Default)]
struct NamedExtension {
    name: String,
    /// The raw JSON; `None` when absent or `null`.
    raw: Option<Value>,
}

#[derive(Debug, Default)]
struct V1Config {
    colors: bool,
    preference_extensions: Vec<NamedExtension>,
    clusters: Vec<(String, Cluster, Vec<NamedExtension>)>,
    users: Vec<(String, AuthInfo, Vec<NamedExtension>)>,
    contexts: Vec<(String, Context, Vec<NamedExtension>)>,
    current_context: String,
    extensions: Vec<NamedExtension>,
}

/// Go's `encoding/json` decoding state: the first error is kept, decoding
/// goes on; errors name the innermost struct and the path of JSON names.
#[derive(Default)]
struct Dec {
    err: Option<String>,
    strukt: &'static str,
    stack: Vec<&'static str>,
}

impl Dec {
    fn save(&mut self, msg: String) {
        if self.err.is_none() {
            self.err = Some(msg);
        }
    }

    fn type_error(&mut self, value: &str, ty: &str) {
        let msg = if self.strukt.is_empty() && self.stack.is_empty() {
            format!("json: cannot unmarshal {value} into Go value of type {ty}")
        } else {
            format!(
                "json: cannot unmarshal {value} into Go struct field {}.{} of type {ty}",
                self.strukt,
                self.stack.join(".")
            )
        };
        self.save(msg);
    }

    fn mismatch(&mut self, v: &Value, ty: &str) {
        self.type_error(kind_name(v), ty);
    }

    /// Decodes the fields of a JSON object into a struct named `strukt`.
    fn object(
        &mut self,
        v: &Value,
        strukt: &'static str,
        ty: &str,
        mut field: impl FnMut(&mut Dec, &str, &Value),
    ) {
        let map: &Map<String, Value> = match v {
            Value::Object(map) => map,
            Value::Null => return,
            other => return self.mismatch(other, ty),
        };
        for (key, value) in map {
            let saved_struct = self.strukt;
            let depth = self.stack.len();
            // `field` pushes the JSON name of the field it decodes, if any.
            self.strukt = strukt;
            field(self, key, value);
            self.stack.truncate(depth);
            self.strukt = saved_struct;
        }
    }

    fn enter(&mut self, name: &'static str) -> &mut Dec {
        self.stack.push(name);
        self
    }

    fn string(&mut self, v: &Value) -> String {
        self.string_of(v, "string")
    }

    fn string_of(&mut self, v: &Value, ty: &str) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => {
                self.mismatch(other, ty);
                String::new()
            }
        }
    }

    fn bool(&mut self, v: &Value) -> bool {
        match v {
            Value::Bool(b) => *b,
            Value::Null => false,
            other => {
                self.mismatch(other, "bool");
                false
            }
        }
    }

    fn bytes(&mut self, v: &Value) -> Vec<u8> {
        match v {
            Value::String(s) => match base64::decode_std(s.as_bytes()) {
                Ok(b) => b,
                Err(at) => {
                    self.save(format!("illegal base64 data at input byte {at}"));
                    Vec::new()
                }
            },
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::Number(n) => match n.as_u64().filter(|&u| u <= 255) {
                        Some(u) => u as u8,
                        None => {
                            let text = crate::printers::json::go_number(n);
                            self.type_error(&format!("number {text}"), "uint8");
                            0
                        }
                    },
                    Value::Null => 0,
                    other => {
                        self.mismatch(other, "uint8");
                        0
                    }
                })
                .collect(),
            Value::Null => Vec::new(),
            other => {
                self.mismatch(other, "[]uint8");
                Vec::new()
            }
        }
    }

    fn list<T>(
        &mut self,
        v: &Value,
        ty: &str,
        mut item: impl FnMut(&mut Dec, &Value) -> T,
    ) -> Option<Vec<T>> {
        match v {
            Value::Array(items) => Some(items.iter().map(|i| item(self, i)).collect()),
            Value::Null => None,
            other => {
                self.mismatch(other, ty);
                None
            }
        }
    }

    fn strings(&mut self, v: &Value) -> Option<Vec<String>> {
        self.list(v, "[]string", |d, i| d.string(i))
    }

    fn extensions(&mut self, v: &Value) -> Vec<NamedExtension> {
        self.list(v, "[]v1.NamedExtension", |d, item| {
            let mut ext = NamedExtension::default();
            d.object(
                item,
                "NamedExtension",
                "v1.NamedExtension",
                |d, key, value| {
                    match key {
                        "name" => ext.name = d.enter("name").string(value),
                        // RawExtension takes any JSON.
                        "extension" => ext.raw = Some(value.clone()).filter(|v| !v.is_null()),
                        _ => {}
                    }
                },
            );
            ext
        })
        .unwrap_or_default()
    }

    fn config(&mut self, v: &Value) -> V1Config {
        let mut c = V1Config::default();
        self.object(v, "Config", "v1.Config", |d, key, value| match key {
            "kind" => {
                d.enter("kind").string(value);
            }
            "apiVersion" => {
                d.enter("apiVersion").string(value);
            }
            "preferences" => {
                d.enter("preferences").object(
                    value,
                    "Preferences",
                    "v1.Preferences",
                    |d, key, value| match key {
                        "colors" => c.colors = d.enter("colors").bool(value),
                        "extensions" => {
                            c.preference_extensions = d.enter("extensions").extensions(value)
                        }
                        _ => {}
                    },
                );
            }
            "clusters" => {
                c.clusters = d
                    .enter("clusters")
                    .list(value, "[]v1.NamedCluster", |d, item| d.named_cluster(item))
                    .unwrap_or_default()
            }
            "users" => {
                c.users = d
                    .enter("users")
                    .list(value, "[]v1.NamedAuthInfo", |d, item| {
                        d.named_auth_info(item)
                    })
                    .unwrap_or_default()
            }
            "contexts" => {
                c.contexts = d
                    .enter("contexts")
                    .list(value, "[]v1.NamedContext", |d, item| d.named_context(item))
                    .unwrap_or_default()
            }
            "current-context" => c.current_context = d.enter("current-context").string(value),
            "extensions" => c.extensions = d.enter("extensions").extensions(value),
            _ => {}
        });
        c
    }

    fn named_cluster(&mut self, item: &Value) -> (String, Cluster, Vec<NamedExtension>) {
        let mut name = String::new();
        let mut cluster = Cluster::default();
        let mut exts = Vec::new();
        self.object(
            item,
            "NamedCluster",
            "v1.NamedCluster",
            |d, key, value| match key {
                "name" => name = d.enter("name").string(value),
                "cluster" => {
                    d.enter("cluster")
                        .object(value, "Cluster", "v1.Cluster", |d, key, value| {
                            let c = &mut cluster;
                            match key {
                                "server" => c.server = d.enter("server").string(value),
                                "tls-server-name" => {
                                    c.tls_server_name = d.enter("tls-server-name").string(value)
                                }
                                "insecure-skip-tls-verify" => {
                                    c.insecure_skip_tls_verify =
                                        d.enter("insecure-skip-tls-verify").bool(value)
                                }
                                "certificate-authority" => {
                                    c.certificate_authority =
                                        d.enter("certificate-authority").string(value)
                                }
                                "certificate-authority-data" => {
                                    c.certificate_authority_data =
                                        d.enter("certificate-authority-data").bytes(value)
                                }
                                "proxy-url" => c.proxy_url = d.enter("proxy-url").string(value),
                                "disable-compression" => {
                                    c.disable_compression =
                                        d.enter("disable-compression").bool(value)
                                }
                                "extensions" => exts = d.enter("extensions").extensions(value),
                                _ => {}
                            }
                        })
                }
                _ => {}
            },
        );
        (name, cluster, exts)
    }

    fn named_context(&mut self, item: &Value) -> (String, Context, Vec<NamedExtension>) {
        let mut name = String::new();
        let mut context = Context::default();
        let mut exts = Vec::new();
        self.object(
            item,
            "NamedContext",
            "v1.NamedContext",
            |d, key, value| match key {
                "name" => name = d.enter("name").string(value),
                "context" => {
                    d.enter("context")
                        .object(value, "Context", "v1.Context", |d, key, value| match key {
                            "cluster" => context.cluster = d.enter("cluster").string(value),
                            "user" => context.auth_info = d.enter("user").string(value),
                            "namespace" => context.namespace = d.enter("namespace").string(value),
                            "extensions" => exts = d.enter("extensions").extensions(value),
                            _ => {}
                        })
                }
                _ => {}
            },
        );
        (name, context, exts)
    }

    fn named_auth_info(&mut self, item: &Value) -> (String, AuthInfo, Vec<NamedExtension>) {
        let mut name = String::new();
        let mut user = AuthInfo::default();
        let mut exts = Vec::new();
        self.object(
            item,
            "NamedAuthInfo",
            "v1.NamedAuthInfo",
            |d, key, value| match key {
                "name" => name = d.enter("name").string(value),
                "user" => {
                    d.enter("user")
                        .object(value, "AuthInfo", "v1.AuthInfo", |d, key, value| {
                            let u = &mut user;
                            match key {
                                "client-certificate" => {
                                    u.client_certificate =
                                        d.enter("client-certificate").string(value)
                                }
                                "client-certificate-data" => {
                                    u.client_certificate_data =
                                        d.enter("client-certificate-data").bytes(value)
                                }
                                "client-key" => u.client_key = d.enter("client-key").string(value),
                                "client-key-data" => {
                                    u.client_key_data = d.enter("client-key-data").bytes(value)
                                }
                                "token" => u.token = d.enter("token").string(value),
                                "tokenFile" => u.token_file = d.enter("tokenFile").string(value),
                                "as" => u.impersonate = d.enter("as").string(value),
                                "as-uid" => u.impersonate_uid = d.enter("as-uid").string(value),
                                "as-groups" => {
                                    u.impersonate_groups =
                                        d.enter("as-groups").strings(value).unwrap_or_default()
                                }
                                "as-user-extra" => {
                                    u.impersonate_user_extra =
                                        d.enter("as-user-extra").user_extra(value)
                                }
                                "username" => u.username = d.enter("username").string(value),
                                "password" => u.password = d.enter("password").string(value),
                                "auth-provider" => {
                                    u.auth_provider = d.enter("auth-provider").auth_provider(value)
                                }
                                "exec" => u.exec = d.enter("exec").exec(value),
                                "extensions" => exts = d.enter("extensions").extensions(value),
                                _ => {}
                            }
                        })
                }
                _ => {}
            },
        );
        (name, user, exts)
    }

    fn user_extra(&mut self, v: &Value) -> BTreeMap<String, Option<Vec<String>>> {
        match v {
            Value::Object(map) => map
                .iter()
                .map(|(k, item)| (k.clone(), self.strings(item)))
                .collect(),
            Value::Null => BTreeMap::new(),
            other => {
                self.mismatch(other, "map[string][]string");
                BTreeMap::new()
            }
        }
    }

    fn auth_provider(&mut self, v: &Value) -> Option<AuthProviderConfig> {
        if v.is_null() {
            return None;
        }
        let mut p = AuthProviderConfig::default();
        self.object(
            v,
            "AuthProviderConfig",
            "v1.AuthProviderConfig",
            |d, key, value| match key {
                "name" => p.name = d.enter("name").string(value),
                "config" => {
                    let d = d.enter("config");
                    p.config = match value {
                        Value::Object(map) => Some(
                            map.iter()
                                .map(|(k, item)| (k.clone(), d.string(item)))
                                .collect(),
                        ),
                        Value::Null => None,
                        other => {
                            d.mismatch(other, "map[string]string");
                            None
                        }
                    }
                }
                _ => {}
            },
        );
        Some(p)
    }

    fn exec(&mut self, v: &Value) -> Option<ExecConfig> {
        if v.is_null() {
            return None;
        }
        let mut e = ExecConfig::default();
        self.object(
            v,
            "ExecConfig",
            "v1.ExecConfig",
            |d, key, value| match key {
                "command" => e.command = d.enter("command").string(value),
                "args" => e.args = d.enter("args").strings(value),
                "env" => {
                    e.env = d.enter("env").list(value, "[]v1.ExecEnvVar", |d, item| {
                        let mut var = ExecEnvVar::default();
                        d.object(
                            item,
                            "ExecEnvVar",
                            "v1.ExecEnvVar",
                            |d, key, value| match key {
                                "name" => var.name = d.enter("name").string(value),
                                "value" => var.value = d.enter("value").string(value),
                                _ => {}
                            },
                        );
                        var
                    })
                }
                "apiVersion" => e.api_version = d.enter("apiVersion").string(value),
                "installHint" => e.install_hint = d.enter("installHint").string(value),
                "provideClusterInfo" => {
                    e.provide_cluster_info = d.enter("provideClusterInfo").bool(value)
                }
                "interactiveMode" => {
                    e.interactive_mode = d
                        .enter("interactiveMode")
                        .string_of(value, "v1.ExecInteractiveMode")
                }
                _ => {}
            },
        );
        Some(e)
    }
}

/// v1 defaulting: older exec plugin versions may use stdin when available.
fn apply_defaults(c: &mut V1Config) {
    for (_, user, _) in &mut c.users {
        if let Some(exec) = &mut user.exec {
            if exec.interactive_mode.is_empty()
                && matches!(
                    exec.api_version.as_str(),
                    "client.authentication.k8s.io/v1beta1"
                        | "client.authentication.k8s.io/v1alpha1"
                )
            {
                exec.interactive_mode = "IfAvailable".into();
            }
        }
    }
}

// ---------------------------------------------------------------------------
// v1 lists → internal maps.

fn convert(v1: V1Config) -> Result<Config, String> {
    let mut config = Config {
        current_context: v1.current_context.clone(),
        ..Config::default()
    };
    config.preferences.colors = v1.colors;
    config.preferences.extensions = extension_map(&v1.preference_extensions)?;

    for (name, cluster, exts) in &v1.clusters {
        let mut cluster = cluster.clone();
        cluster.extensions = extension_map(exts)?;
        if config.clusters.contains_key(name) {
            return Err(duplicate(
                "*[]NamedCluster into *map[string]*api.Cluster",
                name,
                &v_list(&v1.clusters, v_named_cluster),
            ));
        }
        config.clusters.insert(name.clone(), cluster);
    }
    for (name, user, exts) in &v1.users {
        let mut user = user.clone();
        user.extensions = extension_map(exts)?;
        if config.auth_infos.contains_key(name) {
            return Err(duplicate(
                "*[]NamedAuthInfo into *map[string]*api.AuthInfo",
                name,
                &v_list(&v1.users, v_named_auth_info),
            ));
        }
        config.auth_infos.insert(name.clone(), user);
    }
    for (name, context, exts) in &v1.contexts {
        let mut context = context.clone();
        context.extensions = extension_map(exts)?;
        if config.contexts.contains_key(name) {
            return Err(duplicate(
                "*[]NamedContext into *map[string]*api.Context",
                name,
                &v_list(&v1.contexts, v_named_context),
            ));
        }
        config.contexts.insert(name.clone(), context);
    }
    config.extensions = extension_map(&v1.extensions)?;
    Ok(config)
}

fn duplicate(what: &str, name: &str, list: &str) -> String {
    format!("error converting {what}: duplicate name \"{name}\" in list: {list}")
}

/// A null extension does not count as taken: a later one with the same
/// name replaces it without complaint.
fn extension_map(list: &[NamedExtension]) -> Result<Extensions, String> {
    let mut out = Extensions::new();
    for ext in list {
        if let Some(Some(_)) = out.get(&ext.name) {
            return Err(duplicate(
                "*[]NamedExtension into *map[string]runtime.Object",
                &ext.name,
                &v_extensions(list),
            ));
        }
        out.insert(ext.name.clone(), ext.raw.clone());
    }
    Ok(out)
}

// Go's `%v` of the v1 lists, as duplicate-name errors print them.

fn v_list<T>(items: &[T], f: fn(&T) -> String) -> String {
    let parts: Vec<String> = items.iter().map(f).collect();
    format!("[{}]", parts.join(" "))
}

fn v_bytes(b: &[u8]) -> String {
    let parts: Vec<String> = b.iter().map(u8::to_string).collect();
    format!("[{}]", parts.join(" "))
}

fn v_extensions(list: &[NamedExtension]) -> String {
    v_list(list, |e| {
        let raw = match &e.raw {
            Some(v) => crate::printers::json::to_string_compact(v).into_bytes(),
            None => Vec::new(),
        };
        format!("{{{} {{{} <nil>}}}}", e.name, v_bytes(&raw))
    })
}

fn v_named_cluster(item: &(String, Cluster, Vec<NamedExtension>)) -> String {
    let (name, c, exts) = item;
    format!(
        "{{{name} {{{} {} {} {} {} {} {} {}}}}}",
        c.server,
        c.tls_server_name,
        c.insecure_skip_tls_verify,
        c.certificate_authority,
        v_bytes(&c.certificate_authority_data),
        c.proxy_url,
        c.disable_compression,
        v_extensions(exts)
    )
}

fn v_named_context(item: &(String, Context, Vec<NamedExtension>)) -> String {
    let (name, c, exts) = item;
    format!(
        "{{{name} {{{} {} {} {}}}}}",
        c.cluster,
        c.auth_info,
        c.namespace,
        v_extensions(exts)
    )
}

fn v_named_auth_info(item: &(String, AuthInfo, Vec<NamedExtension>)) -> String {
    let (name, u, exts) = item;
    // Pointers print as addresses, which differ from run to run.
    let ptr = |set: bool| if set { "0xc000010000" } else { "<nil>" };
    let extra: Vec<String> = u
        .impersonate_user_extra
        .iter()
        .map(|(k, v)| format!("{k}:[{}]", v.as_deref().unwrap_or_default().join(" ")))
        .collect();
    format!(
        "{{{name} {{{} {} {} {} {} {} {} {} [{}] map[{}] {} {} {} {} {}}}}}",
        u.client_certificate,
        v_bytes(&u.client_certificate_data),
        u.client_key,
        v_bytes(&u.client_key_data),
        u.token,
        u.token_file,
        u.impersonate,
        u.impersonate_uid,
        u.impersonate_groups.join(" "),
        extra.join(" "),
        u.username,
        u.password,
        ptr(u.auth_provider.is_some()),
        ptr(u.exec.is_some()),
        v_extensions(exts)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, String> {
        decode_config(text.as_bytes())
    }

    const HEAD: &str = "apiVersion: v1\nkind: Config\n";

    #[test]
    fn reads_a_full_config() {
        let c = load(&format!(
            "{HEAD}clusters:\n- name: c\n  cluster:\n    server: https://x\n    certificate-authority-data: Zm9vCg==\nusers:\n- name: u\n  user:\n    exec:\n      command: cmd\n      apiVersion: client.authentication.k8s.io/v1beta1\ncontexts:\n- name: ctx\n  context: {{cluster: c, user: u, namespace: ns}}\ncurrent-context: ctx\n"
        ))
        .unwrap();
        assert_eq!(c.clusters["c"].server, "https://x");
        assert_eq!(c.clusters["c"].certificate_authority_data, b"foo\n");
        let exec = c.auth_infos["u"].exec.as_ref().unwrap();
        assert_eq!(exec.interactive_mode, "IfAvailable");
        assert_eq!(exec.args, None);
        assert_eq!(c.contexts["ctx"].namespace, "ns");
        assert_eq!(c.current_context, "ctx");
    }

    #[test]
    fn type_errors_name_struct_and_path() {
        assert_eq!(
            load(&format!("{HEAD}clusters:\n- name: a\n  cluster:\n    server: 8080\n")).unwrap_err(),
            "json: cannot unmarshal number into Go struct field Cluster.clusters.cluster.server of type string"
        );
        assert_eq!(
            load(&format!("{HEAD}contexts:\n- [a]\n")).unwrap_err(),
            "json: cannot unmarshal array into Go struct field Config.contexts of type v1.NamedContext"
        );
        assert_eq!(
            load(&format!("{HEAD}users:\n- name: u\n  user:\n    exec:\n      env:\n      - name: X\n        value: y\n")).unwrap_err(),
            "json: cannot unmarshal bool into Go struct field ExecEnvVar.users.user.exec.env.value of type string"
        );
        assert_eq!(
            load(&format!(
                "{HEAD}users:\n- name: u\n  user:\n    client-certificate-data: notbase64!\n"
            ))
            .unwrap_err(),
            "illegal base64 data at input byte 9"
        );
    }

    #[test]
    fn kind_and_version_checks() {
        assert_eq!(
            load("apiVersion: v2\nkind: Config\n").unwrap_err(),
            "no kind \"Config\" is registered for version \"v2\" in scheme \"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\""
        );
        assert_eq!(
            load("- a\n").unwrap_err(),
            "couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }"
        );
        assert_eq!(
            load("kind: 5\n").unwrap_err(),
            "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string"
        );
        assert!(load("apiVersion: /v1\n").is_ok());
        assert!(load("# nothing\n").unwrap().is_empty());
    }

    #[test]
    fn duplicate_names_print_the_list() {
        assert_eq!(
            load(&format!("{HEAD}extensions:\n- name: a\n  extension: {{a: 1}}\n- name: a\n  extension: 5\n")).unwrap_err(),
            "error converting *[]NamedExtension into *map[string]runtime.Object: duplicate name \"a\" in list: [{a {[123 34 97 34 58 49 125] <nil>}} {a {[53] <nil>}}]"
        );
        // A null extension may be redefined.
        let c = load(&format!(
            "{HEAD}extensions:\n- name: a\n- name: a\n  extension: 5\n"
        ))
        .unwrap();
        assert_eq!(c.extensions["a"], Some(serde_json::json!(5)));
    }
}
