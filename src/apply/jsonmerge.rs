//! JSON merge patches (RFC 7386) as kubectl builds them for kinds without
//! strategic merge metadata (custom resources): the three-way patch of
//! apimachinery's `jsonmergepatch`, and applying a patch locally.

use serde_json::{Map, Value};

type JsonMap = Map<String, Value>;

/// evanphx/json-patch's `CreateMergePatch`: what turns `a` into `b`.
pub fn merge_diff(a: &JsonMap, b: &JsonMap) -> JsonMap {
    let mut into = JsonMap::new();
    for (key, bv) in b {
        let Some(av) = a.get(key) else {
            into.insert(key.clone(), bv.clone());
            continue;
        };
        match (av, bv) {
            (Value::Object(am), Value::Object(bm)) => {
                let d = merge_diff(am, bm);
                if !d.is_empty() {
                    into.insert(key.clone(), Value::Object(d));
                }
            }
            (Value::Number(x), Value::Number(y)) => {
                if x.as_f64() != y.as_f64() {
                    into.insert(key.clone(), bv.clone());
                }
            }
            _ => {
                if av != bv {
                    into.insert(key.clone(), bv.clone());
                }
            }
        }
    }
    for key in a.keys() {
        if !b.contains_key(key) {
            into.insert(key.clone(), Value::Null);
        }
    }
    into
}

/// Keeps only the nulls (deletions), or only the non-nulls (additions and
/// changes), of a merge patch.
fn keep_or_delete_null(m: &JsonMap, keep_null: bool) -> JsonMap {
    let mut out = JsonMap::new();
    for (key, val) in m {
        match val {
            Value::Null if keep_null => {
                out.insert(key.clone(), Value::Null);
            }
            Value::Null => {}
            Value::Object(sub) if sub.is_empty() => {
                if !keep_null {
                    out.insert(key.clone(), val.clone());
                }
            }
            Value::Object(sub) => {
                let f = keep_or_delete_null(sub, keep_null);
                if !f.is_empty() {
                    out.insert(key.clone(), Value::Object(f));
                }
            }
            _ => {
                if !keep_null {
                    out.insert(key.clone(), val.clone());
                }
            }
        }
    }
    out
}

fn has_conflicts(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => l
            .iter()
            .any(|(k, lv)| r.get(k).is_some_and(|rv| has_conflicts(lv, rv))),
        (Value::Object(_), _) => true,
        (Value::Array(l), Value::Array(r)) => {
            l.len() != r.len() || l.iter().zip(r).any(|(a, b)| has_conflicts(a, b))
        }
        (Value::Array(_), _) => true,
        _ => left != right,
    }
}

/// Applies merge patch `patch` to `doc` (nulls delete).
pub fn merge_patch(doc: Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut d = match doc {
        Value::Object(d) => d,
        _ => JsonMap::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            d.shift_remove(k);
            continue;
        }
        let existing = d.shift_remove(k).unwrap_or(Value::Null);
        let merged = if v.is_object() {
            merge_patch(existing, v)
        } else {
            v.clone()
        };
        d.insert(k.clone(), merged);
    }
    Value::Object(d)
}

/// Merges two patches the way json-patch's `MergePatch` merges a patch into
/// another patch document (nulls in `patch` remove keys).
fn merge_docs(mut doc: JsonMap, patch: &JsonMap) -> JsonMap {
    for (k, v) in patch {
        if v.is_null() {
            doc.shift_remove(k);
            continue;
        }
        match (doc.get_mut(k), v) {
            (Some(Value::Object(existing)), Value::Object(pv)) => {
                let merged = merge_docs(std::mem::take(existing), pv);
                *existing = merged;
            }
            _ => {
                doc.insert(k.clone(), v.clone());
            }
        }
    }
    doc
}

/// The three-way JSON merge patch from last-applied, manifest and live
/// object; the preconditions kubectl sets (apiVersion, kind and name
/// unchanged) are checked too.
pub fn create_three_way_json_merge_patch(
    original: &JsonMap,
    modified: &JsonMap,
    current: &JsonMap,
) -> Result<JsonMap, String> {
    let add_and_change = keep_or_delete_null(&merge_diff(current, modified), false);
    let deletions = keep_or_delete_null(&merge_diff(original, modified), true);
    if has_conflicts(
        &Value::Object(add_and_change.clone()),
        &Value::Object(deletions.clone()),
    ) {
        return Err(super::conflict_message(add_and_change, deletions));
    }
    let patch = merge_docs(deletions, &add_and_change);
    let changed = patch.contains_key("apiVersion")
        || patch.contains_key("kind")
        || patch
            .get("metadata")
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key("name"));
    if changed {
        return Err("At least one of apiVersion, kind and name was changed".into());
    }
    Ok(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(v: Value) -> JsonMap {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn three_way_keeps_server_fields_and_deletes_removed_ones() {
        let original = m(json!({"spec": {"a": 1, "b": 2, "list": [1]}}));
        let modified = m(json!({"spec": {"a": 1, "list": [1, 2]}}));
        let current =
            m(json!({"spec": {"a": 5, "b": 2, "list": [1], "server": true}, "status": {}}));
        let patch = create_three_way_json_merge_patch(&original, &modified, &current).unwrap();
        assert_eq!(
            Value::Object(patch.clone()),
            json!({"spec": {"a": 1, "b": null, "list": [1, 2]}})
        );
        let applied = merge_patch(Value::Object(current), &Value::Object(patch));
        assert_eq!(
            applied,
            json!({"spec": {"a": 1, "list": [1, 2], "server": true}, "status": {}})
        );
    }

    #[test]
    fn unchanged_is_empty_and_renames_are_refused() {
        let o = m(json!({"kind": "K", "metadata": {"name": "x"}}));
        assert!(create_three_way_json_merge_patch(&o, &o, &o)
            .unwrap()
            .is_empty());
        let renamed = m(json!({"kind": "K", "metadata": {"name": "y"}}));
        assert!(create_three_way_json_merge_patch(&o, &renamed, &o).is_err());
    }
}
