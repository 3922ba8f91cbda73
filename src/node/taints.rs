//! Node taints as `kubectl taint` reads and changes them: the
//! `key[=value]:Effect` and `key[:Effect]-` arguments with kubectl's
//! checks, and the new taint list with the operation it amounts to
//! (tainted, untainted, modified).

use serde_json::{Map, Value};

use crate::flags::go_values::go_quote;
use crate::generate::validation::{label_value_errors, qualified_name_errors};

const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// One taint. `time_added` is kept as the server wrote it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
    pub time_added: Option<Value>,
}

impl Taint {
    /// Key and effect identify a taint (`MatchTaint`).
    fn matches(&self, other: &Taint) -> bool {
        self.key == other.key && self.effect == other.effect
    }

    /// `key=value:effect`, `key:effect`, `key=value:` or `key` (`Taint.ToString`).
    pub fn spec_text(&self) -> String {
        match (self.value.is_empty(), self.effect.is_empty()) {
            (true, true) => self.key.clone(),
            (false, true) => format!("{}={}:", self.key, self.value),
            (true, false) => format!("{}:{}", self.key, self.effect),
            (false, false) => format!("{}={}:{}", self.key, self.value, self.effect),
        }
    }

    /// Go's `%v` of the struct: `{key value NoSchedule <nil>}`.
    fn go_struct_text(&self) -> String {
        format!("{{{} {} {} <nil>}}", self.key, self.value, self.effect)
    }

    pub fn from_json(v: &Value) -> Taint {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Taint {
            key: text("key"),
            value: text("value"),
            effect: text("effect"),
            time_added: v.get("timeAdded").filter(|t| !t.is_null()).cloned(),
        }
    }

    /// The taint as Go's encoder writes it (field order, empty value left out).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("key".into(), Value::String(self.key.clone()));
        if !self.value.is_empty() {
            m.insert("value".into(), Value::String(self.value.clone()));
        }
        m.insert("effect".into(), Value::String(self.effect.clone()));
        if let Some(t) = &self.time_added {
            m.insert("timeAdded".into(), t.clone());
        }
        Value::Object(m)
    }
}

/// The taints to add and to remove, from the taint arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaintChanges {
    pub add: Vec<Taint>,
    pub remove: Vec<Taint>,
}

impl TaintChanges {
    /// kubectl's `parseTaints`: `-` suffixed arguments remove, others add
    /// (and need an effect); a key and effect may be added once.
    pub fn parse(specs: &[String]) -> Result<TaintChanges, String> {
        let mut changes = TaintChanges::default();
        for spec in specs {
            if let Some(removal) = spec.strip_suffix('-') {
                let t = parse_taint(removal)?;
                changes.remove.push(Taint {
                    key: t.key,
                    effect: t.effect,
                    ..Default::default()
                });
                continue;
            }
            let t = parse_taint(spec)?;
            if t.effect.is_empty() {
                return Err(format!("invalid taint spec: {spec}"));
            }
            if changes.add.iter().any(|a| a.matches(&t)) {
                return Err(format!(
                    "duplicated taints with the same key and effect: {}",
                    t.go_struct_text()
                ));
            }
            changes.add.push(t);
        }
        Ok(changes)
    }

    /// Taints both added and removed in one command (`Validate`), as
    /// kubectl lists them: `key=Effect` (the removal's effect, maybe empty).
    pub fn conflicts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for add in &self.add {
            for remove in &self.remove {
                if add.key == remove.key
                    && (remove.effect.is_empty() || add.effect == remove.effect)
                {
                    out.push(format!("{}={}", remove.key, remove.effect));
                }
            }
        }
        out
    }

    /// Keys of taints to add that the node already has with the same effect
    /// (comma-joined; empty when none).
    pub fn already_present(&self, existing: &[Taint]) -> String {
        let mut keys = Vec::new();
        for add in &self.add {
            for old in existing {
                if add.matches(old) {
                    keys.push(add.key.clone());
                }
            }
        }
        keys.join(",")
    }

    /// The node's new taints and the operation (`reorganizeTaints`): the
    /// added taints first, then the old ones they do not replace, minus
    /// the removed ones. Removals that match nothing are errors
    /// (`taint "key" not found`), all of them reported.
    pub fn apply(
        &self,
        existing: &[Taint],
        overwrite: bool,
    ) -> Result<(&'static str, Vec<Taint>), Vec<String>> {
        let mut taints = self.add.clone();
        for old in existing {
            if !taints.iter().any(|t| t.matches(old)) {
                taints.push(old.clone());
            }
        }
        let added = existing.len() != taints.len();
        let mut errors = Vec::new();
        // Like kubectl, only the last removal decides whether something was
        // deleted.
        let mut deleted = false;
        for remove in &self.remove {
            let before = taints.len();
            if remove.effect.is_empty() {
                taints.retain(|t| t.key != remove.key);
            } else {
                taints.retain(|t| !remove.matches(t));
            }
            deleted = taints.len() != before;
            if !deleted {
                errors.push(format!("taint {} not found", go_quote(&remove.spec_text())));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let operation = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        Ok((operation, taints))
    }
}

/// `key=value:effect`, `key:effect` or `key`, checked as kubectl checks it.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let mut taint = Taint::default();
    match parts.as_slice() {
        [key] => taint.key = key.to_string(),
        [key_value, effect] => {
            if !EFFECTS.contains(effect) {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            taint.effect = effect.to_string();
            let kv: Vec<&str> = key_value.split('=').collect();
            match kv.as_slice() {
                [key] => taint.key = key.to_string(),
                [key, value] => {
                    let errs = label_value_errors(value);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                    }
                    taint.key = key.to_string();
                    taint.value = value.to_string();
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    }
    let errs = qualified_name_errors(&taint.key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(taint)
}

/// A node's taints (`spec.taints`).
pub fn node_taints(node: &Value) -> Vec<Taint> {
    node.pointer("/spec/taints")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(Taint::from_json).collect())
        .unwrap_or_default()
}

/// The strategic merge patch from the old to the new taint list (the list
/// has no merge key, so it is replaced whole; an empty one is removed).
/// `None` when nothing changes.
pub fn taints_patch(old: &[Taint], new: &[Taint]) -> Option<Value> {
    if old == new {
        return None;
    }
    let list = if new.is_empty() {
        Value::Null
    } else {
        Value::Array(new.iter().map(Taint::to_json).collect())
    };
    Some(serde_json::json!({ "spec": { "taints": list } }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
            time_added: None,
        }
    }

    #[test]
    fn parses_additions_and_removals() {
        let c = TaintChanges::parse(&specs(&[
            "a=b:NoSchedule",
            "c:NoExecute",
            "d-",
            "e:NoSchedule-",
        ]))
        .unwrap();
        assert_eq!(
            c.add,
            vec![taint("a", "b", "NoSchedule"), taint("c", "", "NoExecute")]
        );
        assert_eq!(
            c.remove,
            vec![taint("d", "", ""), taint("e", "", "NoSchedule")]
        );
    }

    #[test]
    fn kubectl_errors() {
        let err = |w: &[&str]| TaintChanges::parse(&specs(w)).unwrap_err();
        assert_eq!(
            err(&["a=b:Bogus"]),
            "invalid taint effect: Bogus, unsupported taint effect"
        );
        // Without an effect, `a=b` is read as a key.
        assert!(err(&["a=b"]).starts_with("invalid taint spec: a=b, name part must consist"));
        assert_eq!(err(&["a:b:c"]), "invalid taint spec: a:b:c");
        assert_eq!(
            err(&["a=b=c:NoSchedule"]),
            "invalid taint spec: a=b=c:NoSchedule"
        );
        assert_eq!(
            err(&["a:NoSchedule", "a=x:NoSchedule"]),
            "duplicated taints with the same key and effect: {a x NoSchedule <nil>}"
        );
        assert!(err(&["-a:NoSchedule"])
            .starts_with("invalid taint spec: -a:NoSchedule, name part must consist"));
    }

    #[test]
    fn operations() {
        let old = vec![taint("x", "1", "NoSchedule")];
        let c = TaintChanges::parse(&specs(&["y=2:NoExecute"])).unwrap();
        let (op, new) = c.apply(&old, false).unwrap();
        assert_eq!(op, "tainted");
        assert_eq!(
            new,
            vec![taint("y", "2", "NoExecute"), taint("x", "1", "NoSchedule")]
        );
        let c = TaintChanges::parse(&specs(&["x-"])).unwrap();
        assert_eq!(c.apply(&old, false).unwrap(), ("untainted", vec![]));
        let c = TaintChanges::parse(&specs(&["x=2:NoSchedule"])).unwrap();
        assert_eq!(c.apply(&old, true).unwrap().0, "modified");
        assert_eq!(c.already_present(&old), "x");
        let c = TaintChanges::parse(&specs(&["nope-", "x:NoExecute-"])).unwrap();
        assert_eq!(
            c.apply(&old, false).unwrap_err(),
            vec![
                "taint \"nope\" not found",
                "taint \"x:NoExecute\" not found"
            ]
        );
    }

    #[test]
    fn patches_replace_the_list() {
        let old = vec![taint("x", "", "NoSchedule")];
        assert_eq!(
            taints_patch(&old, &[]).unwrap().to_string(),
            r#"{"spec":{"taints":null}}"#
        );
        assert_eq!(taints_patch(&old, &old), None);
        assert_eq!(
            taints_patch(&[], &old).unwrap().to_string(),
            r#"{"spec":{"taints":[{"key":"x","effect":"NoSchedule"}]}}"#
        );
    }
}
