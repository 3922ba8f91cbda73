//! Go's `time.Parse(time.RFC3339, s)`, with its error messages, for flags
//! kubectl reads as RFC 3339 times (`logs --since-time`).

use chrono::{DateTime, NaiveDate, Utc};

const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";

/// Parses `value` as Go parses RFC 3339 (fractional seconds allowed, a
/// `Z` or `±hh:mm` zone required) and returns the instant in UTC, or Go's
/// `ParseError` text (`parsing time "x" as "…": cannot parse "x" as "2006"`).
pub fn parse_rfc3339(value: &str) -> Result<DateTime<Utc>, String> {
    let cannot = |value_elem: &str, layout_elem: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(LAYOUT),
            quote(value_elem),
            quote(layout_elem)
        )
    };
    let out_of_range = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    let mut rest = value;
    // 2006
    let b = rest.as_bytes();
    if b.len() < 4 || !b[0].is_ascii_digit() || !b[..4].iter().all(u8::is_ascii_digit) {
        return Err(cannot(rest, "2006"));
    }
    let year: i32 = rest[..4].parse().map_err(|_| cannot(rest, "2006"))?;
    rest = &rest[4..];
    rest = skip(rest, '-').ok_or_else(|| cannot(rest, "-"))?;
    let month = fixed2(rest).ok_or_else(|| cannot(rest, "01"))?;
    if !(1..=12).contains(&month) {
        return Err(out_of_range("month"));
    }
    rest = &rest[2..];
    rest = skip(rest, '-').ok_or_else(|| cannot(rest, "-"))?;
    let day = fixed2(rest).ok_or_else(|| cannot(rest, "02"))?;
    rest = &rest[2..];
    rest = skip(rest, 'T').ok_or_else(|| cannot(rest, "T"))?;
    // "15" takes one or two digits.
    let (hour, used) = loose2(rest).ok_or_else(|| cannot(rest, "15"))?;
    if hour >= 24 {
        return Err(out_of_range("hour"));
    }
    rest = &rest[used..];
    rest = skip(rest, ':').ok_or_else(|| cannot(rest, ":"))?;
    let minute = fixed2(rest).ok_or_else(|| cannot(rest, "04"))?;
    if minute >= 60 {
        return Err(out_of_range("minute"));
    }
    rest = &rest[2..];
    rest = skip(rest, ':').ok_or_else(|| cannot(rest, ":"))?;
    let second = fixed2(rest).ok_or_else(|| cannot(rest, "05"))?;
    if second >= 60 {
        return Err(out_of_range("second"));
    }
    rest = &rest[2..];
    let mut nanos: u32 = 0;
    let rb = rest.as_bytes();
    if rb.len() >= 2 && (rb[0] == b'.' || rb[0] == b',') && rb[1].is_ascii_digit() {
        let n = 1 + rb[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let digits = &rest[1..n.min(10)];
        let scale = 10u32.pow(9 - digits.len() as u32);
        nanos = digits.parse::<u32>().unwrap_or(0) * scale;
        rest = &rest[n..];
    }
    // Z07:00
    let offset_seconds: i64 = if let Some(after) = rest.strip_prefix('Z') {
        rest = after;
        0
    } else {
        let zb = rest.as_bytes();
        if zb.len() < 6 || zb[3] != b':' {
            return Err(cannot(rest, "Z07:00"));
        }
        let (Some(hh), Some(mm)) = (fixed2(&rest[1..3]), fixed2(&rest[4..6])) else {
            return Err(cannot(rest, "Z07:00"));
        };
        if hh > 24 {
            return Err(out_of_range("time zone offset hour"));
        }
        if mm > 60 {
            return Err(out_of_range("time zone offset minute"));
        }
        let offset = i64::from(hh * 60 + mm) * 60;
        let signed = match zb[0] {
            b'+' => offset,
            b'-' => -offset,
            _ => return Err(cannot(rest, "Z07:00")),
        };
        rest = &rest[6..];
        signed
    };
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value),
            quote(rest)
        ));
    }
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| out_of_range("day"))?;
    let local = date
        .and_hms_nano_opt(hour, minute, second, nanos)
        .ok_or_else(|| out_of_range("second"))?;
    let utc = local.and_utc() - chrono::Duration::seconds(offset_seconds);
    Ok(utc)
}

fn skip(value: &str, c: char) -> Option<&str> {
    value.strip_prefix(c)
}

/// Two digits exactly (Go's `getnum(s, true)`).
fn fixed2(value: &str) -> Option<u32> {
    let b = value.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_digit() || !b[1].is_ascii_digit() {
        return None;
    }
    Some(u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'))
}

/// One or two digits (Go's `getnum(s, false)`), and how many were read.
fn loose2(value: &str) -> Option<(u32, usize)> {
    let b = value.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() {
        return None;
    }
    if b.len() < 2 || !b[1].is_ascii_digit() {
        return Some((u32::from(b[0] - b'0'), 1));
    }
    Some((u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'), 2))
}

/// The time package's own quoting: `"` and `\` escaped, bytes outside
/// printable ASCII as `\xNN`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if (c as u32) < 0x20 || (c as u32) >= 0x80 {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        parse_rfc3339(s).unwrap_err()
    }

    #[test]
    fn parses_zones_and_fractions() {
        let t = parse_rfc3339("2020-01-01T00:00:00.5+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2019-12-31T23:00:00.500+00:00");
        let t = parse_rfc3339("2024-02-29T23:59:59Z").unwrap();
        assert_eq!(t.timestamp(), 1709251199);
    }

    #[test]
    fn go_error_messages() {
        assert_eq!(
            err("garbage"),
            r#"parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006""#
        );
        assert_eq!(
            err("2020-01-01T00:00:00"),
            r#"parsing time "2020-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#
        );
        assert_eq!(
            err("2020-13-01T00:00:00Z"),
            r#"parsing time "2020-13-01T00:00:00Z": month out of range"#
        );
        assert_eq!(
            err("2020-02-30T00:00:00Z"),
            r#"parsing time "2020-02-30T00:00:00Z": day out of range"#
        );
        assert_eq!(
            err("2020-01-01T25:00:00Z"),
            r#"parsing time "2020-01-01T25:00:00Z": hour out of range"#
        );
        assert_eq!(
            err("2020-01-01T00:00:00Zx"),
            r#"parsing time "2020-01-01T00:00:00Zx": extra text: "x""#
        );
        assert_eq!(
            err("2020/01"),
            r#"parsing time "2020/01" as "2006-01-02T15:04:05Z07:00": cannot parse "/01" as "-""#
        );
    }
}
