//! Events about an object: the request kubectl makes for them and the
//! `Events:` table (oldest last-seen first, ages like `61s (x12 over 60m)`).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::format::{parse_time, since, timestamp_since};
use super::json::{has, i, s};
use super::related::Query;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::printers::gosort;
use crate::resource::selector::escape_field_value as escape;

/// The `involvedObject` fields kubectl searches events by.
#[derive(Debug, Clone)]
pub struct EventRef<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    /// Left out for pods.
    pub kind: Option<&'a str>,
    pub uid: &'a str,
}

/// The events list request for `r` (`searchEvents`): a field selector on
/// the involved object, in the object's namespace (all namespaces for
/// cluster-scoped objects).
pub fn query(r: &EventRef) -> Query {
    let mut terms: Vec<String> = Vec::new();
    if let Some(kind) = r.kind.filter(|k| !k.is_empty()) {
        terms.push(format!("involvedObject.kind={}", escape(kind)));
    }
    terms.push(format!("involvedObject.name={}", escape(r.name)));
    terms.push(format!("involvedObject.namespace={}", escape(r.namespace)));
    if !r.uid.is_empty() {
        terms.push(format!("involvedObject.uid={}", escape(r.uid)));
    }
    let path = if r.namespace.is_empty() {
        "/api/v1/events".to_string()
    } else {
        format!(
            "/api/v1/namespaces/{}/events",
            crate::resource::mapper::path_escape(r.namespace)
        )
    };
    Query::list(path, "", terms.join(","))
}

/// The events query for an object described under `kind`.
pub fn query_for(obj: &Value, kind: &str) -> Query {
    query(&EventRef {
        namespace: s(obj, &["metadata", "namespace"]),
        name: s(obj, &["metadata", "name"]),
        kind: Some(kind),
        uid: s(obj, &["metadata", "uid"]),
    })
}

/// `DescribeEvents`.
pub fn describe(events: &[Value], w: &mut PrefixWriter, now: DateTime<Utc>) {
    if events.is_empty() {
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<(Option<DateTime<Utc>>, &Value)> = events
        .iter()
        .map(|e| (parse_time(s(e, &["lastTimestamp"])), e))
        .collect();
    // Go compares times with Before; a missing time is the earliest.
    gosort::sort_by(&mut sorted, |a, b| a.0 < b.0);
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for (_, e) in sorted {
        let event_time = s(e, &["eventTime"]);
        let first = if event_time.is_empty() {
            timestamp_since(s(e, &["firstTimestamp"]), now)
        } else {
            micro_since(event_time, now)
        };
        let count = i(e, &["count"]);
        let interval = if has(e, &["series"]) {
            format!(
                "{} (x{} over {})",
                micro_since(s(e, &["series", "lastObservedTime"]), now),
                i(e, &["series", "count"]),
                first
            )
        } else if count > 1 {
            format!(
                "{} (x{} over {})",
                timestamp_since(s(e, &["lastTimestamp"]), now),
                count,
                first
            )
        } else {
            first
        };
        let mut source = s(e, &["source", "component"]);
        if source.is_empty() {
            source = s(e, &["reportingComponent"]);
        }
        let mut message = s(e, &["message"]).trim().to_string();
        let field_path = s(e, &["involvedObject", "fieldPath"]);
        if !field_path.is_empty() {
            message = format!("{field_path}: {message}");
        }
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                s(e, &["type"]),
                s(e, &["reason"]),
                interval,
                source,
                message
            ),
        );
    }
}

/// `translateMicroTimestampSince`.
fn micro_since(text: &str, now: DateTime<Utc>) -> String {
    match parse_time(text) {
        Some(t) => since(t, now),
        None => "<unknown>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_selector_like_client_go() {
        let q = query(&EventRef {
            namespace: "ns",
            name: "web",
            kind: Some("Deployment"),
            uid: "u-1",
        });
        assert_eq!(
            q,
            Query::list(
                "/api/v1/namespaces/ns/events",
                "",
                "involvedObject.kind=Deployment,involvedObject.name=web,involvedObject.namespace=ns,involvedObject.uid=u-1"
            )
        );
        let node = query(&EventRef {
            namespace: "",
            name: "n",
            kind: Some("Node"),
            uid: "n",
        });
        assert!(matches!(node, Query::List { ref path, .. } if path == "/api/v1/events"));
    }

    #[test]
    fn table_sorted_by_last_timestamp() {
        let now = parse_time("2026-11-27T08:00:00Z").unwrap();
        let events = vec![
            json!({"type": "Normal", "reason": "B", "message": "second ", "count": 3,
                   "firstTimestamp": "2026-11-27T07:00:00Z", "lastTimestamp": "2026-11-27T07:59:00Z",
                   "source": {"component": "c"}, "involvedObject": {"fieldPath": "spec.containers{x}"}}),
            json!({"type": "Warning", "reason": "A", "message": "first", "count": 1,
                   "firstTimestamp": "2026-11-27T07:50:00Z", "lastTimestamp": "2026-11-27T07:50:00Z",
                   "reportingComponent": "rc"}),
        ];
        let mut w = PrefixWriter::new();
        describe(&events, &mut w, now);
        assert_eq!(
            w.finish(),
            "Events:\n  Type     Reason  Age                From  Message\n  ----     ------  ----               ----  -------\n  Warning  A       10m                rc    first\n  Normal   B       60s (x3 over 60m)  c     spec.containers{x}: second\n"
        );
        let mut w = PrefixWriter::new();
        describe(&[], &mut w, now);
        assert_eq!(w.finish(), "Events:  <none>\n");
    }
}
