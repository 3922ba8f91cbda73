//! The Ingress `create ingress` builds from `--rule host/path=svc:port[,tls[=secret]]`.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use anyhow::{bail, Result};
use regex::Regex;
use serde_json::{json, Map, Value};

use super::object_meta;
use super::validation::go_atoi;

/// The rule grammar kubectl checks. Only the start is anchored, so anything
/// may follow a valid prefix (kubectl accepts `x/=svc:80,anything`). `\w` is
/// ASCII-only, as in Go.
fn rule_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^(?P<host>[0-9A-Za-z_*\-.]*)(?P<path>/.*)=(?P<svcname>[0-9A-Za-z_\-]+):(?P<svcport>[0-9A-Za-z_\-]+)(,(?P<istls>tls)=?(?P<secretname>[0-9A-Za-z_\-]+)?)?",
        )
        .expect("static regex")
    })
}

pub struct IngressSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub class: String,
    pub rules: Vec<String>,
    pub annotations: Vec<String>,
    pub default_backend: String,
}

impl IngressSpec {
    /// kubectl's checks, in its order.
    pub fn validate(&self) -> Result<()> {
        if self.default_backend.is_empty() && self.rules.is_empty() {
            bail!("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)");
        }
        for rule in &self.rules {
            if !rule_regex().is_match(rule) {
                bail!("rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]");
            }
        }
        for annotation in &self.annotations {
            if !annotation.contains('=') {
                bail!("annotation {annotation} is invalid and should be in format key=[value]");
            }
        }
        if !self.default_backend.is_empty() && self.default_backend.split(':').count() != 2 {
            bail!("default-backend should be in format servicename:serviceport");
        }
        Ok(())
    }

    /// Builds the Ingress. Rules the grammar accepts but kubectl cannot take
    /// apart (a `,` or a second `=` in the path) crash kubectl; here they are
    /// reported as invalid rules instead.
    pub fn build(&self) -> Result<Value> {
        let annotations: BTreeMap<String, String> = self
            .annotations
            .iter()
            .filter_map(|a| a.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut spec = Map::new();
        if !self.class.is_empty() {
            spec.insert("ingressClassName".into(), json!(self.class));
        }
        if !self.default_backend.is_empty() {
            spec.insert(
                "defaultBackend".into(),
                backend(&self.default_backend).unwrap_or_else(|| json!({})),
            );
        }
        let tls = self.tls();
        if !tls.is_empty() {
            spec.insert("tls".into(), Value::Array(tls));
        }
        let rules = self.ingress_rules()?;
        if !rules.is_empty() {
            spec.insert("rules".into(), Value::Array(rules));
        }
        Ok(json!({
            "kind": "Ingress",
            "apiVersion": "networking.k8s.io/v1",
            "metadata": object_meta(&self.name, self.namespace.as_deref(), &BTreeMap::new(), &annotations),
            "spec": spec,
            "status": { "loadBalancer": {} }
        }))
    }

    /// `spec.tls`: rules with exactly one `,` ask for TLS; hosts sharing a
    /// secret share an entry, and each host is listed once.
    fn tls(&self) -> Vec<Value> {
        struct Tls {
            hosts: Vec<String>,
            secret: String,
        }
        let mut entries: Vec<Tls> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for rule in &self.rules {
            let parts: Vec<&str> = rule.split(',').collect();
            if parts.len() != 2 {
                continue;
            }
            let host = rule.split('/').next().unwrap_or_default().to_string();
            let secret = parts[1].split('=').nth(1).unwrap_or_default().to_string();
            if seen.contains(&host) {
                continue;
            }
            if let Some(entry) = entries.iter_mut().find(|e| e.secret == secret) {
                entry.hosts.push(host.clone());
            } else {
                let hosts = if host.is_empty() {
                    vec![]
                } else {
                    vec![host.clone()]
                };
                if !secret.is_empty() || !hosts.is_empty() {
                    entries.push(Tls { hosts, secret });
                }
            }
            seen.insert(host);
        }
        entries
            .into_iter()
            .map(|e| {
                let mut m = Map::new();
                if !e.hosts.is_empty() {
                    m.insert("hosts".into(), json!(e.hosts));
                }
                if !e.secret.is_empty() {
                    m.insert("secretName".into(), json!(e.secret));
                }
                Value::Object(m)
            })
            .collect()
    }

    /// `spec.rules`: one rule per host, in first-seen order, its paths in
    /// the order given.
    fn ingress_rules(&self) -> Result<Vec<Value>> {
        let mut rules: Vec<(String, Vec<Value>)> = Vec::new();
        for rule in &self.rules {
            let without_tls = rule.split(',').next().unwrap_or_default();
            let (host, path_svc) = without_tls.split_once('/').unwrap_or((without_tls, ""));
            let path = http_path(path_svc).ok_or_else(|| {
                anyhow::anyhow!("rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]")
            })?;
            match rules.iter_mut().find(|(h, _)| h == host) {
                Some((_, paths)) => paths.push(path),
                None => rules.push((host.to_string(), vec![path])),
            }
        }
        Ok(rules
            .into_iter()
            .map(|(host, paths)| {
                let mut r = Map::new();
                if !host.is_empty() {
                    r.insert("host".into(), json!(host));
                }
                r.insert("http".into(), json!({ "paths": paths }));
                Value::Object(r)
            })
            .collect())
    }
}

/// One path: `path=svc:port`, with a trailing `*` meaning a Prefix match.
fn http_path(path_svc: &str) -> Option<Value> {
    let mut parts = path_svc.split('=');
    let mut path = format!("/{}", parts.next().unwrap_or_default());
    let service = parts.next()?;
    let path_type = match path.strip_suffix('*') {
        Some(stripped) => {
            path = stripped.to_string();
            "Prefix"
        }
        None => "Exact",
    };
    let mut p = Map::new();
    if !path.is_empty() {
        p.insert("path".into(), json!(path));
    }
    p.insert("pathType".into(), json!(path_type));
    p.insert("backend".into(), backend(service)?);
    Some(Value::Object(p))
}

/// `svc:port` as an IngressBackend: an int32 port is `number` (zero is
/// left out), anything else `name`; the service name is always written.
fn backend(service: &str) -> Option<Value> {
    let mut parts = service.split(':');
    let name = parts.next().unwrap_or_default();
    let port = parts.next()?;
    let mut port_value = Map::new();
    match go_atoi(port).and_then(|n| i32::try_from(n).ok()) {
        Some(n) if n != 0 => {
            port_value.insert("number".into(), json!(n));
        }
        Some(_) => {}
        // Numbers beyond int32 are names, as intstr.Parse reads them.
        None if !port.is_empty() => {
            port_value.insert("name".into(), json!(port));
        }
        None => {}
    }
    let mut svc = Map::new();
    svc.insert("name".into(), json!(name));
    svc.insert("port".into(), Value::Object(port_value));
    Some(json!({ "service": svc }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(rules: &[&str]) -> IngressSpec {
        IngressSpec {
            name: "i".into(),
            namespace: None,
            class: String::new(),
            rules: rules.iter().map(|r| r.to_string()).collect(),
            annotations: vec![],
            default_backend: String::new(),
        }
    }

    #[test]
    fn rule_grammar() {
        for ok in [
            "foo.com/a=s:80",
            "/=s:p",
            "*.x/=a:b,tls",
            "x/=a:b,junk",
            "/=a:b!",
        ] {
            assert!(spec(&[ok]).validate().is_ok(), "{ok}");
        }
        for bad in ["=a:b", "x=a:b", "x/=a", "x/=:80", "é/=a:b", "x/=é:1"] {
            assert!(spec(&[bad]).validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn tls_groups_hosts_by_secret() {
        let i = spec(&[
            "a/=s:1,tls=k",
            "b/=s:1,tls",
            "/=s:1,tls=k",
            "a/x=s:1,tls=other",
        ]);
        assert_eq!(
            Value::Array(i.tls()),
            json!([{"hosts": ["a", ""], "secretName": "k"}, {"hosts": ["b"]}])
        );
    }

    #[test]
    fn paths_of_one_host_merge() {
        let v = spec(&["a/x*=s:80", "b/=t:http", "a/y=u:1"])
            .build()
            .unwrap();
        let rules = &v["spec"]["rules"];
        assert_eq!(rules.as_array().unwrap().len(), 2);
        assert_eq!(rules[0]["http"]["paths"][0]["pathType"], "Prefix");
        assert_eq!(rules[0]["http"]["paths"][0]["path"], "/x");
        assert_eq!(rules[0]["http"]["paths"][1]["path"], "/y");
        assert_eq!(
            rules[1]["http"]["paths"][0]["backend"]["service"]["port"]["name"],
            "http"
        );
    }

    #[test]
    fn rules_kubectl_crashes_on_are_errors() {
        assert!(spec(&["a/b,c=d:1"]).build().is_err());
        assert!(spec(&["a/b=c=d:e"]).build().is_err());
    }
}
