//! RFC 6902 JSON patches applied on the client (`patch --type=json` with
//! `--local` or `--dry-run=client`), with the behaviour and error texts of
//! the library kubectl uses (evanphx/json-patch v4): negative array indices
//! count from the end, `replace` of a missing object key adds it, a path
//! without a leading `/` is taken relative to the document.

use crate::flags::go_values::go_atoi;
use serde_json::{Map, Value};

const MISSING: &str = "missing value";
const INVALID_INDEX: &str = "invalid index referenced";

/// Decodes a patch document: a list of operations.
pub fn decode(patch: &Value) -> Result<Vec<Option<Map<String, Value>>>, String> {
    match patch {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => Ok(None),
                Value::Object(op) => Ok(Some(op.clone())),
                other => Err(format!(
                    "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                    json_type(other)
                )),
            })
            .collect(),
        other => Err(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            json_type(other)
        )),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Applies `ops` to `doc` in order; the first failing operation ends it.
pub fn apply(mut doc: Value, ops: &[Option<Map<String, Value>>]) -> Result<Value, String> {
    let empty = Map::new();
    for op in ops {
        let op = Operation(op.as_ref().unwrap_or(&empty));
        match op.kind().as_str() {
            "add" => add(&mut doc, &op)?,
            "remove" => remove(&mut doc, &op)?,
            "replace" => replace(&mut doc, &op)?,
            "move" => move_value(&mut doc, &op)?,
            "test" => test(&mut doc, &op)?,
            "copy" => copy(&mut doc, &op)?,
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

struct Operation<'a>(&'a Map<String, Value>);

impl Operation<'_> {
    fn kind(&self) -> String {
        match self.0.get("op") {
            Some(Value::String(s)) => s.clone(),
            _ => "unknown".into(),
        }
    }

    fn string_field(&self, field: &str, missing: &str) -> Result<String, String> {
        match self.0.get(field) {
            None | Some(Value::Null) => Err(format!("{missing}: {MISSING}")),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "json: cannot unmarshal {} into Go value of type string",
                json_type(other)
            )),
        }
    }

    fn path(&self) -> Result<String, String> {
        self.string_field("path", "operation missing path field")
    }

    fn from(&self) -> Result<String, String> {
        self.string_field("from", "operation, missing from field")
    }

    /// The `value` member; None when there is none.
    fn value(&self) -> Option<&Value> {
        self.0.get("value")
    }
}

/// RFC 6901 unescaping of one reference token.
fn decode_key(key: &str) -> String {
    key.replace("~1", "/").replace("~0", "~")
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: {INVALID_INDEX}")
}

/// An index into a list of `len` items; negative ones count from the end.
fn resolve_index(idx: i64, len: usize) -> Result<usize, String> {
    let len = len as i64;
    let real = if idx < 0 {
        if idx < -len {
            return Err(invalid_index(idx));
        }
        idx + len
    } else {
        idx
    };
    if real >= len {
        return Err(invalid_index(idx));
    }
    Ok(real as usize)
}

/// The container a path's last token is looked up in, and that token.
fn find_container<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let key = decode_key(split[split.len() - 1]);
    let mut current = doc;
    for part in &split[1..split.len() - 1] {
        let part = decode_key(part);
        let next = match current {
            Value::Object(map) => map.get_mut(&part)?,
            Value::Array(items) => {
                let idx = go_atoi(&part).ok()?;
                let idx = resolve_index(idx, items.len()).ok()?;
                &mut items[idx]
            }
            _ => return None,
        };
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        current = next;
    }
    Some((current, key))
}

fn get(container: &Value, key: &str) -> Result<Option<Value>, String> {
    match container {
        Value::Object(map) => Ok(map.get(key).cloned()),
        Value::Array(items) => {
            let idx = resolve_index(go_atoi(key)?, items.len())?;
            Ok(Some(items[idx].clone()))
        }
        _ => Ok(None),
    }
}

fn set(container: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match container {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            let idx = resolve_index(go_atoi(key)?, items.len())?;
            items[idx] = value;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn add_to(container: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match container {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let idx = go_atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let idx = resolve_index(idx, items.len() + 1)?;
            items.insert(idx, value);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn remove_from(container: &mut Value, key: &str) -> Result<Value, String> {
    match container {
        Value::Object(map) => map
            .shift_remove(key)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: {MISSING}")),
        Value::Array(items) => {
            let idx = resolve_index(go_atoi(key)?, items.len())?;
            Ok(items.remove(idx))
        }
        _ => Ok(Value::Null),
    }
}

fn add(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let path = op
        .path()
        .map_err(|_| format!("add operation failed to decode path: {MISSING}"))?;
    let (container, key) = find_container(doc, &path).ok_or_else(|| {
        format!("add operation does not apply: doc is missing path: \"{path}\": {MISSING}")
    })?;
    let value = op.value().cloned().unwrap_or(Value::Null);
    add_to(container, &key, value).map_err(|e| format!("error in add for path: '{path}': {e}"))
}

fn remove(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let path = op
        .path()
        .map_err(|_| format!("remove operation failed to decode path: {MISSING}"))?;
    let (container, key) = find_container(doc, &path).ok_or_else(|| {
        format!("remove operation does not apply: doc is missing path: \"{path}\": {MISSING}")
    })?;
    remove_from(container, &key)
        .map(|_| ())
        .map_err(|e| format!("error in remove for path: '{path}': {e}"))
}

fn replace(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let path = op
        .path()
        .map_err(|e| format!("replace operation failed to decode path: {e}"))?;
    let value = op.value().cloned().unwrap_or(Value::Null);
    if path.is_empty() {
        if !matches!(value, Value::Object(_) | Value::Array(_)) {
            return Err("replace operation value must be object or array: %!w(<nil>)".into());
        }
        *doc = value;
        return Ok(());
    }
    let (container, key) = find_container(doc, &path).ok_or_else(|| {
        format!("replace operation does not apply: doc is missing path: {path}: {MISSING}")
    })?;
    get(container, &key).map_err(|_| {
        format!("replace operation does not apply: doc is missing key: {path}: {MISSING}")
    })?;
    set(container, &key, value).map_err(|e| format!("error in remove for path: '{path}': {e}"))
}

fn move_value(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let from = op
        .from()
        .map_err(|e| format!("move operation failed to decode from: {e}"))?;
    let (container, key) = find_container(doc, &from).ok_or_else(|| {
        format!("move operation does not apply: doc is missing from path: {from}: {MISSING}")
    })?;
    get(container, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    let value = remove_from(container, &key)
        .map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    let path = op
        .path()
        .map_err(|e| format!("move operation failed to decode path: {e}"))?;
    let (container, key) = find_container(doc, &path).ok_or_else(|| {
        format!("move operation does not apply: doc is missing destination path: {path}: {MISSING}")
    })?;
    add_to(container, &key, value).map_err(|e| format!("error in move for path: '{path}': {e}"))
}

fn test(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let path = op
        .path()
        .map_err(|e| format!("test operation failed to decode path: {e}"))?;
    let failed = || format!("testing value {path} failed: test failed");
    if path.is_empty() {
        return if op.value() == Some(doc) {
            Ok(())
        } else {
            Err(failed())
        };
    }
    let (container, key) = find_container(doc, &path).ok_or_else(|| {
        format!("test operation does not apply: is missing path: {path}: {MISSING}")
    })?;
    let actual =
        get(container, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
    match (actual.filter(|v| !v.is_null()), op.value()) {
        (None, None | Some(Value::Null)) => Ok(()),
        (Some(a), Some(b)) if &a == b => Ok(()),
        _ => Err(failed()),
    }
}

fn copy(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let from = op
        .from()
        .map_err(|e| format!("copy operation failed to decode from: {e}"))?;
    let (container, key) = find_container(doc, &from).ok_or_else(|| {
        format!("copy operation does not apply: doc is missing from path: {from}: {MISSING}")
    })?;
    let value = get(container, &key)
        .map_err(|e| format!("error in copy for from: '{from}': {e}"))?
        .unwrap_or(Value::Null);
    let path = op
        .path()
        .map_err(|_| format!("copy operation failed to decode path: {MISSING}"))?;
    let (container, key) = find_container(doc, &path).ok_or_else(|| {
        format!("copy operation does not apply: doc is missing destination path: {path}: {MISSING}")
    })?;
    add_to(container, &key, value).map_err(|e| format!("error while adding value during copy: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value, patch: Value) -> Result<Value, String> {
        apply(doc, &decode(&patch)?)
    }

    #[test]
    fn operations() {
        let doc = json!({"a": {"b": [1, 2, 3]}, "c": "x"});
        assert_eq!(
            run(
                doc.clone(),
                json!([{"op": "add", "path": "/a/b/-", "value": 4}])
            )
            .unwrap(),
            json!({"a": {"b": [1, 2, 3, 4]}, "c": "x"})
        );
        assert_eq!(
            run(doc.clone(), json!([{"op": "remove", "path": "/a/b/-1"}])).unwrap(),
            json!({"a": {"b": [1, 2]}, "c": "x"})
        );
        assert_eq!(
            run(
                doc.clone(),
                json!([{"op": "replace", "path": "/d", "value": 1}])
            )
            .unwrap()["d"],
            1
        );
        assert_eq!(
            run(
                doc.clone(),
                json!([{"op": "move", "from": "/c", "path": "/a/c"}])
            )
            .unwrap(),
            json!({"a": {"b": [1, 2, 3], "c": "x"}})
        );
        assert_eq!(
            run(
                doc.clone(),
                json!([{"op": "copy", "from": "/a/b/0", "path": "/z"}])
            )
            .unwrap()["z"],
            1
        );
        assert!(run(
            doc.clone(),
            json!([{"op": "test", "path": "/c", "value": "x"}])
        )
        .is_ok());
    }

    #[test]
    fn errors_in_the_library_words() {
        let doc = json!({"a": {"b": [1]}});
        let err = |patch: Value| run(doc.clone(), patch).unwrap_err();
        assert_eq!(
            err(json!([{"op": "remove", "path": "/x"}])),
            "error in remove for path: '/x': Unable to remove nonexistent key: x: missing value"
        );
        assert_eq!(
            err(json!([{"op": "add", "path": "/x/y", "value": 1}])),
            "add operation does not apply: doc is missing path: \"/x/y\": missing value"
        );
        assert_eq!(
            err(json!([{"op": "replace", "path": "/a/b/5", "value": 1}])),
            "replace operation does not apply: doc is missing key: /a/b/5: missing value"
        );
        assert_eq!(
            err(json!([{"op": "test", "path": "/a/b/0", "value": 2}])),
            "testing value /a/b/0 failed: test failed"
        );
        assert_eq!(err(json!([{"path": "/a"}])), "Unexpected kind: unknown");
        assert_eq!(
            err(json!([{"op": "add", "path": "/a/b/x", "value": 1}])),
            "error in add for path: '/a/b/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            err(json!({"op": "add"})),
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        );
    }
}
