//! The small renderings every describer shares: multi-line label and
//! annotation blocks, tolerations and taints, timestamps and ages.

use std::collections::BTreeMap;

use chrono::{DateTime, Local, TimeZone, Utc};
use serde_json::Value;

use super::json::{arr, i, opt_i, s};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::printers::gofmt::human_duration;
use crate::printers::gosort;

/// The annotation kubectl never shows.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Longest annotation line before kubectl moves the value to its own lines.
const MAX_ANNOTATION_LEN: usize = 140;

/// `printLabelsMultiline`: `Title:\tk=v` then `\tk2=v2` lines, or `<none>`.
pub fn labels_multiline(w: &mut PrefixWriter, title: &str, labels: &BTreeMap<String, String>) {
    labels_multiline_indent(w, "", title, labels);
}

pub fn labels_multiline_indent(
    w: &mut PrefixWriter,
    indent: &str,
    title: &str,
    labels: &BTreeMap<String, String>,
) {
    w.write(LEVEL_0, &format!("{indent}{title}:\t"));
    if labels.is_empty() {
        w.line("<none>");
        return;
    }
    for (n, (k, v)) in labels.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, indent);
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, &format!("{k}={v}\n"));
    }
}

/// `printAnnotationsMultiline`: long or multi-line values go on lines of
/// their own under `key:`.
pub fn annotations_multiline(
    w: &mut PrefixWriter,
    title: &str,
    annotations: &BTreeMap<String, String>,
) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let keys: Vec<&String> = annotations.keys().filter(|k| *k != LAST_APPLIED).collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    let indent = "\t";
    for (n, key) in keys.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, indent);
        }
        let value = annotations[*key]
            .strip_suffix('\n')
            .unwrap_or(&annotations[*key]);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(LEVEL_0, &format!("{key}:\n"));
            for part in value.split('\n') {
                w.write(
                    LEVEL_0,
                    &format!("{indent}  {}\n", shorten(part, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.write(LEVEL_0, &format!("{key}: {value}\n"));
        }
    }
}

/// Cuts `s` after `max` bytes and adds `...` (Go slices bytes).
pub fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        format!("{}...", byte_prefix(s, max))
    } else {
        s.to_string()
    }
}

/// The first `n` bytes of `s`, as Go's `s[:n]` (an invalid UTF-8 tail is
/// replaced).
pub fn byte_prefix(s: &str, n: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[..n.min(s.len())]).into_owned()
}

/// `printTolerationsMultilineWithIndent`.
pub fn tolerations_multiline(
    w: &mut PrefixWriter,
    indent: &str,
    title: &str,
    tolerations: &[Value],
) {
    w.write(LEVEL_0, &format!("{indent}{title}:\t"));
    if tolerations.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = tolerations.iter().collect();
    gosort::sort_by(&mut sorted, |a, b| s(a, &["key"]) < s(b, &["key"]));
    for (n, t) in sorted.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, indent);
            w.write(LEVEL_0, "\t");
        }
        let key = s(t, &["key"]);
        let value = s(t, &["value"]);
        let effect = s(t, &["effect"]);
        let mut text = key.to_string();
        if !value.is_empty() {
            text.push('=');
            text.push_str(value);
        }
        if !effect.is_empty() {
            text.push(':');
            text.push_str(effect);
        }
        if s(t, &["operator"]) == "Exists" && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                text.push_str(" op=Exists");
            } else {
                text.push_str("op=Exists");
            }
        }
        if let Some(secs) = opt_i(t, &["tolerationSeconds"]) {
            text.push_str(&format!(" for {secs}s"));
        }
        text.push('\n');
        w.write(LEVEL_0, &text);
    }
}

/// `printNodeTaintsMultiline`, sorted by effect then key.
pub fn taints_multiline(w: &mut PrefixWriter, title: &str, taints: &[Value]) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    if taints.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = taints.iter().collect();
    let key = |t: &Value| format!("{},{}", s(t, &["effect"]), s(t, &["key"]));
    gosort::sort_by(&mut sorted, |a, b| key(a) < key(b));
    for (n, t) in sorted.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, &format!("{}\n", taint_string(t)));
    }
}

/// `Taint.ToString()`: `key=value:Effect`.
pub fn taint_string(t: &Value) -> String {
    let (key, value, effect) = (s(t, &["key"]), s(t, &["value"]), s(t, &["effect"]));
    if value.is_empty() {
        format!("{key}:{effect}")
    } else {
        format!("{key}={value}:{effect}")
    }
}

/// `printPodsMultiline`: pod names, sorted.
pub fn pods_multiline(w: &mut PrefixWriter, title: &str, pods: &[&str]) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    if pods.is_empty() {
        w.line("<none>");
        return;
    }
    let mut names: Vec<&str> = pods.to_vec();
    gosort::sort_by(&mut names, |a, b| a < b);
    for (n, name) in names.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, &format!("{name}\n"));
    }
}

/// A timestamp from the API (`2026-11-27T07:13:21Z`); None when missing or
/// malformed (Go's zero time).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// RFC1123Z in local time; Go's zero time (`Mon, 01 Jan 0001 00:00:00
/// +0000`) for a missing timestamp.
pub fn rfc1123z(text: &str) -> String {
    match parse_time(text) {
        Some(t) => t
            .with_timezone(&Local)
            .format("%a, %d %b %Y %H:%M:%S %z")
            .to_string(),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
    }
}

/// RFC1123Z of the timestamp at `path`.
/// A `Type  Status  LastTransitionTime  Reason  Message` table, one level
/// in, under a `Conditions:` line the caller writes.
pub fn conditions_table(w: &mut PrefixWriter, conditions: &[Value]) {
    w.write(
        LEVEL_1,
        "Type\tStatus\tLastTransitionTime\tReason\tMessage\n",
    );
    w.write(
        LEVEL_1,
        "----\t------\t------------------\t------\t-------\n",
    );
    for c in conditions {
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                s(c, &["type"]),
                s(c, &["status"]),
                rfc1123z_at(c, &["lastTransitionTime"]),
                s(c, &["reason"]),
                s(c, &["message"])
            ),
        );
    }
}

pub fn rfc1123z_at(v: &Value, path: &[&str]) -> String {
    rfc1123z(s(v, path))
}

/// apimachinery's HumanDuration of `now - then`.
pub fn since(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let millis = (now - then).num_milliseconds();
    human_duration(millis / 1000)
}

/// `translateTimestampSince`: `<unknown>` for a missing timestamp.
pub fn timestamp_since(text: &str, now: DateTime<Utc>) -> String {
    match parse_time(text) {
        Some(t) if !is_zero_time(&t) => since(t, now),
        _ => "<unknown>".to_string(),
    }
}

fn is_zero_time(t: &DateTime<Utc>) -> bool {
    Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0)
        .single()
        .is_some_and(|z| z == *t)
}

/// `printBool`.
pub fn bool_word(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// `printBoolPtr`.
pub fn bool_ptr(b: Option<bool>) -> &'static str {
    match b {
        Some(b) => bool_word(b),
        None => "<unset>",
    }
}

pub fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

/// `GetAccessModesAsString`: `RWO,ROX,RWX,RWOP` in that order.
pub fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|x| x.as_str() == Some(m));
    let mut out = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if has(mode) {
            out.push(short);
        }
    }
    out.join(",")
}

/// `%v` of a Go string slice: `[a b]`.
pub fn go_slice(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// `%v` of a list of strings in a JSON value.
pub fn go_slice_at(v: &Value, path: &[&str]) -> String {
    let items: Vec<String> = arr(v, path)
        .iter()
        .map(|x| x.as_str().unwrap_or("").to_string())
        .collect();
    go_slice(&items)
}

/// `%d` of an int field (0 when missing).
pub fn int(v: &Value, path: &[&str]) -> i64 {
    i(v, path)
}

/// `printController`: `Kind/name` of the controlling owner.
pub fn controller(v: &Value) -> Option<String> {
    super::json::controller_of(v).map(|r| format!("{}/{}", s(r, &["kind"]), s(r, &["name"])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(f: impl FnOnce(&mut PrefixWriter)) -> String {
        let mut w = PrefixWriter::new();
        f(&mut w);
        w.finish()
    }

    #[test]
    fn labels_and_annotations() {
        let mut labels = BTreeMap::new();
        labels.insert("b".to_string(), "2".to_string());
        labels.insert("a".to_string(), "1".to_string());
        let mut ann = BTreeMap::new();
        ann.insert(LAST_APPLIED.to_string(), "{}".to_string());
        ann.insert("long".to_string(), "x".repeat(150));
        ann.insert("multi".to_string(), "one\ntwo\n".to_string());
        let out = render(|w| {
            labels_multiline(w, "Labels", &labels);
            annotations_multiline(w, "Annotations", &ann);
            labels_multiline(w, "Selector", &BTreeMap::new());
        });
        let expected = format!(
            "Labels:       a=1\n              b=2\nAnnotations:  long:\n                {}...\n              multi:\n                one\n                two\nSelector:     <none>\n",
            "x".repeat(138)
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn tolerations_like_kubectl() {
        let t = vec![
            json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}),
            json!({"operator": "Exists"}),
            json!({"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"}),
        ];
        let out = render(|w| tolerations_multiline(w, "", "Tolerations", &t));
        assert_eq!(
            out,
            "Tolerations:  op=Exists\n              k=v:NoSchedule\n              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        );
    }

    #[test]
    fn times() {
        assert_eq!(rfc1123z(""), "Mon, 01 Jan 0001 00:00:00 +0000");
        let now = parse_time("2026-11-27T08:00:00Z").unwrap();
        assert_eq!(timestamp_since("2026-11-27T07:59:00Z", now), "60s");
        assert_eq!(timestamp_since("", now), "<unknown>");
        assert_eq!(
            access_modes(&[json!("ReadWriteMany"), json!("ReadWriteOnce")]),
            "RWO,RWX"
        );
    }
}
