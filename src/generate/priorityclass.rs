//! The PriorityClass `create priorityclass` builds.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

pub struct PriorityClassSpec<'a> {
    pub name: &'a str,
    pub value: i32,
    pub global_default: bool,
    pub description: &'a str,
    pub preemption_policy: &'a str,
}

impl PriorityClassSpec<'_> {
    pub fn build(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("kind".into(), "PriorityClass".into());
        obj.insert("apiVersion".into(), "scheduling.k8s.io/v1".into());
        obj.insert(
            "metadata".into(),
            super::object_meta(self.name, None, &BTreeMap::new(), &BTreeMap::new()),
        );
        obj.insert("value".into(), self.value.into());
        if self.global_default {
            obj.insert("globalDefault".into(), true.into());
        }
        if !self.description.is_empty() {
            obj.insert("description".into(), self.description.into());
        }
        // A pointer in Go: written even when empty.
        obj.insert("preemptionPolicy".into(), self.preemption_policy.into());
        Value::Object(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_go_order() {
        let pc = PriorityClassSpec {
            name: "p",
            value: 5,
            global_default: true,
            description: "d",
            preemption_policy: "",
        }
        .build();
        assert_eq!(
            crate::printers::json::to_string_compact(&pc),
            r#"{"kind":"PriorityClass","apiVersion":"scheduling.k8s.io/v1","metadata":{"name":"p"},"value":5,"globalDefault":true,"description":"d","preemptionPolicy":""}"#
        );
    }
}
