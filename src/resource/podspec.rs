//! The pod template inside an object, found per kind as kubectl's
//! polymorphic helpers find it (`UpdatePodSpecForObject`), containers
//! chosen by name with kubectl's `*` wildcard, and environment lists
//! merged as `set env` merges them.

use serde_json::{Map, Value};

use crate::generate::typed::go_type_name;
use crate::quantity::{Format, Quantity};

fn child<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    match entry {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

/// The path to the pod spec for the kinds that have one.
fn pod_spec_path(api_version: &str, kind: &str) -> Option<&'static [&'static str]> {
    Some(match (api_version, kind) {
        ("v1", "Pod") => &["spec"],
        ("v1", "ReplicationController")
        | ("apps/v1", "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet")
        | ("batch/v1", "Job") => &["spec", "template", "spec"],
        ("batch/v1", "CronJob") => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// The object's pod spec, made where the template is missing, or
/// kubectl's error naming the object's Go type.
pub fn pod_spec_mut(obj: &mut Value) -> Result<&mut Map<String, Value>, String> {
    let text = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (api_version, kind) = (text("apiVersion"), text("kind"));
    let path = pod_spec_path(&api_version, &kind).ok_or_else(|| {
        format!(
            "the object is not a pod or does not have a pod template: {}",
            go_type_name(&api_version, &kind)
        )
    })?;
    let Some(mut map) = obj.as_object_mut() else {
        return Err("the object is not a pod or does not have a pod template".into());
    };
    for key in path {
        map = child(map, key);
    }
    Ok(map)
}

/// Whether `name` matches `spec`, a name with `*` wildcards, by kubectl's
/// own (non-greedy, quirky) matching, faithfully.
pub fn select_string(name: &str, spec: &str) -> bool {
    if spec == "*" {
        return true;
    }
    if !spec.contains('*') {
        return name == spec;
    }
    let parts: Vec<&str> = spec.split('*').collect();
    let mut pos: isize = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        let rest = name.get(pos.max(0) as usize..).unwrap_or("");
        let next = rest.find(part).map(|n| n as isize).unwrap_or(-1);
        let last = i == parts.len() - 1;
        if next < pos
            || (i == 0 && pos != 0)
            || (last && name.len() as isize != part.len() as isize + next)
        {
            return false;
        }
        pos = next;
    }
    true
}

/// The indexes of the containers (in `containers`, then `initContainers`)
/// whose names match `spec`.
pub fn select_containers(
    spec_map: &Map<String, Value>,
    selector: &str,
) -> Vec<(&'static str, usize)> {
    let mut out = Vec::new();
    for field in ["containers", "initContainers"] {
        let list = spec_map.get(field).and_then(Value::as_array);
        for (i, c) in list.into_iter().flatten().enumerate() {
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            if select_string(name, selector) {
                out.push((field, i));
            }
        }
    }
    out
}

/// The container at an index [`select_containers`] gave.
pub fn container_mut<'a>(
    spec_map: &'a mut Map<String, Value>,
    (field, index): (&str, usize),
) -> Option<&'a mut Map<String, Value>> {
    spec_map
        .get_mut(field)?
        .as_array_mut()?
        .get_mut(index)?
        .as_object_mut()
}

fn env_name(e: &Value) -> &str {
    e.get("name").and_then(Value::as_str).unwrap_or("")
}

/// `updateEnv`: variables named in `remove` go, variables in `env` replace
/// those of the same name (once) or are appended, the rest stay.
pub fn update_env(existing: &[Value], env: &[Value], remove: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut covered: Vec<String> = remove.to_vec();
    for e in existing {
        let name = env_name(e);
        if covered.iter().any(|c| c == name) {
            continue;
        }
        if let Some(newer) = env.iter().find(|n| env_name(n) == name) {
            covered.push(name.to_string());
            out.push(newer.clone());
            continue;
        }
        out.push(e.clone());
    }
    for e in env {
        let name = env_name(e);
        if covered.iter().any(|c| c == name) {
            continue;
        }
        covered.push(name.to_string());
        out.push(e.clone());
    }
    out
}

/// `ExtractContainerResourceValue`: the container's limit or request a
/// `resourceFieldRef` names, in units of its divisor, rounded up.
pub fn container_resource_value(field_ref: &Value, container: &Value) -> Result<String, String> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let divisor = Quantity::parse_field(&text(field_ref, "divisor"))
        .ok()
        .filter(|q| !q.is_zero())
        .unwrap_or_else(|| Quantity::from_int(1, Format::DecimalSI));
    let resource = text(field_ref, "resource");
    let unsupported = || format!("Unsupported container resource : {resource}");
    let (section, name) = resource.split_once('.').ok_or_else(unsupported)?;
    if !matches!(section, "limits" | "requests") {
        return Err(unsupported());
    }
    let supported =
        matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-");
    if !supported {
        return Err(unsupported());
    }
    let amount = container
        .pointer(&format!("/resources/{section}/{name}"))
        .and_then(Value::as_str)
        .and_then(|q| Quantity::parse_field(q).ok())
        .unwrap_or_default();
    let ratio = if name == "cpu" {
        (amount.milli_value() as f64 / divisor.milli_value() as f64).ceil()
    } else {
        (amount.value() as f64 / divisor.value() as f64).ceil()
    };
    Ok(format!("{}", ratio as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_specs_per_kind() {
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {}});
        pod_spec_mut(&mut d).unwrap().insert("x".into(), json!(1));
        assert_eq!(d["spec"]["template"]["spec"]["x"], 1);
        let mut cj = json!({"apiVersion": "batch/v1", "kind": "CronJob"});
        assert!(pod_spec_mut(&mut cj).is_ok());
        assert!(cj.pointer("/spec/jobTemplate/spec/template/spec").is_some());
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap"});
        assert_eq!(
            pod_spec_mut(&mut cm).unwrap_err(),
            "the object is not a pod or does not have a pod template: *v1.ConfigMap"
        );
    }

    #[test]
    fn wildcards_as_kubectl_matches_them() {
        assert!(select_string("nginx", "*"));
        assert!(select_string("nginx", "nginx"));
        assert!(select_string("nginx", "ng*"));
        assert!(select_string("nginx", "*nx"));
        assert!(select_string("busybox", "busy*"));
        assert!(!select_string("nginx", "*ng"));
        // kubectl's matcher only looks for a leading part, anywhere.
        assert!(select_string("nginx", "x*"));
        // kubectl's matcher compares positions inside the rest of the name
        // with positions in the whole name.
        assert!(!select_string("abcabc", "a*c*c"));
        assert!(select_string("abc", "a*c"));
    }

    #[test]
    fn resource_field_values() {
        let c = json!({"resources": {"limits": {"cpu": "500m", "memory": "64Mi"}}});
        let value = |r: Value| container_resource_value(&r, &c);
        assert_eq!(
            value(json!({"resource": "limits.cpu", "divisor": "1m"})).unwrap(),
            "500"
        );
        assert_eq!(
            value(json!({"resource": "limits.memory", "divisor": "1Mi"})).unwrap(),
            "64"
        );
        assert_eq!(
            value(json!({"resource": "limits.cpu", "divisor": "0"})).unwrap(),
            "1"
        );
        assert_eq!(
            value(json!({"resource": "limits.gpu"})).unwrap_err(),
            "Unsupported container resource : limits.gpu"
        );
    }

    #[test]
    fn env_updates() {
        let existing = vec![
            json!({"name": "A", "value": "1"}),
            json!({"name": "B", "value": "2"}),
            json!({"name": "A", "value": "3"}),
        ];
        let env = vec![
            json!({"name": "A", "value": "9"}),
            json!({"name": "C", "value": "4"}),
        ];
        assert_eq!(
            update_env(&existing, &env, &["B".to_string()]),
            vec![
                json!({"name": "A", "value": "9"}),
                json!({"name": "C", "value": "4"})
            ]
        );
    }
}
