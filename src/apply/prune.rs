//! `--prune` (apply and diff): which objects an apply of some files would
//! delete. Those are the objects of the allowlisted types, in the
//! namespaces the files' objects went to (and the cluster-scoped ones),
//! that carry the last-applied annotation, match the selector, and are not
//! among the objects the run applied.

use std::collections::HashSet;

use anyhow::{bail, Result};
use serde_json::{Map, Value};

use super::resolve::exact_kind;
use super::Info;
use crate::client::{ApiClient, ApiError};
use crate::flags::go_values::go_quote;
use crate::resource::discovery::Discovery;
use crate::resource::Mapping;

/// kubectl's default prune allowlist: (group, version, kind, namespaced).
const DEFAULT_PRUNE: &[(&str, &str, &str, bool)] = &[
    ("", "v1", "ConfigMap", true),
    ("", "v1", "Endpoints", true),
    ("", "v1", "PersistentVolumeClaim", true),
    ("", "v1", "Pod", true),
    ("", "v1", "ReplicationController", true),
    ("", "v1", "Secret", true),
    ("", "v1", "Service", true),
    ("batch", "v1", "Job", true),
    ("batch", "v1", "CronJob", true),
    ("networking.k8s.io", "v1", "Ingress", true),
    ("apps", "v1", "DaemonSet", true),
    ("apps", "v1", "Deployment", true),
    ("apps", "v1", "ReplicaSet", true),
    ("apps", "v1", "StatefulSet", true),
    ("", "v1", "Namespace", false),
    ("", "v1", "PersistentVolume", false),
];

/// kubectl's warning when the default allowlist is used (always, since a
/// namespace is always known).
pub const DEFAULT_ALLOWLIST_WARNING: &str = "Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used with the --namespace flag in a future release. To preserve the current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag.";

/// What a run has seen, and the types it prunes.
#[derive(Debug, Default)]
pub struct Pruner {
    /// None: kubectl's default list (resolved when pruning).
    allowlist: Option<Vec<Mapping>>,
    /// The namespaces objects went to, in the order first seen.
    namespaces: Vec<String>,
    /// The uids of the objects applied.
    uids: HashSet<String>,
}

/// One list to read: the objects of a type in a namespace (None:
/// cluster-scoped).
pub struct Target {
    pub namespace: Option<String>,
    pub mapping: Mapping,
}

impl Target {
    /// kubectl's wording for a failed list (`error pruning namespaced object
    /// /v1, Kind=ConfigMap: …`).
    pub fn error(&self, e: &ApiError) -> String {
        let m = &self.mapping;
        let scope = if m.namespaced {
            "namespaced"
        } else {
            "nonNamespaced"
        };
        format!(
            "error pruning {scope} object {}/{}, Kind={}: {e}",
            m.group, m.version, m.kind
        )
    }
}

impl Pruner {
    /// `--prune-allowlist` entries (`group/version/kind`, `core` for the core
    /// group) resolved through discovery; none means kubectl's default list.
    pub fn new(discovery: &Discovery, allowlist: &[String]) -> Result<Pruner> {
        let mut mappings = Vec::new();
        for gvk in allowlist {
            let parts: Vec<&str> = gvk.split('/').collect();
            let [group, version, kind] = parts[..] else {
                bail!("invalid GroupVersionKind format: {gvk}, please follow <group/version/kind>");
            };
            let group = if group == "core" { "" } else { group };
            let Some(mapping) = exact_kind(discovery, group, version, kind) else {
                let gv = match group {
                    "" => version.to_string(),
                    g => format!("{g}/{version}"),
                };
                bail!(
                    "no matches for kind {} in version {}",
                    go_quote(kind),
                    go_quote(&gv)
                );
            };
            mappings.push(mapping);
        }
        Ok(Pruner {
            allowlist: (!mappings.is_empty()).then_some(mappings),
            ..Default::default()
        })
    }

    /// Whether kubectl's default list is used (and its warning due).
    pub fn uses_default_allowlist(&self) -> bool {
        self.allowlist.is_none()
    }

    pub fn mark_namespace(&mut self, namespace: &str) {
        if !self.namespaces.iter().any(|n| n == namespace) {
            self.namespaces.push(namespace.to_string());
        }
    }

    /// An object the run visits: its namespace is looked at.
    pub fn mark_info(&mut self, info: &Info) {
        if info.mapping.namespaced {
            self.mark_namespace(&info.namespace);
        }
    }

    /// The object as applied (or as it is live): it is kept.
    pub fn mark_object(&mut self, object: Option<&Map<String, Value>>) {
        let uid = object
            .and_then(|o| o.get("metadata"))
            .and_then(|m| m.get("uid"))
            .and_then(Value::as_str);
        self.uids.insert(uid.unwrap_or_default().to_string());
    }

    /// The lists to read, in kubectl's order: each namespace's namespaced
    /// types, then the cluster-scoped types. A default type the server does
    /// not serve is an error in kubectl's words.
    pub fn targets(&self, discovery: &Discovery) -> Result<Vec<Target>> {
        let mappings = match &self.allowlist {
            Some(m) => m.clone(),
            None => {
                let mut out = Vec::new();
                for (g, v, k, namespaced) in DEFAULT_PRUNE {
                    match exact_kind(discovery, g, v, k) {
                        Some(m) => out.push(m),
                        None => bail!(
                            "error retrieving RESTMappings to prune: invalid resource {{{g} {v} {k} {}}}: no matches for kind {} in version {}",
                            namespaced,
                            go_quote(k),
                            go_quote(&if g.is_empty() { v.to_string() } else { format!("{g}/{v}") })
                        ),
                    }
                }
                out
            }
        };
        let mut targets = Vec::new();
        for ns in &self.namespaces {
            targets.extend(mappings.iter().filter(|m| m.namespaced).map(|m| Target {
                namespace: Some(ns.clone()),
                mapping: m.clone(),
            }));
        }
        targets.extend(mappings.iter().filter(|m| !m.namespaced).map(|m| Target {
            namespace: None,
            mapping: m.clone(),
        }));
        Ok(targets)
    }

    /// The objects of one list that would be pruned, with their apiVersion
    /// and kind filled in.
    pub async fn candidates(
        &self,
        client: &ApiClient,
        target: &Target,
        selector: Option<&str>,
    ) -> Result<Vec<Map<String, Value>>, ApiError> {
        let query = match selector.filter(|s| !s.is_empty()) {
            Some(s) => format!("?labelSelector={}", crate::resource::fetch::query_escape(s)),
            None => String::new(),
        };
        let mapping = &target.mapping;
        let path = format!(
            "{}{query}",
            mapping.collection_path(target.namespace.as_deref())
        );
        let list = client.get_json(&path).await?;
        let mut out = Vec::new();
        for item in list
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(obj) = item.as_object() else {
                continue;
            };
            let meta = obj.get("metadata");
            let applied = meta
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get(super::last_applied::ANNOTATION))
                .is_some();
            let uid = meta
                .and_then(|m| m.get("uid"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !applied || self.uids.contains(uid) {
                continue;
            }
            let mut obj = obj.clone();
            obj.insert("apiVersion".into(), Value::String(mapping.api_version()));
            obj.insert("kind".into(), Value::String(mapping.kind.clone()));
            out.push(obj);
        }
        Ok(out)
    }
}

/// How many prune DELETEs are in flight at once.
const CONCURRENCY: usize = 16;

/// Deletes the objects of one list (`send` false: a client dry run, nothing
/// is sent); `done` is called for each in list order as its answer comes.
/// kubectl deletes one after another and stops at the first failure; here
/// a bounded window of requests overlaps, so on a failure the requests
/// already sent after it may still take effect (their lines are not
/// printed).
pub async fn delete_each(
    client: &ApiClient,
    target: &Target,
    objects: Vec<Map<String, Value>>,
    body: &Value,
    send: bool,
    mut done: impl FnMut(Map<String, Value>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    type Pending = tokio::task::JoinHandle<Result<Value, ApiError>>;
    let mut in_flight: std::collections::VecDeque<(Map<String, Value>, Option<Pending>)> =
        Default::default();
    let mut objects = objects.into_iter();
    loop {
        let next = objects.next();
        while in_flight.len() >= CONCURRENCY || (next.is_none() && !in_flight.is_empty()) {
            let Some((object, handle)) = in_flight.pop_front() else {
                break;
            };
            if let Some(handle) = handle {
                let answer = match handle.await {
                    Ok(answer) => answer,
                    Err(e) => Err(ApiError::Unexpected(e.to_string())),
                };
                if let Err(e) = answer {
                    in_flight
                        .iter()
                        .filter_map(|(_, h)| h.as_ref())
                        .for_each(|h| h.abort());
                    bail!("{}", target.error(&e));
                }
            }
            done(object)?;
        }
        let Some(object) = next else {
            return Ok(());
        };
        let handle = send.then(|| {
            let name = object
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let (client, mapping, ns, body) = (
                client.clone(),
                target.mapping.clone(),
                target.namespace.clone(),
                body.clone(),
            );
            tokio::spawn(async move {
                crate::resource::write::delete(&client, &mapping, ns.as_deref(), &name, &body).await
            })
        });
        in_flight.push_back((object, handle));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Status;
    use crate::resource::test_support::mapping;

    #[test]
    fn list_failures_are_worded_as_kubectl_words_them() {
        let e = ApiError::Status(Box::new(Status {
            reason: "Forbidden".into(),
            message: "no".into(),
            ..Default::default()
        }));
        let target = Target {
            namespace: Some("ns".into()),
            mapping: mapping("", "ConfigMap", true),
        };
        assert_eq!(
            target.error(&e),
            "error pruning namespaced object /v1, Kind=ConfigMap: no"
        );
        let target = Target {
            namespace: None,
            mapping: mapping("apps", "Thing", false),
        };
        assert!(target
            .error(&e)
            .starts_with("error pruning nonNamespaced object apps/v1, Kind=Thing: "));
    }

    #[test]
    fn namespaced_types_per_namespace_then_cluster_types() {
        let mut pruner = Pruner {
            allowlist: Some(vec![
                mapping("", "Namespace", false),
                mapping("", "ConfigMap", true),
            ]),
            ..Default::default()
        };
        pruner.mark_namespace("b");
        pruner.mark_namespace("a");
        pruner.mark_namespace("b");
        let targets = pruner.targets(&Discovery::default()).unwrap();
        let seen: Vec<(Option<String>, String)> = targets
            .into_iter()
            .map(|t| (t.namespace, t.mapping.kind))
            .collect();
        assert_eq!(
            seen,
            [
                (Some("b".into()), "ConfigMap".into()),
                (Some("a".into()), "ConfigMap".into()),
                (None, "Namespace".into()),
            ]
        );
        assert!(!pruner.uses_default_allowlist());
    }
}
