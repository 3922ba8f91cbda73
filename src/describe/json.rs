//! Reading decoded objects the way Go reads typed structs: a missing field
//! is the zero value (`""`, `0`, `false`, empty list or map).

use std::collections::BTreeMap;

use serde_json::Value;

static NULL: Value = Value::Null;

/// The value at `path`, or null.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    let mut cur = v;
    for key in path {
        match cur.get(key) {
            Some(next) => cur = next,
            None => return &NULL,
        }
    }
    cur
}

/// Whether `path` leads to a non-null value (a Go pointer that is set).
pub fn has(v: &Value, path: &[&str]) -> bool {
    !at(v, path).is_null()
}

/// A string field; `""` when missing.
pub fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    at(v, path).as_str().unwrap_or("")
}

/// An optional string field (a Go `*string`).
pub fn opt_s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path).as_str()
}

/// An integer field; 0 when missing.
pub fn i(v: &Value, path: &[&str]) -> i64 {
    let x = at(v, path);
    x.as_i64()
        .or_else(|| x.as_f64().map(|f| f as i64))
        .unwrap_or(0)
}

/// An optional integer field (a Go `*int32`).
pub fn opt_i(v: &Value, path: &[&str]) -> Option<i64> {
    let x = at(v, path);
    x.as_i64().or_else(|| x.as_f64().map(|f| f as i64))
}

/// A boolean field; false when missing.
pub fn b(v: &Value, path: &[&str]) -> bool {
    at(v, path).as_bool().unwrap_or(false)
}

/// An optional boolean field (a Go `*bool`).
pub fn opt_b(v: &Value, path: &[&str]) -> Option<bool> {
    at(v, path).as_bool()
}

/// A list field; empty when missing.
pub fn arr<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path).as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// A list of strings (non-strings skipped).
pub fn strings(v: &Value, path: &[&str]) -> Vec<String> {
    arr(v, path)
        .iter()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// A `map[string]string` field, sorted by key.
pub fn string_map(v: &Value, path: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(map) = at(v, path).as_object() {
        for (k, val) in map {
            let text = match val {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.insert(k.clone(), text);
        }
    }
    out
}

/// Number of entries in a map or list field.
pub fn len(v: &Value, path: &[&str]) -> usize {
    match at(v, path) {
        Value::Object(m) => m.len(),
        Value::Array(a) => a.len(),
        _ => 0,
    }
}

/// `metadata.name`.
pub fn name(v: &Value) -> &str {
    s(v, &["metadata", "name"])
}

/// `metadata.namespace`.
pub fn namespace(v: &Value) -> &str {
    s(v, &["metadata", "namespace"])
}

/// `metadata.uid`.
pub fn uid(v: &Value) -> &str {
    s(v, &["metadata", "uid"])
}

/// An IntOrString as Go's `intstr.String()` prints it.
pub fn int_or_string(v: &Value) -> String {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(|i| i.to_string())
            .unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        _ => "0".to_string(),
    }
}

/// The controller owner reference (`metav1.GetControllerOf`).
pub fn controller_of(v: &Value) -> Option<&Value> {
    arr(v, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| b(r, &["controller"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn zero_values_for_missing_fields() {
        let v = json!({"a": {"b": "x", "n": 3, "t": true, "l": [1], "m": {"k": "v"}}});
        assert_eq!(s(&v, &["a", "b"]), "x");
        assert_eq!(s(&v, &["a", "nope"]), "");
        assert_eq!(i(&v, &["a", "n"]), 3);
        assert_eq!(opt_i(&v, &["a", "x"]), None);
        assert!(b(&v, &["a", "t"]));
        assert_eq!(arr(&v, &["a", "l"]).len(), 1);
        assert_eq!(
            string_map(&v, &["a", "m"]).get("k").map(String::as_str),
            Some("v")
        );
        assert!(!has(&v, &["z"]));
        assert_eq!(int_or_string(&json!(25)), "25");
        assert_eq!(int_or_string(&json!("25%")), "25%");
    }
}
