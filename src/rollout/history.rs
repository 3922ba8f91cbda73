//! A workload's revisions: a Deployment's ReplicaSets (numbered by their
//! revision annotation), or the ControllerRevisions a DaemonSet or
//! StatefulSet controls (each holding a patch that restores its pod
//! template). kubectl's HistoryViewers.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{anyhow, Result};
use serde_json::{Map, Value};

use super::status::revision_of;
use super::Workload;
use crate::client::ApiClient;
use crate::describe::json::{at, s};
use crate::resource::fetch::query_escape;
use crate::resource::infos::list_items;
use crate::resource::mapper::path_escape;
use crate::resource::selector::Selector;

/// The annotation recording why a revision was made.
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";

/// One revision: the object that records it (a ReplicaSet, or the workload
/// as that revision would make it) and its pod template.
#[derive(Debug, Clone)]
pub struct Revision {
    pub object: Value,
    pub template: Value,
    pub change_cause: String,
}

/// A workload as it is now and its revisions by number.
#[derive(Debug, Clone)]
pub struct History {
    pub workload: Value,
    pub revisions: BTreeMap<i64, Revision>,
    /// ControllerRevisions (DaemonSets and StatefulSets), in list order.
    pub controller_revisions: Vec<Value>,
}

fn kind_name(workload: Workload) -> (&'static str, &'static str) {
    match workload {
        Workload::Deployment => ("deployments", "deployment"),
        Workload::DaemonSet => ("daemonsets", "DaemonSet"),
        _ => ("statefulsets", "StatefulSet"),
    }
}

fn apps_path(namespace: &str, resource: &str) -> String {
    format!(
        "/apis/apps/v1/namespaces/{}/{resource}",
        path_escape(namespace)
    )
}

/// Lists `resource` in `namespace` (apps/v1) with a label selector; the
/// items carry their kind.
async fn list(
    client: &ApiClient,
    namespace: &str,
    resource: &str,
    selector: &str,
) -> Result<Vec<Value>, crate::client::ApiError> {
    let mut path = apps_path(namespace, resource);
    if !selector.is_empty() {
        path.push_str(&format!("?labelSelector={}", query_escape(selector)));
    }
    Ok(list_items(client.get_json(&path).await?))
}

/// Whether `owner` is the controller of `obj` (`metav1.IsControlledBy`).
pub fn is_controlled_by(obj: &Value, owner: &Value) -> bool {
    let uid = s(owner, &["metadata", "uid"]);
    at(obj, &["metadata", "ownerReferences"])
        .as_array()
        .is_some_and(|refs| {
            refs.iter().any(|r| {
                r.get("controller").and_then(Value::as_bool) == Some(true) && s(r, &["uid"]) == uid
            })
        })
}

/// Why the history is read: kubectl's warnings name the line that read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The table or one revision's template.
    View,
    /// The revisions' objects, for `-o`.
    Objects,
}

/// Reads a workload and its revisions (kubectl reads the workload again,
/// always as apps/v1). Revision annotations that do not parse are warned
/// about on `err` and skipped, as kubectl does.
pub async fn read(
    client: &ApiClient,
    workload: Workload,
    namespace: &str,
    name: &str,
    purpose: Purpose,
    err: &mut dyn Write,
) -> Result<History> {
    let (resource, kind) = kind_name(workload);
    let path = format!("{}/{}", apps_path(namespace, resource), path_escape(name));
    let mut object = client
        .get_json(&path)
        .await
        .map_err(|e| anyhow!("failed to retrieve {kind} {name}: {e}"))?;
    set_type(&mut object, kind_of(workload));
    let selector = Selector::from_label_selector(at(&object, &["spec", "selector"]))
        .map_err(|e| anyhow!("failed to create selector for {kind} {name}: {e}"))?
        .to_text();
    match workload {
        Workload::Deployment => {
            let all = list(client, namespace, "replicasets", &selector)
                .await
                .map_err(|e| {
                    anyhow!("failed to retrieve replica sets from deployment {name}: {e}")
                })?;
            let (old, new) = crate::describe::deployment_replica_sets(&object, &all);
            let mut revisions = BTreeMap::new();
            for rs in old.into_iter().chain(new) {
                let number = match revision_of(rs) {
                    Ok(n) => n,
                    Err(e) => {
                        crate::context::klog_warning(
                            err,
                            match purpose {
                                Purpose::View => "history.go:114",
                                Purpose::Objects => "history.go:172",
                            },
                            &format!(
                                "unable to get revision from replicaset {} for deployment {name} in namespace {namespace}: {e}",
                                s(rs, &["metadata", "name"])
                            ),
                        );
                        continue;
                    }
                };
                revisions.insert(
                    number,
                    Revision {
                        object: rs.clone(),
                        template: at(rs, &["spec", "template"]).clone(),
                        change_cause: change_cause(rs),
                    },
                );
            }
            Ok(History {
                workload: object,
                revisions,
                controller_revisions: Vec::new(),
            })
        }
        _ => {
            let all = list(client, namespace, "controllerrevisions", &selector)
                .await
                .map_err(|e| anyhow!("unable to find history controlled by {kind} {name}: {e}"))?;
            let owned: Vec<Value> = all
                .into_iter()
                .filter(|r| is_controlled_by(r, &object))
                .collect();
            let mut revisions = BTreeMap::new();
            for r in &owned {
                let number = at(r, &["revision"]).as_i64().unwrap_or(0);
                let applied = apply_revision(&object, r);
                let template = at(&applied, &["spec", "template"]).clone();
                revisions.insert(
                    number,
                    Revision {
                        object: applied,
                        template,
                        change_cause: change_cause(r),
                    },
                );
            }
            Ok(History {
                workload: object,
                revisions,
                controller_revisions: owned,
            })
        }
    }
}

fn kind_of(workload: Workload) -> &'static str {
    match workload {
        Workload::Deployment => "Deployment",
        Workload::DaemonSet => "DaemonSet",
        _ => "StatefulSet",
    }
}

/// Typed clients return objects without their type; kubectl's printers set
/// it again.
fn set_type(obj: &mut Value, kind: &str) {
    if let Some(map) = obj.as_object_mut() {
        map.insert("apiVersion".into(), Value::String("apps/v1".into()));
        map.insert("kind".into(), Value::String(kind.into()));
    }
}

fn change_cause(obj: &Value) -> String {
    s(obj, &["metadata", "annotations", CHANGE_CAUSE_ANNOTATION]).to_string()
}

/// The workload as a ControllerRevision would restore it: its data is a
/// strategic merge patch replacing `spec.template`.
pub fn apply_revision(workload: &Value, revision: &Value) -> Value {
    let mut applied = workload.clone();
    let template = revision_template(revision);
    if let (Some(spec), Some(template)) = (
        applied.get_mut("spec").and_then(Value::as_object_mut),
        template,
    ) {
        spec.insert("template".into(), Value::Object(template));
    }
    applied
}

/// The pod template a ControllerRevision holds, without the `$patch`
/// directive, with its fields in Go's order (kubectl decodes the restored
/// workload into its typed struct).
pub fn revision_template(revision: &Value) -> Option<Map<String, Value>> {
    let mut template = at(revision, &["data", "spec", "template"])
        .as_object()?
        .clone();
    template.shift_remove("$patch");
    // A template is a Pod without type and status.
    match crate::generate::typed::normalize("Pod", &Value::Object(template.clone())) {
        Ok(Value::Object(mut typed)) => {
            typed.shift_remove("status");
            Some(typed)
        }
        _ => Some(template),
    }
}

impl History {
    /// `rollout history` without `-o`: the REVISION/CHANGE-CAUSE table, or
    /// with `revision` > 0 that revision's pod template.
    pub fn view(&self, revision: i64) -> Result<String> {
        if self.revisions.is_empty() {
            return Ok("No rollout history found.".into());
        }
        if revision > 0 {
            let found = self
                .revisions
                .get(&revision)
                .ok_or_else(|| anyhow!("unable to find the specified revision"))?;
            return Ok(crate::describe::pod_template_text(&found.template));
        }
        let mut w = crate::printers::tabwriter::TabWriter::for_describe(Vec::new());
        let _ = writeln!(w, "REVISION\tCHANGE-CAUSE");
        for (number, r) in &self.revisions {
            let cause = if r.change_cause.is_empty() {
                "<none>"
            } else {
                &r.change_cause
            };
            let _ = writeln!(w, "{number}\t{cause}");
        }
        let bytes = w.into_inner().unwrap_or_default();
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn history(revisions: &[(i64, &str)]) -> History {
        History {
            workload: json!({}),
            revisions: revisions
                .iter()
                .map(|(n, cause)| {
                    (
                        *n,
                        Revision {
                            object: json!({}),
                            template: json!({"metadata": {"labels": {"app": "web"}},
                                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}),
                            change_cause: cause.to_string(),
                        },
                    )
                })
                .collect(),
            controller_revisions: vec![],
        }
    }

    #[test]
    fn table_and_missing_revisions() {
        assert_eq!(
            history(&[(10, ""), (2, "kubectl set image")])
                .view(0)
                .unwrap(),
            "REVISION  CHANGE-CAUSE\n2         kubectl set image\n10        <none>\n"
        );
        assert_eq!(history(&[]).view(0).unwrap(), "No rollout history found.");
        assert_eq!(
            history(&[(1, "")]).view(3).unwrap_err().to_string(),
            "unable to find the specified revision"
        );
        assert!(history(&[(1, "")])
            .view(1)
            .unwrap()
            .starts_with("Pod Template:\n  Labels:\tapp=web\n"));
    }

    #[test]
    fn revisions_restore_the_template() {
        let ds = json!({"spec": {"template": {"metadata": {"labels": {"v": "2"}}}, "x": 1}});
        // Stored with sorted keys; restored in Go's field order.
        let rev = json!({"data": {"spec": {"template": {"$patch": "replace",
            "metadata": {"labels": {"v": "1"}},
            "spec": {"containers": [{"image": "i", "name": "c"}]}}}}});
        let applied = apply_revision(&ds, &rev);
        assert_eq!(
            crate::printers::json::to_string_compact(&applied),
            r#"{"spec":{"template":{"metadata":{"labels":{"v":"1"}},"spec":{"containers":[{"name":"c","image":"i","resources":{}}]}},"x":1}}"#
        );
    }

    #[test]
    fn controlled_by_uid() {
        let owner = json!({"metadata": {"uid": "u1"}});
        assert!(is_controlled_by(
            &json!({"metadata": {"ownerReferences": [{"uid": "u1", "controller": true}]}}),
            &owner
        ));
        assert!(!is_controlled_by(
            &json!({"metadata": {"ownerReferences": [{"uid": "u1"}]}}),
            &owner
        ));
    }
}
