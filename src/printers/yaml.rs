//! YAML as kubectl writes it: sigs.k8s.io/yaml turns the object's JSON into
//! go-yaml v2 values and go-yaml v2 (a libyaml port) emits them.
//!
//! What that pipeline does, and what this emitter reproduces:
//! - map keys in go-yaml's "natural" order ([`key_less`]);
//! - block style throughout, two-space indent, sequences under a map key not
//!   indented, `{}` and `[]` for empty collections;
//! - a string is written plain unless YAML 1.1 would read it back as
//!   something else (`"yes"`, `"0x1F"`, `"2001-12-14"`, `""`; see
//!   [`resolve`](super::resolve)), or libyaml's scalar analysis forbids plain
//!   (indicators, `: `, ` #`, leading or trailing spaces), in which case it is
//!   single-quoted, or double-quoted when it holds characters libyaml will
//!   not print raw (controls, tabs, characters outside the BMP, U+FEFF…);
//! - strings with a newline use literal style (`|`, `|-`, `|+`, with an
//!   indentation indicator when they start with a space or a line break),
//!   unless they need escapes or end in a space;
//! - plain and quoted scalars fold at a space once the line is past column
//!   80; map keys never fold, and keys over 128 bytes or with line breaks
//!   become `? key` / `: value` pairs;
//! - numbers come back from their JSON text: integers as integers, other
//!   numbers as Go's shortest `%g` (`1.2345675e+06`, `1e-05`).

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

use super::gofmt::json_float as go_float;
use super::reread::{reread, ReadError, Reader};
use super::resolve::plain_is_string;
use super::style::{self, Span};
use super::unicode;

const BEST_INDENT: isize = 2;
const BEST_WIDTH: usize = 80;
/// Longest key (in bytes) libyaml writes as a simple `key: value`.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// The YAML document for `value`, ending in a newline, or the error kubectl
/// reports for strings its YAML reader refuses (see [`reread`]).
pub fn to_string(value: &Value) -> Result<String, ReadError> {
    let mut out = String::with_capacity(256);
    write(&mut out, value)?;
    Ok(out)
}

/// Appends the YAML document for `value` to `out` (nothing on error).
pub fn write(out: &mut String, value: &Value) -> Result<(), ReadError> {
    let value = reread(value, Reader::GoYamlV2)?;
    emit(out, &value, false);
    Ok(())
}

/// [`to_string`] for the output stream: on a coloured terminal, keys and
/// scalars are marked with their [`style`] spans. Never for files, patches
/// or anything read back.
pub fn to_styled_string(value: &Value) -> Result<String, ReadError> {
    let value = reread(value, Reader::GoYamlV2)?;
    let mut out = String::with_capacity(256);
    emit(&mut out, &value, style::markup());
    Ok(out)
}

/// The emitter proper, for a value the reader has already seen.
fn emit(out: &mut String, value: &Value, markup: bool) {
    let mut e = Emitter {
        out,
        markup,
        column: 0,
        indent: -1,
        whitespace: true,
        indention: true,
    };
    e.node(value, false);
    // The (implicit) document end.
    e.write_indent();
}

/// The writer's state, as libyaml keeps it: where the cursor is, the indent
/// of the current block, whether the last thing written was whitespace, and
/// whether the line so far is only indentation (and `- ` / `? ` / `: `).
struct Emitter<'a> {
    out: &'a mut String,
    /// Marks keys and scalars with colour spans (zero width: the column
    /// count is the text's).
    markup: bool,
    column: usize,
    indent: isize,
    whitespace: bool,
    indention: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

impl Emitter<'_> {
    fn open(&mut self, span: Span) {
        if self.markup {
            style::open(self.out, span);
        }
    }

    fn close(&mut self) {
        if self.markup {
            style::close(self.out);
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_ascii(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += s.len();
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// A line break inside a scalar: `\n` as the output's line break, the
    /// other YAML breaks (CR, NEL, LS, PS) copied as they are.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.out.push(' ');
            self.column += 1;
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.put_ascii(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// Returns the indent to restore afterwards.
    fn increase_indent(&mut self, flow: bool, indentless: bool) -> isize {
        let saved = self.indent;
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
        saved
    }

    /// One node; `in_mapping` says it is a map key or value (sequences that
    /// are map values are written without extra indentation).
    fn node(&mut self, value: &Value, in_mapping: bool) {
        match value {
            Value::Null => self.plain_token("null", Span::Null),
            Value::Bool(true) => self.plain_token("true", Span::Bool),
            Value::Bool(false) => self.plain_token("false", Span::Bool),
            Value::Number(n) => self.number(n),
            Value::String(s) => self.string(s, false, Span::Str),
            Value::Array(items) if items.is_empty() => self.empty_collection("[", "]"),
            Value::Object(map) if map.is_empty() => self.empty_collection("{", "}"),
            Value::Array(items) => self.sequence(items, in_mapping),
            Value::Object(map) => self.mapping(map),
        }
    }

    fn empty_collection(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn sequence(&mut self, items: &[Value], in_mapping: bool) {
        let saved = self.increase_indent(false, in_mapping && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, false);
        }
        self.indent = saved;
    }

    fn mapping(&mut self, map: &Map<String, Value>) {
        let saved = self.increase_indent(false, false);
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        sort_entries(&mut entries);
        for (key, value) in entries {
            self.write_indent();
            let simple = key.len() <= MAX_SIMPLE_KEY_LEN && !key.chars().any(is_break);
            if simple {
                self.string(key, true, Span::Key);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.string(key, false, Span::Key);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, true);
        }
        self.indent = saved;
    }

    /// A scalar that is always plain and never folds (numbers, booleans, null).
    fn plain_token(&mut self, token: &str, span: Span) {
        if !self.whitespace {
            self.put(' ');
        }
        self.open(span);
        self.put_ascii(token);
        self.close();
        self.whitespace = false;
        self.indention = false;
    }

    fn number(&mut self, n: &Number) {
        // Beyond int64 kubectl holds a number as float64, as its
        // unstructured objects do.
        if let Some(i) = n.as_i64() {
            if !self.whitespace {
                self.put(' ');
            }
            self.open(Span::Number);
            let start = self.out.len();
            let _ = write!(self.out, "{i}");
            self.column += self.out.len() - start;
            self.close();
            self.whitespace = false;
            self.indention = false;
        } else {
            self.plain_token(&yaml_float(n.as_f64().unwrap_or(0.0)), Span::Number);
        }
    }

    fn string(&mut self, s: &str, simple_key: bool, span: Span) {
        if is_simple_word(s) {
            // Common case: one word of safe characters, nothing to analyze
            // or fold; plain unless it would read back as another type.
            if !self.whitespace {
                self.put(' ');
            }
            self.open(span);
            if plain_is_string(s) {
                self.put_ascii(s);
            } else {
                self.put('"');
                self.put_ascii(s);
                self.put('"');
            }
            self.close();
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let style = select_style(s, simple_key);
        let saved = self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        // The span starts before the scalar's separating space.
        self.open(span);
        match style {
            Style::Plain => self.write_plain(s, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(s, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(s, allow_breaks),
            Style::Literal => self.write_literal(s),
        }
        self.close();
        self.indent = saved;
    }

    fn write_plain(&mut self, s: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        // Folding happens only at a space past column 80.
        if !allow_breaks || self.column + s.len() <= BEST_WIDTH + 1 || !s.contains(' ') {
            self.out.push_str(s);
            self.column += s.chars().count();
        } else {
            let bytes = s.as_bytes();
            let mut spaces = false;
            for (i, c) in s.char_indices() {
                if c == ' ' {
                    if !spaces && self.column > BEST_WIDTH && bytes.get(i + 1) != Some(&b' ') {
                        self.write_indent();
                    } else {
                        self.put(' ');
                    }
                    spaces = true;
                } else {
                    self.put(c);
                    spaces = false;
                }
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let bytes = s.as_bytes();
        let mut spaces = false;
        let mut breaks = false;
        for (i, c) in s.char_indices() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < bytes.len() - 1
                    && bytes[i + 1] != b' '
                {
                    self.write_indent();
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let bytes = s.as_bytes();
        // libyaml tests for a byte order mark at the start of the value, not
        // at the character: one leading U+FEFF escapes the whole string.
        let escape_all = s.starts_with('\u{feff}');
        let mut spaces = false;
        for (i, c) in s.char_indices() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < bytes.len() - 1
                {
                    self.write_indent();
                    if bytes[i + 1] == b' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The escape after the backslash: a letter, or `x`/`u`/`U` and
    /// upper-case hex digits.
    fn write_escape(&mut self, c: char) {
        let letter = match c {
            '\0' => '0',
            '\u{7}' => 'a',
            '\u{8}' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\u{b}' => 'v',
            '\u{c}' => 'f',
            '\r' => 'r',
            '\u{1b}' => 'e',
            '"' => '"',
            '\\' => '\\',
            '\u{85}' => 'N',
            '\u{a0}' => '_',
            '\u{2028}' => 'L',
            '\u{2029}' => 'P',
            _ => {
                let v = c as u32;
                let (prefix, digits) = match v {
                    0..=0xff => ('x', 2),
                    0x100..=0xffff => ('u', 4),
                    _ => ('U', 8),
                };
                self.put(prefix);
                for k in (0..digits).rev() {
                    let d = (v >> (4 * k)) & 0xf;
                    self.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                }
                return;
            }
        };
        self.put(letter);
    }

    fn write_literal(&mut self, s: &str) {
        self.write_indicator("|", true, false, false);
        let mut chars = s.chars();
        if let Some(first) = s.chars().next() {
            if first == ' ' || is_break(first) {
                self.write_indicator("2", false, false, false);
            }
        }
        let last = chars.next_back();
        let before_last = chars.next_back();
        let chomp = match (last, before_last) {
            (None, _) => Some("-"),
            (Some(c), _) if !is_break(c) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(c)) if is_break(c) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in s.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// ASCII letters, digits and `_ . / : -`, not `-` alone, not ending in `:`,
/// not starting `---` or `...`: libyaml allows such a string plain and
/// writes it in one piece.
fn is_simple_word(s: &str) -> bool {
    !s.is_empty()
        && s != "-"
        && !s.ends_with(':')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b':' | b'-'))
        && !s.starts_with("---")
        && !s.starts_with("...")
}

/// How a float comes out: Go's JSON text read back by go-yaml, which makes
/// whole numbers integers and formats the rest with `%g` (shortest digits,
/// exponent form below 1e-4 and from 1e6 up, exponent of at least two digits).
pub fn yaml_float(f: f64) -> String {
    let json = go_float(f);
    if !json.contains(['.', 'e']) {
        if let Ok(i) = json.parse::<i64>() {
            return i.to_string();
        }
        if let Ok(u) = json.parse::<u64>() {
            return u.to_string();
        }
    }
    go_format_g(f)
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` for a finite `f`.
pub fn go_format_g(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if f < 0.0 {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    } else {
        // Decimal point after `point` digits (may be ≤ 0 or past the end).
        let point = exp + 1;
        let nd = digits.len() as i32;
        if point <= 0 {
            out.push('0');
        } else {
            for k in 0..point {
                out.push(if k < nd {
                    digits.as_bytes()[k as usize] as char
                } else {
                    '0'
                });
            }
        }
        let frac = (nd - point).max(0);
        if frac > 0 {
            out.push('.');
            for k in point..point + frac {
                out.push(if k >= 0 && k < nd {
                    digits.as_bytes()[k as usize] as char
                } else {
                    '0'
                });
            }
        }
    }
    out
}

/// libyaml's line breaks: LF, CR, NEL, LS, PS.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's printable set: LF, ASCII graphic and space, and the BMP from
/// U+00A0 except surrogates, U+FEFF, U+FFFE and U+FFFF. Nothing beyond the
/// BMP (emoji are escaped).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// What libyaml's scalar analysis decides about a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Analysis {
    multiline: bool,
    plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let bytes = s.as_bytes();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;

    for (i, c) in s.char_indices() {
        let next = i + c.len_utf8();
        let followed_by_whitespace = next >= bytes.len() || matches!(bytes[next], b' ' | b'\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if next == bytes.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if next == bytes.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }

    let mut a = Analysis {
        multiline: line_breaks,
        plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.plain_allowed = false;
    }
    a
}

/// The style go-yaml asks for (literal for text with a newline, plain when
/// the text reads back as the same string, else double-quoted), then
/// libyaml's downgrades when the analysis forbids it.
fn select_style(s: &str, simple_key: bool) -> Style {
    let requested = if s.contains('\n') {
        Style::Literal
    } else if plain_is_string(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    let a = analyze(s);
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.plain_allowed || (s.is_empty() && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

/// Sorts map entries by [`key_less`]. That order is not always transitive
/// (`a10` < `a1b` < `a2` < `a10`), and Go sorts map keys that come in random
/// order anyway, so any consistent result is as good as Go's; this sort
/// simply never relies on transitivity (a merge sort, insertion sort for
/// short runs).
fn sort_entries(entries: &mut [(&String, &Value)]) {
    let less = |a: &(&String, &Value), b: &(&String, &Value)| key_less(a.0, b.0);
    merge_sort(entries, &less);
}

fn merge_sort<T: Copy>(items: &mut [T], less: &dyn Fn(&T, &T) -> bool) {
    let n = items.len();
    if n <= 12 {
        for i in 1..n {
            let mut j = i;
            while j > 0 && less(&items[j], &items[j - 1]) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = n / 2;
    merge_sort(&mut items[..mid], less);
    merge_sort(&mut items[mid..], less);
    let mut merged = Vec::with_capacity(n);
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if less(&items[j], &items[i]) {
            merged.push(items[j]);
            j += 1;
        } else {
            merged.push(items[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&items[i..mid]);
    merged.extend_from_slice(&items[j..n]);
    items.copy_from_slice(&merged);
}

/// go-yaml v2's order for string map keys: character by character; at the
/// first difference letters compare by code point, a non-letter sorts before
/// a letter, and two non-letters compare as the digit runs starting there
/// (numerically, then shorter run first), else by code point. A prefix sorts
/// first.
pub fn key_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        runes_less(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        runes_less(&a, &b)
    }
}

trait Rune: Copy + PartialOrd {
    fn code(self) -> u32;
    fn is_letter(self) -> bool;
    fn is_digit(self) -> bool;
}

impl Rune for u8 {
    fn code(self) -> u32 {
        self as u32
    }
    fn is_letter(self) -> bool {
        self.is_ascii_alphabetic()
    }
    fn is_digit(self) -> bool {
        self.is_ascii_digit()
    }
}

impl Rune for char {
    fn code(self) -> u32 {
        self as u32
    }
    fn is_letter(self) -> bool {
        unicode::is_letter(self)
    }
    fn is_digit(self) -> bool {
        unicode::is_digit(self)
    }
}

fn runes_less<R: Rune>(a: &[R], b: &[R]) -> bool {
    for i in 0..a.len().min(b.len()) {
        if a[i] == b[i] {
            continue;
        }
        let (al, bl) = (a[i].is_letter(), b[i].is_letter());
        if al && bl {
            return a[i].code() < b[i].code();
        }
        if al || bl {
            return bl;
        }
        // Digit runs compare as numbers (with Go's wrapping arithmetic and
        // its digit value `rune - '0'`, even for non-ASCII digits). A run
        // starting with 0 after other non-zero digits counts from 1.
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if a[i].code() == '0' as u32 || b[i].code() == '0' as u32 {
            for j in (0..i).rev() {
                if !a[j].is_digit() {
                    break;
                }
                if a[j].code() != '0' as u32 {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < a.len() && a[ai].is_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(a[ai].code() as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < b.len() && b[bi].is_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(b[bi].code() as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return a[i].code() < b[i].code();
    }
    a.len() < b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn to_string(value: &Value) -> String {
        super::to_string(value).expect("printable")
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut map = Map::new();
        for k in keys {
            map.insert(k.to_string(), Value::Null);
        }
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        sort_entries(&mut entries);
        entries.into_iter().map(|(k, _)| k.clone()).collect()
    }

    #[test]
    fn keys_sort_naturally() {
        assert_eq!(sorted(&["a10", "a9", "a1"]), ["a1", "a9", "a10"]);
        assert_eq!(sorted(&["b", "a", "B", "A"]), ["A", "B", "a", "b"]);
        assert_eq!(
            sorted(&["a", "_x", "1", "-", "01"]),
            ["-", "_x", "1", "01", "a"]
        );
        assert_eq!(sorted(&["ab", "a"]), ["a", "ab"]);
        assert_eq!(sorted(&["x01", "x1", "x001"]), ["x1", "x01", "x001"]);
        assert_eq!(sorted(&["é", "z", "e"]), ["e", "z", "é"]);
        assert_eq!(
            sorted(&["a-b", "a.b", "a_b", "ab"]),
            ["a-b", "a.b", "a_b", "ab"]
        );
    }

    #[test]
    fn simple_words_agree_with_the_analysis() {
        // Every string of up to four characters over the fast path's alphabet.
        let alphabet = ['a', '0', '-', ':', '.', '/', '_', 'e'];
        let mut words = vec![String::new()];
        let mut last = words.clone();
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        for s in &words {
            if is_simple_word(s) {
                let expected = if plain_is_string(s) {
                    Style::Plain
                } else {
                    Style::DoubleQuoted
                };
                assert_eq!(select_style(s, false), expected, "{s:?}");
                assert_eq!(select_style(s, true), expected, "{s:?}");
            }
        }
        assert!(!is_simple_word("-") && !is_simple_word("a:") && !is_simple_word("---a"));
    }

    #[test]
    fn quoting_decisions() {
        assert_eq!(select_style("plain text", false), Style::Plain);
        assert_eq!(select_style("yes", false), Style::DoubleQuoted);
        assert_eq!(select_style("", false), Style::DoubleQuoted);
        assert_eq!(select_style("a: b", false), Style::SingleQuoted);
        assert_eq!(select_style("a:b", false), Style::Plain);
        assert_eq!(select_style("a #b", false), Style::SingleQuoted);
        assert_eq!(select_style("a#b", false), Style::Plain);
        assert_eq!(select_style("-a", false), Style::Plain);
        assert_eq!(select_style("- a", false), Style::SingleQuoted);
        assert_eq!(select_style(" a", false), Style::SingleQuoted);
        assert_eq!(select_style("*a", false), Style::SingleQuoted);
        assert_eq!(select_style("a\tb", false), Style::DoubleQuoted);
        assert_eq!(select_style("😀", false), Style::DoubleQuoted);
        assert_eq!(select_style("中文", false), Style::Plain);
        assert_eq!(select_style("a\nb", false), Style::Literal);
        assert_eq!(select_style("a\nb", true), Style::DoubleQuoted);
        assert_eq!(select_style("a \nb", false), Style::DoubleQuoted);
        assert_eq!(select_style("a\nb ", false), Style::DoubleQuoted);
    }

    #[test]
    fn layout() {
        let v = json!({
            "kind": "Pod",
            "list": [1, "two", {"b": 2, "a": [true, null]}, [], {}],
            "empty": "",
            "text": "line1\nline2\n",
            "nested": {"deep": {"x": 1.5}},
        });
        assert_eq!(
            to_string(&v),
            "empty: \"\"\nkind: Pod\nlist:\n- 1\n- two\n- a:\n  - true\n  - null\n  b: 2\n- []\n- {}\nnested:\n  deep:\n    x: 1.5\ntext: |\n  line1\n  line2\n"
        );
        assert_eq!(to_string(&json!({})), "{}\n");
        assert_eq!(to_string(&json!([[1, 2], [3]])), "- - 1\n  - 2\n- - 3\n");
    }

    #[test]
    fn literal_block_hints() {
        let lit = |s: &str| to_string(&json!({ "k": s }));
        assert_eq!(lit("a\nb"), "k: |-\n  a\n  b\n");
        assert_eq!(lit("a\n"), "k: |\n  a\n");
        assert_eq!(lit("a\n\n"), "k: |+\n  a\n\n");
        assert_eq!(lit("\n"), "k: |2+\n\n");
        assert_eq!(lit("  a\nb"), "k: |2-\n    a\n  b\n");
        assert_eq!(lit("a\n\nb"), "k: |-\n  a\n\n  b\n");
    }

    #[test]
    fn long_strings_fold_at_column_80() {
        let words = ["word"; 30].join(" ");
        let out = to_string(&json!({ "key": words }));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].len() > 80 && lines[0].len() <= 85, "{out}");
        assert!(lines[1].starts_with("  word"));
        // No spaces: nowhere to fold.
        let long = "x".repeat(200);
        assert_eq!(to_string(&json!({ "k": long })), format!("k: {long}\n"));
        // Keys never fold; over 128 bytes they become complex keys.
        let key = ["kk"; 70].join(" ");
        let out = to_string(&json!({ key.clone(): 1 }));
        assert!(out.starts_with("? kk kk"), "{out}");
        assert!(out.ends_with("\n: 1\n"), "{out}");
    }

    #[test]
    fn escapes() {
        let v = json!({ "k": "tab\there \u{1}\u{1b}\u{2028}😀\u{feff}\\\"" });
        assert_eq!(
            to_string(&v),
            "k: \"tab\\there \\x01\\e\\L\\U0001F600\\uFEFF\\\\\\\"\"\n"
        );
        // A leading BOM escapes every character.
        assert_eq!(
            to_string(&json!({"k": "\u{feff}ab"})),
            "k: \"\\uFEFF\\x61\\x62\"\n"
        );
    }

    #[test]
    fn floats_like_go_yaml() {
        assert_eq!(yaml_float(1.0), "1");
        assert_eq!(yaml_float(-0.0), "0");
        assert_eq!(yaml_float(1234567.5), "1.2345675e+06");
        assert_eq!(yaml_float(100000.5), "100000.5");
        assert_eq!(yaml_float(0.0001), "0.0001");
        assert_eq!(yaml_float(0.00001), "1e-05");
        assert_eq!(yaml_float(1.5e-7), "1.5e-07");
        assert_eq!(yaml_float(1e20), "1e+20");
        assert_eq!(yaml_float(1e21), "1e+21");
        assert_eq!(yaml_float(9223372036854775808.0), "9223372036854776000");
        assert_eq!(yaml_float(12345678901234567890.0), "12345678901234567000");
        assert_eq!(yaml_float(-2.5), "-2.5");
        assert_eq!(yaml_float(1.2345678901234568e29), "1.2345678901234568e+29");
    }
}
