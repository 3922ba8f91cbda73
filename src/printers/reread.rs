//! What happens to strings when kubectl's YAML printers read the object's
//! JSON text back with a YAML parser (go-yaml v2 for `-o yaml`, v3 for
//! `-o kyaml`), before writing anything.
//!
//! Go's JSON escapes control characters below U+0020, `<`, `>`, `&`, U+2028
//! and U+2029, but writes every other character raw, and the YAML reader:
//! - refuses DEL, the C1 controls other than NEL, U+FFFE and U+FFFF
//!   (`yaml: control characters are not allowed`);
//! - takes a raw NEL (U+0085) for a line break inside a quoted scalar and
//!   folds it: spaces around the break vanish, one break becomes a space,
//!   n > 1 breaks become n − 1 newlines;
//! - fails on `---` or `...` plus a space right after such a break (a
//!   document marker at the start of a line);
//! - fails on a map key that spans lines (holds a NEL) or whose JSON text,
//!   quotes included, is over 1024 characters: YAML's implicit keys are
//!   single-line and at most 1024 characters.
//!
//! Error messages carry a line number, counted in NELs, chosen differently
//! by the two parsers. Everything else survives unchanged, so the common
//! case costs one scan of each string's bytes.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// Which YAML library reads the JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// go-yaml v2 (`-o yaml`, sigs.k8s.io/yaml).
    GoYamlV2,
    /// go-yaml v3 (`-o kyaml`).
    GoYamlV3,
}

/// Why kubectl cannot print the object; the text after kubectl's `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: Option<usize>,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    ControlCharacters,
    DocumentIndicator,
    KeyNotSimple,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("yaml: ")?;
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        f.write_str(match self.problem {
            Problem::ControlCharacters => "control characters are not allowed",
            Problem::DocumentIndicator => "found unexpected document indicator",
            Problem::KeyNotSimple => "did not find expected ',' or '}'",
        })
    }
}

impl std::error::Error for ReadError {}

/// The value as the YAML reader sees it: borrowed when nothing changes.
pub fn reread(value: &Value, reader: Reader) -> Result<Cow<'_, Value>, ReadError> {
    let mut scan = Scan {
        reader,
        line: 0,
        folds: false,
    };
    scan.value(value)?;
    if scan.folds {
        Ok(Cow::Owned(fold_value(value)))
    } else {
        Ok(Cow::Borrowed(value))
    }
}

const NEL: char = '\u{85}';
/// The longest implicit key YAML allows, in characters of JSON text.
const MAX_KEY_CHARS: usize = 1024;

/// Walks the strings in the order they appear in the JSON text, counting
/// raw line breaks (lines, for error messages).
struct Scan {
    reader: Reader,
    line: usize,
    folds: bool,
}

impl Scan {
    fn value(&mut self, value: &Value) -> Result<(), ReadError> {
        match value {
            Value::String(s) => self.string(s),
            Value::Array(items) => items.iter().try_for_each(|v| self.value(v)),
            Value::Object(map) => {
                // The line of this map's `{`, named in some key errors.
                let map_line = self.line;
                map.iter().try_for_each(|(k, v)| {
                    self.key(k, map_line)?;
                    self.value(v)
                })
            }
            _ => Ok(()),
        }
    }

    fn key(&mut self, key: &str, map_line: usize) -> Result<(), ReadError> {
        let start_line = self.line;
        self.string(key)?;
        let multi_line = self.line > start_line;
        // Six characters of JSON per byte at most (`\u003c` for `<`).
        let long = key.len() * 6 + 2 > MAX_KEY_CHARS && json_chars(key) + 2 > MAX_KEY_CHARS;
        if !multi_line && !long {
            return Ok(());
        }
        // The parser fails at the `:`; v2 names that line, v3 prefers the
        // line of the enclosing `{`; line 0 is not named.
        let (first, second) = match self.reader {
            Reader::GoYamlV2 => (self.line, map_line),
            Reader::GoYamlV3 => (map_line, self.line),
        };
        let line = [first, second].into_iter().find(|&l| l != 0);
        Err(ReadError {
            line,
            problem: Problem::KeyNotSimple,
        })
    }

    fn string(&mut self, s: &str) -> Result<(), ReadError> {
        // NEL and the C1 controls start with 0xC2, U+FFFE/U+FFFF with 0xEF.
        let clean = if s.is_ascii() {
            !s.as_bytes().contains(&0x7f)
        } else {
            !s.bytes().any(|b| matches!(b, 0x7f | 0xc2 | 0xef))
        };
        if clean {
            return Ok(());
        }
        let start_line = self.line;
        let mut chars = s.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            match c {
                NEL => {
                    self.folds = true;
                    self.line += 1;
                    if let Some(&(next, _)) = chars.peek() {
                        let rest = &s[next..];
                        let marker = rest.starts_with("---") || rest.starts_with("...");
                        if marker && matches!(rest[3..].chars().next(), Some(' ' | NEL)) {
                            // A scanner error: the line after the one named.
                            let line = match self.reader {
                                Reader::GoYamlV3 if start_line != 0 => start_line,
                                _ => self.line,
                            };
                            return Err(ReadError {
                                line: Some(line + 1),
                                problem: Problem::DocumentIndicator,
                            });
                        }
                    }
                }
                '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => {
                    return Err(ReadError {
                        line: None,
                        problem: Problem::ControlCharacters,
                    })
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Characters in Go's JSON text of `s`, quotes excluded.
fn json_chars(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        })
        .sum()
}

fn fold_value(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(fold(s).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(fold_value).collect()),
        // Keys never hold a NEL here: the scan refused them.
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fold_value(v)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

/// Line folding of raw NELs in a double-quoted scalar.
pub fn fold(s: &str) -> Cow<'_, str> {
    if !s.contains(NEL) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    loop {
        while let Some(&c) = chars.peek() {
            if c == ' ' || c == NEL {
                break;
            }
            out.push(c);
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut spaces = 0;
        let mut breaks = 0;
        while let Some(&c) = chars.peek() {
            match c {
                ' ' if breaks == 0 => spaces += 1,
                ' ' => {}
                NEL => breaks += 1,
                _ => break,
            }
            chars.next();
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nel_folds_like_a_line_break() {
        assert_eq!(fold("a\u{85}b"), "a b");
        assert_eq!(fold("a \u{85} \u{85}  b"), "a\nb");
        assert_eq!(fold("a\u{85}\u{85}\u{85}b"), "a\n\nb");
        assert_eq!(fold("\u{85}a"), " a");
        assert_eq!(fold("a\u{85}"), "a ");
        assert_eq!(fold("a  b"), "a  b");
        assert_eq!(fold("x\t\u{85}\ty"), "x\t \ty");
    }

    fn error(value: &Value, reader: Reader) -> String {
        reread(value, reader).unwrap_err().to_string()
    }

    #[test]
    fn unreadable_text_is_an_error() {
        for reader in [Reader::GoYamlV2, Reader::GoYamlV3] {
            assert_eq!(
                error(&json!({"a": ["ok", "x\u{7f}"]}), reader),
                "yaml: control characters are not allowed"
            );
            assert_eq!(
                error(&json!({"k\u{9f}": 1}), reader),
                "yaml: control characters are not allowed"
            );
            assert!(reread(&json!({"b": "x\u{85}---"}), reader).is_ok());
            assert!(reread(&json!({"b": "x\u{85} --- y"}), reader).is_ok());
        }
        let v = json!({"a": "\u{85}", "b": "x\u{85}--- y"});
        assert_eq!(
            error(&v, Reader::GoYamlV2),
            "yaml: line 3: found unexpected document indicator"
        );
        assert_eq!(
            error(&v, Reader::GoYamlV3),
            "yaml: line 2: found unexpected document indicator"
        );
    }

    #[test]
    fn keys_must_be_one_short_line() {
        let fine = json!({ "k".repeat(1022): 1, "<".repeat(170): 2, "é".repeat(1022): 3 });
        assert!(reread(&fine, Reader::GoYamlV2).is_ok());
        for key in [
            "k".repeat(1023),
            "<".repeat(171),
            "\t".repeat(512),
            "😀".repeat(1023),
        ] {
            assert_eq!(
                error(&json!({ key: 1 }), Reader::GoYamlV2),
                "yaml: did not find expected ',' or '}'"
            );
        }
        let v = json!({"a": "\u{85}", "b": {"c\u{85}": 1}});
        assert_eq!(
            error(&v, Reader::GoYamlV2),
            "yaml: line 2: did not find expected ',' or '}'"
        );
        assert_eq!(
            error(&v, Reader::GoYamlV3),
            "yaml: line 1: did not find expected ',' or '}'"
        );
    }

    #[test]
    fn clean_values_are_borrowed() {
        let v = json!({"a": ["é", "\u{a0}", "\u{feff}"]});
        assert!(matches!(reread(&v, Reader::GoYamlV2), Ok(Cow::Borrowed(_))));
        let v = json!({"a": ["c\u{85}d"]});
        let read = reread(&v, Reader::GoYamlV2).unwrap().into_owned();
        assert_eq!(read, json!({"a": ["c d"]}));
    }
}
