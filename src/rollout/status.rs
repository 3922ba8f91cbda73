//! `rollout status`: one line about where a rollout stands, and whether it
//! is done (kubectl's StatusViewers, per kind).

use anyhow::{bail, Result};
use serde_json::Value;

use crate::describe::json::{at, i, opt_i, s};
use crate::flags::go_values::go_quote;
use crate::resource::Mapping;

/// The annotation holding a Deployment's (or ReplicaSet's) revision.
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusViewer {
    Deployment,
    DaemonSet,
    StatefulSet,
}

impl StatusViewer {
    /// The viewer for a kind, or kubectl's error.
    pub fn for_mapping(mapping: &Mapping) -> Result<StatusViewer> {
        let apps_or_ext = mapping.group == "apps" || mapping.group == "extensions";
        match mapping.kind.as_str() {
            "Deployment" if apps_or_ext => Ok(StatusViewer::Deployment),
            "DaemonSet" if apps_or_ext => Ok(StatusViewer::DaemonSet),
            "StatefulSet" if mapping.group == "apps" => Ok(StatusViewer::StatefulSet),
            _ => bail!(
                "no status viewer has been implemented for {}",
                super::group_kind(mapping)
            ),
        }
    }

    /// The status line (with its newline) and whether the rollout is done;
    /// `revision` > 0 pins a Deployment's revision.
    pub fn status(self, obj: &Value, revision: i64) -> Result<(String, bool)> {
        match self {
            StatusViewer::Deployment => deployment_status(obj, revision),
            StatusViewer::DaemonSet => daemon_set_status(obj),
            StatusViewer::StatefulSet => stateful_set_status(obj),
        }
    }
}

/// `deploymentutil.Revision`: the revision annotation, 0 when missing.
pub fn revision_of(obj: &Value) -> Result<i64, String> {
    match at(obj, &["metadata", "annotations", REVISION_ANNOTATION]).as_str() {
        None => Ok(0),
        Some(text) => text.parse::<i64>().map_err(|e| {
            let why = match e.kind() {
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                    "value out of range"
                }
                _ => "invalid syntax",
            };
            format!("strconv.ParseInt: parsing {}: {why}", go_quote(text))
        }),
    }
}

fn name(obj: &Value) -> &str {
    s(obj, &["metadata", "name"])
}

fn deployment_status(d: &Value, revision: i64) -> Result<(String, bool)> {
    let name = go_quote(name(d));
    if revision > 0 {
        let current = revision_of(d)
            .map_err(|e| anyhow::anyhow!("cannot get the revision of deployment {name}: {e}"))?;
        if revision != current {
            bail!(
                "desired revision ({revision}) is different from the running revision ({current})"
            );
        }
    }
    if i(d, &["metadata", "generation"]) > i(d, &["status", "observedGeneration"]) {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    let progressing = at(d, &["status", "conditions"])
        .as_array()
        .and_then(|conds| conds.iter().find(|c| s(c, &["type"]) == "Progressing"));
    if progressing.is_some_and(|c| s(c, &["reason"]) == "ProgressDeadlineExceeded") {
        bail!("deployment {name} exceeded its progress deadline");
    }
    let updated = i(d, &["status", "updatedReplicas"]);
    let replicas = i(d, &["status", "replicas"]);
    let available = i(d, &["status", "availableReplicas"]);
    if let Some(desired) = opt_i(d, &["spec", "replicas"]) {
        if updated < desired {
            return Ok((
                format!("Waiting for deployment {name} rollout to finish: {updated} out of {desired} new replicas have been updated...\n"),
                false,
            ));
        }
    }
    if replicas > updated {
        return Ok((
            format!(
                "Waiting for deployment {name} rollout to finish: {} old replicas are pending termination...\n",
                replicas - updated
            ),
            false,
        ));
    }
    if available < updated {
        return Ok((
            format!("Waiting for deployment {name} rollout to finish: {available} of {updated} updated replicas are available...\n"),
            false,
        ));
    }
    Ok((format!("deployment {name} successfully rolled out\n"), true))
}

fn daemon_set_status(ds: &Value) -> Result<(String, bool)> {
    if s(ds, &["spec", "updateStrategy", "type"]) != "RollingUpdate" {
        bail!("rollout status is only available for RollingUpdate strategy type");
    }
    let name = go_quote(name(ds));
    if i(ds, &["metadata", "generation"]) > i(ds, &["status", "observedGeneration"]) {
        return Ok((
            "Waiting for daemon set spec update to be observed...\n".into(),
            false,
        ));
    }
    let desired = i(ds, &["status", "desiredNumberScheduled"]);
    let updated = i(ds, &["status", "updatedNumberScheduled"]);
    let available = i(ds, &["status", "numberAvailable"]);
    if updated < desired {
        return Ok((
            format!("Waiting for daemon set {name} rollout to finish: {updated} out of {desired} new pods have been updated...\n"),
            false,
        ));
    }
    if available < desired {
        return Ok((
            format!("Waiting for daemon set {name} rollout to finish: {available} of {desired} updated pods are available...\n"),
            false,
        ));
    }
    Ok((format!("daemon set {name} successfully rolled out\n"), true))
}

fn stateful_set_status(sts: &Value) -> Result<(String, bool)> {
    if s(sts, &["spec", "updateStrategy", "type"]) != "RollingUpdate" {
        bail!("rollout status is only available for RollingUpdate strategy type");
    }
    let observed = i(sts, &["status", "observedGeneration"]);
    if observed == 0 || i(sts, &["metadata", "generation"]) > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let replicas = opt_i(sts, &["spec", "replicas"]);
    if let Some(desired) = replicas {
        let ready = i(sts, &["status", "readyReplicas"]);
        if ready < desired {
            return Ok((
                format!("Waiting for {} pods to be ready...\n", desired - ready),
                false,
            ));
        }
    }
    let updated = i(sts, &["status", "updatedReplicas"]);
    let rolling = at(sts, &["spec", "updateStrategy", "rollingUpdate"]);
    if !rolling.is_null() {
        if let (Some(desired), Some(partition)) = (replicas, opt_i(rolling, &["partition"])) {
            if updated < desired - partition {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n",
                        desired - partition
                    ),
                    false,
                ));
            }
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated...\n"),
            true,
        ));
    }
    let update_revision = s(sts, &["status", "updateRevision"]);
    let current_revision = s(sts, &["status", "currentRevision"]);
    if update_revision != current_revision {
        return Ok((
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_revision}...\n"),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {current_revision}...\n",
            i(sts, &["status", "currentReplicas"])
        ),
        true,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(spec_replicas: i64, status: Value) -> Value {
        json!({"metadata": {"name": "web", "generation": 2,
            "annotations": {"deployment.kubernetes.io/revision": "3"}},
            "spec": {"replicas": spec_replicas}, "status": status})
    }

    #[test]
    fn deployment_messages() {
        let v = StatusViewer::Deployment;
        let (msg, done) = v
            .status(
                &deployment(
                    3,
                    json!({"observedGeneration": 2, "updatedReplicas": 1, "replicas": 3}),
                ),
                0,
            )
            .unwrap();
        assert_eq!(msg, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...\n");
        assert!(!done);
        let (msg, _) = v
            .status(
                &deployment(
                    3,
                    json!({"observedGeneration": 2, "updatedReplicas": 3, "replicas": 4}),
                ),
                0,
            )
            .unwrap();
        assert_eq!(msg, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...\n");
        let (msg, _) = v
            .status(
                &deployment(3, json!({"observedGeneration": 2, "updatedReplicas": 3, "replicas": 3, "availableReplicas": 1})),
                0,
            )
            .unwrap();
        assert_eq!(msg, "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available...\n");
        let done = deployment(
            3,
            json!({"observedGeneration": 2, "updatedReplicas": 3, "replicas": 3, "availableReplicas": 3}),
        );
        assert_eq!(
            v.status(&done, 0).unwrap(),
            ("deployment \"web\" successfully rolled out\n".into(), true)
        );
        assert_eq!(
            v.status(&done, 2).unwrap_err().to_string(),
            "desired revision (2) is different from the running revision (3)"
        );
        let (msg, _) = v
            .status(&deployment(3, json!({"observedGeneration": 1})), 0)
            .unwrap();
        assert_eq!(
            msg,
            "Waiting for deployment spec update to be observed...\n"
        );
        let stuck = deployment(
            3,
            json!({"observedGeneration": 2, "conditions": [{"type": "Progressing", "reason": "ProgressDeadlineExceeded"}]}),
        );
        assert_eq!(
            v.status(&stuck, 0).unwrap_err().to_string(),
            "deployment \"web\" exceeded its progress deadline"
        );
    }

    #[test]
    fn stateful_set_messages() {
        let v = StatusViewer::StatefulSet;
        let sts = |rolling: Value, status: Value| {
            json!({"metadata": {"name": "db", "generation": 1},
                "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": rolling}},
                "status": status})
        };
        assert_eq!(
            v.status(
                &sts(
                    json!({"partition": 0}),
                    json!({"observedGeneration": 1, "readyReplicas": 1})
                ),
                0
            )
            .unwrap()
            .0,
            "Waiting for 2 pods to be ready...\n"
        );
        assert_eq!(
            v.status(
                &sts(json!({"partition": 1}), json!({"observedGeneration": 1, "readyReplicas": 3, "updatedReplicas": 1})),
                0
            )
            .unwrap()
            .0,
            "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...\n"
        );
        assert_eq!(
            v.status(
                &sts(
                    Value::Null,
                    json!({"observedGeneration": 1, "readyReplicas": 3, "updatedReplicas": 3,
                    "currentReplicas": 3, "currentRevision": "db-1", "updateRevision": "db-1"})
                ),
                0
            )
            .unwrap(),
            (
                "statefulset rolling update complete 3 pods at revision db-1...\n".into(),
                true
            )
        );
        let on_delete = json!({"spec": {"updateStrategy": {"type": "OnDelete"}}});
        assert_eq!(
            v.status(&on_delete, 0).unwrap_err().to_string(),
            "rollout status is only available for RollingUpdate strategy type"
        );
    }
}
