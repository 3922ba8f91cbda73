//! Pod resource arithmetic from component-helpers: QoS class, and the
//! effective requests and limits of a pod (sidecars, init containers,
//! pod-level resources, overhead).

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::{arr, at, s};
use super::pod_summary::{Container, ContainerStatus, PodSummary, Quantities};
use crate::quantity::Quantity;

pub type ResourceList = BTreeMap<String, Quantity>;

/// The resources a pod may set at pod level.
const POD_LEVEL: &[&str] = &["cpu", "memory", "hugepages-"];

fn pod_level_supported(name: &str) -> bool {
    name == "cpu" || name == "memory" || name.starts_with(POD_LEVEL[2])
}

fn list(v: &Value) -> ResourceList {
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

fn add<'a>(to: &mut ResourceList, from: impl IntoIterator<Item = (&'a String, &'a Quantity)>) {
    for (k, q) in from {
        match to.get_mut(k) {
            Some(existing) => existing.add(q),
            None => {
                to.insert(k.clone(), q.clone());
            }
        }
    }
}

fn max_into(to: &mut ResourceList, from: &ResourceList) {
    for (k, q) in from {
        match to.get(k) {
            Some(existing) if q.cmp(existing).is_le() => {}
            _ => {
                to.insert(k.clone(), q.clone());
            }
        }
    }
}

/// `GetPodQOS`: the class the server recorded, else computed.
pub fn pod_qos(pod: &Value) -> String {
    let recorded = s(pod, &["status", "qosClass"]);
    if !recorded.is_empty() {
        return recorded.to_string();
    }
    let spec = at(pod, &["spec"]);
    if pod_level_set(pod) {
        return requirements_qos(at(spec, &["resources"])).to_string();
    }
    let mut qos: Option<&str> = None;
    for c in arr(spec, &["initContainers"])
        .iter()
        .chain(arr(spec, &["containers"]))
    {
        let q = requirements_qos(at(c, &["resources"]));
        if q == "Burstable" {
            return q.to_string();
        }
        match qos {
            None => qos = Some(q),
            Some(prev) if prev != q => return "Burstable".to_string(),
            _ => {}
        }
    }
    qos.unwrap_or("BestEffort").to_string()
}

fn requirements_qos(resources: &Value) -> &'static str {
    let requests = list(at(resources, &["requests"]));
    let limits = list(at(resources, &["limits"]));
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    let mut qos: Option<&str> = None;
    for name in ["cpu", "memory"] {
        let req = requests.get(name).cloned().unwrap_or_default();
        let lim = limits.get(name).cloned().unwrap_or_default();
        let q = if req.cmp(&lim).is_ne() {
            "Burstable"
        } else if req.is_zero() {
            "BestEffort"
        } else {
            "Guaranteed"
        };
        if q == "Burstable" {
            return q;
        }
        match qos {
            None => qos = Some(q),
            Some(prev) if prev != q => return "Burstable",
            _ => {}
        }
    }
    qos.unwrap_or("BestEffort")
}

fn pod_level_set(pod: &Value) -> bool {
    let r = at(pod, &["spec", "resources"]);
    ["requests", "limits"]
        .iter()
        .any(|f| list(at(r, &[f])).keys().any(|k| pod_level_supported(k)))
}

fn any_pod_level(list: &Quantities) -> bool {
    list.iter().any(|(k, _)| pod_level_supported(k))
}

fn resize_infeasible(pod: &PodSummary) -> bool {
    pod.status
        .conditions
        .iter()
        .find(|c| c.type_ == "PodResizePending")
        .is_some_and(|c| c.reason == "Infeasible")
}

fn container_status<'a>(pod: &'a PodSummary, name: &str) -> Option<&'a ContainerStatus> {
    pod.status
        .container_statuses
        .iter()
        .chain(&pod.status.init_container_statuses)
        .find(|st| st.name == name)
}

#[derive(Clone, Copy)]
enum Source {
    Spec,
    Allocated,
    Actuated,
}

fn container_list(
    c: &Container,
    st: Option<&ContainerStatus>,
    infeasible: bool,
    requests: bool,
    source: Source,
) -> ResourceList {
    let spec = if requests {
        &c.resources.requests
    } else {
        &c.resources.limits
    };
    let reported = |st: &ContainerStatus| {
        st.resources.as_ref().and_then(|r| {
            if requests {
                r.requests.as_ref().map(Quantities::to_list)
            } else {
                r.limits.as_ref().map(Quantities::to_list)
            }
        })
    };
    let allocated = |st: &ContainerStatus| st.allocated_resources.as_ref().map(Quantities::to_list);
    let fallback = || {
        if infeasible {
            ResourceList::new()
        } else {
            spec.to_list()
        }
    };
    match source {
        Source::Spec => spec.to_list(),
        Source::Allocated => match st.and_then(allocated) {
            Some(allocated) => allocated,
            None => fallback(),
        },
        Source::Actuated => {
            if let Some(list) = st.and_then(reported) {
                return list;
            }
            if requests {
                if let Some(allocated) = st.and_then(allocated) {
                    return allocated;
                }
            }
            fallback()
        }
    }
}

fn aggregate(pod: &PodSummary, use_status: bool, requests: bool, source: Source) -> ResourceList {
    let infeasible = use_status && resize_infeasible(pod);
    let status = |name: &str| {
        if use_status {
            container_status(pod, name)
        } else {
            None
        }
    };
    let mut result = ResourceList::new();
    for c in &pod.spec.containers {
        let r = container_list(c, status(&c.name), infeasible, requests, source);
        add(&mut result, &r);
    }
    let mut sidecars = ResourceList::new();
    let mut init = ResourceList::new();
    for c in &pod.spec.init_containers {
        let mut r = container_list(c, status(&c.name), infeasible, requests, source);
        if c.restart_policy == "Always" {
            add(&mut result, &r);
            add(&mut sidecars, &r);
            r = sidecars.clone();
        } else {
            let mut combined = ResourceList::new();
            add(&mut combined, &r);
            add(&mut combined, &sidecars);
            r = combined;
        }
        max_into(&mut init, &r);
    }
    max_into(&mut result, &init);
    result
}

/// `PodRequests` (with `UseStatusResources` when kubectl sets it).
pub fn pod_requests(pod: &PodSummary, use_status: bool) -> ResourceList {
    let mut reqs = if !use_status {
        aggregate(pod, false, true, Source::Spec)
    } else {
        let infeasible = resize_infeasible(pod);
        let spec = aggregate(pod, true, true, Source::Spec);
        let allocated = aggregate(pod, true, true, Source::Allocated);
        let actuated = aggregate(pod, true, true, Source::Actuated);
        let mut out = if infeasible { actuated.clone() } else { spec };
        if !infeasible {
            max_into(&mut out, &actuated);
        }
        max_into(&mut out, &allocated);
        out
    };
    let pod_requests = &pod.spec.resources.requests;
    if any_pod_level(pod_requests) {
        for (k, q) in pod_requests.iter() {
            if pod_level_supported(k) {
                reqs.insert(k.clone(), q.clone());
            }
        }
    }
    add(&mut reqs, pod.spec.overhead.iter());
    reqs
}

/// `PodLimits`.
pub fn pod_limits(pod: &PodSummary, use_status: bool) -> ResourceList {
    let mut limits = if !use_status {
        aggregate(pod, false, false, Source::Spec)
    } else {
        let infeasible = resize_infeasible(pod);
        let spec = aggregate(pod, true, false, Source::Spec);
        let actuated = aggregate(pod, true, false, Source::Actuated);
        if infeasible {
            actuated
        } else {
            let mut out = spec;
            max_into(&mut out, &actuated);
            out
        }
    };
    let level = &pod.spec.resources;
    if any_pod_level(&level.requests) || any_pod_level(&level.limits) {
        for (k, q) in level.limits.iter() {
            if pod_level_supported(k) {
                limits.insert(k.clone(), q.clone());
            }
        }
    }
    for (k, q) in pod.spec.overhead.iter() {
        if let Some(existing) = limits.get_mut(k) {
            if !existing.is_zero() {
                existing.add(q);
            }
        }
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn qos_classes() {
        let best = json!({"spec": {"containers": [{"name": "a"}]}});
        assert_eq!(pod_qos(&best), "BestEffort");
        let guaranteed = json!({"spec": {"containers": [{"name": "a", "resources": {
            "requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}}]}});
        assert_eq!(pod_qos(&guaranteed), "Guaranteed");
        let burstable = json!({"spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "1"}}}]}});
        assert_eq!(pod_qos(&burstable), "Burstable");
    }

    #[test]
    fn requests_with_init_and_sidecars() {
        let pod = json!({"spec": {
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}},
                           {"name": "b", "resources": {"requests": {"cpu": "200m"}}}],
            "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "1"}}}]}});
        let pod = PodSummary::from_value(&pod);
        assert_eq!(pod_requests(&pod, true)["cpu"].to_canonical(), "1");
        let pod = json!({"spec": {
            "containers": [{"name": "a", "resources": {"requests": {"memory": "64Mi"}}}],
            "initContainers": [{"name": "s", "restartPolicy": "Always", "resources": {"requests": {"memory": "32Mi"}}}]}});
        let pod = PodSummary::from_value(&pod);
        assert_eq!(pod_requests(&pod, false)["memory"].to_canonical(), "96Mi");
    }
}
