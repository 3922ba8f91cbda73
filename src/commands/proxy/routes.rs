//! Which handler answers a request, as kubectl's proxy decides it: Go's
//! `ServeMux` (clean paths, longest prefix, the trailing-slash redirect),
//! the API prefix stripped unless it starts with `/api`, and the request
//! filter (reject paths and methods, accept paths and hosts).

use regex::Regex;

/// kubectl's defaults for the filter flags.
pub const DEFAULT_ACCEPT_HOSTS: &str = r"^localhost$,^127\.0\.0\.1$,^\[::1\]$";
pub const DEFAULT_ACCEPT_PATHS: &str = "^.*";
pub const DEFAULT_REJECT_PATHS: &str = "^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach";
pub const DEFAULT_REJECT_METHODS: &str = "^$";

/// What to do with one request.
#[derive(Debug, PartialEq)]
pub enum Route {
    /// Forward to the API server with this path (query not included).
    Api(String),
    /// Serve this cleaned path (starting with `/`) from the static directory.
    Static(String),
    /// Go's mux redirect (307) to this location.
    Redirect(String),
    /// The filter refused the request: 403 `Forbidden`.
    Forbidden,
    /// `404 page not found`.
    NotFound,
}

/// The proxy's request filter: comma-separated regular expressions.
#[derive(Debug)]
pub struct Filter {
    pub accept_paths: Vec<Regex>,
    pub reject_paths: Vec<Regex>,
    pub accept_hosts: Vec<Regex>,
    pub reject_methods: Vec<Regex>,
}

/// The regular expressions of one flag (empty text: none). The error is
/// Go's wording after `error parsing regexp: `, as far as it can be told.
pub fn regexp_array(text: &str) -> Result<Vec<Regex>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| {
            Regex::new(part).map_err(|e| match e {
                regex::Error::Syntax(s) if s.contains("unclosed group") => {
                    format!("missing closing ): `{part}`")
                }
                regex::Error::Syntax(s) if s.contains("unclosed character class") => {
                    format!("missing closing ]: `{part}`")
                }
                other => other.to_string().lines().last().unwrap_or("").to_string(),
            })
        })
        .collect()
}

fn matches(text: &str, regexps: &[Regex]) -> bool {
    regexps.iter().any(|re| re.is_match(text))
}

impl Filter {
    pub fn accepts(&self, method: &str, path: &str, host_header: &str) -> bool {
        let host = split_host(host_header);
        !matches(path, &self.reject_paths)
            && !matches(method, &self.reject_methods)
            && matches(path, &self.accept_paths)
            && matches(host, &self.accept_hosts)
    }
}

/// Go's `net.SplitHostPort` host, or the whole header when it has no port
/// (so `[::1]` stays bracketed while `[::1]:80` loses its brackets).
fn split_host(header: &str) -> &str {
    if let Some(rest) = header.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            let after = &rest[end + 1..];
            if after.starts_with(':') && !after[1..].contains([':', '[', ']']) {
                return &rest[..end];
            }
        }
        return header;
    }
    match header.rfind(':') {
        Some(i) if !header[..i].contains(':') && !header.contains([']', '[']) => &header[..i],
        _ => header,
    }
}

/// Go's `path.Clean` for a request path, keeping a trailing slash as the
/// mux does.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return "/".into();
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut cleaned = format!("/{}", parts.join("/"));
    if p.ends_with('/') && cleaned != "/" {
        cleaned.push('/');
    }
    cleaned
}

/// The mux and the API handler's own steps, for a decoded path.
pub struct Routes<'a> {
    pub api_prefix: &'a str,
    /// The static prefix, when a directory is served.
    pub static_prefix: Option<&'a str>,
    pub filter: Option<&'a Filter>,
}

impl Routes<'_> {
    pub fn route(&self, method: &str, path: &str, query: Option<&str>, host: &str) -> Route {
        let with_query = |p: String| match query {
            Some(q) => format!("{p}?{q}"),
            None => p,
        };
        if method != "CONNECT" {
            let cleaned = clean_path(path);
            if cleaned != path {
                return Route::Redirect(with_query(cleaned));
            }
        }
        let mut patterns = vec![(self.api_prefix, true)];
        if let Some(s) = self.static_prefix {
            patterns.push((s, false));
        }
        // A subtree's root without its slash is redirected to the subtree.
        let slashed = format!("{path}/");
        if patterns.iter().any(|(p, _)| *p == slashed) && !patterns.iter().any(|(p, _)| *p == path)
        {
            return Route::Redirect(with_query(slashed));
        }
        let best = patterns
            .iter()
            .filter(|(p, _)| path.starts_with(p))
            .max_by_key(|(p, _)| p.len());
        let Some(&(prefix, is_api)) = best else {
            return Route::NotFound;
        };
        if !is_api {
            let rest = &path[prefix.len()..];
            return Route::Static(clean_path(&format!("/{rest}")));
        }
        let forwarded = if prefix.starts_with("/api") {
            path.to_string()
        } else {
            let rest = &path[prefix.len()..];
            if rest.starts_with('/') {
                rest.to_string()
            } else {
                format!("/{rest}")
            }
        };
        match self.filter {
            Some(f) if !f.accepts(method, &forwarded, host) => Route::Forbidden,
            _ => Route::Api(forwarded),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_filter() -> Filter {
        Filter {
            accept_paths: regexp_array(DEFAULT_ACCEPT_PATHS).unwrap(),
            reject_paths: regexp_array(DEFAULT_REJECT_PATHS).unwrap(),
            accept_hosts: regexp_array(DEFAULT_ACCEPT_HOSTS).unwrap(),
            reject_methods: regexp_array(DEFAULT_REJECT_METHODS).unwrap(),
        }
    }

    #[test]
    fn hosts_as_go_splits_them() {
        assert_eq!(split_host("localhost:8001"), "localhost");
        assert_eq!(split_host("localhost"), "localhost");
        assert_eq!(split_host("[::1]:80"), "::1");
        assert_eq!(split_host("[::1]"), "[::1]");
        let f = default_filter();
        assert!(f.accepts("GET", "/api", "127.0.0.1:1"));
        assert!(f.accepts("GET", "/api", "[::1]"));
        assert!(!f.accepts("GET", "/api", "[::1]:80"));
        assert!(!f.accepts("GET", "/api", "evil.com"));
        assert!(!f.accepts("POST", "/api/v1/namespaces/a/pods/b/exec", "localhost"));
    }

    #[test]
    fn mux_and_prefixes() {
        let f = default_filter();
        let r = Routes {
            api_prefix: "/custom/",
            static_prefix: Some("/static/"),
            filter: Some(&f),
        };
        assert_eq!(
            r.route("GET", "/custom/api", None, "localhost"),
            Route::Api("/api".into())
        );
        assert_eq!(
            r.route("GET", "/custom", Some("x=1"), "localhost"),
            Route::Redirect("/custom/?x=1".into())
        );
        assert_eq!(
            r.route("GET", "/x//y", None, "localhost"),
            Route::Redirect("/x/y".into())
        );
        assert_eq!(r.route("GET", "/api", None, "localhost"), Route::NotFound);
        assert_eq!(
            r.route("GET", "/static/a/b", None, "x"),
            Route::Static("/a/b".into())
        );
        assert_eq!(
            r.route("GET", "/static", None, "x"),
            Route::Redirect("/static/".into())
        );
        assert_eq!(r.route("GET", "/custom/api", None, "x"), Route::Forbidden);
        let r = Routes {
            api_prefix: "/api/",
            static_prefix: None,
            filter: None,
        };
        assert_eq!(
            r.route("GET", "/api/v1", None, "x"),
            Route::Api("/api/v1".into())
        );
    }

    #[test]
    fn bad_regexp_in_go_words() {
        assert_eq!(regexp_array("(").unwrap_err(), "missing closing ): `(`");
        assert!(regexp_array("").unwrap().is_empty());
    }
}
