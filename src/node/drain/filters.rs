//! Which pods of a node `drain` removes, and what it says about the others
//! (kubectl's drain filters): pods being deleted for long enough are
//! skipped, DaemonSet pods stay (an error without --ignore-daemonsets),
//! mirror pods stay, pods with emptyDir volumes need
//! --delete-emptydir-data, pods without a controller need --force. Finished
//! pods may always go.

use serde_json::Value;

const DAEMON_SET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMON_SET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const UNMANAGED_FATAL: &str = "Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";
const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// What a filter decided for a pod.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Remove it.
    Okay,
    /// Leave it, silently.
    Skip,
    /// Remove it or not, and say why in the warning line.
    Warning { delete: bool, message: String },
    /// Leave it, and fail the drain with this reason.
    Error(String),
}

impl Verdict {
    fn deletes(&self) -> bool {
        matches!(self, Verdict::Okay | Verdict::Warning { delete: true, .. })
    }
}

/// What a DaemonSet lookup found, for the DaemonSet filter.
#[derive(Debug, Clone, PartialEq)]
pub enum DaemonSetLookup {
    Found,
    /// NotFound, with the server's message.
    Missing(String),
    /// Any other failure, with its message.
    Failed(String),
}

/// The flags that decide the filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterOptions {
    pub force: bool,
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
    /// `--skip-wait-for-delete-timeout` (seconds; 0 or less: never skip).
    pub skip_wait_for_delete_timeout: i64,
}

/// The pods of a node with each one's verdict, in list order.
#[derive(Debug, Clone, Default)]
pub struct PodDeleteList {
    pub items: Vec<(Value, Verdict)>,
}

impl PodDeleteList {
    /// The pods to remove.
    pub fn pods(&self) -> Vec<Value> {
        self.items
            .iter()
            .filter(|(_, v)| v.deletes())
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// `message: ns/a, ns/b` per warning message, joined by `; `.
    pub fn warnings(&self) -> String {
        grouped(&self.items, |v| match v {
            Verdict::Warning { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .into_iter()
        .map(|(msg, pods)| format!("{msg}: {}", pods.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
    }

    /// `cannot delete <reason>: ns/a, ns/b`, one per reason.
    pub fn errors(&self) -> Vec<String> {
        grouped(&self.items, |v| match v {
            Verdict::Error(message) if message.is_empty() => Some("unexpected error"),
            Verdict::Error(message) => Some(message.as_str()),
            _ => None,
        })
        .into_iter()
        .map(|(msg, pods)| format!("cannot delete {msg}: {}", pods.join(", ")))
        .collect()
    }
}

/// Pods grouped by message, messages in the order first met (kubectl
/// groups them in a Go map, whose order varies from run to run).
fn grouped<'a>(
    items: &'a [(Value, Verdict)],
    message: impl Fn(&'a Verdict) -> Option<&'a str>,
) -> Vec<(&'a str, Vec<String>)> {
    let mut out: Vec<(&str, Vec<String>)> = Vec::new();
    for (pod, verdict) in items {
        let Some(msg) = message(verdict) else {
            continue;
        };
        let name = namespaced_name(pod);
        match out.iter_mut().find(|(m, _)| *m == msg) {
            Some((_, pods)) => pods.push(name),
            None => out.push((msg, vec![name])),
        }
    }
    out
}

/// `namespace/name`.
pub fn namespaced_name(pod: &Value) -> String {
    format!(
        "{}/{}",
        text(pod, "/metadata/namespace"),
        text(pod, "/metadata/name")
    )
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The owner reference marked as controller, if any.
pub fn controller_ref(pod: &Value) -> Option<&Value> {
    pod.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)?
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
}

/// The name of the DaemonSet (apps/v1) controlling the pod, if one does.
pub fn daemon_set_owner(pod: &Value) -> Option<&str> {
    let r = controller_ref(pod)?;
    (text(r, "/kind") == "DaemonSet" && text(r, "/apiVersion") == "apps/v1")
        .then(|| text(r, "/name"))
}

fn finished(pod: &Value) -> bool {
    matches!(text(pod, "/status/phase"), "Succeeded" | "Failed")
}

/// Whether the pod has been terminating for more than `timeout` seconds
/// (`now` and the deletion timestamp in seconds since the epoch).
pub fn should_skip(pod: &Value, timeout: i64, now: f64) -> bool {
    if timeout <= 0 {
        return false;
    }
    let Some(deleted) = pod
        .pointer("/metadata/deletionTimestamp")
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    else {
        return false;
    };
    let age = now - deleted.timestamp() as f64;
    // Go truncates the seconds toward zero before comparing.
    (age.trunc() as i64) > timeout
}

/// Runs the filters over one pod, in kubectl's order; the first verdict
/// that leaves the pod ends the chain, and otherwise the last one counts.
/// `daemon_set` looks up the pod's DaemonSet (only asked for when needed).
pub fn verdict(
    pod: &Value,
    opts: FilterOptions,
    now: f64,
    daemon_set: Option<&DaemonSetLookup>,
) -> Verdict {
    let filters: [&dyn Fn() -> Verdict; 5] = [
        &|| {
            if should_skip(pod, opts.skip_wait_for_delete_timeout, now) {
                Verdict::Skip
            } else {
                Verdict::Okay
            }
        },
        &|| daemon_set_verdict(pod, opts, daemon_set),
        &|| {
            let mirror = pod
                .pointer("/metadata/annotations")
                .and_then(Value::as_object)
                .is_some_and(|a| a.contains_key(MIRROR_ANNOTATION));
            if mirror {
                Verdict::Skip
            } else {
                Verdict::Okay
            }
        },
        &|| local_storage_verdict(pod, opts),
        &|| {
            if finished(pod) || controller_ref(pod).is_some() {
                Verdict::Okay
            } else if opts.force {
                Verdict::Warning {
                    delete: true,
                    message: UNMANAGED_WARNING.into(),
                }
            } else {
                Verdict::Error(UNMANAGED_FATAL.into())
            }
        },
    ];
    let mut last = Verdict::Okay;
    for filter in filters {
        last = filter();
        if !last.deletes() {
            break;
        }
    }
    last
}

/// Whether the pod needs its DaemonSet looked up for the filters.
pub fn needs_daemon_set_lookup(pod: &Value) -> bool {
    daemon_set_owner(pod).is_some() && !finished(pod)
}

fn daemon_set_verdict(
    pod: &Value,
    opts: FilterOptions,
    lookup: Option<&DaemonSetLookup>,
) -> Verdict {
    if daemon_set_owner(pod).is_none() || finished(pod) {
        return Verdict::Okay;
    }
    match lookup {
        Some(DaemonSetLookup::Missing(msg)) if opts.force => Verdict::Warning {
            delete: true,
            message: msg.clone(),
        },
        Some(DaemonSetLookup::Missing(msg)) | Some(DaemonSetLookup::Failed(msg)) => {
            Verdict::Error(msg.clone())
        }
        _ if !opts.ignore_daemonsets => Verdict::Error(DAEMON_SET_FATAL.into()),
        _ => Verdict::Warning {
            delete: false,
            message: DAEMON_SET_WARNING.into(),
        },
    }
}

fn local_storage_verdict(pod: &Value, opts: FilterOptions) -> Verdict {
    let has_empty_dir = pod
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .is_some_and(|vols| {
            vols.iter()
                .any(|v| v.get("emptyDir").is_some_and(|e| !e.is_null()))
        });
    if !has_empty_dir || finished(pod) {
        Verdict::Okay
    } else if !opts.delete_emptydir_data {
        Verdict::Error(LOCAL_STORAGE_FATAL.into())
    } else {
        Verdict::Warning {
            delete: true,
            message: LOCAL_STORAGE_WARNING.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, owner: Option<&str>, extra: Value) -> Value {
        let mut p = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "ns"}, "spec": {}, "status": {"phase": "Running"}});
        if let Some(kind) = owner {
            let api = if kind == "DaemonSet" || kind == "ReplicaSet" {
                "apps/v1"
            } else {
                "v1"
            };
            p["metadata"]["ownerReferences"] =
                json!([{"apiVersion": api, "kind": kind, "name": "o", "controller": true}]);
        }
        if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                if let (Some(Value::Object(dst)), Value::Object(src)) = (p.get_mut(k), v) {
                    dst.extend(src.clone());
                } else {
                    p.insert(k.clone(), v.clone());
                }
            }
        }
        p
    }

    fn run(pods: &[Value], opts: FilterOptions) -> PodDeleteList {
        PodDeleteList {
            items: pods
                .iter()
                .map(|p| {
                    (
                        p.clone(),
                        verdict(p, opts, 0.0, Some(&DaemonSetLookup::Found)),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn fatal_reasons_and_warnings() {
        let empty_dir = json!({"spec": {"volumes": [{"name": "v", "emptyDir": {}}]}});
        let pods = [
            pod("rs", Some("ReplicaSet"), json!({})),
            pod("ds", Some("DaemonSet"), json!({})),
            pod("bare", None, json!({})),
            pod("scratch", Some("ReplicaSet"), empty_dir.clone()),
            pod(
                "mirror",
                None,
                json!({"metadata": {"annotations": {MIRROR_ANNOTATION: "x"}}}),
            ),
            pod("done", None, json!({"status": {"phase": "Succeeded"}})),
        ];
        let list = run(&pods, FilterOptions::default());
        assert_eq!(
            list.errors(),
            vec![
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ns/ds",
                "cannot delete Pods that declare no controller (use --force to override): ns/bare",
                "cannot delete Pods with local storage (use --delete-emptydir-data to override): ns/scratch",
            ]
        );
        let opts = FilterOptions {
            force: true,
            ignore_daemonsets: true,
            delete_emptydir_data: true,
            ..Default::default()
        };
        let list = run(&pods, opts);
        assert!(list.errors().is_empty());
        assert_eq!(
            list.warnings(),
            "ignoring DaemonSet-managed Pods: ns/ds; deleting Pods that declare no controller: ns/bare"
        );
        let names: Vec<String> = list.pods().iter().map(namespaced_name).collect();
        assert_eq!(names, ["ns/rs", "ns/bare", "ns/scratch", "ns/done"]);
    }

    #[test]
    fn orphaned_daemon_set_pods_need_force() {
        let p = pod("ds", Some("DaemonSet"), json!({}));
        let missing = DaemonSetLookup::Missing("daemonsets.apps \"o\" not found".into());
        assert_eq!(
            verdict(&p, FilterOptions::default(), 0.0, Some(&missing)),
            Verdict::Error("daemonsets.apps \"o\" not found".into())
        );
        let force = FilterOptions {
            force: true,
            ..Default::default()
        };
        assert!(verdict(&p, force, 0.0, Some(&missing)).deletes());
    }

    #[test]
    fn long_terminating_pods_are_skipped() {
        let p = pod(
            "old",
            Some("ReplicaSet"),
            json!({"metadata": {"deletionTimestamp": "1970-01-01T00:00:10Z"}}),
        );
        assert!(should_skip(&p, 5, 16.5));
        assert!(!should_skip(&p, 5, 15.9));
        assert!(!should_skip(&p, 0, 100.0));
    }
}
