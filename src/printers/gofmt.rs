//! Go's `fmt` and `strconv` renderings that leak into kubectl's output:
//! `%v` of decoded JSON values (table cells, JSONPath results,
//! custom-columns), `%#v` (JSONPath error dumps), `%q`/`strconv.Quote`,
//! `encoding/json`'s floats, and apimachinery's human durations (ages).
//!
//! Decoded values are what `encoding/json` or the unstructured decoder
//! produce: maps (printed with sorted keys, as `fmt` does), slices, strings,
//! bools, nil, and numbers — integers are `int64`, everything else `float64`.

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// `fmt.Sprint(v)` for a value decoded from JSON into `interface{}`
/// (integers as int64, other numbers as float64, maps sorted by key).
pub fn sprint(value: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, value);
    out
}

fn write_v(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                // Beyond int64 the decoder falls back to float64.
                out.push_str(&format_float_v(u as f64));
            } else {
                out.push_str(&format_float_v(n.as_f64().unwrap_or(0.0)));
            }
        }
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("map[");
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(':');
                write_v(out, &map[key.as_str()]);
            }
            out.push(']');
        }
    }
}

/// `%v` of a float64: the shortest digits that round-trip, in `%e` form
/// when the decimal exponent is below -4 or at least 6 (`1e+06`, `1e-05`).
pub fn format_float_v(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exp: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// apimachinery's `HumanDuration`: about two significant figures.
pub fn human_duration(seconds_total: i64) -> String {
    if seconds_total < -1 {
        return "<invalid>".into();
    }
    if seconds_total < 0 {
        return "0s".into();
    }
    if seconds_total < 120 {
        return format!("{seconds_total}s");
    }
    let minutes = seconds_total / 60;
    if minutes < 10 {
        let s = seconds_total % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds_total / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// `fmt.Sprintf("%#v", v)` for a value held in an `interface{}`:
/// `map[string]interface {}{"a":"b", "n":[]interface {}{1, 2}}`.
pub fn go_syntax(value: &Value) -> String {
    let mut out = String::new();
    write_go_syntax(&mut out, value, true);
    out
}

fn write_go_syntax(out: &mut String, value: &Value, top: bool) {
    match value {
        // A nil inside a container is a nil `interface {}`.
        Value::Null if top => out.push_str("<nil>"),
        Value::Null => out.push_str("interface {}(nil)"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(&quote(s)),
        Value::Array(items) => {
            out.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_go_syntax(out, item, false);
            }
            out.push('}');
        }
        Value::Object(map) => {
            out.push_str("map[string]interface {}{");
            for (i, (key, item)) in sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quote(key));
                out.push(':');
                write_go_syntax(out, item, false);
            }
            out.push('}');
        }
    }
}

/// Map entries in the order `fmt` and `encoding/json` print them (bytewise).
pub fn sorted_entries(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

/// Whether a JSON number is a Go `int64` (else it is a `float64`).
pub fn as_go_int(n: &Number) -> Option<i64> {
    n.as_i64()
}

/// A number as `%v` prints it: `int64` in decimal, `float64` with `%g`.
pub fn number_v(n: &Number) -> String {
    match as_go_int(n) {
        Some(i) => i.to_string(),
        None => format_float_v(n.as_f64().unwrap_or(0.0)),
    }
}

/// A number as `encoding/json` writes it.
pub fn number_json(n: &Number) -> String {
    match as_go_int(n) {
        Some(i) => i.to_string(),
        None => json_float(n.as_f64().unwrap_or(0.0)),
    }
}

/// `encoding/json`'s float: plain digits in [1e-6, 1e21), else exponent
/// form with `e-7` (not `e-07`) and `e+21`.
pub fn json_float(f: f64) -> String {
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        return format!("{f}");
    }
    let (mantissa, exp) = shortest_scientific(f);
    if exp < 0 {
        format!("{mantissa}e-{}", -exp)
    } else {
        go_exponent(&mantissa, exp, 2)
    }
}

/// Shortest round-trip digits as `d.ddd` and the decimal exponent.
fn shortest_scientific(f: f64) -> (String, i32) {
    let formatted = format!("{f:e}");
    match formatted.split_once('e') {
        Some((mantissa, exp)) => (mantissa.to_string(), exp.parse().unwrap_or(0)),
        None => (formatted, 0),
    }
}

fn go_exponent(mantissa: &str, exp: i32, min_digits: usize) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!(
        "{mantissa}e{sign}{:0>width$}",
        exp.unsigned_abs(),
        width = min_digits
    )
}

/// The text of Go's `syscall.Errno` for an I/O error (`no such file or
/// directory`), as the `Err` of an `*os.PathError` prints.
pub fn errno_text(err: &std::io::Error) -> String {
    match err.raw_os_error() {
        Some(1) => "operation not permitted".to_string(),
        Some(2) => "no such file or directory".to_string(),
        Some(13) => "permission denied".to_string(),
        Some(20) => "not a directory".to_string(),
        Some(21) => "is a directory".to_string(),
        Some(36) => "file name too long".to_string(),
        Some(40) => "too many levels of symbolic links".to_string(),
        _ => {
            let text = err.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

/// `strconv.Quote(s)`, which `%q` and `%#v` use for strings.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_print(c) => out.push(c),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// `fmt.Sprintf("%#U", c)`: `U+007B '{'`, or just `U+0009` when the
/// character is not printable.
pub fn unicode_sharp_u(c: char) -> String {
    if is_print(c) {
        format!("U+{:04X} '{c}'", c as u32)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space. Rust has no Unicode category tables, so above Latin-1 this
/// rejects controls, format characters, separators other than U+0020, private
/// use and noncharacters, and accepts the rest (unassigned code points in use
/// planes count as printable here, where Go would escape them).
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x100 {
        return (0x20..=0x7e).contains(&u) || ((0xa1..=0xff).contains(&u) && u != 0xad);
    }
    const NOT_PRINT: &[(u32, u32)] = &[
        (0x0600, 0x0605),
        (0x061c, 0x061c),
        (0x06dd, 0x06dd),
        (0x070f, 0x070f),
        (0x0890, 0x0891),
        (0x08e2, 0x08e2),
        (0x1680, 0x1680),
        (0x180e, 0x180e),
        (0x2000, 0x200f),
        (0x2028, 0x202f),
        (0x205f, 0x2064),
        (0x2066, 0x206f),
        (0x3000, 0x3000),
        (0xd800, 0xf8ff),
        (0xfdd0, 0xfdef),
        (0xfeff, 0xfeff),
        (0xfff0, 0xfffb),
        (0xfffe, 0xffff),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0000, 0xe00ff),
        (0xe01f0, 0x10ffff),
    ];
    if u & 0xfffe == 0xfffe {
        return false;
    }
    !NOT_PRINT.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sprint_like_go() {
        assert_eq!(sprint(&json!("x")), "x");
        assert_eq!(sprint(&json!(3)), "3");
        assert_eq!(sprint(&json!(true)), "true");
        assert_eq!(sprint(&json!({"b": 1, "a": [1, "x"]})), "map[a:[1 x] b:1]");
        assert_eq!(sprint(&json!(null)), "<nil>");
        assert_eq!(format_float_v(1e6), "1e+06");
        assert_eq!(format_float_v(123456.0), "123456");
        assert_eq!(format_float_v(1234567.0), "1.234567e+06");
        assert_eq!(format_float_v(0.0001), "0.0001");
        assert_eq!(format_float_v(0.00001), "1e-05");
        assert_eq!(format_float_v(1.5), "1.5");
        assert_eq!(format_float_v(1e21), "1e+21");
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(119), "119s");
        assert_eq!(human_duration(125), "2m5s");
        assert_eq!(human_duration(600), "10m");
        assert_eq!(human_duration(3 * 3600 + 60), "3h1m");
        assert_eq!(human_duration(10 * 3600), "10h");
        assert_eq!(human_duration(3 * 86400 + 3600), "3d1h");
        assert_eq!(human_duration(30 * 86400), "30d");
        assert_eq!(human_duration(3 * 365 * 86400 + 86400), "3y1d");
    }

    #[test]
    fn go_syntax_matches_percent_sharp_v() {
        let v = json!({"s": "a\"b\n", "l": [1, {"k": null}], "e": {}, "f": 1234567.0});
        assert_eq!(
            go_syntax(&v),
            "map[string]interface {}{\"e\":map[string]interface {}{}, \"f\":1.234567e+06, \"l\":[]interface {}{1, map[string]interface {}{\"k\":interface {}(nil)}}, \"s\":\"a\\\"b\\n\"}"
        );
    }

    #[test]
    fn floats_like_fmt_and_json() {
        assert_eq!(format_float_v(3.0), "3");
        assert_eq!(format_float_v(123456.0), "123456");
        assert_eq!(format_float_v(1e6), "1e+06");
        assert_eq!(format_float_v(2147483647.0), "2.147483647e+09");
        assert_eq!(format_float_v(0.0001), "0.0001");
        assert_eq!(format_float_v(0.00001), "1e-05");
        assert_eq!(format_float_v(-2.5), "-2.5");
        assert_eq!(json_float(1e6), "1000000");
        assert_eq!(json_float(1.5e-7), "1.5e-7");
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1e-100), "1e-100");
    }

    #[test]
    fn quote_like_strconv() {
        assert_eq!(quote("a\tb\"\\é☃"), "\"a\\tb\\\"\\\\é☃\"");
        assert_eq!(
            quote("\x1b\x7f\u{ad}\u{200b}"),
            "\"\\x1b\\x7f\\u00ad\\u200b\""
        );
        assert_eq!(quote("\u{e0001}"), "\"\\U000e0001\"");
        assert_eq!(unicode_sharp_u('{'), "U+007B '{'");
        assert_eq!(unicode_sharp_u('\t'), "U+0009");
    }
}
