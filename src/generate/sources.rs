//! Where ConfigMap and Secret data come from: `--from-literal=key=value`,
//! `--from-file=[key=]path` (a file, or every regular file of a folder) and
//! `--from-env-file=path` (`KEY=value` lines), read as kubectl reads them
//! and failing with kubectl's messages.

use crate::printers::gofmt::errno_text;

/// `key=value`: the key is what comes before the first `=`.
pub fn parse_literal_source(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!(
            "invalid literal source {source}, expected key=value"
        )),
    }
}

/// `path` (the key is the file's base name) or `key=path`.
pub fn parse_file_source(source: &str) -> Result<(String, String), String> {
    match source.matches('=').count() {
        0 => Ok((go_path_base(source), source.to_string())),
        1 if source.starts_with('=') => {
            Err(format!("key name for file path {} missing", &source[1..]))
        }
        1 if source.ends_with('=') => Err(format!(
            "file path for key name {} missing",
            &source[..source.len() - 1]
        )),
        1 => {
            let (key, path) = source.split_once('=').unwrap_or_default();
            Ok((key.to_string(), path.to_string()))
        }
        _ => Err("key names or file paths cannot contain '='".to_string()),
    }
}

/// Go's `path.Base`: the last element, trailing slashes ignored.
fn go_path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// `os.Stat` failed: `error reading PATH: no such file or directory`.
fn stat(path: &str) -> Result<std::fs::Metadata, String> {
    std::fs::metadata(path).map_err(|e| format!("error reading {path}: {}", errno_text(&e)))
}

/// `os.ReadFile`'s error: `open PATH: permission denied`.
fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        if e.raw_os_error() == Some(21) {
            format!("read {path}: is a directory")
        } else {
            format!("open {path}: {}", errno_text(&e))
        }
    })
}

/// Takes one key and its value, or refuses it with kubectl's message.
pub type AddKey<'a, V> = dyn FnMut(&str, V) -> Result<(), String> + 'a;

/// Reads every `--from-file` source in order and hands each key and file
/// content to `add` (which checks the key and refuses duplicates). A folder
/// gives one key per regular file in it, by name order; symbolic links and
/// subfolders are skipped.
pub fn read_file_sources(sources: &[String], add: &mut AddKey<Vec<u8>>) -> Result<(), String> {
    for source in sources {
        let (key, path) = parse_file_source(source)?;
        let meta = stat(&path)?;
        if !meta.is_dir() {
            add(&key, read(&path)?)?;
            continue;
        }
        if source.contains('=') {
            return Err("cannot give a key name for a directory path".to_string());
        }
        let listing = std::fs::read_dir(&path).map_err(|e| {
            format!(
                "error listing files in {path}: open {path}: {}",
                errno_text(&e)
            )
        })?;
        let mut entries: Vec<(String, bool)> = Vec::new();
        for entry in listing {
            let entry = entry.map_err(|e| format!("error listing files in {path}: {e}"))?;
            let regular = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
            entries.push((entry.file_name().to_string_lossy().into_owned(), regular));
        }
        entries.sort();
        for (name, regular) in entries {
            if regular {
                let item = go_join(&path, &name);
                add(&name, read(&item)?)?;
            }
        }
    }
    Ok(())
}

/// Go's `filepath.Join` of a folder and a file name.
fn go_join(dir: &str, name: &str) -> String {
    crate::resource::manifest::go_clean(&format!("{dir}/{name}"))
}

/// Reads `KEY=value` lines from every env file and hands each pair to
/// `add`. A line without `=` takes the value of that environment variable;
/// blank lines and `#` comments are skipped. `directory_error` is the
/// command's message for a folder given as an env file.
pub fn read_env_files(
    paths: &[String],
    directory_error: &str,
    add: &mut dyn FnMut(&str, &str) -> Result<(), String>,
) -> Result<(), String> {
    for path in paths {
        if stat(path)?.is_dir() {
            return Err(directory_error.to_string());
        }
        let data = std::fs::read(path).map_err(|e| format!("open {path}: {}", errno_text(&e)))?;
        for (number, line) in scan_lines(&data).into_iter().enumerate() {
            if let Some((key, value)) = env_line(line, path, number)? {
                add(&key, &value)?;
            }
        }
    }
    Ok(())
}

/// `bufio.Scanner` with `ScanLines`: lines without their `\n` and one
/// trailing `\r`. A line too long for the scanner (64 KiB) ends the file
/// silently, as kubectl never checks the scanner's error.
fn scan_lines(data: &[u8]) -> Vec<&[u8]> {
    const MAX_TOKEN: usize = 64 * 1024;
    let mut lines = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (line, next, consumed) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..], i + 1),
            None => (rest, &rest[rest.len()..], rest.len()),
        };
        if consumed > MAX_TOKEN {
            break;
        }
        lines.push(line.strip_suffix(b"\r").unwrap_or(line));
        rest = next;
    }
    lines
}

/// One env-file line: `None` for blank lines and comments.
fn env_line(line: &[u8], path: &str, number: usize) -> Result<Option<(String, String)>, String> {
    let Ok(text) = std::str::from_utf8(line) else {
        let bytes: Vec<String> = line.iter().map(u8::to_string).collect();
        return Err(format!(
            "env file {path} contains invalid utf8 bytes at line {}: [{}]",
            number + 1,
            bytes.join(" ")
        ));
    };
    let text = if number == 0 {
        text.strip_prefix('\u{feff}').unwrap_or(text)
    } else {
        text
    };
    let text = text.trim_start_matches(go_is_space);
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    let (key, value) = match text.split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => (text.to_string(), std::env::var(text).unwrap_or_default()),
    };
    let errors = super::validation::env_var_name_errors(&key);
    if !errors.is_empty() {
        return Err(format!(
            "{} is not a valid key name: {}",
            crate::flags::go_values::go_quote(&key),
            errors.join(";")
        ));
    }
    Ok(Some((key, value)))
}

/// Go's `unicode.IsSpace`.
fn go_is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_sources() {
        assert_eq!(
            parse_literal_source("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert_eq!(parse_literal_source("a=").unwrap(), ("a".into(), "".into()));
        assert_eq!(
            parse_literal_source("=x").unwrap_err(),
            "invalid literal source =x, expected key=value"
        );
        assert!(parse_literal_source("abc").is_err());
    }

    #[test]
    fn file_sources() {
        assert_eq!(
            parse_file_source("/a/b/c.txt").unwrap(),
            ("c.txt".into(), "/a/b/c.txt".into())
        );
        assert_eq!(parse_file_source("d/").unwrap(), ("d".into(), "d/".into()));
        assert_eq!(parse_file_source("k=p").unwrap(), ("k".into(), "p".into()));
        assert_eq!(
            parse_file_source("=p").unwrap_err(),
            "key name for file path p missing"
        );
        assert_eq!(
            parse_file_source("k=").unwrap_err(),
            "file path for key name k missing"
        );
        assert_eq!(
            parse_file_source("a=b=c").unwrap_err(),
            "key names or file paths cannot contain '='"
        );
    }

    #[test]
    fn env_lines() {
        let lines = scan_lines(b"\xef\xbb\xbfA=1\r\n  # c\n\n\tB= 2 \nC=x=y");
        assert_eq!(lines.len(), 5);
        let parsed: Vec<_> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| env_line(l, "f", i).unwrap())
            .collect();
        let want = [("A", "1"), ("B", " 2 "), ("C", "x=y")];
        assert_eq!(parsed, want.map(|(k, v)| (k.to_string(), v.to_string())));
        assert_eq!(
            env_line(b"\xff", "f", 2).unwrap_err(),
            "env file f contains invalid utf8 bytes at line 3: [255]"
        );
        assert!(env_line(b"1A=x", "f", 0)
            .unwrap_err()
            .starts_with("\"1A\" is not a valid key name: a valid environment variable name"));
    }
}
