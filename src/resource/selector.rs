//! Label selectors as apimachinery's `labels.Parse` reads them: the same
//! lexer and recursive-descent parser (`k=v`, `k==v`, `k!=v`, `k in (a,b)`,
//! `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`), the same key and value
//! validation and the same error texts; requirements come back sorted by
//! key. Used to match objects read from files (`scale -f FILE -l app=web`)
//! and to build `LabelSelector` objects (`create poddisruptionbudget`).

use serde_json::{Map, Value};

use crate::flags::go_values::go_quote;
use crate::generate::validation::{label_key_errors, label_value_errors};

/// A requirement's operator (`selection.Operator`), written as Go writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    DoesNotExist,
    Equals,
    DoubleEquals,
    In,
    NotEquals,
    NotIn,
    Exists,
    GreaterThan,
    LessThan,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::DoesNotExist => "!",
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::In => "in",
            Operator::NotEquals => "!=",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }
}

/// One requirement: a key, an operator and its values (sorted, distinct).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let value = labels
            .and_then(|l| l.get(&self.key))
            .and_then(Value::as_str);
        let listed = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => value.is_some_and(listed),
            Operator::NotIn | Operator::NotEquals => value.is_none_or(|v| !listed(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(have), Some(want)) = (
                    value.and_then(|v| v.parse::<i64>().ok()),
                    self.values.first().and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

/// A parsed selector; empty selects everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSelector(Vec<Requirement>);

impl LabelSelector {
    /// `labels.Parse`, failing as the resource builder words it
    /// (`the provided selector "x" is not valid: …`).
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        parse_requirements(text)
            .map(LabelSelector)
            .map_err(|e| format!("the provided selector {} is not valid: {e}", go_quote(text)))
    }

    /// Whether an object with these labels is selected.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        self.0.iter().all(|r| r.matches(labels))
    }

    pub fn requirements(&self) -> &[Requirement] {
        &self.0
    }
}

/// `labels.ParseToRequirements`: the requirements sorted by key, or the
/// parser's error text.
pub fn parse_requirements(text: &str) -> Result<Vec<Requirement>, String> {
    let mut parser = Parser {
        items: lex_all(text),
        position: 0,
    };
    let mut requirements = parser.parse()?;
    requirements.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(requirements)
}

/// `metav1.ParseToLabelSelector`: equality requirements become
/// `matchLabels`, set-based ones `matchExpressions` (a `LabelSelector`
/// object in Go's field order, empty parts left out).
pub fn parse_to_label_selector(text: &str) -> Result<Value, String> {
    let requirements = parse_requirements(text)
        .map_err(|e| format!("couldn't parse the selector string \"{text}\": {e}"))?;
    let mut match_labels = std::collections::BTreeMap::new();
    let mut expressions = Vec::new();
    for r in requirements {
        let operator = match r.operator {
            Operator::Equals | Operator::DoubleEquals => {
                let value = r.values.into_iter().next().unwrap_or_default();
                match_labels.insert(r.key, value);
                continue;
            }
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
            Operator::GreaterThan | Operator::LessThan => {
                return Err(format!(
                    "\"{}\" isn't supported in label selectors",
                    r.operator.as_str()
                ))
            }
            Operator::NotEquals => {
                return Err(format!(
                    "\"{}\" is not a valid label selector operator",
                    r.operator.as_str()
                ))
            }
        };
        let mut expression = Map::new();
        expression.insert("key".into(), Value::String(r.key));
        expression.insert("operator".into(), Value::String(operator.into()));
        if !r.values.is_empty() {
            expression.insert(
                "values".into(),
                Value::Array(r.values.into_iter().map(Value::String).collect()),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Error,
    EndOfString,
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

fn keyword(text: &str) -> Option<Token> {
    Some(match text {
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

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// The whole input as tokens, ending with `EndOfString`.
fn lex_all(text: &str) -> Vec<(Token, String)> {
    let s = text.as_bytes();
    let mut pos = 0usize;
    let mut out = Vec::new();
    loop {
        while pos < s.len() && is_whitespace(s[pos]) {
            pos += 1;
        }
        if pos >= s.len() {
            out.push((Token::EndOfString, String::new()));
            return out;
        }
        if is_special(s[pos]) {
            // The longest run of special symbols that is still a token.
            let mut buffer = Vec::new();
            let mut last: Option<(Token, String)> = None;
            while pos < s.len() && is_special(s[pos]) {
                buffer.push(s[pos]);
                let text = String::from_utf8_lossy(&buffer).into_owned();
                match keyword(&text) {
                    Some(token) => last = Some((token, text)),
                    None if last.is_some() => break,
                    None => {}
                }
                pos += 1;
            }
            match last {
                Some(item) => out.push(item),
                None => out.push((
                    Token::Error,
                    format!(
                        "error expected: keyword found '{}'",
                        String::from_utf8_lossy(&buffer)
                    ),
                )),
            }
        } else {
            let start = pos;
            while pos < s.len() && !is_special(s[pos]) && !is_whitespace(s[pos]) {
                pos += 1;
            }
            let word = String::from_utf8_lossy(&s[start..pos]).into_owned();
            let token = keyword(&word).unwrap_or(Token::Identifier);
            out.push((token, word));
        }
    }
}

/// Where the parser is: `in` and `notin` are plain words among values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

impl Parser {
    fn token_at(&self, index: usize, context: Context) -> (Token, String) {
        let (token, literal) = self
            .items
            .get(index)
            .cloned()
            .unwrap_or((Token::EndOfString, String::new()));
        let token = match token {
            Token::In | Token::NotIn if context == Context::Values => Token::Identifier,
            other => other,
        };
        (token, literal)
    }

    fn lookahead(&self, context: Context) -> (Token, String) {
        self.token_at(self.position, context)
    }

    fn consume(&mut self, context: Context) -> (Token, String) {
        self.position += 1;
        self.token_at(self.position - 1, context)
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (token, literal) = self.lookahead(Context::Values);
            match token {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::EndOfString => return Ok(requirements),
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
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{literal}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (key, operator) = self.key_and_inferred_operator()?;
        if let Some(op @ (Operator::Exists | Operator::DoesNotExist)) = operator {
            return new_requirement(key, op, Vec::new());
        }
        let operator = self.operator()?;
        let values = match operator {
            Operator::In | Operator::NotIn => self.set_values()?,
            _ => self.exact_value()?,
        };
        new_requirement(key, operator, values)
    }

    fn key_and_inferred_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let mut operator = None;
        let (mut token, mut literal) = self.consume(Context::Values);
        if token == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (token, literal) = self.consume(Context::Values);
        }
        if token != Token::Identifier {
            return Err(format!("found '{literal}', expected: identifier"));
        }
        let errors = label_key_errors(&literal);
        if !errors.is_empty() {
            return Err(invalid("<nil>", &literal, &errors.join("; ")));
        }
        let (next, _) = self.lookahead(Context::Values);
        if matches!(next, Token::EndOfString | Token::Comma) && operator.is_none() {
            operator = Some(Operator::Exists);
        }
        Ok((literal, operator))
    }

    fn operator(&mut self) -> Result<Operator, String> {
        let (token, literal) = self.consume(Context::KeyAndOperator);
        Ok(match token {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{literal}', expected: in, notin, =, ==, !=, gt, lt"
                ))
            }
        })
    }

    /// `(a,b,c)`; `()` is one empty value.
    fn set_values(&mut self) -> Result<Vec<String>, String> {
        let (token, literal) = self.consume(Context::Values);
        if token != Token::OpenPar {
            return Err(format!("found '{literal}' expected: '('"));
        }
        let (token, literal) = self.lookahead(Context::Values);
        match token {
            Token::Identifier | Token::Comma => {
                let values = self.identifiers()?;
                let (closing, _) = self.consume(Context::Values);
                if closing != Token::ClosedPar {
                    return Err(format!("found '{literal}', expected: ')'"));
                }
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(vec![String::new()])
            }
            _ => Err(format!(
                "found '{literal}', expected: ',', ')' or identifier"
            )),
        }
    }

    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut values: Vec<String> = Vec::new();
        let insert = |values: &mut Vec<String>, v: String| {
            if !values.contains(&v) {
                values.push(v);
            }
        };
        loop {
            let (token, literal) = self.consume(Context::Values);
            match token {
                Token::Identifier => {
                    insert(&mut values, literal);
                    let (next, next_literal) = self.lookahead(Context::Values);
                    match next {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(values),
                        _ => return Err(format!("found '{next_literal}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if values.is_empty() {
                        insert(&mut values, String::new());
                    }
                    let (next, _) = self.lookahead(Context::Values);
                    if next == Token::ClosedPar {
                        insert(&mut values, String::new());
                        return Ok(values);
                    }
                    if next == Token::Comma {
                        insert(&mut values, String::new());
                    }
                }
                _ => return Err(format!("found '{literal}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<Vec<String>, String> {
        let (token, _) = self.lookahead(Context::Values);
        if matches!(token, Token::EndOfString | Token::Comma) {
            return Ok(vec![String::new()]);
        }
        let (token, literal) = self.consume(Context::Values);
        if token == Token::Identifier {
            return Ok(vec![literal]);
        }
        Err(format!("found '{literal}', expected: identifier"))
    }
}

/// `field.Invalid(path, value, detail)` as text.
fn invalid(path: &str, value: &str, detail: &str) -> String {
    format!("{path}: Invalid value: {}: {detail}", go_quote(value))
}

/// `labels.NewRequirement`: the values sorted, checked for the operator and
/// as label values; several problems read as Go's aggregate `[a, b]`.
fn new_requirement(
    key: String,
    operator: Operator,
    mut values: Vec<String>,
) -> Result<Requirement, String> {
    values.sort();
    values.dedup();
    let mut errors = Vec::new();
    let key_errors = label_key_errors(&key);
    if !key_errors.is_empty() {
        errors.push(invalid("key", &key, &key_errors.join("; ")));
    }
    if matches!(operator, Operator::GreaterThan | Operator::LessThan) {
        for (i, v) in values.iter().enumerate() {
            if v.parse::<i64>().is_err() {
                errors.push(invalid(
                    &format!("values[{i}]"),
                    v,
                    "for 'Gt', 'Lt' operators, the value must be an integer",
                ));
            }
        }
    }
    for (i, v) in values.iter().enumerate() {
        let value_errors = label_value_errors(v);
        if !value_errors.is_empty() {
            errors.push(invalid(
                &format!("values[{i}][{key}]"),
                v,
                &value_errors.join("; "),
            ));
        }
    }
    match errors.len() {
        0 => Ok(Requirement {
            key,
            operator,
            values,
        }),
        1 => Err(errors.remove(0)),
        _ => Err(format!("[{}]", errors.join(", "))),
    }
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
        let l = labels(json!({"app": "web", "tier": "front", "n": "5"}));
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
            ("n>4", true),
            ("n<5", false),
            ("x in (in,notin)", false),
        ] {
            assert_eq!(
                LabelSelector::parse(sel).unwrap().matches(Some(&l)),
                want,
                "{sel}"
            );
        }
        assert!(!LabelSelector::parse("app=web").unwrap().matches(None));
    }

    #[test]
    fn errors_in_apimachinery_words() {
        for (sel, err) in [
            ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
            ("a=b,", "found '', expected: identifier after ','"),
            (",a", "found ',', expected: !, identifier, or 'end of string'"),
            ("a in (x", "unable to parse requirement: found '', expected: ',' or ')'"),
            ("a>x", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"),
            ("a=-b", "unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
            ("a=~b", "unable to parse requirement: values[0][a]: Invalid value: \"~b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        ] {
            assert_eq!(parse_requirements(sel).unwrap_err(), err, "{sel}");
        }
        assert!(parse_requirements("A_B/c=d")
            .unwrap_err()
            .starts_with("unable to parse requirement: <nil>: Invalid value: \"A_B/c\": prefix part a lowercase RFC 1123 subdomain"));
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
        assert_eq!(parse_to_label_selector("  ").unwrap(), json!({}));
    }
}
