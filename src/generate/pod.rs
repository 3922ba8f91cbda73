//! The Pod `kuddle run` builds, and the Service `run --expose` adds.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::{json, Map, Value};

use super::object_meta;
use super::service::{ServicePort, ServiceSpec, TargetPort};
use super::validation::is_env_var_name;

pub struct PodSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub image: String,
    /// `--labels`; empty means the default `run=<name>`.
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub env: Vec<(String, String)>,
    /// The container port, already checked to be a number (`--port`).
    pub port: Option<i64>,
    /// Words after NAME: `args`, or `command` with `--command`.
    pub arguments: Vec<String>,
    pub use_command: bool,
    pub image_pull_policy: String,
    pub restart_policy: String,
    pub privileged: bool,
    pub stdin: bool,
    pub stdin_once: bool,
    pub tty: bool,
}

impl PodSpec {
    /// The labels the Pod carries and the exposing Service selects.
    pub fn effective_labels(&self) -> BTreeMap<String, String> {
        if self.labels.is_empty() {
            BTreeMap::from([("run".to_string(), self.name.clone())])
        } else {
            self.labels.clone()
        }
    }

    /// The Pod, without kind and apiVersion: `run` builds it bare and the
    /// printer adds them (overrides may change them first).
    pub fn build(&self) -> Value {
        let mut c = Map::new();
        c.insert("name".into(), json!(self.name));
        if !self.image.is_empty() {
            c.insert("image".into(), json!(self.image));
        }
        if !self.arguments.is_empty() {
            let key = if self.use_command { "command" } else { "args" };
            c.insert(key.into(), json!(self.arguments));
        }
        if let Some(port) = self.port {
            // Go converts with int32(port): the low 32 bits.
            c.insert("ports".into(), json!([{ "containerPort": port as i32 }]));
        }
        if !self.env.is_empty() {
            let env: Vec<Value> = self
                .env
                .iter()
                .map(|(name, value)| {
                    let mut e = Map::new();
                    e.insert("name".into(), json!(name));
                    if !value.is_empty() {
                        e.insert("value".into(), json!(value));
                    }
                    Value::Object(e)
                })
                .collect();
            c.insert("env".into(), Value::Array(env));
        }
        c.insert("resources".into(), json!({}));
        if !self.image_pull_policy.is_empty() {
            c.insert("imagePullPolicy".into(), json!(self.image_pull_policy));
        }
        if self.privileged {
            c.insert("securityContext".into(), json!({ "privileged": true }));
        }
        if self.stdin {
            c.insert("stdin".into(), json!(true));
        }
        if self.stdin_once {
            c.insert("stdinOnce".into(), json!(true));
        }
        if self.tty {
            c.insert("tty".into(), json!(true));
        }
        let mut spec = Map::new();
        spec.insert("containers".into(), json!([c]));
        if !self.restart_policy.is_empty() {
            spec.insert("restartPolicy".into(), json!(self.restart_policy));
        }
        spec.insert("dnsPolicy".into(), json!("ClusterFirst"));
        json!({
            "metadata": object_meta(&self.name, None, &self.effective_labels(), &self.annotations),
            "spec": spec,
            "status": {}
        })
    }

    /// The ClusterIP Service `--expose` creates: the port to the same
    /// target port, selecting the Pod's labels, labelled only with what
    /// `--labels` gave.
    pub fn service(&self) -> Value {
        let port = self.port.unwrap_or(0) as i32;
        let mut svc = ServiceSpec {
            name: self.name.clone(),
            namespace: None,
            labels: self.labels.clone(),
            selector: self.effective_labels(),
            ports: vec![ServicePort {
                name: String::new(),
                port,
                target_port: TargetPort::Number(port),
                node_port: 0,
            }],
            ..ServiceSpec::default()
        }
        .build();
        // run creates the Service without a type meta, like the Pod.
        if let Some(obj) = svc.as_object_mut() {
            obj.shift_remove("kind");
            obj.shift_remove("apiVersion");
        }
        svc
    }
}

/// `--labels a=b,c=d`: comma-separated, exactly one `=` each, keys non-empty.
pub fn parse_labels(spec: &str) -> Result<BTreeMap<String, String>> {
    let mut labels = BTreeMap::new();
    if spec.is_empty() {
        return Ok(labels);
    }
    for item in spec.split(',') {
        let parts: Vec<&str> = item.split('=').collect();
        if parts.len() != 2 {
            bail!("unexpected label spec: {item}");
        }
        if parts[0].is_empty() {
            bail!("unexpected empty label key");
        }
        labels.insert(parts[0].to_string(), parts[1].to_string());
    }
    Ok(labels)
}

/// `--env NAME=VALUE`, each name a valid environment variable name.
pub fn parse_env(items: &[String]) -> Result<Vec<(String, String)>> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((name, value)) if is_env_var_name(name) => {
                Ok((name.to_string(), value.to_string()))
            }
            _ => bail!("invalid env: {item}"),
        })
        .collect()
}

/// kubectl's `ParsePairs` without removals: `KEY=VALUE` items, reporting
/// every bad one at once (`invalid annotations format: a, =b`).
pub fn parse_pairs(items: &[String], what: &str) -> Result<BTreeMap<String, String>> {
    Ok(crate::flags::pairs::parse_pairs(items, what, false)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            parse_labels("b=1,a=").unwrap(),
            BTreeMap::from([("a".into(), "".into()), ("b".into(), "1".into())])
        );
        assert_eq!(
            parse_labels("a").unwrap_err().to_string(),
            "unexpected label spec: a"
        );
        assert_eq!(
            parse_labels("=a").unwrap_err().to_string(),
            "unexpected empty label key"
        );
        assert_eq!(
            parse_labels("a=b,").unwrap_err().to_string(),
            "unexpected label spec: "
        );
    }

    #[test]
    fn pairs_report_every_bad_item() {
        let items: Vec<String> = ["a", "k=v", "=b", "c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            parse_pairs(&items, "annotations").unwrap_err().to_string(),
            "invalid annotations format: a, =b, c"
        );
    }

    #[test]
    fn env() {
        let ok = parse_env(&["A=1".into(), "B=".into(), "C=x=y".into()]).unwrap();
        assert_eq!(ok[2], ("C".into(), "x=y".into()));
        assert_eq!(
            parse_env(&["1A=b".into()]).unwrap_err().to_string(),
            "invalid env: 1A=b"
        );
    }
}
