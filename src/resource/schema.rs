//! kubectl's client-side `--validate`: the server checks fields itself
//! (`fieldValidation`) for every kind it can patch, so kubectl checks a
//! document only when the server cannot — a `v1 List`, or a kind without a
//! PATCH endpoint — and then against the server's OpenAPI v2 models, with
//! kube-openapi's `ValidateModel` rules and messages
//! (`ValidationError(Pod.spec): unknown field "x" in io.k8s.api.core.v1.PodSpec`).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::manifest::object_kind_errors;

/// The models of an OpenAPI v2 document, by name and by the kind each
/// declares (`x-kubernetes-group-version-kind`).
pub struct OpenApiModels {
    definitions: Map<String, Value>,
    by_kind: HashMap<(String, String, String), String>,
}

impl OpenApiModels {
    pub fn from_document(mut doc: Value) -> OpenApiModels {
        let definitions = match doc.get_mut("definitions").map(Value::take) {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let mut by_kind = HashMap::new();
        for (name, model) in &definitions {
            let kinds = model
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array);
            for gvk in kinds.into_iter().flatten() {
                let field = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                by_kind
                    .entry((field("group"), field("version"), field("kind")))
                    .or_insert_with(|| name.clone());
            }
        }
        OpenApiModels {
            definitions,
            by_kind,
        }
    }

    /// kubectl's `schemaValidation.ValidateBytes` for one document: a
    /// `v1 List`'s items each against their own model, anything else
    /// against its model; kinds without a model pass. The problems come
    /// back in order.
    pub fn validate(&self, doc: &Value) -> Vec<String> {
        if doc.get("apiVersion").and_then(Value::as_str) == Some("v1")
            && doc.get("kind").and_then(Value::as_str) == Some("List")
        {
            let Some(items) = doc.get("items").and_then(Value::as_array) else {
                return vec!["invalid object to validate".to_string()];
            };
            let mut errors = Vec::new();
            for item in items {
                let kind_errors = object_kind_errors(item);
                if kind_errors.is_empty() {
                    errors.extend(self.validate_resource(item));
                } else {
                    errors.extend(kind_errors);
                }
            }
            return errors;
        }
        self.validate_resource(doc)
    }

    fn validate_resource(&self, obj: &Value) -> Vec<String> {
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let key = (group.to_string(), version.to_string(), kind.to_string());
        let Some(model) = self.by_kind.get(&key) else {
            return Vec::new();
        };
        let mut errors = Vec::new();
        let schema = Schema::Reference(model);
        self.visit(kind, obj, &schema, &mut errors);
        errors
    }

    /// The schema of a JSON schema object found at `path`.
    fn parse<'a>(&'a self, s: &'a Value, path: String) -> Schema<'a> {
        if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
            return Schema::Reference(
                reference
                    .strip_prefix("#/definitions/")
                    .unwrap_or(reference),
            );
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let properties = s.get("properties").and_then(Value::as_object);
        match types.as_slice() {
            [] | ["object"] => match properties {
                Some(fields) => Schema::Kind {
                    path,
                    fields,
                    required: s
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|r| r.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default(),
                },
                None if types.is_empty() => Schema::Arbitrary,
                None => Schema::Map {
                    path,
                    values: s.get("additionalProperties").filter(|v| v.is_object()),
                },
            },
            ["array"] => Schema::Array {
                path,
                items: s.get("items"),
            },
            [t] => Schema::Primitive { path, kind: t },
            _ => Schema::Arbitrary,
        }
    }

    fn model(&self, name: &str) -> Schema<'_> {
        match self.definitions.get(name) {
            Some(s) => self.parse(s, name.to_string()),
            None => Schema::Arbitrary,
        }
    }

    /// kube-openapi's item visitors: `value` at `item` checked against
    /// `schema`, problems appended to `errors`.
    fn visit(&self, item: &str, value: &Value, schema: &Schema, errors: &mut Vec<String>) {
        if let Schema::Reference(name) = schema {
            let target = self.model(name);
            return self.visit(item, value, &target, errors);
        }
        if matches!(schema, Schema::Arbitrary) {
            return;
        }
        let invalid_type = |expected: &str, actual: &str, errors: &mut Vec<String>| {
            errors.push(validation_error(
                item,
                &format!(
                    "invalid type for {}: got {:?}, expected {:?}",
                    schema.path(),
                    actual,
                    expected
                ),
            ));
        };
        match value {
            Value::Object(map) => match schema {
                Schema::Primitive { kind, .. } => invalid_type(kind, "map", errors),
                Schema::Array { .. } => invalid_type("array", "map", errors),
                Schema::Map { path, values } => {
                    let sub = values
                        .map(|v| self.parse(v, path.clone()))
                        .unwrap_or(Schema::Arbitrary);
                    for (key, v) in sorted(map) {
                        let sub_item = format!("{item}.{key}");
                        if v.is_null() {
                            errors.push(format!("unknown object type \"nil\" in {sub_item}"));
                            continue;
                        }
                        self.visit(&sub_item, v, &sub, errors);
                    }
                }
                Schema::Kind {
                    path,
                    fields,
                    required,
                } => {
                    for (key, v) in sorted(map) {
                        if v.is_null() {
                            continue;
                        }
                        let Some(field) = fields.get(key) else {
                            errors.push(validation_error(
                                item,
                                &format!("unknown field {key:?} in {path}"),
                            ));
                            continue;
                        };
                        let sub = self.parse(field, format!("{path}.{key}"));
                        self.visit(&format!("{item}.{key}"), v, &sub, errors);
                    }
                    for field in required {
                        if map.get(*field).is_none_or(Value::is_null) {
                            errors.push(validation_error(
                                item,
                                &format!("missing required field {field:?} in {path}"),
                            ));
                        }
                    }
                }
                Schema::Arbitrary | Schema::Reference(_) => {}
            },
            Value::Array(values) => match schema {
                Schema::Primitive { kind, .. } => invalid_type(kind, "array", errors),
                Schema::Array { path, items } => {
                    let sub = items
                        .map(|v| self.parse(v, path.clone()))
                        .unwrap_or(Schema::Arbitrary);
                    for (i, v) in values.iter().enumerate() {
                        let sub_item = format!("{item}[{i}]");
                        if v.is_null() {
                            errors.push(validation_error(
                                item,
                                &format!("unknown object type \"nil\" in {sub_item}"),
                            ));
                            continue;
                        }
                        self.visit(&sub_item, v, &sub, errors);
                    }
                }
                Schema::Map { .. } | Schema::Kind { .. } => invalid_type("map", "array", errors),
                Schema::Arbitrary | Schema::Reference(_) => {}
            },
            scalar => {
                let actual = match scalar {
                    Value::Bool(_) => "boolean",
                    Value::Number(n) if n.is_i64() => "integer",
                    Value::Number(_) => "number",
                    _ => "string",
                };
                match schema {
                    Schema::Primitive { kind, .. } => {
                        let fits = match *kind {
                            "boolean" => actual == "boolean",
                            "integer" | "number" => matches!(actual, "integer" | "number"),
                            "string" => true,
                            _ => false,
                        };
                        if !fits {
                            invalid_type(kind, actual, errors);
                        }
                    }
                    Schema::Array { .. } => invalid_type("array", actual, errors),
                    Schema::Map { .. } | Schema::Kind { .. } => invalid_type("map", actual, errors),
                    Schema::Arbitrary | Schema::Reference(_) => {}
                }
            }
        }
    }
}

/// kube-openapi's schema kinds, read lazily from the JSON document.
enum Schema<'a> {
    Kind {
        path: String,
        fields: &'a Map<String, Value>,
        required: Vec<&'a str>,
    },
    Map {
        path: String,
        values: Option<&'a Value>,
    },
    Array {
        path: String,
        items: Option<&'a Value>,
    },
    Primitive {
        path: String,
        kind: &'a str,
    },
    Arbitrary,
    Reference(&'a str),
}

impl Schema<'_> {
    fn path(&self) -> &str {
        match self {
            Schema::Kind { path, .. }
            | Schema::Map { path, .. }
            | Schema::Array { path, .. }
            | Schema::Primitive { path, .. } => path,
            Schema::Arbitrary | Schema::Reference(_) => "",
        }
    }
}

fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn validation_error(item: &str, err: &str) -> String {
    format!("ValidationError({item}): {err}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn models() -> OpenApiModels {
        OpenApiModels::from_document(json!({"definitions": {
            "io.k8s.api.core.v1.Pod": {
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                    "metadata": {"$ref": "#/definitions/meta"},
                    "spec": {"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"}
                },
                "x-kubernetes-group-version-kind": [{"group": "", "kind": "Pod", "version": "v1"}]
            },
            "meta": {"type": "object", "properties": {"name": {"type": "string"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
            "io.k8s.api.core.v1.PodSpec": {
                "type": "object", "required": ["containers"],
                "properties": {
                    "containers": {"type": "array", "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}},
                    "hostNetwork": {"type": "boolean"}
                }
            },
            "io.k8s.api.core.v1.Container": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "ports": {"type": "array", "items": {
                    "type": "object", "properties": {"containerPort": {"type": "integer"}}}}}
            }
        }}))
    }

    #[test]
    fn errors_in_kube_openapi_words() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "bogus": 1,
            "metadata": {"labels": {"a": null}},
            "spec": {"hostNetwork": 1, "containers": [{"foo": "x", "name": 5, "ports": [{"containerPort": "80"}]}, null]}});
        assert_eq!(
            models().validate(&pod),
            [
                "ValidationError(Pod): unknown field \"bogus\" in io.k8s.api.core.v1.Pod",
                "unknown object type \"nil\" in Pod.metadata.labels.a",
                "ValidationError(Pod.spec.containers[0]): unknown field \"foo\" in io.k8s.api.core.v1.Container",
                "ValidationError(Pod.spec.containers[0].ports[0].containerPort): invalid type for io.k8s.api.core.v1.Container.ports.containerPort: got \"string\", expected \"integer\"",
                "ValidationError(Pod.spec.containers): unknown object type \"nil\" in Pod.spec.containers[1]",
                "ValidationError(Pod.spec.hostNetwork): invalid type for io.k8s.api.core.v1.PodSpec.hostNetwork: got \"integer\", expected \"boolean\"",
            ]
        );
        let missing = json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Pod", "spec": {}}, {"kind": "Pod"}, {"apiVersion": "v1", "kind": "Foo", "x": 1}]});
        assert_eq!(
            models().validate(&missing),
            [
                "ValidationError(Pod.spec): missing required field \"containers\" in io.k8s.api.core.v1.PodSpec",
                "apiVersion not set",
            ]
        );
    }
}
