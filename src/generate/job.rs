//! The Jobs `create job` builds: from an image (and a command), or from a
//! CronJob's job template.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::object_meta;

/// The pod template both jobs and cron jobs run: one container named after
/// the object.
pub fn pod_template(name: &str, image: &str, command: &[String], restart_policy: &str) -> Value {
    let mut container = Map::new();
    container.insert("name".into(), name.into());
    if !image.is_empty() {
        container.insert("image".into(), image.into());
    }
    if !command.is_empty() {
        container.insert("command".into(), json!(command));
    }
    container.insert("resources".into(), json!({}));
    let mut spec = Map::new();
    spec.insert("containers".into(), json!([container]));
    if !restart_policy.is_empty() {
        spec.insert("restartPolicy".into(), restart_policy.into());
    }
    json!({ "metadata": {}, "spec": spec })
}

/// A Job that runs `image` (with `command`) once, never restarting.
pub fn job(name: &str, namespace: Option<&str>, image: &str, command: &[String]) -> Value {
    json!({
        "kind": "Job",
        "apiVersion": "batch/v1",
        "metadata": object_meta(name, namespace, &BTreeMap::new(), &BTreeMap::new()),
        "spec": { "template": pod_template(name, image, command, "Never") },
        "status": {}
    })
}

/// A Job made from a CronJob as the cron job controller would make it:
/// the template's spec, labels and annotations, marked as started by hand
/// and owned by the CronJob.
pub fn job_from_cron_job(name: &str, namespace: Option<&str>, cron_job: &Value) -> Value {
    let template = cron_job.pointer("/spec/jobTemplate");
    let string_map = |key: &str| -> BTreeMap<String, String> {
        template
            .and_then(|t| t.pointer(&format!("/metadata/{key}")))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut annotations = BTreeMap::from([(
        "cronjob.kubernetes.io/instantiate".to_string(),
        "manual".to_string(),
    )]);
    annotations.extend(string_map("annotations"));
    let mut metadata = object_meta(name, namespace, &string_map("labels"), &annotations);
    let field = |key: &str| {
        cron_job
            .pointer(&format!("/metadata/{key}"))
            .cloned()
            .unwrap_or_else(|| Value::String(String::new()))
    };
    if let Some(meta) = metadata.as_object_mut() {
        meta.insert(
            "ownerReferences".into(),
            json!([{
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "name": field("name"),
                "uid": field("uid"),
                "controller": true
            }]),
        );
    }
    let spec = template
        .and_then(|t| t.get("spec"))
        .cloned()
        .unwrap_or_else(
            || json!({ "template": { "metadata": {}, "spec": { "containers": null } } }),
        );
    json!({
        "kind": "Job",
        "apiVersion": "batch/v1",
        "metadata": metadata,
        "spec": spec,
        "status": {}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_a_cron_job() {
        let cj = json!({"metadata": {"name": "cj", "uid": "u-1"}, "spec": {"jobTemplate": {
            "metadata": {"labels": {"l": "1"}, "annotations": {"a": "b"}},
            "spec": {"backoffLimit": 2, "template": {"spec": {"containers": []}}}}}});
        assert_eq!(
            crate::printers::json::to_string_compact(&job_from_cron_job("j", None, &cj)),
            r#"{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j","labels":{"l":"1"},"annotations":{"a":"b","cronjob.kubernetes.io/instantiate":"manual"},"ownerReferences":[{"apiVersion":"batch/v1","kind":"CronJob","name":"cj","uid":"u-1","controller":true}]},"spec":{"backoffLimit":2,"template":{"spec":{"containers":[]}}},"status":{}}"#
        );
    }
}
