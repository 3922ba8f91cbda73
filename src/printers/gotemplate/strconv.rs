//! Go's literal syntax as the template parser reads it: `strconv.Unquote`
//! for strings and characters, `ParseInt`/`ParseUint`/`ParseFloat` with
//! base prefixes and underscores for numbers.

use super::lex::ItemType;
use super::parse::Number;
use crate::printers::gofmt;

const SYNTAX: &str = "invalid syntax";

/// `strconv.Unquote`: the bytes of a `"…"`, `` `…` `` or `'…'` literal.
pub fn unquote(s: &str) -> Result<Vec<u8>, String> {
    let bytes = s.as_bytes();
    if bytes.len() < 2 || bytes[0] != bytes[bytes.len() - 1] {
        return Err(SYNTAX.into());
    }
    let quote = bytes[0];
    let body = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if body.contains('`') {
                return Err(SYNTAX.into());
            }
            Ok(body.bytes().filter(|b| *b != b'\r').collect())
        }
        b'"' | b'\'' => {
            if body.contains('\n') {
                return Err(SYNTAX.into());
            }
            let mut out = Vec::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                let (value, tail) = unquote_char(rest, quote as char)?;
                out.extend_from_slice(&value);
                rest = tail;
                if quote == b'\'' && !rest.is_empty() {
                    return Err(SYNTAX.into());
                }
            }
            if quote == b'\'' && out.is_empty() {
                return Err(SYNTAX.into());
            }
            Ok(out)
        }
        _ => Err(SYNTAX.into()),
    }
}

/// One character of a quoted literal: its bytes (a raw byte for `\x` and
/// octal escapes, UTF-8 otherwise), its code, and the rest of the input.
fn unquote_char_code(s: &str, quote: char) -> Result<(u32, bool, &str), String> {
    let mut chars = s.chars();
    let Some(c) = chars.next() else {
        return Err(SYNTAX.into());
    };
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(SYNTAX.into());
    }
    if c != '\\' {
        return Ok((c as u32, true, chars.as_str()));
    }
    let Some(e) = chars.next() else {
        return Err(SYNTAX.into());
    };
    let rest = chars.as_str();
    let simple = match e {
        'a' => Some(7),
        'b' => Some(8),
        'f' => Some(12),
        'n' => Some(10),
        'r' => Some(13),
        't' => Some(9),
        'v' => Some(11),
        '\\' => Some(92),
        '\'' | '"' if e == quote => Some(e as u32),
        _ => None,
    };
    if let Some(v) = simple {
        return Ok((v, true, rest));
    }
    match e {
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            if rest.len() < n || !rest.is_char_boundary(n) {
                return Err(SYNTAX.into());
            }
            let v = u32::from_str_radix(&rest[..n], 16).map_err(|_| SYNTAX.to_string())?;
            if !rest[..n].bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(SYNTAX.into());
            }
            if e == 'x' {
                return Ok((v, false, &rest[n..]));
            }
            if char::from_u32(v).is_none() {
                return Err(SYNTAX.into());
            }
            Ok((v, true, &rest[n..]))
        }
        '0'..='7' => {
            let digits = format!("{e}{}", rest.get(..2).unwrap_or(""));
            if digits.len() != 3 || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return Err(SYNTAX.into());
            }
            let v = u32::from_str_radix(&digits, 8).map_err(|_| SYNTAX.to_string())?;
            if v > 255 {
                return Err(SYNTAX.into());
            }
            Ok((v, false, &rest[2..]))
        }
        _ => Err(SYNTAX.into()),
    }
}

fn unquote_char(s: &str, quote: char) -> Result<(Vec<u8>, &str), String> {
    let (code, multibyte, rest) = unquote_char_code(s, quote)?;
    if !multibyte {
        return Ok((vec![code as u8], rest));
    }
    let c = char::from_u32(code).unwrap_or('\u{fffd}');
    let mut buf = [0u8; 4];
    Ok((c.encode_utf8(&mut buf).as_bytes().to_vec(), rest))
}

/// The parser's reading of a number, character or complex constant.
pub fn parse_number(pos: usize, text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        pos,
        text: text.to_string(),
        int: None,
        uint: None,
        float: None,
        complex: None,
    };
    match typ {
        ItemType::CharConstant => {
            let (code, _, tail) = unquote_char_code(&text[1..], '\'')?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int = Some(code as i64);
            n.uint = Some(code as u64);
            n.float = Some(code as f64);
            return Ok(n);
        }
        ItemType::Complex => {
            let (re, im) = parse_complex(text).ok_or_else(|| {
                format!(
                    "strconv.ParseComplex: parsing {}: invalid syntax",
                    gofmt::quote(text)
                )
            })?;
            n.complex = Some((re, im));
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(imag) = text.strip_suffix('i') {
        if let Some(f) = parse_float(imag) {
            n.complex = Some((0.0, f));
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    let u = parse_uint(text);
    if let Some(u) = u {
        n.uint = Some(u);
    }
    if let Some(i) = parse_int(text) {
        n.int = Some(i);
        if i == 0 {
            n.uint = Some(u.unwrap_or(0));
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", gofmt::quote(text)));
        }
        n.float = Some(f);
        if let Some(i) = float_to_int(f) {
            n.int = Some(i);
        }
        if let Some(u) = float_to_uint(f) {
            n.uint = Some(u);
        }
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!("illegal number syntax: {}", gofmt::quote(text)));
    }
    Ok(n)
}

/// `float64(int64(f)) == f` on amd64, where out-of-range conversions give
/// the minimum int64.
fn float_to_int(f: f64) -> Option<i64> {
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        return None;
    }
    let i = f as i64;
    (i as f64 == f).then_some(i)
}

fn float_to_uint(f: f64) -> Option<u64> {
    if !(0.0..1.844_674_407_370_955_2e19).contains(&f) && f != 0.0 {
        return None;
    }
    let u = f as u64;
    (u as f64 == f).then_some(u)
}

fn simplify_complex(n: &mut Number) {
    let Some((re, im)) = n.complex else { return };
    if im == 0.0 {
        n.float = Some(re);
        n.int = float_to_int(re);
        n.uint = float_to_uint(re);
    }
}

fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    // The sign that splits the real and imaginary parts (not one after an
    // exponent marker, nor a leading one).
    let bytes = body.as_bytes();
    let split = (1..bytes.len()).rev().find(|&i| {
        (bytes[i] == b'+' || bytes[i] == b'-') && !matches!(bytes[i - 1], b'e' | b'E' | b'p' | b'P')
    })?;
    let re = parse_float(&body[..split])?;
    let im = parse_float(&body[split..])?;
    Some((re, im))
}

/// The base and digits of `text` read in base 0 (`0x`, `0o`, `0b`, a
/// leading `0` for octal).
fn split_base(text: &str) -> (u32, &str) {
    let lower = text.to_ascii_lowercase();
    if lower.len() >= 3 && lower.starts_with("0x") {
        (16, &text[2..])
    } else if lower.len() >= 3 && lower.starts_with("0o") {
        (8, &text[2..])
    } else if lower.len() >= 3 && lower.starts_with("0b") {
        (2, &text[2..])
    } else if text.len() > 1 && text.starts_with('0') {
        (8, &text[1..])
    } else {
        (10, text)
    }
}

/// Go's `underscoreOK`: underscores only separate digits (or follow a base
/// prefix).
fn underscores_ok(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut saw = '^';
    let mut i = 0;
    let mut hex = false;
    if !bytes.is_empty() && (bytes[0] == b'-' || bytes[0] == b'+') {
        i = 1;
    }
    let base_prefixed = bytes.len() - i >= 2
        && bytes[i] == b'0'
        && matches!(bytes[i + 1] | 0x20, b'b' | b'o' | b'x');
    if base_prefixed {
        hex = bytes[i + 1] | 0x20 == b'x';
        i += 2;
        saw = '0';
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()) {
            saw = '0';
        } else if b == b'_' {
            if saw != '0' {
                return false;
            }
            saw = '_';
        } else {
            if saw == '_' {
                return false;
            }
            saw = '!';
        }
        i += 1;
    }
    saw != '_'
}

fn parse_uint(text: &str) -> Option<u64> {
    if text.is_empty() || text.starts_with(['+', '-']) {
        return None;
    }
    let (base, digits) = split_base(text);
    if text.contains('_') && !underscores_ok(text) {
        return None;
    }
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() {
        // "0" alone, or a prefix without digits.
        return (text == "0").then_some(0);
    }
    u64::from_str_radix(&digits, base).ok()
}

fn parse_int(text: &str) -> Option<i64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let u = parse_uint(body)?;
    if negative {
        if u <= 1 << 63 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseFloat(text, 64)` for the forms the lexer lets through:
/// decimal and hexadecimal (`0x1p-2`) mantissas, underscores between digits.
pub fn parse_float(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    if text.contains('_') && !underscores_ok(text) {
        return None;
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (negative, body) = match clean.as_bytes()[0] {
        b'-' => (true, &clean[1..]),
        b'+' => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let value = if body.len() > 2 && body[..2].eq_ignore_ascii_case("0x") {
        parse_hex_float(&body[2..])?
    } else {
        // Rust accepts "inf", "nan" and a few forms Go rejects; the lexer
        // never hands those over (they are not number tokens).
        if !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    Some(if negative { -value } else { value })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => return None,
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars() {
        value = value * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        value += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(value * 2f64.powi(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_like_go() {
        assert_eq!(unquote("\"a\\tb\"").unwrap(), b"a\tb");
        assert_eq!(unquote("`a\\t\rb`").unwrap(), b"a\\tb");
        assert_eq!(unquote("\"\\xff\"").unwrap(), vec![0xff]);
        assert_eq!(unquote("\"\\u00e9\"").unwrap(), "é".as_bytes());
        assert_eq!(unquote("\"\\'\"").unwrap_err(), "invalid syntax");
        assert_eq!(unquote("\"\\q\"").unwrap_err(), "invalid syntax");
    }

    #[test]
    fn numbers_like_go() {
        let n = parse_number(0, "0x1F", ItemType::Number).unwrap();
        assert_eq!((n.int, n.uint, n.float), (Some(31), Some(31), Some(31.0)));
        let n = parse_number(0, "1.5", ItemType::Number).unwrap();
        assert_eq!((n.int, n.float), (None, Some(1.5)));
        let n = parse_number(0, "1e3", ItemType::Number).unwrap();
        assert_eq!((n.int, n.float), (Some(1000), Some(1000.0)));
        let n = parse_number(0, "'a'", ItemType::CharConstant).unwrap();
        assert_eq!(n.int, Some(97));
        assert_eq!(
            parse_number(0, "99999999999999999999", ItemType::Number).unwrap_err(),
            "integer overflow: \"99999999999999999999\""
        );
        assert_eq!(
            parse_number(0, "1_", ItemType::Number).unwrap_err(),
            "illegal number syntax: \"1_\""
        );
        let n = parse_number(0, "0x1p-2", ItemType::Number).unwrap();
        assert_eq!(n.float, Some(0.25));
        let n = parse_number(0, "-0", ItemType::Number).unwrap();
        assert_eq!((n.int, n.uint), (Some(0), Some(0)));
    }
}
