//! `expose`: the Service for an existing object. Whatever the flags leave
//! open (selector, ports, protocols, labels) is read from the object; like
//! kubectl, what was read for one object carries over to the next one when
//! several are exposed at once.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Map, Value};

use super::introspect::{make_labels, ports_for, protocols_for, selector_for};
use super::pod::parse_labels;
use super::string_map;
use crate::flags::go_values::go_quote;

/// A Service name may be a DNS-1035 label at most this long.
const NAME_MAX: usize = 63;

/// The flags that shape the Service.
#[derive(Debug, Clone, Default)]
pub struct ExposeFlags {
    pub name: String,
    pub port: String,
    pub protocol: String,
    pub target_port: String,
    pub service_type: String,
    pub load_balancer_ip: String,
    pub selector: String,
    pub labels: String,
    pub external_ip: String,
    pub session_affinity: String,
    pub cluster_ip: String,
}

/// kubectl's options struct as `expose` fills it in, object by object.
#[derive(Debug, Clone)]
pub struct ExposeState {
    pub flags: ExposeFlags,
    selector: String,
    /// The one port (from `--port`, or an object with one port).
    port: String,
    /// Several ports of an object, comma-separated; wins over `port`.
    ports: String,
    labels: String,
    /// Protocols per port, once an object declared any.
    protocols: Option<BTreeMap<String, Vec<String>>>,
    default_name: String,
}

impl ExposeState {
    pub fn new(flags: ExposeFlags) -> ExposeState {
        ExposeState {
            selector: flags.selector.clone(),
            port: flags.port.clone(),
            ports: String::new(),
            labels: flags.labels.clone(),
            protocols: None,
            default_name: String::new(),
            flags,
        }
    }

    /// Reads what the flags left open from the exposed object `obj`
    /// (named `name`).
    pub fn observe(&mut self, name: &str, obj: &Value) -> Result<()> {
        let mut cut = NAME_MAX.min(name.len());
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        self.default_name = name[..cut].to_string();
        if self.selector.is_empty() {
            self.selector = selector_for(obj).map_err(|e| {
                anyhow!("couldn't retrieve selectors via --selector flag or introspection: {e}")
            })?;
        }
        let headless = self.flags.cluster_ip == "None";
        if self.port.is_empty() {
            let ports = ports_for(obj)
                .map_err(|e| anyhow!("couldn't find port via --port flag or introspection: {e}"))?;
            match ports.len() {
                0 if !headless => bail!("couldn't find port via --port flag or introspection"),
                0 => {}
                1 => self.port = ports[0].clone(),
                _ => self.ports = ports.join(","),
            }
        }
        let protocols = protocols_for(obj)
            .map_err(|e| anyhow!("couldn't find protocol via introspection: {e}"))?;
        if protocols.values().any(|p| !p.is_empty()) {
            self.protocols = Some(protocols);
        }
        if self.labels.is_empty() {
            self.labels = make_labels(obj.pointer("/metadata/labels"));
        }
        Ok(())
    }

    /// The Service, in the Go type's field order, without a namespace.
    pub fn service(&self) -> Result<Value> {
        let flags = &self.flags;
        if self.selector.is_empty() {
            bail!("selector must be specified");
        }
        let selector = parse_labels(&self.selector)?;
        let labels = if self.labels.is_empty() {
            BTreeMap::new()
        } else {
            parse_labels(&self.labels)?
        };
        let name = if flags.name.is_empty() {
            &self.default_name
        } else {
            &flags.name
        };
        if name.is_empty() {
            bail!("name must be specified");
        }
        let port_list = if self.ports.is_empty() {
            &self.port
        } else {
            &self.ports
        };
        let mut ports: Vec<Map<String, Value>> = Vec::new();
        if !port_list.is_empty() {
            let specs: Vec<&str> = port_list.split(',').collect();
            for (i, spec) in specs.iter().enumerate() {
                let port = atoi(spec)? as i32;
                let port_name = if specs.len() > 1 {
                    format!("port-{}", i + 1)
                } else {
                    String::new()
                };
                let mut protocol = flags.protocol.clone();
                match &self.protocols {
                    None if protocol.is_empty() => protocol = "TCP".into(),
                    Some(map) if protocol.is_empty() => {
                        protocol = "TCP".into();
                        if let Some(declared) = map.get(*spec) {
                            if declared.len() == 1 {
                                protocol = declared[0].clone();
                            } else {
                                // One port declared with several protocols:
                                // an entry for each.
                                for p in declared {
                                    ports.push(service_port(
                                        &format!("port-{}-{}", i + 1, p.to_lowercase()),
                                        p,
                                        port,
                                    ));
                                }
                                continue;
                            }
                        }
                    }
                    _ => {}
                }
                ports.push(service_port(&port_name, &protocol, port));
            }
        }
        let target = if flags.target_port.is_empty() {
            None
        } else {
            Some(int_or_string(&flags.target_port))
        };
        for p in ports.iter_mut() {
            let value = match &target {
                Some(t) => t.clone(),
                None => p.get("port").cloned().unwrap_or(json!(0)),
            };
            p.insert("targetPort".into(), value);
        }

        let mut spec = Map::new();
        if !ports.is_empty() {
            spec.insert(
                "ports".into(),
                Value::Array(ports.into_iter().map(Value::Object).collect()),
            );
        }
        spec.insert("selector".into(), string_map(&selector));
        if !flags.cluster_ip.is_empty() {
            spec.insert("clusterIP".into(), json!(flags.cluster_ip));
        }
        if !flags.service_type.is_empty() {
            spec.insert("type".into(), json!(flags.service_type));
        }
        if !flags.external_ip.is_empty() {
            spec.insert("externalIPs".into(), json!([flags.external_ip]));
        }
        match flags.session_affinity.as_str() {
            "" => {}
            "None" | "ClientIP" => {
                spec.insert("sessionAffinity".into(), json!(flags.session_affinity));
            }
            other => bail!("unknown session affinity: {other}"),
        }
        if flags.service_type == "LoadBalancer" && !flags.load_balancer_ip.is_empty() {
            spec.insert("loadBalancerIP".into(), json!(flags.load_balancer_ip));
        }
        // Go's field order within ServiceSpec.
        let order = [
            "ports",
            "selector",
            "clusterIP",
            "type",
            "externalIPs",
            "sessionAffinity",
            "loadBalancerIP",
        ];
        let mut ordered = Map::new();
        for key in order {
            if let Some(v) = spec.shift_remove(key) {
                ordered.insert(key.into(), v);
            }
        }
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(name));
        if !labels.is_empty() {
            metadata.insert("labels".into(), string_map(&labels));
        }
        Ok(json!({
            "kind": "Service",
            "apiVersion": "v1",
            "metadata": metadata,
            "spec": ordered,
            "status": { "loadBalancer": {} }
        }))
    }
}

/// One `spec.ports` entry before its target port is known.
fn service_port(name: &str, protocol: &str, port: i32) -> Map<String, Value> {
    let mut p = Map::new();
    if !name.is_empty() {
        p.insert("name".into(), json!(name));
    }
    if !protocol.is_empty() {
        p.insert("protocol".into(), json!(protocol));
    }
    p.insert("port".into(), json!(port));
    p
}

/// `intstr.Parse`: a number when Go's Atoi reads one (cut to 32 bits),
/// else the string.
fn int_or_string(s: &str) -> Value {
    match atoi(s) {
        Ok(n) => json!(n as i32),
        Err(_) => json!(s),
    }
}

/// Go's `strconv.Atoi` with its error text.
fn atoi(s: &str) -> Result<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        bail!("strconv.Atoi: parsing {}: invalid syntax", go_quote(s));
    }
    s.parse::<i64>()
        .map_err(|_| anyhow!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(v: &Value) -> String {
        crate::printers::json::to_string_compact(v)
    }

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "labels": {"app": "web"}},
               "spec": {"selector": {"matchLabels": {"app": "web"}},
                        "template": {"spec": {"containers": [{"ports": [
                            {"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"},
                            {"containerPort": 53, "protocol": "TCP"}]}]}}}})
    }

    #[test]
    fn ports_named_and_protocols_inferred() {
        let mut state = ExposeState::new(ExposeFlags::default());
        state.observe("web", &deployment()).unwrap();
        assert_eq!(
            compact(&state.service().unwrap()),
            r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"ports":[{"name":"port-1","protocol":"TCP","port":80,"targetPort":80},{"name":"port-2-udp","protocol":"UDP","port":53,"targetPort":53},{"name":"port-2-tcp","protocol":"TCP","port":53,"targetPort":53}],"selector":{"app":"web"}},"status":{"loadBalancer":{}}}"#
        );
    }

    #[test]
    fn flags_win() {
        let flags = ExposeFlags {
            name: "svc".into(),
            port: "8080".into(),
            protocol: "SCTP".into(),
            target_port: "http".into(),
            service_type: "LoadBalancer".into(),
            load_balancer_ip: "1.2.3.4".into(),
            selector: "x=y".into(),
            labels: "a=b".into(),
            external_ip: "5.6.7.8".into(),
            session_affinity: "ClientIP".into(),
            cluster_ip: "None".into(),
        };
        let mut state = ExposeState::new(flags);
        state.observe("web", &deployment()).unwrap();
        assert_eq!(
            compact(&state.service().unwrap()),
            r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"svc","labels":{"a":"b"}},"spec":{"ports":[{"protocol":"SCTP","port":8080,"targetPort":"http"}],"selector":{"x":"y"},"clusterIP":"None","type":"LoadBalancer","externalIPs":["5.6.7.8"],"sessionAffinity":"ClientIP","loadBalancerIP":"1.2.3.4"},"status":{"loadBalancer":{}}}"#
        );
    }

    #[test]
    fn errors_in_kubectl_words() {
        let mut state = ExposeState::new(ExposeFlags {
            port: "abc".into(),
            ..Default::default()
        });
        state.observe("web", &deployment()).unwrap();
        assert_eq!(
            state.service().unwrap_err().to_string(),
            "strconv.Atoi: parsing \"abc\": invalid syntax"
        );
        let mut state = ExposeState::new(ExposeFlags::default());
        let no_ports = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"run": "p"}}, "spec": {}});
        assert_eq!(
            state.observe("p", &no_ports).unwrap_err().to_string(),
            "couldn't find port via --port flag or introspection"
        );
        let mut state = ExposeState::new(ExposeFlags {
            port: "80".into(),
            session_affinity: "Sticky".into(),
            ..Default::default()
        });
        state.observe("p", &no_ports).unwrap();
        assert_eq!(
            state.service().unwrap_err().to_string(),
            "unknown session affinity: Sticky"
        );
    }

    #[test]
    fn long_names_are_cut_to_a_label() {
        let mut state = ExposeState::new(ExposeFlags {
            port: "80".into(),
            ..Default::default()
        });
        let long = "a".repeat(70);
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"run": "p"}}});
        state.observe(&long, &pod).unwrap();
        assert_eq!(state.service().unwrap()["metadata"]["name"], "a".repeat(63));
    }
}
