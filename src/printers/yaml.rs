//! YAML as kubectl writes it (sigs.k8s.io/yaml over go-yaml v2).
//!
//! PLACEHOLDER during bootstrap: replaced by the go-yaml compatible emitter.

use serde_json::Value;

pub fn to_string(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}
