//! Executing a parsed template over one object, as Go's `text/template`
//! does: output written as it is produced, variables, `range` over sorted
//! map keys, `missingkey=default|error`, and execution errors that name
//! the node being evaluated (`template: output:1:7: executing "output" at
//! <.spec.x>: …`).

use std::io::Write;

use serde_json::Value;

use super::fmt;
use super::funcs::{self, Param};
use super::parse::{Arg, Branch, Command, List, Node, Number, Pipe, TemplateCall, TreeSet};
use super::value::{GoValue, Kind};

/// Go's limit on nested `{{template}}` calls.
pub const MAX_EXEC_DEPTH: usize = 100_000;

/// Why execution stopped.
pub enum Flow {
    /// An execution error, fully worded.
    Error(String),
    Io(std::io::Error),
    Break,
    Continue,
}

type R<T> = Result<T, Flow>;

/// The node Go last marked as current: execution errors point at it.
#[derive(Clone, Copy)]
enum At<'a> {
    Pipe(&'a Pipe),
    Command(&'a Command),
    Arg(&'a Arg),
    Template(&'a TemplateCall),
}

impl At<'_> {
    fn pos(&self) -> usize {
        match self {
            At::Pipe(p) => p.pos,
            At::Command(c) => c.pos,
            At::Arg(a) => a.pos(),
            At::Template(t) => t.pos,
        }
    }

    fn context(&self) -> String {
        let mut s = String::new();
        match self {
            At::Pipe(p) => p.write_to(&mut s),
            At::Command(c) => c.write_to(&mut s),
            At::Arg(a) => a.write_to(&mut s),
            At::Template(t) => t.write_to(&mut s),
        }
        s
    }
}

pub struct Exec<'a, 'w> {
    pub set: &'a TreeSet,
    pub text: &'a str,
    pub parse_name: &'a str,
    pub name: &'a str,
    pub out: &'w mut dyn Write,
    pub missing_error: bool,
    node: Option<At<'a>>,
    vars: Vec<(&'a str, GoValue<'a>)>,
    depth: usize,
    scratch: Vec<u8>,
}

impl<'a, 'w> Exec<'a, 'w> {
    pub fn new(
        set: &'a TreeSet,
        text: &'a str,
        name: &'a str,
        out: &'w mut dyn Write,
        missing_error: bool,
    ) -> Exec<'a, 'w> {
        Exec {
            set,
            text,
            parse_name: name,
            name,
            out,
            missing_error,
            node: None,
            vars: Vec::new(),
            depth: 0,
            scratch: Vec::new(),
        }
    }

    /// Runs the template `name` with `data` as dot and `$`.
    pub fn run(&mut self, root: &'a List, data: GoValue<'a>) -> R<()> {
        self.vars.clear();
        self.vars.push(("$", data.clone()));
        self.node = None;
        self.walk_list(&data, root)
    }

    /// Runs one iteration of a top-level `{{range .items}}` body on `elem`
    /// (the item at `index`), as Go's range would.
    pub fn run_range_body(&mut self, range: &'a Branch, index: usize, elem: GoValue<'a>) -> R<()> {
        self.vars.clear();
        // `$` is the whole list, which the caller made sure is never read.
        self.vars.push(("$", GoValue::INVALID));
        match range.pipe.decl.as_slice() {
            [] => {}
            [v] => self.vars.push((v.as_str(), elem.clone())),
            [i, v, ..] => {
                self.vars
                    .push((i.as_str(), GoValue::new(Kind::Int(index as i64))));
                self.vars.push((v.as_str(), elem.clone()));
            }
        }
        self.node = None;
        match self.walk_list(&elem, &range.list) {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn at(&mut self, at: At<'a>) {
        self.node = Some(at);
    }

    fn errorf(&self, msg: impl std::fmt::Display) -> Flow {
        let name = crate::printers::gofmt::quote(self.name);
        Flow::Error(match self.node {
            None => format!("template: {}: {msg}", self.name),
            Some(at) => {
                let pos = at.pos().min(self.text.len());
                let before = &self.text.as_bytes()[..pos];
                let line = 1 + before.iter().filter(|b| **b == b'\n').count();
                let col = match before.iter().rposition(|b| *b == b'\n') {
                    Some(nl) => pos - (nl + 1),
                    None => pos,
                };
                format!(
                    "template: {}:{line}:{col}: executing {name} at <{}>: {msg}",
                    self.parse_name,
                    at.context()
                )
            }
        })
    }

    fn write(&mut self, bytes: &[u8]) -> R<()> {
        self.out.write_all(bytes).map_err(Flow::Io)
    }

    fn walk_list(&mut self, dot: &GoValue<'a>, list: &'a List) -> R<()> {
        for node in &list.nodes {
            self.walk(dot, node)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &GoValue<'a>, node: &'a Node) -> R<()> {
        match node {
            Node::Text(text) => self.write(text),
            Node::Action(action) => {
                let val = self.eval_pipeline(dot, Some(&action.pipe))?;
                if action.pipe.decl.is_empty() {
                    self.print_value(&val)?;
                }
                Ok(())
            }
            Node::If(b) => self.walk_if_or_with(false, dot, b),
            Node::With(b) => self.walk_if_or_with(true, dot, b),
            Node::Range(b) => self.walk_range(dot, b),
            Node::Template(t) => self.walk_template(dot, t),
            Node::Break => Err(Flow::Break),
            Node::Continue => Err(Flow::Continue),
        }
    }

    fn print_value(&mut self, v: &GoValue<'a>) -> R<()> {
        match &v.kind {
            Kind::Invalid => self.write(b"<no value>"),
            Kind::Str(s) => self.out.write_all(s).map_err(Flow::Io),
            Kind::Int64(i) | Kind::Int(i) => {
                let text = i.to_string();
                self.write(text.as_bytes())
            }
            _ => {
                let mut buf = std::mem::take(&mut self.scratch);
                buf.clear();
                fmt::sprint_one(v, &mut buf);
                let result = self.write(&buf);
                self.scratch = buf;
                result
            }
        }
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &GoValue<'a>, b: &'a Branch) -> R<()> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, Some(&b.pipe))?;
        let result = if val.unwrapped().truth() {
            if with {
                self.walk_list(&val, &b.list)
            } else {
                self.walk_list(dot, &b.list)
            }
        } else if let Some(else_list) = &b.else_list {
            self.walk_list(dot, else_list)
        } else {
            Ok(())
        };
        self.vars.truncate(mark);
        result
    }

    fn set_var(&mut self, name: &str, value: GoValue<'a>) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| *n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.errorf(format_args!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, value: GoValue<'a>) {
        let len = self.vars.len();
        if n <= len {
            self.vars[len - n].1 = value;
        }
    }

    fn walk_range(&mut self, dot: &GoValue<'a>, r: &'a Branch) -> R<()> {
        let mark0 = self.vars.len();
        let result = self.walk_range_inner(dot, r);
        self.vars.truncate(mark0);
        match result {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn one_iteration(
        &mut self,
        r: &'a Branch,
        mark: usize,
        index: GoValue<'a>,
        elem: GoValue<'a>,
    ) -> R<()> {
        let decl = &r.pipe.decl;
        if !decl.is_empty() {
            if r.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0], index.clone())?;
                } else {
                    self.set_var(&decl[0], elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if r.pipe.is_assign {
                self.set_var(&decl[1], elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let result = self.walk_list(&elem, &r.list);
        self.vars.truncate(mark);
        match result {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn walk_range_inner(&mut self, dot: &GoValue<'a>, r: &'a Branch) -> R<()> {
        let val = self.eval_pipeline(dot, Some(&r.pipe))?.unwrapped();
        let mark = self.vars.len();
        let ran = match &val.kind {
            Kind::Int(_) | Kind::Int64(_) | Kind::Uint8(_) => {
                if r.pipe.decl.len() > 1 {
                    return Err(self.errorf(format_args!(
                        "can't use {} to iterate over more than one variable",
                        fmt::v(&val)
                    )));
                }
                let n = match val.kind {
                    Kind::Int(i) | Kind::Int64(i) => i,
                    Kind::Uint8(u) => u as i64,
                    _ => 0,
                };
                for i in 0..n.max(0) {
                    let elem = GoValue::new(match val.kind {
                        Kind::Int(_) => Kind::Int(i),
                        Kind::Uint8(_) => Kind::Uint8(i as u8),
                        _ => Kind::Int64(i),
                    });
                    self.one_iteration(r, mark, GoValue::INVALID, elem)?;
                }
                n > 0
            }
            Kind::Slice(items) => {
                for (i, elem) in items.elements().enumerate() {
                    let index = GoValue::new(Kind::Int(i as i64));
                    self.one_iteration(r, mark, index, elem)?;
                }
                items.len > 0
            }
            Kind::Map(map) => {
                let mut entries: Vec<(&'a String, &'a Value)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                for (k, v) in &entries {
                    let key = GoValue::new(Kind::Str(std::borrow::Cow::Borrowed(k.as_bytes())));
                    self.one_iteration(r, mark, key, GoValue::from_json(v, true))?;
                }
                !entries.is_empty()
            }
            Kind::Invalid => false,
            _ => return Err(self.errorf(format_args!("range can't iterate over {}", fmt::v(&val)))),
        };
        if !ran {
            if let Some(else_list) = &r.else_list {
                return self.walk_list(dot, else_list);
            }
        }
        Ok(())
    }

    fn walk_template(&mut self, dot: &GoValue<'a>, t: &'a TemplateCall) -> R<()> {
        self.at(At::Template(t));
        let Some((name, root)) = self.set.get_key_value(&t.name) else {
            return Err(self.errorf(format_args!(
                "template {} not defined",
                crate::printers::gofmt::quote(&t.name)
            )));
        };
        if self.depth == MAX_EXEC_DEPTH {
            return Err(self.errorf(format_args!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            )));
        }
        let new_dot = self.eval_pipeline(dot, t.pipe.as_ref())?;
        // No dynamic scoping: the called template sees only `$`.
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$", new_dot.clone())]);
        let saved_name = std::mem::replace(&mut self.name, name.as_str());
        let saved_node = self.node;
        self.depth += 1;
        let result = self.walk_list(&new_dot, root);
        self.depth -= 1;
        self.vars = saved_vars;
        self.name = saved_name;
        self.node = saved_node;
        result
    }

    fn eval_pipeline(&mut self, dot: &GoValue<'a>, pipe: Option<&'a Pipe>) -> R<GoValue<'a>> {
        let Some(pipe) = pipe else {
            return Ok(GoValue::INVALID);
        };
        self.at(At::Pipe(pipe));
        let mut value: Option<GoValue<'a>> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(if v.iface { v.unwrapped() } else { v });
        }
        let value = value.unwrap_or(GoValue::INVALID);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name.as_str(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Arg], has_final: bool) -> R<()> {
        if args.len() > 1 || has_final {
            return Err(self.errorf(format_args!(
                "can't give argument to non-function {}",
                args[0].to_go_string()
            )));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &GoValue<'a>,
        cmd: &'a Command,
        fin: Option<GoValue<'a>>,
    ) -> R<GoValue<'a>> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(..) => return self.eval_field_node(dot, first, cmd.args.len(), fin),
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, cmd.args.len(), fin),
            Arg::Identifier(_, name) => {
                return self.eval_function(dot, first, name, At::Command(cmd), Some(&cmd.args), fin)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, fin.is_some())?;
                return self.eval_pipeline(dot, Some(p));
            }
            Arg::Variable(..) => return self.eval_variable_node(dot, first, Some(&cmd.args), fin),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, fin.is_some())?;
        match first {
            Arg::Bool(_, b) => Ok(GoValue::new(Kind::Bool(*b))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.errorf("nil is not a command")),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String { text, .. } => Ok(GoValue::new(Kind::Str(std::borrow::Cow::Borrowed(
                text.as_slice(),
            )))),
            _ => Err(self.errorf(format_args!(
                "can't evaluate command {}",
                crate::printers::gofmt::quote(&first.to_go_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, node: &'a Arg, n: &Number) -> R<GoValue<'a>> {
        self.at(At::Arg(node));
        if let Some((re, im)) = n.complex {
            return Ok(GoValue::new(Kind::Complex(re, im)));
        }
        let text = n.text.as_str();
        let hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        let rune_int = text.starts_with('\'');
        if let Some(f) = n.float {
            if !hex_int && !rune_int && text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Ok(GoValue::new(Kind::Float(f)));
            }
        }
        if let Some(i) = n.int {
            return Ok(GoValue::new(Kind::Int(i)));
        }
        if n.uint.is_some() {
            return Err(self.errorf(format_args!("{text} overflows int")));
        }
        Ok(GoValue::INVALID)
    }

    fn eval_field_node(
        &mut self,
        dot: &GoValue<'a>,
        node: &'a Arg,
        nargs: usize,
        fin: Option<GoValue<'a>>,
    ) -> R<GoValue<'a>> {
        self.at(At::Arg(node));
        let Arg::Field(_, ident) = node else {
            return Ok(GoValue::INVALID);
        };
        self.eval_field_chain(dot.clone(), ident, nargs, fin)
    }

    fn eval_chain_node(
        &mut self,
        dot: &GoValue<'a>,
        node: &'a Arg,
        nargs: usize,
        fin: Option<GoValue<'a>>,
    ) -> R<GoValue<'a>> {
        self.at(At::Arg(node));
        let Arg::Chain {
            node: inner,
            fields,
            ..
        } = node
        else {
            return Ok(GoValue::INVALID);
        };
        if let Arg::Nil(_) = **inner {
            return Err(self.errorf(format_args!(
                "indirection through explicit nil in {}",
                node.to_go_string()
            )));
        }
        let receiver = self.eval_arg(dot, None, inner)?;
        self.eval_field_chain(receiver, fields, nargs, fin)
    }

    fn eval_variable_node(
        &mut self,
        _dot: &GoValue<'a>,
        node: &'a Arg,
        args: Option<&'a [Arg]>,
        fin: Option<GoValue<'a>>,
    ) -> R<GoValue<'a>> {
        self.at(At::Arg(node));
        let Arg::Variable(_, ident) = node else {
            return Ok(GoValue::INVALID);
        };
        let value = match self.vars.iter().rev().find(|(n, _)| *n == ident[0]) {
            Some((_, v)) => v.clone(),
            None => return Err(self.errorf(format_args!("undefined variable: {}", ident[0]))),
        };
        if ident.len() == 1 {
            if let Some(args) = args {
                self.not_a_function(args, fin.is_some())?;
            } else if fin.is_some() {
                return Err(self.errorf(format_args!(
                    "can't give argument to non-function {}",
                    node.to_go_string()
                )));
            }
            return Ok(value);
        }
        let nargs = args.map_or(0, <[Arg]>::len);
        self.eval_field_chain(value, &ident[1..], nargs, fin)
    }

    fn eval_field_chain(
        &mut self,
        mut receiver: GoValue<'a>,
        ident: &'a [String],
        nargs: usize,
        fin: Option<GoValue<'a>>,
    ) -> R<GoValue<'a>> {
        let n = ident.len();
        for name in &ident[..n - 1] {
            receiver = self.eval_field(name, 0, false, receiver)?;
        }
        self.eval_field(&ident[n - 1], nargs, fin.is_some(), receiver)
    }

    fn eval_field(
        &mut self,
        name: &str,
        nargs: usize,
        has_final: bool,
        receiver: GoValue<'a>,
    ) -> R<GoValue<'a>> {
        let quoted = || crate::printers::gofmt::quote(name);
        if !receiver.is_valid() {
            if self.missing_error {
                return Err(self.errorf(format_args!("nil data; no entry for key {}", quoted())));
            }
            return Ok(GoValue::INVALID);
        }
        let typ = receiver.type_name().unwrap_or("");
        if let Kind::Nil = receiver.kind {
            return Err(self.errorf(format_args!("nil pointer evaluating {typ}.{name}")));
        }
        let has_args = nargs > 1 || has_final;
        if let Kind::Map(map) = receiver.kind {
            if has_args {
                return Err(self.errorf(format_args!("{name} is not a method but has arguments")));
            }
            return match map.get(name) {
                Some(v) => Ok(GoValue::from_json(v, true)),
                None if self.missing_error => {
                    Err(self.errorf(format_args!("map has no entry for key {}", quoted())))
                }
                None => Ok(GoValue::INVALID),
            };
        }
        Err(self.errorf(format_args!("can't evaluate field {name} in type {typ}")))
    }

    fn eval_function(
        &mut self,
        dot: &GoValue<'a>,
        ident: &'a Arg,
        name: &'a str,
        node: At<'a>,
        args: Option<&'a [Arg]>,
        fin: Option<GoValue<'a>>,
    ) -> R<GoValue<'a>> {
        self.at(At::Arg(ident));
        let Some(sig) = funcs::signature(name) else {
            return Err(self.errorf(format_args!(
                "{} is not a defined function",
                crate::printers::gofmt::quote(name)
            )));
        };
        // The function's own node is not an argument.
        let args: &'a [Arg] = args.map_or(&[], |a| &a[1..]);
        let num_in = args.len() + usize::from(fin.is_some());
        let num_fixed = if sig.variadic.is_some() {
            if num_in < sig.fixed.len() {
                return Err(self.errorf(format_args!(
                    "wrong number of args for {name}: want at least {} got {}",
                    sig.fixed.len(),
                    args.len()
                )));
            }
            sig.fixed.len()
        } else {
            if num_in != sig.fixed.len() {
                return Err(self.errorf(format_args!(
                    "wrong number of args for {name}: want {} got {num_in}",
                    sig.fixed.len()
                )));
            }
            args.len()
        };
        let param = |i: usize| -> Param {
            if i < sig.fixed.len() {
                sig.fixed[i]
            } else {
                sig.variadic.unwrap_or(Param::Iface)
            }
        };

        // `and` and `or` evaluate their arguments only as far as needed.
        if name == "and" || name == "or" {
            let mut v = GoValue::INVALID;
            for arg in args {
                v = self.eval_arg(dot, Some(Param::Reflect), arg)?;
                if v.unwrapped().truth() == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = self.validate_type(f, Some(Param::Reflect))?;
            }
            return Ok(v);
        }

        let mut argv: Vec<GoValue<'a>> = Vec::with_capacity(num_in);
        for (i, arg) in args.iter().enumerate() {
            let p = if i < num_fixed {
                param(i)
            } else {
                param(sig.fixed.len())
            };
            argv.push(self.eval_arg(dot, Some(p), arg)?);
        }
        if let Some(f) = fin {
            let p = if sig.variadic.is_some() {
                if num_in - 1 < num_fixed {
                    param(num_in - 1)
                } else {
                    param(sig.fixed.len())
                }
            } else {
                param(sig.fixed.len() - 1)
            };
            argv.push(self.validate_type(f, Some(p))?);
        }

        let result = if name == "call" {
            // Go names the callee by its node, or by the piped value's
            // `reflect.Value.String()`.
            let callee = match (args.first(), argv.first()) {
                (Some(a), _) => a.to_go_string(),
                (
                    None,
                    Some(GoValue {
                        kind: Kind::Str(s), ..
                    }),
                ) => String::from_utf8_lossy(s).into_owned(),
                (None, Some(v)) => match v.type_name() {
                    Some(t) => format!("<{t} Value>"),
                    None => "<invalid Value>".into(),
                },
                (None, None) => String::new(),
            };
            Err(call_error(&callee, &argv[0]))
        } else {
            funcs::call(name, argv)
        };
        result.map_err(|e| {
            self.node = Some(node);
            self.errorf(format_args!("error calling {name}: {e}"))
        })
    }

    /// Go's `validateType` for the parameter kinds templates meet.
    fn validate_type(&mut self, value: GoValue<'a>, param: Option<Param>) -> R<GoValue<'a>> {
        let Some(param) = param else {
            return Ok(value);
        };
        match param {
            Param::Reflect => Ok(value),
            Param::Iface => Ok(match value.kind {
                Kind::Invalid => GoValue::nil(),
                Kind::Nil => value,
                _ => value.unwrapped(),
            }),
            Param::Str => match (&value.kind, value.iface) {
                (Kind::Invalid, _) => Err(self.errorf("invalid value; expected string")),
                (Kind::Str(_), _) => Ok(value.unwrapped()),
                (Kind::Nil, _) => {
                    Err(self.errorf("wrong type for value; expected string; got interface {}"))
                }
                (kind, _) => Err(self.errorf(format_args!(
                    "wrong type for value; expected string; got {}",
                    kind.type_name().unwrap_or("")
                ))),
            },
        }
    }

    fn eval_arg(&mut self, dot: &GoValue<'a>, param: Option<Param>, n: &'a Arg) -> R<GoValue<'a>> {
        self.at(At::Arg(n));
        match n {
            Arg::Dot(_) => return self.validate_type(dot.clone(), param),
            Arg::Nil(_) => {
                return match param {
                    Some(Param::Iface) => Ok(GoValue::nil()),
                    Some(Param::Reflect) | None => Ok(GoValue::INVALID),
                    Some(Param::Str) => Err(self.errorf("cannot assign nil to string")),
                }
            }
            Arg::Field(..) => {
                let v = self.eval_field_node(dot, n, 1, None)?;
                return self.validate_type(v, param);
            }
            Arg::Variable(..) => {
                let v = self.eval_variable_node(dot, n, None, None)?;
                return self.validate_type(v, param);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, Some(p))?;
                return self.validate_type(v, param);
            }
            Arg::Identifier(_, name) => {
                let v = self.eval_function(dot, n, name, At::Arg(n), None, None)?;
                return self.validate_type(v, param);
            }
            Arg::Chain { .. } => {
                let v = self.eval_chain_node(dot, n, 0, None)?;
                return self.validate_type(v, param);
            }
            _ => {}
        }
        match param {
            Some(Param::Str) => match n {
                Arg::String { text, .. } => Ok(GoValue::new(Kind::Str(
                    std::borrow::Cow::Borrowed(text.as_slice()),
                ))),
                _ => Err(self.errorf(format_args!("expected string; found {}", n.to_go_string()))),
            },
            _ => match n {
                Arg::Bool(_, b) => Ok(GoValue::new(Kind::Bool(*b))),
                Arg::Number(num) => self.ideal_constant(n, num),
                Arg::String { text, .. } => Ok(GoValue::new(Kind::Str(
                    std::borrow::Cow::Borrowed(text.as_slice()),
                ))),
                _ => Err(self.errorf(format_args!(
                    "can't handle assignment of {} to empty interface argument",
                    n.to_go_string()
                ))),
            },
        }
    }
}

/// `call` on something that is not a function (nothing in a decoded
/// object is one).
fn call_error(callee: &str, f: &GoValue) -> String {
    match f.unwrapped().kind.type_name() {
        None => "call of nil".to_string(),
        Some(t) => format!("non-function {callee} of type {t}"),
    }
}
