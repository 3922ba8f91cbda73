//! The Deployment `create deployment` builds.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{object_meta, random_suffix, string_map};

pub struct DeploymentSpec {
    pub name: String,
    pub images: Vec<String>,
    pub replicas: i32,
    /// Negative when unset.
    pub port: i32,
    pub command: Vec<String>,
    /// Set only when the user gave `-n`.
    pub namespace: Option<String>,
}

impl DeploymentSpec {
    pub fn build(&self) -> Value {
        let labels = BTreeMap::from([("app".to_string(), self.name.clone())]);
        let containers: Vec<Value> = self
            .images
            .iter()
            .enumerate()
            .map(|(i, image)| {
                let mut c = Map::new();
                c.insert("name".into(), Value::String(container_name(image)));
                if !image.is_empty() {
                    c.insert("image".into(), Value::String(image.clone()));
                }
                if !self.command.is_empty() {
                    c.insert("command".into(), json!(self.command));
                }
                if i == 0 && self.port >= 0 {
                    c.insert("ports".into(), json!([{ "containerPort": self.port }]));
                }
                c.insert("resources".into(), json!({}));
                Value::Object(c)
            })
            .collect();
        json!({
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": object_meta(&self.name, self.namespace.as_deref(), &labels, &BTreeMap::new()),
            "spec": {
                "replicas": self.replicas,
                "selector": { "matchLabels": string_map(&labels) },
                "template": {
                    "metadata": { "labels": string_map(&labels) },
                    "spec": { "containers": containers }
                },
                "strategy": {}
            },
            "status": {}
        })
    }
}

/// The container name kubectl derives from an image: the part after the
/// last `/`, cut at the first `:` (tag) and then at the first `@` (digest).
/// `_` and `.` are not allowed in names, so they become `-` and a random
/// suffix avoids collisions.
pub fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let base = last.split(':').next().unwrap_or(last);
    let base = base.split('@').next().unwrap_or(base);
    if base.contains(['_', '.']) {
        format!("{}-{}", base.replace(['_', '.'], "-"), random_suffix(5))
    } else {
        base.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_from_images() {
        assert_eq!(container_name("nginx"), "nginx");
        assert_eq!(container_name("nginx:1.25"), "nginx");
        assert_eq!(
            container_name("registry.io:5000/team/app:1@sha256:ab"),
            "app"
        );
        assert_eq!(container_name("a@b/c"), "c");
        assert_eq!(container_name("x@sha256:abc"), "x");
        assert_eq!(container_name(""), "");
        let odd = container_name("r/my_app.x:1");
        assert!(
            odd.starts_with("my-app-x-") && odd.len() == "my-app-x-".len() + 5,
            "{odd}"
        );
    }

    #[test]
    fn port_only_on_the_first_container() {
        let d = DeploymentSpec {
            name: "web".into(),
            images: vec!["a".into(), "b".into()],
            replicas: 2,
            port: 80,
            command: vec![],
            namespace: Some("ns".into()),
        }
        .build();
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
            80
        );
        assert!(d["spec"]["template"]["spec"]["containers"][1]
            .get("ports")
            .is_none());
        assert_eq!(d["metadata"]["namespace"], "ns");
    }
}
