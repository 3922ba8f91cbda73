//! HorizontalPodAutoscalers (autoscaling/v2): metrics as `current / target`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events_section;
use super::format::{annotations_multiline, labels_multiline, rfc1123z_at};
use super::json::{arr, at, has, i, name, namespace, opt_i, opt_s, s, string_map};
use super::related::Related;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use crate::flags::go_values::go_quote;
use crate::quantity::canonical;

/// `(*Quantity).String()`: `<nil>` when unset.
fn q(v: &Value, path: &[&str]) -> String {
    match opt_s(v, path) {
        Some(text) => canonical(text),
        None => "<nil>".to_string(),
    }
}

pub fn describe(hpa: &Value, related: &Related, show_events: bool, now: DateTime<Utc>) -> String {
    let spec = at(hpa, &["spec"]);
    let current: &[Value] = arr(hpa, &["status", "currentMetrics"]);
    let cur = |n: usize, field: &str| -> Option<&Value> {
        current
            .get(n)
            .map(|m| at(m, &[field]))
            .filter(|v| !v.is_null())
    };
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(hpa)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(hpa)));
    labels_multiline(&mut w, "Labels", &string_map(hpa, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(hpa, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z_at(hpa, &["metadata", "creationTimestamp"])
        ),
    );
    let target_kind = s(spec, &["scaleTargetRef", "kind"]);
    w.write(
        LEVEL_0,
        &format!(
            "Reference:\t{target_kind}/{}\n",
            s(spec, &["scaleTargetRef", "name"])
        ),
    );
    w.write(LEVEL_0, "Metrics:\t( current / target )\n");
    for (n, m) in arr(spec, &["metrics"]).iter().enumerate() {
        match s(m, &["type"]) {
            "External" => {
                let e = at(m, &["external"]);
                let metric = go_quote(s(e, &["metric", "name"]));
                if has(e, &["target", "averageValue"]) {
                    let c = cur(n, "external")
                        .filter(|c| has(c, &["current", "averageValue"]))
                        .map(|c| q(c, &["current", "averageValue"]))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    w.write(
                        LEVEL_1,
                        &format!(
                            "{metric} (target average value):\t{c} / {}\n",
                            q(e, &["target", "averageValue"])
                        ),
                    );
                } else {
                    let c = cur(n, "external")
                        .map(|c| q(c, &["current", "value"]))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    w.write(
                        LEVEL_1,
                        &format!(
                            "{metric} (target value):\t{c} / {}\n",
                            q(e, &["target", "value"])
                        ),
                    );
                }
            }
            "Pods" => {
                let p = at(m, &["pods"]);
                let c = cur(n, "pods")
                    .map(|c| q(c, &["current", "averageValue"]))
                    .unwrap_or_else(|| "<unknown>".to_string());
                w.write(
                    LEVEL_1,
                    &format!(
                        "{} on pods:\t{c} / {}\n",
                        go_quote(s(p, &["metric", "name"])),
                        q(p, &["target", "averageValue"])
                    ),
                );
            }
            "Object" => {
                let o = at(m, &["object"]);
                w.write(
                    LEVEL_1,
                    &format!(
                        "\"{}\" on {}/{} ",
                        s(o, &["metric", "name"]),
                        s(o, &["describedObject", "kind"]),
                        s(o, &["describedObject", "name"])
                    ),
                );
                if s(o, &["target", "type"]) == "AverageValue" {
                    let c = cur(n, "object")
                        .map(|c| q(c, &["current", "averageValue"]))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    w.write(
                        LEVEL_0,
                        &format!(
                            "(target average value):\t{c} / {}\n",
                            q(o, &["target", "averageValue"])
                        ),
                    );
                } else {
                    let c = cur(n, "object")
                        .map(|c| q(c, &["current", "value"]))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    w.write(
                        LEVEL_0,
                        &format!("(target value):\t{c} / {}\n", q(o, &["target", "value"])),
                    );
                }
            }
            "Resource" | "ContainerResource" => {
                let (field, head) = if s(m, &["type"]) == "Resource" {
                    let r = at(m, &["resource"]);
                    ("resource", format!("resource {} on pods", s(r, &["name"])))
                } else {
                    let r = at(m, &["containerResource"]);
                    (
                        "containerResource",
                        format!(
                            "resource {} of container \"{}\" on pods",
                            s(r, &["name"]),
                            s(r, &["container"])
                        ),
                    )
                };
                let r = at(m, &[field]);
                w.write(LEVEL_1, &head);
                if has(r, &["target", "averageValue"]) {
                    let c = cur(n, field)
                        .map(|c| q(c, &["current", "averageValue"]))
                        .unwrap_or_else(|| "<unknown>".to_string());
                    w.write(
                        LEVEL_0,
                        &format!(":\t{c} / {}\n", q(r, &["target", "averageValue"])),
                    );
                } else {
                    let c = cur(n, field)
                        .filter(|c| has(c, &["current", "averageUtilization"]))
                        .map(|c| {
                            format!(
                                "{}% ({})",
                                i(c, &["current", "averageUtilization"]),
                                q(c, &["current", "averageValue"])
                            )
                        })
                        .unwrap_or_else(|| "<unknown>".to_string());
                    let target = opt_i(r, &["target", "averageUtilization"])
                        .map(|u| format!("{u}%"))
                        .unwrap_or_else(|| "<auto>".to_string());
                    w.write(
                        LEVEL_1,
                        &format!("(as a percentage of request):\t{c} / {target}\n"),
                    );
                }
            }
            other => w.write(
                LEVEL_1,
                &format!("<unknown metric type {}>\n", go_quote(other)),
            ),
        }
    }
    let min = opt_i(spec, &["minReplicas"])
        .map(|m| m.to_string())
        .unwrap_or_else(|| "<unset>".to_string());
    w.write(LEVEL_0, &format!("Min replicas:\t{min}\n"));
    w.write(
        LEVEL_0,
        &format!("Max replicas:\t{}\n", i(spec, &["maxReplicas"])),
    );
    let behavior = at(spec, &["behavior"]);
    if !behavior.is_null() {
        w.write(LEVEL_0, "Behavior:\n");
        direction(&mut w, "Scale Up", at(behavior, &["scaleUp"]));
        direction(&mut w, "Scale Down", at(behavior, &["scaleDown"]));
    }
    w.write(LEVEL_0, &format!("{target_kind} pods:\t"));
    w.write(
        LEVEL_0,
        &format!(
            "{} current / {} desired\n",
            i(hpa, &["status", "currentReplicas"]),
            i(hpa, &["status", "desiredReplicas"])
        ),
    );
    let conditions = arr(hpa, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t------\t-------\n");
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{}\t{}\t{}\t{}\n",
                    s(c, &["type"]),
                    s(c, &["status"]),
                    s(c, &["reason"]),
                    s(c, &["message"])
                ),
            );
        }
    }
    events_section(
        &mut w,
        hpa,
        "HorizontalPodAutoscaler",
        related,
        show_events,
        now,
    );
    w.finish()
}

fn direction(w: &mut PrefixWriter, title: &str, rules: &Value) {
    if rules.is_null() {
        return;
    }
    w.write(LEVEL_1, &format!("{title}:\n"));
    if let Some(window) = opt_i(rules, &["stabilizationWindowSeconds"]) {
        w.write(
            LEVEL_2,
            &format!("Stabilization Window: {window} seconds\n"),
        );
    }
    let policies = arr(rules, &["policies"]);
    if !policies.is_empty() {
        let select = opt_s(rules, &["selectPolicy"]).unwrap_or("Max");
        w.write(LEVEL_2, &format!("Select Policy: {select}\n"));
        w.write(LEVEL_2, "Policies:\n");
        for p in policies {
            w.write(
                LEVEL_3,
                &format!(
                    "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                    s(p, &["type"]),
                    i(p, &["value"]),
                    i(p, &["periodSeconds"])
                ),
            );
        }
    }
}
