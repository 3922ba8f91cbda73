//! What `auth reconcile` must do to an existing role or binding so that it
//! allows (or binds) at least what the manifest's object does: pure
//! computations over the two objects; the verb does the API calls.

use serde_json::{Map, Value};

use super::policy::{uncovered, PolicyRule};

/// The annotation with which an object opts out of reconciliation.
const AUTOUPDATE: &str = "rbac.authorization.kubernetes.io/autoupdate";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    None,
    Create,
    Update,
    /// The binding's roleRef changed: delete it, then create it anew.
    Recreate,
}

impl Operation {
    pub fn word(self) -> &'static str {
        match self {
            Operation::None => "none",
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Recreate => "recreate",
        }
    }
}

/// The reconciled role (or cluster role) and how it came about.
#[derive(Debug, Clone)]
pub struct RoleResult {
    pub role: Value,
    pub missing_rules: Vec<PolicyRule>,
    pub extra_rules: Vec<PolicyRule>,
    pub operation: Operation,
    /// The existing object opted out: nothing is written.
    pub protected: bool,
}

/// The reconciled binding and how it came about.
#[derive(Debug, Clone)]
pub struct BindingResult {
    pub binding: Value,
    pub missing_subjects: Vec<Subject>,
    pub extra_subjects: Vec<Subject>,
    pub operation: Operation,
    pub protected: bool,
}

/// `rbac/v1 Subject`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    pub kind: String,
    pub api_group: String,
    pub name: String,
    pub namespace: String,
}

impl Subject {
    fn from_json(v: &Value) -> Subject {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Subject {
            kind: s("kind"),
            api_group: s("apiGroup"),
            name: s("name"),
            namespace: s("namespace"),
        }
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), Value::from(self.kind.as_str()));
        if !self.api_group.is_empty() {
            m.insert("apiGroup".into(), Value::from(self.api_group.as_str()));
        }
        m.insert("name".into(), Value::from(self.name.as_str()));
        if !self.namespace.is_empty() {
            m.insert("namespace".into(), Value::from(self.namespace.as_str()));
        }
        Value::Object(m)
    }

    /// Go's `%+v` of the struct value.
    pub fn go_fields(&self) -> String {
        format!(
            "{{Kind:{} APIGroup:{} Name:{} Namespace:{}}}",
            self.kind, self.api_group, self.name, self.namespace
        )
    }
}

fn subjects(obj: &Value) -> Vec<Subject> {
    obj.get("subjects")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(Subject::from_json).collect())
        .unwrap_or_default()
}

fn set_subjects(obj: &mut Value, list: &[Subject]) {
    if let Some(m) = obj.as_object_mut() {
        if list.is_empty() {
            m.shift_remove("subjects");
        } else {
            let items = list.iter().map(Subject::to_json).collect();
            m.insert("subjects".into(), Value::Array(items));
        }
    }
}

fn rules(obj: &Value) -> Vec<PolicyRule> {
    PolicyRule::list_from_json(obj.get("rules"))
}

fn set_rules(obj: &mut Value, list: &[PolicyRule]) {
    if let Some(m) = obj.as_object_mut() {
        let items = list.iter().map(PolicyRule::to_json).collect();
        m.insert("rules".into(), Value::Array(items));
    }
}

/// A metadata map (labels, annotations): `None` when absent, as Go's nil.
fn meta_map(obj: &Value, key: &str) -> Option<Map<String, Value>> {
    obj.get("metadata")?.get(key)?.as_object().cloned()
}

fn set_meta_map(obj: &mut Value, key: &str, map: Option<Map<String, Value>>) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    match map {
        Some(m) => {
            meta.insert(key.into(), Value::Object(m));
        }
        None => {
            meta.shift_remove(key);
        }
    }
}

/// The existing map with the expected entries it lacks; nil only when
/// both are.
fn merge(
    expected: Option<Map<String, Value>>,
    existing: Option<Map<String, Value>>,
) -> Option<Map<String, Value>> {
    if expected.is_none() && existing.is_none() {
        return None;
    }
    let mut out = expected.unwrap_or_default();
    for (k, v) in existing.unwrap_or_default() {
        out.insert(k, v);
    }
    Some(out)
}

/// Merges the expected labels and annotations into `result` (a copy of
/// `existing`); true when that changed anything.
fn merge_metadata(result: &mut Value, existing: &Value, expected: &Value) -> bool {
    let mut changed = false;
    for key in ["annotations", "labels"] {
        let merged = merge(meta_map(expected, key), meta_map(existing, key));
        changed |= !same_map(&merged, &meta_map(existing, key));
        set_meta_map(result, key, merged);
    }
    changed
}

/// Go's DeepEqual of two `map[string]string`: nil differs from empty.
fn same_map(a: &Option<Map<String, Value>>, b: &Option<Map<String, Value>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v)),
        _ => false,
    }
}

fn protected(existing: &Value) -> bool {
    existing
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(AUTOUPDATE))
        .and_then(Value::as_str)
        == Some("false")
}

/// What creating `expected` (nothing exists yet) amounts to.
pub fn role_to_create(expected: &Value) -> RoleResult {
    RoleResult {
        role: expected.clone(),
        missing_rules: rules(expected),
        extra_rules: vec![],
        operation: Operation::Create,
        protected: false,
    }
}

/// The label selectors of a cluster role's aggregation rule (`None`
/// without one), empty fields dropped so that equal selectors compare
/// equal however they were written.
fn aggregation(obj: &Value) -> Option<Vec<Value>> {
    let rule = obj.get("aggregationRule").filter(|v| !v.is_null())?;
    Some(
        rule.get("clusterRoleSelectors")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    )
}

fn semantic(selector: &Value) -> Value {
    let mut s = selector.clone();
    if let Some(m) = s.as_object_mut() {
        m.retain(|_, v| match v {
            Value::Null => false,
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        });
    }
    s
}

/// The servant's selectors that no owner selector equals.
fn selectors_uncovered(owner: &Option<Vec<Value>>, servant: &Option<Vec<Value>>) -> Vec<Value> {
    match (owner, servant) {
        (_, None) => vec![],
        (None, Some(s)) => s.clone(),
        (Some(o), Some(s)) => s
            .iter()
            .filter(|sel| !o.iter().any(|own| semantic(own) == semantic(sel)))
            .cloned()
            .collect(),
    }
}

fn set_aggregation(obj: &mut Value, selectors: Option<Vec<Value>>) {
    if let Some(m) = obj.as_object_mut() {
        match selectors {
            None => {
                m.shift_remove("aggregationRule");
            }
            Some(list) => {
                let mut rule = Map::new();
                if !list.is_empty() {
                    rule.insert("clusterRoleSelectors".into(), Value::Array(list));
                }
                m.insert("aggregationRule".into(), Value::Object(rule));
            }
        }
    }
}

/// The role `existing` must become to allow what `expected` allows (and,
/// with `remove_extra`, nothing more). Roles have no aggregation rule; a
/// cluster role's is reconciled like its rules.
pub fn reconcile_role(existing: &Value, expected: &Value, remove_extra: bool) -> RoleResult {
    let mut result = RoleResult {
        role: existing.clone(),
        missing_rules: vec![],
        extra_rules: vec![],
        operation: Operation::None,
        protected: protected(existing),
    };
    if merge_metadata(&mut result.role, existing, expected) {
        result.operation = Operation::Update;
    }
    let (want_agg, have_agg) = (aggregation(expected), aggregation(existing));
    let (want, have) = (rules(expected), rules(existing));
    if want_agg.is_none() || have_agg.is_none() {
        result.extra_rules = uncovered(&want, &have);
    }
    result.missing_rules = uncovered(&have, &want);
    if !remove_extra && !result.missing_rules.is_empty() {
        let mut merged = have.clone();
        merged.extend(result.missing_rules.iter().cloned());
        set_rules(&mut result.role, &merged);
        result.operation = Operation::Update;
    } else if remove_extra && (!result.missing_rules.is_empty() || !result.extra_rules.is_empty()) {
        set_rules(&mut result.role, &want);
        result.operation = Operation::Update;
    }

    let extra_selectors = selectors_uncovered(&want_agg, &have_agg);
    let missing_selectors = selectors_uncovered(&have_agg, &want_agg);
    if want_agg.is_none() && have_agg.is_some() {
        set_aggregation(&mut result.role, None);
        result.operation = Operation::Update;
    } else if !remove_extra && !missing_selectors.is_empty() {
        let mut list = have_agg.unwrap_or_default();
        list.extend(missing_selectors);
        set_aggregation(&mut result.role, Some(list));
        result.operation = Operation::Update;
    } else if remove_extra && (!missing_selectors.is_empty() || !extra_selectors.is_empty()) {
        set_aggregation(&mut result.role, want_agg);
        result.operation = Operation::Update;
    }
    result
}

/// What creating `expected` (nothing exists yet) amounts to.
pub fn binding_to_create(expected: &Value) -> BindingResult {
    BindingResult {
        binding: expected.clone(),
        missing_subjects: subjects(expected),
        extra_subjects: vec![],
        operation: Operation::Create,
        protected: false,
    }
}

/// The binding `existing` must become to bind everyone `expected` binds
/// (and, with `remove_extra`, no one else); a different roleRef means
/// starting over.
pub fn reconcile_binding(existing: &Value, expected: &Value, remove_extra: bool) -> BindingResult {
    let mut result = BindingResult {
        binding: existing.clone(),
        missing_subjects: vec![],
        extra_subjects: vec![],
        operation: Operation::None,
        protected: protected(existing),
    };
    let role_ref = |v: &Value| {
        let s = |k: &str| {
            v.pointer(&format!("/roleRef/{k}"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        (s("apiGroup"), s("kind"), s("name"))
    };
    if role_ref(expected) != role_ref(existing) {
        result.binding = expected.clone();
        result.operation = Operation::Recreate;
        return result;
    }
    if merge_metadata(&mut result.binding, existing, expected) {
        result.operation = Operation::Update;
    }
    let (want, have) = (subjects(expected), subjects(existing));
    result.missing_subjects = only_in(&want, &have);
    result.extra_subjects = only_in(&have, &want);
    if !remove_extra && !result.missing_subjects.is_empty() {
        let mut merged = have.clone();
        merged.extend(result.missing_subjects.iter().cloned());
        set_subjects(&mut result.binding, &merged);
        result.operation = Operation::Update;
    } else if remove_extra
        && (!result.missing_subjects.is_empty() || !result.extra_subjects.is_empty())
    {
        set_subjects(&mut result.binding, &want);
        result.operation = Operation::Update;
    }
    result
}

/// The subjects of `a` not in `b`, each once.
fn only_in(a: &[Subject], b: &[Subject]) -> Vec<Subject> {
    let mut out: Vec<Subject> = Vec::new();
    for s in a {
        if !b.contains(s) && !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn roles_gain_missing_rules_and_lose_extra_ones_when_asked() {
        let existing = json!({"metadata": {"name": "r", "labels": {"a": "1"}},
            "rules": [{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]}]});
        let expected = json!({"metadata": {"name": "r", "labels": {"a": "2", "b": "2"}},
            "rules": [{"verbs": ["get", "watch"], "apiGroups": [""], "resources": ["pods"]}]});
        let union = reconcile_role(&existing, &expected, false);
        assert_eq!(union.operation, Operation::Update);
        assert_eq!(
            union.role["metadata"]["labels"],
            json!({"a": "1", "b": "2"})
        );
        assert_eq!(
            union.role["rules"],
            json!([{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]},
                   {"verbs": ["watch"], "apiGroups": [""], "resources": ["pods"]}])
        );
        assert_eq!(union.extra_rules.len(), 1);
        let exact = reconcile_role(&existing, &expected, true);
        assert_eq!(exact.role["rules"], expected["rules"]);
        let same = reconcile_role(&existing, &existing, true);
        assert_eq!(same.operation, Operation::None);
    }

    #[test]
    fn bindings_gain_subjects_and_restart_on_a_new_role() {
        let existing = json!({"metadata": {"name": "b", "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "false"}},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
            "subjects": [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "x"}]});
        let mut expected = existing.clone();
        expected["subjects"] = json!([{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "y"},
            {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "y"}]);
        let r = reconcile_binding(&existing, &expected, false);
        assert!(r.protected);
        assert_eq!(r.operation, Operation::Update);
        assert_eq!(r.missing_subjects.len(), 1);
        assert_eq!(
            r.missing_subjects[0].go_fields(),
            "{Kind:User APIGroup:rbac.authorization.k8s.io Name:y Namespace:}"
        );
        assert_eq!(r.binding["subjects"].as_array().map(Vec::len), Some(2));
        expected["roleRef"]["name"] = json!("other");
        assert_eq!(
            reconcile_binding(&existing, &expected, false).operation,
            Operation::Recreate
        );
    }
}
