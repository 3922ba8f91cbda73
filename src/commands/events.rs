//! `events [--for TYPE/NAME] [--types=Normal,Warning] [-w] [-A] [-o …]`:
//! events, oldest first, as a table (LAST SEEN, TYPE, REASON, OBJECT,
//! MESSAGE) or as an `EventList` through `-o`.
//!
//! Examples:
//!   # Recent events in the current namespace
//!   kuddle events
//!
//!   # Events about one pod, then new ones as they arrive
//!   kuddle events --for pod/web-pod-13je7 --watch
//!
//!   # Only warnings, in every namespace
//!   kuddle events -A --types=Warning
//!
//! kubectl reads events with its typed client: objects print with their
//! fields in the server's order, each item with `kind: Event` and
//! `apiVersion: v1`. It lists in pages of 500 whatever `--chunk-size`
//! says, and it ignores what the `-o` printer fails on.

use std::io::Write;

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use clap::{ArgAction, Args};
use http::Method;
use serde_json::{Map, Value};

use crate::client::ACCEPT_JSON;
use crate::context::Context;
use crate::describe::format::{parse_time, since};
use crate::error::CliError;
use crate::flags::go_values::{
    go_bool, go_int64, go_string_slice, string_slice_items, StringSlice,
};
use crate::flags::PrintFlags;
use crate::printers::result::strip_managed_fields;
use crate::printers::tabwriter::TabWriter;
use crate::printers::{gosort, OutputFormat, Printer, OBJECT_FORMATS};
use crate::resource::fetch::{query_escape, ListQuery, Pager};
use crate::resource::selector::escape_field_value;
use crate::resource::watch::{EventStream, EventType};
use crate::resource::{Mapping, NoResourceType};

/// kubectl's list page size for events (its `--chunk-size` is not used).
const PAGE_SIZE: i64 = 500;

#[derive(Args, Debug)]
pub struct EventsArgs {
    /// kubectl ignores extra words here.
    #[arg(hide = true, value_name = "ARGS")]
    pub ignored: Vec<String>,

    #[command(flatten)]
    pub print: PrintFlags,

    /// After listing the events, watch for more.
    #[arg(short = 'w', long = "watch", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub watch: bool,

    /// Events of every namespace.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all_namespaces: bool,

    /// Only events about this object (TYPE/NAME).
    #[arg(long = "for", value_name = "TYPE/NAME", default_value = "")]
    pub for_object: String,

    /// Only events of these types (Normal, Warning).
    #[arg(long = "types", value_name = "TYPE", value_parser = go_string_slice, action = ArgAction::Append)]
    pub types: Vec<StringSlice>,

    /// Leave out the header row of the table.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub no_headers: bool,

    /// Accepted for kubectl's sake; events are listed in pages of 500.
    #[arg(long = "chunk-size", value_name = "N", default_value = "500", value_parser = go_int64)]
    pub chunk_size: i64,
}

pub async fn run(ctx: &mut Context, args: EventsArgs) -> Result<()> {
    let (namespace, _) = ctx.namespace()?;
    let involved = match args.for_object.as_str() {
        "" => None,
        object => involved_object(ctx, object).await?,
    };
    let mut types: Vec<String> = string_slice_items(&args.types);
    types.sort();
    types.dedup();
    // Only an explicit -o leaves the table.
    let printer = match args.print.output.as_deref() {
        None | Some("") => None,
        Some(_) => args.print.printer(OBJECT_FORMATS)?.map(Printer::typed),
    };
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning"))
    {
        bail!("valid --types are Normal or Warning");
    }
    let mut sink = Sink {
        printer,
        table: EventTable {
            no_headers: args.no_headers,
            all_namespaces: args.all_namespaces,
            headers_printed: false,
        },
        show_managed_fields: args.print.show_managed_fields,
    };
    let conn = ctx.connection().await?;
    let mapping = events_mapping(ctx).await?;
    let list_namespace = (!args.all_namespaces).then_some(namespace.as_str());
    let field_selector = involved
        .as_ref()
        .map(|(kind, api_version, name)| {
            format!(
                "involvedObject.kind={},involvedObject.apiVersion={},involvedObject.name={}",
                escape_field_value(kind),
                escape_field_value(api_version),
                escape_field_value(name)
            )
        })
        .unwrap_or_default();
    let wanted = |event: &Value| {
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
        types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case(kind))
    };
    let mut tw = TabWriter::for_tables(&mut ctx.out);

    if args.watch {
        let mut query = vec![format!("limit={PAGE_SIZE}"), "watch=true".to_string()];
        if !field_selector.is_empty() {
            query.insert(
                0,
                format!("fieldSelector={}", query_escape(&field_selector)),
            );
        }
        let path = format!(
            "{}?{}",
            mapping.collection_path(list_namespace),
            query.join("&")
        );
        let response = conn
            .client
            .send_streaming(Method::GET, &path, ACCEPT_JSON, None, Vec::new())
            .await?;
        let mut stream = EventStream::from_response(response, conn.client.timeout());
        // The watch ends quietly, however it ends.
        while let Some(event) = stream.next().await {
            // Events expire after an hour: deletions are not news.
            if event.kind == EventType::Deleted || !wanted(&event.object) {
                continue;
            }
            sink.print_event(event.object, &mut tw, Utc::now())?;
            tw.flush_pending()?;
            tw.get_mut().flush()?;
        }
        return Ok(());
    }

    let selector = field_selector.clone();
    let query = ListQuery {
        field_selector,
        limit: PAGE_SIZE,
        ..Default::default()
    };
    let mut pager = Pager::new(&conn.client, &mapping, list_namespace, query, ACCEPT_JSON);
    let mut events: Vec<Value> = Vec::new();
    while let Some(page) = pager
        .next_page()
        .await
        .map_err(|e| enhance_list_error(e, &selector))?
    {
        let list: Value = serde_json::from_slice(&page)?;
        events.extend(
            crate::resource::infos::list_items(list)
                .into_iter()
                .filter(|e| wanted(e)),
        );
    }
    if events.is_empty() {
        if args.all_namespaces {
            writeln!(ctx.err, "No events found.")?;
        } else {
            writeln!(ctx.err, "No events found in {namespace} namespace.")?;
        }
        return Ok(());
    }
    let mut keyed: Vec<(Option<DateTime<Utc>>, Value)> =
        events.into_iter().map(|e| (sort_time(&e), e)).collect();
    // kubectl's sort.Sort by time, which is not stable.
    gosort::sort_by(&mut keyed, |a, b| a.0 < b.0);
    let events: Vec<Value> = keyed.into_iter().map(|(_, e)| e).collect();
    sink.print_list(events, &mut tw, Utc::now())?;
    tw.flush_pending()?;
    Ok(())
}

/// kubectl words a failed list of events this way when the server
/// answered NotFound or BadRequest.
fn enhance_list_error(err: crate::client::ApiError, field_selector: &str) -> anyhow::Error {
    let mut err = err;
    if let crate::client::ApiError::Status(status) = &mut err {
        if matches!(status.reason.as_str(), "NotFound" | "BadRequest")
            || (status.reason.is_empty() && matches!(status.code, 400 | 404))
        {
            status.message = if field_selector.is_empty() {
                format!("Unable to list \"events\": {}", status.message)
            } else {
                format!(
                    "Unable to find \"events\" that match label selector \"\", field selector {}: {}",
                    crate::flags::go_values::go_quote(field_selector),
                    status.message
                )
            };
        }
    }
    err.into()
}

/// The events resource (the core group's).
async fn events_mapping(ctx: &mut Context) -> Result<Mapping> {
    let discovery = ctx.discovery().await?;
    match discovery.resolve("events") {
        Ok(m) => Ok(m),
        Err(e) => match ctx.refresh_discovery().await? {
            Some(fresh) => Ok(fresh.resolve("events")?),
            None => Err(e.into()),
        },
    }
}

/// `--for TYPE/NAME`: the kind, API version and name events name it by;
/// none for `TYPE/` (an empty name filters nothing, as in kubectl).
async fn involved_object(ctx: &mut Context, arg: &str) -> Result<Option<(String, String, String)>> {
    let Some((resource, name)) = arg.split_once('/') else {
        bail!("--for must be in resource/name form");
    };
    if name.contains('/') {
        bail!("arguments in resource/name form may not have more than one slash");
    }
    if resource.is_empty() {
        // The mapper's words for an empty GroupVersionResource.
        bail!("a resource must be present, got: /, Resource=");
    }
    let resource = resource.to_lowercase();
    let discovery = ctx.discovery().await?;
    let mapping = match discovery.resolve(&resource) {
        Ok(m) => m,
        Err(e) => match ctx.refresh_discovery().await? {
            Some(fresh) => fresh.resolve(&resource).map_err(not_found)?,
            None => return Err(not_found(e)),
        },
    };
    if name.is_empty() {
        return Ok(None);
    }
    Ok(Some((
        mapping.kind.clone(),
        mapping.api_version(),
        name.to_string(),
    )))
}

/// The mapper's own error, which kubectl prints without `error: `.
fn not_found(e: NoResourceType) -> anyhow::Error {
    CliError::Verbatim(e.to_string()).into()
}

/// When an event last happened, as kubectl sorts them: the series' last
/// observation, else the last timestamp, else the event time (a missing
/// time is the earliest).
fn sort_time(event: &Value) -> Option<DateTime<Utc>> {
    let text = |path: &str| event.pointer(path).and_then(Value::as_str).unwrap_or("");
    if event.get("series").is_some_and(|s| !s.is_null()) {
        return parse_time(text("/series/lastObservedTime"));
    }
    parse_time(text("/lastTimestamp")).or_else(|| parse_time(text("/eventTime")))
}

/// Where events go: kubectl's event table, or the `-o` printer.
struct Sink {
    printer: Option<Printer>,
    table: EventTable,
    show_managed_fields: bool,
}

impl Sink {
    fn print_list(
        &mut self,
        events: Vec<Value>,
        w: &mut dyn Write,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.printer.is_none() {
            for event in &events {
                self.table.print(w, event, now)?;
            }
            return Ok(());
        }
        let mut list = Map::new();
        list.insert("kind".into(), "EventList".into());
        list.insert("apiVersion".into(), "v1".into());
        list.insert("metadata".into(), Value::Object(Map::new()));
        list.insert(
            "items".into(),
            Value::Array(events.into_iter().map(typed_event).collect()),
        );
        self.print_object(Value::Object(list), w)
    }

    fn print_event(&mut self, event: Value, w: &mut dyn Write, now: DateTime<Utc>) -> Result<()> {
        if self.printer.is_none() {
            return self.table.print(w, &event, now);
        }
        self.print_object(typed_event(event), w)
    }

    /// Through the `-o` printer; kubectl ignores what it fails on.
    fn print_object(&mut self, mut obj: Value, w: &mut dyn Write) -> Result<()> {
        let Some(printer) = self.printer.as_mut() else {
            return Ok(());
        };
        if !self.show_managed_fields
            && matches!(
                printer.format(),
                OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Kyaml
            )
        {
            strip_managed_fields(&mut obj);
        }
        if printer.format() == &OutputFormat::Name && obj.get("items").is_some() {
            // kubectl's name printer refuses typed lists; the error is dropped.
            return Ok(());
        }
        let mut buffer: Vec<u8> = Vec::new();
        let printed = printer.print(&obj, &mut buffer);
        w.write_all(&buffer)?;
        if let Err(e) = printed {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return Err(e);
            }
        }
        Ok(())
    }
}

/// An event as kubectl's typed client holds it: `kind` and `apiVersion`
/// first, then the fields in the server's order.
fn typed_event(event: Value) -> Value {
    let Value::Object(fields) = event else {
        return event;
    };
    let mut typed = Map::new();
    typed.insert("kind".into(), "Event".into());
    typed.insert("apiVersion".into(), "v1".into());
    for (k, v) in fields {
        if k != "kind" && k != "apiVersion" {
            typed.insert(k, v);
        }
    }
    Value::Object(typed)
}

/// kubectl's event table: the header once, then a row per event.
pub struct EventTable {
    pub no_headers: bool,
    pub all_namespaces: bool,
    headers_printed: bool,
}

impl EventTable {
    pub fn print(&mut self, w: &mut dyn Write, event: &Value, now: DateTime<Utc>) -> Result<()> {
        if !self.no_headers && !self.headers_printed {
            if self.all_namespaces {
                write!(w, "NAMESPACE\t")?;
            }
            writeln!(w, "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE")?;
            self.headers_printed = true;
        }
        let text = |path: &str| event.pointer(path).and_then(Value::as_str).unwrap_or("");
        if self.all_namespaces {
            write!(w, "{}\t", text("/metadata/namespace"))?;
        }
        writeln!(
            w,
            "{}\t{}\t{}\t{}/{}\t{}",
            interval(event, now),
            escape_terminal(text("/type")),
            escape_terminal(text("/reason")),
            escape_terminal(text("/involvedObject/kind")),
            escape_terminal(text("/involvedObject/name")),
            escape_terminal(text("/message").trim_matches(go_space)),
        )?;
        Ok(())
    }
}

/// Go's `unicode.IsSpace` (what `strings.TrimSpace` trims).
fn go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// cli-runtime's `EscapeTerminal`: escape and carriage return made visible.
fn escape_terminal(text: &str) -> String {
    text.replace('\x1b', "^[").replace('\r', "\\r")
}

/// The LAST SEEN cell: `5m`, or `5m (x3 over 20m)` for a repeated event.
pub fn interval(event: &Value, now: DateTime<Utc>) -> String {
    let text = |path: &str| event.pointer(path).and_then(Value::as_str).unwrap_or("");
    let ago = |t: &str| match parse_time(t) {
        Some(t) => since(t, now),
        None => "<unknown>".to_string(),
    };
    let first = if parse_time(text("/eventTime")).is_some() {
        ago(text("/eventTime"))
    } else {
        ago(text("/firstTimestamp"))
    };
    if event.get("series").is_some_and(|s| !s.is_null()) {
        let count = event
            .pointer("/series/count")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        return format!(
            "{} (x{count} over {first})",
            ago(text("/series/lastObservedTime"))
        );
    }
    let count = event.get("count").and_then(Value::as_i64).unwrap_or(0);
    if count > 1 {
        return format!("{} (x{count} over {first})", ago(text("/lastTimestamp")));
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        parse_time("2026-12-06T12:00:00Z").unwrap()
    }

    #[test]
    fn intervals_like_kubectl() {
        let single = json!({"firstTimestamp": "2026-12-06T11:55:00Z", "lastTimestamp": "2026-12-06T11:55:00Z", "count": 1});
        assert_eq!(interval(&single, now()), "5m");
        let repeated = json!({"firstTimestamp": "2026-12-06T11:00:00Z", "lastTimestamp": "2026-12-06T11:59:30Z", "count": 12});
        assert_eq!(interval(&repeated, now()), "30s (x12 over 60m)");
        let series = json!({"eventTime": "2026-12-06T10:00:00.123456Z", "firstTimestamp": null,
            "series": {"count": 3, "lastObservedTime": "2026-12-06T11:58:00.000001Z"}});
        assert_eq!(interval(&series, now()), "119s (x3 over 119m)");
        let unknown = json!({"eventTime": null, "firstTimestamp": null});
        assert_eq!(interval(&unknown, now()), "<unknown>");
    }

    #[test]
    fn sorted_by_series_then_last_then_event_time() {
        let a = json!({"lastTimestamp": "2026-12-06T11:00:00Z", "eventTime": "2026-12-06T09:00:00.000000Z"});
        let b = json!({"lastTimestamp": null, "eventTime": "2026-12-06T10:00:00.000000Z"});
        let c = json!({"lastTimestamp": "2026-12-06T08:00:00Z",
            "series": {"lastObservedTime": "2026-12-06T12:00:00.000000Z", "count": 2}});
        assert!(sort_time(&b) < sort_time(&a));
        assert!(sort_time(&a) < sort_time(&c));
        assert_eq!(sort_time(&json!({})), None);
    }

    #[test]
    fn table_rows_with_namespace_and_escapes() {
        let mut table = EventTable {
            no_headers: false,
            all_namespaces: true,
            headers_printed: false,
        };
        let event = json!({"metadata": {"namespace": "ns"}, "type": "Warning", "reason": "Bad\x1b",
            "involvedObject": {"kind": "Pod", "name": "p"}, "message": "  bro\rke\r  ",
            "firstTimestamp": "2026-12-06T11:59:00Z", "count": 1});
        let mut out = Vec::new();
        table.print(&mut out, &event, now()).unwrap();
        table.print(&mut out, &event, now()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "NAMESPACE\tLAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n\
             ns\t60s\tWarning\tBad^[\tPod/p\tbro\\rke\n\
             ns\t60s\tWarning\tBad^[\tPod/p\tbro\\rke\n"
        );
    }

    #[test]
    fn typed_events_lead_with_kind_and_api_version() {
        let e = typed_event(json!({"metadata": {"name": "x"}, "reason": "R"}));
        let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "apiVersion", "metadata", "reason"]);
    }
}
