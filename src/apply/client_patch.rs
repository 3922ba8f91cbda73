//! A patch applied on the client, as `kubectl patch --local` and
//! `--dry-run=client` apply it: JSON patches and JSON merge patches to any
//! object, strategic merge patches to the kinds kubectl compiles in (their
//! patch metadata from [`super::patchmeta`]).

use serde_json::{Map, Value};

use super::jsonpatch;
use super::patchmeta::StructLookup;
use super::strategic::strategic_merge_patch;
use crate::resource::write::PatchType;

/// `apiVersion` and `kind` as Go prints a GroupVersionKind:
/// `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`.
fn gvk_string(obj: &Value) -> String {
    let api_version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    format!("{group}/{version}, Kind={kind}")
}

/// Applies `patch` (JSON text) to `original`; the patched object, or the
/// error kubectl gives.
pub fn apply_patch(patch_type: PatchType, original: &Value, patch: &[u8]) -> Result<Value, String> {
    let patched = match patch_type {
        PatchType::Json => {
            let patch: Value = serde_json::from_slice(patch).map_err(|e| e.to_string())?;
            let ops = jsonpatch::decode(&patch)?;
            jsonpatch::apply(original.clone(), &ops).map_err(|e| match e.find("key:") {
                Some(at) if e.contains("doc is missing key") => format!(
                    "Object to be patched is missing field ({})",
                    e.get(at + 5..).unwrap_or_default()
                ),
                _ => e,
            })?
        }
        PatchType::Merge => match serde_json::from_slice::<Value>(patch) {
            Ok(p @ Value::Object(_)) => super::jsonmerge::merge_patch(original.clone(), &p),
            Ok(Value::Array(items)) => Value::Array(items),
            _ => return Err("Invalid JSON Patch".into()),
        },
        PatchType::Strategic => {
            let Some(schema) = StructLookup::for_kind(
                original
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                original
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ) else {
                return Err(format!(
                    "strategic merge patch is not supported for {} locally, try --type merge",
                    gvk_string(original)
                ));
            };
            let patch = match serde_json::from_slice::<Value>(patch) {
                Ok(Value::Object(p)) => p,
                Ok(Value::Null) => Map::new(),
                _ => return Err("invalid JSON document".into()),
            };
            let original = original.as_object().cloned().unwrap_or_default();
            Value::Object(strategic_merge_patch(original, patch, &schema)?)
        }
        PatchType::Apply => {
            return Err(format!(
                "unknown Content-Type header for patch: {}",
                patch_type.content_type()
            ))
        }
    };
    decode_unstructured(patched)
}

/// What the unstructured decoder accepts: an object with a kind.
fn decode_unstructured(obj: Value) -> Result<Value, String> {
    match &obj {
        Value::Object(map) => {
            if map
                .get("kind")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(format!(
                    "Object 'Kind' is missing in '{}'",
                    crate::printers::json::to_string_compact(&obj)
                ));
            }
            Ok(obj)
        }
        Value::Array(_) => {
            Err("json: cannot unmarshal array into Go value of type unstructured.detector".into())
        }
        _ => Err("couldn't get version/kind; json parse error".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"spec": {"containers": [
                {"name": "a", "image": "nginx"}, {"name": "b", "image": "busybox"}]}}}})
    }

    #[test]
    fn strategic_merges_lists_by_key() {
        let patched = apply_patch(
            PatchType::Strategic,
            &deployment(),
            br#"{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"x"}]}}}}"#,
        )
        .unwrap();
        assert_eq!(
            patched.pointer("/spec/template/spec/containers"),
            Some(&json!([{"name": "a", "image": "nginx"}, {"name": "b", "image": "x"}]))
        );
        let custom = json!({"apiVersion": "example.com/v1", "kind": "Widget"});
        assert_eq!(
            apply_patch(PatchType::Strategic, &custom, b"{}").unwrap_err(),
            "strategic merge patch is not supported for example.com/v1, Kind=Widget locally, try --type merge"
        );
        assert_eq!(
            apply_patch(PatchType::Strategic, &deployment(), b"[1]").unwrap_err(),
            "invalid JSON document"
        );
    }

    #[test]
    fn merge_and_json_patches() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        let patched = apply_patch(PatchType::Merge, &cm, br#"{"data":{"a":"b"}}"#).unwrap();
        assert_eq!(patched["data"]["a"], "b");
        assert_eq!(
            apply_patch(PatchType::Merge, &cm, br#""x""#).unwrap_err(),
            "Invalid JSON Patch"
        );
        assert_eq!(
            apply_patch(PatchType::Merge, &cm, b"[1]").unwrap_err(),
            "json: cannot unmarshal array into Go value of type unstructured.detector"
        );
        assert_eq!(
            apply_patch(PatchType::Json, &cm, br#"[{"op":"remove","path":"/x"}]"#).unwrap_err(),
            "error in remove for path: '/x': Unable to remove nonexistent key: x: missing value"
        );
    }
}
