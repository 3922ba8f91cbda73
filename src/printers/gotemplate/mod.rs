//! Go's `text/template` as kubectl's `-o go-template` uses it: Go's syntax,
//! built-in functions and error wording, plus kubectl's `exists` and
//! `base64decode`, executed over the object decoded from JSON (maps with
//! sorted keys, whole numbers as `int64`).
//!
//! Parse once with [`GoTemplate::parse`], then print each object with
//! [`print_object`], which fails the way kubectl does: it writes a
//! debugging dump of the object to the output, then returns the error.

mod exec;
mod fmt;
mod funcs;
mod lex;
mod parse;
mod strconv;
mod value;

#[cfg(test)]
mod tests;

use std::io::Write;

use serde_json::Value;

use exec::{Exec, Flow};
pub use parse::ParseError;
use parse::{Arg, Branch, Command, List, Node, Pipe, TreeSet};
use value::GoValue;

/// kubectl names its template `output`.
const NAME: &str = "output";

/// A parsed template and kubectl's `missingkey` option.
#[derive(Debug, Clone)]
pub struct GoTemplate {
    raw: String,
    set: TreeSet,
    missing_error: bool,
    /// Whether `{{template}}` calls can nest (deep recursion needs a big
    /// stack).
    calls_templates: bool,
}

impl PartialEq for GoTemplate {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw && self.missing_error == other.missing_error
    }
}

/// Why a template could not be executed.
#[derive(Debug)]
pub enum ExecError {
    /// Go's execution error (`template: output:1:2: executing …`).
    Template(String),
    Io(std::io::Error),
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::Template(msg) => f.write_str(msg),
            ExecError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ExecError {}

fn has_template_calls(list: &List) -> bool {
    list.nodes.iter().any(|n| match n {
        Node::Template(_) => true,
        Node::If(b) | Node::Range(b) | Node::With(b) => {
            has_template_calls(&b.list) || b.else_list.as_ref().is_some_and(has_template_calls)
        }
        _ => false,
    })
}

impl GoTemplate {
    /// Parses `text` with kubectl's functions; missing keys print
    /// `<no value>` until [`allow_missing_keys`](Self::allow_missing_keys)
    /// says otherwise.
    pub fn parse(text: &str) -> Result<GoTemplate, ParseError> {
        let set = parse::parse(NAME, text)?;
        let calls_templates = set.values().any(has_template_calls);
        Ok(GoTemplate {
            raw: text.to_string(),
            set,
            missing_error: false,
            calls_templates,
        })
    }

    /// `missingkey=default` (allowed) or `missingkey=error`.
    pub fn allow_missing_keys(mut self, allow: bool) -> GoTemplate {
        self.missing_error = !allow;
        self
    }

    /// The template as the user gave it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Executes the template with `data` as dot, writing as it goes (what
    /// was written before an error stays written, as in Go).
    pub fn execute(&self, data: &Value, out: &mut dyn Write) -> Result<(), ExecError> {
        if self.calls_templates {
            return self.execute_on_big_stack(data, out);
        }
        self.execute_here(data, out)
    }

    fn execute_here(&self, data: &Value, out: &mut dyn Write) -> Result<(), ExecError> {
        let Some(root) = self.set.get(NAME) else {
            return Err(ExecError::Template(format!(
                "template: {NAME}: \"{NAME}\" is an incomplete or empty template"
            )));
        };
        let mut exec = Exec::new(&self.set, &self.raw, NAME, out, self.missing_error);
        match exec.run(root, GoValue::from_json(data, false)) {
            Ok(()) | Err(Flow::Break | Flow::Continue) => Ok(()),
            Err(Flow::Error(msg)) => Err(ExecError::Template(msg)),
            Err(Flow::Io(e)) => Err(ExecError::Io(e)),
        }
    }

    /// Templates that call templates may recurse as deep as Go allows
    /// (100,000 calls): run them on a thread with room for that.
    fn execute_on_big_stack(&self, data: &Value, out: &mut dyn Write) -> Result<(), ExecError> {
        const STACK: usize = 1 << 30;
        let run = || {
            let mut buf: Vec<u8> = Vec::new();
            let result = self.execute_here(data, &mut buf);
            (buf, result)
        };
        let (written, result) = match crate::stack::with_stack(STACK, run) {
            Ok(Ok(done)) => done,
            Ok(Err(_panic)) => (
                Vec::new(),
                Err(ExecError::Template("template execution failed".into())),
            ),
            Err(e) => (Vec::new(), Err(ExecError::Io(e))),
        };
        out.write_all(&written).map_err(ExecError::Io)?;
        result
    }
}

/// A template shaped `TEXT{{range .items}}BODY{{end}}TEXT` (the range may
/// declare `$item` or `$i, $item`, and have an `{{else}}`), whose body never
/// reads `$`: over a `List` it prints the leading text, the body once per
/// item, then the trailing text. Such a template can print a list item by
/// item as pages arrive, with the same bytes as over the whole list.
pub struct ItemStream<'t> {
    template: &'t GoTemplate,
    leading: Vec<&'t [u8]>,
    range: &'t Branch,
    trailing: Vec<&'t [u8]>,
    index: usize,
    stopped: bool,
}

/// Whether anything in `list` reads the variable `$` (the whole list).
fn list_reads_root(list: &List) -> bool {
    list.nodes.iter().any(|n| match n {
        Node::Action(a) => pipe_reads_root(&a.pipe),
        Node::If(b) | Node::Range(b) | Node::With(b) => {
            pipe_reads_root(&b.pipe)
                || list_reads_root(&b.list)
                || b.else_list.as_ref().is_some_and(list_reads_root)
        }
        Node::Template(t) => t.pipe.as_ref().is_some_and(pipe_reads_root),
        Node::Text(_) | Node::Break | Node::Continue => false,
    })
}

fn pipe_reads_root(pipe: &Pipe) -> bool {
    pipe.cmds.iter().any(command_reads_root)
}

fn command_reads_root(cmd: &Command) -> bool {
    cmd.args.iter().any(arg_reads_root)
}

fn arg_reads_root(arg: &Arg) -> bool {
    match arg {
        Arg::Variable(_, ident) => ident[0] == "$",
        Arg::Chain { node, .. } => arg_reads_root(node),
        Arg::Pipe(p) => pipe_reads_root(p),
        _ => false,
    }
}

impl GoTemplate {
    /// The template as an [`ItemStream`], when it has that shape.
    pub fn item_stream(&self) -> Option<ItemStream<'_>> {
        if self.calls_templates {
            return None;
        }
        let root = self.set.get(NAME)?;
        let mut leading = Vec::new();
        let mut trailing = Vec::new();
        let mut range = None;
        for node in &root.nodes {
            match node {
                Node::Text(t) if range.is_none() => leading.push(t.as_slice()),
                Node::Text(t) => trailing.push(t.as_slice()),
                Node::Range(b) if range.is_none() => range = Some(b),
                _ => return None,
            }
        }
        let range = range?;
        let over_items = matches!(
            range.pipe.cmds.as_slice(),
            [Command { args, .. }] if matches!(args.as_slice(), [Arg::Field(_, f)] if f.len() == 1 && f[0] == "items")
        );
        if !over_items || range.pipe.is_assign || range.pipe.decl.len() > 2 {
            return None;
        }
        if list_reads_root(&range.list) {
            return None;
        }
        Some(ItemStream {
            template: self,
            leading,
            range,
            trailing,
            index: 0,
            stopped: false,
        })
    }
}

impl ItemStream<'_> {
    /// Prints one item of the list (the leading text first, before the
    /// first item).
    pub fn item(&mut self, item: &Value, out: &mut dyn Write) -> Result<(), ExecError> {
        if self.index == 0 {
            for text in &self.leading {
                out.write_all(text).map_err(ExecError::Io)?;
            }
        }
        let index = self.index;
        self.index += 1;
        if self.stopped {
            return Ok(());
        }
        let t = self.template;
        let mut exec = Exec::new(&t.set, &t.raw, NAME, out, t.missing_error);
        match exec.run_range_body(self.range, index, GoValue::from_json(item, true)) {
            Ok(()) => Ok(()),
            Err(Flow::Break) => {
                self.stopped = true;
                Ok(())
            }
            Err(Flow::Continue) => Ok(()),
            Err(Flow::Error(msg)) => {
                self.stopped = true;
                Err(ExecError::Template(msg))
            }
            Err(Flow::Io(e)) => Err(ExecError::Io(e)),
        }
    }

    /// Ends the list: `Ok(false)` when it had no items, and the caller
    /// must print the whole (empty) list with the template instead.
    pub fn finish(&mut self, out: &mut dyn Write) -> std::io::Result<bool> {
        if self.index == 0 {
            return Ok(false);
        }
        for text in &self.trailing {
            out.write_all(text)?;
        }
        Ok(true)
    }
}

/// kubectl's go-template printer for one object. On an execution error it
/// writes its debugging dump to `out` (the template, the object as JSON and
/// as Go prints the decoded map), then fails with
/// `error executing template "…": …`.
pub fn print_object(template: &GoTemplate, obj: &Value, out: &mut dyn Write) -> anyhow::Result<()> {
    match template.execute(obj, out) {
        Ok(()) => Ok(()),
        Err(ExecError::Io(e)) => Err(e.into()),
        Err(ExecError::Template(err)) => Err(failure(template, obj, &err, out)),
    }
}

/// kubectl's reaction to a failed execution over `obj`: the debugging dump
/// written to `out`, and the error to report.
pub fn failure(
    template: &GoTemplate,
    obj: &Value,
    err: &str,
    out: &mut dyn Write,
) -> anyhow::Error {
    let dump = format!(
        "Error executing template: {err}. Printing more information for debugging the template:\n\
         \ttemplate was:\n\t\t{}\n\
         \traw data was:\n\t\t{}\n\
         \tobject given to template engine was:\n\t\t{}\n\n",
        template.raw(),
        crate::printers::json::to_string_compact(obj),
        crate::printers::gofmt::sprint(obj),
    );
    if let Err(e) = out.write_all(dump.as_bytes()) {
        return e.into();
    }
    anyhow::anyhow!(
        "error executing template {}: {err}",
        crate::printers::gofmt::quote(template.raw())
    )
}
