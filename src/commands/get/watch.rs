//! `get -w` / `--watch-only`: the current state, then a line per change,
//! until the server ends the watch.

use std::io::Write;

use anyhow::{bail, Result};
use http::Method;
use serde_json::{json, Value};

use super::{sort_failure, GetArgs};
use crate::client::{ACCEPT_JSON, ACCEPT_TABLE};
use crate::context::{Connection, Context};
use crate::printers::sort_by::SortError;
use crate::printers::table::{Table, TableOptions, TablePrinter};
use crate::printers::tabwriter::TabWriter;
use crate::printers::{sort_keys, OutputFormat, Printer};
use crate::resource::builder::Plan;
use crate::resource::fetch::{get_object, query_escape, ListQuery, Pager};
use crate::resource::watch::EventStream;

/// Prints either tables or whole objects; kubectl writes both through its
/// table writer, so tabs in `-o jsonpath` or `-o go-template` output line
/// up in columns too.
enum Sink<'a> {
    /// Server tables, or (`false`: `--server-print=false`) kubectl's NAME
    /// and AGE table made from plain objects.
    Table(TablePrinter, TabWriter<&'a mut dyn Write>, bool),
    Object(Printer, TabWriter<&'a mut dyn Write>, bool),
}

impl Sink<'_> {
    /// Writes out buffered rows.
    fn flush(&mut self) -> Result<()> {
        let (Sink::Table(_, tw, _) | Sink::Object(_, tw, _)) = self;
        tw.flush_pending()?;
        tw.get_mut().flush()?;
        Ok(())
    }

    /// Prints one table or object; `event` wraps it for `--output-watch-events`;
    /// a table is sorted by `sort_by` first.
    fn print(
        &mut self,
        body: &[u8],
        event: Option<&str>,
        rows: bool,
        sort_by: Option<&str>,
        err: &mut dyn Write,
    ) -> Result<()> {
        match self {
            Sink::Table(printer, tw, server) => {
                let mut table: Table = if *server {
                    serde_json::from_slice(body)?
                } else {
                    let value: Value = serde_json::from_slice(body)?;
                    let objects = if value.get("items").is_some() {
                        crate::resource::infos::list_items(value)
                    } else {
                        vec![value]
                    };
                    Table::from_objects(objects, chrono::Utc::now())
                };
                if !rows {
                    table.rows.clear();
                }
                if let Some(field) = sort_by {
                    match super::human::sort_rows(&mut table, field) {
                        Ok(()) => {}
                        Err(e @ SortError::Fatal { .. }) => return Err(sort_failure(err, e)),
                        Err(e) => bail!("unable to output the provided object: {e}"),
                    }
                }
                // Flushed by the caller: kubectl aligns all pages of the
                // current state together.
                printer.print(table, event, tw)?;
            }
            Sink::Object(printer, out, strip_managed) => {
                if !rows {
                    return Ok(());
                }
                let mut object: Value = serde_json::from_slice(body)?;
                // Objects inside watch events keep their managed fields.
                if *strip_managed && event.is_none() {
                    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                        meta.shift_remove("managedFields");
                    }
                }
                sort_keys(&mut object);
                let printed = match event {
                    // kubectl prints watch events as one compact JSON line.
                    Some(kind) if matches!(printer.format(), OutputFormat::Json) => {
                        let line = crate::printers::json::to_string_compact(
                            &json!({ "type": kind, "object": object }),
                        );
                        writeln!(out, "{line}").map_err(Into::into)
                    }
                    // The name printer names the object inside the event.
                    Some(_) if matches!(printer.format(), OutputFormat::Name) => {
                        printer.print(&object, out)
                    }
                    Some(kind) => printer.print(&json!({ "type": kind, "object": object }), out),
                    None => printer.print(&object, out),
                };
                if printed.is_err() {
                    // What was printed before the failure (a template's
                    // error dump) still goes out.
                    out.flush_pending()?;
                    out.get_mut().flush()?;
                }
                printed?;
            }
        }
        Ok(())
    }
}

pub async fn watch(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    format: Option<OutputFormat>,
    wide: bool,
) -> Result<()> {
    if args.sort_field().is_some() {
        let which = if args.watch {
            "--watch"
        } else {
            "--watch-only"
        };
        let what = if args.watch {
            "will be ignored for watch events received"
        } else {
            "will be ignored"
        };
        writeln!(ctx.err, "warning: {which} requested, --sort-by {what}")?;
    }
    let client = &conn.client;
    let accept = if format.is_none() && args.server_print {
        ACCEPT_TABLE
    } else {
        ACCEPT_JSON
    };
    // What to watch: one collection, or one named object.
    let mut more_names: Vec<String> = Vec::new();
    let (mapping, namespace, name, label_selector, field_selector) = match plan {
        Plan::List {
            mut targets,
            label_selector,
            field_selector,
        } => {
            if targets.len() != 1 {
                bail!("you may only specify a single resource type");
            }
            let t = targets.remove(0);
            (t.mapping, t.namespace, None, label_selector, field_selector)
        }
        Plan::Named { mut items, .. } => {
            // Several names: kubectl reads and prints them all, then refuses
            // to watch more than one.
            more_names = items.iter().skip(1).map(|t| t.name.clone()).collect();
            let t = items.remove(0);
            (
                t.mapping,
                t.namespace,
                Some(t.name),
                String::new(),
                String::new(),
            )
        }
    };

    // The current state: pages of the list, or the object.
    let mut pages = Vec::new();
    let mut resource_version = "0".to_string();
    match &name {
        None => {
            let query = ListQuery {
                label_selector: label_selector.clone(),
                field_selector: field_selector.clone(),
                limit: args.chunk_size,
                // Tables carry whole objects when there is a sort to do.
                include_object: (format.is_none()
                    && args.server_print
                    && args.sort_field().is_some())
                .then(|| "Object".to_string()),
            };
            let mut pager = Pager::new(client, &mapping, namespace.as_deref(), query, accept);
            while let Some(page) = pager.next_page().await? {
                if let Some(rv) = list_resource_version(&page) {
                    resource_version = rv;
                }
                pages.push(page);
            }
        }
        Some(n) => {
            for name in std::iter::once(n).chain(more_names.iter()) {
                match get_object(client, &mapping, namespace.as_deref(), name, accept).await {
                    Ok(body) => pages.push(body),
                    Err(e) if e.is_not_found() && args.ignore_not_found => return Ok(()),
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }

    let strip_managed = !args.print.show_managed_fields
        && matches!(
            format,
            Some(OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Kyaml)
        );
    let events = args.output_watch_events;
    let out: &mut dyn Write = &mut ctx.out;
    let mut sink = match format {
        None => Sink::Table(
            TablePrinter::new(TableOptions {
                no_headers: args.no_headers,
                wide,
                with_namespace: args.all_namespaces && mapping.namespaced,
                show_labels: args.show_labels,
                column_labels: args.label_columns.clone(),
                kind: args.show_kind.then(|| mapping.kind_dot_group()),
            }),
            TabWriter::for_tables(out),
            args.server_print,
        ),
        Some(f) => Sink::Object(Printer::new(f), TabWriter::for_tables(out), strip_managed),
    };
    let show_current = !args.watch_only;
    // kubectl sorts each page of the current state when it prints it as a
    // table (not wrapped in events); watch events are single rows.
    let sort_pages = args.sort_field().filter(|_| show_current && !events);
    let err: &mut dyn Write = &mut ctx.err;
    for page in &pages {
        if name.is_none() && !matches!(sink, Sink::Table(..)) {
            // Whole objects: print each item of the list.
            for item in crate::resource::infos::list_items(serde_json::from_slice(page)?) {
                sink.print(
                    &serde_json::to_vec(&item)?,
                    events.then_some("ADDED"),
                    show_current,
                    None,
                    err,
                )
                .map_err(|e| anyhow::anyhow!("unable to output the provided object: {e:#}"))?;
            }
        } else {
            let objects = matches!(sink, Sink::Object(..));
            sink.print(
                page,
                events.then_some("ADDED"),
                show_current,
                sort_pages,
                err,
            )
            .map_err(|e| {
                if objects {
                    anyhow::anyhow!("unable to output the provided object: {e:#}")
                } else {
                    e
                }
            })?;
        }
    }
    sink.flush()?;
    if !more_names.is_empty() {
        bail!("you may only watch a single resource or type of resource at a time");
    }
    // A watch that starts from a list's version sends only changes; one on
    // a single object starts with a synthetic ADDED event, shown only when
    // nothing was printed for it yet.
    let mut output_rows = name.is_none();

    let mut query = vec![
        format!("resourceVersion={}", query_escape(&resource_version)),
        "watch=true".to_string(),
    ];
    let field = match &name {
        Some(n) => format!("metadata.name={n}"),
        None => field_selector.clone(),
    };
    if !field.is_empty() {
        query.push(format!("fieldSelector={}", query_escape(&field)));
    }
    if !label_selector.is_empty() {
        query.push(format!("labelSelector={}", query_escape(&label_selector)));
    }
    query.sort();
    let path = format!(
        "{}?{}",
        mapping.collection_path(namespace.as_deref()),
        query.join("&")
    );
    let response = client
        .send_streaming(Method::GET, &path, accept, None, Vec::new())
        .await?;
    // --request-timeout bounds the whole watch, as it bounds kubectl's request.
    let mut stream = EventStream::from_response(response, client.timeout());
    // Ctrl-C ends a watch with exit status 1 and no message, as kubectl's
    // interrupt handler does.
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    loop {
        let next = tokio::select! {
            next = stream.next() => next,
            _ = &mut interrupted => {
                sink.flush()?;
                return Err(crate::error::CliError::Exit(1).into());
            }
        };
        // The server (or --request-timeout) ended the watch: quietly done.
        let Some(event) = next else { break };
        let bytes = serde_json::to_vec(&event.object)?;
        let printed = sink.print(
            &bytes,
            events.then_some(event.kind.as_str()),
            output_rows,
            None,
            err,
        );
        sink.flush()?;
        // kubectl stops watching when an event cannot be printed, and
        // says nothing more (its watch loop drops the error).
        if printed.is_err() {
            return Ok(());
        }
        output_rows = true;
    }
    sink.flush()?;
    Ok(())
}

/// `metadata.resourceVersion` of a list or table page.
fn list_resource_version(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.pointer("/metadata/resourceVersion")?
        .as_str()
        .map(str::to_string)
}
