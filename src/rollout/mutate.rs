//! The changes `rollout pause`, `resume` and `restart` make, as the strategic
//! merge patches kubectl computes from the object before and after
//! (kubectl's ObjectPauser, ObjectResumer and ObjectRestarter).

use serde_json::{json, Value};

use crate::describe::json::{at, s};
use crate::resource::Mapping;

/// The template annotation a restart sets to the current time.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Pause,
    Resume,
    Restart,
}

impl Change {
    /// The result word for a patched object (`deployment.apps/web paused`).
    pub fn done(self) -> &'static str {
        match self {
            Change::Pause => "paused",
            Change::Resume => "resumed",
            Change::Restart => "restarted",
        }
    }

    /// The result word when nothing had to change.
    pub fn already(self) -> Option<&'static str> {
        match self {
            Change::Pause => Some("already paused"),
            Change::Resume => Some("already resumed"),
            Change::Restart => None,
        }
    }

    fn unsupported(self) -> &'static str {
        match self {
            Change::Pause => "pausing is not supported",
            Change::Resume => "resuming is not supported",
            Change::Restart => "restarting is not supported",
        }
    }

    /// The patch for `obj` (empty when it is already as asked), or the
    /// reason kubectl gives for not changing it. `now` is the RFC 3339
    /// time a restart records.
    pub fn patch(self, mapping: &Mapping, obj: &Value, now: &str) -> Result<Value, String> {
        let group = mapping.group.as_str();
        let apps_or_ext = group == "apps" || group == "extensions";
        let kind = mapping.kind.as_str();
        let deployment = kind == "Deployment" && apps_or_ext;
        let paused = at(obj, &["spec", "paused"]).as_bool() == Some(true);
        match self {
            Change::Pause if deployment => {
                if paused {
                    return Err("is already paused".into());
                }
                Ok(json!({"spec": {"paused": true}}))
            }
            Change::Resume if deployment => {
                if !paused {
                    return Err("is not paused".into());
                }
                // `paused: false` is omitted from the typed object: the
                // two-way patch deletes the field.
                Ok(json!({"spec": {"paused": null}}))
            }
            Change::Restart
                if deployment
                    || (kind == "DaemonSet" && apps_or_ext)
                    || (kind == "StatefulSet" && group == "apps") =>
            {
                if deployment && paused {
                    return Err("can't restart paused deployment (run rollout resume first)".into());
                }
                let current = s(
                    obj,
                    &["spec", "template", "metadata", "annotations", RESTARTED_AT],
                );
                if current == now {
                    return Ok(json!({}));
                }
                Ok(
                    json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: now}}}}}),
                )
            }
            _ => Err(self.unsupported().into()),
        }
    }
}

/// `time.Now().Format(time.RFC3339)`: local time, seconds, `Z` for UTC.
pub fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(group: &str, kind: &str) -> Mapping {
        Mapping {
            group: group.into(),
            version: "v1".into(),
            resource: String::new(),
            kind: kind.into(),
            singular: String::new(),
            namespaced: true,
            verbs: vec![],
            short_names: vec![],
            categories: vec![],
        }
    }

    #[test]
    fn pause_and_resume_deployments_only() {
        let d = mapping("apps", "Deployment");
        let running = json!({"spec": {}});
        let paused = json!({"spec": {"paused": true}});
        assert_eq!(
            Change::Pause.patch(&d, &running, "t").unwrap(),
            json!({"spec": {"paused": true}})
        );
        assert_eq!(
            Change::Pause.patch(&d, &paused, "t").unwrap_err(),
            "is already paused"
        );
        assert_eq!(
            Change::Resume.patch(&d, &running, "t").unwrap_err(),
            "is not paused"
        );
        assert_eq!(
            Change::Pause
                .patch(&mapping("apps", "StatefulSet"), &running, "t")
                .unwrap_err(),
            "pausing is not supported"
        );
    }

    #[test]
    fn restart_sets_the_annotation_once_a_second() {
        let ds = mapping("apps", "DaemonSet");
        let obj = json!({"spec": {"template": {"metadata": {}}}});
        assert_eq!(
            Change::Restart
                .patch(&ds, &obj, "2026-01-01T00:00:00Z")
                .unwrap(),
            json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: "2026-01-01T00:00:00Z"}}}}})
        );
        let restarted =
            json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: "t"}}}}});
        assert_eq!(
            Change::Restart.patch(&ds, &restarted, "t").unwrap(),
            json!({})
        );
        let paused = json!({"spec": {"paused": true}});
        assert_eq!(
            Change::Restart
                .patch(&mapping("apps", "Deployment"), &paused, "t")
                .unwrap_err(),
            "can't restart paused deployment (run rollout resume first)"
        );
        assert_eq!(
            Change::Restart
                .patch(&mapping("", "ConfigMap"), &obj, "t")
                .unwrap_err(),
            "restarting is not supported"
        );
    }
}
