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

const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const ENV_VAR_NAME_FMT: &str = "[-._a-zA-Z][-._a-zA-Z0-9]*";

/// apimachinery's `RegexError`: the message, examples and the pattern.
fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{re}')"));
    out
}

fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} bytes")
}

fn full_match(pattern: &'static str, cell: &'static OnceLock<Regex>, value: &str) -> bool {
    cell.get_or_init(|| Regex::new(&format!("^(?:{pattern})$")).expect("static regex"))
        .is_match(value)
}

/// `IsDNS1123Subdomain` with its messages.
pub fn dns1123_subdomain_errors(value: &str) -> Vec<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !full_match(DNS1123_SUBDOMAIN_FMT, &RE, value) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsQualifiedName` (a label key): an optional DNS subdomain prefix and
/// `/`, then a name of at most 63 characters.
pub fn qualified_name_errors(value: &str) -> Vec<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63)));
    }
    if !full_match(LABEL_KEY_FMT, &RE, name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `IsValidLabelValue`: empty, or at most 63 characters of the label
/// alphabet.
pub fn label_value_errors(value: &str) -> Vec<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !value.is_empty() && !full_match(LABEL_KEY_FMT, &RE, value) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            &format!("({LABEL_KEY_FMT})?"),
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `IsEnvVarName` with its messages.
pub fn env_var_name_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if !is_env_var_name(value) {
        errs.push(regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
            ENV_VAR_NAME_FMT,
            &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
        ));
    }
    if value == "." {
        errs.push("must not be '.'".to_string());
    } else if value == ".." {
        errs.push("must not be '..'".to_string());
    } else if value.starts_with("..") {
        errs.push("must not start with '..'".to_string());
    }
    errs
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
    fn label_keys_values_and_env_names_in_apimachinery_words() {
        assert!(qualified_name_errors("example.com/my-app").is_empty());
        assert_eq!(
            qualified_name_errors("/b"),
            ["prefix part must be non-empty"]
        );
        assert_eq!(
            qualified_name_errors(&"a".repeat(64)),
            ["name part must be no more than 63 bytes"]
        );
        assert!(qualified_name_errors("a/b/c")[0].starts_with("a valid label key must consist"));
        assert!(qualified_name_errors("A_/b")[0].starts_with("prefix part a lowercase RFC 1123"));
        assert!(label_value_errors("").is_empty());
        assert_eq!(
            label_value_errors("-x"),
            ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]
        );
        assert_eq!(
            env_var_name_errors("../a").last().map(String::as_str),
            Some("must not start with '..'")
        );
        assert!(env_var_name_errors("A_1").is_empty());
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
