//! Controllers of pods: ReplicationControllers, ReplicaSets, Deployments,
//! StatefulSets, DaemonSets, Jobs and CronJobs.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events;
use super::format::{
    annotations_multiline, bool_ptr, controller, labels_multiline, labels_multiline_indent,
    parse_time, rfc1123z_at,
};
use super::json::{arr, at, has, i, name, namespace, opt_b, opt_i, opt_s, s, string_map, uid};
use super::pod::describe_pod_template;
use super::pod_summary::PodSummary;
use super::related::{Query, Related};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::{events_section, DescribeError};
use crate::printers::gofmt::human_duration;
use crate::printers::gosort;
use crate::quantity::canonical;
use crate::resource::mapper::path_escape;
use crate::resource::selector::{format_label_selector, format_labels, Selector};

/// Describers whose only related objects are events.
pub fn events_only(obj: &Value, kind: &str, show_events: bool) -> Vec<Query> {
    if show_events {
        vec![events::query_for(obj, kind)]
    } else {
        vec![]
    }
}

fn pods_query(ns: &str, selector: &str) -> Query {
    Query::pod_summaries(
        format!("/api/v1/namespaces/{}/pods", path_escape(ns)),
        selector,
        "",
    )
}

fn label_selector(obj: &Value) -> Result<Selector, DescribeError> {
    Selector::from_label_selector(at(obj, &["spec", "selector"])).map_err(DescribeError::Message)
}

/// Pods counted by phase, among those the controller owns
/// (`getPodStatusForController`).
struct PodCounts {
    running: usize,
    waiting: usize,
    succeeded: usize,
    failed: usize,
}

fn pod_counts(pods: &[PodSummary], owner_uid: &str) -> PodCounts {
    let mut c = PodCounts {
        running: 0,
        waiting: 0,
        succeeded: 0,
        failed: 0,
    };
    for p in pods {
        if p.controller_uid() != Some(owner_uid) {
            continue;
        }
        match p.status.phase.as_str() {
            "Running" => c.running += 1,
            "Pending" => c.waiting += 1,
            "Succeeded" => c.succeeded += 1,
            "Failed" => c.failed += 1,
            _ => {}
        }
    }
    c
}

impl PodCounts {
    fn text(&self) -> String {
        format!(
            "{} Running / {} Waiting / {} Succeeded / {} Failed",
            self.running, self.waiting, self.succeeded, self.failed
        )
    }
}

fn counts(related: &Related, q: &Query, owner: &Value) -> Result<PodCounts, DescribeError> {
    let pods = related
        .pods(q)
        .map_err(|f| DescribeError::Request(f.clone()))?;
    Ok(pod_counts(pods, uid(owner)))
}

fn conditions_type_status_reason(obj: &Value, w: &mut PrefixWriter) {
    let conditions = arr(obj, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(LEVEL_1, "----\t------\t------\n");
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{} \t{}\t{}\n",
                    s(c, &["type"]),
                    s(c, &["status"]),
                    s(c, &["reason"])
                ),
            );
        }
    }
}

// ReplicationController

fn rc_pods_query(rc: &Value) -> Query {
    let selector = Selector::from_map(&string_map(rc, &["spec", "selector"]));
    pods_query(namespace(rc), &selector.to_text())
}

pub fn rc_queries(rc: &Value, show_events: bool) -> Vec<Query> {
    let mut q = vec![rc_pods_query(rc)];
    q.extend(events_only(rc, "ReplicationController", show_events));
    q
}

pub fn describe_rc(
    rc: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let c = counts(related, &rc_pods_query(rc), rc)?;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(rc)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(rc)));
    w.write(
        LEVEL_0,
        &format!(
            "Selector:\t{}\n",
            format_labels(&string_map(rc, &["spec", "selector"]))
        ),
    );
    labels_multiline(&mut w, "Labels", &string_map(rc, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(rc, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            i(rc, &["status", "replicas"]),
            i(rc, &["spec", "replicas"])
        ),
    );
    w.write(LEVEL_0, &format!("Pods Status:\t{}\n", c.text()));
    describe_pod_template(at(rc, &["spec", "template"]), &mut w);
    conditions_type_status_reason(rc, &mut w);
    events_section(
        &mut w,
        rc,
        "ReplicationController",
        related,
        show_events,
        now,
    );
    Ok(w.finish())
}

// ReplicaSet

fn rs_pods_query(rs: &Value) -> Option<Query> {
    label_selector(rs)
        .ok()
        .map(|sel| pods_query(namespace(rs), &sel.to_text()))
}

pub fn rs_queries(rs: &Value, show_events: bool) -> Vec<Query> {
    let mut q: Vec<Query> = rs_pods_query(rs).into_iter().collect();
    q.extend(events_only(rs, "ReplicaSet", show_events));
    q
}

pub fn describe_rs(
    rs: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    label_selector(rs)?;
    let pods = rs_pods_query(rs)
        .map(|q| {
            related
                .pods(&q)
                .map(|p| pod_counts(p, uid(rs)))
                .map_err(|f| f.message.clone())
        })
        .unwrap_or_else(|| Ok(pod_counts(&[], "")));
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(rs)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(rs)));
    w.write(
        LEVEL_0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(at(rs, &["spec", "selector"]))
        ),
    );
    labels_multiline(&mut w, "Labels", &string_map(rs, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(rs, &["metadata", "annotations"]),
    );
    if let Some(c) = controller(rs) {
        w.write(LEVEL_0, &format!("Controlled By:\t{c}\n"));
    }
    w.write(
        LEVEL_0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            i(rs, &["status", "replicas"]),
            i(rs, &["spec", "replicas"])
        ),
    );
    w.write(LEVEL_0, "Pods Status:\t");
    match pods {
        Ok(c) => w.write(LEVEL_0, &format!("{}\n", c.text())),
        Err(e) => w.write(LEVEL_0, &format!("error in fetching pods: {e}\n")),
    }
    describe_pod_template(at(rs, &["spec", "template"]), &mut w);
    conditions_type_status_reason(rs, &mut w);
    events_section(&mut w, rs, "ReplicaSet", related, show_events, now);
    Ok(w.finish())
}

// Deployment

fn rs_query(d: &Value) -> Option<Query> {
    label_selector(d).ok().map(|sel| {
        Query::list(
            format!(
                "/apis/apps/v1/namespaces/{}/replicasets",
                path_escape(namespace(d))
            ),
            sel.to_text(),
            "",
        )
    })
}

pub fn deployment_queries(d: &Value, show_events: bool) -> Vec<Query> {
    let mut q: Vec<Query> = events_only(d, "Deployment", show_events);
    q.extend(rs_query(d));
    q
}

/// The old and new ReplicaSets of a Deployment among `all` (kubectl's
/// `GetAllReplicaSets`): those it controls, oldest first, the new one being
/// the oldest whose template matches the Deployment's.
pub fn deployment_replica_sets<'a>(
    d: &Value,
    all: &'a [Value],
) -> (Vec<&'a Value>, Option<&'a Value>) {
    let mut owned: Vec<&Value> = all
        .iter()
        .filter(|rs| super::json::controller_of(rs).is_some_and(|r| s(r, &["uid"]) == uid(d)))
        .collect();
    let created = |rs: &Value| parse_time(s(rs, &["metadata", "creationTimestamp"]));
    gosort::sort_by(&mut owned, |a, b| {
        let (ta, tb) = (created(a), created(b));
        if ta == tb {
            name(a) < name(b)
        } else {
            ta < tb
        }
    });
    let template = at(d, &["spec", "template"]);
    let new = owned
        .iter()
        .copied()
        .find(|rs| equal_ignore_hash(at(rs, &["spec", "template"]), template));
    // kubectl shows every old ReplicaSet, scaled down or not.
    let old = owned
        .iter()
        .copied()
        .filter(|rs| new.is_none_or(|n| uid(n) != uid(rs)))
        .collect();
    (old, new)
}

/// Pod templates equal but for the `pod-template-hash` label.
pub fn equal_ignore_hash(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(labels) = v
            .get_mut("metadata")
            .and_then(|m| m.get_mut("labels"))
            .and_then(Value::as_object_mut)
        {
            labels.remove("pod-template-hash");
        }
        v
    };
    semantic_equal(&strip(a), &strip(b))
}

/// Equality where missing, null, empty lists and empty maps are the same
/// (apimachinery's semantic equality on decoded structs).
fn semantic_equal(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(x) => x.is_empty(),
        Value::Object(x) => x.is_empty(),
        Value::String(x) => x.is_empty(),
        Value::Bool(x) => !x,
        Value::Number(n) => n.as_f64() == Some(0.0),
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let null = Value::Null;
            x.keys()
                .chain(y.keys())
                .all(|k| semantic_equal(x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| semantic_equal(p, q))
        }
        (Value::String(x), Value::String(y)) => {
            x == y
                || (canonical(x) == canonical(y)
                    && crate::quantity::Quantity::parse_field(x).is_ok())
        }
        _ if empty(a) && empty(b) => true,
        _ => a == b,
    }
}

fn rs_list(list: &[&Value]) -> String {
    if list.is_empty() {
        return "<none>".to_string();
    }
    list.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                name(rs),
                i(rs, &["status", "replicas"]),
                i(rs, &["spec", "replicas"])
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn describe_deployment(
    d: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let selector = label_selector(d)?;
    let (old, new) = match rs_query(d).map(|q| related.items(&q).map(|l| l.to_vec())) {
        Some(Ok(all)) => {
            let (old, new) = deployment_replica_sets(d, &all);
            (
                old.into_iter().cloned().collect::<Vec<Value>>(),
                new.cloned().into_iter().collect::<Vec<Value>>(),
            )
        }
        _ => (vec![], vec![]),
    };
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(d)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(d)));
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z_at(d, &["metadata", "creationTimestamp"])
        ),
    );
    labels_multiline(&mut w, "Labels", &string_map(d, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(d, &["metadata", "annotations"]),
    );
    w.write(LEVEL_0, &format!("Selector:\t{}\n", selector.to_text()));
    let st = at(d, &["status"]);
    w.write(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            i(d, &["spec", "replicas"]),
            i(st, &["updatedReplicas"]),
            i(st, &["replicas"]),
            i(st, &["availableReplicas"]),
            i(st, &["unavailableReplicas"])
        ),
    );
    w.write(
        LEVEL_0,
        &format!("StrategyType:\t{}\n", s(d, &["spec", "strategy", "type"])),
    );
    w.write(
        LEVEL_0,
        &format!("MinReadySeconds:\t{}\n", i(d, &["spec", "minReadySeconds"])),
    );
    let ru = at(d, &["spec", "strategy", "rollingUpdate"]);
    if !ru.is_null() {
        w.write(
            LEVEL_0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                int_or_string_ptr(at(ru, &["maxUnavailable"])),
                int_or_string_ptr(at(ru, &["maxSurge"]))
            ),
        );
    }
    describe_pod_template(at(d, &["spec", "template"]), &mut w);
    conditions_type_status_reason(d, &mut w);
    if !old.is_empty() || !new.is_empty() {
        let old_refs: Vec<&Value> = old.iter().collect();
        let new_refs: Vec<&Value> = new.iter().collect();
        w.write(
            LEVEL_0,
            &format!("OldReplicaSets:\t{}\n", rs_list(&old_refs)),
        );
        w.write(
            LEVEL_0,
            &format!("NewReplicaSet:\t{}\n", rs_list(&new_refs)),
        );
    }
    events_section(&mut w, d, "Deployment", related, show_events, now);
    Ok(w.finish())
}

/// `(*IntOrString).String()`: `<nil>` when unset.
fn int_or_string_ptr(v: &Value) -> String {
    if v.is_null() {
        "<nil>".to_string()
    } else {
        super::json::int_or_string(v)
    }
}

// StatefulSet

fn selector_pods_query(obj: &Value) -> Option<Query> {
    label_selector(obj)
        .ok()
        .map(|sel| pods_query(namespace(obj), &sel.to_text()))
}

pub fn statefulset_queries(ss: &Value, show_events: bool) -> Vec<Query> {
    let mut q: Vec<Query> = selector_pods_query(ss).into_iter().collect();
    q.extend(events_only(ss, "StatefulSet", show_events));
    q
}

pub fn describe_statefulset(
    ss: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let selector = label_selector(ss)?;
    let c = counts(related, &pods_query(namespace(ss), &selector.to_text()), ss)?;
    let mut w = PrefixWriter::new();
    let spec = at(ss, &["spec"]);
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(ss)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(ss)));
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z_at(ss, &["metadata", "creationTimestamp"])
        ),
    );
    w.write(LEVEL_0, &format!("Selector:\t{}\n", selector.to_text()));
    labels_multiline(&mut w, "Labels", &string_map(ss, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(ss, &["metadata", "annotations"]),
    );
    let service = s(spec, &["serviceName"]);
    if !service.is_empty() {
        w.write(LEVEL_0, &format!("Service Name:\t{service}\n"));
    }
    let policy = s(spec, &["podManagementPolicy"]);
    if !policy.is_empty() {
        w.write(LEVEL_0, &format!("Pod Management Policy:\t{policy}\n"));
    }
    w.write(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            i(spec, &["replicas"]),
            i(ss, &["status", "replicas"])
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Update Strategy:\t{}\n",
            s(spec, &["updateStrategy", "type"])
        ),
    );
    let ru = at(spec, &["updateStrategy", "rollingUpdate"]);
    if !ru.is_null() {
        if let Some(p) = opt_i(ru, &["partition"]) {
            w.write(LEVEL_1, &format!("Partition:\t{p}\n"));
            if has(ru, &["maxUnavailable"]) {
                w.write(
                    LEVEL_1,
                    &format!(
                        "MaxUnavailable:\t{}\n",
                        int_or_string_ptr(at(ru, &["maxUnavailable"]))
                    ),
                );
            }
        }
    }
    let retention = at(spec, &["persistentVolumeClaimRetentionPolicy"]);
    if !retention.is_null() {
        w.write(LEVEL_0, "Persistent Volume Claim Retention Policy:\n");
        w.write(
            LEVEL_1,
            &format!("WhenDeleted:\t{}\n", s(retention, &["whenDeleted"])),
        );
        w.write(
            LEVEL_1,
            &format!("WhenScaled:\t{}\n", s(retention, &["whenScaled"])),
        );
    }
    w.write(LEVEL_0, &format!("Pods Status:\t{}\n", c.text()));
    describe_pod_template(at(spec, &["template"]), &mut w);
    volume_claim_templates(arr(spec, &["volumeClaimTemplates"]), &mut w);
    events_section(&mut w, ss, "StatefulSet", related, show_events, now);
    Ok(w.finish())
}

fn volume_claim_templates(templates: &[Value], w: &mut PrefixWriter) {
    if templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(LEVEL_0, "Volume Claims:\n");
    for pvc in templates {
        w.write(LEVEL_1, &format!("Name:\t{}\n", name(pvc)));
        w.write(
            LEVEL_1,
            &format!("StorageClass:\t{}\n", super::storage::pvc_class(pvc)),
        );
        labels_multiline_indent(w, "  ", "Labels", &string_map(pvc, &["metadata", "labels"]));
        labels_multiline_indent(
            w,
            "  ",
            "Annotations",
            &string_map(pvc, &["metadata", "annotations"]),
        );
        match opt_s(pvc, &["spec", "resources", "requests", "storage"]) {
            Some(q) => w.write(LEVEL_1, &format!("Capacity:\t{}\n", canonical(q))),
            None => w.write(LEVEL_1, "Capacity:\t<default>\n"),
        }
        w.write(
            LEVEL_1,
            &format!(
                "Access Modes:\t{}\n",
                super::format::go_slice_at(pvc, &["spec", "accessModes"])
            ),
        );
    }
}

// DaemonSet

pub fn daemonset_queries(ds: &Value, show_events: bool) -> Vec<Query> {
    let mut q: Vec<Query> = selector_pods_query(ds).into_iter().collect();
    q.extend(events_only(ds, "DaemonSet", show_events));
    q
}

pub fn describe_daemonset(
    ds: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let selector = label_selector(ds)?;
    let c = counts(related, &pods_query(namespace(ds), &selector.to_text()), ds)?;
    let st = at(ds, &["status"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(ds)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(ds)));
    w.write(LEVEL_0, &format!("Selector:\t{}\n", selector.to_text()));
    w.write(
        LEVEL_0,
        &format!(
            "Node-Selector:\t{}\n",
            format_labels(&string_map(
                ds,
                &["spec", "template", "spec", "nodeSelector"]
            ))
        ),
    );
    labels_multiline(&mut w, "Labels", &string_map(ds, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(ds, &["metadata", "annotations"]),
    );
    for (title, field) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        w.write(LEVEL_0, &format!("{title}: {}\n", i(st, &[field])));
    }
    w.write(LEVEL_0, &format!("Pods Status:\t{}\n", c.text()));
    describe_pod_template(at(ds, &["spec", "template"]), &mut w);
    events_section(&mut w, ds, "DaemonSet", related, show_events, now);
    Ok(w.finish())
}

// Job and CronJob

fn selector_line(sel: &Value) -> String {
    match Selector::from_label_selector(sel) {
        Ok(s) => format!("Selector:\t{}\n", s.to_text()),
        Err(e) => format!("Selector:\tFailed to get selector: {e}\n"),
    }
}

pub fn describe_job(
    job: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let spec = at(job, &["spec"]);
    let st = at(job, &["status"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(job)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(job)));
    w.write(LEVEL_0, &selector_line(at(spec, &["selector"])));
    labels_multiline(&mut w, "Labels", &string_map(job, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(job, &["metadata", "annotations"]),
    );
    if let Some(c) = controller(job) {
        w.write(LEVEL_0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(p) = opt_i(spec, &["parallelism"]) {
        w.write(LEVEL_0, &format!("Parallelism:\t{p}\n"));
    }
    match opt_i(spec, &["completions"]) {
        Some(c) => w.write(LEVEL_0, &format!("Completions:\t{c}\n")),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    let mode = opt_s(spec, &["completionMode"]);
    if let Some(m) = mode {
        w.write(LEVEL_0, &format!("Completion Mode:\t{m}\n"));
    }
    if let Some(b) = opt_b(spec, &["suspend"]) {
        w.write(LEVEL_0, &format!("Suspend:\t{b}\n"));
    }
    if let Some(b) = opt_i(spec, &["backoffLimit"]) {
        w.write(LEVEL_0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = opt_i(spec, &["ttlSecondsAfterFinished"]) {
        w.write(LEVEL_0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    if has(st, &["startTime"]) {
        w.write(
            LEVEL_0,
            &format!("Start Time:\t{}\n", rfc1123z_at(st, &["startTime"])),
        );
    }
    if has(st, &["completionTime"]) {
        w.write(
            LEVEL_0,
            &format!("Completed At:\t{}\n", rfc1123z_at(st, &["completionTime"])),
        );
    }
    if let (Some(start), Some(end)) = (
        parse_time(s(st, &["startTime"])),
        parse_time(s(st, &["completionTime"])),
    ) {
        let secs = (end - start).num_milliseconds() / 1000;
        w.write(LEVEL_0, &format!("Duration:\t{}\n", human_duration(secs)));
    }
    if let Some(a) = opt_i(spec, &["activeDeadlineSeconds"]) {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    match opt_i(st, &["ready"]) {
        None => w.write(
            LEVEL_0,
            &format!(
                "Pods Statuses:\t{} Active / {} Succeeded / {} Failed\n",
                i(st, &["active"]),
                i(st, &["succeeded"]),
                i(st, &["failed"])
            ),
        ),
        Some(ready) => w.write(
            LEVEL_0,
            &format!(
                "Pods Statuses:\t{} Active ({ready} Ready) / {} Succeeded / {} Failed\n",
                i(st, &["active"]),
                i(st, &["succeeded"]),
                i(st, &["failed"])
            ),
        ),
    }
    if mode == Some("Indexed") {
        w.write(
            LEVEL_0,
            &format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(s(st, &["completedIndexes"]), 50)
            ),
        );
    }
    describe_pod_template(at(spec, &["template"]), &mut w);
    events_section(&mut w, job, "Job", related, show_events, now);
    w.finish()
}

/// `capIndexesListOrNone`: the list up to the first comma after `limit`
/// bytes, then `...`.
fn cap_indexes(indexes: &str, limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".to_string();
    }
    let bytes = indexes.as_bytes();
    let mut ix = limit;
    while ix < bytes.len() && bytes[ix] != b',' {
        ix += 1;
    }
    if ix >= bytes.len() {
        return indexes.to_string();
    }
    format!("{}...", &indexes[..=ix])
}

pub fn describe_cronjob(
    cj: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let spec = at(cj, &["spec"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(cj)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(cj)));
    labels_multiline(&mut w, "Labels", &string_map(cj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(cj, &["metadata", "annotations"]),
    );
    w.write(LEVEL_0, &format!("Schedule:\t{}\n", s(spec, &["schedule"])));
    w.write(
        LEVEL_0,
        &format!("Concurrency Policy:\t{}\n", s(spec, &["concurrencyPolicy"])),
    );
    w.write(
        LEVEL_0,
        &format!("Suspend:\t{}\n", bool_ptr(opt_b(spec, &["suspend"]))),
    );
    match opt_s(spec, &["timeZone"]) {
        Some(tz) => w.write(LEVEL_0, &format!("Time Zone:\t{tz}\n")),
        None => w.write(LEVEL_0, "Time Zone:\t<unset>\n"),
    }
    for (title, field) in [
        ("Successful Job History Limit", "successfulJobsHistoryLimit"),
        ("Failed Job History Limit", "failedJobsHistoryLimit"),
    ] {
        match opt_i(spec, &[field]) {
            Some(n) => w.write(LEVEL_0, &format!("{title}:\t{n}\n")),
            None => w.write(LEVEL_0, &format!("{title}:\t<unset>\n")),
        }
    }
    match opt_i(spec, &["startingDeadlineSeconds"]) {
        Some(n) => w.write(LEVEL_0, &format!("Starting Deadline Seconds:\t{n}s\n")),
        None => w.write(LEVEL_0, "Starting Deadline Seconds:\t<unset>\n"),
    }
    let jt = at(spec, &["jobTemplate", "spec"]);
    if has(jt, &["selector"]) {
        w.write(LEVEL_0, &selector_line(at(jt, &["selector"])));
    } else {
        w.write(LEVEL_0, "Selector:\t<unset>\n");
    }
    for (title, field) in [
        ("Parallelism", "parallelism"),
        ("Completions", "completions"),
    ] {
        match opt_i(jt, &[field]) {
            Some(n) => w.write(LEVEL_0, &format!("{title}:\t{n}\n")),
            None => w.write(LEVEL_0, &format!("{title}:\t<unset>\n")),
        }
    }
    if let Some(a) = opt_i(jt, &["activeDeadlineSeconds"]) {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    describe_pod_template(at(jt, &["template"]), &mut w);
    if has(cj, &["status", "lastScheduleTime"]) {
        w.write(
            LEVEL_0,
            &format!(
                "Last Schedule Time:\t{}\n",
                rfc1123z_at(cj, &["status", "lastScheduleTime"])
            ),
        );
    } else {
        w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n");
    }
    w.write(LEVEL_0, "Active Jobs:\t");
    let active = arr(cj, &["status", "active"]);
    if active.is_empty() {
        w.line("<none>");
    } else {
        for (n, j) in active.iter().enumerate() {
            if n != 0 {
                w.write(LEVEL_0, ", ");
            }
            w.write(LEVEL_0, s(j, &["name"]));
        }
        w.line("");
    }
    events_section(&mut w, cj, "CronJob", related, show_events, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_and_old_replica_sets() {
        let d = json!({"metadata": {"uid": "d"}, "spec": {"template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "c", "image": "b"}]}}}});
        let owner = json!([{"uid": "d", "controller": true, "kind": "Deployment", "name": "x"}]);
        let rs = |n: &str, t: &str, image: &str, replicas: i64| {
            json!({
                "metadata": {"name": n, "uid": n, "creationTimestamp": t, "ownerReferences": owner},
                "spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "x", "pod-template-hash": n}}, "spec": {"containers": [{"name": "c", "image": image}]}}}
            })
        };
        let all = vec![
            rs("b", "2026-01-01T00:00:02Z", "b", 2),
            rs("a", "2026-01-01T00:00:01Z", "a", 1),
            rs("z", "2026-01-01T00:00:00Z", "a", 0),
        ];
        let (old, new) = deployment_replica_sets(&d, &all);
        assert_eq!(new.map(name), Some("b"));
        assert_eq!(
            old.iter().map(|r| name(r)).collect::<Vec<_>>(),
            vec!["z", "a"]
        );
        assert_eq!(
            rs_list(&old),
            "z (0/0 replicas created), a (0/1 replicas created)"
        );
    }

    #[test]
    fn capped_indexes() {
        assert_eq!(cap_indexes("", 50), "<none>");
        assert_eq!(cap_indexes("1-3,5", 2), "1-3,...");
        assert_eq!(cap_indexes("1-3", 50), "1-3");
    }
}
