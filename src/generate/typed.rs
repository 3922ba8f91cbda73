//! Reading JSON into an API type the way kubectl's typed decoder does, and
//! writing it back as Go would: fields in struct order, unknown fields
//! dropped, `omitempty` honoured, quantities canonical, and Go's
//! `json: cannot unmarshal …` errors for values of the wrong type.
//!
//! The wire shape of the types comes from `schema/pod.txt`, a table of the
//! Pod type and everything it contains: `@Struct` starts a struct, then one
//! `jsonName<TAB>GoType<TAB>options` line per field (`-` for embedded,
//! inlined structs); `=Name<TAB>type` records a named non-struct type.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::quantity::Quantity;

const POD_SCHEMA: &str = include_str!("schema/pod.txt");
/// The Service type, read the same way (`expose --overrides`).
const SERVICE_SCHEMA: &str = include_str!("schema/service.txt");
/// Workloads, role bindings and autoscalers (`set`, `autoscale`): the
/// types the first two files do not already hold.
const WORKLOADS_SCHEMA: &str = include_str!("schema/workloads.txt");
/// The RBAC types (`auth reconcile`); metav1 types come from the Pod table.
const RBAC_SCHEMA: &str = include_str!("schema/rbac.txt");

struct Field {
    json: String,
    ty: String,
    inline: bool,
    omitempty: bool,
    omitzero: bool,
    /// `patchStrategy` (comma-separated) and `patchMergeKey` tags.
    strategy: String,
    merge_key: String,
}

struct Schema {
    structs: HashMap<String, Vec<Field>>,
    aliases: HashMap<String, String>,
}

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut structs: HashMap<String, Vec<Field>> = HashMap::new();
        let mut aliases = HashMap::new();
        let mut current = String::new();
        // A struct another file already described is skipped.
        let mut skipping = false;
        let lines = POD_SCHEMA
            .lines()
            .chain(SERVICE_SCHEMA.lines())
            .chain(WORKLOADS_SCHEMA.lines())
            .chain(RBAC_SCHEMA.lines());
        for line in lines {
            if let Some(name) = line.strip_prefix('@') {
                current = name.to_string();
                skipping = structs.contains_key(&current);
                structs.entry(current.clone()).or_default();
            } else if skipping {
                continue;
            } else if let Some(def) = line.strip_prefix('=') {
                if let Some((name, ty)) = def.split_once('\t') {
                    aliases.insert(name.to_string(), ty.to_string());
                }
            } else if !line.is_empty() {
                let mut cols = line.split('\t');
                let json = cols.next().unwrap_or_default().to_string();
                let ty = cols.next().unwrap_or_default().to_string();
                let opts: Vec<&str> = cols.next().unwrap_or_default().split(' ').collect();
                let tag = |name: &str| {
                    opts.iter()
                        .find_map(|o| o.strip_prefix(name))
                        .unwrap_or_default()
                        .to_string()
                };
                structs.entry(current.clone()).or_default().push(Field {
                    json,
                    ty,
                    inline: opts.contains(&"inline"),
                    omitempty: opts.contains(&"omitempty"),
                    omitzero: opts.contains(&"omitzero"),
                    strategy: tag("strategy="),
                    merge_key: tag("key="),
                });
            }
        }
        Schema { structs, aliases }
    })
}

/// A Go type as the decoder sees it.
enum Ty<'a> {
    String,
    Bool,
    Int(u32),
    Float,
    Bytes,
    Slice(&'a str),
    Map(&'a str),
    Ptr(&'a str),
    Struct(&'a str),
    Quantity,
    IntOrString,
    Time,
    Raw,
}

/// How Go names a type in errors: `[]v1.Container`, `*v1.Probe`, `int32`.
fn go_name(ty: &str) -> String {
    if let Some(rest) = ty.strip_prefix("[]") {
        return format!("[]{}", go_name(rest));
    }
    if let Some(rest) = ty.strip_prefix('*') {
        return format!("*{}", go_name(rest));
    }
    if let Some(rest) = ty.strip_prefix("map[") {
        if let Some((k, v)) = rest.split_once(']') {
            return format!("map[{}]{}", go_name(k), go_name(v));
        }
    }
    match ty {
        "string" | "bool" | "int" | "int32" | "int64" | "float64" | "byte" => ty.to_string(),
        _ if ty.contains('.') => {
            let (pkg, name) = ty.split_once('.').unwrap_or(("", ty));
            let pkg = match pkg {
                "metav1" | "appsv1" | "batchv1" | "rbacv1" | "autoscalingv1" => "v1",
                "autoscalingv2" => "v2",
                other => other,
            };
            format!("{pkg}.{name}")
        }
        _ => format!("v1.{ty}"),
    }
}

fn resolve(ty: &str) -> Ty<'_> {
    let schema = schema();
    if ty == "[]byte" {
        return Ty::Bytes;
    }
    if let Some(rest) = ty.strip_prefix("[]") {
        return Ty::Slice(rest);
    }
    if let Some(rest) = ty.strip_prefix('*') {
        return Ty::Ptr(rest);
    }
    if let Some(rest) = ty.strip_prefix("map[") {
        return Ty::Map(rest.split_once(']').map(|(_, v)| v).unwrap_or("string"));
    }
    match ty {
        "string" | "types.UID" => Ty::String,
        "bool" => Ty::Bool,
        "int32" => Ty::Int(32),
        "int" | "int64" => Ty::Int(64),
        "float64" => Ty::Float,
        "resource.Quantity" => Ty::Quantity,
        "intstr.IntOrString" => Ty::IntOrString,
        "metav1.Time" | "metav1.MicroTime" => Ty::Time,
        "FieldsV1" | "metav1.FieldsV1" => Ty::Raw,
        _ => match schema.aliases.get(ty) {
            Some(under) => resolve(under),
            None => Ty::Struct(ty),
        },
    }
}

/// Where the decoder is, for error messages: the innermost struct's type
/// and the JSON field names from the top.
struct Decoder {
    path: Vec<String>,
    first_error: Option<String>,
}

/// Errors that stop decoding at once (a bad quantity), unlike type
/// mismatches, which Go records and reports after reading everything.
struct Abort(String);

impl Decoder {
    fn mismatch(&mut self, structure: &str, found: &str, ty: &str) {
        if self.first_error.is_none() {
            let field = self.path.join(".");
            self.first_error = Some(if structure.is_empty() && field.is_empty() {
                format!(
                    "json: cannot unmarshal {found} into Go value of type {}",
                    go_name(ty)
                )
            } else {
                format!(
                    "json: cannot unmarshal {found} into Go struct field {structure}.{field} of type {}",
                    go_name(ty)
                )
            });
        }
    }

    fn decode(&mut self, ty: &str, structure: &str, v: &Value) -> Result<Value, Abort> {
        let kind = resolve(ty);
        if v.is_null() {
            return Ok(zero(ty));
        }
        Ok(match kind {
            Ty::String => match v {
                Value::String(_) => v.clone(),
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
            Ty::Bool => match v {
                Value::Bool(_) => v.clone(),
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
            Ty::Int(bits) => match v {
                Value::Number(n) => match n.as_i64() {
                    Some(i) if bits == 64 || i32::try_from(i).is_ok() => Value::from(i),
                    _ => {
                        self.mismatch(structure, &format!("number {n}"), ty);
                        zero(ty)
                    }
                },
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
            Ty::Float => match v {
                Value::Number(_) => v.clone(),
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
            Ty::Bytes | Ty::Raw => v.clone(),
            Ty::Quantity => {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(Abort(crate::quantity::FORMAT_ERROR.to_string())),
                };
                let q = Quantity::parse_field(&text).map_err(|e| Abort(e.to_string()))?;
                Value::String(q.to_string())
            }
            Ty::IntOrString => match v {
                Value::String(_) => v.clone(),
                Value::Number(n) => match n.as_i64().filter(|i| i32::try_from(*i).is_ok()) {
                    Some(i) => Value::from(i),
                    None => {
                        self.mismatch(structure, &format!("number {n}"), "int32");
                        Value::from(0)
                    }
                },
                _ => {
                    self.mismatch(structure, json_kind(v), "int32");
                    Value::from(0)
                }
            },
            Ty::Time => match v {
                Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
                    Ok(t) => Value::String(
                        t.with_timezone(&chrono::Utc)
                            .format("%Y-%m-%dT%H:%M:%SZ")
                            .to_string(),
                    ),
                    Err(_) => {
                        return Err(Abort(format!(
                            "parsing time {:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {:?}",
                            s, s
                        )))
                    }
                },
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
            Ty::Slice(elem) => match v {
                Value::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.decode(elem, structure, item)?);
                    }
                    Value::Array(out)
                }
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
            Ty::Map(elem) => match v {
                Value::Object(m) => {
                    // Go writes map keys sorted.
                    let mut keys: Vec<&String> = m.keys().collect();
                    keys.sort();
                    let mut out = Map::new();
                    for k in keys {
                        out.insert(k.clone(), self.decode(elem, structure, &m[k])?);
                    }
                    Value::Object(out)
                }
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
            Ty::Ptr(inner) => self.decode(inner, structure, v)?,
            Ty::Struct(name) => match v {
                Value::Object(m) => self.decode_struct(name, m)?,
                _ => {
                    self.mismatch(structure, json_kind(v), ty);
                    zero(ty)
                }
            },
        })
    }

    fn decode_struct(&mut self, name: &str, input: &Map<String, Value>) -> Result<Value, Abort> {
        let fields = flatten_fields(name);
        let short = name.rsplit('.').next().unwrap_or(name).to_string();
        // Go reads the document in its key order; the patched document's
        // keys are sorted, so type errors are found in sorted order.
        let mut keys: Vec<&String> = input.keys().collect();
        keys.sort();
        let mut decoded: HashMap<&str, Value> = HashMap::new();
        for key in keys {
            if let Some((owner, field)) = fields.iter().find(|(_, f)| &f.json == key) {
                let owner_short = owner.rsplit('.').next().unwrap_or(owner).to_string();
                let structure = if owner_short.is_empty() {
                    short.clone()
                } else {
                    owner_short
                };
                self.path.push(key.clone());
                let value = self.decode(&field.ty, &structure, &input[key]);
                self.path.pop();
                decoded.insert(field.json.as_str(), value?);
            }
        }
        let mut out = Map::new();
        for (_, field) in &fields {
            let value = decoded
                .remove(field.json.as_str())
                .unwrap_or_else(|| zero(&field.ty));
            if field.omitzero && is_zero(&field.ty, &value) {
                continue;
            }
            if field.omitempty && is_empty(&field.ty, &value) {
                continue;
            }
            out.insert(field.json.clone(), value);
        }
        Ok(Value::Object(out))
    }
}

/// A struct's JSON fields with embedded structs' fields promoted, each with
/// the struct that declares it.
fn flatten_fields(name: &str) -> Vec<(String, &'static Field)> {
    let mut out = Vec::new();
    if let Some(fields) = schema().structs.get(name) {
        for f in fields {
            if f.inline {
                for (owner, inner) in flatten_fields(&f.ty) {
                    if !out
                        .iter()
                        .any(|(_, g): &(String, &Field)| g.json == inner.json)
                    {
                        out.push((owner, inner));
                    }
                }
            } else {
                out.push((name.to_string(), f));
            }
        }
    }
    out
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Go's zero value of a type, as it would be written out.
fn zero(ty: &str) -> Value {
    match resolve(ty) {
        Ty::String => Value::String(String::new()),
        Ty::Bool => Value::Bool(false),
        Ty::Int(_) | Ty::Float | Ty::IntOrString => Value::from(0),
        Ty::Quantity => Value::String("0".into()),
        Ty::Bytes | Ty::Slice(_) | Ty::Map(_) | Ty::Ptr(_) | Ty::Time | Ty::Raw => Value::Null,
        Ty::Struct(name) => {
            let mut d = Decoder {
                path: vec![],
                first_error: None,
            };
            d.decode_struct(name, &Map::new())
                .unwrap_or(Value::Object(Map::new()))
        }
    }
}

/// What `omitempty` leaves out: false, 0, "", nil, and empty slices and maps.
/// Structs (quantities and times included) are never empty.
fn is_empty(ty: &str, v: &Value) -> bool {
    match resolve(ty) {
        Ty::Struct(_) | Ty::Quantity | Ty::IntOrString | Ty::Time => false,
        Ty::Ptr(_) => v.is_null(),
        _ => match v {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(m) => m.is_empty(),
        },
    }
}

/// What `omitzero` leaves out (only times use it in these types).
fn is_zero(ty: &str, v: &Value) -> bool {
    match resolve(ty) {
        Ty::Time => v.is_null(),
        _ => is_empty(ty, v),
    }
}

/// The schema type kubectl's scheme decodes an object of this apiVersion
/// and kind into, among the types kuddle knows.
pub fn type_for(api_version: &str, kind: &str) -> Option<&'static str> {
    Some(match (api_version, kind) {
        ("v1", "Pod") => "Pod",
        ("v1", "Service") => "Service",
        ("v1", "ReplicationController") => "ReplicationController",
        ("apps/v1", "Deployment") => "appsv1.Deployment",
        ("apps/v1", "DaemonSet") => "appsv1.DaemonSet",
        ("apps/v1", "StatefulSet") => "appsv1.StatefulSet",
        ("apps/v1", "ReplicaSet") => "appsv1.ReplicaSet",
        ("batch/v1", "Job") => "batchv1.Job",
        ("batch/v1", "CronJob") => "batchv1.CronJob",
        ("rbac.authorization.k8s.io/v1", "RoleBinding") => "rbacv1.RoleBinding",
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding") => "rbacv1.ClusterRoleBinding",
        ("autoscaling/v1", "HorizontalPodAutoscaler") => "autoscalingv1.HorizontalPodAutoscaler",
        ("autoscaling/v2", "HorizontalPodAutoscaler") => "autoscalingv2.HorizontalPodAutoscaler",
        _ => return None,
    })
}

/// What Go's `%T` prints for a typed object of this apiVersion and kind
/// (`*v1.ConfigMap`, `*v2.HorizontalPodAutoscaler`).
pub fn go_type_name(api_version: &str, kind: &str) -> String {
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    format!("*{version}.{kind}")
}

/// Strategic merge patch metadata from the Go types' struct tags
/// (`PatchMetaFromStruct`), for the types in the schema.
#[derive(Debug, Clone)]
pub struct StructPatchMeta {
    ty: String,
}

impl StructPatchMeta {
    /// The metadata of a schema type (`appsv1.Deployment`).
    pub fn new(ty: &str) -> StructPatchMeta {
        StructPatchMeta { ty: ty.to_string() }
    }

    /// The type under pointers (Go looks through them).
    fn deref(ty: &str) -> &str {
        let mut t = ty;
        while let Some(inner) = t.strip_prefix('*') {
            t = inner;
        }
        t
    }
}

impl crate::apply::strategic::PatchMetaLookup for StructPatchMeta {
    fn for_struct(&self, key: &str) -> Result<(Self, crate::apply::strategic::PatchMeta), String> {
        let ty = StructPatchMeta::deref(&self.ty);
        if let Ty::Map(elem) = resolve(ty) {
            return Ok((StructPatchMeta::new(elem), Default::default()));
        }
        let Ty::Struct(name) = resolve(ty) else {
            return Err(format!(
                "merging an object in json but data type is not map or struct, instead is: {}",
                go_name(ty)
            ));
        };
        let fields = flatten_fields(name);
        let Some((_, field)) = fields.iter().find(|(_, f)| f.json == key) else {
            return Err(format!(
                "unable to find api field in struct {} for the json field {key:?}",
                name.rsplit('.').next().unwrap_or(name)
            ));
        };
        let meta = crate::apply::strategic::PatchMeta {
            strategies: field
                .strategy
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            merge_key: field.merge_key.clone(),
        };
        Ok((StructPatchMeta::new(&field.ty), meta))
    }

    fn for_slice(&self, key: &str) -> Result<(Self, crate::apply::strategic::PatchMeta), String> {
        let (sub, meta) = self.for_struct(key)?;
        let ty = StructPatchMeta::deref(&sub.ty);
        let elem = match resolve(ty) {
            Ty::Slice(elem) => elem.to_string(),
            _ => ty.to_string(),
        };
        Ok((StructPatchMeta::new(&elem), meta))
    }

    fn name(&self) -> String {
        go_name(StructPatchMeta::deref(&self.ty))
    }
}

/// An object as kubectl's typed decoder holds it: fields in Go's order,
/// unknown ones dropped, empty ones omitted; kinds without a schema here
/// stay as they are.
pub fn normalize_object(obj: &Value) -> Result<Value, String> {
    let text = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("");
    match type_for(text("apiVersion"), text("kind")) {
        Some(ty) => normalize(ty, obj),
        None => Ok(obj.clone()),
    }
}

/// Decodes `doc` as a value of the Go struct type `name` (`Pod`) and writes
/// it back; `Err` carries kubectl's message.
pub fn normalize(name: &str, doc: &Value) -> Result<Value, String> {
    let mut decoder = Decoder {
        path: vec![],
        first_error: None,
    };
    let value = match doc {
        Value::Object(m) => decoder.decode_struct(name, m).map_err(|Abort(e)| e)?,
        other => {
            decoder.mismatch("", json_kind(other), name);
            Value::Null
        }
    };
    match decoder.first_error {
        Some(e) => Err(e),
        None => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compact(v: &Value) -> String {
        crate::printers::json::to_string_compact(v)
    }

    #[test]
    fn fields_in_struct_order_unknown_dropped() {
        let pod = json!({"status": {}, "spec": {"hostNetwork": true, "bogus": 1,
            "containers": [{"resources": {"limits": {"memory": "1Gi", "cpu": "0.5"}}, "image": "y", "name": "x"}]},
            "metadata": {"labels": {"b": "1", "a": "2"}, "name": "p"}, "kind": "Pod", "apiVersion": "v1"});
        assert_eq!(
            compact(&normalize("Pod", &pod).unwrap()),
            r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","labels":{"a":"2","b":"1"}},"spec":{"containers":[{"name":"x","image":"y","resources":{"limits":{"cpu":"500m","memory":"1Gi"}}}],"hostNetwork":true},"status":{}}"#
        );
    }

    #[test]
    fn type_errors_in_go_words() {
        let err = normalize("Pod", &json!({"spec": {"hostNetwork": "yes"}})).unwrap_err();
        assert_eq!(
            err,
            "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool"
        );
        let err = normalize("Pod", &json!({"spec": {"containers": [{"name": 1}]}})).unwrap_err();
        assert_eq!(
            err,
            "json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string"
        );
        let err = normalize("Pod", &json!({"spec": {"containers": {}}})).unwrap_err();
        assert_eq!(
            err,
            "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"
        );
    }

    #[test]
    fn nulls_and_zero_values() {
        let pod = json!({"spec": {"containers": null, "securityContext": {}}, "metadata": {"labels": null}});
        assert_eq!(
            compact(&normalize("Pod", &pod).unwrap()),
            r#"{"metadata":{},"spec":{"containers":null,"securityContext":{}},"status":{}}"#
        );
    }
}
