//! What an unquoted scalar would mean to a YAML reader, as go-yaml v2 (YAML
//! 1.1) and kyaml decide it. The YAML printer quotes a string exactly when
//! go-yaml would read it back as something else; kyaml quotes map keys by
//! its own, broader test. Both lean on Go's `strconv` and `time` parsers, so
//! the syntax those accept is reproduced here (only whether they succeed
//! matters, never the value).

/// go-yaml v2's encoder writes a string plain only when reading it back
/// plain gives the same string, and it is not a YAML 1.1 base-60 number.
pub fn plain_is_string(s: &str) -> bool {
    resolves_to_string(s) && !is_base60_float(s)
}

/// go-yaml v2's implicit resolution of a plain scalar: true when it stays a
/// string (not null, bool, int, float, timestamp).
pub fn resolves_to_string(s: &str) -> bool {
    let hint = match s.as_bytes().first() {
        None => return false, // the empty scalar is null
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return true,
    };
    if is_yaml11_word(s) {
        return false;
    }
    match hint {
        b'.' => !go_parse_float_ok(s),
        b'S' | b'D' => {
            if is_timestamp(s) {
                return false;
            }
            let plain = without_underscores(s);
            let plain = plain.as_ref();
            if go_parse_int(plain, 0).is_some() || go_parse_uint(plain, 0).is_some() {
                return false;
            }
            if is_yaml_style_float(plain) && go_parse_float_ok(plain) {
                return false;
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                if go_parse_int(rest, 2).is_some() || go_parse_uint(rest, 2).is_some() {
                    return false;
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if go_parse_int(&format!("-{rest}"), 2).is_some() {
                    return false;
                }
            }
            true
        }
        _ => true,
    }
}

/// The words go-yaml v2 resolves by table: booleans, nulls, infinities, NaN.
fn is_yaml11_word(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

fn without_underscores(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('_') {
        std::borrow::Cow::Owned(s.replace('_', ""))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// go-yaml v2's base-60 test, `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
pub fn is_base60_float(s: &str) -> bool {
    sexagesimal(s, b'0')
}

/// Sexagesimal numbers; `first_min` is the lowest allowed first digit.
fn sexagesimal(s: &str, first_min: u8) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    match b.get(i) {
        Some(&c) if c >= first_min && c <= b'9' => i += 1,
        _ => return false,
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: one digit, or two with the first at most 5.
        match (b.get(i), b.get(i + 1)) {
            (Some(d0 @ b'0'..=b'5'), Some(b'0'..=b'9')) => {
                let _ = d0;
                i += 2
            }
            (Some(b'0'..=b'9'), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// kyaml's test for a map key that must be quoted because a YAML reader
/// could take it for something other than a string.
pub fn kyaml_is_type_ambiguous(s: &str) -> bool {
    // Go lower-cases with `strings.ToLower`; no non-ASCII text lower-cases
    // to one of these words, so an ASCII comparison is the same.
    let word_in = |words: &[&str]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if word_in(&[
        "null", "~", "", "true", "y", "yes", "on", "false", "n", "no", "off",
    ]) {
        return true;
    }
    if matches!(
        s,
        "1" | "t" | "T" | "true" | "TRUE" | "True" | "0" | "f" | "F" | "false" | "FALSE" | "False"
    ) {
        return true;
    }
    let plain = without_underscores(s);
    if go_parse_int(&plain, 0).is_some() || go_parse_float_ok(&plain) {
        return true;
    }
    if sexagesimal(s, b'1') {
        return true;
    }
    if word_in(&[".inf", "-.inf", "+.inf", ".nan"]) {
        return true;
    }
    is_timestamp(s)
}

/// `strconv.ParseUint(s, base, 64)` succeeds (no underscores: callers strip
/// them). Base 0 takes `0x`, `0o`, `0b` prefixes and a leading `0` as octal.
pub fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        if b[0] == b'0' {
            match b.get(1).map(u8::to_ascii_lowercase) {
                Some(b'b') if b.len() >= 3 => (2, &b[2..]),
                Some(b'o') if b.len() >= 3 => (8, &b[2..]),
                Some(b'x') if b.len() >= 3 => (16, &b[2..]),
                _ => (8, &b[1..]),
            }
        } else {
            (10, b)
        }
    } else {
        (base, b)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'a'..=b'z' | b'A'..=b'Z' => (c.to_ascii_lowercase() - b'a') as u32 + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    Some(n)
}

/// `strconv.ParseInt(s, base, 64)` succeeds.
pub fn go_parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint(rest, base)?;
    if neg {
        if u > 1 << 63 {
            None
        } else {
            Some((u as i64).wrapping_neg())
        }
    } else if u >= 1 << 63 {
        None
    } else {
        Some(u as i64)
    }
}

/// `strconv.ParseFloat(s, 64)` succeeds: decimal or hexadecimal syntax
/// (with Go's underscore rules), `inf`/`infinity`/`nan`, and a finite result.
pub fn go_parse_float_ok(s: &str) -> bool {
    if is_go_float_special(s) {
        return true;
    }
    let b = s.as_bytes();
    let mut i = 0;
    let mut underscores = false;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let hex = i + 2 < b.len() && b[i] == b'0' && b[i + 1].eq_ignore_ascii_case(&b'x');
    if hex {
        i += 2;
    }
    let mut saw_dot = false;
    let mut saw_digits = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                break;
            }
            saw_dot = true;
        } else if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw_digits = true;
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    let exp_char = if hex { b'p' } else { b'e' };
    if i < b.len() && b[i].to_ascii_lowercase() == exp_char {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            return false;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            underscores |= b[i] == b'_';
            i += 1;
        }
    } else if hex {
        return false;
    }
    if underscores && !go_underscore_ok(&s[..i]) {
        return false;
    }
    if i != b.len() {
        return false;
    }
    // Syntax is fine; out of range is the only error left.
    let clean = without_underscores(s);
    if hex {
        hex_float_is_finite(&clean)
    } else {
        clean.parse::<f64>().is_ok_and(f64::is_finite)
    }
}

/// `[+-]?(inf|infinity)` or `nan`, any case.
fn is_go_float_special(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']);
    let word = unsigned.unwrap_or(s);
    if word.eq_ignore_ascii_case("inf") || word.eq_ignore_ascii_case("infinity") {
        return true;
    }
    unsigned.is_none() && s.eq_ignore_ascii_case("nan")
}

/// A syntactically valid hexadecimal float (`0x1.8p3`) is finite.
fn hex_float_is_finite(s: &str) -> bool {
    let s = s.trim_start_matches(['+', '-']);
    let s = &s[2..];
    let (mantissa, exp) = s.split_once(['p', 'P']).unwrap_or((s, "0"));
    let exp: i64 = exp.parse().unwrap_or(i64::MAX);
    let mut value = 0f64;
    let mut scale = 0i64;
    let mut after_dot = false;
    for c in mantissa.chars() {
        if c == '.' {
            after_dot = true;
            continue;
        }
        let d = c.to_digit(16).unwrap_or(0) as f64;
        value = value * 16.0 + d;
        if after_dot {
            scale -= 4;
        }
    }
    if value == 0.0 {
        return true;
    }
    let e = exp.saturating_add(scale).clamp(-5000, 5000) as i32;
    (value * 2f64.powi(e)).is_finite()
}

/// Go's rule for `_` in number literals: only between digits (a base
/// prefix counts as a digit).
fn go_underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if matches!(b.first(), Some(b'+' | b'-')) {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// go-yaml v2's timestamp test: `time.Parse` with one of
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
/// `2006-1-2 15:4:5.999999999` or `2006-1-2`.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let Some((year, month, day, rest)) = parse_date(b) else {
        return false;
    };
    if day < 1 || day > days_in(month, year) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    match rest[0] {
        b'T' | b't' => parse_clock(&rest[1..]).is_some_and(parse_zone),
        b' ' => {
            let start = rest.iter().position(|&c| c != b' ').unwrap_or(rest.len());
            parse_clock(&rest[start..]).is_some_and(|r| r.is_empty())
        }
        _ => false,
    }
}

/// `2006-1-2`: year, month and day, and what follows.
fn parse_date(b: &[u8]) -> Option<(u32, u32, u32, &[u8])> {
    let year = b[..4].iter().fold(0u32, |n, d| n * 10 + (d - b'0') as u32);
    let (month, rest) = go_getnum(&b[5..])?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = go_getnum(rest)?;
    Some((year, month, day, rest))
}

/// `15:4:5.999999999`: hour, minute, second and an optional fraction (a
/// comma or a period and any number of digits). Returns what follows.
fn parse_clock(b: &[u8]) -> Option<&[u8]> {
    let (hour, rest) = go_getnum(b)?;
    let rest = rest.strip_prefix(b":")?;
    let (minute, rest) = go_getnum(rest)?;
    let rest = rest.strip_prefix(b":")?;
    let (second, mut rest) = go_getnum(rest)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && rest[1].is_ascii_digit() {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[1 + digits..];
    }
    Some(rest)
}

/// `Z07:00`: `Z`, or `±hh:mm` with hours up to 24 and minutes up to 60.
fn parse_zone(b: &[u8]) -> bool {
    if b == b"Z" {
        return true;
    }
    if b.len() != 6 || b[3] != b':' || !matches!(b[0], b'+' | b'-') {
        return false;
    }
    let two = |d: &[u8]| {
        (d[0].is_ascii_digit() && d[1].is_ascii_digit())
            .then(|| (d[0] - b'0') as u32 * 10 + (d[1] - b'0') as u32)
    };
    matches!((two(&b[1..3]), two(&b[4..6])), (Some(h), Some(m)) if h <= 24 && m <= 60)
}

/// Go's `getnum(s, false)`: one or two digits.
fn go_getnum(b: &[u8]) -> Option<(u32, &[u8])> {
    let d0 = *b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1) {
        Some(&d1) if d1.is_ascii_digit() => {
            Some(((d0 - b'0') as u32 * 10 + (d1 - b'0') as u32, &b[2..]))
        }
        _ => Some(((d0 - b'0') as u32, &b[1..])),
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_words_and_numbers_are_not_strings() {
        for s in [
            "",
            "y",
            "Yes",
            "ON",
            "off",
            "~",
            "null",
            "NULL",
            ".inf",
            "-.Inf",
            ".NaN",
            "1",
            "-1",
            "+1",
            "012",
            "0x1F",
            "0X1f",
            "0o17",
            "0b101",
            "0b+101",
            "-0b1",
            "1_000",
            "1e3",
            "1.5",
            "+.5",
            ".5",
            ".5_0",
            "1.",
            "1_e5",
            "99999999999999999999",
            "18446744073709551615",
            "2001-12-14",
            "2001-1-1 1:2:3",
            "2001-1-1t1:2:3.5+01:00",
            "09",
            "1e+21",
        ] {
            assert!(!plain_is_string(s), "{s:?} should need quotes");
        }
    }

    #[test]
    fn other_text_stays_a_string() {
        for s in [
            "yES",
            "nO",
            "On1",
            "tRUE",
            "<<",
            "1e400",
            "0x",
            "._5",
            ".",
            "-",
            "+",
            "2001-02-30",
            "2001-1-1T24:00:00Z",
            "2001-1-1 ",
            "1.2.3",
            "0b",
            "0x1p3",
            "inf",
            "nan",
            "12e",
            "1-2",
            "a1",
            "_1",
        ] {
            assert!(plain_is_string(s), "{s:?} should stay plain");
        }
    }

    #[test]
    fn base60_numbers_are_quoted() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-1_0:59:00.5"));
        assert!(is_base60_float("0:1"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("1:"));
        assert!(!is_base60_float("a:1"));
        assert!(!plain_is_string("190:20:30"));
    }

    #[test]
    fn kyaml_ambiguity() {
        for s in [
            "",
            "Null",
            "TRUE",
            "yes",
            "t",
            "1",
            "0x1F",
            "1_0",
            "1e5",
            "inf",
            "Infinity",
            "NaN",
            "0x1p3",
            "11:00",
            ".inf",
            "2001-01-01",
            "99999999999999999999",
        ] {
            assert!(kyaml_is_type_ambiguous(s), "{s:?}");
        }
        for s in ["a", "0:30", "1e400", "yess", "abc-def"] {
            assert!(!kyaml_is_type_ambiguous(s), "{s:?}");
        }
    }

    #[test]
    fn go_number_syntax() {
        assert_eq!(go_parse_int("-9223372036854775808", 0), Some(i64::MIN));
        assert_eq!(go_parse_int("9223372036854775808", 0), None);
        assert_eq!(go_parse_uint("0", 0), Some(0));
        assert_eq!(go_parse_uint("0b", 0), None);
        assert!(go_parse_float_ok("1_000.5"));
        assert!(!go_parse_float_ok("1__0.5"));
        assert!(!go_parse_float_ok("_1.5"));
        assert!(go_parse_float_ok("0x1.8p3"));
        assert!(!go_parse_float_ok("0x1.8"));
        assert!(!go_parse_float_ok("+nan"));
        assert!(go_parse_float_ok("-Infinity"));
        assert!(!go_parse_float_ok("infin"));
        assert!(go_parse_float_ok("1e-400"));
        assert!(!go_parse_float_ok("1e400"));
    }
}
