//! The CronJob `create cronjob` builds.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::job::pod_template;
use super::object_meta;

pub struct CronJobSpec<'a> {
    pub name: &'a str,
    /// Set only when the user gave `-n`.
    pub namespace: Option<&'a str>,
    pub image: &'a str,
    pub schedule: &'a str,
    /// `OnFailure` unless given.
    pub restart: &'a str,
    pub command: &'a [String],
}

impl CronJobSpec<'_> {
    pub fn build(&self) -> Value {
        let restart = if self.restart.is_empty() {
            "OnFailure"
        } else {
            self.restart
        };
        json!({
            "kind": "CronJob",
            "apiVersion": "batch/v1",
            "metadata": object_meta(self.name, self.namespace, &BTreeMap::new(), &BTreeMap::new()),
            "spec": {
                "schedule": self.schedule,
                "jobTemplate": {
                    "metadata": object_meta(self.name, None, &BTreeMap::new(), &BTreeMap::new()),
                    "spec": { "template": pod_template(self.name, self.image, self.command, restart) }
                }
            },
            "status": {}
        })
    }
}
