//! YAML to JSON the way kubectl reads a kubeconfig: go-yaml v2 builds a tree
//! from the first document and resolves plain scalars by YAML 1.1 rules
//! (`yes`/`off` are booleans, `017` is octal, `1_000` an integer), then
//! sigs.k8s.io/yaml turns map keys into strings and marshals the result as
//! JSON (keys sorted, NaN and infinities rejected).
//!
//! Errors are kubectl's words: `yaml: line 3: …`, `yaml: unknown anchor 'x'
//! referenced`, `json: unsupported value: +Inf`, ….

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::base64;
use super::libyaml::{Event, Mark, Parser, Scalar};

const STR_TAG: &str = "tag:yaml.org,2002:str";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// Converts YAML text to the JSON value kubectl decodes. An empty stream is
/// `null`.
pub fn yaml_to_json(input: &[u8]) -> Result<Value, String> {
    let tree = Tree::parse(input)?;
    let Some(root) = tree.root else {
        return Ok(Value::Null);
    };
    let go = Decoder::new(&tree).unmarshal(root)?;
    let json = to_jsonable(go)?;
    check_marshalable(&json)?;
    Ok(into_value(json))
}

/// Runs `f` on a thread whose stack holds documents nested to go-yaml's
/// limit (10000 levels); the recursive steps here need that much.
pub fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("yaml-deep".into())
            .stack_size(256 << 20)
            .spawn_scoped(scope, f);
        match handle {
            Ok(h) => h
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(e) => panic!("cannot start the YAML decoding thread: {e}"),
        }
    })
}

// ---------------------------------------------------------------------------
// The node tree (go-yaml's parser.go): anchors are known from the moment a
// node starts, aliases to unknown anchors fail while parsing.

enum Node {
    Scalar {
        value: String,
        tag: String,
        implicit: bool,
    },
    Mapping(Vec<usize>),
    Sequence(Vec<usize>),
    Alias {
        name: String,
        target: usize,
    },
}

struct Tree {
    nodes: Vec<Node>,
    root: Option<usize>,
}

struct TreeBuilder {
    parser: Parser,
    peeked: Option<(Event, Mark)>,
    nodes: Vec<Node>,
    anchors: HashMap<String, usize>,
    /// Open flow collections (`[`, `{`); true for sequences.
    flow: Vec<bool>,
    /// Columns of the open block collections that each indented further.
    block_columns: Vec<u64>,
}

/// go-yaml v2 refuses documents nested deeper than this, in flow
/// collections or in block indentation.
const MAX_DEPTH: usize = 10_000;

fn depth_error(mark: Mark) -> String {
    if mark.line == 0 {
        format!("yaml: exceeded max depth of {MAX_DEPTH}")
    } else {
        format!(
            "yaml: line {}: exceeded max depth of {MAX_DEPTH}",
            mark.line + 1
        )
    }
}

impl Tree {
    fn parse(input: &[u8]) -> Result<Tree, String> {
        let mut text = input.to_vec();
        loop {
            let mut b = TreeBuilder {
                parser: Parser::new(&text),
                peeked: None,
                nodes: Vec::new(),
                anchors: HashMap::new(),
                flow: Vec::new(),
                block_columns: Vec::new(),
            };
            match b.document() {
                Ok(root) => {
                    return Ok(Tree {
                        nodes: b.nodes,
                        root,
                    })
                }
                Err(e) => match b.parser.unexpected_colon() {
                    Some((start, colon)) if std::str::from_utf8(&text).is_ok() => {
                        let in_sequence = b.flow.last().copied().unwrap_or(true);
                        text = quote_colon_scalar(&text, start, colon, in_sequence)?;
                    }
                    _ => return Err(e),
                },
            }
        }
    }
}

/// libyaml rejects `x:` right before a flow indicator, go-yaml reads it as
/// the plain scalar `x:`; quoting it lets libyaml read the same value (only
/// columns move, and go-yaml's messages name lines only). A `?` inside it
/// fails first, as in go-yaml.
fn quote_colon_scalar(
    text: &[u8],
    start: usize,
    colon: usize,
    in_sequence: bool,
) -> Result<Vec<u8>, String> {
    let (Some(scalar), Some(rest)) = (text.get(start..=colon), text.get(colon + 1..)) else {
        return Err("yaml: found unexpected ':'".into());
    };
    let line = text[..start].iter().filter(|&&b| b == b'\n').count() as u64;
    question_mark_in_flow(scalar, Mark { line, column: 0 }, in_sequence)?;
    let mut out = Vec::with_capacity(text.len() + scalar.len() + 2);
    out.extend_from_slice(&text[..start]);
    out.push(b'\'');
    for &byte in scalar {
        if byte == b'\'' {
            out.push(b'\'');
        }
        out.push(byte);
    }
    out.push(b'\'');
    out.extend_from_slice(rest);
    Ok(out)
}

impl TreeBuilder {
    /// The first document's root (`None` for an empty stream).
    fn document(&mut self) -> Result<Option<usize>, String> {
        self.expect_stream_start()?;
        let root = match self.peek()? {
            Event::StreamEnd => None,
            Event::DocumentStart => {
                self.take()?;
                let root = self.node()?;
                match self.take()? {
                    Event::DocumentEnd => {}
                    other => return Err(unexpected("DOCUMENT-END", &other)),
                }
                Some(root)
            }
            _ => Some(self.node()?),
        };
        Ok(root)
    }
}

/// go-yaml ends a plain scalar at `?` inside `[]` or `{}` (libyaml no
/// longer does); the `?` then starts a key where a `,` must follow, so the
/// document fails there.
fn question_mark_in_flow(raw: &[u8], mark: Mark, in_sequence: bool) -> Result<(), String> {
    let Some(at) = raw.iter().skip(1).position(|&b| b == b'?').map(|i| i + 1) else {
        return Ok(());
    };
    let before = &raw[..at];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count() as u64;
    let line = mark.line + breaks;
    let closing = if in_sequence { ']' } else { '}' };
    let where_ = if line == 0 {
        String::new()
    } else {
        format!("line {line}: ")
    };
    Err(format!(
        "yaml: {where_}did not find expected ',' or '{closing}'"
    ))
}

fn unexpected(wanted: &str, got: &Event) -> String {
    if *got == Event::StreamEnd {
        return "yaml: attempted to go past the end of stream; corrupted value?".into();
    }
    format!("yaml: expected {wanted} event but got {got:?}")
}

impl TreeBuilder {
    fn peek(&mut self) -> Result<&Event, String> {
        if self.peeked.is_none() {
            self.peeked = Some(self.parser.next_marked()?);
        }
        Ok(&self
            .peeked
            .get_or_insert((Event::StreamEnd, Mark::default()))
            .0)
    }

    fn take(&mut self) -> Result<Event, String> {
        self.take_marked().map(|(e, _)| e)
    }

    fn take_marked(&mut self) -> Result<(Event, Mark), String> {
        match self.peeked.take() {
            Some(e) => Ok(e),
            None => self.parser.next_marked(),
        }
    }

    /// Enters a collection, enforcing go-yaml's depth limits. Returns
    /// whether a block indentation level was pushed.
    fn enter(&mut self, flow: bool, sequence: bool, mark: Mark) -> Result<bool, String> {
        if flow {
            self.flow.push(sequence);
            if self.flow.len() > MAX_DEPTH {
                return Err(depth_error(mark));
            }
            return Ok(false);
        }
        if self.block_columns.last().is_some_and(|&c| mark.column <= c) {
            return Ok(false);
        }
        self.block_columns.push(mark.column);
        if self.block_columns.len() > MAX_DEPTH {
            return Err(depth_error(mark));
        }
        Ok(true)
    }

    fn leave(&mut self, flow: bool, pushed: bool) {
        if flow {
            self.flow.pop();
        } else if pushed {
            self.block_columns.pop();
        }
    }

    fn expect_stream_start(&mut self) -> Result<(), String> {
        match self.take()? {
            Event::StreamStart => Ok(()),
            other => Err(unexpected("STREAM-START", &other)),
        }
    }

    fn anchor(&mut self, anchor: Option<String>, index: usize) {
        if let Some(a) = anchor {
            self.anchors.insert(a, index);
        }
    }

    fn node(&mut self) -> Result<usize, String> {
        let (event, mark) = self.take_marked()?;
        let index = self.nodes.len();
        match event {
            Event::Scalar(Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                raw,
            }) => {
                if let (Some(&in_sequence), Some(raw)) = (self.flow.last(), &raw) {
                    question_mark_in_flow(raw, mark, in_sequence)?;
                }
                self.nodes.push(Node::Scalar {
                    value: String::from_utf8_lossy(&value).into_owned(),
                    tag: tag.unwrap_or_default(),
                    implicit: plain_implicit,
                });
                self.anchor(anchor, index);
            }
            Event::Alias { anchor } => {
                let Some(&target) = self.anchors.get(&anchor) else {
                    return Err(format!("yaml: unknown anchor '{anchor}' referenced"));
                };
                self.nodes.push(Node::Alias {
                    name: anchor,
                    target,
                });
            }
            Event::MappingStart { anchor, flow } => {
                self.nodes.push(Node::Mapping(Vec::new()));
                self.anchor(anchor, index);
                let pushed = self.enter(flow, false, mark)?;
                let mut children = Vec::new();
                while *self.peek()? != Event::MappingEnd {
                    children.push(self.node()?);
                    children.push(self.node()?);
                }
                self.take()?;
                self.leave(flow, pushed);
                self.nodes[index] = Node::Mapping(children);
            }
            Event::SequenceStart { anchor, flow } => {
                self.nodes.push(Node::Sequence(Vec::new()));
                self.anchor(anchor, index);
                let pushed = self.enter(flow, true, mark)?;
                let mut children = Vec::new();
                while *self.peek()? != Event::SequenceEnd {
                    children.push(self.node()?);
                }
                self.take()?;
                self.leave(flow, pushed);
                self.nodes[index] = Node::Sequence(children);
            }
            other => return Err(unexpected("node", &other)),
        }
        Ok(index)
    }
}

// ---------------------------------------------------------------------------
// Decoding into Go's `interface{}` (go-yaml's decode.go).

/// A value as go-yaml hands it to sigs.k8s.io/yaml.
#[derive(Debug, Clone)]
enum Go {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Go>),
    Map(Vec<(Go, Go)>),
}

impl Go {
    /// Go's `==` on interface values (map keys).
    fn same_key(&self, other: &Go) -> bool {
        match (self, other) {
            (Go::Nil, Go::Nil) => true,
            (Go::Bool(a), Go::Bool(b)) => a == b,
            (Go::Int(a), Go::Int(b)) => a == b,
            (Go::Uint(a), Go::Uint(b)) => a == b,
            (Go::Float(a), Go::Float(b)) => a == b,
            (Go::Str(a), Go::Str(b)) => a == b,
            _ => false,
        }
    }
}

struct Decoder<'a> {
    tree: &'a Tree,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    active_aliases: HashSet<usize>,
}

/// go-yaml's guard against alias bombs: the share of decode work that may
/// come from expanding aliases shrinks as documents grow.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

fn is_merge_key(node: &Node) -> bool {
    matches!(node, Node::Scalar { value, tag, implicit } if value == "<<" && (*implicit || tag == MERGE_TAG))
}

impl<'a> Decoder<'a> {
    fn new(tree: &'a Tree) -> Decoder<'a> {
        Decoder {
            tree,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            active_aliases: HashSet::new(),
        }
    }

    fn count(&mut self) -> Result<(), String> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err("yaml: document contains excessive aliasing".into());
        }
        Ok(())
    }

    fn enter_alias(&mut self, index: usize, name: &str) -> Result<(), String> {
        if !self.active_aliases.insert(index) {
            return Err(format!("yaml: anchor '{name}' value contains itself"));
        }
        self.alias_depth += 1;
        Ok(())
    }

    fn leave_alias(&mut self, index: usize) {
        self.alias_depth -= 1;
        self.active_aliases.remove(&index);
    }

    fn unmarshal(&mut self, index: usize) -> Result<Go, String> {
        self.count()?;
        match &self.tree.nodes[index] {
            Node::Scalar {
                value,
                tag,
                implicit,
            } => scalar(value, tag, *implicit),
            Node::Alias { name, target } => {
                self.enter_alias(index, name)?;
                let result = self.unmarshal(*target);
                self.leave_alias(index);
                result
            }
            Node::Sequence(children) => {
                let mut items = Vec::with_capacity(children.len());
                for &child in children {
                    items.push(self.unmarshal(child)?);
                }
                Ok(Go::Seq(items))
            }
            Node::Mapping(_) => {
                let mut entries = Vec::new();
                self.fill_mapping(index, &mut entries)?;
                Ok(Go::Map(entries))
            }
        }
    }

    /// Decodes a mapping (or an alias to one) into an existing map, as
    /// go-yaml does for `<<` merges: keys are set in document order.
    fn unmarshal_into_map(&mut self, index: usize, out: &mut Vec<(Go, Go)>) -> Result<(), String> {
        self.count()?;
        match &self.tree.nodes[index] {
            Node::Alias { name, target } => {
                self.enter_alias(index, name)?;
                let result = self.unmarshal_into_map(*target, out);
                self.leave_alias(index);
                result
            }
            Node::Mapping(_) => self.fill_mapping(index, out),
            _ => Err(want_map()),
        }
    }

    fn fill_mapping(&mut self, index: usize, out: &mut Vec<(Go, Go)>) -> Result<(), String> {
        let Node::Mapping(children) = &self.tree.nodes[index] else {
            return Err(want_map());
        };
        for pair in children.chunks(2) {
            let (k, v) = (pair[0], pair.get(1).copied().unwrap_or(pair[0]));
            if is_merge_key(&self.tree.nodes[k]) {
                self.merge(v, out)?;
                continue;
            }
            let key = self.unmarshal(k)?;
            if matches!(key, Go::Seq(_) | Go::Map(_)) {
                return Err(format!("yaml: invalid map key: {}", go_sharp_v(&key)));
            }
            let value = self.unmarshal(v)?;
            match out.iter_mut().find(|(existing, _)| existing.same_key(&key)) {
                Some(slot) => slot.1 = value,
                None => out.push((key, value)),
            }
        }
        Ok(())
    }

    fn merge(&mut self, index: usize, out: &mut Vec<(Go, Go)>) -> Result<(), String> {
        let nodes = &self.tree.nodes;
        let is_map = |i: usize| match &nodes[i] {
            Node::Mapping(_) => true,
            Node::Alias { target, .. } => matches!(nodes[*target], Node::Mapping(_)),
            _ => false,
        };
        match &nodes[index] {
            Node::Mapping(_) | Node::Alias { .. } if is_map(index) => {
                self.unmarshal_into_map(index, out)
            }
            Node::Sequence(children) => {
                // Earlier maps win, so they are applied last.
                for &child in children.iter().rev() {
                    if !is_map(child) {
                        return Err(want_map());
                    }
                    self.unmarshal_into_map(child, out)?;
                }
                Ok(())
            }
            _ => Err(want_map()),
        }
    }
}

fn want_map() -> String {
    "yaml: map merge requires map or sequence of maps as the value".into()
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

fn scalar(value: &str, tag: &str, implicit: bool) -> Result<Go, String> {
    if tag.is_empty() && !implicit {
        return Ok(Go::Str(value.to_string()));
    }
    let (rtag, resolved) = resolve(tag, value)?;
    if rtag == BINARY_TAG {
        let data = base64::decode_std(value.as_bytes())
            .map_err(|_| "yaml: !!binary value contains invalid base64 data".to_string())?;
        return Ok(Go::Str(String::from_utf8_lossy(&data).into_owned()));
    }
    if rtag == TIMESTAMP_TAG {
        // go-yaml keeps timestamps as text when decoding into interface{}.
        return Ok(Go::Str(value.to_string()));
    }
    Ok(resolved)
}

fn resolvable(tag: &str) -> bool {
    matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | TIMESTAMP_TAG
    )
}

/// go-yaml v2's `resolve`: the type a plain scalar's text denotes (YAML 1.1),
/// checked against an explicit tag.
fn resolve(tag: &str, input: &str) -> Result<(String, Go), String> {
    if !resolvable(tag) {
        return Ok((tag.to_string(), Go::Str(input.to_string())));
    }
    let (rtag, value) = resolve_untagged(tag, input);
    if tag.is_empty() || tag == rtag || tag == STR_TAG || tag == BINARY_TAG {
        return Ok((rtag.to_string(), value));
    }
    if tag == FLOAT_TAG && rtag == INT_TAG {
        if let Go::Int(i) = value {
            return Ok((FLOAT_TAG.to_string(), Go::Float(i as f64)));
        }
    }
    Err(format!(
        "yaml: cannot decode {} `{}` as a {}",
        short_tag(rtag),
        input,
        short_tag(tag)
    ))
}

fn resolve_untagged(tag: &str, input: &str) -> (&'static str, Go) {
    let hint = match input.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 || tag == STR_TAG || tag == BINARY_TAG {
        return (STR_TAG, Go::Str(input.to_string()));
    }
    if let Some(found) = resolve_word(input) {
        return found;
    }
    match hint {
        b'.' => {
            if let Some(f) = go_parse_float(input) {
                return (FLOAT_TAG, Go::Float(f));
            }
        }
        b'D' | b'S' => {
            if (tag.is_empty() || tag == TIMESTAMP_TAG) && looks_like_timestamp(input) {
                return (TIMESTAMP_TAG, Go::Str(input.to_string()));
            }
            let plain = input.replace('_', "");
            if let Some(i) = go_parse_int(&plain) {
                return (INT_TAG, Go::Int(i));
            }
            if let Some(u) = go_parse_uint(&plain) {
                return (INT_TAG, Go::Uint(u));
            }
            if yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return (FLOAT_TAG, Go::Float(f));
                }
            }
        }
        _ => {}
    }
    (STR_TAG, Go::Str(input.to_string()))
}

/// The words YAML 1.1 gives a meaning (booleans, nulls, special floats, `<<`).
fn resolve_word(input: &str) -> Option<(&'static str, Go)> {
    Some(match input {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (BOOL_TAG, Go::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (BOOL_TAG, Go::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => (NULL_TAG, Go::Nil),
        ".nan" | ".NaN" | ".NAN" => (FLOAT_TAG, Go::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            (FLOAT_TAG, Go::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => (FLOAT_TAG, Go::Float(f64::NEG_INFINITY)),
        "<<" => (MERGE_TAG, Go::Str("<<".into())),
        _ => return None,
    })
}

/// go-yaml's timestamp pre-check plus the shapes it accepts (date, or date
/// and time): `2001-12-14`, `2001-12-14t21:59:43.10Z`, `2001-12-14 21:59:43`.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let (date, time) = match rest.find(['T', 't', ' ']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut parts = date.split('-');
    let month_day = (parts.next(), parts.next(), parts.next());
    let date_ok = match month_day {
        (Some(m), Some(d), None) => {
            (1..=2).contains(&m.len())
                && (1..=2).contains(&d.len())
                && m.bytes().chain(d.bytes()).all(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    date_ok
        && time.is_none_or(|t| {
            let mut hms = t.splitn(3, ':');
            let h = hms.next().unwrap_or("");
            let m = hms.next().unwrap_or("");
            !h.is_empty()
                && h.len() <= 2
                && h.bytes().all(|c| c.is_ascii_digit())
                && !m.is_empty()
                && hms.next().is_some()
        })
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// strconv.ParseFloat for decimal text: overflow to infinity is an error.
fn go_parse_float(s: &str) -> Option<f64> {
    let valid = s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !valid {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Splits Go's base prefix (base 0): `0x`, `0o`, `0b`, a leading `0` (octal).
fn go_base_digits(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return (16, &s[2..]),
            b'o' | b'O' => return (8, &s[2..]),
            b'b' | b'B' => return (2, &s[2..]),
            _ => return (8, &s[1..]),
        }
    }
    (10, s)
}

/// strconv.ParseUint(s, 0, 64): no sign.
fn go_parse_uint(s: &str) -> Option<u64> {
    let (base, digits) = go_base_digits(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    u64::from_str_radix(digits, base).ok()
}

/// strconv.ParseInt(s, 0, 64).
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(body)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

// ---------------------------------------------------------------------------
// sigs.k8s.io/yaml: keys become strings, then json.Marshal.

enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

fn to_jsonable(go: Go) -> Result<Json, String> {
    Ok(match go {
        Go::Nil => Json::Null,
        Go::Bool(b) => Json::Bool(b),
        Go::Int(i) => Json::Int(i),
        Go::Uint(u) => Json::Uint(u),
        Go::Float(f) => Json::Float(f),
        Go::Str(s) => Json::Str(s),
        Go::Seq(items) => Json::Arr(
            items
                .into_iter()
                .map(to_jsonable)
                .collect::<Result<_, _>>()?,
        ),
        Go::Map(entries) => {
            let mut out: Vec<(String, Json)> = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let key = match &key {
                    Go::Str(s) => s.clone(),
                    Go::Int(i) => i.to_string(),
                    Go::Float(f) => go_format_g(*f),
                    Go::Bool(b) => b.to_string(),
                    Go::Nil => {
                        return Err(format!(
                            "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                            go_sharp_v(&value)
                        ))
                    }
                    other => {
                        return Err(format!(
                            "unsupported map key of type: {}, key: {}, value: {}",
                            go_type_name(other),
                            go_sharp_v(other),
                            go_sharp_v(&value)
                        ))
                    }
                };
                let value = to_jsonable(value)?;
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => out.push((key, value)),
                }
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Obj(out)
        }
    })
}

/// json.Marshal refuses NaN and infinities; the first one met (keys in
/// sorted order) is the error.
fn check_marshalable(json: &Json) -> Result<(), String> {
    match json {
        Json::Float(f) if !f.is_finite() => {
            Err(format!("json: unsupported value: {}", go_format_g(*f)))
        }
        Json::Arr(items) => items.iter().try_for_each(check_marshalable),
        Json::Obj(entries) => entries.iter().try_for_each(|(_, v)| check_marshalable(v)),
        _ => Ok(()),
    }
}

/// The value the JSON text re-reads as: floats print in Go's shortest form,
/// so whole floats come back as integers (`1.0` → `1`).
fn into_value(json: Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Int(i) => Value::from(i),
        Json::Uint(u) => Value::from(u),
        Json::Float(f) => {
            let text = crate::printers::json::go_float(f);
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
        Json::Str(s) => Value::String(s),
        Json::Arr(items) => Value::Array(items.into_iter().map(into_value).collect()),
        Json::Obj(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k, into_value(v)))
                .collect(),
        ),
    }
}

/// strconv.FormatFloat(f, 'g', -1, 64).
fn go_format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // Shortest 'g' switches to an exponent below 1e-4 and from 1e6 on.
    if !(-4..6).contains(&exp) {
        let (sign, digits) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        format!("{mantissa}e{sign}{digits:02}")
    } else {
        format!("{f}")
    }
}

fn go_type_name(go: &Go) -> &'static str {
    match go {
        Go::Nil => "<nil>",
        Go::Bool(_) => "bool",
        Go::Int(_) => "int",
        Go::Uint(_) => "uint64",
        Go::Float(_) => "float64",
        Go::Str(_) => "string",
        Go::Seq(_) => "[]interface {}",
        Go::Map(_) => "map[interface {}]interface {}",
    }
}

/// Go's `%#v` for decoded YAML values (used in a few error messages).
fn go_sharp_v(go: &Go) -> String {
    match go {
        Go::Nil => "<nil>".into(),
        Go::Bool(b) => b.to_string(),
        Go::Int(i) => i.to_string(),
        Go::Uint(u) => format!("0x{u:x}"),
        Go::Float(f) => go_format_g(*f),
        Go::Str(s) => format!("{s:?}"),
        Go::Seq(items) => {
            let inner: Vec<String> = items.iter().map(go_sharp_v_elem).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        Go::Map(entries) => {
            let mut inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", go_sharp_v_elem(k), go_sharp_v_elem(v)))
                .collect();
            inner.sort();
            format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}

fn go_sharp_v_elem(go: &Go) -> String {
    match go {
        Go::Nil => "interface {}(nil)".into(),
        other => go_sharp_v(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn j(text: &str) -> Value {
        yaml_to_json(text.as_bytes()).unwrap()
    }

    fn err(text: &str) -> String {
        yaml_to_json(text.as_bytes()).unwrap_err()
    }

    #[test]
    fn yaml_1_1_scalars() {
        assert_eq!(
            j("a: yes\nb: off\nc: y\nd: ~\ne: 017\nf: 0x1F\ng: 1_000\nh: 08\ni: 1.0\nj: 1e400\nk: '1'\nl: -0b11\n"),
            json!({"a": true, "b": false, "c": true, "d": null, "e": 15, "f": 31, "g": 1000,
                   "h": 8, "i": 1, "j": "1e400", "k": "1", "l": -3})
        );
        assert_eq!(
            j("o: 9223372036854775808\np: 18446744073709551616\nq: 2001-12-14\nr: .5\n"),
            json!({"o": 9223372036854775808u64, "p": 18446744073709551616.0f64, "q": "2001-12-14", "r": 0.5})
        );
    }

    #[test]
    fn keys_become_sorted_strings() {
        let v = j("n: 1\n1: a\ntrue: b\n1.5: c\nb: 2\n");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["1", "1.5", "b", "false", "true"]);
    }

    #[test]
    fn anchors_aliases_and_merges() {
        assert_eq!(
            j("a: &x [1]\nb: *x\nc:\n  <<: {d: 1, e: 2}\n  e: 3\n"),
            json!({"a": [1], "b": [1], "c": {"d": 1, "e": 3}})
        );
        assert_eq!(
            err("a: &x 1\nb: *y\n"),
            "yaml: unknown anchor 'y' referenced"
        );
        assert_eq!(
            err("a: {<<: 5}\n"),
            "yaml: map merge requires map or sequence of maps as the value"
        );
    }

    #[test]
    fn first_document_only_and_empty_streams() {
        assert_eq!(j("a: 1\n---\nb: 2\n"), json!({"a": 1}));
        assert_eq!(j(""), Value::Null);
        assert_eq!(j("# just a comment\n"), Value::Null);
    }

    #[test]
    fn errors_in_kubectl_words() {
        assert_eq!(err("a: .inf\n"), "json: unsupported value: +Inf");
        assert_eq!(err("a: .nan\n"), "json: unsupported value: NaN");
        assert_eq!(
            err("a: !!int x\n"),
            "yaml: cannot decode !!str `x` as a !!int"
        );
        assert_eq!(
            err("!!binary a: b\n"),
            "yaml: !!binary value contains invalid base64 data"
        );
        assert_eq!(
            err("[a]: b\n"),
            "yaml: invalid map key: []interface {}{\"a\"}"
        );
        assert_eq!(
            err("~: c\n"),
            "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"c\""
        );
        assert_eq!(
            err("key: [\n"),
            "yaml: line 1: did not find expected node content"
        );
    }

    #[test]
    fn go_yaml_flow_scalar_rules() {
        // `x:` before a flow indicator is a scalar; `?` ends one and fails.
        assert_eq!(j("a: [b:, c]\n"), json!({"a": ["b:", "c"]}));
        assert_eq!(j("a: {b: it's:}\n"), json!({"a": {"b": "it's:"}}));
        assert_eq!(
            err("a: [x,\n  b?c]\n"),
            "yaml: line 1: did not find expected ',' or ']'"
        );
        assert_eq!(err("{a: b?c}\n"), "yaml: did not find expected ',' or '}'");
    }

    #[test]
    fn depth_limits() {
        let deep = format!("a: {}{}\n", "[".repeat(10_001), "]".repeat(10_001));
        assert_eq!(
            on_deep_stack(|| err(&deep)),
            "yaml: exceeded max depth of 10000"
        );
        let block: String = (0..10_001)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert_eq!(
            on_deep_stack(|| err(&block)),
            "yaml: line 10001: exceeded max depth of 10000"
        );
    }

    #[test]
    fn go_g_format() {
        assert_eq!(go_format_g(1.5), "1.5");
        assert_eq!(go_format_g(1e21), "1e+21");
        assert_eq!(go_format_g(1e20), "1e+20");
        assert_eq!(go_format_g(100000.0), "100000");
        assert_eq!(go_format_g(1e6), "1e+06");
        assert_eq!(go_format_g(0.0001), "0.0001");
        assert_eq!(go_format_g(0.00001), "1e-05");
    }
}
