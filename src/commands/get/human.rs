//! `get` without `-o` (or with `-o wide`): server-side Tables, one table per
//! resource type, a blank line between them, rows printed as pages arrive.

use std::io::{self, Write};

use anyhow::Result;
use bytes::Bytes;
use serde_json::Value;

use super::{report, sort_failure, GetArgs};
use crate::client::{ApiClient, ApiError, ACCEPT_TABLE};
use crate::context::{Connection, Context};
use crate::printers::sort_by::{self, SortError};
use crate::printers::table::{Table, TableOptions, TablePrinter};
use crate::printers::tabwriter::TabWriter;
use crate::resource::builder::Plan;
use crate::resource::fetch::{get_object, ListQuery, Pager};
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
    /// The table as the server sent it, kept when sorting (several tables
    /// are sorted as objects).
    raw: Option<Bytes>,
    pager: Option<Pager<'a>>,
}

impl Source<'_> {
    /// A source for a table the server sent; an answer kubectl could not
    /// decode is an error in its words (printed without `error: `).
    fn new(mapping: Mapping, body: Bytes, keep_raw: bool) -> Result<Source<'static>> {
        Ok(Source {
            mapping,
            first: decode_table(&body)?,
            raw: keep_raw.then_some(body),
            pager: None,
        })
    }
}

fn decode_table(body: &[u8]) -> Result<Table> {
    let value = crate::client::decode::unstructured(body)
        .map_err(|e| crate::error::CliError::Verbatim(e.0))?;
    Ok(serde_json::from_value(value)?)
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
    let mut errors: Vec<anyhow::Error> = prior_errors;
    let mut sources: Vec<Source> = Vec::new();
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
                    include_object: sort_by.map(|_| "Object".to_string()),
                };
                let mut pager = Pager::new(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    query,
                    ACCEPT_TABLE,
                );
                match pager.next_page().await {
                    Ok(Some(body)) => match Source::new(target.mapping, body, sort_by.is_some()) {
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
                            &crate::resource::fetch::resource_subject(&target.mapping),
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
                let fetched = if sort_by.is_some() {
                    get_table_with_object(
                        client,
                        &item.mapping,
                        item.namespace.as_deref(),
                        &item.name,
                    )
                    .await
                } else {
                    get_object(
                        client,
                        &item.mapping,
                        item.namespace.as_deref(),
                        &item.name,
                        ACCEPT_TABLE,
                    )
                    .await
                };
                match fetched {
                    Ok(body) => match Source::new(item.mapping, body, sort_by.is_some()) {
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

    // With several tables, kubectl first sorts the tables themselves, as
    // objects (which fails for most fields: tables have no metadata.name).
    if let Some(field) = sort_by {
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
            let mut first = source.first;
            if let Some(field) = sort_by {
                match sort_rows(&mut first, field) {
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
                        Ok(Some(body)) => match decode_table(&body) {
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

/// A named object as a Table whose row carries the whole object.
async fn get_table_with_object(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
) -> Result<Bytes, ApiError> {
    let path = format!(
        "{}?includeObject=Object",
        mapping.object_path(namespace, name)
    );
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
