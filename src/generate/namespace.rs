//! The Namespace `create namespace` builds.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::object_meta;

/// A Namespace with only its name (namespaces live in no namespace).
pub fn namespace(name: &str) -> Value {
    json!({
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": object_meta(name, None, &BTreeMap::new(), &BTreeMap::new()),
        "spec": {},
        "status": {}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_spec_and_status() {
        assert_eq!(
            crate::printers::json::to_string_compact(&namespace("n")),
            r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"n"},"spec":{},"status":{}}"#
        );
    }
}
