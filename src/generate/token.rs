//! The TokenRequest `create token` sends for a service account.

use serde_json::{json, Map, Value};

/// The kinds a token may be bound to, with their API versions.
pub const BOUND_OBJECT_KINDS: &[(&str, &str)] = &[("Node", "v1"), ("Pod", "v1"), ("Secret", "v1")];

pub struct TokenSpec<'a> {
    pub audiences: &'a [String],
    /// Requested lifetime in nanoseconds (0: the server decides).
    pub duration_nanos: i64,
    pub bound_object_kind: &'a str,
    pub bound_object_name: &'a str,
    pub bound_object_uid: &'a str,
}

impl TokenSpec<'_> {
    /// kubectl's checks, in its order (the name and namespace come first).
    pub fn validate(&self) -> Result<(), String> {
        const SECOND: i64 = 1_000_000_000;
        if self.duration_nanos < 0 {
            return Err("--duration must be greater than or equal to 0".into());
        }
        if self.duration_nanos % SECOND != 0 {
            return Err("--duration cannot be expressed in units less than seconds".into());
        }
        if self.audiences.iter().any(String::is_empty) {
            return Err("--audience must not be an empty string".into());
        }
        if self.bound_object_kind.is_empty() {
            if !self.bound_object_name.is_empty() {
                return Err(
                    "--bound-object-name can only be set if --bound-object-kind is provided".into(),
                );
            }
            if !self.bound_object_uid.is_empty() {
                return Err(
                    "--bound-object-uid can only be set if --bound-object-kind is provided".into(),
                );
            }
        } else {
            if !BOUND_OBJECT_KINDS
                .iter()
                .any(|(k, _)| *k == self.bound_object_kind)
            {
                let kinds: Vec<&str> = BOUND_OBJECT_KINDS.iter().map(|(k, _)| *k).collect();
                return Err(format!(
                    "supported --bound-object-kind values are {}",
                    kinds.join(", ")
                ));
            }
            if self.bound_object_name.is_empty() {
                return Err(
                    "--bound-object-name is required if --bound-object-kind is provided".into(),
                );
            }
        }
        Ok(())
    }

    /// The TokenRequest body.
    pub fn request(&self) -> Value {
        let mut spec = Map::new();
        spec.insert(
            "audiences".into(),
            if self.audiences.is_empty() {
                Value::Null
            } else {
                json!(self.audiences)
            },
        );
        if self.duration_nanos > 0 {
            spec.insert(
                "expirationSeconds".into(),
                json!(self.duration_nanos / 1_000_000_000),
            );
        }
        if let Some((kind, version)) = BOUND_OBJECT_KINDS
            .iter()
            .find(|(k, _)| *k == self.bound_object_kind)
        {
            let mut bound = Map::new();
            bound.insert("kind".into(), (*kind).into());
            bound.insert("apiVersion".into(), (*version).into());
            bound.insert("name".into(), self.bound_object_name.into());
            if !self.bound_object_uid.is_empty() {
                bound.insert("uid".into(), self.bound_object_uid.into());
            }
            spec.insert("boundObjectRef".into(), Value::Object(bound));
        }
        json!({
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": { "creationTimestamp": null },
            "spec": spec,
            "status": { "token": "", "expirationTimestamp": null }
        })
    }
}
