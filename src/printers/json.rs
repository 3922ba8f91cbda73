//! JSON as Go's `encoding/json` writes it with `MarshalIndent(obj, "", "    ")`:
//! four-space indent, `<`, `>` and `&` escaped for HTML, floats in Go's
//! shortest form, keys in the order the value holds them.

use serde_json::Value;

use super::style::{self, Span};

/// Go's `encoding/json` float formatting (kept under this name for callers).
pub use super::gofmt::json_float as go_float;

/// The whole document followed by a newline, as kubectl's JSON printer ends it.
pub fn to_string_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, Some("    "), false);
    out.push('\n');
    out
}

/// [`to_string_pretty`] for the output stream: on a coloured terminal,
/// keys and values are marked with their [`style`](super::style) spans.
pub fn to_styled_string_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, Some("    "), style::markup());
    out.push('\n');
    out
}

/// `json.MarshalIndent(value, "", unit)` followed by a newline (kubectl's
/// own structs, like `version`'s, are indented with two spaces), marked on a
/// coloured terminal: only `version -o json` prints it.
pub fn to_string_indented(value: &Value, unit: &str) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, Some(unit), style::markup());
    out.push('\n');
    out
}

/// Appends `value` as it appears nested `depth` levels deep in an indented
/// document (the caller has written the indentation of its first line).
pub fn write_pretty_at(out: &mut String, value: &Value, depth: usize) {
    write_value(out, value, depth, Some("    "), false);
}

/// [`write_pretty_at`] for the output stream (marked on a coloured terminal).
pub fn write_styled_pretty_at(out: &mut String, value: &Value, depth: usize) {
    write_value(out, value, depth, Some("    "), style::markup());
}

/// Compact JSON (`json.Marshal`), as used inside annotations and by JSONPath.
pub fn to_string_compact(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, None, false);
    out
}

fn marked(out: &mut String, markup: bool, span: Span, f: impl FnOnce(&mut String)) {
    if markup {
        style::open(out, span);
        f(out);
        style::close(out);
    } else {
        f(out);
    }
}

fn write_value(out: &mut String, value: &Value, depth: usize, indent: Option<&str>, markup: bool) {
    match value {
        Value::Null => marked(out, markup, Span::Null, |o| o.push_str("null")),
        Value::Bool(b) => marked(out, markup, Span::Bool, |o| {
            o.push_str(if *b { "true" } else { "false" })
        }),
        Value::Number(n) => marked(out, markup, Span::Number, |o| o.push_str(&go_number(n))),
        Value::String(s) => marked(out, markup, Span::Str, |o| write_string(o, s)),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1, indent);
                write_value(out, item, depth + 1, indent, markup);
            }
            newline(out, depth, indent);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1, indent);
                marked(out, markup, Span::Key, |o| write_string(o, key));
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, depth + 1, indent, markup);
            }
            newline(out, depth, indent);
            out.push('}');
        }
    }
}

fn newline(out: &mut String, depth: usize, indent: Option<&str>) {
    const SPACES: &str = "\n                                                                ";
    if let Some(unit) = indent {
        // The usual four-space indent, at the usual depths, in one piece.
        if unit == "    " && depth * 4 < SPACES.len() {
            out.push_str(&SPACES[..1 + depth * 4]);
            return;
        }
        out.push('\n');
        for _ in 0..depth {
            out.push_str(unit);
        }
    }
}

/// Whether Go's encoder writes byte `b` of a string as it is.
fn plain_byte(b: u8) -> bool {
    b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&') && b < 0x80
}

/// Go's string encoding with HTML escaping on (the default for Marshal).
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    // Runs of plain ASCII are copied whole; the rest char by char.
    let mut rest = s;
    while !rest.is_empty() {
        let plain = rest.bytes().take_while(|&b| plain_byte(b)).count();
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Numbers as Go prints an unstructured object's: int64 integers as they are,
/// floats with `strconv.FormatFloat(f, 'f' or 'e', -1, 64)` (whole floats
/// lose their `.0`).
pub fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    // Beyond int64 kubectl holds a number as float64 (unstructured objects
    // decode JSON numbers to int64 or else float64).
    if let Some(u) = n.as_u64() {
        return super::gofmt::json_float(u as f64);
    }
    super::gofmt::json_float(n.as_f64().unwrap_or(0.0))
}

/// Go's `json.Indent(dst, src, "", indent)` over JSON text: the text's
/// own numbers, strings and key order kept, leading whitespace dropped,
/// trailing whitespace kept, `{}` and `[]` left empty.
pub fn go_indent(src: &str, indent: &str) -> String {
    let body = src.trim_start_matches([' ', '\t', '\r', '\n']);
    let end = body.trim_end_matches([' ', '\t', '\r', '\n']).len();
    let (value, trailing) = body.split_at(end);
    let mut out = String::with_capacity(value.len() * 2);
    let mut depth = 0usize;
    let mut need_indent = false;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    for c in value.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            continue;
        }
        if need_indent && c != '}' && c != ']' {
            need_indent = false;
            depth += 1;
            newline(&mut out, depth);
        }
        match c {
            '{' | '[' => {
                need_indent = true;
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            '}' | ']' => {
                if need_indent {
                    need_indent = false;
                } else {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            '"' => {
                in_string = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push_str(trailing);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn indent_keeps_the_text() {
        assert_eq!(
            super::go_indent(" {\"b\":1.0,\"a\":{},\"c\":[\"x,y\",{\"d\":[]}]}\n", "  "),
            "{\n  \"b\": 1.0,\n  \"a\": {},\n  \"c\": [\n    \"x,y\",\n    {\n      \"d\": []\n    }\n  ]\n}\n"
        );
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn indents_with_four_spaces_and_keeps_key_order() {
        let v = json!({"kind": "Pod", "apiVersion": "v1", "spec": {}, "list": [], "n": [1, 2]});
        assert_eq!(
            to_string_pretty(&v),
            "{\n    \"kind\": \"Pod\",\n    \"apiVersion\": \"v1\",\n    \"spec\": {},\n    \"list\": [],\n    \"n\": [\n        1,\n        2\n    ]\n}\n"
        );
    }

    #[test]
    fn escapes_like_go() {
        let mut s = String::new();
        write_string(&mut s, "a<b>&\"\\\n\u{1}\u{2028}é\x08\x0c");
        assert_eq!(
            s,
            "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\\u2028é\\b\\f\""
        );
    }

    #[test]
    fn floats_like_go() {
        use crate::printers::gofmt::json_float;
        assert_eq!(json_float(1.0), "1");
        assert_eq!(json_float(0.5), "0.5");
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1.5e-7), "1.5e-7");
        assert_eq!(json_float(1e-100), "1e-100");
        assert_eq!(json_float(123456789.0), "123456789");
        assert_eq!(json_float(-2.5e300), "-2.5e+300");
    }

    #[test]
    fn compact_has_no_spaces() {
        let v = json!({"a": [1, {"b": null}], "c": true});
        assert_eq!(to_string_compact(&v), "{\"a\":[1,{\"b\":null}],\"c\":true}");
    }
}
