//! go-yaml v2's scalar resolution: the YAML 1.1 type of a plain scalar's
//! text, checked against an explicit tag.

use super::decoder::Go;
use crate::kubeconfig::base64;

const STR_TAG: &str = "tag:yaml.org,2002:str";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
pub(super) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

pub(super) fn scalar(value: &str, tag: &str, implicit: bool) -> Result<Go, String> {
    if tag.is_empty() && !implicit {
        return Ok(Go::Str(value.to_string()));
    }
    let (rtag, resolved) = resolve(tag, value)?;
    if rtag == BINARY_TAG {
        let data = base64::decode_std(value.as_bytes())
            .map_err(|_| "yaml: !!binary value contains invalid base64 data".to_string())?;
        return Ok(Go::Str(String::from_utf8_lossy(&data).into_owned()));
    }
    if rtag == TIMESTAMP_TAG {
        // go-yaml keeps timestamps as text when decoding into interface{}.
        return Ok(Go::Str(value.to_string()));
    }
    Ok(resolved)
}

fn resolvable(tag: &str) -> bool {
    matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | TIMESTAMP_TAG
    )
}

/// go-yaml v2's `resolve`: the type a plain scalar's text denotes (YAML 1.1),
/// checked against an explicit tag.
fn resolve(tag: &str, input: &str) -> Result<(String, Go), String> {
    if !resolvable(tag) {
        return Ok((tag.to_string(), Go::Str(input.to_string())));
    }
    let (rtag, value) = resolve_untagged(tag, input);
    if tag.is_empty() || tag == rtag || tag == STR_TAG || tag == BINARY_TAG {
        return Ok((rtag.to_string(), value));
    }
    if tag == FLOAT_TAG && rtag == INT_TAG {
        if let Go::Int(i) = value {
            return Ok((FLOAT_TAG.to_string(), Go::Float(i as f64)));
        }
    }
    Err(format!(
        "yaml: cannot decode {} `{}` as a {}",
        short_tag(rtag),
        input,
        short_tag(tag)
    ))
}

fn resolve_untagged(tag: &str, input: &str) -> (&'static str, Go) {
    let hint = match input.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 || tag == STR_TAG || tag == BINARY_TAG {
        return (STR_TAG, Go::Str(input.to_string()));
    }
    if let Some(found) = resolve_word(input) {
        return found;
    }
    match hint {
        b'.' => {
            if let Some(f) = go_parse_float(input) {
                return (FLOAT_TAG, Go::Float(f));
            }
        }
        b'D' | b'S' => {
            if (tag.is_empty() || tag == TIMESTAMP_TAG) && looks_like_timestamp(input) {
                return (TIMESTAMP_TAG, Go::Str(input.to_string()));
            }
            let plain = input.replace('_', "");
            if let Some(i) = go_parse_int(&plain) {
                return (INT_TAG, Go::Int(i));
            }
            if let Some(u) = go_parse_uint(&plain) {
                return (INT_TAG, Go::Uint(u));
            }
            if yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return (FLOAT_TAG, Go::Float(f));
                }
            }
        }
        _ => {}
    }
    (STR_TAG, Go::Str(input.to_string()))
}

/// The words YAML 1.1 gives a meaning (booleans, nulls, special floats, `<<`).
fn resolve_word(input: &str) -> Option<(&'static str, Go)> {
    Some(match input {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (BOOL_TAG, Go::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (BOOL_TAG, Go::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => (NULL_TAG, Go::Nil),
        ".nan" | ".NaN" | ".NAN" => (FLOAT_TAG, Go::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            (FLOAT_TAG, Go::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => (FLOAT_TAG, Go::Float(f64::NEG_INFINITY)),
        "<<" => (MERGE_TAG, Go::Str("<<".into())),
        _ => return None,
    })
}

/// go-yaml's timestamp pre-check plus the shapes it accepts (date, or date
/// and time): `2001-12-14`, `2001-12-14t21:59:43.10Z`, `2001-12-14 21:59:43`.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let (date, time) = match rest.find(['T', 't', ' ']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut parts = date.split('-');
    let month_day = (parts.next(), parts.next(), parts.next());
    let date_ok = match month_day {
        (Some(m), Some(d), None) => {
            (1..=2).contains(&m.len())
                && (1..=2).contains(&d.len())
                && m.bytes().chain(d.bytes()).all(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    date_ok
        && time.is_none_or(|t| {
            let mut hms = t.splitn(3, ':');
            let h = hms.next().unwrap_or("");
            let m = hms.next().unwrap_or("");
            !h.is_empty()
                && h.len() <= 2
                && h.bytes().all(|c| c.is_ascii_digit())
                && !m.is_empty()
                && hms.next().is_some()
        })
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// strconv.ParseFloat for decimal text: overflow to infinity is an error.
fn go_parse_float(s: &str) -> Option<f64> {
    let valid = s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !valid {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Splits Go's base prefix (base 0): `0x`, `0o`, `0b`, a leading `0` (octal).
fn go_base_digits(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return (16, &s[2..]),
            b'o' | b'O' => return (8, &s[2..]),
            b'b' | b'B' => return (2, &s[2..]),
            _ => return (8, &s[1..]),
        }
    }
    (10, s)
}

/// strconv.ParseUint(s, 0, 64): no sign.
fn go_parse_uint(s: &str) -> Option<u64> {
    let (base, digits) = go_base_digits(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    u64::from_str_radix(digits, base).ok()
}

/// strconv.ParseInt(s, 0, 64).
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(body)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}
