//! The parts of Go's `net/url` and `time` parsing that decide kubectl's
//! configuration errors: is a proxy URL parseable, which scheme does a
//! server address have, is a `--request-timeout` valid.

use std::time::Duration;

/// A URL split the way `url.Parse` does for absolute URLs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoUrl {
    pub scheme: String,
    /// Host and port (empty for opaque URLs such as `localhost:8080`).
    pub host: String,
    pub path: String,
    pub opaque: bool,
}

/// `url.Parse`: `None` where Go returns an error.
pub fn parse(raw: &str) -> Option<GoUrl> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    let (rest, _fragment) = match raw.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (raw, None),
    };
    if !valid_escapes(rest) {
        return None;
    }
    let (scheme, rest) = split_scheme(rest)?;
    let (rest, _query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let mut url = GoUrl {
        scheme: scheme.to_ascii_lowercase(),
        ..GoUrl::default()
    };
    if !scheme.is_empty() && !rest.starts_with('/') {
        url.opaque = true;
        return Some(url);
    }
    if scheme.is_empty() {
        // A relative reference: a colon in the first segment is an error.
        let first = rest.split('/').next().unwrap_or("");
        if first.contains(':') {
            return None;
        }
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if !valid_host(host) {
            return None;
        }
        url.host = host.to_string();
        url.path = after[end..].to_string();
    } else {
        url.path = rest.to_string();
    }
    Some(url)
}

fn valid_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                || !b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Go's `getScheme`: letters first, then letters, digits, `+-.`; a leading
/// colon is "missing protocol scheme".
fn split_scheme(raw: &str) -> Option<(&str, &str)> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' => {
                if i == 0 {
                    return None;
                }
                return Some((&raw[..i], &raw[i + 1..]));
            }
            _ => return Some(("", raw)),
        }
    }
    Some(("", raw))
}

fn valid_host(host: &str) -> bool {
    if let Some(rest) = host.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return false;
        };
        let after = &rest[end + 1..];
        return after.is_empty() || valid_port(after);
    }
    match host.rfind(':') {
        Some(i) => valid_port(&host[i..]),
        None => true,
    }
}

fn valid_port(colon_port: &str) -> bool {
    colon_port
        .strip_prefix(':')
        .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// client-go's `parseProxyURL`.
pub fn parse_proxy_url(raw: &str) -> Result<GoUrl, String> {
    let url = parse(raw).ok_or_else(|| format!("could not parse: {raw}"))?;
    match url.scheme.as_str() {
        "http" | "https" | "socks5" => Ok(url),
        other => Err(format!(
            "unsupported scheme {}, must be http, https, or socks5",
            crate::flags::go_values::go_quote(other)
        )),
    }
}

/// client-go's `ParseTimeout`: whole seconds, or a Go duration (`1m30s`).
/// Zero or negative means no timeout.
pub fn parse_timeout(value: &str) -> Result<Option<Duration>, String> {
    if let Ok(secs) = value.parse::<i64>() {
        if secs >= 0 {
            return Ok((secs > 0).then(|| Duration::from_secs(secs as u64)));
        }
    }
    match parse_go_duration(value) {
        Some(nanos) if nanos > 0 => Ok(Some(Duration::from_nanos(nanos as u64))),
        Some(_) => Ok(None),
        None => Err("Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)".into()),
    }
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_go_duration(s: &str) -> Option<i128> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..num_end];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += number.parse::<f64>().ok()? * scale;
    }
    if total > i64::MAX as f64 {
        return None;
    }
    let nanos = total as i128;
    Some(if negative { -nanos } else { nanos })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls() {
        assert_eq!(
            parse_proxy_url("::bad").unwrap_err(),
            "could not parse: ::bad"
        );
        assert_eq!(
            parse_proxy_url("ftp://x").unwrap_err(),
            "unsupported scheme \"ftp\", must be http, https, or socks5"
        );
        assert_eq!(
            parse_proxy_url("localhost:3128").unwrap_err(),
            "unsupported scheme \"localhost\", must be http, https, or socks5"
        );
        assert!(parse_proxy_url("socks5://127.0.0.1:1080").is_ok());
        assert!(parse_proxy_url("http://x:port").is_err());
    }

    #[test]
    fn servers() {
        let u = parse("https://h:6443/prefix").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str(), u.path.as_str()),
            ("https", "h:6443", "/prefix")
        );
        assert!(parse("localhost:8080").unwrap().opaque);
        assert!(parse("127.0.0.1:6443").is_none());
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("0"), Ok(None));
        assert_eq!(parse_timeout("5"), Ok(Some(Duration::from_secs(5))));
        assert_eq!(parse_timeout("1m30s"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(parse_timeout("1.5s"), Ok(Some(Duration::from_millis(1500))));
        assert!(parse_timeout("5x").is_err());
        assert!(parse_timeout("").is_err());
        assert_eq!(parse_timeout("-1s"), Ok(None));
    }
}
