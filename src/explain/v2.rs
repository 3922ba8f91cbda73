//! `explain --output=plaintext-openapiv2`: the older explain, over the
//! OpenAPI v2 document (kubectl's `pkg/explain` with kube-openapi's schema
//! model): the kind found by its `x-kubernetes-group-version-kind`, the
//! field path walked through references, arrays and maps, then `KIND`,
//! `VERSION`, `RESOURCE` or `FIELD`, the descriptions met on the way
//! (indented five, wrapped at 80), and the fields (indented three).

use std::collections::HashSet;

use serde_json::Value;

use super::Depth;

/// The kind to explain.
#[derive(Debug, Clone, PartialEq)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// A schema as kube-openapi's `proto` package models it.
#[derive(Debug, Clone)]
enum Schema<'a> {
    /// A `$ref` to a definition (its own description is kept).
    Ref {
        description: &'a str,
        reference: String,
    },
    /// An object with properties.
    Kind {
        description: &'a str,
        fields: Vec<(&'a str, &'a Value)>,
        required: Vec<&'a str>,
    },
    Map {
        description: &'a str,
        sub: Box<Schema<'a>>,
    },
    Array {
        description: &'a str,
        sub: Box<Schema<'a>>,
    },
    Primitive {
        description: &'a str,
        ty: String,
    },
    Arbitrary {
        description: &'a str,
    },
}

impl Schema<'_> {
    fn description(&self) -> &str {
        match self {
            Schema::Ref { description, .. }
            | Schema::Kind { description, .. }
            | Schema::Map { description, .. }
            | Schema::Array { description, .. }
            | Schema::Primitive { description, .. }
            | Schema::Arbitrary { description } => description,
        }
    }
}

struct Models<'a> {
    definitions: &'a serde_json::Map<String, Value>,
}

fn types_of(s: &Value) -> Vec<&str> {
    match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

impl<'a> Models<'a> {
    /// `ParseSchema`, with its errors (`SchemaError(path): …`).
    fn parse(&self, s: &'a Value, path: &str) -> Result<Schema<'a>, String> {
        let description = s.get("description").and_then(Value::as_str).unwrap_or("");
        let error = |msg: String| {
            if path.is_empty() {
                format!("SchemaError: {msg}")
            } else {
                format!("SchemaError({path}): {msg}")
            }
        };
        if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
            let Some(name) = reference.strip_prefix("#/definitions/") else {
                return Err(error(format!(
                    "unallowed reference to non-definition {}",
                    crate::flags::go_values::go_quote(reference)
                )));
            };
            if !self.definitions.contains_key(name) {
                return Err(error(format!(
                    "unknown model in reference: {}",
                    crate::flags::go_values::go_quote(name)
                )));
            }
            return Ok(Schema::Ref {
                description,
                reference: name.to_string(),
            });
        }
        let types = types_of(s);
        let properties = s.get("properties").and_then(Value::as_object);
        match types.as_slice() {
            [] if properties.is_some() => self.parse_kind(s, description),
            [] => Ok(Schema::Arbitrary { description }),
            ["object"] if properties.is_some() => self.parse_kind(s, description),
            ["object"] => {
                let sub = match s.get("additionalProperties").filter(|a| a.is_object()) {
                    Some(schema) => self.parse(schema, path)?,
                    None => Schema::Arbitrary { description },
                };
                Ok(Schema::Map {
                    description,
                    sub: Box::new(sub),
                })
            }
            ["array"] => {
                let Some(items) = s.get("items").filter(|i| i.is_object()) else {
                    return Err(error("array should have exactly one sub-item".into()));
                };
                Ok(Schema::Array {
                    description,
                    sub: Box::new(self.parse(items, path)?),
                })
            }
            [t @ ("string" | "number" | "integer" | "boolean")] => Ok(Schema::Primitive {
                description,
                ty: t.to_string(),
            }),
            [t] => Err(error(format!(
                "Unknown primitive type: {}",
                crate::flags::go_values::go_quote(t)
            ))),
            _ => Err(error(
                "definitions with multiple types aren't supported".into(),
            )),
        }
    }

    fn parse_kind(&self, s: &'a Value, description: &'a str) -> Result<Schema<'a>, String> {
        let mut fields: Vec<(&str, &Value)> = s
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        fields.sort_by(|a, b| a.0.cmp(b.0));
        let required = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        Ok(Schema::Kind {
            description,
            fields,
            required,
        })
    }

    /// The definition a reference names.
    fn lookup(&self, name: &str) -> Result<Schema<'a>, String> {
        match self.definitions.get_key_value(name) {
            Some((key, s)) => self.parse(s, key),
            None => Err(format!("SchemaError: unknown model in reference: {name:?}")),
        }
    }

    /// `GetTypeName`: `string`, `Object`, `[]Object`, `map[string]string`…
    fn type_name(&self, schema: &Schema<'a>) -> Result<String, String> {
        Ok(match schema {
            Schema::Array { sub, .. } => format!("[]{}", self.type_name(sub)?),
            Schema::Kind { .. } => "Object".to_string(),
            Schema::Map { sub, .. } => format!("map[string]{}", self.type_name(sub)?),
            Schema::Primitive { ty, .. } => ty.clone(),
            Schema::Ref { reference, .. } => self.type_name(&self.lookup(reference)?)?,
            Schema::Arbitrary { .. } => String::new(),
        })
    }
}

/// Explains `field_path` of the kind, or kubectl's error.
pub fn explain(
    doc: &Value,
    gvk: &Gvk,
    field_path: &[String],
    depth: Depth,
) -> anyhow::Result<String> {
    let empty = serde_json::Map::new();
    let definitions = doc
        .get("definitions")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let models = Models { definitions };
    // The last model (by name) that lists the kind.
    let mut names: Vec<&String> = definitions.keys().collect();
    names.sort();
    let model = names.into_iter().rev().find(|name| {
        definitions[name.as_str()]
            .get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .is_some_and(|list| {
                list.iter().any(|e| {
                    let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
                    text("group") == gvk.group
                        && text("version") == gvk.version
                        && text("kind") == gvk.kind
                        && !gvk.kind.is_empty()
                })
            })
    });
    let Some(model) = model else {
        anyhow::bail!(
            "couldn't find resource for \"{}/{}, Kind={}\"",
            gvk.group,
            gvk.version,
            gvk.kind
        );
    };
    let root = models.lookup(model).map_err(anyhow::Error::msg)?;
    let found = lookup_field(&models, root, field_path).map_err(anyhow::Error::msg)?;
    let name = field_path.last().map(String::as_str).unwrap_or("");
    let mut printer = ModelPrinter {
        models: &models,
        out: String::new(),
        gvk,
        name,
        ty: String::new(),
        descriptions: Vec::new(),
        depth,
    };
    printer.visit(found).map_err(anyhow::Error::msg)?;
    Ok(printer.out)
}

/// `LookupSchemaForField`: walks the path; a primitive or arbitrary value
/// ends the walk wherever it is met.
fn lookup_field<'a>(
    models: &Models<'a>,
    schema: Schema<'a>,
    path: &[String],
) -> Result<Schema<'a>, String> {
    match schema {
        Schema::Primitive { .. } | Schema::Arbitrary { .. } => Ok(schema),
        _ if path.is_empty() => Ok(schema),
        Schema::Array { sub, .. } | Schema::Map { sub, .. } => lookup_field(models, *sub, path),
        Schema::Ref { reference, .. } => lookup_field(models, models.lookup(&reference)?, path),
        Schema::Kind { ref fields, .. } => {
            let Some((_, field)) = fields.iter().find(|(k, _)| *k == path[0]) else {
                return Err(format!(
                    "field {} does not exist",
                    crate::flags::go_values::go_quote(&path[0])
                ));
            };
            let sub = models.parse(field, "")?;
            lookup_field(models, sub, &path[1..])
        }
    }
}

/// kubectl's explain `Formatter`: lines with an indent, wrapped to 80.
fn write_line(out: &mut String, indent: usize, text: &str) {
    if text.is_empty() {
        out.push('\n');
        return;
    }
    out.push_str(&" ".repeat(indent));
    out.push_str(text);
    out.push('\n');
}

fn write_wrapped(out: &mut String, indent: usize, text: &str) {
    for line in wrap_paragraphs(text, 80usize.saturating_sub(indent)) {
        write_line(out, indent, &line);
    }
}

/// kubectl's `wrapString`: words joined up to the width, keeping lines
/// that end in `:`, start a list (`- `, `* `, `1. `) or are indented code,
/// and blank lines after the first line.
fn wrap_paragraphs(text: &str, width: usize) -> Vec<String> {
    let mut wrapped: Vec<String> = Vec::new();
    let mut line: Vec<&str> = Vec::new();
    let mut last_word = "";
    let len = |words: &[&str]| {
        words.iter().map(|w| w.len()).sum::<usize>() + words.len().saturating_sub(1)
    };
    fn flush(line: &mut Vec<&str>, wrapped: &mut Vec<String>, last_word: &mut &str) {
        if !line.is_empty() {
            *last_word = "";
            wrapped.push(line.join(" "));
            line.clear();
        }
    }
    for source in text.split('\n') {
        if source.starts_with("    ") {
            flush(&mut line, &mut wrapped, &mut last_word);
            wrapped.push(source.to_string());
            continue;
        }
        if !wrapped.is_empty() && source.trim_matches(go_space).is_empty() {
            flush(&mut line, &mut wrapped, &mut last_word);
            wrapped.push(String::new());
            continue;
        }
        if starts_new_line(last_word, source) {
            flush(&mut line, &mut wrapped, &mut last_word);
        }
        for word in source.split(go_space).filter(|w| !w.is_empty()) {
            last_word = word;
            let mut candidate = line.clone();
            candidate.push(word);
            if len(&candidate) <= width || line.is_empty() {
                line = candidate;
            } else {
                flush(&mut line, &mut wrapped, &mut last_word);
                last_word = word;
                line.push(word);
            }
        }
    }
    flush(&mut line, &mut wrapped, &mut last_word);
    wrapped
}

fn go_space(c: char) -> bool {
    c.is_whitespace()
}

/// `shouldStartNewLine`.
fn starts_new_line(last_word: &str, text: &str) -> bool {
    if last_word.ends_with(':') || text.starts_with("    ") {
        return true;
    }
    let text = text.trim_matches(go_space);
    if text.is_empty() {
        return true;
    }
    is_bullet(text)
}

/// `^(\d+\.?|-|\*)\s`
fn is_bullet(text: &str) -> bool {
    let rest = if let Some(r) = text.strip_prefix(['-', '*']) {
        r
    } else {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        let r = &text[digits..];
        r.strip_prefix('.').unwrap_or(r)
    };
    rest.starts_with(|c: char| {
        c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0c' || c == '\x0b'
    })
}

struct ModelPrinter<'m, 'a> {
    models: &'m Models<'a>,
    out: String,
    gvk: &'m Gvk,
    name: &'m str,
    ty: String,
    descriptions: Vec<String>,
    depth: Depth,
}

const FIELD_INDENT: usize = 3;
const DESCRIPTION_INDENT: usize = 5;

impl<'a> ModelPrinter<'_, 'a> {
    fn kind_and_version(&mut self) {
        write_line(&mut self.out, 0, &format!("KIND:     {}", self.gvk.kind));
        write_line(
            &mut self.out,
            0,
            &format!("VERSION:  {}\n", self.gvk.group_version()),
        );
    }

    fn description(&mut self, own: &str) {
        write_line(&mut self.out, 0, "DESCRIPTION:");
        let mut all = self.descriptions.clone();
        all.push(own.to_string());
        let mut empty = true;
        for (i, d) in all.iter().enumerate() {
            if d.is_empty() {
                continue;
            }
            empty = false;
            if i != 0 {
                write_line(&mut self.out, 0, "");
            }
            write_wrapped(&mut self.out, DESCRIPTION_INDENT, d);
        }
        if empty {
            write_wrapped(&mut self.out, DESCRIPTION_INDENT, "<empty>");
        }
    }

    fn visit(&mut self, schema: Schema<'a>) -> Result<(), String> {
        match schema {
            Schema::Ref {
                description,
                reference,
            } => {
                self.descriptions.push(description.to_string());
                let sub = self.models.lookup(&reference)?;
                self.visit(sub)
            }
            Schema::Array { description, sub } => {
                self.descriptions.push(description.to_string());
                if self.ty.is_empty() {
                    self.ty = format!("[]{}", self.models.type_name(&sub)?);
                }
                self.visit(*sub)
            }
            Schema::Map { description, sub } => {
                self.descriptions.push(description.to_string());
                if self.ty.is_empty() {
                    self.ty = format!("map[string]{}", self.models.type_name(&sub)?);
                }
                self.visit(*sub)
            }
            Schema::Kind {
                description,
                ref fields,
                ref required,
            } => {
                self.kind_and_version();
                if self.ty.is_empty() {
                    self.ty = "Object".to_string();
                }
                if !self.name.is_empty() {
                    let line = format!("RESOURCE: {} <{}>\n", self.name, self.ty);
                    write_line(&mut self.out, 0, &line);
                }
                self.description(description);
                write_line(&mut self.out, 0, "\nFIELDS:");
                if self.depth.recursive {
                    let mut visited = HashSet::new();
                    self.recursive_fields(fields, FIELD_INDENT, 1, &mut visited)
                } else {
                    self.regular_fields(fields, required)
                }
            }
            Schema::Primitive { description, ty } => {
                self.kind_and_version();
                if self.ty.is_empty() {
                    self.ty = ty;
                }
                let line = format!("FIELD:    {} <{}>\n", self.name, self.ty);
                write_line(&mut self.out, 0, &line);
                self.description(description);
                Ok(())
            }
            Schema::Arbitrary { description } => {
                self.kind_and_version();
                self.description(description);
                Ok(())
            }
        }
    }

    fn regular_fields(
        &mut self,
        fields: &[(&'a str, &'a Value)],
        required: &[&str],
    ) -> Result<(), String> {
        for (name, field) in fields {
            let schema = self.models.parse(field, "")?;
            let mark = if required.contains(name) {
                " -required-"
            } else {
                ""
            };
            let line = format!("{name}\t<{}>{mark}", self.models.type_name(&schema)?);
            write_line(&mut self.out, FIELD_INDENT, &line);
            write_wrapped(&mut self.out, FIELD_INDENT + 2, schema.description());
            write_line(&mut self.out, 0, "");
        }
        Ok(())
    }

    /// The recursive fields printer: every field's subfields, three more
    /// spaces per level, each reference followed once per path.
    fn recursive_fields(
        &mut self,
        fields: &[(&'a str, &'a Value)],
        indent: usize,
        depth: i64,
        visited: &mut HashSet<String>,
    ) -> Result<(), String> {
        for (name, field) in fields {
            let schema = self.models.parse(field, "")?;
            let line = format!("{name}\t<{}>", self.models.type_name(&schema)?);
            write_line(&mut self.out, indent, &line);
            if self.depth.max_depth > 0 && depth >= self.depth.max_depth {
                continue;
            }
            self.subfields(schema, indent + FIELD_INDENT, depth + 1, visited)?;
        }
        Ok(())
    }

    fn subfields(
        &mut self,
        schema: Schema<'a>,
        indent: usize,
        depth: i64,
        visited: &mut HashSet<String>,
    ) -> Result<(), String> {
        match schema {
            Schema::Array { sub, .. } | Schema::Map { sub, .. } => {
                self.subfields(*sub, indent, depth, visited)
            }
            Schema::Ref { reference, .. } => {
                if visited.contains(&reference) {
                    return Ok(());
                }
                visited.insert(reference.clone());
                let sub = self.models.lookup(&reference)?;
                let result = self.subfields(sub, indent, depth, visited);
                visited.remove(&reference);
                result
            }
            Schema::Kind { fields, .. } => self.recursive_fields(&fields, indent, depth, visited),
            Schema::Primitive { .. } | Schema::Arbitrary { .. } => Ok(()),
        }
    }
}
