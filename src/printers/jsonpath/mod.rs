//! kubectl's JSONPath dialect (client-go `util/jsonpath`) and its printer
//! (`-o jsonpath=…`, `-o jsonpath-file=…`, `-o jsonpath-as-json=…`).
//!
//! Parse once with [`Template::parse`], then run it per object:
//! [`Template::execute`] prints like kubectl's printer, and
//! [`Template::find_results`] hands back the values (one group per top-level
//! node) for callers that format them themselves, such as custom-columns.
//!
//! Objects are what kubectl evaluates: decoded JSON in which integers are
//! Go `int64` and other numbers `float64`. kubectl turns typed objects
//! (what `create deployment` or `config view` built) into such maps through
//! a JSON round trip, which makes every number a `float64`; do the same with
//! [`typed_numbers`] before evaluating them.

mod eval;
pub mod parser;

use std::cell::Cell;
use std::io::{self, Write};

use serde_json::{Number, Value};

use crate::printers::{gofmt, json};
use eval::{RangeState, Run};
use parser::Node;

/// A parse or evaluation error, worded as client-go words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    pub fn new(msg: impl Into<String>) -> Error {
        Error(msg.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// A parsed template plus the options client-go keeps beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    raw: String,
    nodes: Vec<Node>,
    allow_missing_keys: bool,
    json_output: bool,
    /// Range counters that, as in client-go, survive from one object to the
    /// next (a template with `{range}` misbehaves on the second object of a
    /// multi-object print exactly as kubectl's does).
    state: Cell<RangeState>,
}

/// One value a template found: part of the object, or something the
/// template itself produced (quoted text, a number, a string's bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Found<'a> {
    Value(&'a Value),
    Text(&'a [u8]),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A byte of a string, from `.*` on a string (Go's `uint8`).
    Byte(u8),
    /// Go's zero `reflect.Value`: what a range body sees for a null item.
    Invalid,
}

impl Template {
    /// Parses `text`; missing keys are errors until [`allow_missing_keys`]
    /// says otherwise (kubectl's printers allow them by default).
    ///
    /// [`allow_missing_keys`]: Template::allow_missing_keys
    pub fn parse(text: &str) -> Result<Template, Error> {
        Ok(Template {
            raw: text.to_string(),
            nodes: parser::parse(text)?,
            allow_missing_keys: false,
            json_output: false,
            state: Cell::new(RangeState::default()),
        })
    }

    /// Whether a missing map key yields nothing instead of `X is not found`.
    pub fn allow_missing_keys(mut self, allow: bool) -> Template {
        self.allow_missing_keys = allow;
        self
    }

    /// Print each group of results as an indented JSON array
    /// (`-o jsonpath-as-json`).
    pub fn json_output(mut self, enable: bool) -> Template {
        self.json_output = enable;
        self
    }

    /// The template as the user wrote it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Forgets the range state carried over from earlier objects (kubectl
    /// parses custom-columns afresh for each object it is given).
    pub fn reset(&self) {
        self.state.set(RangeState::default());
    }

    /// Evaluates the template on `data`: one group of values per top-level
    /// node (text nodes give their text; range bodies one group per node
    /// per item).
    pub fn find_results<'a>(&'a self, data: &'a Value) -> Result<Vec<Vec<Found<'a>>>, Error> {
        let mut run = Run {
            template: self,
            state: self.state.get(),
        };
        let result = run.find_results(Found::Value(data));
        self.state.set(run.state);
        result
    }

    /// Writes one group as kubectl does: items separated by a space, maps
    /// and lists as compact JSON, or the whole group as an indented JSON
    /// array with [`json_output`](Template::json_output).
    pub fn print_results(&self, results: &[Found], out: &mut dyn Write) -> io::Result<()> {
        if self.json_output {
            let mut text = String::new();
            write_json_array(&mut text, results);
            text.push('\n');
            return out.write_all(text.as_bytes());
        }
        for (i, found) in results.iter().enumerate() {
            found.write_text(out)?;
            if i + 1 != results.len() {
                out.write_all(b" ")?;
            }
        }
        Ok(())
    }

    /// Evaluates and prints. Evaluation errors come back as [`Error`] (and
    /// nothing is written for this object); write failures as `io::Error`.
    pub fn execute(&self, data: &Value, out: &mut dyn Write) -> anyhow::Result<()> {
        let groups = self.find_results(data)?;
        for group in &groups {
            self.print_results(group, out)?;
        }
        Ok(())
    }
}

impl<'a> Found<'a> {
    /// What ranging over a value hands the body (`value.Interface()`): a
    /// null becomes the zero value.
    fn unwrapped(self) -> Found<'a> {
        match self {
            Found::Value(Value::Null) => Found::Invalid,
            other => other,
        }
    }

    /// The Go type name in `X is not array or slice`.
    fn go_type(&self) -> &'static str {
        match self {
            Found::Value(Value::Object(_)) => "map[string]interface {}",
            Found::Value(Value::Array(_)) => "[]interface {}",
            Found::Value(Value::String(_)) | Found::Text(_) => "string",
            Found::Value(Value::Number(n)) if gofmt::as_go_int(n).is_some() => "int64",
            Found::Value(Value::Number(_)) | Found::Float(_) => "float64",
            Found::Value(Value::Bool(_)) | Found::Bool(_) => "bool",
            Found::Value(Value::Null) => "<nil>",
            Found::Int(_) => "int",
            Found::Byte(_) => "uint8",
            Found::Invalid => "<invalid reflect.Value>",
        }
    }

    /// `fmt.Sprint` of the value: what custom-columns prints in a cell
    /// (`map[a:b]`, `[x y]`, `<nil>`).
    pub fn sprint(&self) -> String {
        match self {
            Found::Value(v) => gofmt::sprint(v),
            Found::Text(t) => String::from_utf8_lossy(t).into_owned(),
            Found::Int(i) => i.to_string(),
            Found::Float(f) => gofmt::format_float_v(*f),
            Found::Bool(b) => b.to_string(),
            Found::Byte(b) => b.to_string(),
            Found::Invalid => "<invalid reflect.Value>".into(),
        }
    }

    /// One result as the JSONPath printer writes it: maps and lists as
    /// compact JSON with sorted keys, strings raw, null as `null`.
    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Found::Value(v @ (Value::Object(_) | Value::Array(_))) => {
                let mut text = String::new();
                write_json(&mut text, v, None, 0);
                out.write_all(text.as_bytes())
            }
            Found::Value(Value::String(s)) => out.write_all(s.as_bytes()),
            Found::Value(Value::Null) => out.write_all(b"null"),
            Found::Text(t) => out.write_all(t),
            Found::Invalid => out.write_all(b"<no value>"),
            other => out.write_all(other.sprint().as_bytes()),
        }
    }
}

/// `json.MarshalIndent(results, "", "    ")` of one group.
fn write_json_array(out: &mut String, results: &[Found]) {
    if results.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, found) in results.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, 1, Some("    "));
        match found {
            Found::Value(v) => write_json(out, v, Some("    "), 1),
            Found::Text(t) => json::write_string(out, &String::from_utf8_lossy(t)),
            Found::Int(i) => out.push_str(&i.to_string()),
            Found::Float(f) => out.push_str(&gofmt::json_float(*f)),
            Found::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Found::Byte(b) => out.push_str(&b.to_string()),
            Found::Invalid => out.push_str("null"),
        }
    }
    newline(out, 0, Some("    "));
    out.push(']');
}

/// Go's `encoding/json` of a decoded value: map keys sorted, HTML-safe
/// strings, Go's float formatting.
fn write_json(out: &mut String, value: &Value, indent: Option<&str>, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&gofmt::number_json(n)),
        Value::String(s) => json::write_string(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1, indent);
                write_json(out, item, indent, depth + 1);
            }
            newline(out, depth, indent);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in gofmt::sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1, indent);
                json::write_string(out, key);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, item, indent, depth + 1);
            }
            newline(out, depth, indent);
            out.push('}');
        }
    }
}

fn newline(out: &mut String, depth: usize, indent: Option<&str>) {
    if let Some(unit) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(unit);
        }
    }
}

/// The object as kubectl's JSONPath printer sees a typed object: after a
/// JSON round trip into `map[string]interface{}`, every number is a
/// `float64` (so `{.spec.replicas}` of a million prints `1e+06`, and
/// comparing it with the integer `3` is an error).
pub fn typed_numbers(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => value.clone(),
        Value::Number(n) => n
            .as_f64()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| value.clone()),
        Value::Array(items) => Value::Array(items.iter().map(typed_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), typed_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// kubectl's JSONPath printer for one object: prints the results, or fails
/// with kubectl's "Printing more information for debugging the template"
/// error, which dumps the object in Go syntax.
pub fn print_object(template: &Template, obj: &Value, out: &mut dyn Write) -> anyhow::Result<()> {
    match template.execute(obj, out) {
        Err(e) => match e.downcast::<Error>() {
            Ok(err) => Err(anyhow::anyhow!(
                "error executing jsonpath {}: Error executing template: {err}. Printing more information for debugging the template:\n\
                 \ttemplate was:\n\t\t{}\n\
                 \tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
                gofmt::quote(template.raw()),
                template.raw(),
                gofmt::go_syntax(obj)
            )),
            Err(other) => Err(other),
        },
        Ok(()) => Ok(()),
    }
}

/// kubectl's `RelaxedJSONPathExpression` (custom-columns, `--sort-by`,
/// `wait --for=jsonpath`): `metadata.name`, `.metadata.name`,
/// `{metadata.name}` and `{.metadata.name}` all become `{.metadata.name}`.
pub fn relaxed_expression(expr: &str) -> Result<String, Error> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let no_braces = |s: &str| !s.contains(['{', '}']);
    // `\.?([^{}]+)`: drop one leading dot unless nothing would remain.
    let spec = |s: &str| match s.strip_prefix('.') {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s.to_string(),
    };
    let braced = expr
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .filter(|inner| !inner.is_empty() && no_braces(inner));
    let field = match braced {
        Some(inner) => spec(inner),
        None if no_braces(expr) => spec(expr),
        None => {
            return Err(Error::new(
                "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
            ))
        }
    };
    Ok(format!("{{.{field}}}"))
}

#[cfg(test)]
mod tests;

/// A template whose output over a `List` is made of its items one by one:
/// `TEXT{.items[*]PATH}TEXT`, or `TEXT{range .items[*]}BODY{end}TEXT`. Each
/// item is evaluated on its own (as the only item of a list), so a list can
/// be printed as it arrives. An item that fails says nothing about the
/// whole list (a key missing from one item is no error over all of them):
/// the caller then evaluates the whole list instead.
pub struct ItemTemplate {
    /// The part over `.items`.
    core: Template,
    /// The constant parts before and after it.
    leading: Template,
    trailing: Template,
    /// `{.items[*]PATH}`: results of successive items are separated by a
    /// space, as one group's results are.
    path: bool,
    results: usize,
}

/// `.items[*]` at the start of an action.
fn starts_over_items(nodes: &[Node]) -> bool {
    matches!(nodes, [Node::Field(f), Node::Array(p), ..]
        if f == "items" && p.iter().all(|p| !p.known))
}

fn is_identifier(node: &Node, word: &str) -> bool {
    matches!(node, Node::List(nodes) if matches!(nodes.first(), Some(Node::Identifier(w)) if w == word))
}

fn is_constant(node: &Node) -> bool {
    match node {
        Node::Text(_) => true,
        Node::List(nodes) => nodes.iter().all(|n| matches!(n, Node::Text(_))),
        _ => false,
    }
}

impl Template {
    /// The template as an [`ItemTemplate`], when it has that shape.
    pub fn item_template(&self) -> Option<ItemTemplate> {
        if self.json_output {
            return None;
        }
        let first = self.nodes.iter().position(|n| !is_constant(n))?;
        let part = |nodes: &[Node]| Template {
            raw: self.raw.clone(),
            nodes: nodes.to_vec(),
            allow_missing_keys: self.allow_missing_keys,
            json_output: false,
            state: Cell::new(RangeState::default()),
        };
        let (end, path) = match &self.nodes[first] {
            Node::List(nodes)
                if nodes
                    .first()
                    .is_some_and(|n| matches!(n, Node::Identifier(w) if w == "range")) =>
            {
                if !starts_over_items(&nodes[1..]) || nodes.len() != 3 {
                    return None;
                }
                // The matching `{end}`.
                let mut open = 0usize;
                let mut end = None;
                for (i, node) in self.nodes.iter().enumerate().skip(first) {
                    if is_identifier(node, "range") {
                        open += 1;
                    } else if is_identifier(node, "end") {
                        open -= 1;
                        if open == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                }
                (end?, false)
            }
            Node::List(nodes) if starts_over_items(nodes) => {
                let item_local = nodes[2..]
                    .iter()
                    .all(|n| matches!(n, Node::Field(_) | Node::Array(_) | Node::Wildcard));
                if !item_local {
                    return None;
                }
                (first + 1, true)
            }
            _ => return None,
        };
        if !self.nodes[end..].iter().all(is_constant) {
            return None;
        }
        Some(ItemTemplate {
            core: part(&self.nodes[first..end]),
            leading: part(&self.nodes[..first]),
            trailing: part(&self.nodes[end..]),
            path,
            results: 0,
        })
    }
}

/// Whether evaluating `node` can never fail, whatever the data: field
/// lookups that may miss, wildcards, texts and literals, and `range`/`end`
/// (balanced inside an item template). Indexes, slices and filters fail on
/// data of the wrong type.
fn cannot_fail(node: &Node, allow_missing_keys: bool) -> bool {
    match node {
        Node::Text(_) | Node::Int(_) | Node::Float(_) | Node::Bool(_) => true,
        Node::Wildcard | Node::Recursive => true,
        Node::Field(_) => allow_missing_keys,
        Node::Identifier(w) => w == "range" || w == "end",
        Node::List(nodes) => nodes.iter().all(|n| cannot_fail(n, allow_missing_keys)),
        Node::Array(_) | Node::Filter { .. } | Node::Union(_) => false,
    }
}

impl ItemTemplate {
    /// Whether no item can make the template fail, so that items need not
    /// be kept for kubectl's error dump of the whole list: everything after
    /// the leading `.items[*]` cannot fail (see [`cannot_fail`]).
    pub fn cannot_fail(&self) -> bool {
        let allow = self.core.allow_missing_keys;
        let Some((Node::List(first), body)) = self.core.nodes.split_first() else {
            return false;
        };
        // `range .items[*]` or `.items[*]…`: skip what selects the items.
        let skip = if self.path { 2 } else { 3 };
        first.len() >= skip
            && first[skip..].iter().all(|n| cannot_fail(n, allow))
            && body.iter().all(|n| cannot_fail(n, allow))
    }

    /// The text before the first item.
    pub fn leading(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        self.leading.execute(&Value::Null, out)
    }

    /// Appends what one item contributes to `out`; an error means the whole
    /// list must be evaluated instead.
    pub fn item(&mut self, item: Value, out: &mut dyn Write) -> anyhow::Result<()> {
        let list = serde_json::json!({ "items": [item] });
        self.core.reset();
        if !self.path {
            return self.core.execute(&list, out);
        }
        let groups = self.core.find_results(&list)?;
        for group in &groups {
            if group.is_empty() {
                continue;
            }
            if self.results > 0 {
                out.write_all(b" ")?;
            }
            self.results += group.len();
            self.core.print_results(group, out)?;
        }
        Ok(())
    }

    /// The text after the last item.
    pub fn trailing(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        self.trailing.execute(&Value::Null, out)
    }
}
