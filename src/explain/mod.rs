//! `explain`'s rendering of OpenAPI schemas, as pure functions over the
//! documents the server publishes.
//!
//! kubectl renders explain (its default `plaintext` output) by running a Go
//! template embedded in the binary over one group version's OpenAPI v3
//! document. [`plaintext`] produces the same text: the resource's GVK found
//! from its operations, the kind's schema found by that GVK, the field path
//! followed through `$ref`s, `allOf`, array items and map values, then the
//! description (word-wrapped at 76 characters) and the fields, one level or
//! all of them (`--recursive`, cycles cut where a `$ref` repeats on the
//! path). The template's quirks are kept: descriptions of a field and of
//! its type are joined, a missing field is reported by the *last* name of
//! the path, and what was written before an error stays written.
//!
//! `--output=plaintext-openapiv2` renders the OpenAPI v2 document the older
//! way (see [`v2`]).

pub mod path;
pub mod v2;
pub mod wrap;

use std::collections::HashSet;

use serde_json::{Map, Value};

use wrap::{indent, wrap_string};

/// What explain asks about: a resource in one group version.
#[derive(Debug, Clone, PartialEq)]
pub struct Gvr {
    pub group: String,
    pub version: String,
    pub resource: String,
}

impl Gvr {
    /// apimachinery's `GroupVersionResource.String()`: `apps/v1, Resource=deployments`.
    pub fn text(&self) -> String {
        format!(
            "{}/{}, Resource={}",
            self.group, self.version, self.resource
        )
    }
}

/// The rendered text and, when rendering stopped, kubectl's error. The text
/// is what kubectl had written to stdout by then.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub text: String,
    pub error: Option<String>,
}

/// How far to go: `--recursive` and `--max-depth` (0: no limit).
#[derive(Debug, Clone, Copy, Default)]
pub struct Depth {
    pub recursive: bool,
    pub max_depth: i64,
}

/// A template failure (its message, as kubectl prints it).
type Fail = String;

/// kubectl's `plaintext` explain of `field_path` under `gvr`, from the
/// OpenAPI v3 document of its group version.
pub fn plaintext(doc: &Value, gvr: &Gvr, field_path: &[String], depth: Depth) -> Rendered {
    let r = Renderer { doc, depth };
    let mut text = String::new();
    let Some(gvk) = r.find_gvk(gvr).filter(|g| truthy(Some(g))) else {
        return Rendered {
            text,
            error: Some(format!(
                "error: GVR ({}) not found in OpenAPI schema",
                gvr.text()
            )),
        };
    };
    if truthy(gvk.get("group")) {
        text.push_str(&format!("GROUP:      {}\n", go_print(gvk.get("group"))));
    }
    text.push_str(&format!("KIND:       {}\n", go_print(gvk.get("kind"))));
    text.push_str(&format!("VERSION:    {}\n", go_print(gvk.get("version"))));
    text.push('\n');
    match r.schema_for_gvk(gvk, field_path) {
        Ok(body) if !body.is_empty() => text.push_str(&body),
        Ok(_) => {
            return Rendered {
                text,
                error: Some(format!(
                    "error: GVK {} not found in OpenAPI schema",
                    crate::printers::gofmt::sprint(gvk)
                )),
            }
        }
        Err(e) => {
            return Rendered {
                text,
                error: Some(e),
            }
        }
    }
    text.push('\n');
    Rendered { text, error: None }
}

struct Renderer<'a> {
    doc: &'a Value,
    depth: Depth,
}

/// Go template truth: false, 0, nil, and empty strings, maps and lists are false.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
    }
}

/// A value as a template prints it (`<no value>` when missing; numbers are
/// float64 in a decoded document).
fn go_print(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "<no value>".to_string(),
        Some(Value::Number(n)) => crate::printers::gofmt::format_float_v(n.as_f64().unwrap_or(0.0)),
        Some(v) => crate::printers::gofmt::sprint(v),
    }
}

/// A schema's non-boolean `additionalProperties`, if it has a truthy one.
fn map_values(schema: &Value) -> Option<&Value> {
    schema
        .get("additionalProperties")
        .filter(|v| truthy(Some(v)) && !v.is_boolean())
}

fn truthy_child<'v>(schema: &'v Value, key: &str) -> Option<&'v Value> {
    schema.get(key).filter(|v| truthy(Some(v)))
}

/// `first $.FieldPath` and friends: sorted keys of a map (Go ranges maps in key order).
fn sorted_entries(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

impl<'a> Renderer<'a> {
    /// The `$ref` of a schema as the templates read it (`""` when absent).
    fn ref_of(schema: &Value) -> &str {
        schema.get("$ref").and_then(Value::as_str).unwrap_or("")
    }

    /// The template function `resolveRef`: a local `#/…` reference's target
    /// when it is a map.
    fn resolve_ref(&self, reference: &str) -> Option<&'a Value> {
        let fragment = reference.strip_prefix('#')?;
        let fragment = percent_decode(fragment);
        let mut cur = self.doc;
        for part in fragment.split('/') {
            if part.is_empty() {
                continue;
            }
            cur = cur.get(part).filter(|v| v.is_object())?;
        }
        cur.is_object().then_some(cur)
    }

    /// `or (resolveRef $ref $.Document) $.schema`.
    fn resolved(&self, schema: &'a Value) -> &'a Value {
        match self.resolve_ref(Self::ref_of(schema)) {
            Some(target) if truthy(Some(target)) => target,
            _ => schema,
        }
    }

    /// The GVK of the resource's operations (the last path that has one
    /// wins, as the template keeps searching).
    fn find_gvk(&self, gvr: &Gvr) -> Option<&'a Value> {
        let prefix = if gvr.group.is_empty() {
            "/api".to_string()
        } else {
            format!("/apis/{}", gvr.group)
        };
        let (v, r) = (&gvr.version, &gvr.resource);
        let searches = [
            format!("{prefix}/{v}/{r}"),
            format!("{prefix}/{v}/{r}/{{name}}"),
            format!("{prefix}/{v}/namespaces/{{namespace}}/{r}"),
            format!("{prefix}/{v}/namespaces/{{namespace}}/{r}/{{name}}"),
        ];
        let mut gvk: Option<&Value> = None;
        for search in &searches {
            let Some(element) = self.doc.get("paths").and_then(|p| p.get(search)) else {
                continue;
            };
            if !truthy(Some(element)) {
                continue;
            }
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(operation) = element.get(method).filter(|o| truthy(Some(o))) else {
                    continue;
                };
                gvk = operation.get("x-kubernetes-group-version-kind");
                if truthy(gvk) {
                    break;
                }
            }
        }
        gvk
    }

    /// The `schema` template: the first schema (by name) listing this GVK.
    fn schema_for_gvk(&self, gvk: &Value, field_path: &[String]) -> Result<String, Fail> {
        let Some(schemas) = self
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return Ok(String::new());
        };
        for (_, schema) in sorted_entries(schemas) {
            let listed = schema
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .is_some_and(|l| l.iter().any(|e| e == gvk));
            if !listed {
                continue;
            }
            let out = self.output(schema, &HashSet::new(), field_path)?;
            if out.is_empty() {
                let last = field_path.last().map(String::as_str).unwrap_or("");
                return Err(format!("error: field \"{last}\" does not exist"));
            }
            return Ok(out);
        }
        Ok(String::new())
    }

    /// The `output` template: follows the field path, then describes what
    /// it reached.
    fn output(
        &self,
        schema: &'a Value,
        history: &HashSet<String>,
        field_path: &[String],
    ) -> Result<String, Fail> {
        let reference = Self::ref_of(schema);
        let mut next_history = history.clone();
        next_history.insert(reference.to_string());
        let resolved = self.resolved(schema);
        let Some(first) = field_path.first() else {
            let mut out = String::from("DESCRIPTION:\n");
            let mut description = self.description(resolved);
            if description.is_empty() {
                description = "<empty>".to_string();
            }
            out.push_str(&indent(4, &wrap_string(&description, 76)));
            out.push('\n');
            let docs = external_docs(resolved);
            if !docs.is_empty() {
                out.push('\n');
                out.push_str(&docs);
            }
            let fields = self.field_list(resolved, 1, None)?;
            if !fields.is_empty() {
                out.push_str("FIELDS:\n");
                out.push_str(&fields);
            }
            return Ok(out);
        };
        if !reference.is_empty() && history.contains(reference) {
            // A cycle: nothing here.
            return Ok(String::new());
        }
        let property = resolved
            .get("properties")
            .filter(|p| truthy(Some(p)))
            .and_then(|p| p.get(first))
            .filter(|p| truthy(Some(p)));
        if let Some(sub) = property {
            let mut out = String::new();
            if field_path.len() == 1 {
                out.push_str(&format!("FIELD: {first} <{}>\n", self.type_guess(sub)?));
                out.push_str(&extract_enum(sub, true, -1, 0));
                out.push_str("\n\n");
            }
            out.push_str(&self.output(sub, &HashSet::new(), &field_path[1..])?);
            return Ok(out);
        }
        if let Some(items) = truthy_child(resolved, "items") {
            return self.output(items, &next_history, field_path);
        }
        if let Some(values) = map_values(resolved) {
            return self.output(values, &next_history, field_path);
        }
        for sub in resolved
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let out = self.output(sub, &next_history, field_path)?;
            if !out.is_empty() {
                return Ok(out);
            }
        }
        Ok(String::new())
    }

    /// The `description` template: the schema's description, then those of
    /// its `allOf` parts, items and map values, each ending in a newline.
    fn description(&self, schema: &'a Value) -> String {
        let s = self.resolved(schema);
        if !truthy(Some(s)) {
            return String::new();
        }
        let mut out = String::new();
        if let Some(d) = truthy_child(s, "description") {
            out.push_str(&go_print(Some(d)));
            out.push('\n');
        }
        for part in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push_str(&self.description(part));
        }
        if let Some(items) = truthy_child(s, "items") {
            out.push_str(&self.description(items));
        }
        if let Some(values) = map_values(s) {
            out.push_str(&self.description(values));
        }
        out
    }

    /// The `fieldList` template: one entry per property (sorted), deeper
    /// levels with `--recursive`, and the fields of `allOf` parts, items
    /// and map values at the same level.
    fn field_list(
        &self,
        schema: &'a Value,
        level: i64,
        history: Option<&HashSet<String>>,
    ) -> Result<String, Fail> {
        let reference = Self::ref_of(schema);
        if !reference.is_empty() && history.is_some_and(|h| h.contains(reference)) {
            return Ok(String::new());
        }
        let mut next_history = history.cloned().unwrap_or_default();
        next_history.insert(reference.to_string());
        let resolved = self.resolved(schema);
        let mut out = String::new();
        if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
            for (name, property) in sorted_entries(properties) {
                out.push_str(&self.field_detail(name, resolved, level)?);
                let Depth {
                    recursive,
                    max_depth,
                } = self.depth;
                if recursive && (max_depth == 0 || level < max_depth) {
                    out.push_str(&self.field_list(property, level + 1, Some(&next_history))?);
                }
            }
        }
        for part in resolved
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push_str(&self.field_list(part, level, Some(&next_history))?);
        }
        if let Some(items) = truthy_child(resolved, "items") {
            out.push_str(&self.field_list(items, level, Some(&next_history))?);
        }
        if let Some(values) = map_values(resolved) {
            out.push_str(&self.field_list(values, level, Some(&next_history))?);
        }
        Ok(out)
    }

    /// The `fieldDetail` template: `name<TAB><type>`, `-required-`, an
    /// `enum:` line, and (unless recursive) the wrapped description.
    fn field_detail(&self, name: &str, schema: &'a Value, level: i64) -> Result<String, Fail> {
        let indent_amount = (level * 2).max(0) as usize;
        let field = schema
            .get("properties")
            .and_then(|p| p.get(name))
            .unwrap_or(&Value::Null);
        let mut out = indent(indent_amount, name);
        out.push('\t');
        out.push('<');
        out.push_str(&self.type_guess(field)?);
        out.push('>');
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)));
        if required {
            out.push_str(" -required-");
        }
        out.push_str(&extract_enum(field, false, 4, indent_amount));
        out.push('\n');
        if self.depth.recursive {
            return Ok(out);
        }
        let description = match truthy_child(field, "description") {
            Some(d) => go_print(Some(d)),
            None => "<no description>".to_string(),
        };
        out.push_str(&indent(
            indent_amount + 2,
            &wrap_string(&description, 78usize.saturating_sub(indent_amount)),
        ));
        out.push('\n');
        if let Some(docs) = truthy_child(field, "externalDocs") {
            out.push('\n');
            out.push_str(&indent(indent_amount + 2, "EXTERNAL DOCS:"));
            out.push('\n');
            if let Some(d) = truthy_child(docs, "description") {
                out.push_str(&indent(
                    indent_amount + 4,
                    &wrap_string(&go_print(Some(d)), 76usize.saturating_sub(indent_amount)),
                ));
                out.push('\n');
            }
            if let Some(url) = truthy_child(docs, "url") {
                out.push_str(&indent(
                    indent_amount + 4,
                    &format!("URL: {}", go_print(Some(url))),
                ));
                out.push('\n');
            }
        }
        out.push('\n');
        Ok(out)
    }

    /// The `typeGuess` template: `string`, `Object`, `[]Container`,
    /// `map[string]Quantity`…
    fn type_guess(&self, schema: &'a Value) -> Result<String, Fail> {
        if !truthy(Some(schema)) {
            return Err(TYPE_GUESS_FAILURE.to_string());
        }
        if let Some(items) = truthy_child(schema, "items") {
            return Ok(format!("[]{}", self.type_guess(items)?));
        }
        if let Some(values) = map_values(schema) {
            return Ok(format!("map[string]{}", self.type_guess(values)?));
        }
        let all_of = schema.get("allOf").and_then(Value::as_array);
        if let Some(parts) = all_of.filter(|a| !a.is_empty()) {
            if !truthy(schema.get("properties")) && parts.len() == 1 {
                return self.type_guess(&parts[0]);
            }
        }
        if let Some(reference) = truthy_child(schema, "$ref") {
            let text = go_print(Some(reference));
            let target = reference.as_str().and_then(|r| self.resolve_ref(r));
            let target_type = target.and_then(|t| t.get("type"));
            let object_like = !truthy(target)
                || !truthy(target_type)
                || target_type.and_then(Value::as_str) == Some("object");
            if object_like {
                let name = text.rsplit('/').next().unwrap_or("");
                let short = name.rsplit('.').next().unwrap_or("");
                return Ok(if short.is_empty() {
                    "Object".to_string()
                } else {
                    short.to_string()
                });
            }
            return Ok(go_print(target_type));
        }
        match schema.get("type") {
            Some(Value::String(t)) if t == "object" => Ok("Object".to_string()),
            t if truthy(t) => Ok(go_print(t)),
            _ => Ok("Object".to_string()),
        }
    }
}

/// What kubectl reports when `typeGuess` is handed an empty schema.
const TYPE_GUESS_FAILURE: &str = "template: plaintext:323:12: executing \"typeGuess\" at <fail \"expected schema argument to subtemplate 'typeguess'\">: error calling fail: expected schema argument to subtemplate 'typeguess'";

/// The `externalDocs` template.
fn external_docs(schema: &Value) -> String {
    let Some(docs) = truthy_child(schema, "externalDocs") else {
        return String::new();
    };
    let mut out = String::from("EXTERNAL DOCS:\n");
    if let Some(d) = truthy_child(docs, "description") {
        out.push_str(&indent(4, &wrap_string(&go_print(Some(d)), 76)));
        out.push('\n');
    }
    if let Some(url) = truthy_child(docs, "url") {
        out.push_str(&indent(4, &format!("URL: {}", go_print(Some(url)))));
        out.push('\n');
    }
    out
}

/// The `extractEnum` template: `ENUM:` with one value per line (the long
/// view of one field), or an `enum: a, b, c, d, ....` line under a field
/// in a list (at most `limit` values).
fn extract_enum(schema: &Value, long_view: bool, limit: i64, indent_amount: usize) -> String {
    let Some(values) = schema
        .get("enum")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
    else {
        return String::new();
    };
    let limit = if limit == 0 { -1 } else { limit };
    let mut out = if long_view {
        "ENUM:".to_string()
    } else {
        format!("\n{}enum: ", " ".repeat(indent_amount))
    };
    for (index, value) in values.iter().enumerate() {
        if limit > -1 && index as i64 >= limit {
            out.push_str(", ....");
            break;
        }
        if index > 0 && !long_view {
            out.push_str(", ");
        } else if long_view {
            out.push_str("\n    ");
        }
        match value {
            Value::String(s) if s.is_empty() => out.push_str("\"\""),
            v => out.push_str(&go_print(Some(v))),
        }
    }
    out
}

/// A URL fragment's percent escapes decoded (Go's `url.Parse` does this).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
