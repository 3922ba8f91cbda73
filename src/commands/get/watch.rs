//! `get -w` / `--watch-only`: the current state, then a line per change,
//! until the server ends the watch.

use std::io::Write;

use anyhow::{bail, Result};
use http::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{sort_failure, GetArgs};
use crate::client::{ACCEPT_JSON, ACCEPT_TABLE};
use crate::context::{Connection, Context};
use crate::printers::name_fields::{self, NameFields};
use crate::printers::sort_by::SortError;
use crate::printers::table::{Table, TableOptions, TablePrinter};
use crate::printers::tabwriter::TabWriter;
use crate::printers::{sort_keys, OutputFormat, Printer};
use crate::resource::builder::Plan;
use crate::resource::fetch::{get_object, query_escape, ListQuery, Pager};
use crate::resource::watch::{parse_event, EventStream, EventType};

/// Prints either tables or whole objects; kubectl writes both through its
/// table writer, so tabs in `-o jsonpath` or `-o go-template` output line
/// up in columns too.
enum Sink<'a> {
    /// Server tables, or (`false`: `--server-print=false`) kubectl's NAME
    /// and AGE table made from plain objects.
    Table(TablePrinter, TabWriter<&'a mut dyn Write>, bool),
    Object(Printer, TabWriter<&'a mut dyn Write>, bool),
}

/// One table or object, decoded as far as the sink reads it.
enum Decoded {
    Table(Table),
    Object(Value),
}

/// A page of the current state (or a named object) until it is printed.
enum Current {
    /// As the server sent it.
    Body(bytes::Bytes),
    /// A list's items, decoded as far as the sink reads them.
    Items(Vec<Value>),
}

/// A watch event whose object is decoded as `T`.
#[derive(Deserialize)]
struct Event<T> {
    #[serde(rename = "type")]
    kind: String,
    object: T,
}

/// kubectl's NAME and AGE table of an object or a list's items.
fn plain_table(value: Value) -> Table {
    let objects = if value.get("items").is_some() {
        crate::resource::infos::list_items(value)
    } else {
        vec![value]
    };
    Table::from_objects(objects, chrono::Utc::now())
}

impl Sink<'_> {
    /// Writes out buffered rows.
    fn flush(&mut self) -> Result<()> {
        let (Sink::Table(_, tw, _) | Sink::Object(_, tw, _)) = self;
        tw.flush_pending()?;
        tw.get_mut().flush()?;
        Ok(())
    }

    /// Whether objects are printed by name only.
    fn names_only(&self) -> bool {
        matches!(self, Sink::Object(p, ..) if matches!(p.format(), OutputFormat::Name))
    }

    /// A table or object (a list page, or one object) as the server sent it.
    fn decode(&self, body: &[u8]) -> Result<Decoded> {
        Ok(match self {
            Sink::Table(_, _, true) => Decoded::Table(serde_json::from_slice(body)?),
            Sink::Table(_, _, false) => Decoded::Table(plain_table(serde_json::from_slice(body)?)),
            Sink::Object(..) => match self.names_only().then(|| name_fields::object(body)) {
                Some(Some(object)) => Decoded::Object(object),
                _ => Decoded::Object(serde_json::from_slice(body)?),
            },
        })
    }

    /// A watch event line: its type and its object decoded as far as the
    /// sink reads it; None for a line that is no event (or, for a server
    /// table, whose object is no table), which ends the watch.
    fn decode_event(&self, line: &[u8]) -> Option<(EventType, Decoded)> {
        // serde's derive would take an array for the event.
        if line.trim_ascii_start().first() == Some(&b'{') {
            if let Some(event) = self.decode_event_lean(line) {
                return Some(event);
            }
        }
        let event = parse_event(line)?;
        let decoded = match self {
            Sink::Table(_, _, true) => Decoded::Table(serde_json::from_value(event.object).ok()?),
            Sink::Table(..) => Decoded::Table(plain_table(event.object)),
            Sink::Object(..) => Decoded::Object(event.object),
        };
        Some((event.kind, decoded))
    }

    /// [`Sink::decode_event`] without building the whole object, where the
    /// sink reads only part of it: a server table's row, or names.
    fn decode_event_lean(&self, line: &[u8]) -> Option<(EventType, Decoded)> {
        if let Sink::Table(_, _, true) = self {
            let event: Event<Table> = serde_json::from_slice(line).ok()?;
            return Some((EventType::parse(&event.kind)?, Decoded::Table(event.object)));
        }
        if !self.names_only() {
            return None;
        }
        let event: Event<Option<NameFields>> = serde_json::from_slice(line).ok()?;
        let object = match event.object {
            None => Value::Null,
            Some(fields) => fields.into_object()?,
        };
        Some((EventType::parse(&event.kind)?, Decoded::Object(object)))
    }

    /// Prints one table or object; `event` wraps it for `--output-watch-events`;
    /// a table is sorted by `sort_by` first.
    fn print(
        &mut self,
        decoded: Decoded,
        event: Option<&str>,
        rows: bool,
        sort_by: Option<&str>,
        err: &mut dyn Write,
    ) -> Result<()> {
        match (self, decoded) {
            (Sink::Table(printer, tw, _), Decoded::Table(mut table)) => {
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
            (Sink::Object(printer, out, strip_managed), Decoded::Object(mut object)) => {
                if !rows {
                    return Ok(());
                }
                let names = matches!(printer.format(), OutputFormat::Name);
                // Objects inside watch events keep their managed fields.
                if *strip_managed && event.is_none() {
                    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                        meta.shift_remove("managedFields");
                    }
                }
                if !names {
                    sort_keys(&mut object);
                }
                let printed = match event {
                    // kubectl prints watch events as one compact JSON line.
                    Some(kind) if matches!(printer.format(), OutputFormat::Json) => {
                        let line = crate::printers::json::to_string_compact(
                            &json!({ "type": kind, "object": object }),
                        );
                        writeln!(out, "{line}").map_err(Into::into)
                    }
                    // The name printer names the object inside the event.
                    Some(_) if names => printer.print(&object, out),
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
            _ => bail!("a table and an object were mixed up"),
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
    // Names are all that is kept of each page when only names are printed.
    let names_only = matches!(format, Some(OutputFormat::Name));
    let mut pages: Vec<Current> = Vec::new();
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
                if let Some(rv) = pager.resource_version() {
                    resource_version = rv.to_string();
                }
                match names_only.then(|| name_fields::list_items(&page)) {
                    Some(Some(items)) => pages.push(Current::Items(items)),
                    _ => pages.push(Current::Body(page)),
                }
            }
        }
        Some(n) => {
            for name in std::iter::once(n).chain(more_names.iter()) {
                match get_object(client, &mapping, namespace.as_deref(), name, accept).await {
                    Ok(body) => pages.push(Current::Body(body)),
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
    for page in pages {
        let items = match page {
            Current::Items(items) => items,
            // Whole objects: each item of the list is printed.
            Current::Body(page) if name.is_none() && matches!(sink, Sink::Object(..)) => {
                crate::resource::infos::list_items(serde_json::from_slice(&page)?)
            }
            Current::Body(page) => {
                let objects = matches!(sink, Sink::Object(..));
                sink.decode(&page)
                    .and_then(|decoded| {
                        sink.print(
                            decoded,
                            events.then_some("ADDED"),
                            show_current,
                            sort_pages,
                            err,
                        )
                    })
                    .map_err(|e| {
                        if objects {
                            anyhow::anyhow!("unable to output the provided object: {e:#}")
                        } else {
                            e
                        }
                    })?;
                continue;
            }
        };
        for item in items {
            sink.print(
                Decoded::Object(item),
                events.then_some("ADDED"),
                show_current,
                None,
                err,
            )
            .map_err(|e| anyhow::anyhow!("unable to output the provided object: {e:#}"))?;
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
    let interrupted = crate::interrupt::interrupted();
    tokio::pin!(interrupted);
    loop {
        let next = tokio::select! {
            next = stream.next_line() => next,
            _ = &mut interrupted => {
                sink.flush()?;
                return Err(crate::error::CliError::Exit(1).into());
            }
        };
        // The server (or --request-timeout) ended the watch: quietly done.
        let Some(line) = next else { break };
        // A line that is no event ends the watch, as a decoding error ends
        // client-go's; one that cannot be printed ends it too.
        let Some((kind, decoded)) = sink.decode_event(line) else {
            break;
        };
        let printed = sink.print(
            decoded,
            events.then_some(kind.as_str()),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(lines: &[&str]) -> Vec<Option<(EventType, Value)>> {
        let mut out: Vec<u8> = Vec::new();
        let sink = Sink::Object(
            Printer::new(OutputFormat::Name),
            TabWriter::for_tables(&mut out),
            false,
        );
        lines
            .iter()
            .map(|line| match sink.decode_event(line.as_bytes()) {
                Some((kind, Decoded::Object(v))) => Some((kind, v)),
                Some((_, Decoded::Table(_))) => panic!("a table for names"),
                None => None,
            })
            .collect()
    }

    #[test]
    fn events_for_names_decode_as_whole_ones_would_print() {
        let decoded = names_of(&[
            r#"{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","labels":{"x":"y"}},"spec":{}}}"#,
            r#"{"type":"DELETED"}"#,
            // A list inside is decoded whole.
            r#"{"type":"MODIFIED","object":{"kind":"PodList","items":[{"kind":"Pod","metadata":{"name":"b"}}]}}"#,
            r#"["ADDED",{"kind":"Pod"}]"#,
            r#"{"type":"RENAMED","object":{}}"#,
            r#"{"type":"ADDED","type":"DELETED","object":{"kind":"Pod","metadata":{"name":"c"}}}"#,
        ]);
        assert_eq!(
            decoded[0],
            Some((
                EventType::Added,
                json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}})
            ))
        );
        assert_eq!(decoded[1], Some((EventType::Deleted, Value::Null)));
        let (kind, list) = decoded[2].clone().unwrap();
        assert_eq!(kind, EventType::Modified);
        assert_eq!(list["items"][0]["metadata"]["name"], "b");
        assert_eq!(decoded[3], None);
        assert_eq!(decoded[4], None);
        // The last of a key given twice wins, as in the whole decoding.
        assert_eq!(decoded[5].as_ref().map(|d| d.0), Some(EventType::Deleted));
    }

    #[test]
    fn table_events_decode_to_their_rows() {
        let mut out: Vec<u8> = Vec::new();
        let sink = Sink::Table(
            TablePrinter::new(TableOptions::default()),
            TabWriter::for_tables(&mut out),
            true,
        );
        let line = br#"{"type":"ADDED","object":{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"9"},"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"","priority":0}],"rows":[{"cells":["a"],"object":{"kind":"PartialObjectMetadata","metadata":{"name":"a"}}}]}}"#;
        match sink.decode_event(line) {
            Some((EventType::Added, Decoded::Table(t))) => {
                assert_eq!(t.rows.len(), 1);
                assert_eq!(t.rows[0].cells, vec![json!("a")]);
            }
            _ => panic!("no table"),
        }
        assert!(sink
            .decode_event(b"{\"type\":\"ADDED\",\"object\":null}")
            .is_none());
    }
}
