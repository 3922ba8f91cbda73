//! KYAML (`-o kyaml`, sigs.k8s.io/yaml/kyaml): YAML written like JSON.
//!
//! Every document starts with `---`; maps are `{` … `}` with one `key: value,`
//! per line (trailing commas), lists `[` … `]` the same, except that a list
//! whose items are all maps or lists is "cuddled" as `[{ … }, { … }]`. Keys
//! keep the object's order and are bare unless they could read as something
//! else or hold characters other than letters, digits, `_` (and `-`, `.`,
//! `/` inside). String values are always double-quoted; a value with a
//! newline is written over several lines with YAML's escaped line breaks.
//! Numbers are Go's JSON text of them; `true`, `false`, `null` as they are.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::json::go_number;
use super::reread::{reread, ReadError, Reader};
use super::resolve::kyaml_is_type_ambiguous;
use super::style::{self, Span};
use super::unicode;

/// The KYAML document for `value`: `---`, the value, a newline. Errors are
/// kubectl's for strings its YAML reader refuses (see [`reread`]).
pub fn to_string(value: &Value) -> Result<String, KyamlError> {
    let mut out = String::with_capacity(256);
    write(&mut out, value)?;
    Ok(out)
}

/// Appends the KYAML document for `value` to `out` (nothing on error).
pub fn write(out: &mut String, value: &Value) -> Result<(), KyamlError> {
    write_marked(out, value, false)
}

/// [`to_string`] for the output stream: on a coloured terminal, keys and
/// values are marked with their [`style`](super::style) spans.
pub fn to_styled_string(value: &Value) -> Result<String, KyamlError> {
    let mut out = String::with_capacity(256);
    write_marked(&mut out, value, style::markup())?;
    Ok(out)
}

fn write_marked(out: &mut String, value: &Value, markup: bool) -> Result<(), KyamlError> {
    let value = reread(value, Reader::GoYamlV3).map_err(KyamlError)?;
    out.push_str("---\n");
    node(out, &value, 0, markup);
    out.push('\n');
    Ok(())
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

/// kubectl's message when the KYAML encoder cannot read the object's JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("error decoding: {0}")]
pub struct KyamlError(pub ReadError);

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn node(out: &mut String, value: &Value, level: usize, markup: bool) {
    match value {
        Value::Null => marked(out, markup, Span::Null, |o| o.push_str("null")),
        Value::Bool(b) => marked(out, markup, Span::Bool, |o| {
            o.push_str(if *b { "true" } else { "false" })
        }),
        Value::Number(n) => marked(out, markup, Span::Number, |o| match n.as_i64() {
            Some(i) => {
                let _ = write!(o, "{i}");
            }
            None => o.push_str(&go_number(n)),
        }),
        Value::String(s) => marked(out, markup, Span::Str, |o| value_string(o, s, level + 1)),
        Value::Array(items) => sequence(out, items, level, markup),
        Value::Object(map) => mapping(out, map, level, markup),
    }
}

fn sequence(out: &mut String, items: &[Value], level: usize, markup: bool) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    let cuddled = items
        .iter()
        .all(|item| matches!(item, Value::Array(_) | Value::Object(_)));
    if cuddled {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            node(out, item, level, markup);
        }
        out.push(']');
        return;
    }
    out.push_str("[\n");
    for item in items {
        indent(out, level + 1);
        node(out, item, level + 1, markup);
        out.push_str(",\n");
    }
    indent(out, level);
    out.push(']');
}

fn mapping(out: &mut String, map: &Map<String, Value>, level: usize, markup: bool) {
    if map.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (key, value) in map {
        indent(out, level + 1);
        marked(out, markup, Span::Key, |o| key_string(o, key));
        out.push_str(": ");
        node(out, value, level + 1, markup);
        out.push_str(",\n");
    }
    indent(out, level);
    out.push('}');
}

/// A key: bare when unambiguous, else double-quoted on one line.
fn key_string(out: &mut String, key: &str) {
    if !key.contains('\n') && !needs_quotes(key) {
        out.push_str(key);
        return;
    }
    out.push('"');
    for c in key.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => escaped_char(out, c),
        }
    }
    out.push('"');
}

/// A string value, double-quoted. With a newline it opens with `"\`, puts
/// each line on its own indented line (a space before it, or a backslash
/// when the line starts with whitespace) ending in `\n\`, and closes on a
/// line of its own; tabs stay raw.
fn value_string(out: &mut String, s: &str, level: usize) {
    let multi = s.contains('\n');
    out.push('"');
    if !s
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t') || b == b'"' || b == b'\\' || b >= 0x7f)
    {
        // Nothing to escape (printable ASCII and tabs).
        out.push_str(s);
        out.push('"');
        return;
    }
    if !multi {
        for c in s.chars() {
            if c == '\t' {
                out.push('\t');
            } else {
                escaped_char(out, c);
            }
        }
        out.push('"');
        return;
    }
    out.push_str("\\\n");
    let mut after_newline = true;
    for c in s.chars() {
        if after_newline {
            indent(out, level);
            out.push(if unicode::is_space(c) && c != '\n' {
                '\\'
            } else {
                ' '
            });
        }
        match c {
            '\n' => out.push_str("\\n\\\n"),
            '\t' => out.push('\t'),
            c => escaped_char(out, c),
        }
        after_newline = c == '\n';
    }
    if !after_newline {
        out.push_str("\\\n");
    }
    indent(out, level);
    out.push('"');
}

/// One character inside double quotes, escaped the way Go's `strconv.Quote`
/// does for what `unicode.IsPrint` rejects, with YAML's short escapes.
fn escaped_char(out: &mut String, c: char) {
    if c == '"' || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if unicode::is_print(c) {
        out.push(c);
        return;
    }
    let short = match c {
        '\u{7}' => "\\a",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\u{b}' => "\\v",
        '\0' => "\\0",
        '\u{1b}' => "\\e",
        '\u{85}' => "\\N",
        '\u{a0}' => "\\_",
        '\u{2028}' => "\\L",
        '\u{2029}' => "\\P",
        _ => "",
    };
    if !short.is_empty() {
        out.push_str(short);
        return;
    }
    let v = c as u32;
    let (prefix, digits) = if v < 0x20 || v == 0x7f {
        ("\\x", 2)
    } else if v < 0x10000 {
        ("\\u", 4)
    } else {
        ("\\U", 8)
    };
    out.push_str(prefix);
    for k in (0..digits).rev() {
        out.push(char::from_digit((v >> (4 * k)) & 0xf, 16).unwrap_or('0'));
    }
}

/// kyaml's test for a key that must be quoted.
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || kyaml_is_type_ambiguous(s) {
        return true;
    }
    if s.is_ascii() {
        let b = s.as_bytes();
        let last = b.len() - 1;
        return b.iter().enumerate().any(|(i, &c)| {
            let allowed = c.is_ascii_alphanumeric()
                || c == b'_'
                || (i > 0 && i < last && matches!(c, b'-' | b'.' | b'/'));
            !allowed
        });
    }
    let count = s.chars().count();
    s.chars().enumerate().any(|(i, c)| {
        let allowed = unicode::is_letter(c)
            || unicode::is_number(c)
            || c == '_'
            || (i > 0 && i + 1 < count && matches!(c, '-' | '.' | '/'));
        !allowed
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn to_string(value: &Value) -> String {
        super::to_string(value).expect("printable")
    }

    #[test]
    fn flow_layout_keeps_key_order() {
        let v = json!({
            "kind": "Pod",
            "spec": {"containers": [{"name": "a", "args": []}], "n": 1.5},
            "list": ["x", 2, null, true],
            "empty": {},
        });
        assert_eq!(
            to_string(&v),
            "---\n{\n  kind: \"Pod\",\n  spec: {\n    containers: [{\n      name: \"a\",\n      args: [],\n    }],\n    \"n\": 1.5,\n  },\n  list: [\n    \"x\",\n    2,\n    null,\n    true,\n  ],\n  empty: {},\n}\n"
        );
    }

    #[test]
    fn keys_are_quoted_when_ambiguous() {
        assert!(!needs_quotes("apiVersion"));
        assert!(!needs_quotes("app.kubernetes.io/name"));
        assert!(!needs_quotes("a-b_c"));
        assert!(!needs_quotes("名前"));
        for k in [
            "",
            "no",
            "f",
            "1",
            "-a",
            "a-",
            "a b",
            "a:b",
            "1e3",
            "null",
            "2001-01-01",
        ] {
            assert!(needs_quotes(k), "{k:?}");
        }
    }

    #[test]
    fn multi_line_values() {
        let v = json!({"k": "a\n  b\n"});
        assert_eq!(
            to_string(&v),
            "---\n{\n  k: \"\\\n     a\\n\\\n    \\  b\\n\\\n    \",\n}\n"
        );
    }

    #[test]
    fn escapes_like_go() {
        let v = json!({"k\tx": "\u{1}\u{a0}\u{200b}é😀\"\\\r"});
        assert_eq!(
            to_string(&v),
            "---\n{\n  \"k\\tx\": \"\\x01\\_\\u200bé😀\\\"\\\\\\r\",\n}\n"
        );
    }
}
