//! sigs.k8s.io/yaml's step from go-yaml's values to JSON: map keys become
//! strings, then `json.Marshal` (keys sorted, NaN and infinities refused).

use serde_json::Value;

use super::decoder::Go;

// ---------------------------------------------------------------------------
// sigs.k8s.io/yaml: keys become strings, then json.Marshal.

pub(super) enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

pub(super) fn to_jsonable(go: Go) -> Result<Json, String> {
    Ok(match go {
        Go::Nil => Json::Null,
        Go::Bool(b) => Json::Bool(b),
        Go::Int(i) => Json::Int(i),
        Go::Uint(u) => Json::Uint(u),
        Go::Float(f) => Json::Float(f),
        Go::Str(s) => Json::Str(s),
        Go::Seq(items) => Json::Arr(
            items
                .into_iter()
                .map(to_jsonable)
                .collect::<Result<_, _>>()?,
        ),
        Go::Map(entries) => {
            let mut out: Vec<(String, Json)> = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let key = match &key {
                    Go::Str(s) => s.clone(),
                    Go::Int(i) => i.to_string(),
                    Go::Float(f) => go_format_g(*f),
                    Go::Bool(b) => b.to_string(),
                    Go::Nil => {
                        return Err(format!(
                            "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                            go_sharp_v(&value)
                        ))
                    }
                    other => {
                        return Err(format!(
                            "unsupported map key of type: {}, key: {}, value: {}",
                            go_type_name(other),
                            go_sharp_v(other),
                            go_sharp_v(&value)
                        ))
                    }
                };
                let value = to_jsonable(value)?;
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => out.push((key, value)),
                }
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Obj(out)
        }
    })
}

/// json.Marshal refuses NaN and infinities; the first one met (keys in
/// sorted order) is the error.
pub(super) fn check_marshalable(json: &Json) -> Result<(), String> {
    match json {
        Json::Float(f) if !f.is_finite() => {
            Err(format!("json: unsupported value: {}", go_format_g(*f)))
        }
        Json::Arr(items) => items.iter().try_for_each(check_marshalable),
        Json::Obj(entries) => entries.iter().try_for_each(|(_, v)| check_marshalable(v)),
        _ => Ok(()),
    }
}

/// The value the JSON text re-reads as: floats print in Go's shortest form,
/// so whole floats come back as integers (`1.0` → `1`).
pub(super) fn into_value(json: Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Int(i) => Value::from(i),
        Json::Uint(u) => Value::from(u),
        Json::Float(f) => {
            let text = crate::printers::gofmt::json_float(f);
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
        Json::Str(s) => Value::String(s),
        Json::Arr(items) => Value::Array(items.into_iter().map(into_value).collect()),
        Json::Obj(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k, into_value(v)))
                .collect(),
        ),
    }
}

/// strconv.FormatFloat(f, 'g', -1, 64).
pub(super) fn go_format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // Shortest 'g' switches to an exponent below 1e-4 and from 1e6 on.
    if !(-4..6).contains(&exp) {
        let (sign, digits) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        format!("{mantissa}e{sign}{digits:02}")
    } else {
        format!("{f}")
    }
}

fn go_type_name(go: &Go) -> &'static str {
    match go {
        Go::Nil => "<nil>",
        Go::Bool(_) => "bool",
        Go::Int(_) => "int",
        Go::Uint(_) => "uint64",
        Go::Float(_) => "float64",
        Go::Str(_) => "string",
        Go::Seq(_) => "[]interface {}",
        Go::Map(_) => "map[interface {}]interface {}",
    }
}

/// Go's `%#v` for decoded YAML values (used in a few error messages).
pub(super) fn go_sharp_v(go: &Go) -> String {
    match go {
        Go::Nil => "<nil>".into(),
        Go::Bool(b) => b.to_string(),
        Go::Int(i) => i.to_string(),
        Go::Uint(u) => format!("0x{u:x}"),
        Go::Float(f) => go_format_g(*f),
        Go::Str(s) => format!("{s:?}"),
        Go::Seq(items) => {
            let inner: Vec<String> = items.iter().map(go_sharp_v_elem).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        Go::Map(entries) => {
            let mut inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", go_sharp_v_elem(k), go_sharp_v_elem(v)))
                .collect();
            inner.sort();
            format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}

fn go_sharp_v_elem(go: &Go) -> String {
    match go {
        Go::Nil => "interface {}(nil)".into(),
        other => go_sharp_v(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_format() {
        assert_eq!(go_format_g(1.5), "1.5");
        assert_eq!(go_format_g(1e21), "1e+21");
        assert_eq!(go_format_g(1e20), "1e+20");
        assert_eq!(go_format_g(100000.0), "100000");
        assert_eq!(go_format_g(1e6), "1e+06");
        assert_eq!(go_format_g(0.0001), "0.0001");
        assert_eq!(go_format_g(0.00001), "1e-05");
    }
}
