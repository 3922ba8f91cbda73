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
use parse::{List, Node, TreeSet};
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
        let (written, result) = std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(scope, || {
                    let mut buf: Vec<u8> = Vec::new();
                    let result = self.execute_here(data, &mut buf);
                    (buf, result)
                });
            match worker {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    (
                        Vec::new(),
                        Err(ExecError::Template("template execution failed".into())),
                    )
                }),
                Err(e) => (Vec::new(), Err(ExecError::Io(e))),
            }
        });
        out.write_all(&written).map_err(ExecError::Io)?;
        result
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
        Err(ExecError::Template(err)) => {
            let dump = format!(
                "Error executing template: {err}. Printing more information for debugging the template:\n\
                 \ttemplate was:\n\t\t{}\n\
                 \traw data was:\n\t\t{}\n\
                 \tobject given to template engine was:\n\t\t{}\n\n",
                template.raw(),
                crate::printers::json::to_string_compact(obj),
                crate::printers::gofmt::sprint(obj),
            );
            out.write_all(dump.as_bytes())?;
            Err(anyhow::anyhow!(
                "error executing template {}: {err}",
                crate::printers::gofmt::quote(template.raw())
            ))
        }
    }
}
