//! `get` without `-o` (or with `-o wide`): server-side Tables, one table per
//! resource type, a blank line between them, rows printed as pages arrive.

use std::io::{self, Write};

use anyhow::Result;
use bytes::Bytes;
use serde_json::Value;

use super::{report, sort_failure, GetArgs};
use crate::client::{ApiClient, ApiError, ACCEPT_JSON, ACCEPT_TABLE};
use crate::context::{Connection, Context};
use crate::printers::sort_by::{self, SortError};
use crate::printers::table::{Table, TableOptions, TablePrinter};
use crate::printers::tabwriter::TabWriter;
use crate::resource::builder::Plan;
use crate::resource::fetch::{ListQuery, Pager};
use crate::resource::Mapping;

/// Counts what reaches the output and puts a blank line before the next
/// table when asked (kubectl's tracking and separator writers).
struct Separated<'a> {
    out: &'a mut dyn Write,
    written: usize,
    separator_ready: bool,
}

impl Write for Separated<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.is_empty() && self.separator_ready {
            self.out.write_all(b"\n")?;
            self.separator_ready = false;
        }
        self.written += buf.len();
        self.out.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// One source of tables: a first page already fetched, maybe more to come.
struct Source<'a> {
    mapping: Mapping,
    first: Table,
    /// The table as the server sent it, kept when sorting several tables
    /// (they are sorted as objects).
    raw: Option<Bytes>,
    /// With `--sort-by`: how sorting the rows went. Rows are sorted as the
    /// table arrives, then keep only what the printer reads of their
    /// objects.
    sorted: Option<Result<(), SortError>>,
    pager: Option<Pager<'a>>,
}

impl Source<'_> {
    /// A source for a table the server sent; an answer kubectl could not
    /// decode is an error in its words (printed without `error: `).
    fn new(
        mapping: Mapping,
        body: Bytes,
        sort_by: Option<&str>,
        keep_raw: bool,
    ) -> Result<Source<'static>> {
        let (first, sorted) = match sort_by {
            Some(field) => {
                let (table, sorted) = decode_sorted_table(&body, field)?;
                (table, Some(sorted))
            }
            None => (decode_table(&body)?, None),
        };
        Ok(Source {
            mapping,
            first,
            raw: keep_raw.then_some(body),
            sorted,
            pager: None,
        })
    }
}

/// What the table printer reads of a row's object: its namespace and
/// labels.
fn printed_metadata(object: &Value) -> Value {
    let mut kept = serde_json::Map::new();
    for key in ["namespace", "labels"] {
        if let Some(v) = object.get("metadata").and_then(|m| m.get(key)) {
            kept.insert(key.to_string(), v.clone());
        }
    }
    serde_json::json!({ "metadata": kept })
}

/// How rows are made: the server's Table, or kubectl's NAME/AGE table from
/// plain objects (`--server-print=false`).
#[derive(Clone, Copy)]
struct Rows {
    server: bool,
    now: chrono::DateTime<chrono::Utc>,
}

impl Rows {
    fn accept(&self) -> &'static str {
        if self.server {
            ACCEPT_TABLE
        } else {
            ACCEPT_JSON
        }
    }

    /// A page (a list, or one object) as a table.
    fn table(&self, body: &[u8]) -> Result<Table> {
        if self.server {
            return decode_table(body);
        }
        Ok(Table::from_objects(objects_of(body)?, self.now))
    }
}

/// The items of a list, or the one object.
fn objects_of(body: &[u8]) -> Result<Vec<Value>> {
    let value = crate::client::decode::unstructured(body)
        .map_err(|e| crate::error::CliError::Verbatim(e.0))?;
    Ok(if value.get("items").is_some() {
        crate::resource::infos::list_items(value)
    } else {
        vec![value]
    })
}

/// `--server-print=false --sort-by`: kubectl sorts every object it got (of
/// whatever type), then starts a new table wherever the type changes.
fn sorted_client_tables(
    fetched: Vec<(Mapping, Vec<Value>)>,
    field: &str,
    rows: Rows,
    err: &mut dyn Write,
) -> Result<Vec<Source<'static>>> {
    let mut mappings = Vec::new();
    let mut objects = Vec::new();
    for (mapping, items) in fetched {
        for item in items {
            mappings.push(mapping.clone());
            objects.push(item);
        }
    }
    let order = match sort_by::sort_objects(&objects, field) {
        Ok(order) => order,
        Err(e) => return Err(sort_failure(err, e)),
    };
    let mappings = reorder(mappings, &order);
    let objects = reorder(objects, &order);
    let mut sources: Vec<Source> = Vec::new();
    let mut run: Vec<Value> = Vec::new();
    let mut run_mapping: Option<Mapping> = None;
    for (mapping, object) in mappings.into_iter().zip(objects) {
        if run_mapping
            .as_ref()
            .is_some_and(|m| m.resource != mapping.resource)
        {
            if let Some(m) = run_mapping.take() {
                sources.push(Source {
                    mapping: m,
                    first: Table::from_objects(std::mem::take(&mut run), rows.now),
                    raw: None,
                    sorted: None,
                    pager: None,
                });
            }
        }
        run_mapping = Some(mapping);
        run.push(object);
    }
    if let Some(m) = run_mapping {
        sources.push(Source {
            mapping: m,
            first: Table::from_objects(run, rows.now),
            raw: None,
            sorted: None,
            pager: None,
        });
    }
    Ok(sources)
}

/// Whether an answer is plainly a table (a kind, no items): then it can
/// be read straight into one, without the whole of it as a JSON value
/// first. Anything else goes the strict way, for kubectl's words.
fn plainly_a_table(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        kind: Option<Value>,
        #[serde(default)]
        items: Option<serde::de::IgnoredAny>,
    }
    matches!(serde_json::from_slice(body), Ok(Head { kind: Some(Value::String(kind)), items: None }) if !kind.is_empty())
}

/// A table with `--sort-by`: rows are read one at a time and keep only
/// their sort key and what the printer reads of their object; then they
/// are sorted (how that went comes back beside the table).
fn decode_sorted_table(body: &[u8], field: &str) -> Result<(Table, Result<(), SortError>)> {
    if plainly_a_table(body) {
        let mut keys = sort_by::RowKeys::new(field);
        if let Some(mut table) = read_rows(body, Some(&mut keys)) {
            let sorted = keys.sort().map(|order| {
                table.rows = reorder(std::mem::take(&mut table.rows), &order);
            });
            return Ok((table, sorted));
        }
    }
    let value = crate::client::decode::unstructured(body)
        .map_err(|e| crate::error::CliError::Verbatim(e.0))?;
    let mut table: Table = serde_json::from_value(value)?;
    let sorted = sort_rows(&mut table, field);
    slim_rows(&mut table);
    Ok((table, sorted))
}

/// A plain table read row by row (each row's object read whole, then cut
/// to what the printer reads), with each row's sort key added to `keys`;
/// None when anything is amiss.
fn read_rows(body: &[u8], mut keys: Option<&mut sort_by::RowKeys>) -> Option<Table> {
    let mut decoder = crate::client::list_decode::ListDecoder::elements_of("rows");
    let mut rows = Vec::new();
    let mut take = |decoder: &mut crate::client::list_decode::ListDecoder| -> Option<()> {
        while let Some(row) = decoder.next_item() {
            let mut row: crate::printers::table::TableRow = serde_json::from_value(row).ok()?;
            if let Some(keys) = keys.as_deref_mut() {
                keys.add(row.object.as_ref());
            }
            row.object = row.object.take().map(|o| printed_metadata(&o));
            rows.push(row);
        }
        Some(())
    };
    for piece in body.chunks(64 * 1024) {
        decoder.feed(piece);
        take(&mut decoder)?;
    }
    let head = decoder.finish().ok()?;
    take(&mut decoder)?;
    let mut table: Table = serde_json::from_value(Value::Object(head)).ok()?;
    table.rows = rows;
    Some(table)
}

/// Cuts each row's object to what the printer reads.
fn slim_rows(table: &mut Table) {
    for row in table.rows.iter_mut() {
        row.object = row.object.take().map(|o| printed_metadata(&o));
    }
}

fn decode_table(body: &[u8]) -> Result<Table> {
    if plainly_a_table(body) {
        if let Some(table) = read_rows(body, None) {
            return Ok(table);
        }
    }
    let value = crate::client::decode::unstructured(body)
        .map_err(|e| crate::error::CliError::Verbatim(e.0))?;
    let mut table: Table = serde_json::from_value(value)?;
    slim_rows(&mut table);
    Ok(table)
}

pub async fn print(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    wide: bool,
    namespace: &str,
    prior_errors: Vec<anyhow::Error>,
) -> Result<()> {
    let client = &conn.client;
    let sort_by = args.sort_field();
    let rows = Rows {
        server: args.server_print,
        now: chrono::Utc::now(),
    };
    let mut errors: Vec<anyhow::Error> = prior_errors;
    let mut sources: Vec<Source> = Vec::new();
    // Client-side tables sorted across types: everything is fetched first.
    let mut fetched: Vec<(Mapping, Vec<Value>)> = Vec::new();
    let sort_objects = sort_by.is_some() && !rows.server;
    // Tables are sorted among themselves only when there are several.
    let several = match &plan {
        Plan::List { targets, .. } => targets.len() > 1,
        Plan::Named { items, .. } => items.len() > 1,
    };
    match plan {
        Plan::List {
            targets,
            label_selector,
            field_selector,
        } => {
            for target in targets {
                // Sorting needs every row at once, each with its object.
                let query = ListQuery {
                    label_selector: label_selector.clone(),
                    field_selector: field_selector.clone(),
                    limit: if sort_by.is_some() {
                        0
                    } else {
                        args.chunk_size
                    },
                    include_object: sort_by
                        .filter(|_| rows.server)
                        .map(|_| "Object".to_string()),
                };
                let mut pager = Pager::new(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    query,
                    rows.accept(),
                );
                match pager.next_page().await {
                    Ok(Some(body)) if sort_objects => {
                        fetched.push((target.mapping, objects_of(&body)?))
                    }
                    Ok(Some(body)) if !rows.server => match rows.table(&body) {
                        Ok(first) => sources.push(Source {
                            mapping: target.mapping,
                            first,
                            raw: None,
                            sorted: None,
                            pager: Some(pager),
                        }),
                        Err(e) => errors.push(e),
                    },
                    Ok(Some(body)) => match Source::new(target.mapping, body, sort_by, several) {
                        Ok(source) => sources.push(Source {
                            pager: Some(pager),
                            ..source
                        }),
                        Err(e) => errors.push(e),
                    },
                    Ok(None) => {}
                    Err(e) => errors.push(crate::error::aggregate_member(
                        crate::resource::fetch::enhance_list_error(
                            e,
                            &target.mapping.gvr_string(),
                            &label_selector,
                            &field_selector,
                        ),
                    )),
                }
            }
        }
        Plan::Named {
            items,
            single_item_implied,
        } => {
            for item in items {
                let got = if sort_by.is_some() && rows.server {
                    get_table_with_object(client, &item, &args.subresource).await
                } else {
                    super::fetch_named(client, &item, &args.subresource, rows.accept()).await
                };
                match got {
                    Ok(body) if sort_objects => fetched.push((item.mapping, objects_of(&body)?)),
                    Ok(body) if !rows.server => match rows.table(&body) {
                        Ok(first) => sources.push(Source {
                            mapping: item.mapping,
                            first,
                            raw: None,
                            sorted: None,
                            pager: None,
                        }),
                        Err(e) => errors.push(e),
                    },
                    Ok(body) => match Source::new(item.mapping, body, sort_by, several) {
                        Ok(source) => sources.push(source),
                        Err(e) => errors.push(e),
                    },
                    Err(e) if args.ignore_not_found && e.is_not_found() => {}
                    // One object named on the command line: its error alone.
                    Err(e) if single_item_implied => errors.push(e.into()),
                    Err(e) => errors.push(crate::error::aggregate_member(e)),
                }
            }
        }
    }

    if let (Some(field), true) = (sort_by, sort_objects) {
        sources = sorted_client_tables(fetched, field, rows, &mut ctx.err)?;
    }

    // With several tables, kubectl first sorts the tables themselves, as
    // objects (which fails for most fields: tables have no metadata.name).
    if let (Some(field), true) = (sort_by, rows.server) {
        if sources.len() > 1 {
            let raws: Vec<Value> = sources
                .iter_mut()
                .map(|s| match s.raw.take() {
                    Some(body) => serde_json::from_slice(&body),
                    None => Ok(Value::Null),
                })
                .collect::<Result<_, _>>()?;
            match sort_by::sort_objects(&raws, field) {
                Ok(order) => sources = reorder(sources, &order),
                Err(e) => return Err(sort_failure(&mut ctx.err, e)),
            }
        }
    }

    let with_kind = args.show_kind || several_kinds(&sources);
    let all_namespaced = !args.all_namespaces && sources.iter().all(|s| s.mapping.namespaced);
    let mut separated = Separated {
        out: &mut ctx.out,
        written: 0,
        separator_ready: false,
    };
    {
        let mut tw = TabWriter::for_tables(&mut separated);
        let mut printer: Option<TablePrinter> = None;
        let mut last: Option<Mapping> = None;
        for mut source in sources {
            let new_type = last.as_ref().is_none_or(|l| {
                l.resource != source.mapping.resource || l.group != source.mapping.group
            });
            if printer.is_none() || new_type {
                tw.flush_pending()?;
                tw.reset_remembered_widths();
                if last.is_some() && !args.no_headers && tw.get_mut().written > 0 {
                    tw.get_mut().separator_ready = true;
                }
                printer = Some(TablePrinter::new(TableOptions {
                    no_headers: args.no_headers,
                    wide,
                    with_namespace: args.all_namespaces && source.mapping.namespaced,
                    show_labels: args.show_labels,
                    column_labels: args.label_columns.clone(),
                    kind: with_kind.then(|| source.mapping.kind_dot_group()),
                }));
                last = Some(source.mapping.clone());
            }
            let Some(p) = printer.as_mut() else { continue };
            let first = source.first;
            if let Some(sorted) = source.sorted.take() {
                match sorted {
                    Ok(()) => {}
                    // kubectl ignores the printer's error: this table
                    // prints nothing (and maybe "No resources found").
                    Err(SortError::Failed(_)) => continue,
                    // Rows still in the tabwriter are lost, as in kubectl.
                    Err(fatal) => {
                        drop(tw);
                        return Err(sort_failure(&mut ctx.err, fatal));
                    }
                }
            }
            p.print(first, None, &mut tw)?;
            if let Some(pager) = source.pager.as_mut() {
                loop {
                    match pager.next_page().await {
                        Ok(Some(body)) => match rows.table(&body) {
                            Ok(table) => p.print(table, None, &mut tw)?,
                            Err(e) => {
                                errors.push(e);
                                break;
                            }
                        },
                        Ok(None) => break,
                        Err(e) => {
                            errors.push(crate::error::aggregate_member(e));
                            break;
                        }
                    }
                }
            }
        }
        tw.flush_pending()?;
    }
    if separated.written == 0 && !args.ignore_not_found && errors.is_empty() {
        if all_namespaced {
            writeln!(ctx.err, "No resources found in {namespace} namespace.")?;
        } else {
            writeln!(ctx.err, "No resources found")?;
        }
    }
    report(errors)
}

/// A named object (or its subresource) as a Table whose row carries the
/// whole object.
async fn get_table_with_object(
    client: &ApiClient,
    item: &crate::resource::builder::NamedTarget,
    subresource: &str,
) -> Result<Bytes, ApiError> {
    let mut path = item
        .mapping
        .object_path(item.namespace.as_deref(), &item.name);
    if !subresource.is_empty() {
        path.push('/');
        path.push_str(&crate::resource::mapper::path_escape(subresource));
    }
    path.push_str("?includeObject=Object");
    client
        .send(http::Method::GET, &path, ACCEPT_TABLE, None, Vec::new())
        .await
}

/// Sorts a table's rows by `field` of the objects in them (kubectl's
/// SortingPrinter; one row or none stays as it is).
pub(super) fn sort_rows(table: &mut Table, field: &str) -> Result<(), SortError> {
    if table.rows.len() <= 1 {
        return Ok(());
    }
    let objects: Vec<Option<&Value>> = table.rows.iter().map(|r| r.object.as_ref()).collect();
    let order = sort_by::sort_table_rows(&objects, field)?;
    let rows = std::mem::take(&mut table.rows);
    table.rows = reorder(rows, &order);
    Ok(())
}

/// `items` rearranged so that position k holds what was at `order[k]`.
pub(super) fn reorder<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots.get_mut(i)?.take())
        .collect()
}

fn several_kinds(sources: &[Source]) -> bool {
    sources.len() >= 2
        && sources.iter().any(|s| {
            s.mapping.kind != sources[0].mapping.kind
                || s.mapping.group != sources[0].mapping.group
                || s.mapping.version != sources[0].mapping.version
        })
}
