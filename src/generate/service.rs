//! Services: `create service clusterip|nodeport|loadbalancer|externalname`
//! and the one `run --expose` adds next to its Pod.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::{json, Map, Value};

use super::validation::{go_atoi, parse_port_number, port_name_errors, port_num_errors};
use super::{object_meta, string_map};

/// A Service port's `targetPort`: a number or a named container port.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetPort {
    Number(i32),
    Name(String),
}

impl TargetPort {
    fn to_value(&self) -> Value {
        match self {
            TargetPort::Number(n) => json!(n),
            TargetPort::Name(s) => json!(s),
        }
    }
}

/// One entry of `spec.ports`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePort {
    pub name: String,
    pub port: i32,
    pub target_port: TargetPort,
    pub node_port: i32,
}

impl ServicePort {
    /// `--tcp PORT[:TARGET]`: the port must be 0..=65535; a numeric target
    /// 1..=65535, anything else a valid port name. The port's name is the
    /// spec with `:` turned into `-`.
    pub fn parse_tcp(spec: &str, node_port: i32) -> Result<ServicePort> {
        let mut parts = spec.split(':');
        let first = parts.next().unwrap_or_default();
        let port = i32::from(parse_port_number(first).map_err(anyhow::Error::msg)?);
        let target_port = match parts.next() {
            None => TargetPort::Number(port),
            Some(target) => match go_atoi(target) {
                Some(n) => {
                    let errs = port_num_errors(n);
                    if !errs.is_empty() {
                        bail!("{}", errs.join(","));
                    }
                    TargetPort::Number(n as i32)
                }
                None => {
                    let errs = port_name_errors(target);
                    if !errs.is_empty() {
                        bail!("{}", errs.join(","));
                    }
                    TargetPort::Name(target.to_string())
                }
            },
        };
        Ok(ServicePort {
            name: spec.replace(':', "-"),
            port,
            target_port,
            node_port,
        })
    }

    fn to_value(&self) -> Value {
        let mut p = Map::new();
        if !self.name.is_empty() {
            p.insert("name".into(), json!(self.name));
        }
        p.insert("protocol".into(), json!("TCP"));
        p.insert("port".into(), json!(self.port));
        p.insert("targetPort".into(), self.target_port.to_value());
        if self.node_port != 0 {
            p.insert("nodePort".into(), json!(self.node_port));
        }
        Value::Object(p)
    }
}

/// Everything a generated Service can carry.
#[derive(Debug, Clone, Default)]
pub struct ServiceSpec {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub selector: BTreeMap<String, String>,
    pub ports: Vec<ServicePort>,
    pub cluster_ip: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`, or empty.
    pub service_type: String,
    pub external_name: String,
}

impl ServiceSpec {
    pub fn build(&self) -> Value {
        let mut spec = Map::new();
        if !self.ports.is_empty() {
            spec.insert(
                "ports".into(),
                Value::Array(self.ports.iter().map(ServicePort::to_value).collect()),
            );
        }
        if !self.selector.is_empty() {
            spec.insert("selector".into(), string_map(&self.selector));
        }
        if !self.cluster_ip.is_empty() {
            spec.insert("clusterIP".into(), json!(self.cluster_ip));
        }
        if !self.service_type.is_empty() {
            spec.insert("type".into(), json!(self.service_type));
        }
        if !self.external_name.is_empty() {
            spec.insert("externalName".into(), json!(self.external_name));
        }
        json!({
            "kind": "Service",
            "apiVersion": "v1",
            "metadata": object_meta(&self.name, self.namespace.as_deref(), &self.labels, &BTreeMap::new()),
            "spec": spec,
            "status": { "loadBalancer": {} }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_specs() {
        let p = ServicePort::parse_tcp("80:http", 0).unwrap();
        assert_eq!(p.name, "80-http");
        assert_eq!(p.target_port, TargetPort::Name("http".into()));
        let p = ServicePort::parse_tcp("1:+2:3", 5).unwrap();
        assert_eq!(
            (p.port, p.target_port, p.node_port),
            (1, TargetPort::Number(2), 5)
        );
        assert_eq!(
            ServicePort::parse_tcp("80:", 0).unwrap_err().to_string(),
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-),must contain at least one letter (a-z)"
        );
        assert_eq!(
            ServicePort::parse_tcp("80:0", 0).unwrap_err().to_string(),
            "must be between 1 and 65535, inclusive"
        );
        assert_eq!(
            ServicePort::parse_tcp("", 0).unwrap_err().to_string(),
            "strconv.ParseUint: parsing \"\": invalid syntax"
        );
    }
}
