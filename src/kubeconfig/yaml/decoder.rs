//! go-yaml's decoding into Go's `interface{}`: scalars resolved, aliases
//! expanded (with the alias-bomb guard), `<<` merges applied.

use std::collections::HashSet;

use super::jsonable::go_sharp_v;
use super::scalars::{scalar, MERGE_TAG};
use super::tree::{Node, Tree};

// ---------------------------------------------------------------------------
// Decoding into Go's `interface{}` (go-yaml's decode.go).

/// A value as go-yaml hands it to sigs.k8s.io/yaml.
#[derive(Debug, Clone)]
pub(super) enum Go {
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

pub(super) struct Decoder<'a> {
    tree: &'a Tree,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    active_aliases: HashSet<usize>,
    /// go-yaml's strict mode: a key met again keeps its first value and is
    /// reported (`line 4: key "a" already set in map`).
    duplicates: Option<Vec<String>>,
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
    pub(super) fn new(tree: &'a Tree) -> Decoder<'a> {
        Decoder {
            tree,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            active_aliases: HashSet::new(),
            duplicates: None,
        }
    }

    /// A decoder in go-yaml's strict mode.
    pub(super) fn strict(tree: &'a Tree) -> Decoder<'a> {
        Decoder {
            duplicates: Some(Vec::new()),
            ..Decoder::new(tree)
        }
    }

    /// The keys strict mode found twice, in go-yaml's words.
    pub(super) fn duplicates(&self) -> &[String] {
        self.duplicates.as_deref().unwrap_or_default()
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

    pub(super) fn unmarshal(&mut self, index: usize) -> Result<Go, String> {
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
                Some(_) if self.duplicates.is_some() => {
                    let line = self.tree.lines.get(v).copied().unwrap_or(0) + 1;
                    let msg = format!("line {line}: key {} already set in map", go_sharp_v(&key));
                    if let Some(d) = &mut self.duplicates {
                        d.push(msg);
                    }
                }
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
