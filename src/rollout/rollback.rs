//! `rollout undo`: put a previous revision's pod template back (kubectl's
//! Rollbackers). A Deployment gets a JSON patch replacing its template and
//! annotations; a DaemonSet or StatefulSet gets its ControllerRevision's
//! data as a strategic merge patch.

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Map, Value};

use super::history::{self, Purpose};
use super::status::revision_of;
use super::Workload;
use crate::client::ApiClient;
use crate::describe::json::{at, s};
use crate::flags::go_values::go_quote;
use crate::flags::DryRun;
use crate::resource::write::{self, PatchType, WriteOptions};
use crate::resource::Mapping;

/// What the rollback did, as kubectl words it after the object's name.
pub const ROLLED_BACK: &str = "rolled back";

/// Annotations a Deployment keeps rather than take from the ReplicaSet.
const ANNOTATIONS_TO_SKIP: &[&str] = &[
    crate::apply::last_applied::ANNOTATION,
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

const HASH_LABEL: &str = "pod-template-hash";

/// kubectl sends rollback patches without a field manager; the server then
/// names the manager after kubectl's user agent.
const FIELD_MANAGER: &str = "kubectl";

fn revision_not_found(revision: i64) -> anyhow::Error {
    anyhow!("unable to find specified revision {revision} in history")
}

fn skipped(revision: i64) -> String {
    format!("skipped rollback (current template already matches revision {revision})")
}

/// Rolls `name` back to `to_revision` (0: the one before the current) and
/// returns what kubectl prints after the object's name.
pub async fn rollback(
    client: &ApiClient,
    workload: Workload,
    namespace: &str,
    name: &str,
    to_revision: i64,
    dry_run: DryRun,
    err: &mut dyn Write,
) -> Result<String> {
    if to_revision < 0 {
        return Err(revision_not_found(to_revision));
    }
    match workload {
        Workload::Deployment => deployment(client, namespace, name, to_revision, dry_run).await,
        _ => {
            controller_revision(client, workload, namespace, name, to_revision, dry_run, err).await
        }
    }
}

fn options(dry_run: DryRun) -> WriteOptions {
    WriteOptions {
        field_manager: FIELD_MANAGER.into(),
        field_validation: None,
        dry_run: dry_run == DryRun::Server,
    }
}

fn apps_mapping(resource: &str, kind: &str) -> Mapping {
    Mapping {
        group: "apps".into(),
        version: "v1".into(),
        resource: resource.into(),
        kind: kind.into(),
        singular: kind.to_lowercase(),
        namespaced: true,
        verbs: Vec::new(),
        short_names: Vec::new(),
        categories: Vec::new(),
    }
}

async fn deployment(
    client: &ApiClient,
    namespace: &str,
    name: &str,
    to_revision: i64,
    dry_run: DryRun,
) -> Result<String> {
    let mapping = apps_mapping("deployments", "Deployment");
    let d = client
        .get_json(&mapping.object_path(Some(namespace), name))
        .await
        .map_err(|e| anyhow!("failed to retrieve Deployment {name}: {e}"))?;
    let selector =
        crate::resource::selector::Selector::from_label_selector(at(&d, &["spec", "selector"]))
            .map_err(|e| anyhow!("failed to retrieve replica sets from deployment {name}: {e}"))?
            .to_text();
    let mut path = apps_mapping("replicasets", "ReplicaSet").collection_path(Some(namespace));
    if !selector.is_empty() {
        path.push_str(&format!(
            "?labelSelector={}",
            crate::resource::fetch::query_escape(&selector)
        ));
    }
    let all = client
        .get_json(&path)
        .await
        .map(crate::resource::infos::list_items)
        .map_err(|e| anyhow!("failed to retrieve replica sets from deployment {name}: {e}"))?;
    let (old, new) = crate::describe::deployment_replica_sets(&d, &all);
    let target = pick_replica_set(old.into_iter().chain(new), to_revision)
        .ok_or_else(|| {
            if to_revision > 0 {
                revision_not_found(to_revision)
            } else {
                anyhow!("no rollout history found for deployment {}", go_quote(name))
            }
        })?
        .clone();
    let template = at(&target, &["spec", "template"]).clone();
    if dry_run == DryRun::Client {
        return Ok(crate::describe::pod_template_text(&template));
    }
    if at(&d, &["spec", "paused"]).as_bool() == Some(true) {
        bail!("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    }
    if crate::describe::equal_ignore_hash(&template, at(&d, &["spec", "template"])) {
        return Ok(skipped(to_revision));
    }
    let mut template = template;
    if let Some(meta) = template.get_mut("metadata").and_then(Value::as_object_mut) {
        if let Some(labels) = meta.get_mut("labels").and_then(Value::as_object_mut) {
            labels.shift_remove(HASH_LABEL);
            if labels.is_empty() {
                meta.shift_remove("labels");
            }
        }
    }
    let mut annotations = Map::new();
    let string_map = |obj: &Value| -> Map<String, Value> {
        at(obj, &["metadata", "annotations"])
            .as_object()
            .cloned()
            .unwrap_or_default()
    };
    for (k, v) in string_map(&d) {
        if ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            annotations.insert(k, v);
        }
    }
    for (k, v) in string_map(&target) {
        if !ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            annotations.insert(k, v);
        }
    }
    annotations.sort_keys();
    let patch = json!([
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]);
    let body = serde_json::to_vec(&patch).unwrap_or_default();
    write::patch(
        client,
        &mapping,
        Some(namespace),
        name,
        None,
        PatchType::Json,
        body,
        &options(dry_run),
    )
    .await
    .map_err(|e| anyhow!("failed restoring revision {to_revision}: {e}"))?;
    Ok(ROLLED_BACK.into())
}

/// The ReplicaSet of `to_revision`, or with 0 the second newest one.
fn pick_replica_set<'a>(
    all: impl Iterator<Item = &'a Value>,
    to_revision: i64,
) -> Option<&'a Value> {
    let (mut latest, mut latest_revision) = (None, -1);
    let (mut previous, mut previous_revision) = (None, -1);
    for rs in all {
        let Ok(v) = revision_of(rs) else { continue };
        if to_revision == 0 {
            if latest_revision < v {
                previous_revision = latest_revision;
                previous = latest;
                latest_revision = v;
                latest = Some(rs);
            } else if previous_revision < v {
                previous_revision = v;
                previous = Some(rs);
            }
        } else if to_revision == v {
            return Some(rs);
        }
    }
    if to_revision > 0 {
        return None;
    }
    previous
}

async fn controller_revision(
    client: &ApiClient,
    workload: Workload,
    namespace: &str,
    name: &str,
    to_revision: i64,
    dry_run: DryRun,
    err: &mut dyn Write,
) -> Result<String> {
    let h = history::read(client, workload, namespace, name, Purpose::View, err).await?;
    let mut revisions: Vec<&Value> = h.controller_revisions.iter().collect();
    if to_revision == 0 && revisions.len() <= 1 {
        bail!("no last revision to roll back to");
    }
    let number = |r: &Value| at(r, &["revision"]).as_i64().unwrap_or(0);
    let target = if to_revision == 0 {
        revisions.sort_by_key(|r| number(r));
        revisions.get(revisions.len() - 2).copied()
    } else {
        revisions.iter().copied().find(|r| number(r) == to_revision)
    }
    .ok_or_else(|| revision_not_found(to_revision))?;
    if dry_run == DryRun::Client {
        let applied = history::apply_revision(&h.workload, target);
        return Ok(format!(
            "will roll back to {}",
            crate::describe::pod_template_text(at(&applied, &["spec", "template"]))
        ));
    }
    let data = at(target, &["data"]);
    if *data == current_template_patch(&h.workload) {
        return Ok(skipped(to_revision));
    }
    let (resource, kind) = match workload {
        Workload::DaemonSet => ("daemonsets", "DaemonSet"),
        _ => ("statefulsets", "StatefulSet"),
    };
    let body = serde_json::to_vec(data).unwrap_or_default();
    write::patch(
        client,
        &apps_mapping(resource, kind),
        Some(namespace),
        s(&h.workload, &["metadata", "name"]),
        None,
        PatchType::Strategic,
        body,
        &options(dry_run),
    )
    .await
    .map_err(|e| anyhow!("failed restoring revision {to_revision}: {e}"))?;
    Ok(ROLLED_BACK.into())
}

/// The patch a ControllerRevision of the current template would hold.
fn current_template_patch(workload: &Value) -> Value {
    let mut template = at(workload, &["spec", "template"])
        .as_object()
        .cloned()
        .unwrap_or_default();
    template.insert("$patch".into(), Value::String("replace".into()));
    json!({"spec": {"template": template}})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(revision: &str) -> Value {
        json!({"metadata": {"name": format!("rs-{revision}"),
            "annotations": {"deployment.kubernetes.io/revision": revision}}})
    }

    #[test]
    fn previous_or_named_revision() {
        let all = [rs("1"), rs("3"), rs("2"), rs("x")];
        let name = |v: Option<&Value>| v.map(|v| s(v, &["metadata", "name"]).to_string());
        assert_eq!(
            name(pick_replica_set(all.iter(), 0)).as_deref(),
            Some("rs-2")
        );
        assert_eq!(
            name(pick_replica_set(all.iter(), 1)).as_deref(),
            Some("rs-1")
        );
        assert_eq!(name(pick_replica_set(all.iter(), 7)), None);
        assert_eq!(name(pick_replica_set([rs("1")].iter(), 0)), None);
    }

    #[test]
    fn current_template_as_revision_data() {
        let ds = json!({"spec": {"template": {"metadata": {"labels": {"a": "b"}}}}});
        assert_eq!(
            current_template_patch(&ds),
            json!({"spec": {"template": {"metadata": {"labels": {"a": "b"}}, "$patch": "replace"}}})
        );
    }
}
