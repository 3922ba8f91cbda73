//! The client-side checks kubectl's generators make, with the messages
//! kubectl prints (apimachinery's validation helpers, strconv's errors).

use std::sync::OnceLock;

use regex::Regex;

use crate::flags::go_values::go_quote;

/// DNS-1123 subdomain: lower-case labels joined by dots, at most 253 bytes.
pub fn is_dns1123_subdomain(value: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
            .expect("static regex")
    });
    value.len() <= 253 && re.is_match(value)
}

/// IANA service (port) names; every rule that fails adds its message.
pub fn port_name_errors(port: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if port.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    if port.is_empty()
        || !port
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !port.bytes().any(|b| b.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if port.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if port.starts_with('-') || port.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

/// A port number must be 1..=65535.
pub fn port_num_errors(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec!["must be between 1 and 65535, inclusive".to_string()]
    }
}

/// C identifier-like names plus `-` and `.`, as env var names must be.
pub fn is_env_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let ok_first = |b: u8| b == b'-' || b == b'.' || b == b'_' || b.is_ascii_alphabetic();
    match bytes.next() {
        Some(b) if ok_first(b) => bytes.all(|b| ok_first(b) || b.is_ascii_digit()),
        _ => false,
    }
}

/// The container image reference grammar (name, optional tag, optional
/// digest) that `kubectl run` checks images against.
pub fn is_image_reference(image: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        let alnum = "[a-z0-9]+";
        let separator = "(?:[._]|__|[-]+)";
        let component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        let domain_name = format!(r"{component}(?:\.{component})*");
        let host = format!(r"(?:{domain_name}|\[(?:[a-fA-F0-9:]+)\])");
        let domain_and_port = format!("{host}(?::[0-9]+)?");
        let path_component = format!("{alnum}(?:{separator}{alnum})*");
        let remote_name = format!("{path_component}(?:/{path_component})*");
        let name = format!("(?:{domain_and_port}/)?{remote_name}");
        let tag = r"[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
        let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}";
        Regex::new(&format!("^({name})(?::({tag}))?(?:@({digest}))?$")).expect("static regex")
    });
    re.is_match(image)
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, within int64.
pub fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// Go's `strconv.ParseUint(s, 10, 16)`, with its error text: digits are read
/// left to right, so an overflow is reported before a later bad character.
pub fn parse_port_number(s: &str) -> Result<u16, String> {
    let syntax = || format!("strconv.ParseUint: parsing {}: invalid syntax", go_quote(s));
    let range = || {
        format!(
            "strconv.ParseUint: parsing {}: value out of range",
            go_quote(s)
        )
    };
    if s.is_empty() {
        return Err(syntax());
    }
    let mut n: u32 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return Err(syntax());
        }
        n = n * 10 + u32::from(b - b'0');
        if n > u32::from(u16::MAX) {
            return Err(range());
        }
    }
    Ok(n as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains() {
        assert!(is_dns1123_subdomain("a.b-c.d"));
        assert!(!is_dns1123_subdomain("A.b"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(!is_dns1123_subdomain("-a"));
        assert!(!is_dns1123_subdomain(""));
        assert!(!is_dns1123_subdomain(&"a".repeat(254)));
    }

    #[test]
    fn port_names() {
        assert!(port_name_errors("http").is_empty());
        assert_eq!(
            port_name_errors(""),
            [
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)"
            ]
        );
        assert_eq!(
            port_name_errors("a--b"),
            ["must not contain consecutive hyphens"]
        );
        assert_eq!(
            port_name_errors("-a"),
            ["must not begin or end with a hyphen"]
        );
        assert_eq!(
            port_name_errors(&"a".repeat(16)),
            ["must be no more than 15 characters"]
        );
    }

    #[test]
    fn images() {
        for ok in [
            "nginx",
            "nginx:1.25",
            "registry.io:5000/team/app:v1",
            "localhost/x@sha256:0123456789abcdef0123456789abcdef",
            "a__b",
            "[::1]:5000/x",
        ] {
            assert!(is_image_reference(ok), "{ok}");
        }
        for bad in ["UPPER", "", "a:", "a@sha256:12", "a//b", "-a", "a:-x"] {
            assert!(!is_image_reference(bad), "{bad}");
        }
    }

    #[test]
    fn numbers_as_go_reads_them() {
        assert_eq!(go_atoi("+80"), Some(80));
        assert_eq!(go_atoi("-1"), Some(-1));
        assert_eq!(go_atoi("0x10"), None);
        assert_eq!(go_atoi(""), None);
        assert_eq!(go_atoi("99999999999999999999"), None);
        assert_eq!(parse_port_number("80"), Ok(80));
        assert_eq!(
            parse_port_number("99999x").unwrap_err(),
            "strconv.ParseUint: parsing \"99999x\": value out of range"
        );
        assert_eq!(
            parse_port_number("+1").unwrap_err(),
            "strconv.ParseUint: parsing \"+1\": invalid syntax"
        );
    }

    #[test]
    fn env_names() {
        assert!(is_env_var_name("A_1"));
        assert!(is_env_var_name("-.x"));
        assert!(!is_env_var_name("1A"));
        assert!(!is_env_var_name("A B"));
        assert!(!is_env_var_name(""));
    }
}
