//! Decoding the server's JSON strictly, as kubectl's unstructured decoder
//! does, with its words for what is wrong: Go's `encoding/json` syntax
//! errors (`invalid character 'h' in literal true (expecting 'r')`,
//! `unexpected end of JSON input`) and the shape checks of apimachinery's
//! `UnstructuredJSONScheme` (a list's `items` must be a list of objects, an
//! object needs a kind).

use serde_json::Value;

/// A response kubectl would refuse to decode, in its words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Decodes a response body as kubectl decodes objects and lists.
pub fn unstructured(body: &[u8]) -> Result<Value, DecodeError> {
    let value = json(body)?;
    match &value {
        Value::Object(map) => {
            if let Some(items) = map.get("items").filter(|v| !v.is_null()) {
                let Value::Array(items) = items else {
                    return Err(DecodeError(format!(
                        "json: cannot unmarshal {} into Go struct field decodeList.items of type []json.RawMessage",
                        go_type(items)
                    )));
                };
                if let Some(bad) = items.iter().find(|i| !i.is_object()) {
                    return Err(DecodeError(format!(
                        "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        go_type(bad)
                    )));
                }
                return Ok(value);
            }
            if map
                .get("kind")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(DecodeError(format!(
                    "Object 'Kind' is missing in '{}'",
                    String::from_utf8_lossy(body.trim_ascii())
                )));
            }
            Ok(value)
        }
        Value::Null => Err(DecodeError("Object 'Kind' is missing in 'null'".into())),
        other => Err(DecodeError(format!(
            "json: cannot unmarshal {} into Go value of type unstructured.detector",
            go_type(other)
        ))),
    }
}

/// Parses JSON, reporting syntax errors in Go's words. Text Go accepts
/// but serde does not (invalid UTF-8 inside strings) is read as Go reads
/// it, with replacement characters.
pub fn json(body: &[u8]) -> Result<Value, DecodeError> {
    match serde_json::from_slice(body) {
        Ok(v) => Ok(v),
        Err(serde_error) => {
            if let Err(go) = check_syntax(body) {
                return Err(DecodeError(go));
            }
            serde_json::from_str(&String::from_utf8_lossy(body))
                .map_err(|_| DecodeError(serde_error.to_string()))
        }
    }
}

pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub(crate) const EOF: &str = "unexpected end of JSON input";

/// Go's `encoding/json` scanner: the first syntax error, as `Valid` and
/// `Unmarshal` report it.
pub fn check_syntax(data: &[u8]) -> Result<(), String> {
    let mut s = Scanner { data, pos: 0 };
    s.value("looking for beginning of value", 0)?;
    s.skip_ws();
    match s.peek() {
        None => Ok(()),
        Some(c) => Err(invalid(c, "after top-level value")),
    }
}

/// One value at nesting `depth` (0: the document itself), checked as Go's
/// scanner checks it: its length, or the first syntax error in Go's words.
pub(crate) fn check_value(data: &[u8], depth: usize) -> Result<usize, String> {
    let mut s = Scanner { data, pos: 0 };
    s.value("looking for beginning of value", depth)?;
    Ok(s.pos)
}

/// A complete value cut out of a larger document (at nesting `depth`),
/// decoded as [`json`] decodes a document.
pub(crate) fn json_value(data: &[u8], depth: usize) -> Result<Value, String> {
    match serde_json::from_slice(data) {
        Ok(v) => Ok(v),
        Err(serde_error) => {
            check_value(data, depth)?;
            serde_json::from_str(&String::from_utf8_lossy(data))
                .map_err(|_| serde_error.to_string())
        }
    }
}

/// `invalid character 'c' CONTEXT`, as Go's scanner says it.
pub(crate) fn invalid_character(c: u8, context: &str) -> String {
    invalid(c, context)
}

/// Go's `quoteChar` and the message around it.
fn invalid(c: u8, context: &str) -> String {
    let quoted = match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let q = crate::flags::go_values::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    };
    format!("invalid character {quoted} {context}")
}

struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Go refuses documents nested deeper than this.
const MAX_DEPTH: usize = 10000;

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn next(&mut self) -> Result<u8, String> {
        let c = self.peek().ok_or_else(|| EOF.to_string())?;
        self.pos += 1;
        Ok(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, context: &str, depth: usize) -> Result<(), String> {
        self.skip_ws();
        let c = self.next()?;
        match c {
            b'{' | b'[' if depth + 1 > MAX_DEPTH => Err("exceeded max depth".to_string()),
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(c),
            b't' => self.literal(b"rue", "true"),
            b'f' => self.literal(b"alse", "false"),
            b'n' => self.literal(b"ull", "null"),
            _ => Err(invalid(c, context)),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), String> {
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            let c = self.next()?;
            if c != b'"' {
                return Err(invalid(c, "looking for beginning of object key string"));
            }
            self.string()?;
            self.skip_ws();
            let c = self.next()?;
            if c != b':' {
                return Err(invalid(c, "after object key"));
            }
            self.value("looking for beginning of value", depth)?;
            self.skip_ws();
            match self.next()? {
                b',' => continue,
                b'}' => return Ok(()),
                c => return Err(invalid(c, "after object key:value pair")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), String> {
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.value("looking for beginning of value", depth)?;
            self.skip_ws();
            match self.next()? {
                b',' => continue,
                b']' => return Ok(()),
                c => return Err(invalid(c, "after array element")),
            }
        }
    }

    fn string(&mut self) -> Result<(), String> {
        loop {
            match self.next()? {
                b'"' => return Ok(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        for _ in 0..4 {
                            let h = self.next()?;
                            if !h.is_ascii_hexdigit() {
                                return Err(invalid(h, "in \\u hexadecimal character escape"));
                            }
                        }
                    }
                    c => return Err(invalid(c, "in string escape code")),
                },
                c if c < 0x20 => return Err(invalid(c, "in string literal")),
                _ => {}
            }
        }
    }

    fn number(&mut self, first: u8) -> Result<(), String> {
        let mut c = first;
        if c == b'-' {
            c = self.next()?;
            if !c.is_ascii_digit() {
                return Err(invalid(c, "in numeric literal"));
            }
        }
        if c != b'0' {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let d = self.next()?;
            if !d.is_ascii_digit() {
                return Err(invalid(d, "after decimal point in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            let mut d = self.next()?;
            if d == b'+' || d == b'-' {
                d = self.next()?;
            }
            if !d.is_ascii_digit() {
                return Err(invalid(d, "in exponent of numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, rest: &[u8], word: &str) -> Result<(), String> {
        for &expected in rest {
            let c = self.next()?;
            if c != expected {
                return Err(invalid(
                    c,
                    &format!("in literal {word} (expecting '{}')", expected as char),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(text: &str) -> String {
        check_syntax(text.as_bytes()).unwrap_err()
    }

    #[test]
    fn syntax_errors_in_go_words() {
        assert_eq!(
            syntax("this"),
            "invalid character 'h' in literal true (expecting 'r')"
        );
        assert_eq!(syntax("{\"a\":1"), "unexpected end of JSON input");
        assert_eq!(syntax(""), "unexpected end of JSON input");
        assert_eq!(
            syntax("<html>"),
            "invalid character '<' looking for beginning of value"
        );
        assert_eq!(
            syntax("{\"a\" 1}"),
            "invalid character '1' after object key"
        );
        assert_eq!(
            syntax("{\"a\":1 \"b\"}"),
            "invalid character '\"' after object key:value pair"
        );
        assert_eq!(syntax("[1 2]"), "invalid character '2' after array element");
        assert_eq!(
            syntax("{1:2}"),
            "invalid character '1' looking for beginning of object key string"
        );
        assert_eq!(
            syntax("\"a\nb\""),
            "invalid character '\\n' in string literal"
        );
        assert_eq!(
            syntax("\"\\x\""),
            "invalid character 'x' in string escape code"
        );
        assert_eq!(syntax("-a"), "invalid character 'a' in numeric literal");
        assert_eq!(
            syntax("1.e"),
            "invalid character 'e' after decimal point in numeric literal"
        );
        assert_eq!(
            syntax("{} x"),
            "invalid character 'x' after top-level value"
        );
        assert_eq!(syntax("01"), "invalid character '1' after top-level value");
        assert_eq!(
            syntax("'"),
            "invalid character '\\'' looking for beginning of value"
        );
        assert!(check_syntax(b"{\"a\":[1,-2.5e+3,true,false,null,\"\\u00e9\"]}").is_ok());
    }

    #[test]
    fn shapes_kubectl_refuses() {
        let e = |t: &str| unstructured(t.as_bytes()).unwrap_err().0;
        assert_eq!(
            e(r#"{"kind":"PodList","items":"x"}"#),
            "json: cannot unmarshal string into Go struct field decodeList.items of type []json.RawMessage"
        );
        assert_eq!(e("null"), "Object 'Kind' is missing in 'null'");
        assert_eq!(
            e("[1]"),
            "json: cannot unmarshal array into Go value of type unstructured.detector"
        );
        assert!(unstructured(br#"{"kind":"PodList","items":[]}"#).is_ok());
        assert!(unstructured(b"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"\xff\"}}").is_ok());
    }
}
