//! `get -o json|yaml|name|jsonpath…`: whole objects. One named object prints
//! bare; anything else is gathered into a `List`, as kubectl does.

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::{report, sort_failure, GetArgs};
use crate::client::ACCEPT_JSON;
use crate::context::{Connection, Context};
use crate::printers::sort_by;
use crate::printers::{sort_keys, OutputFormat, Printer};
use crate::resource::builder::Plan;
use crate::resource::fetch::{get_object, ListQuery, Pager};

pub async fn print(
    ctx: &mut Context,
    conn: &Connection,
    plan: Plan,
    args: &GetArgs,
    format: OutputFormat,
) -> Result<()> {
    let client = &conn.client;
    let sort_by = args.sort_field();
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut items: Vec<Value> = Vec::new();
    let mut single = false;
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
                    limit: if sort_by.is_some() {
                        0
                    } else {
                        args.chunk_size
                    },
                    include_object: None,
                };
                let mut pager = Pager::new(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    query,
                    ACCEPT_JSON,
                );
                loop {
                    match pager.next_page().await {
                        Ok(Some(body)) => items.extend(list_items(serde_json::from_slice(&body)?)),
                        Ok(None) => break,
                        Err(e) => {
                            errors.push(e.into());
                            break;
                        }
                    }
                }
            }
        }
        Plan::Named {
            items: targets,
            single_item_implied,
        } => {
            single = single_item_implied;
            for target in targets {
                match get_object(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    &target.name,
                    ACCEPT_JSON,
                )
                .await
                {
                    Ok(body) => items.push(serde_json::from_slice(&body)?),
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
    let strip_managed = !args.print.show_managed_fields
        && matches!(
            format,
            OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Kyaml
        );
    for item in items.iter_mut() {
        if strip_managed {
            if let Some(meta) = item.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.shift_remove("managedFields");
            }
        }
        sort_keys(item);
    }
    let object = if !as_list {
        items.remove(0)
    } else {
        json!({
            "apiVersion": "v1",
            "items": items,
            "kind": "List",
            "metadata": { "resourceVersion": "" }
        })
    };
    let mut printer = Printer::new(format);
    printer.print(&object, &mut ctx.out)?;
    report(errors)
}

/// The items of a list response, each given the `apiVersion` and `kind`
/// the list implies (list items arrive without them).
pub(super) fn list_items(list: Value) -> Vec<Value> {
    let Value::Object(mut list) = list else {
        return Vec::new();
    };
    let api_version = list.get("apiVersion").cloned().unwrap_or(Value::Null);
    let kind = list
        .get("kind")
        .and_then(Value::as_str)
        .map(|k| k.strip_suffix("List").unwrap_or(k).to_string());
    let Some(Value::Array(items)) = list.remove("items") else {
        return Vec::new();
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::Object(map) => {
                let mut with_type = Map::with_capacity(map.len() + 2);
                if !map.contains_key("apiVersion") {
                    with_type.insert("apiVersion".into(), api_version.clone());
                }
                if let (Some(k), false) = (&kind, map.contains_key("kind")) {
                    with_type.insert("kind".into(), Value::String(k.clone()));
                }
                with_type.extend(map);
                Value::Object(with_type)
            }
            other => other,
        })
        .collect()
}
