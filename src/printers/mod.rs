//! Output printers, chosen once from `-o` and handed to the verb.
//!
//! Printers take plain JSON values. Objects built by kuddle's generators keep
//! Go's struct field order (JSON and kyaml show it); objects read from a
//! server are unstructured in kubectl, so their keys print sorted — callers
//! sort those with [`sort_keys`] when they decode them.

pub mod custom_columns;
pub mod gofmt;
pub mod gosort;
pub mod gotemplate;
pub mod json;
pub mod jsonpath;
pub mod kyaml;
pub mod name_fields;
pub mod reread;
pub mod resolve;
pub mod result;
pub mod sort_by;
pub mod style;
pub mod table;
pub mod tabwriter;
pub mod top;
pub mod unicode;
pub mod unified_diff;
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
    Kyaml,
    Name,
    /// `-o jsonpath=TEMPLATE` (or `-o jsonpath --template TEMPLATE`).
    JsonPath(Box<jsonpath::Template>),
    /// `-o jsonpath-file=FILE`: the template is the file's content.
    JsonPathFile(Box<jsonpath::Template>),
    /// `-o jsonpath-as-json=TEMPLATE`: each group of results as a JSON array.
    JsonPathAsJson(Box<jsonpath::Template>),
    /// `-o custom-columns=…` / `-o custom-columns-file=…` (only `get`).
    CustomColumns(Box<custom_columns::CustomColumns>),
    /// `-o go-template=…`, `template=…`, `go-template-file=…`,
    /// `templatefile=…` (the file formats hold the file's content).
    GoTemplate(Box<gotemplate::GoTemplate>),
}

/// The template companions of `-o`: `--template` and
/// `--allow-missing-template-keys`.
#[derive(Debug, Clone, Copy)]
pub struct TemplateFlags<'a> {
    pub template: &'a str,
    pub allow_missing_keys: bool,
}

impl Default for TemplateFlags<'_> {
    fn default() -> Self {
        TemplateFlags {
            template: "",
            allow_missing_keys: true,
        }
    }
}

impl OutputFormat {
    /// Parses `-o VALUE` against the formats this command allows (`allowed`
    /// is what kubectl lists in its error, sorted).
    pub fn parse(value: &str, allowed: &[&str]) -> Result<OutputFormat> {
        OutputFormat::parse_with_template(value, allowed, TemplateFlags::default())
    }

    /// `-o VALUE` with `--template`/`--allow-missing-template-keys`, tried in
    /// kubectl's order: json/yaml, name, then the template formats.
    pub fn parse_with_template(
        value: &str,
        allowed: &[&str],
        flags: TemplateFlags,
    ) -> Result<OutputFormat> {
        let simple = match value {
            "json" => Some(OutputFormat::Json),
            "yaml" => Some(OutputFormat::Yaml),
            "kyaml" => Some(OutputFormat::Kyaml),
            "name" => Some(OutputFormat::Name),
            _ => None,
        };
        if let Some(format) = simple.filter(|_| allowed.contains(&value)) {
            return Ok(format);
        }
        if let Some(format) = parse_jsonpath_format(value, allowed, flags)? {
            return Ok(format);
        }
        if let Some(format) = parse_go_template_format(value, allowed, flags)? {
            return Ok(format);
        }
        let mut list: Vec<&str> = allowed.to_vec();
        list.sort_unstable();
        bail!(
            "unable to match a printer suitable for the output format {}, allowed formats are: {}",
            crate::flags::go_values::go_quote(value),
            list.join(",")
        )
    }
}

/// The jsonpath family (cli-runtime's JSONPathPrintFlags): `Ok(None)` when
/// `value` is not one of them. The template comes from `--template` when
/// given, else from after the `=`; a file is read here.
fn parse_jsonpath_format(
    value: &str,
    allowed: &[&str],
    flags: TemplateFlags,
) -> Result<Option<OutputFormat>> {
    const FORMATS: [&str; 3] = ["jsonpath", "jsonpath-file", "jsonpath-as-json"];
    if flags.template.is_empty() && value.is_empty() {
        return Ok(None);
    }
    let (format, text) = if flags.template.is_empty() {
        FORMATS
            .iter()
            .find_map(|f| value.strip_prefix(f)?.strip_prefix('=').map(|t| (*f, t)))
            .unwrap_or((value, ""))
    } else {
        (value, flags.template)
    };
    if !FORMATS.contains(&format) || !allowed.contains(&format) {
        return Ok(None);
    }
    if text.is_empty() {
        bail!("template format specified but no template given");
    }
    let content;
    let text = if format == "jsonpath-file" {
        content = std::fs::read(text).map_err(|e| {
            anyhow::anyhow!(
                "error reading --template {text}, {}",
                go_read_error(text, &e)
            )
        })?;
        String::from_utf8_lossy(&content).into_owned()
    } else {
        text.to_string()
    };
    let template = jsonpath::Template::parse(&text)
        .map_err(|e| anyhow::anyhow!("error parsing jsonpath {text}, {e}"))?
        .allow_missing_keys(flags.allow_missing_keys)
        .json_output(format == "jsonpath-as-json");
    let template = Box::new(template);
    Ok(Some(match format {
        "jsonpath" => OutputFormat::JsonPath(template),
        "jsonpath-file" => OutputFormat::JsonPathFile(template),
        _ => OutputFormat::JsonPathAsJson(template),
    }))
}

/// The go-template family (cli-runtime's GoTemplatePrintFlags): `Ok(None)`
/// when `value` is not one of them.
fn parse_go_template_format(
    value: &str,
    allowed: &[&str],
    flags: TemplateFlags,
) -> Result<Option<OutputFormat>> {
    const FORMATS: [&str; 4] = [
        "template",
        "go-template",
        "go-template-file",
        "templatefile",
    ];
    if flags.template.is_empty() && value.is_empty() {
        return Ok(None);
    }
    let (format, text) = if flags.template.is_empty() {
        FORMATS
            .iter()
            .find_map(|f| value.strip_prefix(f)?.strip_prefix('=').map(|t| (*f, t)))
            .unwrap_or((value, ""))
    } else {
        (value, flags.template)
    };
    if !FORMATS.contains(&format) || !allowed.contains(&format) {
        return Ok(None);
    }
    if text.is_empty() {
        bail!("template format specified but no template given");
    }
    let content;
    let text = if format.ends_with("file") {
        content = std::fs::read(text).map_err(|e| {
            anyhow::anyhow!(
                "error reading --template {text}, {}",
                go_read_error(text, &e)
            )
        })?;
        String::from_utf8_lossy(&content).into_owned()
    } else {
        text.to_string()
    };
    let template = gotemplate::GoTemplate::parse(&text)
        .map_err(|e| anyhow::anyhow!("error parsing template {text}, {e}"))?
        .allow_missing_keys(flags.allow_missing_keys);
    Ok(Some(OutputFormat::GoTemplate(Box::new(template))))
}

/// `os.ReadFile`'s error text: `open F: no such file or directory`,
/// `read F: is a directory`.
pub(crate) fn go_read_error(path: &str, err: &std::io::Error) -> String {
    if err.raw_os_error() == Some(21) {
        return format!("read {path}: is a directory");
    }
    format!("open {path}: {}", gofmt::errno_text(err))
}

/// A printer for one invocation; it remembers how many objects it printed
/// (the YAML printer separates documents with `---`).
pub struct Printer {
    format: OutputFormat,
    printed: usize,
    typed: bool,
}

impl Printer {
    /// A printer for objects kubectl handles unstructured (anything read
    /// with the dynamic client: get, apply, label…).
    pub fn new(format: OutputFormat) -> Printer {
        Printer {
            format,
            printed: 0,
            typed: false,
        }
    }

    /// For typed objects: built by a generator (create deployment, run…) or
    /// read through a typed client (config view). It matters to JSONPath
    /// only: kubectl sees a typed object's numbers as `float64` (`1e+06`,
    /// and `[?(@.port==80)]` fails), an unstructured one's integers as
    /// `int64`.
    pub fn typed(mut self) -> Printer {
        self.typed = true;
        self
    }

    /// Forgets what was printed, as a newly made printer would (no `---`
    /// before the next YAML document).
    pub fn restart(&mut self) {
        self.printed = 0;
    }

    pub fn format(&self) -> &OutputFormat {
        &self.format
    }

    /// Prints one object (or a `List`) in the chosen format.
    pub fn print(&mut self, obj: &Value, out: &mut dyn Write) -> Result<()> {
        // Counted before printing: kubectl writes the YAML separator even
        // when the object then fails to print.
        self.printed += 1;
        let typed = self.typed;
        match &mut self.format {
            OutputFormat::Json => out.write_all(json::to_styled_string_pretty(obj).as_bytes())?,
            OutputFormat::Yaml => {
                if self.printed > 1 {
                    out.write_all(b"---\n")?;
                }
                out.write_all(yaml::to_styled_string(obj)?.as_bytes())?
            }
            // Every KYAML document carries its own `---`.
            OutputFormat::Kyaml => out.write_all(kyaml::to_styled_string(obj)?.as_bytes())?,
            OutputFormat::Name => print_names(obj, out)?,
            OutputFormat::JsonPath(template)
            | OutputFormat::JsonPathFile(template)
            | OutputFormat::JsonPathAsJson(template) => {
                if typed {
                    jsonpath::print_object(template, &jsonpath::typed_numbers(obj), out)?
                } else {
                    jsonpath::print_object(template, obj, out)?
                }
            }
            OutputFormat::CustomColumns(columns) => columns.print(obj, out)?,
            // kubectl hands templates the object decoded from JSON, so a
            // typed object's whole numbers are int64 here too.
            OutputFormat::GoTemplate(template) => gotemplate::print_object(template, obj, out)?,
        }
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
