//! `get -o json|yaml|name|jsonpath…`: whole objects. One named object prints
//! bare; anything else is gathered into a `List`, as kubectl does.

use anyhow::Result;
use serde_json::{json, Value};

use super::{report, sort_failure, GetArgs};
use crate::client::ACCEPT_JSON;
use crate::context::{Connection, Context};
use crate::printers::gotemplate::{self, ExecError, GoTemplate, ItemStream};
use crate::printers::jsonpath::ItemTemplate;
use crate::printers::sort_by;
use crate::printers::style::{self, Span};
use crate::printers::{json, yaml};
use crate::printers::{sort_keys, OutputFormat, Printer};
use crate::resource::builder::Plan;
use crate::resource::fetch::{ListError, ListItems, ListQuery, Pager};
use crate::resource::infos::list_items;

/// JSON, YAML and names of a list can be written item by item as pages
/// arrive, in exactly the bytes of the whole `List` printed at once. Each
/// item is rendered on its own, then written in its place in the list
/// (rendered items can be held, and written in another order).
enum ListWriter {
    Json { count: usize },
    Yaml { count: usize },
    Name,
}

impl ListWriter {
    fn for_format(format: &OutputFormat) -> Option<ListWriter> {
        match format {
            OutputFormat::Json => Some(ListWriter::Json { count: 0 }),
            OutputFormat::Yaml => Some(ListWriter::Yaml { count: 0 }),
            OutputFormat::Name => Some(ListWriter::Name),
            _ => None,
        }
    }

    /// `items:` as YAML writes it.
    fn yaml_items_line() -> String {
        format!("{}:\n", style::paint(Span::Key, "items"))
    }

    /// Appends an item as it reads inside the whole list to `text`.
    fn render(&self, item: &Value, text: &mut String) -> Result<()> {
        match self {
            ListWriter::Json { .. } => {
                text.push_str("        ");
                json::write_styled_pretty_at(text, item, 2);
            }
            ListWriter::Yaml { .. } => {
                // An item renders as it does under `items:` in the whole list.
                let wrapped = yaml::to_styled_string(&json!({ "items": [item] }))?;
                let items = Self::yaml_items_line();
                text.push_str(wrapped.strip_prefix(&items).unwrap_or(&wrapped));
            }
            ListWriter::Name => {
                let mut line = Vec::new();
                Printer::new(OutputFormat::Name).print(item, &mut line)?;
                text.push_str(&String::from_utf8_lossy(&line));
            }
        }
        Ok(())
    }

    /// Writes the next rendered item, after what goes before it.
    fn write(&mut self, rendered: &str, out: &mut dyn std::io::Write) -> Result<()> {
        match self {
            ListWriter::Json { count } => {
                if *count == 0 {
                    let head =
                        json::to_styled_string_pretty(&json!({"apiVersion": "v1", "items": []}));
                    // `{ "apiVersion": "v1", "items": [` of the whole list.
                    out.write_all(head.strip_suffix("]\n}\n").unwrap_or(&head).as_bytes())?;
                    out.write_all(b"\n")?;
                } else {
                    out.write_all(b",\n")?;
                }
                *count += 1;
            }
            ListWriter::Yaml { count } => {
                if *count == 0 {
                    let head = yaml::to_styled_string(&json!({"apiVersion": "v1"}))?;
                    out.write_all(head.as_bytes())?;
                    out.write_all(Self::yaml_items_line().as_bytes())?;
                }
                *count += 1;
            }
            ListWriter::Name => {}
        }
        out.write_all(rendered.as_bytes())?;
        Ok(())
    }

    /// Renders and writes an item; `scratch` is reused from item to item.
    fn item(
        &mut self,
        item: &Value,
        scratch: &mut String,
        out: &mut dyn std::io::Write,
    ) -> Result<()> {
        scratch.clear();
        self.render(item, scratch)?;
        self.write(scratch, out)
    }

    fn finish(&mut self, out: &mut dyn std::io::Write) -> Result<()> {
        let text = match self {
            ListWriter::Json { count: 0, .. } => json::to_styled_string_pretty(&empty_list()),
            ListWriter::Json { .. } => {
                let tail = json::to_styled_string_pretty(&list_tail());
                format!("\n    ],\n{}", tail.strip_prefix("{\n").unwrap_or(&tail))
            }
            ListWriter::Yaml { count: 0 } => yaml::to_styled_string(&empty_list())?,
            ListWriter::Yaml { .. } => yaml::to_styled_string(&list_tail())?,
            ListWriter::Name => String::new(),
        };
        out.write_all(text.as_bytes())?;
        Ok(())
    }
}

/// What follows the items of a `List`.
fn list_tail() -> Value {
    json!({"kind": "List", "metadata": {"resourceVersion": ""}})
}

fn empty_list() -> Value {
    json!({"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// Makes an object read from the server print as kubectl prints it.
fn prepare(item: &mut Value, strip_managed: bool) {
    if strip_managed {
        if let Some(meta) = item.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.shift_remove("managedFields");
        }
    }
    sort_keys(item);
}

pub async fn print(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    format: OutputFormat,
    prior_errors: Vec<anyhow::Error>,
) -> Result<()> {
    let strip_managed = !args.print.show_managed_fields
        && matches!(
            format,
            OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Kyaml
        );
    // Sorted lists keep each item's key and rendered text, not the item.
    if let (Plan::List { .. }, Some(writer), Some(field)) =
        (&plan, ListWriter::for_format(&format), args.sort_field())
    {
        return sorted_list(ctx, conn, plan, args, writer, field, strip_managed).await;
    }
    // Sorting needs every item first; otherwise lists stream.
    if let (Plan::List { .. }, Some(writer), None) =
        (&plan, ListWriter::for_format(&format), args.sort_field())
    {
        return stream_list(ctx, conn, plan, args, writer, strip_managed).await;
    }
    if let (Plan::List { .. }, OutputFormat::GoTemplate(template), None) =
        (&plan, &format, args.sort_field())
    {
        if let Some(stream) = template.item_stream() {
            return stream_template(ctx, conn, plan, args, template, stream).await;
        }
    }
    if let (Plan::List { .. }, None) = (&plan, args.sort_field()) {
        match format {
            OutputFormat::JsonPath(ref t) | OutputFormat::JsonPathFile(ref t) => {
                if let Some(items) = t.item_template() {
                    return stream_jsonpath(ctx, conn, plan, args, format.clone(), items).await;
                }
            }
            OutputFormat::CustomColumns(columns) => {
                return stream_columns(ctx, conn, plan, args, *columns).await;
            }
            _ => {}
        }
    }
    let client = &conn.client;
    let sort_by = args.sort_field();
    let mut errors: Vec<anyhow::Error> = prior_errors;
    let mut items: Vec<Value> = Vec::new();
    let mut single = false;
    match plan {
        plan @ Plan::List { .. } => {
            let limit = if sort_by.is_some() {
                0
            } else {
                args.chunk_size
            };
            let mut listed = PlanItems::new(conn, plan, limit);
            while let Some(item) = listed.next(&mut errors).await {
                items.push(item);
            }
        }
        Plan::Named {
            items: targets,
            single_item_implied,
        } => {
            single = single_item_implied;
            for target in targets {
                match super::fetch_named(client, &target, &args.subresource, ACCEPT_JSON).await {
                    Ok(body) => match crate::client::decode::unstructured(&body) {
                        Ok(object) => items.push(object),
                        Err(e) if single_item_implied => return Err(e.into()),
                        Err(e) => errors.push(e.into()),
                    },
                    Err(e) if args.ignore_not_found && e.is_not_found() => {}
                    Err(e) if single_item_implied => return Err(e.into()),
                    Err(e) => errors.push(e.into()),
                }
            }
        }
    }
    if items.is_empty() && args.ignore_not_found {
        return report(errors);
    }
    // kubectl sorts what it prints as a List (not one named object), with
    // managed fields still in place; a failed sort prints nothing and joins
    // the other errors.
    let as_list = !(single && items.len() == 1);
    if let (Some(field), true, false) = (sort_by, as_list, items.is_empty()) {
        match sort_by::sort_objects(&items, field) {
            Ok(order) => items = super::human::reorder(items, &order),
            Err(e @ sort_by::SortError::Fatal { .. }) => return Err(sort_failure(&mut ctx.err, e)),
            Err(e) => {
                errors.push(sort_failure(&mut ctx.err, e));
                return report(errors);
            }
        }
    }
    for item in items.iter_mut() {
        prepare(item, strip_managed);
    }
    let object = if !as_list {
        items.remove(0)
    } else {
        list_of(items)
    };
    let mut printer = Printer::new(format);
    if let Err(e) = printer.print(&object, &mut ctx.out) {
        errors.push(e);
    }
    report(errors)
}

/// The `List` kubectl prints for several items.
fn list_of(items: Vec<Value>) -> Value {
    json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": { "resourceVersion": "" }
    })
}

/// `-o go-template` over lists, for templates that range over `.items`:
/// each item is printed as it arrives. The pages are kept (as received) in
/// case the template fails, since kubectl's error dump shows the whole list.
async fn stream_template(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    template: &GoTemplate,
    mut stream: ItemStream<'_>,
) -> Result<()> {
    let Plan::List {
        targets,
        label_selector,
        field_selector,
    } = plan
    else {
        return Ok(());
    };
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut pages: Vec<bytes::Bytes> = Vec::new();
    let mut failed: Option<String> = None;
    for target in targets {
        let query = ListQuery {
            label_selector: label_selector.clone(),
            field_selector: field_selector.clone(),
            limit: args.chunk_size,
            include_object: None,
        };
        let mut pager = Pager::new(
            &conn.client,
            &target.mapping,
            target.namespace.as_deref(),
            query,
            ACCEPT_JSON,
        );
        loop {
            match pager.next_page().await {
                Ok(Some(body)) => {
                    if failed.is_none() {
                        for item in list_items(serde_json::from_slice(&body)?) {
                            match stream.item(&item, &mut ctx.out) {
                                Ok(()) => {}
                                Err(ExecError::Template(msg)) => {
                                    failed = Some(msg);
                                    break;
                                }
                                Err(ExecError::Io(e)) => return Err(e.into()),
                            }
                        }
                    }
                    pages.push(body);
                }
                Ok(None) => break,
                Err(e) => {
                    errors.push(e.into());
                    break;
                }
            }
        }
    }
    if let Some(msg) = failed {
        let mut items = Vec::new();
        for page in &pages {
            items.extend(list_items(serde_json::from_slice(page)?));
        }
        drop(pages);
        let mut list = list_of(items);
        sort_keys(&mut list);
        errors.push(gotemplate::failure(template, &list, &msg, &mut ctx.out));
        return report(errors);
    }
    if !stream.finish(&mut ctx.out)? {
        let mut printer = Printer::new(OutputFormat::GoTemplate(Box::new(template.clone())));
        if let Err(e) = printer.print(&list_of(Vec::new()), &mut ctx.out) {
            errors.push(e);
        }
    }
    report(errors)
}

/// Lists page by page, printing each item as it arrives.
async fn stream_list(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    mut writer: ListWriter,
    strip_managed: bool,
) -> Result<()> {
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut items = PlanItems::new(conn, plan, args.chunk_size);
    let mut scratch = String::new();
    while let Some(mut item) = items.next(&mut errors).await {
        prepare(&mut item, strip_managed);
        writer.item(&item, &mut scratch, &mut ctx.out)?;
    }
    writer.finish(&mut ctx.out)?;
    report(errors)
}

/// The items of a plan's lists, type after type, as they arrive; what
/// went wrong with a type is collected and the next type is listed.
struct PlanItems<'a> {
    client: &'a crate::client::ApiClient,
    targets: std::vec::IntoIter<crate::resource::builder::ListTarget>,
    query: ListQuery,
    current: Option<(ListItems<'a>, String)>,
}

impl<'a> PlanItems<'a> {
    /// The items of `plan` if it lists (named objects have none).
    fn new(conn: &'a Connection, plan: Plan, limit: i64) -> PlanItems<'a> {
        let (targets, label_selector, field_selector) = match plan {
            Plan::List {
                targets,
                label_selector,
                field_selector,
            } => (targets, label_selector, field_selector),
            Plan::Named { .. } => (Vec::new(), String::new(), String::new()),
        };
        PlanItems {
            client: &conn.client,
            targets: targets.into_iter(),
            query: ListQuery {
                label_selector,
                field_selector,
                limit,
                include_object: None,
            },
            current: None,
        }
    }

    async fn next(&mut self, errors: &mut Vec<anyhow::Error>) -> Option<Value> {
        loop {
            if self.current.is_none() {
                let target = self.targets.next()?;
                let pager = Pager::new(
                    self.client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    self.query.clone(),
                    ACCEPT_JSON,
                );
                self.current = Some((pager.into_items(), target.mapping.gvr_string()));
            }
            let (items, gvr) = self.current.as_mut()?;
            match items.next().await {
                Ok(Some(item)) => return Some(item),
                Ok(None) => {}
                Err(ListError::Api(e)) => errors.push(
                    crate::resource::fetch::enhance_list_error(
                        e,
                        gvr,
                        &self.query.label_selector,
                        &self.query.field_selector,
                    )
                    .into(),
                ),
                Err(e) => errors.push(e.into()),
            }
            self.current = None;
        }
    }
}

/// `-o jsonpath` over lists, for templates made of the items one by one:
/// each item is evaluated as it arrives. Only its compact JSON is kept,
/// and the output is held until the end: should an item fail, the whole
/// list is evaluated as kubectl evaluates it (an error there prints
/// nothing but the error; a key missing from one item is no error over
/// the whole list).
async fn stream_jsonpath(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    format: OutputFormat,
    mut template: ItemTemplate,
) -> Result<()> {
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut listed = PlanItems::new(conn, plan, args.chunk_size);
    if template.cannot_fail() {
        // Nothing to keep for an error dump: each item is written as it
        // arrives.
        let mut items = 0usize;
        while let Some(mut item) = listed.next(&mut errors).await {
            prepare(&mut item, false);
            if items == 0 {
                template.leading(&mut ctx.out)?;
            }
            items += 1;
            template.item(item, &mut ctx.out)?;
        }
        if items > 0 {
            template.trailing(&mut ctx.out)?;
        } else if !args.ignore_not_found {
            if let Err(e) = Printer::new(format).print(&list_of(Vec::new()), &mut ctx.out) {
                errors.push(e);
            }
        }
        return report(errors);
    }
    let mut kept: Vec<Vec<u8>> = Vec::new();
    let mut output: Vec<u8> = Vec::new();
    let mut failed = false;
    while let Some(mut item) = listed.next(&mut errors).await {
        prepare(&mut item, false);
        kept.push(serde_json::to_vec(&item)?);
        if !failed && template.item(item, &mut output).is_err() {
            failed = true;
            output = Vec::new();
        }
    }
    if failed || kept.is_empty() {
        drop(output);
        let items = kept
            .iter()
            .map(|k| serde_json::from_slice(k))
            .collect::<Result<Vec<Value>, _>>()?;
        drop(kept);
        if items.is_empty() && args.ignore_not_found {
            return report(errors);
        }
        if let Err(e) = Printer::new(format).print(&list_of(items), &mut ctx.out) {
            errors.push(e);
        }
        return report(errors);
    }
    drop(kept);
    template.leading(&mut ctx.out)?;
    ctx.out.write_all(&output)?;
    template.trailing(&mut ctx.out)?;
    report(errors)
}

/// `-o custom-columns` over lists: a row per item as it arrives (the
/// table is aligned, so written at the end, as kubectl writes it).
async fn stream_columns(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    mut columns: crate::printers::custom_columns::CustomColumns,
) -> Result<()> {
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut listed = PlanItems::new(conn, plan, args.chunk_size);
    let mut table = None;
    let mut failure: Option<anyhow::Error> = None;
    while let Some(mut item) = listed.next(&mut errors).await {
        if failure.is_some() {
            continue;
        }
        prepare(&mut item, false);
        if table.is_none() {
            table = Some(columns.begin(&mut ctx.out)?);
        }
        if let Some(tw) = table.as_mut() {
            if let Err(e) = columns.print_row(&item, tw) {
                failure = Some(e);
            }
        }
    }
    // A row that failed: the table is not written, the error comes last.
    if let Some(e) = failure {
        drop(table);
        errors.push(e);
        return report(errors);
    }
    match table {
        Some(mut tw) => tw.flush_pending()?,
        None if args.ignore_not_found => {}
        None => columns.begin(&mut ctx.out)?.flush_pending()?,
    }
    report(errors)
}

/// `--sort-by` over lists printed as JSON, YAML or names: as each item
/// arrives its sort key is read (managed fields still in place, as kubectl
/// sorts) and it is rendered; the texts are written in sorted order.
async fn sorted_list(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    mut writer: ListWriter,
    field: &str,
    strip_managed: bool,
) -> Result<()> {
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut keys = sort_by::ObjectKeys::new(field);
    // kubectl lists everything at once when sorting.
    let mut listed = PlanItems::new(conn, plan, 0);
    let mut rendered: Vec<String> = Vec::new();
    while let Some(mut item) = listed.next(&mut errors).await {
        if let Ok(keys) = keys.as_mut() {
            keys.add(&item);
        }
        prepare(&mut item, strip_managed);
        let mut text = String::new();
        writer.render(&item, &mut text)?;
        rendered.push(text);
    }
    if rendered.is_empty() && args.ignore_not_found {
        return report(errors);
    }
    if !rendered.is_empty() {
        match keys.and_then(sort_by::ObjectKeys::sort) {
            Ok(order) => rendered = super::human::reorder(rendered, &order),
            Err(e @ sort_by::SortError::Fatal { .. }) => return Err(sort_failure(&mut ctx.err, e)),
            Err(e) => {
                errors.push(sort_failure(&mut ctx.err, e));
                return report(errors);
            }
        }
    }
    for text in &rendered {
        writer.write(text, &mut ctx.out)?;
    }
    writer.finish(&mut ctx.out)?;
    report(errors)
}
