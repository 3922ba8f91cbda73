//! Pure functions from flags to objects (`run`, `create …`, `expose`). The
//! objects keep the field order of the Go types kubectl serializes, so JSON
//! output matches byte for byte, and leave out what Go's `omitempty` leaves
//! out. Maps (labels, selectors, annotations) are `BTreeMap`s because Go
//! writes map keys sorted.

pub mod configmap;
pub mod cronjob;
pub mod debug;
pub mod deployment;
pub mod expose;
pub mod hash;
pub mod hpa;
pub mod ingress;
pub mod introspect;
pub mod job;
pub mod namespace;
pub mod overrides;
pub mod pdb;
pub mod pod;
pub mod priorityclass;
pub mod quota;
pub mod role;
pub mod rolebinding;
pub mod secret;
pub mod service;
pub mod serviceaccount;
pub mod sources;
pub mod token;
pub mod typed;
pub mod validation;
pub mod x509;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The annotation `kubectl apply` keeps the last applied configuration in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// A `map[string]string` as Go writes it (keys sorted).
pub fn string_map(map: &BTreeMap<String, String>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The ObjectMeta fields generators set, in ObjectMeta's order; empty maps
/// and an empty namespace are left out as `omitempty` does.
pub fn object_meta(
    name: &str,
    namespace: Option<&str>,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Value {
    let mut meta = Map::new();
    if !name.is_empty() {
        meta.insert("name".into(), Value::String(name.to_string()));
    }
    if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
        meta.insert("namespace".into(), Value::String(ns.to_string()));
    }
    if !labels.is_empty() {
        meta.insert("labels".into(), string_map(labels));
    }
    if !annotations.is_empty() {
        meta.insert("annotations".into(), string_map(annotations));
    }
    Value::Object(meta)
}

/// kubectl's `CreateOrUpdateAnnotation` (`--save-config`): with `create`,
/// or when the object already carries a non-empty annotation, store the
/// object's own compact JSON (without that annotation, newline-terminated)
/// in `metadata.annotations`.
pub fn save_config(obj: &mut Value, create: bool) {
    let existing = obj
        .pointer(&format!(
            "/metadata/annotations/{}",
            LAST_APPLIED.replace('/', "~1")
        ))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if !create && !existing {
        return;
    }
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let mut annotations: BTreeMap<String, String> = meta
        .get("annotations")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    annotations.remove(LAST_APPLIED);
    set_annotations(meta, &annotations);
    let mut encoded = crate::printers::json::to_string_compact(obj);
    encoded.push('\n');
    annotations.insert(LAST_APPLIED.to_string(), encoded);
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        set_annotations(meta, &annotations);
    }
}

/// Sets `annotations` in ObjectMeta's field order (after `labels`, before
/// everything that follows it), or removes it when empty.
fn set_annotations(meta: &mut Map<String, Value>, annotations: &BTreeMap<String, String>) {
    const AFTER: &[&str] = &["ownerReferences", "finalizers", "managedFields"];
    meta.shift_remove("annotations");
    if annotations.is_empty() {
        return;
    }
    let position = meta
        .keys()
        .position(|k| AFTER.contains(&k.as_str()))
        .unwrap_or(meta.len());
    meta.shift_insert(position, "annotations".into(), string_map(annotations));
}

/// kubectl's `utilrand.String`: lower-case consonants and digits.
pub fn random_suffix(n: usize) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..n)
        .map(|_| ALPHANUMS[fastrand::usize(..ALPHANUMS.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn meta_leaves_out_empty_fields() {
        let labels = BTreeMap::from([("b".to_string(), "1".to_string()), ("a".into(), "2".into())]);
        let meta = object_meta("x", Some(""), &labels, &BTreeMap::new());
        assert_eq!(
            crate::printers::json::to_string_compact(&meta),
            r#"{"name":"x","labels":{"a":"2","b":"1"}}"#
        );
    }

    #[test]
    fn save_config_embeds_the_object() {
        let mut obj =
            json!({"kind": "X", "metadata": {"name": "n", "labels": {"a": "b"}}, "spec": {}});
        save_config(&mut obj, true);
        assert_eq!(
            obj["metadata"]["annotations"][LAST_APPLIED],
            "{\"kind\":\"X\",\"metadata\":{\"name\":\"n\",\"labels\":{\"a\":\"b\"}},\"spec\":{}}\n"
        );
        let keys: Vec<&String> = obj["metadata"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "labels", "annotations"]);
        // Without --save-config, an existing annotation is refreshed.
        let mut obj =
            json!({"metadata": {"name": "n", "annotations": {LAST_APPLIED: "old", "z": "1"}}});
        save_config(&mut obj, false);
        assert_eq!(
            obj["metadata"]["annotations"][LAST_APPLIED],
            "{\"metadata\":{\"name\":\"n\",\"annotations\":{\"z\":\"1\"}}}\n"
        );
        let mut untouched = json!({"metadata": {"name": "n"}});
        save_config(&mut untouched, false);
        assert_eq!(untouched, json!({"metadata": {"name": "n"}}));
    }
}
