//! Server-side Tables (`application/json;as=Table`) printed as kubectl's
//! human-readable printer does: decorated with namespace, label and kind
//! columns, headers padded to the widest cell, flushed every 100 rows
//! through a tabwriter that remembers widths.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Deserialize;
use serde_json::Value;

use super::gofmt;
use super::style::{self, Span};
use super::tabwriter::TabWriter;

/// Rows between tabwriter flushes, as kubectl (bounds memory on big lists).
const FLUSH_INTERVAL: usize = 100;

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ColumnDefinition {
    pub name: String,
    #[serde(rename = "type", default)]
    pub type_: String,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub priority: i32,
}

/// Reads `null` as an empty list (watch events send `"rows": null`).
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub column_definitions: Vec<ColumnDefinition>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub rows: Vec<TableRow>,
    #[serde(default)]
    pub metadata: ListMeta,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    #[serde(default, rename = "continue")]
    pub continue_token: Option<String>,
    #[serde(default)]
    pub resource_version: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct TableRow {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub cells: Vec<Value>,
    /// The object (metadata only, unless the whole object was asked for).
    #[serde(default)]
    pub object: Option<Value>,
}

impl Table {
    /// kubectl's table for objects printed without the server's columns
    /// (`get --server-print=false`): NAME and AGE from each object's
    /// metadata, the object kept for namespace and label columns.
    pub fn from_objects(items: Vec<Value>, now: chrono::DateTime<chrono::Utc>) -> Table {
        let column = |name: &str, format: &str| ColumnDefinition {
            name: name.into(),
            type_: "string".into(),
            format: format.into(),
            ..Default::default()
        };
        let rows = items
            .into_iter()
            .map(|object| {
                let meta = object.get("metadata");
                let name = meta
                    .and_then(|m| m.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let age = meta
                    .and_then(|m| m.get("creationTimestamp"))
                    .and_then(Value::as_str)
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| {
                        let since = now.signed_duration_since(t.with_timezone(&chrono::Utc));
                        gofmt::human_duration(since.num_seconds())
                    })
                    .unwrap_or_else(|| "<unknown>".to_string());
                TableRow {
                    cells: vec![Value::String(name), Value::String(age)],
                    object: Some(object),
                }
            })
            .collect();
        Table {
            column_definitions: vec![column("Name", "name"), column("Age", "")],
            rows,
            metadata: ListMeta::default(),
        }
    }
}

impl TableRow {
    fn metadata(&self) -> Option<&serde_json::Map<String, Value>> {
        self.object.as_ref()?.get("metadata")?.as_object()
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata()?.get("namespace")?.as_str()
    }

    pub fn labels(&self) -> BTreeMap<&str, &str> {
        self.metadata()
            .and_then(|m| m.get("labels"))
            .and_then(Value::as_object)
            .map(|l| {
                l.iter()
                    .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// How the table is decorated (kubectl's PrintOptions).
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    pub no_headers: bool,
    pub wide: bool,
    pub with_namespace: bool,
    pub show_labels: bool,
    /// `-L` keys: a column each, named after the key's last path segment.
    pub column_labels: Vec<String>,
    /// `kind.group` (lower-cased) to prefix names with, when several kinds
    /// are shown or `--show-kind` was given.
    pub kind: Option<String>,
}

/// One cell after decoration: `None` prints nothing.
type Cell = Option<String>;

/// Prints successive tables (chunks, watch events) of one resource type.
pub struct TablePrinter {
    options: TableOptions,
    last_columns: Vec<ColumnDefinition>,
    printed_headers: bool,
}

impl TablePrinter {
    pub fn new(options: TableOptions) -> TablePrinter {
        TablePrinter {
            options,
            last_columns: Vec::new(),
            printed_headers: false,
        }
    }

    /// Prints one table; `event` is the watch event type for `--output-watch-events`.
    pub fn print<W: Write>(
        &mut self,
        table: Table,
        event: Option<&str>,
        out: &mut TabWriter<W>,
    ) -> io::Result<()> {
        let mut no_headers = self.options.no_headers;
        if self.printed_headers
            && (table.column_definitions.is_empty()
                || table.column_definitions == self.last_columns)
        {
            no_headers = true;
        }
        let mut table = table;
        if table.column_definitions.is_empty() {
            // Watch events omit the columns to save bandwidth.
            table.column_definitions = self.last_columns.clone();
        } else if table.column_definitions != self.last_columns {
            self.last_columns = table.column_definitions.clone();
            self.printed_headers = false;
        }
        if !table.rows.is_empty() {
            self.printed_headers = true;
        }
        let (mut columns, mut rows) = decorate(table, &self.options);
        if let Some(event) = event {
            columns.insert(
                0,
                ColumnDefinition {
                    name: "Event".into(),
                    type_: "string".into(),
                    ..Default::default()
                },
            );
            let label = format_event_type(event);
            for row in &mut rows {
                row.insert(0, Some(label.clone()));
            }
        }
        print_rows(&columns, &rows, no_headers, self.options.wide, out)
    }
}

fn format_event_type(event: &str) -> String {
    match event {
        "ADDED" => "ADDED   ".into(),
        "MODIFIED" => "MODIFIED".into(),
        "DELETED" => "DELETED ".into(),
        "ERROR" => "ERROR   ".into(),
        other => other.into(),
    }
}

fn cell_text(value: &Value) -> Cell {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(gofmt::sprint(other)),
    }
}

/// `k=v,k2=v2` sorted, or `<none>` (apimachinery's FormatLabels).
pub fn format_labels(labels: &BTreeMap<&str, &str>) -> String {
    if labels.is_empty() {
        return "<none>".into();
    }
    let mut pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    pairs.join(",")
}

/// Adds the namespace, `-L` label, `--show-labels` and kind decorations.
fn decorate(table: Table, options: &TableOptions) -> (Vec<ColumnDefinition>, Vec<Vec<Cell>>) {
    let original = table.column_definitions;
    let width = original.len()
        + options.column_labels.len()
        + usize::from(options.with_namespace)
        + usize::from(options.show_labels);
    let name_column = options.kind.as_ref().and_then(|_| {
        original
            .iter()
            .position(|c| c.format == "name" && c.type_ == "string")
    });
    let mut columns = Vec::with_capacity(width);
    if width != original.len() {
        if options.with_namespace {
            columns.push(ColumnDefinition {
                name: "Namespace".into(),
                type_: "string".into(),
                ..Default::default()
            });
        }
        columns.extend(original.iter().cloned());
        for key in &options.column_labels {
            columns.push(ColumnDefinition {
                name: label_header(key),
                type_: "string".into(),
                ..Default::default()
            });
        }
        if options.show_labels {
            columns.push(ColumnDefinition {
                name: "Labels".into(),
                type_: "string".into(),
                ..Default::default()
            });
        }
    } else {
        columns = original;
    }
    let include_labels = !options.column_labels.is_empty() || options.show_labels;
    let rows = table
        .rows
        .into_iter()
        .map(|row| {
            let mut cells: Vec<Cell> = row.cells.iter().map(cell_text).collect();
            if let (Some(i), Some(kind)) = (name_column, options.kind.as_ref()) {
                if i < cells.len() {
                    let name = row.cells[i]
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| gofmt::sprint(&row.cells[i]));
                    cells[i] = Some(format!("{kind}/{name}"));
                }
            }
            if !(include_labels || options.with_namespace) {
                return cells;
            }
            if row.metadata().is_none() {
                if options.with_namespace {
                    cells.insert(0, None);
                }
                while cells.len() < width {
                    cells.push(None);
                }
                return cells;
            }
            if options.with_namespace {
                cells.insert(0, Some(row.namespace().unwrap_or("").to_string()));
            }
            if include_labels {
                let labels = row.labels();
                for key in &options.column_labels {
                    cells.push(Some(
                        labels.get(key.as_str()).copied().unwrap_or("").to_string(),
                    ));
                }
                if options.show_labels {
                    cells.push(Some(format_labels(&labels)));
                }
            }
            cells
        })
        .collect();
    (columns, rows)
}

/// `-L app.kubernetes.io/name` → `NAME` (upper-cased later with the others).
fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_string()
}

fn print_rows<W: Write>(
    columns: &[ColumnDefinition],
    rows: &[Vec<Cell>],
    no_headers: bool,
    wide: bool,
    out: &mut TabWriter<W>,
) -> io::Result<()> {
    let visible = |i: usize| wide || columns[i].priority == 0;
    // Pre-scan the widest cell (in bytes) per column so the first flush
    // already has the final widths.
    let mut max_widths = vec![0usize; columns.len()];
    if !rows.is_empty() {
        for row in rows {
            for (i, cell) in row.iter().enumerate().take(columns.len()) {
                if !visible(i) {
                    continue;
                }
                if let Some(text) = cell {
                    max_widths[i] = max_widths[i].max(text.len());
                }
            }
        }
    }
    let last_visible = (0..columns.len()).rev().find(|&i| visible(i));

    if !no_headers {
        if rows.is_empty() {
            return Ok(());
        }
        let mut line = Vec::with_capacity(columns.len() * 12);
        let mut first = true;
        for (i, column) in columns.iter().enumerate() {
            if !visible(i) {
                continue;
            }
            if !first {
                line.push(b'\t');
            }
            first = false;
            let name = column.name.to_uppercase();
            line.extend_from_slice(style::paint(Span::Header, &name).as_bytes());
            if Some(i) != last_visible {
                let pad = max_widths[i].saturating_sub(name.len());
                line.resize(line.len() + pad, b' ');
            }
        }
        line.push(b'\n');
        out.write_all(&line)?;
    }

    let pad_first_row = no_headers && !max_widths.is_empty() && !rows.is_empty();
    let mut line = Vec::with_capacity(columns.len() * 40);
    for (ri, row) in rows.iter().enumerate() {
        line.clear();
        let mut first = true;
        for (i, cell) in row.iter().enumerate() {
            if i >= columns.len() {
                break;
            }
            if !visible(i) {
                continue;
            }
            if !first {
                line.push(b'\t');
            }
            first = false;
            let mut len = 0;
            if let Some(text) = cell {
                len = text.len();
                append_cell(&mut line, text);
            }
            if pad_first_row && ri == 0 && Some(i) != last_visible {
                let pad = max_widths[i].saturating_sub(len);
                line.resize(line.len() + pad, b' ');
            }
        }
        line.push(b'\n');
        out.write_all(&line)?;
        if (ri + 1) % FLUSH_INTERVAL == 0 {
            out.flush_pending()?;
        }
    }
    Ok(())
}

/// A cell is cut at its first line break (with `...`), and escape
/// characters are shown as `^[` so a cell cannot drive the terminal.
fn append_cell(line: &mut Vec<u8>, text: &str) {
    if !text.contains(['\x0c', '\n', '\r', '\x1b']) {
        line.extend_from_slice(text.as_bytes());
        return;
    }
    let (kept, cut) = match text.find(['\x0c', '\n', '\r']) {
        Some(at) => (&text[..at], true),
        None => (text, false),
    };
    line.extend_from_slice(kept.replace('\x1b', "^[").as_bytes());
    if cut {
        line.extend_from_slice(b"...");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods_table() -> Table {
        serde_json::from_value(json!({
            "kind": "Table",
            "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "priority": 0},
                {"name": "Ready", "type": "string", "priority": 0},
                {"name": "IP", "type": "string", "priority": 1},
                {"name": "Restarts", "type": "integer", "priority": 0}
            ],
            "rows": [
                {"cells": ["web-0", "1/1", "10.0.0.1", 0], "object": {"metadata": {"name": "web-0", "namespace": "ns", "labels": {"app": "web", "tier": "x"}}}},
                {"cells": ["a-much-longer-name", "0/1", "10.0.0.2", 12], "object": {"metadata": {"name": "a-much-longer-name", "namespace": "other"}}}
            ]
        }))
        .unwrap()
    }

    fn render(table: Table, options: TableOptions) -> String {
        let mut tw = TabWriter::for_tables(Vec::new());
        TablePrinter::new(options)
            .print(table, None, &mut tw)
            .unwrap();
        String::from_utf8(tw.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn plain_table_hides_wide_columns() {
        assert_eq!(
            render(pods_table(), TableOptions::default()),
            "NAME                 READY   RESTARTS\nweb-0                1/1     0\na-much-longer-name   0/1     12\n"
        );
    }

    #[test]
    fn namespace_labels_and_kind() {
        let out = render(
            pods_table(),
            TableOptions {
                with_namespace: true,
                show_labels: true,
                column_labels: vec!["app.kubernetes.io/app".into(), "tier".into()],
                kind: Some("pod".into()),
                wide: true,
                ..Default::default()
            },
        );
        assert_eq!(
            out,
            "NAMESPACE   NAME                     READY   IP         RESTARTS   APP   TIER   LABELS\n\
             ns          pod/web-0                1/1     10.0.0.1   0                x      app=web,tier=x\n\
             other       pod/a-much-longer-name   0/1     10.0.0.2   12                      <none>\n"
        );
    }

    #[test]
    fn cells_are_cut_at_line_breaks_and_escapes_shown() {
        let mut line = Vec::new();
        append_cell(&mut line, "a\x1bb\nc");
        assert_eq!(String::from_utf8(line).unwrap(), "a^[b...");
    }

    #[test]
    fn no_rows_prints_nothing() {
        let mut table = pods_table();
        table.rows.clear();
        assert_eq!(render(table, TableOptions::default()), "");
    }
}
