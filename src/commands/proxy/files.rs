//! `--www`: static files as Go's `http.FileServer` serves them (files,
//! `index.html`, directory listings, its redirects and its error pages).
//! Range requests and conditional GETs are not answered specially.

use std::path::Path;

/// A whole answer.
pub struct FileAnswer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

fn text(status: u16, body: &str) -> FileAnswer {
    FileAnswer {
        status,
        headers: vec![
            ("content-type", "text/plain; charset=utf-8".into()),
            ("x-content-type-options", "nosniff".into()),
        ],
        body: body.as_bytes().to_vec(),
    }
}

fn local_redirect(location: String, query: Option<&str>) -> FileAnswer {
    let location = match query {
        Some(q) => format!("{location}?{q}"),
        None => location,
    };
    FileAnswer {
        status: 301,
        headers: vec![("location", location)],
        body: Vec::new(),
    }
}

fn error_page(e: &std::io::Error) -> FileAnswer {
    match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => {
            text(404, "404 page not found\n")
        }
        std::io::ErrorKind::PermissionDenied => text(403, "403 Forbidden\n"),
        _ => text(500, "500 Internal Server Error\n"),
    }
}

/// Serves `path` (cleaned, starting with `/`) from `base`; `url_path` is
/// the request's path, whose trailing slash decides Go's redirects.
pub fn serve(base: &Path, path: &str, url_path: &str, query: Option<&str>) -> FileAnswer {
    if url_path.ends_with("/index.html") {
        return local_redirect("./".into(), query);
    }
    let full = base.join(path.trim_start_matches('/'));
    let meta = match std::fs::metadata(&full) {
        Ok(m) => m,
        Err(e) => return error_page(&e),
    };
    let name = path.rsplit('/').next().unwrap_or("");
    if meta.is_dir() {
        if !url_path.ends_with('/') {
            return local_redirect(format!("{name}/"), query);
        }
        let index = full.join("index.html");
        if let Ok(body) = std::fs::read(&index) {
            return file_answer("index.html", body);
        }
        return match listing(&full) {
            Ok(body) => FileAnswer {
                status: 200,
                headers: vec![("content-type", "text/html; charset=utf-8".into())],
                body: body.into_bytes(),
            },
            Err(_) => text(500, "Error reading directory\n"),
        };
    }
    if url_path.ends_with('/') {
        return local_redirect(format!("../{name}"), query);
    }
    match std::fs::read(&full) {
        Ok(body) => file_answer(name, body),
        Err(e) => error_page(&e),
    }
}

fn file_answer(name: &str, body: Vec<u8>) -> FileAnswer {
    FileAnswer {
        status: 200,
        headers: vec![
            ("accept-ranges", "bytes".into()),
            ("content-type", content_type(name, &body).into()),
        ],
        body,
    }
}

/// Go's table for common extensions, then a simple sniff.
fn content_type(name: &str, body: &[u8]) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "text/xml; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("wasm") => "application/wasm",
        Some("pdf") => "application/pdf",
        _ => {
            let head = &body[..body.len().min(512)];
            let texty = std::str::from_utf8(head).is_ok()
                && !head
                    .iter()
                    .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b));
            if texty {
                "text/plain; charset=utf-8"
            } else {
                "application/octet-stream"
            }
        }
    }
}

/// Go's directory listing: entries by name, directories with a slash.
fn listing(dir: &Path) -> std::io::Result<String> {
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let mut name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() {
            name.push('/');
        }
        names.push(name);
    }
    names.sort();
    let mut out = String::from(
        "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n",
    );
    for name in names {
        out.push_str(&format!(
            "<a href=\"{}\">{}</a>\n",
            href(&name),
            html_escape(&name)
        ));
    }
    out.push_str("</pre>\n");
    Ok(out)
}

/// Go's `url.URL{Path: name}.String()` for a plain name.
fn href(name: &str) -> String {
    let mut out = String::new();
    if let Some(colon) = name.find(':') {
        if !name[..colon].contains('/') {
            out.push_str("./");
        }
    }
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~$&+,/:;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_listings_and_redirects() {
        let dir = std::env::temp_dir().join(format!("kuddle-www-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.txt"), "hello\n").unwrap();
        let a = serve(&dir, "/a.txt", "/static/a.txt", None);
        assert_eq!((a.status, a.body.as_slice()), (200, &b"hello\n"[..]));
        let l = serve(&dir, "/", "/static/", None);
        assert_eq!(
            String::from_utf8(l.body).unwrap(),
            "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n<a href=\"a.txt\">a.txt</a>\n<a href=\"sub/\">sub/</a>\n</pre>\n"
        );
        let r = serve(&dir, "/sub", "/static/sub", None);
        assert_eq!((r.status, r.headers[0].1.as_str()), (301, "sub/"));
        assert_eq!(serve(&dir, "/nope", "/static/nope", None).status, 404);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
