//! Label selectors evaluated on the client, for objects read from files
//! (`scale -f FILE -l app=web`): `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
//! `k notin (a,b)`, `k` and `!k`, all of which must hold.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed selector; empty selects everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSelector(Vec<Requirement>);

impl LabelSelector {
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        let invalid = |why: &str| {
            format!(
                "the provided selector {} is not valid: {why}",
                crate::flags::go_values::go_quote(text)
            )
        };
        let mut out = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err(invalid("found '', expected: identifier"));
            }
            out.push(parse_requirement(part).map_err(|e| invalid(&e))?);
        }
        Ok(LabelSelector(out))
    }

    /// Whether an object with these labels is selected.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::DoesNotExist(k) => get(k).is_none(),
        })
    }
}

/// Splits on commas outside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(key.trim().to_string()));
    }
    if let Some((k, v)) = part.split_once("!=") {
        return Ok(Requirement::NotEquals(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = part.split_once("==") {
        return Ok(Requirement::Equals(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = part.split_once('=') {
        return Ok(Requirement::Equals(k.trim().into(), v.trim().into()));
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let rest = words[1].trim_start();
        for (op, negated) in [("notin", true), ("in", false)] {
            if let Some(values) = rest.strip_prefix(op) {
                let values = values.trim();
                let Some(inner) = values.strip_prefix('(').and_then(|v| v.strip_suffix(')')) else {
                    return Err(format!("found '{values}', expected: '('"));
                };
                let list = inner.split(',').map(|v| v.trim().to_string()).collect();
                let key = words[0].to_string();
                return Ok(if negated {
                    Requirement::NotIn(key, list)
                } else {
                    Requirement::In(key, list)
                });
            }
        }
        return Err(format!(
            "found '{rest}', expected: in, notin, =, ==, !=, gt, lt"
        ));
    }
    Ok(Requirement::Exists(part.to_string()))
}

/// apimachinery's `labels.Parse` then `String()`: the selector as kubectl
/// sends it (requirements sorted by key, set values sorted), or the
/// parser's error (`unable to parse requirement: found '', expected: ',' or ')'`).
/// Keys and values are not validated beyond the grammar.
pub fn canonical_label_selector(text: &str) -> Result<String, String> {
    let tokens = lex(text)?;
    let mut p = Parser { tokens, pos: 0 };
    let mut reqs: Vec<(String, String)> = Vec::new();
    loop {
        let (tok, lit) = p.lookahead(true);
        match tok {
            Tok::Identifier | Tok::DoesNotExist => {
                let req = p
                    .requirement()
                    .map_err(|e| format!("unable to parse requirement: {e}"))?;
                reqs.push(req);
                let (t, l) = p.consume(true);
                match t {
                    Tok::End => break,
                    Tok::Comma => {
                        let (t2, l2) = p.lookahead(true);
                        if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                            return Err(format!("found '{l2}', expected: identifier after ','"));
                        }
                    }
                    _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                }
            }
            Tok::End => break,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: !, identifier, or 'end of string'"
                ))
            }
        }
    }
    crate::printers::gosort::sort_by(&mut reqs, |a, b| a.0 < b.0);
    Ok(reqs
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(","))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
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

fn keyword(s: &str) -> Option<Tok> {
    Some(match s {
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "!" => Tok::DoesNotExist,
        "==" => Tok::DoubleEquals,
        "=" => Tok::Equals,
        ">" => Tok::GreaterThan,
        "in" => Tok::In,
        "<" => Tok::LessThan,
        "!=" => Tok::NotEquals,
        "notin" => Tok::NotIn,
        "(" => Tok::OpenPar,
        _ => return None,
    })
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// apimachinery's label selector lexer, every token up front.
fn lex(text: &str) -> Result<Vec<(Tok, String)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < chars.len() && is_space(chars[i]) {
            i += 1;
        }
        if i >= chars.len() || chars[i] == '\0' {
            out.push((Tok::End, String::new()));
            return Ok(out);
        }
        if is_special(chars[i]) {
            let mut buffer = String::new();
            let mut last: Option<(Tok, String)> = None;
            while i < chars.len() && is_special(chars[i]) {
                buffer.push(chars[i]);
                if let Some(tok) = keyword(&buffer) {
                    last = Some((tok, buffer.clone()));
                    i += 1;
                } else if last.is_some() {
                    break;
                } else {
                    i += 1;
                }
            }
            match last {
                Some(item) => out.push(item),
                None => {
                    out.push((
                        Tok::Error,
                        format!("error expected: keyword found '{buffer}'"),
                    ));
                }
            }
        } else {
            let start = i;
            while i < chars.len()
                && chars[i] != '\0'
                && !is_space(chars[i])
                && !is_special(chars[i])
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push((keyword(&word).unwrap_or(Tok::Identifier), word));
        }
    }
}

struct Parser {
    tokens: Vec<(Tok, String)>,
    pos: usize,
}

impl Parser {
    /// The next token; in a values context `in` and `notin` are plain words.
    fn lookahead(&self, values: bool) -> (Tok, String) {
        let (mut tok, lit) = self.tokens[self.pos.min(self.tokens.len() - 1)].clone();
        if values && (tok == Tok::In || tok == Tok::NotIn) {
            tok = Tok::Identifier;
        }
        (tok, lit)
    }

    fn consume(&mut self, values: bool) -> (Tok, String) {
        let item = self.lookahead(values);
        self.pos += 1;
        item
    }

    /// One requirement, as its canonical text, with its key.
    fn requirement(&mut self) -> Result<(String, String), String> {
        let (mut tok, mut lit) = self.consume(true);
        let not = tok == Tok::DoesNotExist;
        if not {
            (tok, lit) = self.consume(true);
        }
        if tok != Tok::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let key = lit;
        let (next, _) = self.lookahead(true);
        if not || next == Tok::End || next == Tok::Comma {
            let text = if not { format!("!{key}") } else { key.clone() };
            return Ok((key, text));
        }
        let (op_tok, op_lit) = self.consume(false);
        let op = match op_tok {
            Tok::In => " in ",
            Tok::Equals => "=",
            Tok::DoubleEquals => "==",
            Tok::GreaterThan => ">",
            Tok::LessThan => "<",
            Tok::NotIn => " notin ",
            Tok::NotEquals => "!=",
            _ => {
                return Err(format!(
                    "found '{op_lit}', expected: in, notin, =, ==, !=, gt, lt"
                ))
            }
        };
        let value = if op_tok == Tok::In || op_tok == Tok::NotIn {
            let mut values = self.set_values()?;
            values.sort();
            values.dedup();
            format!("({})", values.join(","))
        } else {
            self.exact_value()?
        };
        Ok((key.clone(), format!("{key}{op}{value}")))
    }

    fn set_values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(true);
        if tok != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(true);
        match tok {
            Tok::Identifier | Tok::Comma => {
                let values = self.identifiers()?;
                let (tok, _) = self.consume(true);
                if tok != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(values)
            }
            Tok::ClosedPar => {
                self.consume(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut values: Vec<String> = Vec::new();
        loop {
            let (tok, lit) = self.consume(true);
            match tok {
                Tok::Identifier => {
                    values.push(lit);
                    let (t2, l2) = self.lookahead(true);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(values),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if values.is_empty() {
                        values.push(String::new());
                    }
                    let (t2, _) = self.lookahead(true);
                    if t2 == Tok::ClosedPar {
                        values.push(String::new());
                        return Ok(values);
                    }
                    if t2 == Tok::Comma {
                        self.consume(true);
                        values.push(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<String, String> {
        let (tok, _) = self.lookahead(true);
        if tok == Tok::End || tok == Tok::Comma {
            return Ok(String::new());
        }
        let (tok, lit) = self.consume(true);
        if tok == Tok::Identifier {
            return Ok(lit);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn requirements() {
        let l = labels(json!({"app": "web", "tier": "front"}));
        for (sel, want) in [
            ("app=web", true),
            ("app==web,tier=front", true),
            ("app!=web", false),
            ("tier in (front, back)", true),
            ("tier notin (front)", false),
            ("app", true),
            ("!app", false),
            ("missing", false),
            ("", true),
        ] {
            assert_eq!(
                LabelSelector::parse(sel).unwrap().matches(Some(&l)),
                want,
                "{sel}"
            );
        }
        assert!(!LabelSelector::parse("app=web").unwrap().matches(None));
        assert!(LabelSelector::parse("a b").is_err());
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
