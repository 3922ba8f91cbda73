//! The pods behind an object and the containers inside a pod, as kubectl's
//! polymorphic helpers find them for `logs`, `exec`, `attach` and
//! `port-forward`: the selector of a workload, the pods it selects (waiting
//! for one to appear), sorted with the "best for logging" order, and a
//! container by name or by default.

use std::time::Duration;

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::fetch::query_escape;
use crate::client::{parse_json, ApiClient, ApiError, ACCEPT_JSON};
use crate::printers::gosort;
use crate::resource::selector::Selector;

/// The annotation naming a pod's default container for kubectl.
pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

/// API groups whose objects kubectl decodes into Go types (client-go's
/// scheme); objects of other groups stay `*unstructured.Unstructured`.
const TYPED_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "extensions",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// The Go type kubectl names in messages about an object: `*v1.ConfigMap`,
/// `*v1.Deployment`, or `*unstructured.Unstructured` for kinds it does not know.
pub fn go_type_name(object: &Value) -> String {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (group, version) = match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    if TYPED_GROUPS.contains(&group) && !kind.is_empty() {
        format!("*{version}.{kind}")
    } else {
        "*unstructured.Unstructured".to_string()
    }
}

/// `polymorphichelpers.SelectorsForObject`: the namespace and pod selector
/// of a workload or service, with kubectl's errors for other kinds.
pub fn selector_for_object(object: &Value) -> Result<(String, String), String> {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let namespace = object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let spec_selector = || {
        object
            .pointer("/spec/selector")
            .cloned()
            .unwrap_or(Value::Null)
    };
    let label_selector = |sel: Value| {
        Selector::from_label_selector(&sel)
            .map(|s| s.to_text())
            .map_err(|e| format!("invalid label selector: {e}"))
    };
    let map_selector = |sel: Option<&Value>| {
        let map = sel
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Selector::from_map(&map).to_text()
    };
    let selector = match (group, kind) {
        ("apps" | "extensions", "ReplicaSet" | "DaemonSet" | "Deployment")
        | ("apps", "StatefulSet")
        | ("batch", "Job") => label_selector(spec_selector())?,
        ("", "ReplicationController") => map_selector(object.pointer("/spec/selector")),
        ("", "Service") => {
            let sel = object.pointer("/spec/selector");
            if sel.and_then(Value::as_object).is_none_or(|m| m.is_empty()) {
                let name = object
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                return Err(format!(
                    "invalid service '{name}': Service is defined without a selector"
                ));
            }
            map_selector(sel)
        }
        _ => {
            let ty = go_type_name(object);
            return Err(format!("selector for {ty} not implemented"));
        }
    };
    Ok((namespace, selector))
}

/// `polymorphichelpers.GetPodList`: the pods `selector` picks in
/// `namespace`, sorted with `less` as Go's `sort.Sort` sorts; when there
/// are none yet, the first pod that appears within `timeout` (kubectl's
/// "timed out waiting for the condition" otherwise).
pub async fn pods_for_selector(
    client: &ApiClient,
    namespace: &str,
    selector: &str,
    timeout: Duration,
    less: fn(&Value, &Value) -> bool,
) -> Result<Vec<Value>> {
    let base = format!("/api/v1/namespaces/{namespace}/pods");
    let query = if selector.is_empty() {
        String::new()
    } else {
        format!("labelSelector={}", query_escape(selector))
    };
    let path = if query.is_empty() {
        base.clone()
    } else {
        format!("{base}?{query}")
    };
    let list = client.get_json(&path).await?;
    let mut pods: Vec<Value> = list
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !pods.is_empty() {
        gosort::sort_by(&mut pods, less);
        return Ok(pods);
    }
    let version = list
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut params = Vec::new();
    if !selector.is_empty() {
        params.push(format!("labelSelector={}", query_escape(selector)));
    }
    params.push(format!("resourceVersion={}", query_escape(version)));
    params.push("watch=true".to_string());
    let watch_path = format!("{base}?{}", params.join("&"));
    let first = async {
        let mut stream = client.get_stream(&watch_path, ACCEPT_JSON).await?;
        let mut buffer: Vec<u8> = Vec::new();
        while let Some(chunk) = stream.next().await {
            buffer.extend_from_slice(&chunk?);
            while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buffer.drain(..=end).collect();
                let Ok(event) = parse_json(&line) else {
                    continue;
                };
                let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
                if kind == "ADDED" || kind == "MODIFIED" {
                    return Ok::<Option<Value>, ApiError>(event.get("object").cloned());
                }
            }
        }
        Ok(None)
    };
    match tokio::time::timeout(timeout, first).await {
        Ok(Ok(Some(pod))) => Ok(vec![pod]),
        Ok(Ok(None)) => Err(anyhow!("watch closed before UntilWithoutRetry timeout")),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(anyhow!("timed out waiting for the condition")),
    }
}

/// `polymorphichelpers.AttachablePodForObject` over the object that
/// command-line words name (`pods/NAME`, `TYPE/NAME`, `TYPE NAME`), read
/// as kubectl's builder reads it: the pod itself, or the most active pod
/// the object selects (waiting up to `timeout` for one).
pub async fn attachable_pod(
    ctx: &mut crate::context::Context,
    words: &[String],
    namespace: &str,
    timeout: Duration,
) -> Result<Value> {
    let object = named_object(ctx, words, namespace).await?;
    let client = ctx.connection().await?.client.clone();
    attachable_pod_for_object(&client, object, timeout).await
}

/// The one object command-line words name, read from the server as
/// kubectl's builder reads it.
pub async fn named_object(
    ctx: &mut crate::context::Context,
    words: &[String],
    namespace: &str,
) -> Result<Value> {
    use crate::resource::builder::Selection;
    use crate::resource::infos::fetch_infos;
    let selection = Selection {
        args: words,
        namespace: namespace.to_string(),
        single_resource_type: true,
        ..Default::default()
    };
    let discovery = ctx.discovery().await?;
    let plan = match discovery.plan(&selection) {
        Err(e)
            if e.downcast_ref::<crate::resource::NoResourceType>()
                .is_some() =>
        {
            match ctx.refresh_discovery().await? {
                Some(fresh) => fresh.plan(&selection)?,
                None => return Err(e),
            }
        }
        other => other?,
    };
    let client = ctx.connection().await?.client.clone();
    let info = fetch_infos(&client, &plan)
        .await
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("expected a resource"))??;
    Ok(info.object)
}

/// The pod a session joins for an object already read (from the server or
/// a file): a pod is itself; anything else must select pods, and the most
/// active of them is taken (`sort.Reverse(podutils.ActivePods)`), waiting
/// up to `timeout` for one. Objects without a selector are refused in
/// kubectl's words (`cannot attach to *v1.ConfigMap: …`).
pub async fn attachable_pod_for_object(
    client: &ApiClient,
    object: Value,
    timeout: Duration,
) -> Result<Value> {
    let is_pod = object.get("kind").and_then(Value::as_str) == Some("Pod")
        && object.get("apiVersion").and_then(Value::as_str) == Some("v1");
    if is_pod {
        return Ok(object);
    }
    let (pod_namespace, selector) = selector_for_object(&object)
        .map_err(|e| anyhow!("cannot attach to {}: {e}", go_type_name(&object)))?;
    let mut pods =
        pods_for_selector(client, &pod_namespace, &selector, timeout, most_active).await?;
    Ok(pods.swap_remove(0))
}

/// The container a session joins, as kubectl's
/// `podcmd.FindOrDefaultContainerByName`: `requested`, else the
/// default-container annotation's (either must exist), else the first one
/// (saying so on `err` when the pod has others, unless `quiet`).
pub fn session_container(
    pod: &Value,
    requested: &str,
    quiet: bool,
    err: &mut dyn std::io::Write,
) -> Result<String> {
    let (name, namespace) = pod_name(pod);
    let regular = container_names(pod, ContainerList::Regular);
    let Some(first) = regular.first().cloned() else {
        return Err(anyhow!(
            "pod {namespace}/{name} does not have any containers"
        ));
    };
    let wanted = if requested.is_empty() {
        annotated_default_container(pod).unwrap_or_default()
    } else {
        requested
    };
    if !wanted.is_empty() {
        if find_container(pod, wanted).is_none() {
            return Err(anyhow!(
                "container {wanted} is not valid for pod {name} out of: {}",
                all_container_names(pod)
            ));
        }
        return Ok(wanted.to_string());
    }
    if !quiet && has_several_containers(pod) {
        writeln!(
            err,
            "Defaulted container {first:?} out of: {}",
            all_container_names(pod)
        )?;
    }
    Ok(first)
}

/// `sort.Reverse(podutils.ActivePods)`: the most active pod first —
/// assigned, running (then unknown, then pending), ready, not being
/// deleted, ready for longer, fewer restarts, older.
pub fn most_active(a: &Value, b: &Value) -> bool {
    active_less(b, a)
}

/// `podutils.ActivePods`' order: whether `a` is less active than `b`.
fn active_less(a: &Value, b: &Value) -> bool {
    let node = |p: &Value| str_at(p, "/spec/nodeName").to_string();
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return na.is_empty();
    }
    // Go's map lookup: phases other than these three count as Pending.
    let rank = |p: &Value| match str_at(p, "/status/phase") {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };
    if rank(a) != rank(b) {
        return rank(a) < rank(b);
    }
    if is_ready(a) != is_ready(b) {
        return !is_ready(a);
    }
    let deleting = |p: &Value| time_at(p, "/metadata/deletionTimestamp");
    let (da, db) = (deleting(a), deleting(b));
    if da.is_some() != db.is_some() {
        return da.is_some();
    }
    if let (Some(x), Some(y)) = (da, db) {
        if x != y {
            return x < y;
        }
    }
    if is_ready(a) && is_ready(b) {
        let (ta, tb) = (ready_time(a), ready_time(b));
        if ta != tb {
            return after_or_zero(ta, tb);
        }
    }
    let (ra, sa) = max_restarts(a);
    let (rb, sb) = max_restarts(b);
    if ra != rb {
        return ra > rb;
    }
    if sa != sb {
        return sa > sb;
    }
    let (ca, cb) = (created(a), created(b));
    if ca != cb {
        return after_or_zero(ca, cb);
    }
    false
}

/// `podutils.ByLogging`: assigned before unassigned, running before
/// unknown before pending, ready before not ready, ready longer before
/// ready for less time, more restarts before fewer, older before newer.
pub fn by_logging(a: &Value, b: &Value) -> bool {
    let node = |p: &Value| str_at(p, "/spec/nodeName").to_string();
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return !na.is_empty();
    }
    // Go's map lookup: phases other than these three count as Running.
    let rank = |p: &Value| match str_at(p, "/status/phase") {
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    if rank(a) != rank(b) {
        return rank(a) < rank(b);
    }
    if is_ready(a) != is_ready(b) {
        return is_ready(a);
    }
    if is_ready(a) && is_ready(b) {
        let (ta, tb) = (ready_time(a), ready_time(b));
        if ta != tb {
            return after_or_zero(tb, ta);
        }
    }
    let (ra, sa) = max_restarts(a);
    let (rb, sb) = max_restarts(b);
    if ra != rb {
        return ra > rb;
    }
    if sa != sb {
        return sa > sb;
    }
    let (ca, cb) = (created(a), created(b));
    if ca != cb {
        return after_or_zero(cb, ca);
    }
    false
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn time_at(v: &Value, pointer: &str) -> Option<DateTime<Utc>> {
    crate::describe::format::parse_time(str_at(v, pointer))
}

fn ready_condition(pod: &Value) -> Option<&Value> {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("Ready"))
}

/// `podutils.IsPodReady`.
pub fn is_ready(pod: &Value) -> bool {
    ready_condition(pod).is_some_and(|c| c.get("status").and_then(Value::as_str) == Some("True"))
}

fn ready_time(pod: &Value) -> Option<DateTime<Utc>> {
    ready_condition(pod)
        .filter(|c| c.get("status").and_then(Value::as_str) == Some("True"))
        .and_then(|c| time_at(c, "/lastTransitionTime"))
}

fn created(pod: &Value) -> Option<DateTime<Utc>> {
    time_at(pod, "/metadata/creationTimestamp")
}

/// Whether `t1` is after `t2`, a zero (missing) time counting as latest.
fn after_or_zero(t1: Option<DateTime<Utc>>, t2: Option<DateTime<Utc>>) -> bool {
    match (t1, t2) {
        (None, _) | (_, None) => t1.is_none(),
        (Some(a), Some(b)) => a > b,
    }
}

/// The highest restart count of the pod's containers, and of its sidecars.
fn max_restarts(pod: &Value) -> (i64, i64) {
    let count = |s: &Value| s.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
    let statuses = |p: &str| {
        pod.pointer(p)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let regular = statuses("/status/containerStatuses")
        .iter()
        .map(count)
        .max()
        .unwrap_or(0)
        .max(0);
    let sidecars: Vec<String> = pod
        .pointer("/spec/initContainers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter(|c| c.get("restartPolicy").and_then(Value::as_str) == Some("Always"))
                .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let sidecar = statuses("/status/initContainerStatuses")
        .iter()
        .filter(|s| {
            s.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| sidecars.iter().any(|x| x == n))
        })
        .map(count)
        .max()
        .unwrap_or(0)
        .max(0);
    (regular, sidecar)
}

/// Which list of the pod spec a container comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerList {
    Init,
    Regular,
    Ephemeral,
}

fn containers(pod: &Value, list: ContainerList) -> impl Iterator<Item = &Value> {
    let pointer = match list {
        ContainerList::Init => "/spec/initContainers",
        ContainerList::Regular => "/spec/containers",
        ContainerList::Ephemeral => "/spec/ephemeralContainers",
    };
    pod.pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The names of the containers in one list of the pod spec.
pub fn container_names(pod: &Value, list: ContainerList) -> Vec<String> {
    containers(pod, list)
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// `podcmd.FindContainerByName`: a container and its field path
/// (`spec.containers{web}`), looking at regular, init, then ephemeral containers.
pub fn find_container<'a>(pod: &'a Value, name: &str) -> Option<(&'a Value, String)> {
    for (list, path) in [
        (ContainerList::Regular, "containers"),
        (ContainerList::Init, "initContainers"),
        (ContainerList::Ephemeral, "ephemeralContainers"),
    ] {
        if let Some(c) =
            containers(pod, list).find(|c| c.get("name").and_then(Value::as_str) == Some(name))
        {
            return Some((c, format!("spec.{path}{{{name}}}")));
        }
    }
    None
}

/// `podcmd.AllContainerNames`: `a, b, dbg (ephem), init (init)`.
pub fn all_container_names(pod: &Value) -> String {
    let mut names = container_names(pod, ContainerList::Regular);
    names.extend(
        container_names(pod, ContainerList::Ephemeral)
            .into_iter()
            .map(|n| format!("{n} (ephem)")),
    );
    names.extend(
        container_names(pod, ContainerList::Init)
            .into_iter()
            .map(|n| format!("{n} (init)")),
    );
    names.join(", ")
}

/// Whether the pod has more containers than its first regular one.
pub fn has_several_containers(pod: &Value) -> bool {
    container_names(pod, ContainerList::Regular).len() > 1
        || !container_names(pod, ContainerList::Init).is_empty()
        || !container_names(pod, ContainerList::Ephemeral).is_empty()
}

/// The pod's name and namespace.
pub fn pod_name(pod: &Value) -> (&str, &str) {
    (
        str_at(pod, "/metadata/name"),
        str_at(pod, "/metadata/namespace"),
    )
}

/// The default container the annotation names, if any.
pub fn annotated_default_container(pod: &Value) -> Option<&str> {
    pod.pointer("/metadata/annotations")
        .and_then(|a| a.get(DEFAULT_CONTAINER_ANNOTATION))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_of_workloads() {
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"namespace": "ns"},
            "spec": {"selector": {"matchLabels": {"b": "2", "a": "1"},
                "matchExpressions": [{"key": "c", "operator": "In", "values": ["y", "x"]}]}}});
        assert_eq!(
            selector_for_object(&deploy).unwrap(),
            ("ns".to_string(), "a=1,b=2,c in (x,y)".to_string())
        );
        let svc =
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}});
        assert_eq!(
            selector_for_object(&svc).unwrap_err(),
            "invalid service 's': Service is defined without a selector"
        );
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap"});
        assert_eq!(
            selector_for_object(&cm).unwrap_err(),
            "selector for *v1.ConfigMap not implemented"
        );
        let cr = json!({"apiVersion": "example.com/v1", "kind": "Thing"});
        assert_eq!(go_type_name(&cr), "*unstructured.Unstructured");
    }

    #[test]
    fn logging_order() {
        let pod = |name: &str, node: &str, phase: &str, ready: bool, restarts: i64| {
            json!({"metadata": {"name": name, "creationTimestamp": "2026-01-01T00:00:00Z"},
                "spec": {"nodeName": node},
                "status": {"phase": phase,
                    "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"},
                        "lastTransitionTime": "2026-01-01T00:00:10Z"}],
                    "containerStatuses": [{"restartCount": restarts}]}})
        };
        let mut pods = vec![
            pod("pending", "n", "Pending", false, 0),
            pod("unassigned", "", "Running", true, 0),
            pod("restarted", "n", "Running", true, 3),
            pod("running", "n", "Running", true, 0),
        ];
        gosort::sort_by(&mut pods, by_logging);
        let names: Vec<&str> = pods.iter().map(|p| pod_name(p).0).collect();
        assert_eq!(names, ["restarted", "running", "pending", "unassigned"]);
    }

    #[test]
    fn containers_by_name() {
        let pod = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}],
            "initContainers": [{"name": "i"}], "ephemeralContainers": [{"name": "e"}]}});
        assert_eq!(
            find_container(&pod, "i").unwrap().1,
            "spec.initContainers{i}"
        );
        assert_eq!(
            find_container(&pod, "e").unwrap().1,
            "spec.ephemeralContainers{e}"
        );
        assert!(find_container(&pod, "x").is_none());
        assert_eq!(all_container_names(&pod), "a, b, e (ephem), i (init)");
    }
}
