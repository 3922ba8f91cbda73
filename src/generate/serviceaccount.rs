//! The ServiceAccount `create serviceaccount` builds.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::object_meta;

/// A ServiceAccount with a name and, when `-n` was given, a namespace.
pub fn service_account(name: &str, namespace: Option<&str>) -> Value {
    json!({
        "kind": "ServiceAccount",
        "apiVersion": "v1",
        "metadata": object_meta(name, namespace, &BTreeMap::new(), &BTreeMap::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_type_and_meta() {
        assert_eq!(
            crate::printers::json::to_string_compact(&service_account("s", Some("x"))),
            r#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"s","namespace":"x"}}"#
        );
    }
}
