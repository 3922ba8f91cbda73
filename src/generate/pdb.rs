//! The PodDisruptionBudget `create poddisruptionbudget` builds.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{json, Map, Value};

use super::object_meta;
use crate::resource::selector::parse_to_label_selector;

pub struct PdbSpec<'a> {
    pub name: &'a str,
    /// Set only when the user gave `-n`.
    pub namespace: Option<&'a str>,
    pub selector: &'a str,
    pub min_available: &'a str,
    pub max_unavailable: &'a str,
}

impl PdbSpec<'_> {
    /// kubectl's `Validate` (after the name check).
    pub fn validate(&self) -> Result<(), String> {
        if self.selector.is_empty() {
            return Err("a selector must be specified".into());
        }
        if self.max_unavailable.is_empty() && self.min_available.is_empty() {
            return Err("one of min-available or max-unavailable must be specified".into());
        }
        if !self.max_unavailable.is_empty() && !self.min_available.is_empty() {
            return Err("min-available and max-unavailable cannot be both specified".into());
        }
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| Regex::new("^[0-9]+%?$").expect("static regex"));
        if !self.min_available.is_empty() && !re.is_match(self.min_available) {
            return Err("invalid format specified for min-available".into());
        }
        if !self.max_unavailable.is_empty() && !re.is_match(self.max_unavailable) {
            return Err("invalid format specified for max-unavailable".into());
        }
        Ok(())
    }

    pub fn build(&self) -> Result<Value, String> {
        let selector = parse_to_label_selector(self.selector)?;
        let mut spec = Map::new();
        if !self.min_available.is_empty() {
            spec.insert("minAvailable".into(), int_or_string(self.min_available));
        }
        spec.insert("selector".into(), selector);
        if !self.max_unavailable.is_empty() {
            spec.insert("maxUnavailable".into(), int_or_string(self.max_unavailable));
        }
        Ok(json!({
            "kind": "PodDisruptionBudget",
            "apiVersion": "policy/v1",
            "metadata": object_meta(self.name, self.namespace, &BTreeMap::new(), &BTreeMap::new()),
            "spec": spec,
            "status": {
                "disruptionsAllowed": 0,
                "currentHealthy": 0,
                "desiredHealthy": 0,
                "expectedPods": 0
            }
        }))
    }
}

/// `intstr.Parse`: a number that fits in an int32, else the text.
fn int_or_string(value: &str) -> Value {
    match value.parse::<i32>() {
        Ok(n) => Value::from(n),
        Err(_) => Value::String(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_percentages() {
        assert_eq!(int_or_string("02"), json!(2));
        assert_eq!(int_or_string("50%"), json!("50%"));
        assert_eq!(int_or_string("3000000000"), json!("3000000000"));
    }
}
