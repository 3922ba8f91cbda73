//! The Deployment `create deployment` builds.

use serde_json::{json, Map, Value};

pub struct DeploymentSpec {
    pub name: String,
    pub images: Vec<String>,
    pub replicas: i32,
    /// -1 when unset.
    pub port: i32,
    pub command: Vec<String>,
    /// Set only when the user gave `-n`.
    pub namespace: Option<String>,
}

impl DeploymentSpec {
    pub fn build(&self) -> Value {
        let labels = json!({ "app": self.name });
        let containers: Vec<Value> = self
            .images
            .iter()
            .enumerate()
            .map(|(i, image)| {
                let mut c = Map::new();
                c.insert("name".into(), Value::String(container_name(image)));
                c.insert("image".into(), Value::String(image.clone()));
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
        let mut metadata = Map::new();
        metadata.insert("name".into(), Value::String(self.name.clone()));
        if let Some(ns) = &self.namespace {
            metadata.insert("namespace".into(), Value::String(ns.clone()));
        }
        metadata.insert("labels".into(), labels.clone());
        json!({
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": metadata,
            "spec": {
                "replicas": self.replicas,
                "selector": { "matchLabels": labels },
                "template": {
                    "metadata": { "labels": labels },
                    "spec": { "containers": containers }
                },
                "strategy": {}
            },
            "status": {}
        })
    }
}

/// The container name kubectl derives from an image: the last path part
/// without tag or digest; `_` and `.` are not allowed in names, so they
/// become `-` and a random suffix avoids collisions.
pub fn container_name(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let base = last.split(':').next().unwrap_or(last);
    if base.contains(['_', '.']) {
        format!("{}-{}", base.replace(['_', '.'], "-"), random_suffix(5))
    } else {
        base.to_string()
    }
}

/// kubectl's `utilrand.String`: lower-case consonants and digits.
pub fn random_suffix(n: usize) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..n)
        .map(|_| ALPHANUMS[fastrand::usize(..ALPHANUMS.len())] as char)
        .collect()
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
        let odd = container_name("r/my_app.x:1");
        assert!(
            odd.starts_with("my-app-x-") && odd.len() == "my-app-x-".len() + 5,
            "{odd}"
        );
    }
}
