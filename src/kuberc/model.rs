//! A kuberc file's contents (kubectl's internal `config.Preference`), read
//! from `kubectl.config.k8s.io/v1beta1` or `v1alpha1` and shown as
//! `v1beta1`. Lists keep Go's difference between absent (`null`) and empty.

use serde_json::{json, Map, Value};

pub const GROUP: &str = "kubectl.config.k8s.io";
pub const V1BETA1: &str = "kubectl.config.k8s.io/v1beta1";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preference {
    pub defaults: Option<Vec<CommandDefaults>>,
    pub aliases: Option<Vec<Alias>>,
    /// `AllowAll`, `DenyAll`, `Allowlist`, or empty (allow all).
    pub credential_plugin_policy: String,
    pub credential_plugin_allowlist: Option<Vec<AllowlistEntry>>,
}

/// Default flag values for one command (`get`, `create deployment`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandDefaults {
    pub command: String,
    pub options: Option<Vec<OptionDefault>>,
}

/// A new command name for a command, with arguments and flag values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alias {
    pub name: String,
    pub command: String,
    pub prepend_args: Option<Vec<String>>,
    pub append_args: Option<Vec<String>>,
    pub options: Option<Vec<OptionDefault>>,
}

/// One flag (long name, no dashes) and its value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptionDefault {
    pub name: String,
    pub default: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllowlistEntry {
    pub command: String,
}

impl Preference {
    /// What `kuberc view` offers to write when there is no file: apply
    /// server-side, delete interactively.
    pub fn recommended() -> Preference {
        let one = |command: &str, flag: &str| CommandDefaults {
            command: command.into(),
            options: Some(vec![OptionDefault {
                name: flag.into(),
                default: "true".into(),
            }]),
        };
        Preference {
            defaults: Some(vec![
                one("apply", "server-side"),
                one("delete", "interactive"),
            ]),
            ..Preference::default()
        }
    }

    /// The `v1beta1` object in Go's field order (JSON shows it; YAML
    /// sorts keys).
    pub fn to_v1beta1(&self) -> Value {
        let mut out = Map::new();
        out.insert("kind".into(), json!("Preference"));
        out.insert("apiVersion".into(), json!(V1BETA1));
        out.insert(
            "defaults".into(),
            list(&self.defaults, |d| {
                let mut m = Map::new();
                m.insert("command".into(), json!(d.command));
                m.insert("options".into(), list(&d.options, option));
                Value::Object(m)
            }),
        );
        out.insert(
            "aliases".into(),
            list(&self.aliases, |a| {
                let mut m = Map::new();
                m.insert("name".into(), json!(a.name));
                m.insert("command".into(), json!(a.command));
                if let Some(args) = a.prepend_args.as_ref().filter(|v| !v.is_empty()) {
                    m.insert("prependArgs".into(), json!(args));
                }
                if let Some(args) = a.append_args.as_ref().filter(|v| !v.is_empty()) {
                    m.insert("appendArgs".into(), json!(args));
                }
                if let Some(options) = a.options.as_ref().filter(|v| !v.is_empty()) {
                    m.insert(
                        "options".into(),
                        Value::Array(options.iter().map(option).collect()),
                    );
                }
                Value::Object(m)
            }),
        );
        if !self.credential_plugin_policy.is_empty() {
            out.insert(
                "credentialPluginPolicy".into(),
                json!(self.credential_plugin_policy),
            );
        }
        if let Some(entries) = self
            .credential_plugin_allowlist
            .as_ref()
            .filter(|v| !v.is_empty())
        {
            let items = entries
                .iter()
                .map(|e| {
                    let mut m = Map::new();
                    if !e.command.is_empty() {
                        m.insert("command".into(), json!(e.command));
                    }
                    Value::Object(m)
                })
                .collect();
            out.insert("credentialPluginAllowlist".into(), Value::Array(items));
        }
        Value::Object(out)
    }
}

fn option(o: &OptionDefault) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(o.name));
    m.insert("default".into(), json!(o.default));
    Value::Object(m)
}

/// A Go slice: `null` when nil.
fn list<T>(items: &Option<Vec<T>>, f: impl Fn(&T) -> Value) -> Value {
    match items {
        None => Value::Null,
        Some(items) => Value::Array(items.iter().map(f).collect()),
    }
}
