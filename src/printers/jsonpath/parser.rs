//! The template language of kubectl's JSONPath (client-go `util/jsonpath`):
//! plain text with `{…}` actions. The parser keeps client-go's quirks, since
//! they decide which templates are errors and what they mean: `['a.b']` is
//! the two fields `a` and `b`, `["x"]` is an invalid index, an identifier is
//! any run of letters (`range`, `end`, or an error at run time), and a
//! filter is split on its first run of `!<>=` characters.

use super::Error;
use crate::printers::gofmt;

/// One node of a parsed template.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Literal text: outside actions, or a quoted string inside one. Bytes,
    /// because `\xff` escapes may produce invalid UTF-8 (Go strings are bytes).
    Text(Vec<u8>),
    /// The nodes of one action, applied one after the other.
    List(Vec<Node>),
    /// `.name`: a map key.
    Field(String),
    /// A bare word: `range`, `end`, or anything else (an error when run).
    Identifier(String),
    /// `[n]`, `[a:b]`, `[a:b:c]`, `[*]`.
    Array([Param; 3]),
    /// `[?(left op right)]`, or `[?(path)]` with `op` "exists".
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    /// `.*`
    Wildcard,
    /// `..`
    Recursive,
    /// `[a,b]`: each part is its own list.
    Union(Vec<Vec<Node>>),
}

/// A slice bound as written; `derived` marks the end of a plain index
/// (`[n]` is `[n:n+1]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Param {
    pub value: i64,
    pub known: bool,
    pub derived: bool,
}

/// Parses a whole template into its top-level nodes (texts and lists).
pub fn parse(text: &str) -> Result<Vec<Node>, Error> {
    Parser::new(text).run()
}

/// Parses `text` as the inside of one action (`{text}`) and returns that
/// action's nodes.
fn parse_action(text: &str) -> Result<Vec<Node>, Error> {
    let wrapped = format!("{{{text}}}");
    let mut root = parse(&wrapped)?;
    match root.get_mut(0) {
        Some(Node::List(nodes)) => Ok(std::mem::take(nodes)),
        _ => Ok(Vec::new()),
    }
}

struct Parser<'t> {
    input: &'t str,
    pos: usize,
    start: usize,
    width: usize,
}

const EOF: Option<char> = None;

impl<'t> Parser<'t> {
    fn new(input: &'t str) -> Self {
        Parser {
            input,
            pos: 0,
            start: 0,
            width: 0,
        }
    }

    fn run(mut self) -> Result<Vec<Node>, Error> {
        let mut root = Vec::new();
        loop {
            match self.input[self.pos..].find('{') {
                None => {
                    self.pos = self.input.len();
                    if self.pos > self.start {
                        root.push(Node::Text(self.consume().as_bytes().to_vec()));
                    }
                    return Ok(root);
                }
                Some(offset) => {
                    self.pos += offset;
                    if self.pos > self.start {
                        root.push(Node::Text(self.consume().as_bytes().to_vec()));
                    }
                    self.pos += 1;
                    self.consume();
                    let mut action = Vec::new();
                    let result = self.inside_action(&mut action);
                    root.push(Node::List(action));
                    result?;
                }
            }
        }
    }

    fn consume(&mut self) -> &'t str {
        let text = &self.input[self.start..self.pos];
        self.start = self.pos;
        text
    }

    fn next(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            None => {
                self.width = 0;
                EOF
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.next();
        self.backup();
        c
    }

    fn backup(&mut self) {
        self.pos -= self.width;
    }

    fn rest(&self) -> &'t str {
        &self.input[self.pos..]
    }

    /// Reads the nodes of one action up to and including its `}`.
    fn inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), Error> {
        loop {
            let rest = self.rest();
            if rest.starts_with('}') {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if rest.starts_with("[?(") {
                self.filter(cur)?;
                continue;
            }
            if rest.starts_with("..") {
                self.recursive(cur)?;
                continue;
            }
            match self.next() {
                None | Some('\r') | Some('\n') => return Err(Error::new("unclosed action")),
                Some(' ') | Some('@') | Some('$') => {
                    self.consume();
                }
                Some('[') => self.array(cur)?,
                Some(q @ ('"' | '\'')) => self.quote(cur, q)?,
                Some('.') => self.field(cur),
                Some(c) if c == '+' || c == '-' || is_digit(c) => {
                    self.backup();
                    self.number(cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.backup();
                    self.identifier(cur);
                }
                Some(c) => {
                    return Err(Error::new(format!(
                        "unrecognized character in action: {}",
                        gofmt::unicode_sharp_u(c)
                    )))
                }
            }
        }
    }

    fn identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let c = self.next();
            if is_terminator(c) {
                self.backup();
                break;
            }
        }
        match self.consume() {
            "true" => cur.push(Node::Bool(true)),
            "false" => cur.push(Node::Bool(false)),
            word => cur.push(Node::Identifier(word.to_string())),
        }
    }

    fn recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), Error> {
        if matches!(cur.last(), Some(Node::Recursive)) {
            return Err(Error::new("invalid multiple recursive descent"));
        }
        self.pos += 2;
        self.consume();
        cur.push(Node::Recursive);
        if self.peek().is_some_and(is_alphanumeric) {
            self.field(cur);
        }
        Ok(())
    }

    fn number(&mut self, cur: &mut Vec<Node>) -> Result<(), Error> {
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        loop {
            match self.next() {
                Some(c) if c == '.' || is_digit(c) => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        let text = self.consume();
        if let Some(i) = go_atoi(text) {
            cur.push(Node::Int(i));
            return Ok(());
        }
        match go_parse_float(text) {
            Some(f) => {
                cur.push(Node::Float(f));
                Ok(())
            }
            None => Err(Error::new(format!("cannot parse number {text}"))),
        }
    }

    fn array(&mut self, cur: &mut Vec<Node>) -> Result<(), Error> {
        loop {
            match self.next() {
                None | Some('\n') => return Err(Error::new("unterminated array")),
                Some(']') => break,
                Some(_) => {}
            }
        }
        let consumed = self.consume();
        let mut text = &consumed[1..consumed.len() - 1];
        if text == "*" {
            text = ":";
        }

        if text.contains(',') {
            let mut union = Vec::new();
            for part in text.split(',') {
                union.push(parse_action(&format!("[{}]", part.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }

        if let Some(key) = dict_key(text) {
            cur.extend(parse_action(&format!(".{key}"))?);
            return Ok(());
        }

        let Some(parts) = slice_parts(text) else {
            return Err(Error::new(format!("invalid array index {text}")));
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            // Groups 2 and 3 still carry their `:`.
            let part = parts[i].map(|p| if i > 0 { &p[1..] } else { p });
            match part {
                Some(raw) if i > 0 && raw.is_empty() => params[i].known = false,
                Some(raw) => {
                    params[i].known = true;
                    params[i].value = go_atoi(raw)
                        .ok_or_else(|| Error::new(format!("array index {raw} is not a number")))?;
                }
                None if i == 1 => {
                    params[1] = Param {
                        value: params[0].value.wrapping_add(1),
                        known: true,
                        derived: true,
                    };
                }
                None => params[i] = Param::default(),
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn filter(&mut self, cur: &mut Vec<Node>) -> Result<(), Error> {
        self.pos += 3;
        self.consume();
        let mut begin = false;
        let mut end = false;
        let mut pair = '"';
        loop {
            match self.next() {
                None | Some('\n') => return Err(Error::new("unterminated filter")),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    if self.input.as_bytes()[self.pos - 2] != b'\\' && q == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                Some(_) => {}
            }
        }
        if self.next() != Some(']') {
            return Err(Error::new("unclosed array expect ]"));
        }
        let consumed = self.consume();
        let text = &consumed[..consumed.len() - 2];
        match split_comparison(text) {
            None => cur.push(Node::Filter {
                left: parse_action(text)?,
                right: Vec::new(),
                op: "exists".into(),
            }),
            Some((left, op, right)) => {
                let left = parse_action(left)?;
                let right = parse_action(right)?;
                cur.push(Node::Filter {
                    left,
                    right,
                    op: op.to_string(),
                });
            }
        }
        Ok(())
    }

    fn quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), Error> {
        loop {
            match self.next() {
                None | Some('\n') => return Err(Error::new("unterminated quoted string")),
                Some(c) if c == end && self.input.as_bytes()[self.pos - 2] != b'\\' => break,
                Some(_) => {}
            }
        }
        let quoted = self.consume();
        match unquote(quoted) {
            Some(bytes) => {
                cur.push(Node::Text(bytes));
                Ok(())
            }
            None => Err(Error::new(format!(
                "unquote string {quoted} error invalid syntax"
            ))),
        }
    }

    fn field(&mut self, cur: &mut Vec<Node>) {
        self.consume();
        loop {
            match self.next() {
                Some('\\') => {
                    self.next();
                }
                c if is_terminator(c) => {
                    self.backup();
                    break;
                }
                _ => {}
            }
        }
        let name = self.consume();
        if name == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(name.replace('\\', "")));
        }
    }
}

/// Characters that end a field name or identifier.
fn is_terminator(c: Option<char>) -> bool {
    matches!(
        c,
        None | Some(' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}')
    )
}

/// Go's `unicode.IsDigit` (decimal digits in any script). Rust's
/// `is_numeric` also takes other numerals (`²`, `Ⅻ`); Latin-1 has none that
/// are decimal digits, beyond it the difference is accepted.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (c as u32 >= 0x100 && c.is_numeric())
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || is_digit(c)
}

/// `strconv.Atoi`: optional sign, ASCII digits, within int64.
fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// `strconv.ParseFloat` on what the number scanner accepts (sign, digits,
/// dots); out-of-range values are errors there too.
fn go_parse_float(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if !body.bytes().any(|b| b.is_ascii_digit())
        || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// `'key'` (the whole index in single quotes, no quote inside).
fn dict_key(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.contains('\'')).then_some(inner)
}

/// Matches `^(-?\d*)(:-?\d*)?(:-?\d*)?$` and returns the three groups
/// (`None` for a group that did not take part).
fn slice_parts(text: &str) -> Option<[Option<&str>; 3]> {
    fn signed_digits(s: &str) -> usize {
        let sign = usize::from(s.starts_with('-'));
        sign + s[sign..].bytes().take_while(u8::is_ascii_digit).count()
    }
    let first_len = signed_digits(text);
    let first = &text[..first_len];
    let mut rest = &text[first_len..];
    let mut groups = [Some(first), None, None];
    for group in groups.iter_mut().skip(1) {
        if let Some(after) = rest.strip_prefix(':') {
            let len = 1 + signed_digits(after);
            *group = Some(&rest[..len]);
            rest = &rest[len..];
        }
    }
    if !rest.is_empty() {
        return None;
    }
    // Group 1 always takes part; an empty match is "not given".
    let [a, b, c] = groups;
    Some([a.filter(|s| !s.is_empty()), b, c])
}

/// Splits a filter on `^([^!<>=]+)([!<>=]+)(.+?)$`: the operator is the first
/// run of `!<>=`, giving its last character back when nothing follows it.
fn split_comparison(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let left_end = text.find(is_op)?;
    if left_end == 0 {
        return None;
    }
    let after = &text[left_end..];
    let mut op_len = after.find(|c| !is_op(c)).unwrap_or(after.len());
    if op_len == after.len() {
        if op_len == 1 {
            return None;
        }
        op_len -= 1;
    }
    Some((&text[..left_end], &after[..op_len], &after[op_len..]))
}

/// Go's `strconv.Unquote` extended to single-quoted strings, as client-go's
/// `UnquoteExtend`. `None` is "invalid syntax".
fn unquote(quoted: &str) -> Option<Vec<u8>> {
    let bytes = quoted.as_bytes();
    let quote = *bytes.first()?;
    if bytes.len() < 2 || bytes[bytes.len() - 1] != quote {
        return None;
    }
    let body = &quoted[1..quoted.len() - 1];
    if !body.contains('\\') && !body.contains(quote as char) {
        return Some(body.as_bytes().to_vec());
    }
    let mut out = Vec::with_capacity(body.len());
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == quote {
            return None;
        }
        if c >= 0x80 {
            let ch = body[i..].chars().next()?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            i += ch.len_utf8();
            continue;
        }
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let esc = *b.get(i + 1)?;
        i += 2;
        match esc {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'x' | b'u' | b'U' => {
                let n = match esc {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = body.get(i..i + n)?;
                if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return None;
                }
                let v = u32::from_str_radix(hex, 16).ok()?;
                i += n;
                if esc == b'x' {
                    out.push(v as u8);
                } else {
                    let ch = char::from_u32(v)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
            }
            b'0'..=b'7' => {
                let oct = body.get(i - 1..i + 2)?;
                if !oct.bytes().all(|o| (b'0'..=b'7').contains(&o)) {
                    return None;
                }
                let v = u32::from_str_radix(oct, 8).ok()?;
                if v > 255 {
                    return None;
                }
                i += 2;
                out.push(v as u8);
            }
            b'\\' => out.push(b'\\'),
            b'\'' | b'"' => {
                if esc != quote {
                    return None;
                }
                out.push(esc);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn text_and_actions() {
        assert_eq!(
            parse("a{.b}c").unwrap(),
            vec![
                Node::Text(b"a".to_vec()),
                Node::List(vec![Node::Field("b".into())]),
                Node::Text(b"c".to_vec()),
            ]
        );
    }

    #[test]
    fn dict_keys_are_fields_and_split_on_dots() {
        assert_eq!(
            parse("{['a.b']}").unwrap(),
            vec![Node::List(vec![
                Node::Field("a".into()),
                Node::Field("b".into())
            ])]
        );
        assert_eq!(err("{[\"x\"]}"), "invalid array index \"x\"");
    }

    #[test]
    fn slices() {
        let p = |text: &str| match parse(text).unwrap().remove(0) {
            Node::List(mut nodes) => nodes.remove(0),
            _ => unreachable!(),
        };
        let known = |value| Param {
            value,
            known: true,
            derived: false,
        };
        assert_eq!(
            p("{[-1]}"),
            Node::Array([
                known(-1),
                Param {
                    value: 0,
                    known: true,
                    derived: true
                },
                Param::default()
            ])
        );
        assert_eq!(p("{[1:3:2]}"), Node::Array([known(1), known(3), known(2)]));
        assert_eq!(
            p("{[*]}"),
            Node::Array([Param::default(), Param::default(), Param::default()])
        );
        assert_eq!(err("{[-]}"), "array index - is not a number");
        assert_eq!(err("{[1:2:3:4]}"), "invalid array index 1:2:3:4");
    }

    #[test]
    fn filters_split_on_operators() {
        assert_eq!(
            split_comparison("@.a == \"x\""),
            Some(("@.a ", "==", " \"x\""))
        );
        assert_eq!(split_comparison("@.a"), None);
        assert_eq!(split_comparison("@.a=="), Some(("@.a", "=", "=")));
        assert_eq!(split_comparison("@.a!"), None);
        assert_eq!(split_comparison("==1"), None);
        assert_eq!(
            err("{[?(@.a=~\"x\")]}"),
            "unrecognized character in action: U+007E '~'"
        );
    }

    #[test]
    fn quotes_unescape_like_go() {
        assert_eq!(unquote("'a\\'b'"), Some(b"a'b".to_vec()));
        assert_eq!(unquote("\"a\\'b\""), None);
        assert_eq!(
            unquote("\"\\x41\\u00e9\\101\\xff\""),
            Some(b"A\xc3\xa9A\xff".to_vec())
        );
        assert_eq!(unquote("\"\\q\""), None);
        assert_eq!(
            err("{\"\\q\"}"),
            "unquote string \"\\q\" error invalid syntax"
        );
    }

    #[test]
    fn errors_match_client_go() {
        assert_eq!(err("{.a"), "unclosed action");
        assert_eq!(err("{.a[}"), "unterminated array");
        assert_eq!(
            err("{{.a}}"),
            "unrecognized character in action: U+007B '{'"
        );
        assert_eq!(err("{.a....b}"), "invalid multiple recursive descent");
        assert_eq!(err("{1.2.3}"), "cannot parse number 1.2.3");
        assert_eq!(err("{-}"), "cannot parse number -");
        assert_eq!(err("{\t}"), "unrecognized character in action: U+0009");
        assert_eq!(err("{\"a}"), "unterminated quoted string");
    }
}
