//! go-yaml's node tree over libyaml's events: the first document only,
//! anchors known from the moment a node starts, aliases to unknown anchors
//! failing while parsing, and go-yaml's nesting limits.

use std::collections::HashMap;

use super::libyaml::{Event, Mark, Parser, Scalar};
use super::quirks::{
    escaped_slash, question_mark_in_flow, quote_colon_scalar, tag_cut_short, verbatim_tag,
};

// ---------------------------------------------------------------------------
// The node tree (go-yaml's parser.go): anchors are known from the moment a
// node starts, aliases to unknown anchors fail while parsing.

pub(super) enum Node {
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

pub(super) struct Tree {
    pub(super) nodes: Vec<Node>,
    /// The line (0-based) each node starts on.
    pub(super) lines: Vec<u64>,
    pub(super) root: Option<usize>,
}

struct TreeBuilder {
    parser: Parser,
    peeked: Option<(Event, Mark)>,
    nodes: Vec<Node>,
    lines: Vec<u64>,
    anchors: HashMap<String, usize>,
    /// Open flow collections (`[`, `{`); true for sequences.
    flow: Vec<bool>,
    /// Columns of the open block collections that each indented further.
    block_columns: Vec<u64>,
    /// A tag libyaml ended early (at `,` `[` `]`) where go-yaml reads on:
    /// its offset, to rewrite it and start over.
    retag_at: Option<usize>,
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
    pub(super) fn parse(input: &[u8]) -> Result<Tree, String> {
        let mut text = input.to_vec();
        loop {
            let mut b = TreeBuilder {
                parser: Parser::new(&text),
                peeked: None,
                nodes: Vec::new(),
                lines: Vec::new(),
                anchors: HashMap::new(),
                flow: Vec::new(),
                block_columns: Vec::new(),
                retag_at: None,
            };
            match b.document() {
                Ok(root) => {
                    return Ok(Tree {
                        nodes: b.nodes,
                        lines: b.lines,
                        root,
                    })
                }
                Err(e) => {
                    // Where libyaml 0.2.5 and go-yaml v2 read differently,
                    // rewrite the spot into a form both read go-yaml's way,
                    // then start over.
                    if std::str::from_utf8(&text).is_err() {
                        return Err(e);
                    }
                    if let Some(at) = b.retag_at.take() {
                        match verbatim_tag(&text, at) {
                            Some(rewritten) => text = rewritten,
                            None => return Err(e),
                        }
                        continue;
                    }
                    let in_sequence = b.flow.last().copied().unwrap_or(true);
                    match b.parser.failure().cloned() {
                        Some(f) if f.problem == "found unexpected ':'" => {
                            text = quote_colon_scalar(
                                &text,
                                f.context_index,
                                f.problem_index,
                                in_sequence,
                            )?;
                        }
                        Some(f)
                            if f.context == "while scanning a tag"
                                && f.problem
                                    == "did not find expected whitespace or line break" =>
                        {
                            match verbatim_tag(&text, f.context_index) {
                                Some(rewritten) => text = rewritten,
                                None => return Err(e),
                            }
                        }
                        _ => return Err(e),
                    }
                }
            }
        }
    }
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
        if tag_cut_short(self.parser.input(), &event, mark) {
            self.retag_at = Some(mark.index);
            return Err("yaml: tag read differently".into());
        }
        let index = self.nodes.len();
        self.lines.push(mark.line);
        match event {
            Event::Scalar(Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                raw,
                double_quoted,
            }) => {
                match (&raw, double_quoted, self.flow.last()) {
                    (Some(raw), true, _) => escaped_slash(raw, mark)?,
                    (Some(raw), false, Some(&in_sequence)) => {
                        question_mark_in_flow(raw, mark, in_sequence)?
                    }
                    _ => {}
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
