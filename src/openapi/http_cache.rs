//! kubectl's HTTP cache (`<cache-dir>/http`), where client-go keeps the
//! responses of its discovery client — the OpenAPI documents among them —
//! so kubectl and kuddle share one cache.
//!
//! Each response is a file named by the SHA-256 of its URL (lower-case
//! hex), holding the SHA-256 of the rest of the file, then the response as
//! Go's `httputil.DumpResponse` writes it (status line, headers, blank
//! line, body). A file whose sum does not match is a miss. Entries are
//! written whole (a temporary file in `.diskv-temp`, renamed), folders 0750
//! (less the umask) and files 0660, as client-go's diskv store writes them.
//!
//! Only what kuddle needs is kept: responses to URLs that name their
//! content's hash (`?hash=…`, served `Cache-Control: public, immutable`),
//! used while their `Expires` date has not passed.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use chrono::{DateTime, Utc};

/// A cache folder (`<cache-dir>/http`).
#[derive(Debug, Clone)]
pub struct HttpCache {
    dir: PathBuf,
}

/// A stored response: its headers (as written) and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Entry {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the entry may still be used without asking the server:
    /// before its `Expires` date, and stored for a request that asked for
    /// the same `Accept` as `accept` when the response varies by it.
    pub fn usable(&self, accept: &str, now: DateTime<Utc>) -> bool {
        let varies_by_accept = self.header("Vary").is_some_and(|v| {
            v.split(',')
                .any(|h| h.trim().eq_ignore_ascii_case("accept"))
        });
        if varies_by_accept && self.header("X-Varied-Accept") != Some(accept) {
            return false;
        }
        self.header("Expires")
            .and_then(parse_http_date)
            .is_some_and(|expires| expires > now)
    }
}

impl HttpCache {
    pub fn new(dir: PathBuf) -> HttpCache {
        HttpCache { dir }
    }

    fn path_for(&self, url: &str) -> PathBuf {
        self.dir.join(hex(&sha256(url.as_bytes())))
    }

    /// The stored response for `url`, if there is an intact one.
    pub fn get(&self, url: &str) -> Option<Entry> {
        let data = std::fs::read(self.path_for(url)).ok()?;
        if data.len() < 32 || sha256(&data[32..]) != data[..32] {
            return None;
        }
        parse_dump(&data[32..])
    }

    /// Stores a `200 OK` response for `url` (best effort: a cache that
    /// cannot be written is skipped, as client-go skips it).
    pub fn put(&self, url: &str, headers: &[(String, String)], body: &[u8]) {
        let dump = dump_response(headers, body);
        let mut data = Vec::with_capacity(32 + dump.len());
        data.extend_from_slice(&sha256(&dump));
        data.extend_from_slice(&dump);
        let _ = write_file(&self.dir, &self.path_for(url), &data);
    }
}

fn write_file(dir: &Path, path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let temp_dir = dir.join(".diskv-temp");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o750)
        .create(&temp_dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let temp = temp_dir.join(format!("{name}.{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o660)
        .open(&temp)?;
    file.write_all(data)?;
    // diskv sets the mode outright, whatever the umask.
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o660))?;
    drop(file);
    std::fs::rename(&temp, path)
}

/// `HTTP/1.1 200 OK`, `Content-Length`, the other headers sorted with Go's
/// canonical names, a blank line, the body.
fn dump_response(headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut lines: Vec<(String, &str)> = headers
        .iter()
        .filter(|(k, _)| {
            !k.eq_ignore_ascii_case("content-length")
                && !k.eq_ignore_ascii_case("transfer-encoding")
        })
        .map(|(k, v)| (canonical_header(k), v.as_str()))
        .collect();
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::with_capacity(body.len() + 1024);
    out.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
    out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    for (k, v) in lines {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// Reads a dumped `200` response: headers, and a body of `Content-Length`
/// bytes, chunked, or running to the end.
fn parse_dump(data: &[u8]) -> Option<Entry> {
    let head_end = data.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&data[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?;
    if status.split(' ').nth(1) != Some("200") {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect();
    let rest = &data[head_end + 4..];
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let body = if let Some(length) = find("Content-Length") {
        let n: usize = length.parse().ok()?;
        Bytes::copy_from_slice(rest.get(..n)?)
    } else if find("Transfer-Encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        Bytes::from(dechunk(rest)?)
    } else {
        Bytes::copy_from_slice(rest)
    };
    Some(Entry { headers, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Go's `textproto.CanonicalMIMEHeaderKey`: `x-varied-accept` → `X-Varied-Accept`.
fn canonical_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        });
        upper = c == '-';
    }
    out
}

/// An HTTP date (`Mon, 06 Dec 2027 02:14:25 GMT`, or `UTC` as the API
/// server writes `Expires`).
fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    let normalized = text.trim().replace(" UTC", " GMT");
    DateTime::parse_from_rfc2822(&normalized)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn file_names_are_the_sha256_of_the_url() {
        let cache = HttpCache::new(PathBuf::from("/c"));
        assert_eq!(
            cache.path_for("https://127.0.0.1:44243/openapi/v3/api/v1?hash=8F5F21DFCD465B067ED095B213D5695C2424C01AC732DEC7C1D767B196C545F4AFFE76D518B72E08FD924EE97E72DF1D115C995389B119BBEFCFE9060BF428CF&timeout=32s"),
            PathBuf::from("/c/372edf233a14248f653a628a520f2b285d985f82885d2147ca9664b2a700d5df")
        );
    }

    #[test]
    fn entries_round_trip_and_expire() {
        let dir = std::env::temp_dir().join(format!("kuddle-http-cache-{}", std::process::id()));
        let cache = HttpCache::new(dir.clone());
        let h = headers(&[
            ("content-type", "application/json"),
            ("expires", "Mon, 06 Dec 2027 02:14:25 UTC"),
            ("vary", "Accept"),
            ("x-varied-accept", "application/json"),
            ("etag", "\"AB\""),
        ]);
        cache.put("https://h/openapi/v3/api/v1?hash=AB", &h, b"{\"a\":1}");
        let entry = cache.get("https://h/openapi/v3/api/v1?hash=AB").unwrap();
        assert_eq!(entry.body, Bytes::from_static(b"{\"a\":1}"));
        assert_eq!(entry.header("Etag"), Some("\"AB\""));
        let before = DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let after = DateTime::parse_from_rfc3339("2028-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(entry.usable("application/json", before));
        assert!(!entry.usable("application/json", after));
        assert!(!entry.usable("application/yaml", before));
        // A damaged file is a miss.
        let path = cache.path_for("https://h/openapi/v3/api/v1?hash=AB");
        let mut data = std::fs::read(&path).unwrap();
        let last = data.len() - 1;
        data[last] ^= 1;
        std::fs::write(&path, data).unwrap();
        assert!(cache.get("https://h/openapi/v3/api/v1?hash=AB").is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_go_dumps_of_every_body_kind() {
        let e = parse_dump(b"HTTP/2.0 200 OK\r\nConnection: close\r\nEtag: x\r\n\r\nbody-to-end")
            .unwrap();
        assert_eq!(e.body, Bytes::from_static(b"body-to-end"));
        let e = parse_dump(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap();
        assert_eq!(e.body, Bytes::from_static(b"abcde"));
        assert!(parse_dump(b"HTTP/1.1 304 Not Modified\r\n\r\n").is_none());
        assert_eq!(
            canonical_header("x-kubernetes-pf-flowschema-uid"),
            "X-Kubernetes-Pf-Flowschema-Uid"
        );
    }
}
