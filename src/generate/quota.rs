//! The ResourceQuota `create quota` builds from `--hard` and `--scopes`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::object_meta;
use crate::quantity::Quantity;

pub struct QuotaSpec<'a> {
    pub name: &'a str,
    /// Set only when the user gave `-n`.
    pub namespace: Option<&'a str>,
    /// `resource=quantity,…`
    pub hard: &'a str,
    /// `Scope1,Scope2`
    pub scopes: &'a str,
}

impl QuotaSpec<'_> {
    /// The quota, or kubectl's message for a bad `--hard` or `--scopes`.
    pub fn build(&self) -> Result<Value, String> {
        let mut spec = Map::new();
        let hard = resource_list(self.hard)?;
        if !hard.is_empty() {
            spec.insert("hard".into(), super::string_map(&hard));
        }
        let scopes = scopes(self.scopes)?;
        if !scopes.is_empty() {
            spec.insert("scopes".into(), json!(scopes));
        }
        Ok(json!({
            "kind": "ResourceQuota",
            "apiVersion": "v1",
            "metadata": object_meta(self.name, self.namespace, &BTreeMap::new(), &BTreeMap::new()),
            "spec": spec,
            "status": {}
        }))
    }
}

/// `cpu=1,memory=1G`: each quantity in its canonical form (a later
/// repetition of a resource wins).
fn resource_list(spec: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if spec.is_empty() {
        return Ok(out);
    }
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        let [name, value] = parts.as_slice() else {
            return Err(format!(
                "Invalid argument syntax {statement}, expected <resource>=<value>"
            ));
        };
        let quantity = Quantity::parse(value).map_err(|e| e.to_string())?;
        out.insert(name.to_string(), quantity.to_string());
    }
    Ok(out)
}

/// The scopes in order; the server checks their names.
fn scopes(spec: &str) -> Result<Vec<String>, String> {
    if spec.is_empty() {
        return Ok(Vec::new());
    }
    spec.split(',')
        .map(|scope| {
            if scope.is_empty() {
                Err("invalid resource quota scope \"\"".to_string())
            } else {
                Ok(scope.to_string())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(hard: &str, scopes: &str) -> Result<String, String> {
        QuotaSpec {
            name: "q",
            namespace: None,
            hard,
            scopes,
        }
        .build()
        .map(|v| crate::printers::json::to_string_compact(&v))
    }

    #[test]
    fn hard_limits_and_scopes() {
        assert_eq!(
            build("pods=2,cpu=0.5,memory=1Gi,cpu=1", "BestEffort").unwrap(),
            r#"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"q"},"spec":{"hard":{"cpu":"1","memory":"1Gi","pods":"2"},"scopes":["BestEffort"]},"status":{}}"#
        );
        assert_eq!(
            build("", "").unwrap(),
            r#"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"q"},"spec":{},"status":{}}"#
        );
        assert_eq!(
            build("cpu", "").unwrap_err(),
            "Invalid argument syntax cpu, expected <resource>=<value>"
        );
        assert_eq!(
            build("", "a,").unwrap_err(),
            "invalid resource quota scope \"\""
        );
    }
}
