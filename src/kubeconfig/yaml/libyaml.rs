//! A safe event reader over libyaml (the `unsafe-libyaml` port, which
//! serde_yaml already builds on). go-yaml v2, which kubectl uses through
//! sigs.k8s.io/yaml, is a translation of the same C code, so its scanner and
//! parser report the same problems at the same marks; this module turns
//! them into go-yaml's sentences (`yaml: line 3: did not find expected key`).
//!
//! All unsafe code of the kubeconfig reader lives here.

use std::ffi::{c_char as libc_char, CStr};
use std::mem::MaybeUninit;
use std::ptr::addr_of_mut;

use unsafe_libyaml as yaml_sys_unsafe;

/// One parser event, with the data go-yaml's node builder keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias { anchor: String },
    Scalar(Scalar),
    SequenceStart { anchor: Option<String>, flow: bool },
    SequenceEnd,
    MappingStart { anchor: Option<String>, flow: bool },
    MappingEnd,
}

/// Where an event starts: line and column, both counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Mark {
    pub line: u64,
    pub column: u64,
    /// Byte offset into the input.
    pub index: usize,
}

/// libyaml's own account of a failure, for the places where go-yaml reads
/// on: the problem, its context, and both positions as input offsets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Failure {
    pub problem: String,
    pub context: String,
    pub problem_index: usize,
    pub context_index: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub anchor: Option<String>,
    /// The full tag (`tag:yaml.org,2002:int` for `!!int`), if one was written.
    pub tag: Option<String>,
    pub value: Vec<u8>,
    /// Plain and untagged (or tagged `!`): the value's type is resolved
    /// from its text. Quoted and block scalars are strings.
    pub plain_implicit: bool,
    /// For plain and double-quoted scalars, the text as written.
    pub raw: Option<Vec<u8>>,
    pub double_quoted: bool,
}

/// Reads events from one input. The parser and its input live on the heap
/// because libyaml keeps pointers to both.
pub struct Parser {
    sys: Box<yaml_sys_unsafe::yaml_parser_t>,
    _input: Box<[u8]>,
    failed: Option<String>,
    failure: Option<Failure>,
}

impl Parser {
    pub fn new(input: &[u8]) -> Parser {
        // go-yaml feeds a lone newline for empty input.
        let input: Box<[u8]> = if input.is_empty() {
            Box::from(&b"\n"[..])
        } else {
            Box::from(input)
        };
        let mut raw: Box<MaybeUninit<yaml_sys_unsafe::yaml_parser_t>> =
            Box::new(MaybeUninit::uninit());
        // SAFETY: yaml_parser_initialize fills the whole struct (it only fails
        // when allocation fails, which aborts elsewhere in Rust anyway); the
        // input outlives the parser because both are owned by `Parser` and
        // the parser is deleted first in `Drop`.
        unsafe {
            let p = raw.as_mut_ptr();
            let ok = !yaml_sys_unsafe::yaml_parser_initialize(p).fail;
            assert!(ok, "libyaml could not allocate its parser");
            yaml_sys_unsafe::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as _);
            Parser {
                sys: raw.assume_init(),
                _input: input,
                failed: None,
                failure: None,
            }
        }
    }

    /// The next event and where it starts, or go-yaml's message for the
    /// first problem found.
    pub fn next_marked(&mut self) -> Result<(Event, Mark), String> {
        if let Some(msg) = &self.failed {
            return Err(msg.clone());
        }
        let mut event = MaybeUninit::<yaml_sys_unsafe::yaml_event_t>::uninit();
        // SAFETY: the parser is initialised; a successfully parsed event is
        // read once and then released with yaml_event_delete.
        unsafe {
            let parser: *mut yaml_sys_unsafe::yaml_parser_t = addr_of_mut!(*self.sys);
            if yaml_sys_unsafe::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                let msg = go_yaml_problem(&self.sys);
                self.failed = Some(msg.clone());
                let bom = self.bom_len();
                let text = |p: *const libc_char| {
                    if p.is_null() {
                        String::new()
                    } else {
                        CStr::from_ptr(p).to_string_lossy().into_owned()
                    }
                };
                self.failure = Some(Failure {
                    problem: text(self.sys.problem),
                    context: text(self.sys.context),
                    problem_index: self.sys.problem_mark.index as usize + bom,
                    context_index: self.sys.context_mark.index as usize + bom,
                });
                return Err(msg);
            }
            let event = event.as_mut_ptr();
            let mut converted = convert(&*event);
            if let Event::Scalar(scalar) = &mut converted {
                let style = (*event).data.scalar.style;
                scalar.double_quoted = style == yaml_sys_unsafe::YAML_DOUBLE_QUOTED_SCALAR_STYLE;
                if style == yaml_sys_unsafe::YAML_PLAIN_SCALAR_STYLE || scalar.double_quoted {
                    // Marks count bytes of the UTF-8 buffer, after any BOM.
                    let bom = self.bom_len();
                    let start = (*event).start_mark.index as usize + bom;
                    let end = (*event).end_mark.index as usize + bom;
                    scalar.raw = self._input.get(start..end).map(<[u8]>::to_vec);
                }
            }
            let mark = Mark {
                line: (*event).start_mark.line,
                column: (*event).start_mark.column,
                index: (*event).start_mark.index as usize + self.bom_len(),
            };
            yaml_sys_unsafe::yaml_event_delete(event);
            Ok((converted, mark))
        }
    }
}

impl Parser {
    /// Marks count bytes of libyaml's UTF-8 buffer, which starts after a BOM.
    fn bom_len(&self) -> usize {
        if self._input.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        }
    }

    /// The input being read.
    pub fn input(&self) -> &[u8] {
        &self._input
    }

    /// What libyaml failed on, once it has.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted exactly once.
        unsafe { yaml_sys_unsafe::yaml_parser_delete(addr_of_mut!(*self.sys)) }
    }
}

/// go-yaml's `parser.fail`: scanner errors count lines from 1, parser errors
/// from 0, and a problem on the first line (index 0) gets no line at all.
fn go_yaml_problem(parser: &yaml_sys_unsafe::yaml_parser_t) -> String {
    let mut line = 0u64;
    if parser.problem_mark.line != 0 {
        line = parser.problem_mark.line;
        if parser.error == yaml_sys_unsafe::YAML_SCANNER_ERROR {
            line += 1;
        }
    } else if parser.context_mark.line != 0 {
        line = parser.context_mark.line;
    }
    let where_ = if line != 0 {
        format!("line {line}: ")
    } else {
        String::new()
    };
    let problem = if parser.problem.is_null() {
        String::new()
    } else {
        // SAFETY: libyaml's problems are static NUL-terminated strings.
        unsafe { CStr::from_ptr(parser.problem) }
            .to_string_lossy()
            .into_owned()
    };
    let problem = match problem.as_str() {
        "" => "unknown problem parsing YAML content".to_string(),
        // go-yaml's spelling.
        "did not find expected hexadecimal number" => {
            "did not find expected hexdecimal number".to_string()
        }
        _ => problem,
    };
    format!("yaml: {where_}{problem}")
}

unsafe fn c_string(ptr: *const u8) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: libyaml's anchors and tags are NUL-terminated.
    let s = unsafe { CStr::from_ptr(ptr.cast()) };
    Some(s.to_string_lossy().into_owned())
}

unsafe fn convert(e: &yaml_sys_unsafe::yaml_event_t) -> Event {
    // SAFETY: each union member is read only for its own event type.
    unsafe {
        match e.type_ {
            yaml_sys_unsafe::YAML_STREAM_START_EVENT => Event::StreamStart,
            yaml_sys_unsafe::YAML_STREAM_END_EVENT => Event::StreamEnd,
            yaml_sys_unsafe::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            yaml_sys_unsafe::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            yaml_sys_unsafe::YAML_ALIAS_EVENT => Event::Alias {
                anchor: c_string(e.data.alias.anchor).unwrap_or_default(),
            },
            yaml_sys_unsafe::YAML_SCALAR_EVENT => {
                let s = e.data.scalar;
                let value = if s.value.is_null() {
                    Vec::new()
                } else {
                    std::slice::from_raw_parts(s.value, s.length as usize).to_vec()
                };
                Event::Scalar(Scalar {
                    anchor: c_string(s.anchor),
                    tag: c_string(s.tag),
                    value,
                    plain_implicit: s.plain_implicit,
                    raw: None,
                    double_quoted: false,
                })
            }
            yaml_sys_unsafe::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                anchor: c_string(e.data.sequence_start.anchor),
                flow: e.data.sequence_start.style == yaml_sys_unsafe::YAML_FLOW_SEQUENCE_STYLE,
            },
            yaml_sys_unsafe::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            yaml_sys_unsafe::YAML_MAPPING_START_EVENT => Event::MappingStart {
                anchor: c_string(e.data.mapping_start.anchor),
                flow: e.data.mapping_start.style == yaml_sys_unsafe::YAML_FLOW_MAPPING_STYLE,
            },
            _ => Event::MappingEnd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Result<Vec<Event>, String> {
        let mut p = Parser::new(text.as_bytes());
        let mut out = Vec::new();
        loop {
            let (e, _) = p.next_marked()?;
            let end = e == Event::StreamEnd;
            out.push(e);
            if end {
                return Ok(out);
            }
        }
    }

    #[test]
    fn reads_a_mapping() {
        let ev = events("a: 'b'\n").unwrap();
        assert_eq!(ev.len(), 8);
        match &ev[4] {
            Event::Scalar(s) => {
                assert_eq!(s.value, b"b");
                assert!(!s.plain_implicit);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn problems_use_go_yaml_line_rules() {
        // Scanner error on the first line: no line number.
        assert_eq!(
            events("a: b: c\n").unwrap_err(),
            "yaml: mapping values are not allowed in this context"
        );
        // Scanner error on line 5 (index 4): one-based.
        assert_eq!(
            events("apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: x: y\n")
                .unwrap_err(),
            "yaml: line 5: mapping values are not allowed in this context"
        );
        // Parser error at index 1: printed as is.
        assert_eq!(
            events("a: b\n- c\n").unwrap_err(),
            "yaml: line 1: did not find expected key"
        );
    }
}
