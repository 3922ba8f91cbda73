//! `run --overrides`: a JSON document applied to the generated Pod, as a
//! JSON merge patch (RFC 7396, the default) or a JSON patch (RFC 6902),
//! after which the result is read back as a Pod (unknown fields dropped,
//! Go's field order, kubectl's errors).

use anyhow::{bail, Result};
use serde_json::{Map, Value};

use super::typed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideType {
    Json,
    Merge,
}

impl OverrideType {
    pub fn parse(s: &str) -> Result<OverrideType> {
        match s {
            "json" => Ok(OverrideType::Json),
            "merge" | "" => Ok(OverrideType::Merge),
            // Strategic merge needs each field's merge strategy; kubectl
            // supports it, kuddle does not yet.
            "strategic" => bail!("--override-type=strategic is not supported by kuddle yet"),
            other => bail!("invalid override type: {other}"),
        }
    }
}

/// Applies `fragment` to `pod` (a Pod without kind/apiVersion, as `run`
/// builds it) and decodes the result as a Pod.
pub fn apply_overrides(pod: Value, fragment: &str, kind: OverrideType) -> Result<Value> {
    apply_overrides_as(pod, fragment, kind, "Pod")
}

/// Applies `fragment` to a generated core/v1 object of type `type_name`
/// (`Pod`, `Service`) and decodes the result as that type.
pub fn apply_overrides_as(
    obj: Value,
    fragment: &str,
    kind: OverrideType,
    type_name: &str,
) -> Result<Value> {
    let mut doc = Map::new();
    doc.insert("kind".into(), Value::String(type_name.into()));
    doc.insert("apiVersion".into(), Value::String("v1".into()));
    if let Value::Object(m) = obj {
        doc.extend(m);
    }
    let doc = Value::Object(doc);
    let patched = match kind {
        OverrideType::Merge => {
            let Ok(patch) = serde_json::from_str::<Value>(fragment) else {
                bail!("Invalid JSON Patch");
            };
            merge_patch(doc, &patch)
        }
        OverrideType::Json => {
            let Ok(Value::Array(ops)) = serde_json::from_str::<Value>(fragment) else {
                bail!("Invalid JSON Patch");
            };
            json_patch(doc, &ops)?
        }
    };
    decode_as(&patched, type_name)
}

/// RFC 7396: objects merge key by key, `null` deletes, anything else
/// replaces.
pub fn merge_patch(target: Value, patch: &Value) -> Value {
    let Value::Object(patch_map) = patch else {
        return patch.clone();
    };
    let mut target_map = match target {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    for (key, value) in patch_map {
        if value.is_null() {
            target_map.shift_remove(key);
        } else {
            let current = target_map.shift_remove(key).unwrap_or(Value::Null);
            target_map.insert(key.clone(), merge_patch(current, value));
        }
    }
    Value::Object(target_map)
}

/// RFC 6902 operations: add, remove, replace, move, copy, test.
fn json_patch(mut doc: Value, ops: &[Value]) -> Result<Value> {
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = op.get("path").and_then(Value::as_str);
        match kind {
            "add" | "replace" | "test" => {
                let Some(path) = path else {
                    bail!("{kind} operation missing path");
                };
                let Some(value) = op.get("value") else {
                    bail!("{kind} operation missing value");
                };
                match kind {
                    "add" => add(&mut doc, path, value.clone())?,
                    "replace" => {
                        remove(&mut doc, path)?;
                        add(&mut doc, path, value.clone())?;
                    }
                    _ => {
                        if doc.pointer(path) != Some(value) {
                            bail!("testing value {path} failed: test failed");
                        }
                    }
                }
            }
            "remove" => {
                let Some(path) = path else {
                    bail!("remove operation missing path");
                };
                remove(&mut doc, path)?;
            }
            "move" | "copy" => {
                let (Some(from), Some(path)) = (op.get("from").and_then(Value::as_str), path)
                else {
                    bail!("{kind} operation missing from or path");
                };
                let value = match doc.pointer(from) {
                    Some(v) => v.clone(),
                    None => {
                        bail!("{kind} operation does not apply: doc is missing from path: {from}")
                    }
                };
                if kind == "move" {
                    remove(&mut doc, from)?;
                }
                add(&mut doc, path, value)?;
            }
            other => bail!("Unexpected kind: {other}"),
        }
    }
    Ok(doc)
}

fn split_pointer(path: &str) -> Result<(String, String)> {
    let Some(idx) = path.rfind('/') else {
        bail!("add operation does not apply: doc is missing path: {path}");
    };
    let key = path[idx + 1..].replace("~1", "/").replace("~0", "~");
    Ok((path[..idx].to_string(), key))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<()> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, key) = split_pointer(path)?;
    match doc.pointer_mut(&parent) {
        Some(Value::Object(m)) => {
            m.insert(key, value);
        }
        Some(Value::Array(items)) => {
            if key == "-" {
                items.push(value);
            } else {
                match key.parse::<usize>() {
                    Ok(i) if i <= items.len() => items.insert(i, value),
                    _ => bail!("add operation does not apply: doc is missing path: {path}"),
                }
            }
        }
        _ => bail!("add operation does not apply: doc is missing path: {path}"),
    }
    Ok(())
}

fn remove(doc: &mut Value, path: &str) -> Result<()> {
    let (parent, key) = split_pointer(path)?;
    let removed = match doc.pointer_mut(&parent) {
        Some(Value::Object(m)) => m.shift_remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    };
    if !removed {
        bail!("remove operation does not apply: doc is missing path: {path}");
    }
    Ok(())
}

/// The decoder's view: kind and apiVersion must still name the v1 type.
fn decode_as(doc: &Value, type_name: &str) -> Result<Value> {
    let Value::Object(map) = doc else {
        bail!(
            "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}",
            match doc {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                _ => "null",
            }
        );
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
    let api_version = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind.is_empty() {
        bail!(
            "Object 'Kind' is missing in '{}'",
            crate::printers::json::to_string_compact(doc)
        );
    }
    if api_version != "v1" {
        bail!(
            "no kind {:?} is registered for version {:?} in scheme \"pkg/scheme/scheme.go:28\"",
            kind,
            api_version
        );
    }
    if kind != type_name {
        bail!("--overrides that change the kind to {kind:?} are not supported by kuddle yet");
    }
    typed::normalize(type_name, doc).map_err(anyhow::Error::msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Value {
        json!({"metadata": {"name": "web", "labels": {"run": "web"}},
               "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {}}],
                        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"},
               "status": {}})
    }

    #[test]
    fn merge_keeps_go_order() {
        let out = apply_overrides(
            pod(),
            r#"{"spec":{"hostNetwork":true,"restartPolicy":"Never"},"metadata":{"labels":null}}"#,
            OverrideType::Merge,
        )
        .unwrap();
        assert_eq!(
            crate::printers::json::to_string_compact(&out),
            r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web"},"spec":{"containers":[{"name":"web","image":"nginx","resources":{}}],"restartPolicy":"Never","dnsPolicy":"ClusterFirst","hostNetwork":true},"status":{}}"#
        );
    }

    #[test]
    fn errors() {
        let err = |f: &str, t| apply_overrides(pod(), f, t).unwrap_err().to_string();
        assert_eq!(err("nope", OverrideType::Merge), "Invalid JSON Patch");
        assert_eq!(
            err(r#"{"apiVersion":"v2"}"#, OverrideType::Merge),
            "no kind \"Pod\" is registered for version \"v2\" in scheme \"pkg/scheme/scheme.go:28\""
        );
        assert!(err("[1]", OverrideType::Merge).starts_with(
            "couldn't get version/kind; json parse error: json: cannot unmarshal array"
        ));
    }

    #[test]
    fn json_patch_ops() {
        let out = apply_overrides(
            pod(),
            r#"[{"op":"add","path":"/spec/hostname","value":"h"},{"op":"remove","path":"/metadata/labels"}]"#,
            OverrideType::Json,
        )
        .unwrap();
        assert_eq!(out["spec"]["hostname"], "h");
        assert!(out["metadata"].get("labels").is_none());
    }
}
