//! Value parsers that accept what pflag accepts and fail with Go's words, so
//! `--replicas=x` reads `strconv.ParseInt: parsing "x": invalid syntax`.
//!
//! clap wraps these messages; `app::flag_error` rebuilds kubectl's line
//! `invalid argument "x" for "-r, --replicas" flag: …` around them.

/// pflag's bool: what Go's `strconv.ParseBool` accepts.
pub fn go_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {}: invalid syntax",
            go_quote(s)
        )),
    }
}

/// pflag's int32 (`strconv.ParseInt(s, 0, 32)`).
pub fn go_int32(s: &str) -> Result<i32, String> {
    parse_int(s, 32).map(|v| v as i32)
}

/// pflag's int and int64 (`strconv.ParseInt(s, 0, 64)`).
pub fn go_int64(s: &str) -> Result<i64, String> {
    parse_int(s, 64)
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, within int64.
pub fn go_atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// Go's `strconv.ParseInt` with base 0: optional sign, then a `0x`, `0o`,
/// `0b` or leading-`0` (octal) prefix, with `_` allowed between digits.
fn parse_int(s: &str, bits: u32) -> Result<i64, String> {
    let syntax = || format!("strconv.ParseInt: parsing {}: invalid syntax", go_quote(s));
    let range = || {
        format!(
            "strconv.ParseInt: parsing {}: value out of range",
            go_quote(s)
        )
    };
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest.to_string(), true)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest.to_string(), true)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    // A lone leading `0` (octal) may have no further digits; other prefixes need some.
    if digits.is_empty() && (radix != 8 || lower.starts_with("0o")) {
        return Err(syntax());
    }
    // Underscores only between digits, or right after a base prefix.
    if digits.contains('_') {
        let mut prev_digit = prefixed;
        for c in digits.chars() {
            if c == '_' {
                if !prev_digit {
                    return Err(syntax());
                }
                prev_digit = false;
            } else {
                prev_digit = true;
            }
        }
        if !prev_digit {
            return Err(syntax());
        }
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return Ok(0);
    }
    if !clean.chars().all(|c| c.is_digit(radix)) {
        return Err(syntax());
    }
    let magnitude = u128::from_str_radix(&clean, radix).map_err(|_| range())?;
    let limit = 1u128 << (bits - 1);
    if (negative && magnitude > limit) || (!negative && magnitude >= limit) {
        return Err(range());
    }
    let value = magnitude as i128;
    Ok(if negative { -value } else { value } as i64)
}

/// Go's `time.Duration.String()` of `nanos` (`1h2m3.5s`, `250ms`, `0s`).
pub fn go_duration_string(nanos: i64) -> String {
    let neg = nanos < 0;
    let mut u = nanos.unsigned_abs();
    // A fraction of `v / 10^prec` without trailing zeros (nor the point if none).
    let frac = |v: u64, prec: u32| -> (String, u64) {
        let mut digits = String::new();
        let mut v = v;
        let mut printed = false;
        for _ in 0..prec {
            let digit = v % 10;
            printed = printed || digit != 0;
            if printed {
                digits.insert(0, char::from(b'0' + digit as u8));
            }
            v /= 10;
        }
        if printed {
            digits.insert(0, '.');
        }
        (digits, v)
    };
    let mut out = if u == 0 {
        return "0s".to_string();
    } else if u < 1_000_000_000 {
        let (prec, unit) = match u {
            u if u < 1_000 => (0, "ns"),
            u if u < 1_000_000 => (3, "\u{b5}s"),
            _ => (6, "ms"),
        };
        let (f, whole) = frac(u, prec);
        format!("{whole}{f}{unit}")
    } else {
        let (f, secs) = frac(u, 9);
        u = secs;
        let mut text = format!("{}{f}s", u % 60);
        u /= 60;
        if u > 0 {
            text = format!("{}m{text}", u % 60);
            u /= 60;
            if u > 0 {
                text = format!("{u}h{text}");
            }
        }
        text
    };
    if neg {
        out.insert(0, '-');
    }
    out
}

/// pflag's Duration: Go's `time.ParseDuration`, in nanoseconds (`1h30m`,
/// `1.5s`, `-2m`, `0`), with Go's error messages.
pub fn go_duration(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u128 = 1 << 63;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let b = rest.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut value: u128 = 0;
        for c in &b[..int_len] {
            value = value * 10 + u128::from(c - b'0');
            if value > LIMIT {
                return Err(invalid());
            }
        }
        rest = &rest[int_len..];
        let (mut fraction, mut scale, mut post) = (0u128, 1f64, false);
        if let Some(after) = rest.strip_prefix('.') {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in after[..digits].bytes() {
                if overflow {
                    continue;
                }
                let next = fraction * 10 + u128::from(c - b'0');
                if next > LIMIT {
                    overflow = true;
                    continue;
                }
                fraction = next;
                scale *= 10.0;
            }
            post = digits > 0;
            rest = &after[digits..];
        }
        if int_len == 0 && !post {
            return Err(invalid());
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", go_quote(s)));
        }
        let unit_text = &rest[..unit_len];
        let unit: u128 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit_text),
                    go_quote(s)
                ))
            }
        };
        rest = &rest[unit_len..];
        if value > LIMIT / unit {
            return Err(invalid());
        }
        value *= unit;
        if fraction > 0 {
            value += (fraction as f64 * (unit as f64 / scale)) as u128;
            if value > LIMIT {
                return Err(invalid());
            }
        }
        total += value;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((total as i128).wrapping_neg() as i64);
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(total as i64)
}

/// Go's `strconv.Quote` for the strings that show up in flag errors.
pub fn go_quote(s: &str) -> String {
    crate::printers::gofmt::quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        for (nanos, text) in [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5\u{b5}s"),
            (250_000_000, "250ms"),
            (1_000_000_000, "1s"),
            (90_500_000_000, "1m30.5s"),
            (3_723_000_000_001, "1h2m3.000000001s"),
            (-2_000_000_000, "-2s"),
        ] {
            assert_eq!(go_duration_string(nanos), text);
        }
    }

    #[test]
    fn bools_as_go_parses_them() {
        assert_eq!(go_bool("T"), Ok(true));
        assert_eq!(go_bool("False"), Ok(false));
        assert_eq!(
            go_bool("yes"),
            Err("strconv.ParseBool: parsing \"yes\": invalid syntax".into())
        );
    }

    #[test]
    fn ints_with_base_prefixes() {
        assert_eq!(go_int32("0x10"), Ok(16));
        assert_eq!(go_int32("010"), Ok(8));
        assert_eq!(go_int32("0b11"), Ok(3));
        assert_eq!(go_int32("-1_000"), Ok(-1000));
        assert_eq!(go_int32("+7"), Ok(7));
        assert_eq!(go_int32("0"), Ok(0));
        assert_eq!(go_int32("2147483647"), Ok(i32::MAX));
        assert_eq!(go_int32("-2147483648"), Ok(i32::MIN));
    }

    #[test]
    fn durations_as_go_prints_them() {
        for (nanos, text) in [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (1_500_000, "1.5ms"),
            (5_000_000_000, "5s"),
            (90_000_000_000, "1m30s"),
            (7_200_000_000_000, "2h0m0s"),
            (1_500_000_000, "1.5s"),
            (-20_000_000_000, "-20s"),
            (i64::MAX, "2562047h47m16.854775807s"),
        ] {
            assert_eq!(go_duration_string(nanos), text);
        }
    }

    #[test]
    fn durations_as_go_parses_them() {
        assert_eq!(go_duration("0"), Ok(0));
        assert_eq!(go_duration("1s"), Ok(1_000_000_000));
        assert_eq!(go_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(go_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(go_duration(".5ms"), Ok(500_000));
        assert_eq!(go_duration("-2m"), Ok(-120_000_000_000));
        assert_eq!(
            go_duration("5"),
            Err("time: missing unit in duration \"5\"".into())
        );
        assert_eq!(
            go_duration("5x"),
            Err("time: unknown unit \"x\" in duration \"5x\"".into())
        );
        assert_eq!(go_duration(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(go_duration("s"), Err("time: invalid duration \"s\"".into()));
        assert!(go_duration("9999999999h").is_err());
    }

    #[test]
    fn int_errors_in_go_words() {
        assert_eq!(
            go_int32("x"),
            Err("strconv.ParseInt: parsing \"x\": invalid syntax".into())
        );
        assert_eq!(
            go_int32("99999999999"),
            Err("strconv.ParseInt: parsing \"99999999999\": value out of range".into())
        );
        assert_eq!(
            go_int32("2147483648"),
            Err("strconv.ParseInt: parsing \"2147483648\": value out of range".into())
        );
        assert!(go_int32("").is_err());
        assert!(go_int32("1__0").is_err());
        assert!(go_int32("0x").is_err());
        assert!(go_int64("1.5").is_err());
    }
}

/// One occurrence of a pflag StringSlice flag (`--image a,b`): the value
/// read as one CSV record, so `"a,b"` in quotes stays one item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringSlice(pub Vec<String>);

/// Flattens every occurrence of a StringSlice flag into its items.
pub fn string_slice_items(values: &[StringSlice]) -> Vec<String> {
    values.iter().flat_map(|v| v.0.iter().cloned()).collect()
}

/// pflag's StringSlice parsing: empty → no items; otherwise the first record
/// of Go's `encoding/csv` reader, with its error messages.
pub fn go_string_slice(s: &str) -> Result<StringSlice, String> {
    if s.is_empty() {
        return Ok(StringSlice(Vec::new()));
    }
    csv_first_record(s).map(StringSlice)
}

/// Go's `csv.Reader.Read` with default settings, for the first record only.
fn csv_first_record(input: &str) -> Result<Vec<String>, String> {
    // Lines keep their '\n'; "\r\n" counts as '\n' and a '\r' right before
    // the end of input is dropped, as Go's reader does.
    let lines: Vec<String> = input
        .split_inclusive('\n')
        .map(|l| {
            if let Some(body) = l.strip_suffix("\r\n") {
                format!("{body}\n")
            } else if !l.ends_with('\n') && l.ends_with('\r') {
                l[..l.len() - 1].to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    // Empty lines before the record are skipped.
    let Some(mut index) = lines.iter().position(|l| l != "\n") else {
        return Err("EOF".to_string());
    };
    let record_line = index + 1;
    let error = |line: usize, col: usize, what: &str| -> String {
        if line != record_line {
            format!(
                "record on line {record_line}; parse error on line {line}, column {col}: {what}"
            )
        } else {
            format!("parse error on line {line}, column {col}: {what}")
        }
    };
    const BARE: &str = "bare \" in non-quoted-field";
    const QUOTE: &str = "extraneous or missing \" in quoted-field";
    let mut fields = Vec::new();
    let mut col = 1usize;
    let mut rest: &str = &lines[index];
    loop {
        if !rest.starts_with('"') {
            let end = rest.find(',');
            let field = match end {
                Some(i) => &rest[..i],
                None => rest.strip_suffix('\n').unwrap_or(rest),
            };
            if let Some(j) = field.find('"') {
                return Err(error(index + 1, col + j, BARE));
            }
            fields.push(field.to_string());
            match end {
                Some(i) => {
                    rest = &rest[i + 1..];
                    col += i + 1;
                    continue;
                }
                None => return Ok(fields),
            }
        }
        // A quoted field, possibly running over several lines.
        let mut field = String::new();
        rest = &rest[1..];
        col += 1;
        loop {
            if let Some(i) = rest.find('"') {
                field.push_str(&rest[..i]);
                rest = &rest[i + 1..];
                col += i + 1;
                if let Some(after) = rest.strip_prefix('"') {
                    field.push('"');
                    rest = after;
                    col += 1;
                } else if let Some(after) = rest.strip_prefix(',') {
                    rest = after;
                    col += 1;
                    fields.push(field);
                    break;
                } else if rest.is_empty() || rest == "\n" {
                    fields.push(field);
                    return Ok(fields);
                } else {
                    return Err(error(index + 1, col - 1, QUOTE));
                }
            } else if !rest.is_empty() {
                field.push_str(rest);
                col += rest.len();
                if index + 1 < lines.len() {
                    index += 1;
                    col = 1;
                    rest = &lines[index];
                } else {
                    rest = "";
                }
            } else {
                return Err(error(index + 1, col, QUOTE));
            }
        }
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    fn items(s: &str) -> Result<Vec<String>, String> {
        go_string_slice(s).map(|v| v.0)
    }

    #[test]
    fn records_as_go_reads_them() {
        assert_eq!(items(""), Ok(vec![]));
        assert_eq!(items("a,b"), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(items(","), Ok(vec!["".into(), "".into()]));
        assert_eq!(items("\"a,b\",c"), Ok(vec!["a,b".into(), "c".into()]));
        assert_eq!(items("\"a\"\"b\""), Ok(vec!["a\"b".into()]));
        assert_eq!(items("a\nb"), Ok(vec!["a".into()]));
        assert_eq!(items("\n\na"), Ok(vec!["a".into()]));
        assert_eq!(items("\"a\nb\""), Ok(vec!["a\nb".into()]));
        assert_eq!(items("\n"), Err("EOF".into()));
    }

    #[test]
    fn errors_as_go_words_them() {
        assert_eq!(
            items("a\"b"),
            Err("parse error on line 1, column 2: bare \" in non-quoted-field".into())
        );
        assert_eq!(
            items("x,\"a\"b"),
            Err("parse error on line 1, column 5: extraneous or missing \" in quoted-field".into())
        );
        assert_eq!(
            items("\"abc"),
            Err("parse error on line 1, column 5: extraneous or missing \" in quoted-field".into())
        );
        assert_eq!(
            items("\"a\nbc"),
            Err("record on line 1; parse error on line 2, column 3: extraneous or missing \" in quoted-field".into())
        );
    }
}

/// One occurrence of a `mapStringString` flag (`--aggregation-rule
/// a=b,c=d`): its pairs, keys and values trimmed; later pairs win.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringPairs(pub Vec<(String, String)>);

/// component-base's `MapStringString.Set`: comma-separated `key=value`
/// pairs, empty items skipped.
pub fn go_map_string_string(s: &str) -> Result<StringPairs, String> {
    let mut pairs = Vec::new();
    for item in s.split(',').filter(|i| !i.is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return Err("malformed pair, expect string=string".to_string());
        };
        pairs.push((k.trim().to_string(), v.trim().to_string()));
    }
    Ok(StringPairs(pairs))
}

/// Every occurrence of a `mapStringString` flag merged into one map.
pub fn string_pairs_map(values: &[StringPairs]) -> std::collections::BTreeMap<String, String> {
    values.iter().flat_map(|p| p.0.iter().cloned()).collect()
}

/// One occurrence of a pflag `stringToString` flag (`--env A=1,B=2`):
/// one pair is taken whole (quotes trimmed), several are read as a CSV
/// record; each must hold a `=`.
pub fn go_string_to_string(s: &str) -> Result<StringPairs, String> {
    let items = match s.matches('=').count() {
        0 => return Err(format!("{s} must be formatted as key=value")),
        1 => vec![s.trim_matches('"').to_string()],
        _ => csv_first_record(s)?,
    };
    let mut pairs = Vec::new();
    for item in items {
        let Some((k, v)) = item.split_once('=') else {
            return Err(format!("{item} must be formatted as key=value"));
        };
        pairs.push((k.to_string(), v.to_string()));
    }
    Ok(StringPairs(pairs))
}

#[cfg(test)]
mod string_to_string_tests {
    use super::*;

    #[test]
    fn pairs_as_pflag_reads_them() {
        let pairs = |s: &str| go_string_to_string(s).map(|p| p.0);
        assert_eq!(pairs("a=b=c"), Ok(vec![("a".into(), "b=c".into())]));
        assert_eq!(pairs("\"a=b\""), Ok(vec![("a".into(), "b".into())]));
        assert_eq!(
            pairs("a=1,b=2"),
            Ok(vec![("a".into(), "1".into()), ("b".into(), "2".into())])
        );
        assert_eq!(pairs("x"), Err("x must be formatted as key=value".into()));
        assert_eq!(pairs("a=1,b"), Ok(vec![("a".into(), "1,b".into())]));
        assert_eq!(
            pairs("a=1,b,c=2"),
            Err("b must be formatted as key=value".into())
        );
    }
}
