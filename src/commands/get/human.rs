//! `get` without `-o` (or with `-o wide`): server-side Tables, one table per
//! resource type, a blank line between them, rows printed as pages arrive.

use std::io::{self, Write};

use anyhow::Result;

use super::{report, GetArgs};
use crate::client::ACCEPT_TABLE;
use crate::context::{Connection, Context};
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
    pager: Option<Pager<'a>>,
}

pub async fn print(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    wide: bool,
    namespace: &str,
) -> Result<()> {
    let client = &conn.client;
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    match plan {
        Plan::List {
            targets,
            label_selector,
            field_selector,
        } => {
            for target in targets {
                let query = ListQuery {
                    label_selector: label_selector.clone(),
                    field_selector: field_selector.clone(),
                    limit: args.chunk_size,
                    include_object: None,
                };
                let mut pager = Pager::new(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    query,
                    ACCEPT_TABLE,
                );
                match pager.next_page().await {
                    Ok(Some(body)) => sources.push(Source {
                        mapping: target.mapping,
                        first: serde_json::from_slice(&body)?,
                        pager: Some(pager),
                    }),
                    Ok(None) => {}
                    Err(e) => errors.push(e.into()),
                }
            }
        }
        Plan::Named { items, .. } => {
            for item in items {
                match get_object(
                    client,
                    &item.mapping,
                    item.namespace.as_deref(),
                    &item.name,
                    ACCEPT_TABLE,
                )
                .await
                {
                    Ok(body) => sources.push(Source {
                        mapping: item.mapping,
                        first: serde_json::from_slice(&body)?,
                        pager: None,
                    }),
                    Err(e) if args.ignore_not_found && e.is_not_found() => {}
                    Err(e) => errors.push(e.into()),
                }
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
            p.print(source.first, None, &mut tw)?;
            if let Some(pager) = source.pager.as_mut() {
                loop {
                    match pager.next_page().await {
                        Ok(Some(body)) => p.print(serde_json::from_slice(&body)?, None, &mut tw)?,
                        Ok(None) => break,
                        Err(e) => {
                            errors.push(e.into());
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

fn several_kinds(sources: &[Source]) -> bool {
    sources.len() >= 2
        && sources.iter().any(|s| {
            s.mapping.kind != sources[0].mapping.kind
                || s.mapping.group != sources[0].mapping.group
                || s.mapping.version != sources[0].mapping.version
        })
}
