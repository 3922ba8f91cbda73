//! The text of the file being edited: kubectl's comment header with the
//! reasons a save failed, Windows line endings on request, and the
//! comment-blind comparisons that decide whether anything changed.

use serde_json::Value;

/// Why the file is opened again: a headline and its details.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reason {
    pub head: String,
    pub other: Vec<String>,
}

/// Which header the file gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// `edit` and `create --edit`.
    Object,
    /// `apply edit-last-applied`.
    LastApplied,
}

/// The comment block at the top of the file.
pub fn header(kind: HeaderKind, reasons: &[Reason]) -> String {
    let mut out = String::from(match kind {
        HeaderKind::LastApplied => {
            "# Please edit the 'last-applied-configuration' annotations below.\n# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.\n#\n"
        }
        HeaderKind::Object => {
            "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n"
        }
    });
    for r in reasons {
        if r.other.is_empty() {
            out.push_str(&format!("# {}\n", hash_on_line_break(&r.head)));
        } else {
            out.push_str(&format!("# {}:\n", hash_on_line_break(&r.head)));
        }
        for o in &r.other {
            out.push_str(&format!("# * {}\n", hash_on_line_break(o)));
        }
        out.push_str("#\n");
    }
    out
}

/// Keeps a multi-line message inside the comment: `# ` after each line
/// break not already followed by `#`.
pub fn hash_on_line_break(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, ch) in s.char_indices() {
        let next = bytes.get(i + 1);
        if ch == '\n' && next.is_some_and(|b| *b != b'#') {
            out.push_str("\n# ");
        } else {
            out.push(ch);
        }
    }
    out
}

/// `\n` → `\r\n` (kubectl's CRLF writer).
pub fn crlf(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 16);
    for b in text {
        if *b == b'\n' {
            out.extend_from_slice(b"\r\n");
        } else {
            out.push(*b);
        }
    }
    out
}

/// kubectl's `ManualStrip`: drops lines starting with `#` (but not `#!`).
pub fn manual_strip(file: &[u8]) -> Vec<u8> {
    let lines: Vec<&[u8]> = file.split(|b| *b == b'\n').collect();
    let mut out = Vec::with_capacity(file.len());
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_ascii();
        if trimmed.starts_with(b"#") && !trimmed.starts_with(b"#!") {
            continue;
        }
        out.extend_from_slice(line);
        if i < lines.len() - 1 {
            out.push(b'\n');
        }
    }
    out
}

/// Whether text starts (after white space) with `{`: apimachinery then
/// takes it for JSON and leaves it as it is.
pub fn looks_like_json(file: &[u8]) -> bool {
    String::from_utf8_lossy(file)
        .trim_start_matches(char::is_whitespace)
        .starts_with('{')
}

/// kubectl's `StripComments`: JSON text as it is, YAML converted to JSON,
/// and anything that does not parse without its comment lines.
pub fn strip_comments(file: &[u8]) -> Vec<u8> {
    if looks_like_json(file) {
        return file.to_vec();
    }
    match crate::kubeconfig::yaml::yaml_to_json(file) {
        Ok(value) => canonical_json(&value).into_bytes(),
        Err(_) => manual_strip(file),
    }
}

/// Go's `json.Marshal` of a decoded document: keys sorted, compact.
pub fn canonical_json(value: &Value) -> String {
    let mut v = value.clone();
    crate::printers::sort_keys(&mut v);
    crate::printers::json::to_string_compact(&v)
}

/// Whether any line holds something other than blanks and comments.
pub fn has_lines(file: &[u8]) -> bool {
    String::from_utf8_lossy(file).lines().any(|line| {
        let t = line.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_with_reasons() {
        let reasons = vec![
            Reason {
                head: "configmaps \"a\" was not valid".into(),
                other: vec!["data: Invalid value".into()],
            },
            Reason {
                head: "The edited file had a syntax error: x\ny".into(),
                other: vec![],
            },
        ];
        let text = header(HeaderKind::Object, &reasons);
        assert!(text.ends_with(
            "#\n# configmaps \"a\" was not valid:\n# * data: Invalid value\n#\n# The edited file had a syntax error: x\n# y\n#\n"
        ));
        assert!(header(HeaderKind::LastApplied, &[])
            .starts_with("# Please edit the 'last-applied-configuration' annotations below.\n"));
    }

    #[test]
    fn line_breaks_stay_comments() {
        assert_eq!(hash_on_line_break("a\nb\n#c\n"), "a\n# b\n#c\n");
    }

    #[test]
    fn comparisons_ignore_comments() {
        assert_eq!(
            strip_comments(b"# x\nb: 1\na: 2\n"),
            b"{\"a\":2,\"b\":1}".to_vec()
        );
        assert_eq!(manual_strip(b"# x\n#!y\na: [\n"), b"#!y\na: [\n".to_vec());
        assert_eq!(strip_comments(b"# x\na: [\n"), b"a: [\n".to_vec());
        assert_eq!(strip_comments(b" {\"b\": 1}\n"), b" {\"b\": 1}\n".to_vec());
        assert!(!has_lines(b"# only\n  \n"));
        assert!(has_lines(b"# only\na: 1\n"));
        assert_eq!(crlf(b"a\nb\n"), b"a\r\nb\r\n".to_vec());
    }
}
