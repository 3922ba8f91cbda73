//! Nodes: conditions, capacity, the pods running there and what they
//! request, the node's lease and events.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events::{self, EventRef};
use super::format::{
    annotations_multiline, labels_multiline, rfc1123z_at, taints_multiline, timestamp_since,
};
use super::json::{arr, at, has, name, opt_s, s, string_map, strings, uid};
use super::pod_summary::PodSummary;
use super::related::{Query, Related};
use super::resources::{pod_limits, pod_requests, ResourceList};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::DescribeError;
use crate::quantity::{canonical, Quantity};
use crate::resource::mapper::path_escape;

fn pods_query(node: &str) -> Query {
    Query::pod_summaries(
        "/api/v1/pods",
        "",
        format!("spec.nodeName={node},status.phase!=Succeeded,status.phase!=Failed"),
    )
}

fn lease_query(node: &str) -> Query {
    Query::get(format!(
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{}",
        path_escape(node)
    ))
}

fn slices_query(node: &str) -> Query {
    Query::list(
        "/apis/resource.k8s.io/v1/resourceslices",
        "",
        format!("spec.nodeName={node}"),
    )
}

/// Events name a node by its UID (controllers) or by its name (kubelet).
fn events_queries(node: &Value) -> [Query; 2] {
    let by_uid = events::query(&EventRef {
        namespace: "",
        name: name(node),
        kind: Some("Node"),
        uid: uid(node),
    });
    let by_name = events::query(&EventRef {
        namespace: "",
        name: name(node),
        kind: Some("Node"),
        uid: name(node),
    });
    [by_uid, by_name]
}

pub fn queries(node: &Value, show_events: bool) -> Vec<Query> {
    let n = name(node);
    let mut q = vec![pods_query(n)];
    if show_events {
        q.extend(events_queries(node));
    }
    q.push(slices_query(n));
    q.push(lease_query(n));
    q
}

fn roles(node: &Value) -> Vec<String> {
    let mut roles = BTreeSet::new();
    for (k, v) in string_map(node, &["metadata", "labels"]) {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v);
        }
    }
    roles.into_iter().collect()
}

/// Go's conversion of a float64 to int64 on amd64: out of range is the
/// smallest int64.
fn go_int64(f: f64) -> i64 {
    if f.is_finite() && f > -9.223_372_036_854_776e18 && f < 9.223_372_036_854_776e18 {
        f as i64
    } else {
        i64::MIN
    }
}

fn get(list: &ResourceList, name: &str) -> Quantity {
    list.get(name).cloned().unwrap_or_default()
}

fn parse_list(v: &Value) -> ResourceList {
    let mut out = ResourceList::new();
    if let Some(map) = v.as_object() {
        for (k, q) in map {
            if let Some(q) = q.as_str().and_then(|t| Quantity::parse_field(t).ok()) {
                out.insert(k.clone(), q);
            }
        }
    }
    out
}

pub fn describe(
    node: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let n = name(node);
    let pods = match related.pods(&pods_query(n)) {
        Ok(p) => Some(p),
        Err(f) if f.is_forbidden() => None,
        Err(f) => return Err(DescribeError::Request(f.clone())),
    };
    let status = at(node, &["status"]);
    let spec = at(node, &["spec"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{n}\n"));
    let r = roles(node);
    w.write(
        LEVEL_0,
        &format!(
            "Roles:\t{}\n",
            if r.is_empty() {
                "<none>".to_string()
            } else {
                r.join(",")
            }
        ),
    );
    labels_multiline(&mut w, "Labels", &string_map(node, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(node, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z_at(node, &["metadata", "creationTimestamp"])
        ),
    );
    taints_multiline(&mut w, "Taints", arr(spec, &["taints"]));
    w.write(
        LEVEL_0,
        &format!(
            "Unschedulable:\t{}\n",
            super::json::b(spec, &["unschedulable"])
        ),
    );
    match related.object(&lease_query(n)) {
        Ok(Some(lease)) => {
            w.write(LEVEL_0, "Lease:\n");
            w.write(
                LEVEL_1,
                &format!(
                    "HolderIdentity:\t{}\n",
                    opt_s(lease, &["spec", "holderIdentity"]).unwrap_or("<unset>")
                ),
            );
            for (title, field) in [("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")] {
                let text = if has(lease, &["spec", field]) {
                    rfc1123z_at(lease, &["spec", field])
                } else {
                    "<unset>".to_string()
                };
                w.write(LEVEL_1, &format!("{title}:\t{text}\n"));
            }
        }
        Ok(None) => {}
        Err(f) => w.write(
            LEVEL_0,
            &format!("Lease:\tFailed to get lease: {}\n", f.message),
        ),
    }
    let conditions = arr(status, &["conditions"]);
    if !conditions.is_empty() {
        w.write(
            LEVEL_0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    s(c, &["type"]),
                    s(c, &["status"]),
                    rfc1123z_at(c, &["lastHeartbeatTime"]),
                    rfc1123z_at(c, &["lastTransitionTime"]),
                    s(c, &["reason"]),
                    s(c, &["message"])
                ),
            );
        }
    }
    w.write(LEVEL_0, "Addresses:\n");
    for a in arr(status, &["addresses"]) {
        w.write(
            LEVEL_1,
            &format!("{}:\t{}\n", s(a, &["type"]), s(a, &["address"])),
        );
    }
    for (title, field) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        let list = string_map(status, &[field]);
        if !list.is_empty() {
            w.write(LEVEL_0, &format!("{title}:\n"));
            for (k, v) in &list {
                w.write(LEVEL_0, &format!("  {k}:\t{}\n", canonical(v)));
            }
        }
    }
    let slices = related.items(&slices_query(n)).unwrap_or(&[]);
    if !slices.is_empty() {
        resource_slices(slices, &mut w);
    }
    let info = at(status, &["nodeInfo"]);
    w.write(LEVEL_0, "System Info:\n");
    for (title, field) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
    ] {
        w.write(LEVEL_0, &format!("  {title}:\t{}\n", s(info, &[field])));
    }
    let cidr = s(spec, &["podCIDR"]);
    if !cidr.is_empty() {
        w.write(LEVEL_0, &format!("PodCIDR:\t{cidr}\n"));
    }
    let cidrs = strings(spec, &["podCIDRs"]);
    if !cidrs.is_empty() {
        w.write(LEVEL_0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    let provider = s(spec, &["providerID"]);
    if !provider.is_empty() {
        w.write(LEVEL_0, &format!("ProviderID:\t{provider}\n"));
    }
    match pods {
        Some(pods) => node_resources(pods, node, &mut w, now),
        None => w.write(LEVEL_0, "Pods:\tnot authorized\n"),
    }
    if show_events {
        let [a, b] = events_queries(node);
        let mut all: Vec<Value> = related.items(&a).unwrap_or(&[]).to_vec();
        all.extend(related.items(&b).unwrap_or(&[]).iter().cloned());
        events::describe(&all, &mut w, now);
    }
    Ok(w.finish())
}

fn resource_slices(slices: &[Value], w: &mut PrefixWriter) {
    // driver/pool → (driver, pool, slices, devices)
    let mut pools: std::collections::BTreeMap<String, (String, String, usize, usize)> =
        Default::default();
    for slice in slices {
        let driver = s(slice, &["spec", "driver"]);
        let pool = s(slice, &["spec", "pool", "name"]);
        let entry = pools
            .entry(format!("{driver}/{pool}"))
            .or_insert_with(|| (driver.to_string(), pool.to_string(), 0, 0));
        entry.2 += 1;
        entry.3 += arr(slice, &["spec", "devices"]).len();
    }
    if pools.is_empty() {
        return;
    }
    w.write(LEVEL_0, "Node-Local ResourceSlices:\n");
    w.write(LEVEL_1, "Driver\tPool\tSlices\tDevices\n");
    w.write(LEVEL_1, "------\t----\t------\t-------\n");
    const MAX_POOLS: usize = 10;
    for (shown, (driver, pool, count, devices)) in pools.values().enumerate() {
        if shown >= MAX_POOLS {
            w.write(
                LEVEL_1,
                &format!("...and {} more pools\n", pools.len() - MAX_POOLS),
            );
            break;
        }
        w.write(LEVEL_1, &format!("{driver}\t{pool}\t{count}\t{devices}\n"));
    }
}

fn percent(part: i64, whole: i64) -> i64 {
    go_int64(part as f64 / whole as f64 * 100.0)
}

/// `describeNodeResource`.
fn node_resources(pods: &[PodSummary], node: &Value, w: &mut PrefixWriter, now: DateTime<Utc>) {
    w.write(
        LEVEL_0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let status = at(node, &["status"]);
    let mut allocatable = parse_list(at(status, &["capacity"]));
    if super::json::len(status, &["allocatable"]) > 0 {
        allocatable = parse_list(at(status, &["allocatable"]));
    }
    let alloc_cpu = get(&allocatable, "cpu").milli_value();
    let alloc_mem = get(&allocatable, "memory").value();
    for pod in pods {
        let req = pod_requests(pod, true);
        let lim = pod_limits(pod, true);
        let (cr, cl, mr, ml) = (
            get(&req, "cpu"),
            get(&lim, "cpu"),
            get(&req, "memory"),
            get(&lim, "memory"),
        );
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                pod.metadata.namespace,
                pod.metadata.name,
                cr.to_canonical(),
                percent(cr.milli_value(), alloc_cpu),
                cl.to_canonical(),
                percent(cl.milli_value(), alloc_cpu),
                mr.to_canonical(),
                percent(mr.value(), alloc_mem),
                ml.to_canonical(),
                percent(ml.value(), alloc_mem),
                timestamp_since(&pod.metadata.creation_timestamp, now)
            ),
        );
    }
    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    let mut reqs = ResourceList::new();
    let mut limits = ResourceList::new();
    for pod in pods {
        for (k, q) in pod_requests(pod, false) {
            reqs.entry(k).and_modify(|e| e.add(&q)).or_insert(q);
        }
        for (k, q) in pod_limits(pod, false) {
            limits.entry(k).and_modify(|e| e.add(&q)).or_insert(q);
        }
    }
    let frac = |part: i64, whole: i64| if whole != 0 { percent(part, whole) } else { 0 };
    let (cr, cl) = (get(&reqs, "cpu"), get(&limits, "cpu"));
    w.write(
        LEVEL_1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)\n",
            cr.to_canonical(),
            frac(cr.milli_value(), alloc_cpu),
            cl.to_canonical(),
            frac(cl.milli_value(), alloc_cpu)
        ),
    );
    for resource in ["memory", "ephemeral-storage"] {
        let whole = get(&allocatable, resource).value();
        let (r, l) = (get(&reqs, resource), get(&limits, resource));
        w.write(
            LEVEL_1,
            &format!(
                "{resource}\t{} ({}%)\t{} ({}%)\n",
                r.to_canonical(),
                frac(r.value(), whole),
                l.to_canonical(),
                frac(l.value(), whole)
            ),
        );
    }
    let mut hugepages: Vec<&String> = Vec::new();
    let mut extended: Vec<&String> = Vec::new();
    for k in allocatable.keys() {
        if k.starts_with("hugepages-") {
            hugepages.push(k);
        } else if !matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage" | "pods") {
            extended.push(k);
        }
    }
    for k in hugepages {
        let whole = get(&allocatable, k).value();
        let (r, l) = (get(&reqs, k), get(&limits, k));
        w.write(
            LEVEL_1,
            &format!(
                "{k}\t{} ({}%)\t{} ({}%)\n",
                r.to_canonical(),
                frac(r.value(), whole),
                l.to_canonical(),
                frac(l.value(), whole)
            ),
        );
    }
    for k in extended {
        w.write(
            LEVEL_1,
            &format!(
                "{k}\t{}\t{}\n",
                get(&reqs, k).to_canonical(),
                get(&limits, k).to_canonical()
            ),
        );
    }
}
