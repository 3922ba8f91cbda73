//! Output printers, chosen once from `-o` and handed to the verb.
//!
//! Printers take plain JSON values. Objects built by kuddle's generators keep
//! Go's struct field order (JSON and kyaml show it); objects read from a
//! server are unstructured in kubectl, so their keys print sorted — callers
//! sort those with [`sort_keys`] when they decode them.

pub mod json;
pub mod yaml;

use std::io::Write;

use anyhow::{bail, Result};
use serde_json::Value;

/// Formats every command that prints objects accepts, in kubectl's order for
/// the "allowed formats" message (it sorts them).
pub const OBJECT_FORMATS: &[&str] = &[
    "go-template",
    "go-template-file",
    "json",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "kyaml",
    "name",
    "template",
    "templatefile",
    "yaml",
];

/// What `-o` asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputFormat {
    Json,
    Yaml,
    Name,
}

impl OutputFormat {
    /// Parses `-o VALUE` against the formats this command allows (`allowed`
    /// is what kubectl lists in its error, sorted).
    pub fn parse(value: &str, allowed: &[&str]) -> Result<OutputFormat> {
        let (name, _arg) = match value.split_once('=') {
            Some((n, a)) => (n, Some(a)),
            None => (value, None),
        };
        let format = match name {
            "json" => Some(OutputFormat::Json),
            "yaml" => Some(OutputFormat::Yaml),
            "name" => Some(OutputFormat::Name),
            _ => None,
        };
        match format {
            Some(f) if allowed.contains(&name) => Ok(f),
            _ => {
                let mut list: Vec<&str> = allowed.to_vec();
                list.sort_unstable();
                bail!(
                    "unable to match a printer suitable for the output format {}, allowed formats are: {}",
                    crate::flags::go_values::go_quote(value),
                    list.join(",")
                )
            }
        }
    }
}

/// A printer for one invocation; it remembers how many objects it printed
/// (the YAML printer separates documents with `---`).
pub struct Printer {
    format: OutputFormat,
    printed: usize,
}

impl Printer {
    pub fn new(format: OutputFormat) -> Printer {
        Printer { format, printed: 0 }
    }

    pub fn format(&self) -> &OutputFormat {
        &self.format
    }

    /// Prints one object (or a `List`) in the chosen format.
    pub fn print(&mut self, obj: &Value, out: &mut dyn Write) -> Result<()> {
        match &self.format {
            OutputFormat::Json => out.write_all(json::to_string_pretty(obj).as_bytes())?,
            OutputFormat::Yaml => {
                if self.printed > 0 {
                    out.write_all(b"---\n")?;
                }
                out.write_all(yaml::to_string(obj).as_bytes())?
            }
            OutputFormat::Name => print_names(obj, out)?,
        }
        self.printed += 1;
        Ok(())
    }
}

/// `-o name`: `kind[.group]/name` per object, list items one per line.
fn print_names(obj: &Value, out: &mut dyn Write) -> Result<()> {
    if let Some(items) = obj.get("items").and_then(Value::as_array) {
        if is_list_kind(obj) {
            for item in items {
                print_names(item, out)?;
            }
            return Ok(());
        }
    }
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let api_version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or("<unknown>");
    writeln!(out, "{}/{}", kind_dot_group(kind, api_version), name)?;
    Ok(())
}

/// `deployment.apps`, `pod`: the lower-cased kind qualified by the group.
pub fn kind_dot_group(kind: &str, api_version: &str) -> String {
    let kind = kind.to_lowercase();
    match api_version.split_once('/') {
        Some((group, _)) if !group.is_empty() => format!("{kind}.{group}"),
        _ => kind,
    }
}

fn is_list_kind(obj: &Value) -> bool {
    obj.get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
}

/// Sorts every object's keys, as Go prints a `map[string]interface{}`.
pub fn sort_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.sort_keys();
            for v in map.values_mut() {
                sort_keys(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_format_lists_allowed_sorted() {
        let err = OutputFormat::parse("bogus", OBJECT_FORMATS).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unable to match a printer suitable for the output format \"bogus\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml"
        );
    }

    #[test]
    fn names_carry_the_group() {
        let mut out = Vec::new();
        let mut p = Printer::new(OutputFormat::Name);
        p.print(
            &json!({"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "web"}}),
            &mut out,
        )
        .unwrap();
        p.print(
            &json!({"kind": "List", "apiVersion": "v1", "items": [{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p"}}]}),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "deployment.apps/web\npod/p\n"
        );
    }
}
