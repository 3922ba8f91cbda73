//! The server's OpenAPI v3 documents, where kubectl finds each field's patch
//! merge key and strategy (`x-kubernetes-patch-merge-key`,
//! `x-kubernetes-patch-strategy`) and whether a kind takes strategic merge
//! patches at all (custom resources do not).
//!
//! The documents come from [`crate::openapi::OpenApiV3`], fetched once per
//! invocation and kept in kubectl's HTTP cache.

use serde_json::Value;

use super::strategic::{PatchMeta, PatchMetaLookup};
pub use crate::openapi::OpenApiV3;

fn gvk_matches(ext: &Value, group: &str, version: &str, kind: &str) -> bool {
    ext.get("group").and_then(Value::as_str).unwrap_or("") == group
        && ext.get("version").and_then(Value::as_str).unwrap_or("") == version
        && ext.get("kind").and_then(Value::as_str).unwrap_or("") == kind
}

/// Whether the PATCH operation for this kind accepts strategic merge patches.
pub fn supports_strategic_merge(doc: &Value, group: &str, version: &str, kind: &str) -> bool {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return false;
    };
    for path in paths.values() {
        let Some(patch) = path.get("patch") else {
            continue;
        };
        let Some(ext) = patch.get("x-kubernetes-group-version-kind") else {
            continue;
        };
        if gvk_matches(ext, group, version, kind) {
            return patch
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .is_some_and(|c| c.contains_key("application/strategic-merge-patch+json"));
        }
    }
    false
}

/// The root schema of a kind: the component whose
/// `x-kubernetes-group-version-kind` list names it.
pub fn kind_schema<'a>(
    doc: &'a Value,
    group: &str,
    version: &str,
    kind: &str,
) -> Option<SchemaLookup<'a>> {
    let schemas = doc.pointer("/components/schemas")?.as_object()?;
    for schema in schemas.values() {
        let listed = schema
            .get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|e| gvk_matches(e, group, version, kind)));
        if listed {
            return Some(SchemaLookup {
                schemas: Some(schemas),
                schema: Some(schema),
            });
        }
    }
    None
}

/// A position in an OpenAPI v3 schema, for patch metadata look-ups
/// (apimachinery's `PatchMetaFromOpenAPIV3`).
#[derive(Debug, Clone, Copy)]
pub struct SchemaLookup<'a> {
    schemas: Option<&'a serde_json::Map<String, Value>>,
    schema: Option<&'a Value>,
}

impl<'a> SchemaLookup<'a> {
    fn traverse(&self, key: &str) -> Result<SchemaLookup<'a>, String> {
        let Some(schema) = self.schema else {
            return Ok(SchemaLookup {
                schemas: None,
                schema: None,
            });
        };
        let props = schema.get("properties").and_then(Value::as_object);
        match props.and_then(|p| if p.is_empty() { None } else { Some(p) }) {
            None => Err(format!("unable to find api field \"{key}\"")),
            Some(p) => match p.get(key) {
                Some(sub) => Ok(SchemaLookup {
                    schemas: self.schemas,
                    schema: Some(sub),
                }),
                None => Err(format!("unable to find api field \"{key}\"")),
            },
        }
    }

    fn meta(&self) -> PatchMeta {
        let mut meta = PatchMeta::default();
        if let Some(s) = self.schema {
            if let Some(k) = s
                .get("x-kubernetes-patch-merge-key")
                .and_then(Value::as_str)
            {
                meta.merge_key = k.to_string();
            }
            if let Some(st) = s.get("x-kubernetes-patch-strategy").and_then(Value::as_str) {
                meta.strategies = st.split(',').map(str::to_string).collect();
            }
        }
        meta
    }

    fn resolve(mut self) -> Result<SchemaLookup<'a>, String> {
        let Some(mut schema) = self.schema else {
            return Ok(self);
        };
        if let Some(first) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            schema = first;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/components/schemas/");
            match self.schemas.and_then(|s| s.get(name)) {
                Some(found) => schema = found,
                None => return Err(format!("unable to resolve {reference} in OpenAPI V3")),
            }
        }
        self.schema = Some(schema);
        Ok(self)
    }
}

impl PatchMetaLookup for SchemaLookup<'_> {
    fn for_struct(&self, key: &str) -> Result<(Self, PatchMeta), String> {
        let l = self.traverse(key)?;
        let meta = l.meta();
        Ok((l.resolve()?, meta))
    }

    fn for_slice(&self, key: &str) -> Result<(Self, PatchMeta), String> {
        let mut l = self.traverse(key)?;
        let meta = l.meta();
        if let Some(items) = l.schema.and_then(|s| s.get("items")) {
            l.schema = Some(items);
        }
        Ok((l.resolve()?, meta))
    }

    fn name(&self) -> String {
        match self.schema.and_then(|s| s.get("type")) {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Array(types)) if !types.is_empty() => types
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(""),
            _ => "Struct".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {"/apis/apps/v1/namespaces/{namespace}/deployments/{name}": {"patch": {
                "x-kubernetes-group-version-kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
                "requestBody": {"content": {"application/merge-patch+json": {}, "application/strategic-merge-patch+json": {}}}
            }}},
            "components": {"schemas": {
                "D": {"properties": {"spec": {"allOf": [{"$ref": "#/components/schemas/S"}]}},
                      "x-kubernetes-group-version-kind": [{"group": "apps", "version": "v1", "kind": "Deployment"}]},
                "S": {"properties": {"containers": {"type": "array", "items": {"$ref": "#/components/schemas/C"},
                      "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}}},
                "C": {"properties": {"name": {"type": "string"}}}
            }}
        })
    }

    #[test]
    fn finds_merge_keys_through_refs() {
        let d = doc();
        assert!(supports_strategic_merge(&d, "apps", "v1", "Deployment"));
        assert!(!supports_strategic_merge(&d, "x", "v1", "Thing"));
        let root = kind_schema(&d, "apps", "v1", "Deployment").unwrap();
        let (spec, meta) = root.for_struct("spec").unwrap();
        assert_eq!(meta, PatchMeta::default());
        let (container, meta) = spec.for_slice("containers").unwrap();
        assert_eq!(meta.merge_key, "name");
        assert_eq!(meta.strategies, vec!["merge".to_string()]);
        assert!(container.for_struct("name").is_ok());
        assert_eq!(
            container.for_struct("nope").unwrap_err(),
            "unable to find api field \"nope\""
        );
    }
}
