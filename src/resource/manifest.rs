//! Objects from `-f FILE|DIR|-` (and `-R`), read the way kubectl's resource
//! builder reads them: paths expanded (globs, directories walked in lexical
//! order, only `.json`/`.yaml`/`.yml` files inside directories), each stream
//! split into YAML documents on `---` lines (or read as concatenated JSON),
//! every document converted with go-yaml v2's YAML 1.1 rules, checked for
//! `apiVersion` and `kind`, and `List`s flattened into their items.
//!
//! Problems come back in kubectl's words and order: errors that stop the
//! whole command (a missing path, stdin twice) as [`BuilderErrors`], errors
//! in one document as [`Entry::Error`] among the objects that did decode. A
//! syntax error ends its file; a document that does not decode does not.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::client::download::DownloadError;
use crate::flags::go_values::go_quote;
use crate::kubeconfig::yaml as yaml11;
use crate::printers::json::to_string_compact;

/// The recognised extensions of files inside directories.
const FILE_EXTENSIONS: &[&str] = &[".json", ".yaml", ".yml"];

/// How kubectl names standard input in messages.
pub const STDIN_SOURCE: &str = "STDIN";

const STOP_VALIDATE: &str =
    "if you choose to ignore these errors, turn validation off with --validate=false";

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct ManifestOptions<'a> {
    pub filenames: &'a [String],
    pub recursive: bool,
    pub kustomize: Option<&'a str>,
    /// Client-side checks of `apiVersion` and `kind` (`--validate` other
    /// than ignore/false).
    pub validate: bool,
    /// With `validate`, what kubectl's validator checks beyond each
    /// document's own `apiVersion` and `kind` (by default, a `v1 List`'s
    /// items' kinds).
    pub schema: Option<SchemaCheck<'a>>,
    /// The bodies of the `http(s)://` names, downloaded beforehand (see
    /// [`urls`]), or why they could not be.
    pub downloads: Option<&'a std::collections::HashMap<String, Result<Vec<u8>, DownloadError>>>,
}

/// The names among `filenames` that kubectl downloads.
pub fn urls(filenames: &[String]) -> Vec<String> {
    filenames
        .iter()
        .filter(|n| n.starts_with("http://") || n.starts_with("https://"))
        .cloned()
        .collect()
}

/// A check of one whole document (kubectl's validation schema), failing
/// with the text that follows `error validating data: `.
#[derive(Clone, Copy)]
pub struct SchemaCheck<'a>(pub &'a dyn Fn(&Value) -> Result<(), String>);

impl std::fmt::Debug for SchemaCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SchemaCheck")
    }
}

/// How documents are checked before decoding.
#[derive(Clone, Copy)]
struct Checks<'a> {
    kinds: bool,
    schema: Option<SchemaCheck<'a>>,
}

/// One decoded object and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The file name as kubectl shows it (`STDIN` for standard input).
    pub source: String,
    pub object: Map<String, Value>,
    /// True for the items of a `List` (their mapping errors read differently).
    pub from_list: bool,
}

/// Objects and per-document errors, in the order kubectl meets them.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Object(Manifest),
    Error(String),
    /// A source that could not be reached: the error's text, and the line
    /// kubectl prints for it.
    Unreachable {
        text: String,
        message: String,
    },
}

/// Errors that stop a command before anything is read (kubectl prints each
/// on its own line, or one with `error: ` when alone).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct BuilderErrors(pub Vec<String>);

/// A place to read documents from.
enum Source {
    File(String),
    Stdin,
    Url(String),
}

/// Reads every document of every source. `stdin` is read only if `-` was given.
pub fn read(opts: &ManifestOptions, stdin: &mut dyn Read) -> Result<Vec<Entry>, BuilderErrors> {
    let sources = expand(opts)?;
    let mut entries = Vec::new();
    for source in sources {
        let (name, data) = match source {
            Source::File(path) => match std::fs::read(&path) {
                Ok(d) => (path, d),
                Err(e) => {
                    entries.push(Entry::Error(go_io_error(&path, &e)));
                    continue;
                }
            },
            Source::Stdin => {
                let mut d = Vec::new();
                if let Err(e) = stdin.read_to_end(&mut d) {
                    entries.push(Entry::Error(format!("read /dev/stdin: {e}")));
                    continue;
                }
                (STDIN_SOURCE.to_string(), d)
            }
            Source::Url(url) => match opts.downloads.and_then(|d| d.get(&url)) {
                Some(Ok(data)) => (url, data.clone()),
                Some(Err(e)) => {
                    entries.push(match &e.message {
                        Some(message) => Entry::Unreachable {
                            text: e.text.clone(),
                            message: message.clone(),
                        },
                        None => Entry::Error(e.text.clone()),
                    });
                    continue;
                }
                None => {
                    entries.push(Entry::Error(format!(
                        "unable to read URL {}",
                        go_quote(&url)
                    )));
                    continue;
                }
            },
        };
        let checks = Checks {
            kinds: opts.validate,
            schema: opts.schema,
        };
        read_stream(&name, &decode_bom(data), checks, &mut entries);
    }
    Ok(entries)
}

/// How many files, URLs and streams `-f` names (0 when it names nothing
/// readable).
pub fn source_count(opts: &ManifestOptions) -> usize {
    expand(opts).map(|s| s.len()).unwrap_or(0)
}

/// The documents of one in-memory stream named `source` (kubectl's
/// builder `Stream`, as `edit` reads the edited file), without validation.
pub fn read_bytes(source: &str, data: &[u8]) -> Vec<Entry> {
    let mut entries = Vec::new();
    let checks = Checks {
        kinds: false,
        schema: None,
    };
    read_stream(source, &decode_bom(data.to_vec()), checks, &mut entries);
    entries
}

/// The builder's path handling: `-` is stdin (once), `http(s)://` a URL,
/// anything else a path or glob; each path a file or a directory to walk.
fn expand(opts: &ManifestOptions) -> Result<Vec<Source>, BuilderErrors> {
    let mut errs = Vec::new();
    if !opts.filenames.is_empty() && opts.kustomize.is_some_and(|k| !k.is_empty()) {
        errs.push("only one of -f or -k can be specified".to_string());
    }
    if opts.kustomize.is_some_and(|k| !k.is_empty()) && opts.recursive {
        errs.push("the -k flag can't be used with -f or -R".to_string());
    }
    if !errs.is_empty() {
        return Err(BuilderErrors(errs));
    }
    let mut sources = Vec::new();
    let mut stdin_used = false;
    for name in opts.filenames {
        if name == "-" {
            if stdin_used {
                errs.push("standard input cannot be used for multiple arguments".to_string());
            }
            stdin_used = true;
            sources.push(Source::Stdin);
            continue;
        }
        if name.starts_with("http://") || name.starts_with("https://") {
            sources.push(Source::Url(name.clone()));
            continue;
        }
        let matches = match expand_if_file_pattern(name) {
            Ok(m) => m,
            Err(e) => {
                errs.push(e);
                continue;
            }
        };
        let before = sources.len();
        for path in &matches {
            match std::fs::metadata(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    errs.push(format!("the path {} does not exist", go_quote(path)));
                    continue;
                }
                Err(e) => {
                    errs.push(format!(
                        "the path {} cannot be accessed: {}",
                        go_quote(path),
                        go_io_error(path, &e)
                    ));
                    continue;
                }
                Ok(_) => {}
            }
            if let Err(e) = walk(path, path, opts.recursive, &mut sources) {
                errs.push(format!("error reading {}: {e}", go_quote(path)));
            }
        }
        if sources.len() == before && sources.is_empty() && errs.is_empty() {
            errs.push(format!(
                "error reading [{}]: recognized file extensions are [{}]",
                matches.join(" "),
                FILE_EXTENSIONS.join(" ")
            ));
        }
    }
    if let Some(k) = opts.kustomize.filter(|k| !k.is_empty()) {
        errs.push(kustomize_error(k));
    }
    if errs.is_empty() {
        Ok(sources)
    } else {
        Err(BuilderErrors(errs))
    }
}

/// What becomes of `-k DIR`: kubectl's errors for a folder that is not
/// one or holds no kustomization; kuddle does not build kustomizations.
fn kustomize_error(dir: &str) -> String {
    let absolute = std::path::absolute(dir)
        .map(|p| go_clean(&p.to_string_lossy()))
        .unwrap_or_else(|_| dir.to_string());
    match std::fs::metadata(dir) {
        Err(e) => format!(
            "must build at directory: not a valid directory: evalsymlink failure on '{dir}' : {}",
            go_path_error("lstat", dir, &e)
        ),
        Ok(meta) if !meta.is_dir() => {
            format!("must build at directory: '{absolute}': file is not directory")
        }
        Ok(_) => {
            let found = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
                .iter()
                .any(|name| std::path::Path::new(dir).join(name).is_file());
            if found {
                format!(
                    "kustomization directories are not supported by kuddle: {}",
                    go_quote(dir)
                )
            } else {
                format!("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{absolute}'")
            }
        }
    }
}

/// Go's `filepath.Walk` from `root`: files directly, directories in lexical
/// order (only the root unless recursive), extensions checked below the root.
fn walk(root: &str, path: &str, recursive: bool, out: &mut Vec<Source>) -> Result<(), String> {
    let meta = if path == root {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    }
    .map_err(|e| go_io_error(path, &e))?;
    if !meta.is_dir() {
        if path == root || !ignore_file(path) {
            out.push(Source::File(path.to_string()));
        }
        return Ok(());
    }
    if path != root && !recursive {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map_err(|e| go_io_error(path, &e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let child = go_clean(&format!("{path}/{name}"));
        walk(root, &child, recursive, out)?;
    }
    Ok(())
}

fn ignore_file(path: &str) -> bool {
    let ext = match Path::new(path).file_name().and_then(|n| n.to_str()) {
        Some(name) => name.rfind('.').map(|i| &name[i..]).unwrap_or(""),
        None => "",
    };
    !FILE_EXTENSIONS.contains(&ext)
}

/// A path that does not exist may be a glob (`dir/*.yaml`).
fn expand_if_file_pattern(pattern: &str) -> Result<Vec<String>, String> {
    if std::fs::symlink_metadata(pattern).is_ok() || std::fs::metadata(pattern).is_ok() {
        return Ok(vec![pattern.to_string()]);
    }
    if !pattern.contains(['*', '?', '[']) {
        return Err(format!("the path {} does not exist", go_quote(pattern)));
    }
    let matches = glob(pattern).map_err(|_| {
        format!(
            "pattern {} is not valid: syntax error in pattern",
            go_quote(pattern)
        )
    })?;
    if matches.is_empty() {
        return Err(format!("the path {} does not exist", go_quote(pattern)));
    }
    Ok(matches)
}

/// Go's `filepath.Glob`: each `/`-separated element may hold `*`, `?` and
/// `[…]` classes; matches come back sorted per directory.
fn glob(pattern: &str) -> Result<Vec<String>, ()> {
    let (dir, file) = match pattern.rfind('/') {
        Some(i) => (&pattern[..i], &pattern[i + 1..]),
        None => ("", pattern),
    };
    let dirs: Vec<String> = if dir.is_empty() {
        vec![String::new()]
    } else if dir.contains(['*', '?', '[']) {
        glob(dir)?
    } else {
        vec![dir.to_string()]
    };
    let mut out = Vec::new();
    for d in dirs {
        let list_dir = if d.is_empty() { "." } else { d.as_str() };
        let Ok(entries) = std::fs::read_dir(list_dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            if glob_match(file, &name)? {
                out.push(if d.is_empty() {
                    name
                } else {
                    format!("{d}/{name}")
                });
            }
        }
    }
    Ok(out)
}

/// `filepath.Match` for one path element.
fn glob_match(pattern: &str, name: &str) -> Result<bool, ()> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn go(p: &[char], n: &[char]) -> Result<bool, ()> {
        match p.first() {
            None => Ok(n.is_empty()),
            Some('*') => {
                for i in 0..=n.len() {
                    if n[..i].contains(&'/') {
                        break;
                    }
                    if go(&p[1..], &n[i..])? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Some('?') => Ok(!n.is_empty() && n[0] != '/' && go(&p[1..], &n[1..])?),
            Some('[') => {
                let end = p.iter().skip(1).position(|&c| c == ']').ok_or(())? + 1;
                let class = &p[1..end];
                let Some(&c) = n.first() else {
                    return Ok(false);
                };
                let (negate, class) = match class.first() {
                    Some('^') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        if class[i] <= c && c <= class[i + 2] {
                            hit = true;
                        }
                        i += 3;
                    } else {
                        if class[i] == c {
                            hit = true;
                        }
                        i += 1;
                    }
                }
                Ok(hit != negate && go(&p[end + 1..], &n[1..])?)
            }
            Some('\\') if p.len() > 1 => Ok(!n.is_empty() && n[0] == p[1] && go(&p[2..], &n[1..])?),
            Some(&c) => Ok(!n.is_empty() && n[0] == c && go(&p[1..], &n[1..])?),
        }
    }
    go(&p, &n)
}

/// Go's `filepath.Clean`.
pub fn go_clean(path: &str) -> String {
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
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// `open x: no such file or directory`: Go's *PathError text.
fn go_io_error(path: &str, e: &std::io::Error) -> String {
    go_path_error("open", path, e)
}

/// `op path: reason`, as Go's `*PathError` prints it.
fn go_path_error(op: &str, path: &str, e: &std::io::Error) -> String {
    format!("{op} {path}: {}", crate::printers::gofmt::errno_text(e))
}

/// The byte-order-mark handling of kubectl's file reader: a UTF-8 BOM is
/// dropped, UTF-16 text with a BOM becomes UTF-8.
fn decode_bom(data: Vec<u8>) -> Vec<u8> {
    if let Some(rest) = data.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return rest.to_vec();
    }
    let utf16 = |bytes: &[u8], le: bool| -> Vec<u8> {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| {
                let (a, b) = (c[0], *c.get(1).unwrap_or(&0));
                if le {
                    u16::from_le_bytes([a, b])
                } else {
                    u16::from_be_bytes([a, b])
                }
            })
            .collect();
        String::from_utf16_lossy(&units).into_bytes()
    };
    if let Some(rest) = data.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = data.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    data
}

/// One document as kubectl's decoder produced it: the JSON text (as read
/// for JSON input, as converted for YAML) and its value.
struct Document {
    raw: String,
    value: Value,
}

/// Splits and decodes one stream; a syntax error stops it.
fn read_stream(source: &str, data: &[u8], validate: Checks, out: &mut Vec<Entry>) {
    let head = &data[..data.len().min(4096)];
    let looks_json = String::from_utf8_lossy(head)
        .trim_start_matches(char::is_whitespace)
        .starts_with('{');
    let mut rest: &[u8] = data;
    let mut count = 0usize;
    if looks_json {
        let mut stream = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
        loop {
            let offset = stream.byte_offset();
            match stream.next() {
                None => return,
                Some(Ok(value)) => {
                    count += 1;
                    let end = stream.byte_offset();
                    let text = String::from_utf8_lossy(&data[offset..end])
                        .trim()
                        .to_string();
                    if !visit(source, Document { raw: text, value }, validate, out) {
                        return;
                    }
                }
                Some(Err(e)) => {
                    if count > 1 {
                        out.push(Entry::Error(format!("error parsing {source}: {e}")));
                        return;
                    }
                    // Retry the rest as YAML, as kubectl's decoder does.
                    rest = &data[offset..];
                    break;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(rest);
    let documents = match split_documents(&text) {
        Ok(d) => d,
        Err((docs, e)) => {
            for doc in docs {
                if !yaml_document(source, &doc, validate, out) {
                    return;
                }
            }
            out.push(Entry::Error(format!("error parsing {source}: {e}")));
            return;
        }
    };
    for doc in documents {
        if !yaml_document(source, &doc, validate, out) {
            return;
        }
    }
}

/// Decodes one YAML document; false when the stream must stop.
fn yaml_document(source: &str, doc: &str, validate: Checks, out: &mut Vec<Entry>) -> bool {
    match yaml11::yaml_to_json(doc.as_bytes()) {
        Err(e) => {
            out.push(Entry::Error(format!(
                "error parsing {source}: error converting YAML to JSON: {e}"
            )));
            false
        }
        Ok(Value::Null) => true,
        Ok(value) => {
            let mut sorted = value.clone();
            crate::printers::sort_keys(&mut sorted);
            let raw = to_string_compact(&sorted);
            visit(source, Document { raw, value: sorted }, validate, out)
        }
    }
}

/// kubectl's YAMLReader: documents end at lines starting with `---`
/// (anything but a comment after the dashes is an error); empty ones vanish.
/// On error, the documents completed before it come back with the message
/// (the one being read is lost, as in kubectl).
#[allow(clippy::type_complexity)]
pub(crate) fn split_documents(text: &str) -> Result<Vec<String>, (Vec<String>, String)> {
    let mut docs = Vec::new();
    let mut buffer = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(after) = line.strip_prefix("---") {
            let trimmed = after.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                // The document being read is lost with the error.
                return Err((docs, format!("invalid Yaml document separator: {trimmed}")));
            }
            if !buffer.is_empty() {
                docs.push(std::mem::take(&mut buffer));
            }
            continue;
        }
        buffer.push_str(line);
        if !line.ends_with('\n') {
            buffer.push('\n');
        }
    }
    if !buffer.is_empty() {
        docs.push(buffer);
    }
    Ok(docs)
}

/// Validates and decodes one document into entries; false stops the stream.
fn visit(source: &str, doc: Document, validate: Checks, out: &mut Vec<Entry>) -> bool {
    if doc.value.is_null() || doc.raw.is_empty() || doc.raw == "null" {
        return true;
    }
    if validate.kinds {
        let problem = match validate.schema {
            None => validation_errors(&doc.value),
            Some(check) => match object_kind_errors(&doc.value).as_slice() {
                [] => check.0(&doc.value).err(),
                errors => Some(aggregate_text(errors.to_vec())),
            },
        };
        if let Some(problem) = problem {
            out.push(Entry::Error(format!(
                "error validating {}: error validating data: {problem}; {STOP_VALIDATE}",
                go_quote(source)
            )));
            return false;
        }
    }
    match decode(source, doc) {
        Ok(entries) => out.extend(entries),
        Err(e) => out.push(Entry::Error(e)),
    }
    true
}

/// The client-side checks kubectl makes before sending (the server checks
/// the rest): an object with string `apiVersion` and `kind`.
fn validation_errors(value: &Value) -> Option<String> {
    let errors = object_kind_errors(value);
    let errors = if errors.is_empty()
        && value.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && value.get("kind").and_then(Value::as_str) == Some("List")
    {
        match value.get("items").and_then(Value::as_array) {
            None => vec!["invalid object to validate".to_string()],
            Some(items) => items.iter().flat_map(object_kind_errors).collect(),
        }
    } else {
        errors
    };
    (!errors.is_empty()).then(|| aggregate_text(errors))
}

/// Go's aggregate error text: one message as is, several (distinct ones)
/// in brackets.
pub fn aggregate_text(errors: Vec<String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errors {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    if seen.len() == 1 {
        seen.remove(0)
    } else {
        format!("[{}]", seen.join(", "))
    }
}

/// kubectl's `getObjectKind` checks of an object's `apiVersion` and `kind`.
pub fn object_kind_errors(value: &Value) -> Vec<String> {
    let Some(fields) = value.as_object() else {
        return vec!["invalid object to validate".to_string()];
    };
    let mut errors = Vec::new();
    match fields.get("apiVersion") {
        None | Some(Value::Null) => errors.push("apiVersion not set".to_string()),
        Some(Value::String(v)) => {
            if v.matches('/').count() > 1 {
                errors.push(format!("unexpected GroupVersion string: {v}"));
            }
        }
        Some(_) => errors.push("apiVersion isn't string type".to_string()),
    }
    match fields.get("kind") {
        None | Some(Value::Null) => errors.push("kind not set".to_string()),
        Some(Value::String(_)) => {}
        Some(_) => errors.push("kind isn't string type".to_string()),
    }
    errors
}

fn str_field<'a>(m: &'a Map<String, Value>, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The unstructured decoder: an object, or a list (anything with `items`)
/// flattened into its items.
fn decode(source: &str, doc: Document) -> Result<Vec<Entry>, String> {
    let unable = |msg: String| format!("unable to decode {}: {msg}", go_quote(source));
    let Value::Object(map) = doc.value else {
        return Err(unable(format!(
            "json: cannot unmarshal {} into Go value of type unstructured.detector",
            json_type_name(&doc.value)
        )));
    };
    let missing_kind = || unable(format!("Object 'Kind' is missing in '{}'", doc.raw));
    // The unstructured decoder runs first: a kind that is not a string is
    // a missing kind before the metadata check sees it.
    if map
        .get("kind")
        .is_some_and(|k| !k.is_string() && !k.is_null())
    {
        return Err(missing_kind());
    }
    if let Some(problem) = metadata_problem(&map) {
        return Err(unable(problem));
    }
    match map.get("items") {
        Some(items) if !items.is_null() => {
            let Value::Array(items) = items else {
                return Err(unable(format!(
                    "json: cannot unmarshal {} into Go struct field decodeList.items of type []json.RawMessage",
                    json_type_name(items)
                )));
            };
            if str_field(&map, "kind").is_empty() {
                return Err(missing_kind());
            }
            let api_version = str_field(&map, "apiVersion").to_string();
            let item_kind = str_field(&map, "kind")
                .strip_suffix("List")
                .unwrap_or(str_field(&map, "kind"))
                .to_string();
            let mut out = Vec::new();
            for item in items {
                let Value::Object(mut obj) = item.clone() else {
                    return Err(unable(format!(
                        "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        json_type_name(item)
                    )));
                };
                if str_field(&obj, "kind").is_empty() && str_field(&obj, "apiVersion").is_empty() {
                    obj.insert("kind".into(), Value::String(item_kind.clone()));
                    obj.insert("apiVersion".into(), Value::String(api_version.clone()));
                    obj.sort_keys();
                }
                if obj.get("items").is_some_and(|i| !i.is_null()) {
                    return Err(
                        "*unstructured.Unstructured is not a list: no Items field in this object"
                            .into(),
                    );
                }
                // An item with only one of the two has no type.
                let missing = if str_field(&obj, "kind").is_empty() {
                    Some("Object 'Kind' is missing in 'object has no kind field '")
                } else if str_field(&obj, "apiVersion").is_empty() {
                    Some("Object 'apiVersion' is missing in 'object has no apiVersion field'")
                } else {
                    None
                };
                if let Some(missing) = missing {
                    out.push(Entry::Error(format!(
                        "unable to get type info from the object \"*unstructured.Unstructured\": {missing}"
                    )));
                    continue;
                }
                out.push(Entry::Object(Manifest {
                    source: source.to_string(),
                    object: obj,
                    from_list: true,
                }));
            }
            Ok(out)
        }
        _ => {
            if str_field(&map, "kind").is_empty() {
                return Err(missing_kind());
            }
            Ok(vec![Entry::Object(Manifest {
                source: source.to_string(),
                object: map,
                from_list: false,
            })])
        }
    }
}

/// cli-runtime's metadata-validating decoder: the document's type fields
/// and metadata must decode into `TypeMeta` and `ObjectMeta`; the first
/// field (in document order) that does not is Go's error.
fn metadata_problem(doc: &Map<String, Value>) -> Option<String> {
    for (key, value) in doc {
        match (key.as_str(), value) {
            ("apiVersion" | "kind", Value::String(_) | Value::Null) => {}
            ("apiVersion" | "kind", other) => {
                return Some(format!(
                    "json: cannot unmarshal {} into Go struct field metadataOnlyObject.TypeMeta.{key} of type string",
                    json_type_name(other)
                ))
            }
            ("metadata", meta) => {
                let wrapped = serde_json::json!({ "metadata": meta });
                if let Err(e) = crate::generate::typed::normalize("Pod", &wrapped) {
                    return Some(e.replace(
                        "Go struct field Pod.metadata ",
                        "Go struct field metadataOnlyObject.metadata ",
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn metadata_must_decode_as_object_meta() {
        let doc = |v: serde_json::Value| v.as_object().unwrap().clone();
        assert_eq!(
            super::metadata_problem(&doc(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "x", "uid": 1}}))),
            Some("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID".into())
        );
        assert_eq!(
            super::metadata_problem(&doc(serde_json::json!({"apiVersion": 1, "kind": "X"}))),
            Some("json: cannot unmarshal number into Go struct field metadataOnlyObject.TypeMeta.apiVersion of type string".into())
        );
        assert_eq!(
            super::metadata_problem(&doc(serde_json::json!({"kind": "X", "metadata": "m"}))),
            Some("json: cannot unmarshal string into Go struct field metadataOnlyObject.metadata of type v1.ObjectMeta".into())
        );
        assert_eq!(
            super::metadata_problem(&doc(
                serde_json::json!({"kind": "X", "metadata": {"labels": {"a": "b"}}})
            )),
            None
        );
    }

    use super::*;

    fn entries(text: &str, validate: bool) -> Vec<Entry> {
        let mut out = Vec::new();
        let checks = Checks {
            kinds: validate,
            schema: None,
        };
        read_stream("f.yaml", text.as_bytes(), checks, &mut out);
        out
    }

    fn names(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                Entry::Object(m) => m
                    .object
                    .get("metadata")
                    .and_then(|m| m.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                Entry::Error(e) => format!("ERR {e}"),
                Entry::Unreachable { text, .. } => format!("ERR {text}"),
            })
            .collect()
    }

    #[test]
    fn documents_split_on_dash_lines_and_empty_ones_vanish() {
        let text = "---\napiVersion: v1\nkind: A\nmetadata: {name: a}\n---\n# only a comment\n--- # trailing comment\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n---\n";
        assert_eq!(names(&entries(text, true)), ["a", "b"]);
    }

    #[test]
    fn yaml_1_1_scalars() {
        let e = entries(
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: yes\n  b: 0123\n  c: on\n  d: '0123'\n",
            true,
        );
        let Entry::Object(m) = &e[0] else { panic!() };
        assert_eq!(
            m.object["data"],
            serde_json::json!({"a": true, "b": 83, "c": true, "d": "0123"})
        );
    }

    #[test]
    fn syntax_errors_stop_the_file_and_decode_errors_do_not() {
        let text = "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\nmetadata:\n  name: nokind\n---\napiVersion: v1\nkind: B\nmetadata: {name: b}\n---\na: b\n c: d\n---\nkind: C\n";
        assert_eq!(
            names(&entries(text, false)),
            [
                "a",
                "ERR unable to decode \"f.yaml\": Object 'Kind' is missing in '{\"metadata\":{\"name\":\"nokind\"}}'",
                "b",
                "ERR error parsing f.yaml: error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context",
            ]
        );
    }

    #[test]
    fn validation_names_missing_fields_and_stops() {
        let text = "metadata: {name: x}\n---\napiVersion: v1\nkind: A\n";
        assert_eq!(
            names(&entries(text, true)),
            ["ERR error validating \"f.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false"]
        );
    }

    #[test]
    fn bad_separators_are_errors() {
        // The document being read when the bad separator comes is lost.
        let text = "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: B\nmetadata: {name: b}\n--- x\n";
        assert_eq!(
            names(&entries(text, true)),
            [
                "a",
                "ERR error parsing f.yaml: invalid Yaml document separator: x"
            ]
        );
    }

    #[test]
    fn lists_flatten_and_items_inherit_the_list_kind() {
        let text = "apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n";
        let e = entries(text, true);
        assert_eq!(names(&e), ["a", "b"]);
        let Entry::Object(m) = &e[0] else { panic!() };
        assert_eq!(m.object["kind"], "ConfigMap");
        assert!(m.from_list);
    }

    #[test]
    fn json_streams_keep_their_text() {
        let text = "{\"kind\": \"A\", \"metadata\": {}}\n{\"metadata\": {\"name\": \"x\"}}";
        assert_eq!(
            names(&entries(text, false))[1],
            "ERR unable to decode \"f.yaml\": Object 'Kind' is missing in '{\"metadata\": {\"name\": \"x\"}}'"
        );
    }

    #[test]
    fn paths_clean_and_glob_like_go() {
        assert_eq!(go_clean("./dir/x.yaml"), "dir/x.yaml");
        assert_eq!(go_clean("/tmp/ap//x"), "/tmp/ap/x");
        assert_eq!(go_clean("a/../../b"), "../b");
        assert_eq!(glob_match("*.yaml", "a.yaml"), Ok(true));
        assert_eq!(glob_match("[a-c]?.y*", "b1.yml"), Ok(true));
        assert_eq!(glob_match("[^a]*", "abc"), Ok(false));
        assert!(ignore_file("x.txt"));
        assert!(!ignore_file("d/x.yml"));
    }

    #[test]
    fn stdin_twice_and_missing_paths_stop_everything() {
        let files = vec![
            "-".to_string(),
            "-".to_string(),
            "/nonexistent/x".to_string(),
        ];
        let opts = ManifestOptions {
            filenames: &files,
            ..Default::default()
        };
        let err = read(&opts, &mut std::io::empty()).unwrap_err();
        assert_eq!(
            err.0,
            [
                "standard input cannot be used for multiple arguments",
                "the path \"/nonexistent/x\" does not exist"
            ]
        );
    }
}
