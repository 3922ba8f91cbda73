//! What an edit sends: the two-way patch from the object as it was to the
//! object as edited (strategic merge for kinds kubectl compiles in, JSON
//! merge for the others, refused when apiVersion, kind or name changed),
//! and the merge patch that rewrites a last-applied annotation.

use serde_json::{Map, Value};

use crate::apply::{jsonmerge, last_applied, openapi, strategic};
use crate::client::ApiClient;
use crate::resource::write::PatchType;
use crate::resource::Mapping;

/// kubectl's refusal when the edit renamed or retyped an object.
pub const IDENTITY_CHANGED: &str = "At least one of apiVersion, kind and name was changed";

/// Whether a patch leaves apiVersion, kind, name and managedFields alone
/// (kubectl's preconditions).
fn keeps_identity(patch: &Map<String, Value>) -> bool {
    !patch.contains_key("apiVersion")
        && !patch.contains_key("kind")
        && !patch.contains_key("managedFields")
        && !patch
            .get("metadata")
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key("name"))
}

/// The patch from `original` to `edited` for an object of `mapping`.
pub async fn two_way_patch(
    client: &ApiClient,
    openapi: &mut openapi::OpenApiV3,
    mapping: &Mapping,
    original: &Map<String, Value>,
    edited: &Map<String, Value>,
) -> anyhow::Result<(PatchType, Map<String, Value>)> {
    if crate::resource::infos::compiled_in(&mapping.group) {
        let doc = openapi
            .group_version(client, &mapping.group, &mapping.version)
            .await?;
        let schema = doc
            .as_deref()
            .and_then(|d| openapi::kind_schema(d, &mapping.group, &mapping.version, &mapping.kind));
        if let Some(schema) = schema {
            let patch = strategic::create_two_way_merge_patch(original, edited, &schema)
                .map_err(anyhow::Error::msg)?;
            if !keeps_identity(&patch) {
                anyhow::bail!(IDENTITY_CHANGED);
            }
            return Ok((PatchType::Strategic, patch));
        }
    }
    let patch = jsonmerge::merge_diff(original, edited);
    if !keeps_identity(&patch) {
        anyhow::bail!(IDENTITY_CHANGED);
    }
    Ok((PatchType::Merge, patch))
}

/// kubectl's `GetApplyPatch`: the merge patch that sets the object's
/// last-applied annotation to the object itself (compact JSON, as
/// `runtime.Encode` writes it, newline included).
pub fn last_applied_patch(obj: &Map<String, Value>) -> Map<String, Value> {
    let before = last_applied::encode(obj);
    let mut after = obj.clone();
    let meta = after
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    if let Some(meta) = meta.as_object_mut() {
        let annotations = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if !annotations.is_object() {
            *annotations = Value::Object(Map::new());
        }
        if let Some(a) = annotations.as_object_mut() {
            a.insert(last_applied::ANNOTATION.into(), Value::String(before));
        }
    }
    jsonmerge::merge_diff(obj, &after)
}

/// Go's `%#v` of an unstructured object, as kubectl quotes one it cannot
/// match: `&unstructured.Unstructured{Object:map[string]interface {}{…}}`.
pub fn go_syntax(obj: &Value) -> String {
    format!(
        "&unstructured.Unstructured{{Object:{}}}",
        crate::printers::gofmt::go_syntax(obj)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn annotation_patch_holds_the_object() {
        let obj = json!({"kind": "ConfigMap", "metadata": {"name": "c"}});
        let patch = last_applied_patch(obj.as_object().unwrap());
        assert_eq!(
            Value::Object(patch),
            json!({"metadata": {"annotations": {last_applied::ANNOTATION:
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}\n"}}})
        );
    }

    #[test]
    fn go_syntax_of_unstructured() {
        assert_eq!(
            go_syntax(&json!({"b": [1, "x", null], "a": {"t": true}})),
            "&unstructured.Unstructured{Object:map[string]interface {}{\"a\":map[string]interface {}{\"t\":true}, \"b\":[]interface {}{1, \"x\", interface {}(nil)}}}"
        );
    }

    #[test]
    fn identity_preconditions() {
        assert!(keeps_identity(
            json!({"data": {"a": "1"}}).as_object().unwrap()
        ));
        assert!(!keeps_identity(json!({"kind": "X"}).as_object().unwrap()));
        assert!(!keeps_identity(
            json!({"metadata": {"name": "y"}}).as_object().unwrap()
        ));
    }
}
