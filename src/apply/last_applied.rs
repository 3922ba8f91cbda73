//! The `kubectl.kubernetes.io/last-applied-configuration` annotation: what
//! kubectl stores on apply (the manifest as compact JSON with sorted keys and
//! a trailing newline, with an `annotations` map even when empty) and reads
//! back as the "original" side of the three-way merge.

use serde_json::{Map, Value};

use crate::printers::json::to_string_compact;

pub const ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// `runtime.Encode` of an unstructured object: compact JSON, keys sorted,
/// newline-terminated.
pub fn encode(obj: &Map<String, Value>) -> String {
    let mut v = Value::Object(obj.clone());
    crate::printers::sort_keys(&mut v);
    let mut s = to_string_compact(&v);
    s.push('\n');
    s
}

fn annotations(obj: &Map<String, Value>) -> Map<String, Value> {
    obj.get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
        .map(|a| {
            // GetAnnotations keeps only string values.
            a.iter()
                .filter(|(_, v)| v.is_string())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn set_annotations(obj: &mut Map<String, Value>, annots: Map<String, Value>) {
    let meta = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    if let Some(m) = meta.as_object_mut() {
        m.insert("annotations".into(), Value::Object(annots));
    }
}

/// The annotation of a live object, if it has one.
pub fn original(obj: &Map<String, Value>) -> Option<String> {
    annotations(obj)
        .get(ANNOTATION)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// kubectl's `GetModifiedConfiguration(obj, annotate=true)`: the manifest
/// encoded with the annotation set to the manifest without it. As kubectl
/// does, `obj` is left with an `annotations` map holding the annotation's
/// previous value (empty when there was none).
pub fn modified_configuration(obj: &mut Map<String, Value>) -> String {
    let mut annots = annotations(obj);
    let previous = annots
        .shift_remove(ANNOTATION)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    set_annotations(obj, annots.clone());
    let without = encode(obj);
    annots.insert(ANNOTATION.into(), Value::String(without));
    set_annotations(obj, annots.clone());
    let modified = encode(obj);
    annots.insert(ANNOTATION.into(), Value::String(previous));
    set_annotations(obj, annots);
    modified
}

/// kubectl's `CreateApplyAnnotation`: sets the annotation to the object
/// encoded without it.
pub fn create_annotation(obj: &mut Map<String, Value>) {
    let mut annots = annotations(obj);
    annots.shift_remove(ANNOTATION);
    set_annotations(obj, annots.clone());
    let without = encode(obj);
    annots.insert(ANNOTATION.into(), Value::String(without));
    set_annotations(obj, annots);
}

/// Drops null map values everywhere (kubectl does before creating).
pub fn prune_nulls(obj: &mut Map<String, Value>) {
    obj.retain(|_, v| !v.is_null());
    for v in obj.values_mut() {
        prune_value(v);
    }
}

fn prune_value(v: &mut Value) {
    match v {
        Value::Object(m) => prune_nulls(m),
        Value::Array(items) => items.iter_mut().for_each(prune_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn annotation_is_the_manifest_with_an_empty_annotations_map() {
        let mut obj = json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c", "namespace": "n"}, "data": {"a": "<b>"}})
            .as_object()
            .unwrap()
            .clone();
        let modified = modified_configuration(&mut obj);
        let expected_inner = "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"\\u003cb\\u003e\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"c\",\"namespace\":\"n\"}}\n";
        let m: Value = serde_json::from_str(&modified).unwrap();
        assert_eq!(m["metadata"]["annotations"][ANNOTATION], expected_inner);
        assert_eq!(obj["metadata"]["annotations"][ANNOTATION], "");
        create_annotation(&mut obj);
        assert_eq!(obj["metadata"]["annotations"][ANNOTATION], expected_inner);
    }

    #[test]
    fn nulls_are_pruned_recursively() {
        let mut obj = json!({"a": null, "b": {"c": null, "d": [{"e": null}]}})
            .as_object()
            .unwrap()
            .clone();
        prune_nulls(&mut obj);
        assert_eq!(Value::Object(obj), json!({"b": {"d": [{}]}}));
    }
}
