//! Label selectors as apimachinery's `labels` package has them: the
//! selector grammar (`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`,
//! `k`, `!k`, `k>1`, `k<1`) parsed with its lexer and its error messages,
//! `LabelSelector` objects, matching on the client (objects read from
//! files, one list serving several describers), and printing. Field
//! selectors are matched here too.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::flags::go_values::go_quote;
use crate::generate::validation::{label_value_errors, qualified_name_errors};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

impl Op {
    /// `selection.Operator` as Go spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Equals => "=",
            Op::DoubleEquals => "==",
            Op::NotEquals => "!=",
            Op::In => "in",
            Op::NotIn => "notin",
            Op::Exists => "exists",
            Op::DoesNotExist => "!",
            Op::GreaterThan => "gt",
            Op::LessThan => "lt",
        }
    }
}

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

impl Requirement {
    fn matches(&self, value: Option<&str>) -> bool {
        let has = |v: &str| self.values.iter().any(|x| x == v);
        match self.op {
            Op::Equals | Op::DoubleEquals | Op::In => value.is_some_and(has),
            Op::NotEquals | Op::NotIn => value.is_none_or(|v| !has(v)),
            Op::Exists => value.is_some(),
            Op::DoesNotExist => value.is_none(),
            Op::GreaterThan | Op::LessThan => {
                let (Some(v), [bound]) = (value, self.values.as_slice()) else {
                    return false;
                };
                match (v.parse::<i64>(), bound.parse::<i64>()) {
                    (Ok(v), Ok(b)) if self.op == Op::GreaterThan => v > b,
                    (Ok(v), Ok(b)) => v < b,
                    _ => false,
                }
            }
        }
    }

    /// `Requirement.String()`.
    fn to_text(&self) -> String {
        let mut values = self.values.clone();
        values.sort();
        let joined = values.join(",");
        let key = &self.key;
        match self.op {
            Op::Equals => format!("{key}={joined}"),
            Op::DoubleEquals => format!("{key}=={joined}"),
            Op::NotEquals => format!("{key}!={joined}"),
            Op::In => format!("{key} in ({joined})"),
            Op::NotIn => format!("{key} notin ({joined})"),
            Op::GreaterThan => format!("{key}>{joined}"),
            Op::LessThan => format!("{key}<{joined}"),
            Op::Exists => key.clone(),
            Op::DoesNotExist => format!("!{key}"),
        }
    }
}

/// A selector: None matches nothing (a missing `LabelSelector`), an empty
/// list matches everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector(pub Option<Vec<Requirement>>);

impl Default for Selector {
    fn default() -> Self {
        Selector::everything()
    }
}

impl Selector {
    pub fn everything() -> Selector {
        Selector(Some(Vec::new()))
    }

    /// `labels.Parse`: the requirements sorted by key, or apimachinery's
    /// error.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut reqs = Parser::new(text).parse()?;
        // Go's sort.Sort: requirements with the same key keep Go's order.
        crate::printers::gosort::sort_by(&mut reqs, |a, b| a.key < b.key);
        Ok(Selector(Some(reqs)))
    }

    /// `metav1.LabelSelectorAsSelector`; an unknown operator is an error in
    /// kubectl's words.
    pub fn from_label_selector(sel: &Value) -> Result<Selector, String> {
        if sel.is_null() {
            return Ok(Selector(None));
        }
        let mut reqs = Vec::new();
        for (k, v) in string_map(sel.get("matchLabels")) {
            reqs.push(Requirement {
                key: k,
                op: Op::Equals,
                values: vec![v],
            });
        }
        let exprs = sel.get("matchExpressions").and_then(Value::as_array);
        for expr in exprs.into_iter().flatten() {
            let text = |k: &str| expr.get(k).and_then(Value::as_str).unwrap_or("");
            let op = match text("operator") {
                "In" => Op::In,
                "NotIn" => Op::NotIn,
                "Exists" => Op::Exists,
                "DoesNotExist" => Op::DoesNotExist,
                other => return Err(format!("{other:?} is not a valid label selector operator")),
            };
            let values = expr
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect();
            reqs.push(Requirement {
                key: text("key").to_string(),
                op,
                values,
            });
        }
        // A stable sort by key (Go's insertion sort for short lists).
        reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector(Some(reqs)))
    }

    /// A selector from a map (`labels.SelectorFromSet`).
    pub fn from_map(map: &BTreeMap<String, String>) -> Selector {
        Selector(Some(
            map.iter()
                .map(|(k, v)| Requirement {
                    key: k.clone(),
                    op: Op::Equals,
                    values: vec![v.clone()],
                })
                .collect(),
        ))
    }

    /// The requirements (none for a selector that matches nothing).
    pub fn requirements(&self) -> &[Requirement] {
        self.0.as_deref().unwrap_or_default()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match &self.0 {
            None => false,
            Some(reqs) => reqs
                .iter()
                .all(|r| r.matches(labels.get(&r.key).map(String::as_str))),
        }
    }

    /// Whether an object with these labels (`metadata.labels`) is selected.
    pub fn matches_object_labels(&self, labels: Option<&Map<String, Value>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        match &self.0 {
            None => false,
            Some(reqs) => reqs.iter().all(|r| r.matches(get(&r.key))),
        }
    }

    /// `Selector.String()`.
    pub fn to_text(&self) -> String {
        self.requirements()
            .iter()
            .map(Requirement::to_text)
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Error,
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn keyword(s: &str) -> Option<Token> {
    Some(match s {
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "!" => Token::DoesNotExist,
        "==" => Token::DoubleEquals,
        "=" => Token::Equals,
        ">" => Token::GreaterThan,
        "in" => Token::In,
        "<" => Token::LessThan,
        "!=" => Token::NotEquals,
        "notin" => Token::NotIn,
        "(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// apimachinery's selector lexer, token by token over bytes.
fn lex(s: &str) -> Vec<(Token, String)> {
    let b = s.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        while pos < b.len() && is_whitespace(b[pos]) {
            pos += 1;
        }
        if pos >= b.len() {
            out.push((Token::End, String::new()));
            return out;
        }
        let start = pos;
        if is_special(b[pos]) {
            // The longest run of special symbols that is still an operator.
            let mut last: Option<(Token, usize)> = None;
            while pos < b.len() && is_special(b[pos]) {
                pos += 1;
                match keyword(&s[start..pos]) {
                    Some(t) => last = Some((t, pos)),
                    None if last.is_some() => {
                        pos -= 1;
                        break;
                    }
                    None => {}
                }
            }
            match last {
                Some((t, end)) => {
                    pos = end;
                    out.push((t, s[start..end].to_string()));
                }
                None => out.push((
                    Token::Error,
                    format!("error expected: keyword found '{}'", &s[start..pos]),
                )),
            }
        } else {
            while pos < b.len() && !is_special(b[pos]) && !is_whitespace(b[pos]) {
                pos += 1;
            }
            let word = &s[start..pos];
            let token = keyword(word).unwrap_or(Token::Identifier);
            out.push((token, word.to_string()));
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

/// field.Invalid with a nil path, aggregated as utilerrors does.
fn aggregate(errors: Vec<String>) -> Result<(), String> {
    let mut seen: Vec<String> = Vec::new();
    for e in errors {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => Ok(()),
        1 => Err(seen.remove(0)),
        _ => Err(format!("[{}]", seen.join(", "))),
    }
}

fn invalid(path: &str, value: &str, detail: &str) -> String {
    format!("{path}: Invalid value: {}: {detail}", go_quote(value))
}

fn validate_key(key: &str) -> Result<(), String> {
    let errs = qualified_name_errors(key);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(invalid("<nil>", key, &errs.join("; ")))
    }
}

/// `labels.NewRequirement`'s checks for what the parser can produce.
fn new_requirement(key: String, op: Op, values: Vec<String>) -> Result<Requirement, String> {
    let mut errs = Vec::new();
    if let Err(e) = validate_key(&key) {
        errs.push(e);
    }
    if matches!(op, Op::GreaterThan | Op::LessThan) {
        for (i, v) in values.iter().enumerate() {
            if v.parse::<i64>().is_err() {
                errs.push(invalid(
                    &format!("values[{i}]"),
                    v,
                    "for 'Gt', 'Lt' operators, the value must be an integer",
                ));
            }
        }
    }
    for (i, v) in values.iter().enumerate() {
        let msgs = label_value_errors(v);
        if !msgs.is_empty() {
            errs.push(invalid(&format!("values[{i}][{key}]"), v, &msgs.join("; ")));
        }
    }
    aggregate(errs)?;
    Ok(Requirement { key, op, values })
}

/// Sorted, without duplicates (`sets.String.List()`).
fn set_list(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values.dedup();
    values
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser {
            items: lex(text),
            position: 0,
        }
    }

    fn token(&self, i: usize, context: Context) -> (Token, String) {
        let (t, lit) = self.items[i.min(self.items.len() - 1)].clone();
        let t = match (context, t) {
            (Context::Values, Token::In | Token::NotIn) => Token::Identifier,
            _ => t,
        };
        (t, lit)
    }

    fn lookahead(&self, context: Context) -> (Token, String) {
        self.token(self.position, context)
    }

    fn consume(&mut self, context: Context) -> (Token, String) {
        let item = self.token(self.position, context);
        self.position += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::End => return Ok(reqs),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (key, op) = self.key_and_inferred_operator()?;
        if let Some(op) = op {
            return new_requirement(key, op, Vec::new());
        }
        let op = self.operator()?;
        let values = match op {
            Op::In | Op::NotIn => self.values()?,
            _ => self.exact_value()?,
        };
        new_requirement(key, op, set_list(values))
    }

    fn key_and_inferred_operator(&mut self) -> Result<(String, Option<Op>), String> {
        let (mut tok, mut lit) = self.consume(Context::Values);
        let mut op = None;
        if tok == Token::DoesNotExist {
            op = Some(Op::DoesNotExist);
            (tok, lit) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        validate_key(&lit)?;
        let (next, _) = self.lookahead(Context::Values);
        if (next == Token::End || next == Token::Comma) && op.is_none() {
            op = Some(Op::Exists);
        }
        Ok((lit, op))
    }

    fn operator(&mut self) -> Result<Op, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => Op::In,
            Token::Equals => Op::Equals,
            Token::DoubleEquals => Op::DoubleEquals,
            Token::GreaterThan => Op::GreaterThan,
            Token::LessThan => Op::LessThan,
            Token::NotIn => Op::NotIn,
            Token::NotEquals => Op::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                ))
            }
        })
    }

    fn values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let s = self.identifiers()?;
                let (closing, _) = self.consume(Context::Values);
                if closing != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(s)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut s: Vec<String> = Vec::new();
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    s.push(lit);
                    let (t2, l2) = self.lookahead(Context::Values);
                    match t2 {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(s),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if s.is_empty() {
                        s.push(String::new());
                    }
                    let (t2, _) = self.lookahead(Context::Values);
                    if t2 == Token::ClosedPar {
                        s.push(String::new());
                        return Ok(s);
                    }
                    if t2 == Token::Comma {
                        s.push(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<Vec<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if tok == Token::End || tok == Token::Comma {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            return Ok(vec![lit]);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

/// `metav1.FormatLabelSelector`: `<none>` for an empty selector, `<error>`
/// for an invalid one.
pub fn format_label_selector(sel: &Value) -> String {
    match Selector::from_label_selector(sel) {
        Ok(s) => {
            let text = s.to_text();
            if text.is_empty() {
                "<none>".to_string()
            } else {
                text
            }
        }
        Err(_) => "<error>".to_string(),
    }
}

/// `labels.Set.String()`: sorted `k=v` pairs.
pub fn set_string(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `labels.FormatLabels`: `<none>` for an empty map.
pub fn format_labels(map: &BTreeMap<String, String>) -> String {
    let text = set_string(map);
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}

/// Field selector terms (`a.b=c`, `a.b!=c`) matched against an object.
pub fn field_selector_matches(selector: &str, obj: &Value) -> bool {
    field_terms_match(selector, |path| {
        path.split('.')
            .try_fold(obj, |v, k| v.get(k))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    })
}

/// Whether every `path=value` / `path!=value` term holds for the values
/// `field` gives for each path.
pub fn field_terms_match<S: AsRef<str>>(selector: &str, field: impl Fn(&str) -> S) -> bool {
    selector.split(',').filter(|t| !t.is_empty()).all(|term| {
        let (path, value, negate) = match term.split_once("!=") {
            Some((p, v)) => (p, v, true),
            None => match term.split_once('=') {
                Some((p, v)) => (p, v.trim_start_matches('='), false),
                None => return true,
            },
        };
        (field(path).as_ref() == value) != negate
    })
}

/// `metav1.ParseToLabelSelector`: a selector string as a `LabelSelector`
/// object (equalities in `matchLabels`, the rest in `matchExpressions`),
/// with apimachinery's errors.
pub fn parse_to_label_selector(text: &str) -> Result<Value, String> {
    let Selector(requirements) = Selector::parse(text)
        .map_err(|e| format!("couldn't parse the selector string \"{text}\": {e}"))?;
    let mut match_labels = BTreeMap::new();
    let mut expressions = Vec::new();
    for r in requirements.unwrap_or_default() {
        let operator = match r.op {
            Op::Equals | Op::DoubleEquals => {
                let value = r.values.into_iter().next().unwrap_or_default();
                match_labels.insert(r.key, value);
                continue;
            }
            Op::In => "In",
            Op::NotIn => "NotIn",
            Op::Exists => "Exists",
            Op::DoesNotExist => "DoesNotExist",
            Op::GreaterThan | Op::LessThan => {
                return Err(format!(
                    "\"{}\" isn't supported in label selectors",
                    r.op.as_str()
                ))
            }
            Op::NotEquals => {
                return Err(format!(
                    "\"{}\" is not a valid label selector operator",
                    r.op.as_str()
                ))
            }
        };
        // Go keeps the values in a set and lists them sorted.
        let mut values = r.values;
        values.sort();
        values.dedup();
        let mut expression = Map::new();
        expression.insert("key".into(), Value::String(r.key));
        expression.insert("operator".into(), Value::String(operator.into()));
        if !values.is_empty() {
            expression.insert(
                "values".into(),
                Value::Array(values.into_iter().map(Value::String).collect()),
            );
        }
        expressions.push(Value::Object(expression));
    }
    let mut selector = Map::new();
    if !match_labels.is_empty() {
        selector.insert(
            "matchLabels".into(),
            crate::generate::string_map(&match_labels),
        );
    }
    if !expressions.is_empty() {
        selector.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Ok(Value::Object(selector))
}

/// apimachinery's `labels.Parse` then `String()`: the selector as kubectl
/// sends it (requirements sorted by key, set values sorted), or the
/// parser's error (`unable to parse requirement: found '', expected: ',' or ')'`).
pub fn canonical_label_selector(text: &str) -> Result<String, String> {
    Selector::parse(text).map(|s| s.to_text())
}

/// apimachinery's `fields.ParseSelector`, for its errors only: every term
/// needs `=`, `==` or `!=`.
pub fn check_field_selector(text: &str) -> Result<(), String> {
    let mut term = String::new();
    let mut terms = Vec::new();
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            term.push(c);
            escaped = false;
        } else if c == '\\' {
            term.push(c);
            escaped = true;
        } else if c == ',' {
            terms.push(std::mem::take(&mut term));
        } else {
            term.push(c);
        }
    }
    terms.push(term);
    for t in terms {
        if t.is_empty() {
            continue;
        }
        if !(t.contains("!=") || t.contains("==") || t.contains('=')) {
            return Err(format!(
                "invalid selector: '{text}'; can't understand '{t}'"
            ));
        }
    }
    Ok(())
}

/// A value inside a field selector (`involvedObject.name=…`), with `\`,
/// `,` and `=` escaped as apimachinery's `fields.EscapeValue` does.
pub fn escape_field_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace('=', "\\=")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_err(text: &str) -> String {
        Selector::parse(text).unwrap_err()
    }

    #[test]
    fn parses_apimachinery_grammar() {
        let s = Selector::parse("x in (foo,,baz),y,z notin (),!w,a==b,c!=d,n>1,m<2").unwrap();
        assert_eq!(
            s.to_text(),
            "a==b,c!=d,m<2,n>1,!w,x in (,baz,foo),y,z notin ()"
        );
        assert_eq!(Selector::parse("").unwrap(), Selector::everything());
        assert_eq!(Selector::parse("a=").unwrap().to_text(), "a=");
        // `in` is a value where a value is expected.
        assert_eq!(Selector::parse("a=in").unwrap().to_text(), "a=in");
    }

    #[test]
    fn errors_in_apimachinery_words() {
        assert_eq!(
            parse_err("a b"),
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(
            parse_err("a=b c"),
            "found 'c', expected: ',' or 'end of string'"
        );
        assert_eq!(
            parse_err("a in (x"),
            "unable to parse requirement: found '', expected: ',' or ')'"
        );
        assert_eq!(
            parse_err("a=b,"),
            "found '', expected: identifier after ','"
        );
        assert_eq!(
            parse_err("/b=b"),
            "unable to parse requirement: <nil>: Invalid value: \"/b\": prefix part must be non-empty"
        );
        assert!(parse_err("a=-x").starts_with(
            "unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must be an empty string"
        ));
        assert!(parse_err("_a=b").starts_with(
            "unable to parse requirement: <nil>: Invalid value: \"_a\": name part must consist of"
        ));
        assert!(parse_err("a>-x").starts_with(
            "unable to parse requirement: [values[0]: Invalid value: \"-x\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]"
        ));
        assert_eq!(
            parse_err("=a"),
            "found '=', expected: !, identifier, or 'end of string'"
        );
        assert_eq!(
            parse_err("a=!b"),
            "unable to parse requirement: found '!', expected: identifier"
        );
    }

    #[test]
    fn label_selector_objects_print_like_apimachinery() {
        let sel = json!({
            "matchLabels": {"app": "web", "tier": "x"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "zone", "operator": "DoesNotExist"},
                {"key": "b", "operator": "Exists"}
            ]
        });
        let s = Selector::from_label_selector(&sel).unwrap();
        assert_eq!(s.to_text(), "app=web,b,env in (dev,prod),tier=x,!zone");
        let mut sorted = s.clone();
        if let Some(r) = sorted.0.as_mut() {
            r.iter_mut().for_each(|x| x.values.sort());
        }
        assert_eq!(Selector::parse(&s.to_text()).unwrap(), sorted);
        assert_eq!(format_label_selector(&json!({})), "<none>");
        assert_eq!(
            format_label_selector(&json!({"matchExpressions": [{"key": "a", "operator": "Bad"}]})),
            "<error>"
        );
    }

    #[test]
    fn matching() {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "web".to_string());
        labels.insert("n".to_string(), "5".to_string());
        let m = |s: &str| Selector::parse(s).unwrap().matches(&labels);
        assert!(m("app=web"));
        assert!(!m("app=web,tier"));
        assert!(m("app in (a,web),!tier"));
        assert!(m(""));
        assert!(m("n>4,n<6"));
        assert!(!m("n>5"));
        assert!(!m("app>1"));
        assert!(!Selector(None).matches(&labels));
        let obj = json!({"app": "web"});
        let l = obj.as_object();
        assert!(Selector::parse("app").unwrap().matches_object_labels(l));
        assert!(!Selector::parse("app=x")
            .unwrap()
            .matches_object_labels(None));
        let ev = json!({"involvedObject": {"name": "a", "namespace": ""}, "status": {"phase": "Running"}});
        assert!(field_selector_matches(
            "involvedObject.name=a,involvedObject.namespace=",
            &ev
        ));
        assert!(field_selector_matches("status.phase!=Succeeded", &ev));
        assert!(!field_selector_matches("involvedObject.name=b", &ev));
    }

    #[test]
    fn label_selector_objects() {
        let sel = parse_to_label_selector("f==g,a in (y,x),!d,e,c notin (z)").unwrap();
        assert_eq!(
            crate::printers::json::to_string_compact(&sel),
            r#"{"matchLabels":{"f":"g"},"matchExpressions":[{"key":"a","operator":"In","values":["x","y"]},{"key":"c","operator":"NotIn","values":["z"]},{"key":"d","operator":"DoesNotExist"},{"key":"e","operator":"Exists"}]}"#
        );
        assert_eq!(
            parse_to_label_selector("a!=b").unwrap_err(),
            "\"!=\" is not a valid label selector operator"
        );
        assert_eq!(
            parse_to_label_selector("a>1").unwrap_err(),
            "\"gt\" isn't supported in label selectors"
        );
        assert_eq!(
            parse_to_label_selector("  ").unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn go_canonical_form_and_errors() {
        let c = canonical_label_selector;
        assert_eq!(c("").unwrap(), "");
        assert_eq!(c("b=2, a in (y,x),!c").unwrap(), "a in (x,y),b=2,!c");
        assert_eq!(
            c("app==web,x!=1,k notin ( z )").unwrap(),
            "app==web,k notin (z),x!=1"
        );
        assert_eq!(c("a=").unwrap(), "a=");
        assert_eq!(
            c("a in (b").unwrap_err(),
            "unable to parse requirement: found '', expected: ',' or ')'"
        );
        assert_eq!(
            c("=x").unwrap_err(),
            "found '=', expected: !, identifier, or 'end of string'"
        );
        assert_eq!(
            c("a b").unwrap_err(),
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(
            c("a,").unwrap_err(),
            "found '', expected: identifier after ','"
        );
        assert_eq!(
            check_field_selector("a").unwrap_err(),
            "invalid selector: 'a'; can't understand 'a'"
        );
        assert!(check_field_selector("status.phase=Running,a!=b").is_ok());
    }
}
