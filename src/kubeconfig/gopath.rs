//! Go's path handling and file error wording, which show up in kubectl's
//! messages (`open /abs/ca.crt: no such file or directory`).

/// Go's `filepath.Clean` (Unix): one slash between elements, no `.`, `..`
/// resolved lexically, `.` for an empty result.
pub fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `filepath.Join`: empty elements are ignored, the result is cleaned;
/// nothing but empty elements gives "".
pub fn join(parts: &[&str]) -> String {
    let kept: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    if kept.is_empty() {
        return String::new();
    }
    clean(&kept.join("/"))
}

/// Go's `filepath.Dir`.
pub fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".into(),
    }
}

/// Go's `filepath.Base`.
pub fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `filepath.Abs`: relative paths are joined to the working folder.
pub fn abs(path: &str) -> String {
    if path.starts_with('/') {
        return clean(path);
    }
    let cwd = std::env::current_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    join(&[&cwd, path])
}

/// Go's `filepath.Rel` (Unix): `target` relative to `base`, `None` when one
/// is absolute and the other is not.
pub fn rel(base: &str, target: &str) -> Option<String> {
    let base = clean(base);
    let target = clean(target);
    if base == target {
        return Some(".".into());
    }
    let base = if base == "." { String::new() } else { base };
    if base.starts_with('/') != target.starts_with('/') {
        return None;
    }
    let parts = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (b, t) = (parts(&base), parts(&target));
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if b[common..].iter().any(|p| p == "..") {
        return None;
    }
    let mut out: Vec<String> = vec!["..".to_string(); b.len() - common];
    out.extend(t[common..].iter().cloned());
    Some(out.join("/"))
}

/// The text of an OS error as Go prints it: `no such file or directory`.
pub fn errno_text(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Go's `*PathError`: `open /x: no such file or directory`.
pub fn path_error(op: &str, path: &str, err: &std::io::Error) -> String {
    format!("{op} {path}: {}", errno_text(err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_like_go() {
        assert_eq!(clean("a/../../b/./c//"), "../b/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean(""), ".");
        assert_eq!(join(&["/base", "certs/../ca.crt"]), "/base/ca.crt");
        assert_eq!(join(&["", ".kube", "config"]), ".kube/config");
        assert_eq!(dir("config"), ".");
        assert_eq!(dir("/a/b/config"), "/a/b");
        assert_eq!(dir("/config"), "/");
    }

    #[test]
    fn relative_paths_like_go() {
        assert_eq!(rel("/a/b", "/a/b/c/d").as_deref(), Some("c/d"));
        assert_eq!(rel("/a/b", "/a/x").as_deref(), Some("../x"));
        assert_eq!(rel("/a/b", "/a/b").as_deref(), Some("."));
        assert_eq!(rel("/", "/etc/x").as_deref(), Some("etc/x"));
        assert_eq!(rel("/a", "b"), None);
    }

    #[test]
    fn os_errors_in_go_words() {
        let e = std::fs::read("/nonexistent/kuddle/x").unwrap_err();
        assert_eq!(
            path_error("open", "/nonexistent/kuddle/x", &e),
            "open /nonexistent/kuddle/x: no such file or directory"
        );
    }
}
