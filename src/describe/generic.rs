//! The describer for kinds kubectl has no dedicated one for (custom
//! resources included): name, namespace, labels, annotations, then every
//! other field, keys sorted and turned into words (`apiVersion` → `API
//! Version`).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::events;
use super::format::{annotations_multiline, labels_multiline};
use super::json::{name, namespace, string_map};
use super::related::{Query, Related};
use super::writer::{PrefixWriter, LEVEL_0};
use crate::printers::gofmt::sprint;

const SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

pub fn queries(obj: &Value, show_events: bool) -> Vec<Query> {
    if !show_events {
        return vec![];
    }
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    vec![events::query_for(obj, kind)]
}

pub fn describe(obj: &Value, related: &Related, show_events: bool, now: DateTime<Utc>) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(obj)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(obj)));
    labels_multiline(&mut w, "Labels", &string_map(obj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(obj, &["metadata", "annotations"]),
    );
    if let Some(map) = obj.as_object() {
        unstructured(&mut w, LEVEL_0, map, "");
    }
    if show_events {
        let q = queries(obj, true).remove(0);
        let list = related.items(&q).unwrap_or(&[]);
        events::describe(list, &mut w, now);
    }
    w.finish()
}

/// `printUnstructuredContent`.
fn unstructured(
    w: &mut PrefixWriter,
    level: usize,
    content: &Map<String, Value>,
    skip_prefix: &str,
) {
    let mut fields: Vec<&String> = content.keys().collect();
    fields.sort();
    for field in fields {
        let value = &content[field.as_str()];
        let skip_expr = format!("{skip_prefix}.{field}");
        if SKIP.contains(&skip_expr.as_str()) {
            continue;
        }
        match value {
            Value::Object(map) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                unstructured(w, level + 1, map, &skip_expr);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                for child in items {
                    match child {
                        Value::Object(map) => unstructured(w, level + 1, map, &skip_expr),
                        other => w.write(level + 1, &format!("{}\n", sprint(other))),
                    }
                }
            }
            other => w.write(
                level,
                &format!("{}:\t{}\n", smart_label(field), sprint(other)),
            ),
        }
    }
}

/// `smartLabelFor`: `camelCase` → `Camel Case`, keeping API/URL/UID/GUID
/// upper case; names with anything but letters and `-` stay as they are.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let parts = camel_split(field);
    let mut merged: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let part = &parts[i];
        if i + 1 < parts.len() {
            let next = &parts[i + 1];
            let all_upper = part.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
            let next_upper = next
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_uppercase());
            if part.len() >= 2 && all_upper && next_upper {
                merged.push(format!("{part}{next}"));
                i += 2;
                continue;
            }
        }
        merged.push(part.clone());
        i += 1;
    }
    let mut out: Vec<String> = Vec::with_capacity(merged.len());
    for part in merged {
        if part == "_" {
            continue;
        }
        let upper = part.to_uppercase();
        if ["API", "URL", "UID", "GUID"].contains(&upper.as_str()) {
            out.push(upper);
        } else if part.to_lowercase() == part {
            out.push(title(&part));
        } else {
            out.push(part);
        }
    }
    out.join(" ")
}

/// Capitalises the first letter of each word (`cases.Title`).
fn title(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in word.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            start = false;
        } else {
            if !c.is_alphanumeric() && c != '\'' {
                start = true;
            }
            out.push(c);
        }
    }
    out
}

/// fatih/camelcase v1.0.0's `Split`: runs of lower, upper, digit and other
/// characters; the last upper-case letter before a lower-case run starts
/// that run (`PDFLoader` → `PDF`, `Loader`).
fn camel_split(src: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in src.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let starts_upper = runs[i].first().is_some_and(|c| c.is_uppercase());
        let next_lower = runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if starts_upper && next_lower {
            if let Some(moved) = runs[i].pop() {
                runs[i + 1].insert(0, moved);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn smart_labels() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("kind"), "Kind");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("podIPs"), "Pod I Ps");
        assert_eq!(smart_label("myURLValue"), "My URLValue");
        assert_eq!(smart_label("hostIP"), "Host IP");
        assert_eq!(smart_label("foo-bar"), "Foo - Bar");
        assert_eq!(smart_label("x1"), "x1");
        assert_eq!(smart_label("resourceVersion"), "Resource Version");
    }

    #[test]
    fn unstructured_content() {
        let obj = json!({
            "apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": {"name": "w", "namespace": "ns", "uid": "u", "generation": 1,
                          "managedFields": [{"manager": "x"}]},
            "spec": {"size": 3, "ratio": 0.5, "tags": ["a", "b"], "items": [{"name": "i"}], "on": true}
        });
        let out = describe(&obj, &Related::default(), false, Utc::now());
        assert_eq!(
            out,
            "Name:         w\nNamespace:    ns\nLabels:       <none>\nAnnotations:  <none>\nAPI Version:  example.com/v1\nKind:         Widget\nMetadata:\n  Generation:  1\n  UID:         u\nSpec:\n  Items:\n    Name:  i\n  On:      true\n  Ratio:   0.5\n  Size:    3\n  Tags:\n    a\n    b\n"
        );
    }
}
