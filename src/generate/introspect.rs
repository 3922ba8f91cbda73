//! What `expose` reads from the object it exposes (kubectl's
//! polymorphichelpers): whether the kind can be exposed, its pod selector,
//! the ports its containers (or a Service) declare, and their protocols.

use std::collections::BTreeMap;

use serde_json::Value;

/// The kinds kubectl exposes, as `(group, kind)`.
const EXPOSABLE: &[(&str, &str)] = &[
    ("", "ReplicationController"),
    ("", "Service"),
    ("", "Pod"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("extensions", "Deployment"),
    ("extensions", "ReplicaSet"),
];

/// `cannot expose a ConfigMap` / `cannot expose a StatefulSet.apps`.
pub fn can_be_exposed(group: &str, kind: &str) -> Result<(), String> {
    if EXPOSABLE.contains(&(group, kind)) {
        return Ok(());
    }
    if group.is_empty() {
        Err(format!("cannot expose a {kind}"))
    } else {
        Err(format!("cannot expose a {kind}.{group}"))
    }
}

fn kind_of(obj: &Value) -> (&str, &str) {
    let group = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('/').map(|(g, _)| g))
        .unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    (group, kind)
}

/// `k=v,k2=v2` from a string map (kubectl's `MakeLabels`).
pub fn make_labels(map: Option<&Value>) -> String {
    map.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// The pod selector of an exposable object, as `k=v,…`.
pub fn selector_for(obj: &Value) -> Result<String, String> {
    match kind_of(obj) {
        ("", "ReplicationController") => Ok(make_labels(obj.pointer("/spec/selector"))),
        ("", "Pod") => {
            let labels = obj.pointer("/metadata/labels");
            if labels
                .and_then(Value::as_object)
                .is_none_or(|m| m.is_empty())
            {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            Ok(make_labels(labels))
        }
        ("", "Service") => match obj.pointer("/spec/selector") {
            None | Some(Value::Null) => Err("the service has no pod selector set".into()),
            selector => Ok(make_labels(selector)),
        },
        ("apps", kind @ ("Deployment" | "ReplicaSet")) => {
            let selector = obj.pointer("/spec/selector");
            let labels = selector.and_then(|s| s.get("matchLabels"));
            if labels
                .and_then(Value::as_object)
                .is_none_or(|m| m.is_empty())
            {
                return Err(format!(
                    "invalid {}: no selectors, therefore cannot be exposed",
                    kind.to_lowercase()
                ));
            }
            check_expressions(selector)?;
            Ok(make_labels(labels))
        }
        ("extensions", kind @ ("Deployment" | "ReplicaSet")) => {
            // Old extensions objects fall back to the template's labels.
            let labels = match obj.pointer("/spec/selector") {
                Some(selector) if !selector.is_null() => {
                    check_expressions(Some(selector))?;
                    selector.get("matchLabels")
                }
                _ => obj.pointer("/spec/template/metadata/labels"),
            };
            if labels
                .and_then(Value::as_object)
                .is_none_or(|m| m.is_empty())
            {
                let what = if kind == "Deployment" {
                    "deployment"
                } else {
                    "replica set"
                };
                return Err(format!(
                    "the {what} has no labels or selectors and cannot be exposed"
                ));
            }
            Ok(make_labels(labels))
        }
        (_, kind) => Err(format!(
            "cannot extract pod selector from {}",
            go_type(kind)
        )),
    }
}

/// Set-based requirements cannot become a map selector; the message shows
/// them as Go's `%+v` does.
fn check_expressions(selector: Option<&Value>) -> Result<(), String> {
    let Some(exprs) = selector
        .and_then(|s| s.get("matchExpressions"))
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
    else {
        return Ok(());
    };
    let shown: Vec<String> = exprs
        .iter()
        .map(|e| {
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "{{Key:{} Operator:{} Values:[{}]}}",
                e.get("key").and_then(Value::as_str).unwrap_or(""),
                e.get("operator").and_then(Value::as_str).unwrap_or(""),
                values.join(" ")
            )
        })
        .collect();
    Err(format!(
        "couldn't convert expressions - \"[{}]\" to map-based selector format",
        shown.join(" ")
    ))
}

/// The pod spec an object carries (`Null` when it has none), or `None`
/// for a kind expose does not know.
fn pod_spec(obj: &Value) -> Option<&Value> {
    let spec = match kind_of(obj) {
        ("", "Pod") => obj.get("spec"),
        ("", "ReplicationController") | ("apps" | "extensions", "Deployment" | "ReplicaSet") => {
            obj.pointer("/spec/template/spec")
        }
        _ => return None,
    };
    Some(spec.unwrap_or(&Value::Null))
}

/// `(port, protocol)` of every container port, or of a Service's ports;
/// an empty protocol counts as TCP.
fn declared_ports(obj: &Value) -> Result<Vec<(String, String)>, String> {
    let entry = |p: &Value, field: &str| {
        let number = p.get(field).and_then(Value::as_i64).unwrap_or(0) as i32;
        let protocol = p
            .get("protocol")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or("TCP");
        (number.to_string(), protocol.to_string())
    };
    let (group, kind) = kind_of(obj);
    if (group, kind) == ("", "Service") {
        return Ok(obj
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .map(|ports| ports.iter().map(|p| entry(p, "port")).collect())
            .unwrap_or_default());
    }
    let Some(spec) = pod_spec(obj) else {
        return Err(go_type(kind));
    };
    let mut out = Vec::new();
    for container in spec
        .get("containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for port in container
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(entry(port, "containerPort"));
        }
    }
    Ok(out)
}

/// The distinct port numbers, in order.
pub fn ports_for(obj: &Value) -> Result<Vec<String>, String> {
    let declared = declared_ports(obj).map_err(|t| format!("cannot extract ports from {t}"))?;
    let mut out: Vec<String> = Vec::new();
    for (port, _) in declared {
        if !out.contains(&port) {
            out.push(port);
        }
    }
    Ok(out)
}

/// Every protocol declared for each port, in order.
pub fn protocols_for(obj: &Value) -> Result<BTreeMap<String, Vec<String>>, String> {
    let declared = declared_ports(obj).map_err(|t| format!("cannot extract protocols from {t}"))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (port, protocol) in declared {
        out.entry(port).or_default().push(protocol);
    }
    Ok(out)
}

/// How Go's `%T` names an unstructured or typed object in these messages.
fn go_type(kind: &str) -> String {
    format!("*v1.{kind}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(spec: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": spec})
    }

    #[test]
    fn exposable_kinds() {
        assert!(can_be_exposed("apps", "Deployment").is_ok());
        assert_eq!(
            can_be_exposed("", "ConfigMap").unwrap_err(),
            "cannot expose a ConfigMap"
        );
        assert_eq!(
            can_be_exposed("apps", "StatefulSet").unwrap_err(),
            "cannot expose a StatefulSet.apps"
        );
    }

    #[test]
    fn selectors() {
        let d = deployment(json!({"selector": {"matchLabels": {"b": "2", "a": "1"}}}));
        let s = selector_for(&d).unwrap();
        assert!(s == "a=1,b=2" || s == "b=2,a=1", "{s}");
        assert_eq!(
            selector_for(&deployment(json!({"selector": {}}))).unwrap_err(),
            "invalid deployment: no selectors, therefore cannot be exposed"
        );
        let exprs = deployment(json!({"selector": {"matchLabels": {"a": "1"},
            "matchExpressions": [{"key": "k", "operator": "In", "values": ["x", "y"]},
                                 {"key": "e", "operator": "Exists"}]}}));
        assert_eq!(
            selector_for(&exprs).unwrap_err(),
            "couldn't convert expressions - \"[{Key:k Operator:In Values:[x y]} {Key:e Operator:Exists Values:[]}]\" to map-based selector format"
        );
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {}});
        assert_eq!(
            selector_for(&pod).unwrap_err(),
            "the pod has no labels and cannot be exposed"
        );
        let svc = json!({"apiVersion": "v1", "kind": "Service", "spec": {}});
        assert_eq!(
            selector_for(&svc).unwrap_err(),
            "the service has no pod selector set"
        );
    }

    #[test]
    fn ports_and_protocols() {
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "spec": {"template": {"spec": {
        "containers": [
            {"ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]},
            {"ports": [{"containerPort": 53, "protocol": "TCP"}]}
        ]}}}});
        assert_eq!(ports_for(&rs).unwrap(), ["80", "53"]);
        let protocols = protocols_for(&rs).unwrap();
        assert_eq!(protocols["53"], ["UDP", "TCP"]);
        assert_eq!(protocols["80"], ["TCP"]);
        let svc = json!({"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"port": 443, "protocol": "SCTP"}]}});
        assert_eq!(ports_for(&svc).unwrap(), ["443"]);
        assert_eq!(protocols_for(&svc).unwrap()["443"], ["SCTP"]);
    }
}
