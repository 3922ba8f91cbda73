//! Describers without a cluster: recorded objects and related lists in,
//! the text kubectl 1.37.1 printed for them out (ages aside, since they
//! depend on when the recording was made).

mod common;

use kuddle::describe::{Answer, Describer, Query, Related, Settings};
use serde_json::Value;

fn recorded(name: &str) -> String {
    let path = common::fixture(&format!("describe/recorded/{name}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&recorded(name)).expect("recorded JSON")
}

/// Describes `object`, answering each list query with the recorded list
/// (a file in tests/fixtures/describe/recorded) its path names, decoded as
/// the query asks (whole objects, or pod summaries).
fn describe(object: &Value, group: &str, lists: &[(&str, &str)]) -> String {
    // Timestamps print in local time; the recordings were made in UTC.
    std::env::set_var("TZ", "UTC");
    let kind = object["kind"].as_str().unwrap_or("");
    let describer = Describer::for_kind(group, kind);
    // About when the recordings were made.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-27T08:08:34Z")
        .expect("time")
        .with_timezone(&chrono::Utc);
    let settings = Settings {
        show_events: true,
        now,
    };
    let mut related = Related::default();
    for q in describer.queries(object, &settings) {
        let Query::List { path, items, .. } = &q else {
            continue;
        };
        let file = lists
            .iter()
            .find(|(suffix, _)| path.ends_with(suffix))
            .map(|(_, file)| *file)
            .unwrap_or_else(|| panic!("no recording for {path}"));
        let mut answer = Answer::empty(*items);
        answer
            .add_page(recorded(file).as_bytes())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        related.insert(q, answer);
    }
    describer
        .describe(object, &related, &settings)
        .expect("description")
}

fn same_ignoring_ages(expected: &str, actual: &str) {
    common::assert_same_text(
        "description",
        &common::normalize_ages(expected),
        &common::normalize_ages(actual),
        "a recorded object",
    );
}

#[test]
fn pod_from_the_statefulset_walkthrough() {
    let pod = json("pod.json");
    let out = describe(&pod, "", &[("/events", "pod-events.json")]);
    same_ignoring_ages(&recorded("pod.txt"), &out);
    // Ages aside, the columns line up exactly as kubectl's did.
    assert_eq!(out.lines().count(), recorded("pod.txt").lines().count());
}

#[test]
fn statefulset_with_its_pods_and_claims() {
    let sts = json("statefulset.json");
    let out = describe(
        &sts,
        "apps",
        &[
            ("/events", "statefulset-events.json"),
            ("/pods", "statefulset-pods.json"),
        ],
    );
    same_ignoring_ages(&recorded("statefulset.txt"), &out);
}
