//! The parser of Go's `text/template`: a tree per template (the main one
//! plus every `{{define}}` and `{{block}}`), with Go's error messages and
//! line numbers (`template: output:1: unexpected "}" in operand`), and
//! nodes that print back as Go prints them in execution errors.

use std::collections::HashMap;

use super::lex::{Item, ItemType, Lexer};
use super::strconv;

/// A parse error, already in Go's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

type PResult<T> = Result<T, ParseError>;

#[derive(Debug, Clone)]
pub struct List {
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Text(Vec<u8>),
    Action(Action),
    If(Branch),
    Range(Branch),
    With(Branch),
    Template(TemplateCall),
    Break,
    Continue,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub pipe: Pipe,
}

#[derive(Debug, Clone)]
pub struct Branch {
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

#[derive(Debug, Clone)]
pub struct TemplateCall {
    pub pos: usize,
    pub name: String,
    pub pipe: Option<Pipe>,
}

#[derive(Debug, Clone)]
pub struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Command>,
}

#[derive(Debug, Clone)]
pub struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// An operand of a command.
#[derive(Debug, Clone)]
pub enum Arg {
    Bool(usize, bool),
    Dot(usize),
    Nil(usize),
    Number(Box<Number>),
    String {
        pos: usize,
        quoted: String,
        text: Vec<u8>,
    },
    /// `.a.b`: the names without their dots.
    Field(usize, Vec<String>),
    /// `$x.a.b`: the variable's name then the fields.
    Variable(usize, Vec<String>),
    Identifier(usize, String),
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<String>,
    },
    Pipe(Box<Pipe>),
}

/// A numeric constant, with every reading Go's parser makes of it.
#[derive(Debug, Clone)]
pub struct Number {
    pub pos: usize,
    pub text: String,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    pub complex: Option<(f64, f64)>,
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Bool(p, _)
            | Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Field(p, _)
            | Arg::Variable(p, _)
            | Arg::Identifier(p, _) => *p,
            Arg::Number(n) => n.pos,
            Arg::String { pos, .. } | Arg::Chain { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }

    pub fn write_to(&self, out: &mut String) {
        match self {
            Arg::Bool(_, b) => out.push_str(if *b { "true" } else { "false" }),
            Arg::Dot(_) => out.push('.'),
            Arg::Nil(_) => out.push_str("nil"),
            Arg::Number(n) => out.push_str(&n.text),
            Arg::String { quoted, .. } => out.push_str(quoted),
            Arg::Field(_, ident) => {
                for id in ident {
                    out.push('.');
                    out.push_str(id);
                }
            }
            Arg::Variable(_, ident) => out.push_str(&ident.join(".")),
            Arg::Identifier(_, name) => out.push_str(name),
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = &**node {
                    out.push('(');
                    p.write_to(out);
                    out.push(')');
                } else {
                    node.write_to(out);
                }
                for f in fields {
                    out.push('.');
                    out.push_str(f);
                }
            }
            Arg::Pipe(p) => p.write_to(out),
        }
    }

    pub fn to_go_string(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s);
        s
    }
}

impl Pipe {
    pub fn write_to(&self, out: &mut String) {
        if !self.decl.is_empty() {
            out.push_str(&self.decl.join(", "));
            out.push_str(if self.is_assign { " = " } else { " := " });
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            c.write_to(out);
        }
    }
}

impl Command {
    pub fn write_to(&self, out: &mut String) {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if let Arg::Pipe(p) = arg {
                out.push('(');
                p.write_to(out);
                out.push(')');
            } else {
                arg.write_to(out);
            }
        }
    }
}

impl TemplateCall {
    pub fn write_to(&self, out: &mut String) {
        out.push_str("{{template ");
        out.push_str(&crate::printers::gofmt::quote(&self.name));
        if let Some(p) = &self.pipe {
            out.push(' ');
            p.write_to(out);
        }
        out.push_str("}}");
    }
}

/// The parsed templates: each name's tree (`None` for an empty one).
pub type TreeSet = HashMap<String, List>;

/// Parses `text` as the template `name`; defined templates join the set.
pub fn parse(name: &str, text: &str) -> PResult<TreeSet> {
    let mut set: TreeSet = HashMap::new();
    let mut parser = Parser {
        name: name.to_string(),
        lex: Lexer::new(text),
        token: [empty_item(), empty_item(), empty_item()],
        peek_count: 0,
        vars: vec!["$".into()],
        action_line: 0,
        range_depth: 0,
        stack_depth: 0,
    };
    let root = parser.parse_top(&mut set)?;
    parser.add(&mut set, name, root)?;
    Ok(set)
}

fn empty_item() -> Item {
    Item {
        typ: ItemType::Eof,
        pos: 0,
        val: String::new(),
        line: 0,
    }
}

const MAX_STACK_DEPTH: usize = 10000;

struct Parser<'a> {
    name: String,
    lex: Lexer<'a>,
    token: [Item; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
    stack_depth: usize,
}

/// Nodes that end a list: `{{end}}` and `{{else}}`.
enum ListEnd {
    End,
    Else,
}

/// A node, or the end of a list.
enum Parsed {
    Node(Node),
    End,
    Else,
}

fn is_empty_tree(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.iter().all(|b| b.is_ascii_whitespace() || *b == 0x0b),
        _ => false,
    })
}

impl Parser<'_> {
    fn errorf(&self, msg: impl std::fmt::Display) -> ParseError {
        ParseError(format!(
            "template: {}:{}: {msg}",
            self.name, self.token[0].line
        ))
    }

    fn next(&mut self) -> Item {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count].clone()
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item, t1: Item) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1].clone();
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_item();
        self.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item> {
        let t = self.next_non_space();
        if t.typ != expected {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, token: &Item, context: &str) -> ParseError {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(" in action started at {}:{}", self.name, self.action_line);
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format_args!("{token}{extra}"));
        }
        self.errorf(format_args!("unexpected {token} in {context}"))
    }

    /// Adds a finished tree to the set, as Go's `Tree.add` does.
    fn add(&self, set: &mut TreeSet, name: &str, root: List) -> PResult<()> {
        match set.get(name) {
            Some(existing) if !is_empty_tree(existing) => {
                if !is_empty_tree(&root) {
                    return Err(self.errorf(format_args!(
                        "template: multiple definition of template {}",
                        crate::printers::gofmt::quote(name)
                    )));
                }
                Ok(())
            }
            _ => {
                set.insert(name.to_string(), root);
                Ok(())
            }
        }
    }

    fn parse_top(&mut self, set: &mut TreeSet) -> PResult<List> {
        let mut root = List { nodes: Vec::new() };
        self.peek();
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.parse_definition(set)?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action(set)? {
                Parsed::End => return Err(self.errorf("unexpected {{end}}")),
                Parsed::Else => return Err(self.errorf("unexpected {{else}}")),
                Parsed::Node(n) => root.nodes.push(n),
            }
        }
        Ok(root)
    }

    /// `{{define "name"}} … {{end}}`, the keyword already read.
    fn parse_definition(&mut self, set: &mut TreeSet) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let token = self.next_non_space();
        if token.typ != ItemType::String && token.typ != ItemType::RawString {
            return Err(self.unexpected(&token, CONTEXT));
        }
        let name = strconv::unquote(&token.val)
            .map_err(|e| self.errorf(e))
            .and_then(|b| String::from_utf8(b).map_err(|_| self.errorf("invalid syntax")))?;
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let (list, end) = self.item_list(set)?;
        if !matches!(end, ListEnd::End) {
            return Err(self.errorf(format_args!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.add(set, &name, list)?;
        self.vars = saved_vars;
        Ok(())
    }

    /// Nodes up to `{{end}}` or `{{else}}`.
    fn item_list(&mut self, set: &mut TreeSet) -> PResult<(List, ListEnd)> {
        let mut list = List { nodes: Vec::new() };
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action(set)? {
                Parsed::End => return Ok((list, ListEnd::End)),
                Parsed::Else => return Ok((list, ListEnd::Else)),
                Parsed::Node(n) => list.nodes.push(n),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self, set: &mut TreeSet) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text(token.val.into_bytes()))),
            ItemType::LeftDelim => {
                self.action_line = token.line;
                let result = self.action(set);
                self.action_line = 0;
                result
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self, set: &mut TreeSet) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control(set).map(Parsed::Node),
            ItemType::Break => return self.loop_control(&token, "{{break}}", Node::Break),
            ItemType::Continue => return self.loop_control(&token, "{{continue}}", Node::Continue),
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemType::If => return self.branch("if", set).map(|b| Parsed::Node(Node::If(b))),
            ItemType::Range => {
                return self
                    .branch("range", set)
                    .map(|b| Parsed::Node(Node::Range(b)))
            }
            ItemType::Template => return self.template_control().map(Parsed::Node),
            ItemType::With => {
                return self
                    .branch("with", set)
                    .map(|b| Parsed::Node(Node::With(b)))
            }
            _ => {}
        }
        self.backup();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action(Action { pipe })))
    }

    fn loop_control(&mut self, _token: &Item, what: &str, node: Node) -> PResult<Parsed> {
        let t = self.next_non_space();
        if t.typ != ItemType::RightDelim {
            return Err(self.unexpected(&t, what));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format_args!("{what} outside {{{{range}}}}")));
        }
        Ok(Parsed::Node(node))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else);
        }
        self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else)
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe {
            pos: token.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let after_variable = self.peek();
            let next = self.peek_non_space();
            match next.typ {
                ItemType::Assign | ItemType::Declare => {
                    pipe.is_assign = next.typ == ItemType::Assign;
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                }
                ItemType::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                                continue 'decls
                            }
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format_args!("too many declarations in {context}")));
                }
                _ if after_variable.typ == ItemType::Space => self.backup3(v, after_variable),
                _ => self.backup2(v),
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format_args!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String { .. }
                )
            ) {
                return Err(self.errorf(format_args!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn branch(&mut self, context: &str, set: &mut TreeSet) -> PResult<Branch> {
        let vars_mark = self.vars.len();
        let result = self.branch_inner(context, set);
        self.vars.truncate(vars_mark);
        result
    }

    fn branch_inner(&mut self, context: &str, set: &mut TreeSet) -> PResult<Branch> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list(set);
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        if let ListEnd::Else = next {
            if context == "if" && self.peek().typ == ItemType::If {
                self.next();
                let inner = self.branch("if", set)?;
                else_list = Some(List {
                    nodes: vec![Node::If(inner)],
                });
            } else if context == "with" && self.peek().typ == ItemType::With {
                self.next();
                let inner = self.branch("with", set)?;
                else_list = Some(List {
                    nodes: vec![Node::With(inner)],
                });
            } else {
                let (list, next) = self.item_list(set)?;
                if let ListEnd::Else = next {
                    return Err(self.errorf("expected end; found {{else}}"));
                }
                else_list = Some(list);
            }
        }
        Ok(Branch {
            pipe,
            list,
            else_list,
        })
    }

    fn block_control(&mut self, set: &mut TreeSet) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        // The body is a tree of its own: its own variables, outside any
        // range; errors about its end carry the line the block's own
        // parser had last read.
        let outer_line = self.token[0].line;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let saved_range_depth = std::mem::replace(&mut self.range_depth, 0);
        let (list, end) = self.item_list(set)?;
        if let ListEnd::Else = end {
            return Err(ParseError(format!(
                "template: {}:{outer_line}: unexpected {{{{else}}}} in {CONTEXT}",
                self.name
            )));
        }
        self.add(set, &name, list)?;
        self.vars = saved_vars;
        self.range_depth = saved_range_depth;
        Ok(Node::Template(TemplateCall {
            pos: token.pos,
            name,
            pipe: Some(pipe),
        }))
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Node::Template(TemplateCall {
            pos: token.pos,
            name,
            pipe,
        }))
    }

    fn template_name(&self, token: &Item, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => strconv::unquote(&token.val)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| self.errorf(e)),
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn command(&mut self) -> PResult<Command> {
        let mut cmd = Command {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next().val;
            fields.push(f[1..].to_string());
        }
        Ok(Some(match node {
            // Go folds further fields into a field or variable, which then
            // takes the position of the first added field.
            Arg::Field(_, mut ident) => {
                ident.extend(fields);
                Arg::Field(chain_pos, ident)
            }
            Arg::Variable(_, mut ident) => {
                ident.extend(fields);
                Arg::Variable(chain_pos, ident)
            }
            Arg::Bool(..) | Arg::String { .. } | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.errorf(format_args!(
                    "unexpected . after term {}",
                    crate::printers::gofmt::quote(&node.to_go_string())
                )))
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !super::funcs::is_function(&token.val) {
                    return Err(self.errorf(format_args!(
                        "function {} not defined",
                        crate::printers::gofmt::quote(&token.val)
                    )));
                }
                Arg::Identifier(token.pos, token.val)
            }
            ItemType::Dot => Arg::Dot(token.pos),
            ItemType::Nil => Arg::Nil(token.pos),
            ItemType::Variable => {
                let ident: Vec<String> = token.val.split('.').map(str::to_string).collect();
                if !self.vars.iter().any(|v| *v == ident[0]) {
                    return Err(self.errorf(format_args!(
                        "undefined variable {}",
                        crate::printers::gofmt::quote(&ident[0])
                    )));
                }
                Arg::Variable(token.pos, ident)
            }
            ItemType::Field => Arg::Field(
                token.pos,
                token.val[1..].split('.').map(str::to_string).collect(),
            ),
            ItemType::Bool => Arg::Bool(token.pos, token.val == "true"),
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let number = strconv::parse_number(token.pos, &token.val, token.typ)
                    .map_err(|e| self.errorf(e))?;
                Arg::Number(Box::new(number))
            }
            ItemType::LeftParen => {
                if self.stack_depth >= MAX_STACK_DEPTH {
                    return Err(self.errorf("max expression depth exceeded"));
                }
                self.stack_depth += 1;
                let pipe = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.stack_depth -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            ItemType::String | ItemType::RawString => {
                let text = strconv::unquote(&token.val).map_err(|e| self.errorf(e))?;
                Arg::String {
                    pos: token.pos,
                    quoted: token.val,
                    text,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse("output", text).unwrap_err().0
    }

    #[test]
    fn errors_as_go_words_them() {
        assert_eq!(err("{{.x"), "template: output:1: unclosed action");
        assert_eq!(err("{{end}}"), "template: output:1: unexpected {{end}}");
        assert_eq!(err("{{if .x}}"), "template: output:1: unexpected EOF");
        assert_eq!(
            err("{{nope .x}}"),
            "template: output:1: function \"nope\" not defined"
        );
        assert_eq!(
            err("{{$x}}"),
            "template: output:1: undefined variable \"$x\""
        );
        assert_eq!(err("{{}}"), "template: output:1: missing value for command");
        assert_eq!(
            err("{{.x | 3}}"),
            "template: output:1: non executable command in pipeline stage 2"
        );
        assert_eq!(
            err("a\n{{range .x}}\n{{else}}{{else}}{{end}}"),
            "template: output:3: expected end; found {{else}}"
        );
        assert_eq!(
            err("{{\n.x"),
            "template: output:2: unclosed action started at output:1"
        );
        assert_eq!(
            err("{{break}}"),
            "template: output:1: {{break}} outside {{range}}"
        );
        assert_eq!(
            err("{{\"a\".b}}"),
            "template: output:1: unexpected . after term \"\\\"a\\\"\""
        );
    }

    #[test]
    fn chained_fields_take_the_second_position() {
        let set = parse("output", "{{.spec.replicas.x}}").unwrap();
        let Node::Action(a) = &set["output"].nodes[0] else {
            panic!("not an action")
        };
        assert_eq!(a.pipe.cmds[0].args[0].pos(), 7);
        assert_eq!(a.pipe.cmds[0].args[0].to_go_string(), ".spec.replicas.x");
    }
}
