//! `metadata.managedFields` as kubectl's server-side apply reads and rewrites
//! them (client-go's csaupgrade): who owns the last-applied annotation, and
//! the JSON patch that hands the fields of a client-side-apply manager over
//! to the server-side apply manager.

use serde_json::{json, Map, Value};

/// The field set path of the last-applied annotation.
const ANNOTATION_PATH: &[&str] = &[
    "f:metadata",
    "f:annotations",
    "f:kubectl.kubernetes.io/last-applied-configuration",
];

fn entries(obj: &Map<String, Value>) -> Vec<Value> {
    obj.get("metadata")
        .and_then(|m| m.get("managedFields"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn field(entry: &Value, key: &str) -> String {
    entry
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// Whether a `fieldsV1` set holds `path` as a member.
fn set_contains(set: &Value, path: &[&str]) -> bool {
    let mut node = set;
    for step in path {
        match node.get(*step) {
            Some(next) => node = next,
            None => return false,
        }
    }
    node.as_object()
        .is_some_and(|m| m.is_empty() || m.contains_key("."))
}

/// The managers with `operation` that own the last-applied annotation.
pub fn annotation_owners(obj: &Map<String, Value>, operation: &str) -> Vec<String> {
    entries(obj)
        .iter()
        .filter(|e| field(e, "operation") == operation)
        .filter(|e| {
            e.get("fieldsV1")
                .is_some_and(|set| set_contains(set, ANNOTATION_PATH))
        })
        .map(|e| field(e, "manager"))
        .collect()
}

/// The union of two field sets (their JSON trees merged).
fn union(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut out = x.clone();
            for (k, v) in y {
                let merged = match out.get(k) {
                    Some(existing) => union(existing, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Object(_), _) => a.clone(),
        _ => b.clone(),
    }
}

fn upgraded(mut list: Vec<Value>, csa: &str, ssa: &str) -> Vec<Value> {
    let is = |e: &Value, manager: &str, op: &str| {
        field(e, "manager") == manager
            && field(e, "operation") == op
            && field(e, "subresource").is_empty()
    };
    let target = match list.iter().position(|e| is(e, ssa, "Apply")) {
        Some(i) => i,
        None => {
            let Some(i) = list.iter().position(|e| is(e, csa, "Update")) else {
                return list;
            };
            if let Some(m) = list[i].as_object_mut() {
                m.insert("operation".into(), json!("Apply"));
                m.insert("manager".into(), json!(ssa));
            }
            i
        }
    };
    let api_version = field(&list[target], "apiVersion");
    let csa_set = list
        .iter()
        .find(|e| is(e, csa, "Update") && field(e, "apiVersion") == api_version)
        .and_then(|e| e.get("fieldsV1").cloned());
    if let Some(csa_set) = csa_set {
        let own = list[target]
            .get("fieldsV1")
            .cloned()
            .unwrap_or_else(|| json!({}));
        if let Some(m) = list[target].as_object_mut() {
            m.insert("fieldsV1".into(), union(&own, &csa_set));
        }
    }
    list.retain(|e| !is(e, csa, "Update"));
    list
}

/// The JSON patch moving the fields of `csa_managers` to `ssa_manager`, or
/// None when nothing changes.
pub fn upgrade_patch(
    obj: &Map<String, Value>,
    csa_managers: &[String],
    ssa_manager: &str,
) -> Option<Value> {
    let before = entries(obj);
    let mut after = before.clone();
    let mut names: Vec<&String> = csa_managers.iter().collect();
    names.sort();
    names.dedup();
    for name in names {
        after = upgraded(after, name, ssa_manager);
    }
    if after == before {
        return None;
    }
    let rv = obj
        .get("metadata")
        .and_then(|m| m.get("resourceVersion"))
        .cloned()
        .unwrap_or(Value::String(String::new()));
    let value = if after.is_empty() {
        Value::Null
    } else {
        Value::Array(after)
    };
    Some(json!([
        {"op": "replace", "path": "/metadata/managedFields", "value": value},
        {"op": "replace", "path": "/metadata/resourceVersion", "value": rv},
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj() -> Map<String, Value> {
        json!({"metadata": {"resourceVersion": "7", "managedFields": [
            {"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1",
             "fieldsV1": {"f:data": {"f:a": {}}, "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}}},
            {"manager": "kubectl", "operation": "Apply", "apiVersion": "v1",
             "fieldsV1": {"f:data": {"f:b": {}}}}
        ]}})
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn finds_owners_of_the_annotation() {
        assert_eq!(
            annotation_owners(&obj(), "Update"),
            vec!["kubectl-client-side-apply".to_string()]
        );
        assert!(annotation_owners(&obj(), "Apply").is_empty());
    }

    #[test]
    fn client_side_fields_move_to_the_apply_manager() {
        let patch =
            upgrade_patch(&obj(), &["kubectl-client-side-apply".into()], "kubectl").unwrap();
        assert_eq!(
            patch[0]["value"],
            json!([{"manager": "kubectl", "operation": "Apply", "apiVersion": "v1",
                "fieldsV1": {"f:data": {"f:b": {}, "f:a": {}}, "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}}}])
        );
        assert_eq!(patch[1]["value"], "7");
        assert!(upgrade_patch(&obj(), &["someone".into()], "kubectl").is_none());
    }
}
