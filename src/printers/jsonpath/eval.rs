//! Running a parsed template over a decoded object, the way client-go's
//! JSONPath walks Go values: results are grouped per top-level node, ranges
//! are driven by counters that live on the template (so they carry over from
//! one object to the next, as kubectl's do), and every failing step hands
//! back what it was given (which an existence filter then counts as found).

use serde_json::Value;

use super::parser::{Node, Param};
use super::{Error, Found, Template};
use crate::printers::gofmt;

/// Range bookkeeping that outlives one run, as on client-go's JSONPath
/// object: `root_start` is where the template's top-level node list now
/// begins (client-go re-slices it while ranging and never restores it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RangeState {
    begin_range: i64,
    in_range: i64,
    end_range: i64,
    last_end: Option<usize>,
    root_start: usize,
}

/// A failed step: the error plus the values the step returned with it.
pub struct Failed<'a> {
    pub partial: Vec<Found<'a>>,
    pub error: Error,
}

type Step<'a> = Result<Vec<Found<'a>>, Failed<'a>>;

fn fail<'a>(partial: Vec<Found<'a>>, msg: impl Into<String>) -> Step<'a> {
    Err(Failed {
        partial,
        error: Error::new(msg),
    })
}

pub struct Run<'a> {
    pub template: &'a Template,
    pub state: RangeState,
}

impl<'a> Run<'a> {
    /// client-go's `FindResults`: one group of results per top-level node.
    pub fn find_results(&mut self, data: Found<'a>) -> Result<Vec<Vec<Found<'a>>>, Error> {
        let start = self.state.root_start;
        let nodes: &'a [Node] = self.template.nodes.get(start..).unwrap_or(&[]);
        let cur = vec![data];
        let mut groups = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let results = self.walk(&cur, &nodes[i]).map_err(|f| f.error)?;

            if self.state.end_range > 0 && self.state.end_range <= self.state.in_range {
                self.state.end_range -= 1;
                self.state.last_end = Some(start + i);
                break;
            }
            if self.state.begin_range > 0 {
                self.state.begin_range -= 1;
                self.state.in_range += 1;
                if results.is_empty() {
                    // Run the body once on nothing, to find its {end}.
                    self.state.root_start = start + i + 1;
                    self.find_results(Found::Invalid)?;
                } else {
                    for value in results {
                        self.state.root_start = start + i + 1;
                        groups.extend(self.find_results(value.unwrapped())?);
                    }
                }
                self.state.in_range -= 1;
                if let Some(k) =
                    (i + 1..nodes.len()).find(|&k| self.state.last_end == Some(start + k))
                {
                    i = k;
                }
                i += 1;
                continue;
            }
            groups.push(results);
            i += 1;
        }
        Ok(groups)
    }

    fn walk(&mut self, input: &[Found<'a>], node: &'a Node) -> Step<'a> {
        match node {
            Node::List(nodes) => self.list(input, nodes),
            Node::Text(text) => Ok(vec![Found::Text(text)]),
            Node::Field(name) => self.field(input, name),
            Node::Array(params) => array(input, params),
            Node::Filter { left, right, op } => self.filter(input, left, right, op),
            Node::Int(i) => Ok(vec![Found::Int(*i); input.len()]),
            Node::Float(f) => Ok(vec![Found::Float(*f); input.len()]),
            Node::Bool(b) => Ok(vec![Found::Bool(*b); input.len()]),
            Node::Wildcard => Ok(wildcard(input)),
            Node::Recursive => Ok(recursive(input)),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for list in lists {
                    match self.list(input, list) {
                        Ok(found) => out.extend(found),
                        Err(f) => return fail(input.to_vec(), f.error.0),
                    }
                }
                Ok(out)
            }
            Node::Identifier(name) => self.identifier(input, name),
        }
    }

    fn list(&mut self, input: &[Found<'a>], nodes: &'a [Node]) -> Step<'a> {
        let mut cur = input.to_vec();
        for node in nodes {
            cur = self.walk(&cur, node)?;
        }
        Ok(cur)
    }

    fn identifier(&mut self, input: &[Found<'a>], name: &str) -> Step<'a> {
        match name {
            "range" => {
                self.state.begin_range += 1;
                Ok(input.to_vec())
            }
            "end" if self.state.in_range > 0 => {
                self.state.end_range += 1;
                Ok(Vec::new())
            }
            "end" => fail(Vec::new(), "not in range, nothing to end"),
            _ => fail(input.to_vec(), format!("unrecognized identifier {name}")),
        }
    }

    fn field(&mut self, input: &[Found<'a>], name: &str) -> Step<'a> {
        if input.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for value in input {
            if let Found::Value(Value::Object(map)) = value {
                if let Some(v) = map.get(name) {
                    out.push(Found::Value(v));
                }
            }
        }
        if out.is_empty() && !self.template.allow_missing_keys {
            return fail(out, format!("{name} is not found"));
        }
        Ok(out)
    }

    fn filter(
        &mut self,
        input: &[Found<'a>],
        left: &'a [Node],
        right: &'a [Node],
        op: &str,
    ) -> Step<'a> {
        let mut out = Vec::new();
        for value in input {
            let items = match value {
                Found::Value(Value::Array(items)) => items,
                other => {
                    return fail(
                        input.to_vec(),
                        format!(
                            "{} is not array or slice and cannot be filtered",
                            other.sprint()
                        ),
                    )
                }
            };
            for item in items {
                let temp = [Found::Value(item)];
                let lefts = self.list(&temp, left);
                if op == "exists" {
                    let found = match lefts {
                        Ok(v) => v,
                        Err(f) => f.partial,
                    };
                    if !found.is_empty() {
                        out.push(Found::Value(item));
                    }
                    continue;
                }
                let lefts = lefts.map_err(|f| Failed {
                    partial: input.to_vec(),
                    error: f.error,
                })?;
                let l = match lefts.as_slice() {
                    [] => continue,
                    [one] => *one,
                    _ => return fail(input.to_vec(), "can only compare one element at a time"),
                };
                let rights = self.list(&temp, right).map_err(|f| Failed {
                    partial: input.to_vec(),
                    error: f.error,
                })?;
                let r = match rights.as_slice() {
                    [] => continue,
                    [one] => *one,
                    _ => return fail(input.to_vec(), "can only compare one element at a time"),
                };
                let pass = match op {
                    "<" => less(&l, &r),
                    ">" => less_equal(&l, &r).map(|b| !b),
                    "==" => equal(&l, &r),
                    "!=" => equal(&l, &r).map(|b| !b),
                    "<=" => less_equal(&l, &r),
                    ">=" => less(&l, &r).map(|b| !b),
                    _ => return fail(out, format!("unrecognized filter operator {op}")),
                };
                match pass {
                    Ok(true) => out.push(Found::Value(item)),
                    Ok(false) => {}
                    Err(msg) => return fail(out, msg),
                }
            }
        }
        Ok(out)
    }
}

fn array<'a>(input: &[Found<'a>], params: &[Param; 3]) -> Step<'a> {
    let mut out = Vec::new();
    for value in input {
        let items = match value {
            Found::Value(Value::Null) => continue,
            Found::Value(Value::Array(items)) => items,
            Found::Invalid => {
                return fail(
                    input.to_vec(),
                    "reflect: call of reflect.Value.Type on zero Value",
                )
            }
            other => {
                return fail(
                    input.to_vec(),
                    format!("{} is not array or slice", other.go_type()),
                )
            }
        };
        let len = items.len() as i64;
        let mut p = *params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        if p[1].value == p[0].value {
            // An empty selection ends the whole step here.
            return Ok(out);
        }
        if p[0].value >= len || p[0].value < 0 {
            return fail(
                input.to_vec(),
                format!(
                    "array index out of bounds: index {}, length {len}",
                    p[0].value
                ),
            );
        }
        if p[1].value > len || p[1].value < 0 {
            return fail(
                input.to_vec(),
                format!(
                    "array index out of bounds: index {}, length {len}",
                    p[1].value - 1
                ),
            );
        }
        if p[0].value > p[1].value {
            return fail(
                input.to_vec(),
                format!(
                    "starting index {} is greater than ending index {}",
                    p[0].value, p[1].value
                ),
            );
        }
        let step = if p[2].known {
            if p[2].value <= 0 {
                return fail(input.to_vec(), "step must be > 0");
            }
            p[2].value as usize
        } else {
            1
        };
        let slice = &items[p[0].value as usize..p[1].value as usize];
        out.extend(slice.iter().step_by(step).map(Found::Value));
    }
    Ok(out)
}

/// The children `.*` and `..` visit: map values, slice items, string bytes.
fn children<'a>(value: &Found<'a>, out: &mut Vec<Found<'a>>) {
    match value {
        Found::Value(Value::Object(map)) => out.extend(map.values().map(Found::Value)),
        Found::Value(Value::Array(items)) => out.extend(items.iter().map(Found::Value)),
        Found::Value(Value::String(s)) => out.extend(s.bytes().map(Found::Byte)),
        Found::Text(t) => out.extend(t.iter().copied().map(Found::Byte)),
        _ => {}
    }
}

fn wildcard<'a>(input: &[Found<'a>]) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    for value in input {
        children(value, &mut out);
    }
    out
}

/// Every value under the input that has children, itself first. Strings
/// count (their children are bytes, which have none, so they are not
/// visited).
fn recursive<'a>(input: &[Found<'a>]) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    for value in input {
        visit(value, &mut out);
    }
    out
}

fn visit<'a>(value: &Found<'a>, out: &mut Vec<Found<'a>>) {
    match value {
        Found::Value(Value::Object(map)) if !map.is_empty() => {
            out.push(*value);
            for v in map.values() {
                visit(&Found::Value(v), out);
            }
        }
        Found::Value(Value::Array(items)) if !items.is_empty() => {
            out.push(*value);
            for v in items {
                visit(&Found::Value(v), out);
            }
        }
        Found::Value(Value::String(s)) if !s.is_empty() => out.push(*value),
        Found::Text(t) if !t.is_empty() => out.push(*value),
        _ => {}
    }
}

/// Go's basic kinds for `text/template` comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Uint,
    Float,
    String,
}

const BAD_TYPE: &str = "invalid type for comparison";
const INCOMPATIBLE: &str = "incompatible types for comparison";

fn kind(v: &Found) -> Result<Kind, &'static str> {
    match v {
        Found::Value(Value::Bool(_)) | Found::Bool(_) => Ok(Kind::Bool),
        Found::Value(Value::Number(n)) => Ok(if gofmt::as_go_int(n).is_some() {
            Kind::Int
        } else {
            Kind::Float
        }),
        Found::Int(_) => Ok(Kind::Int),
        Found::Byte(_) => Ok(Kind::Uint),
        Found::Float(_) => Ok(Kind::Float),
        Found::Value(Value::String(_)) | Found::Text(_) => Ok(Kind::String),
        _ => Err(BAD_TYPE),
    }
}

fn int_of(v: &Found) -> i64 {
    match v {
        Found::Value(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Found::Int(i) => *i,
        _ => 0,
    }
}

fn float_of(v: &Found) -> f64 {
    match v {
        Found::Value(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Found::Float(f) => *f,
        _ => 0.0,
    }
}

fn uint_of(v: &Found) -> u64 {
    match v {
        Found::Byte(b) => u64::from(*b),
        _ => 0,
    }
}

fn bytes_of<'v>(v: &'v Found) -> &'v [u8] {
    match v {
        Found::Value(Value::String(s)) => s.as_bytes(),
        Found::Text(t) => t,
        _ => b"",
    }
}

fn bool_of(v: &Found) -> bool {
    matches!(v, Found::Value(Value::Bool(true)) | Found::Bool(true))
}

fn equal(a: &Found, b: &Found) -> Result<bool, &'static str> {
    let (ka, kb) = (kind(a)?, kind(b)?);
    if ka != kb {
        return match (ka, kb) {
            (Kind::Int, Kind::Uint) => Ok(int_of(a) >= 0 && int_of(a) as u64 == uint_of(b)),
            (Kind::Uint, Kind::Int) => Ok(int_of(b) >= 0 && uint_of(a) == int_of(b) as u64),
            _ => Err(INCOMPATIBLE),
        };
    }
    Ok(match ka {
        Kind::Bool => bool_of(a) == bool_of(b),
        Kind::Int => int_of(a) == int_of(b),
        Kind::Uint => uint_of(a) == uint_of(b),
        Kind::Float => float_of(a) == float_of(b),
        Kind::String => bytes_of(a) == bytes_of(b),
    })
}

fn less(a: &Found, b: &Found) -> Result<bool, &'static str> {
    let (ka, kb) = (kind(a)?, kind(b)?);
    if ka != kb {
        return match (ka, kb) {
            (Kind::Int, Kind::Uint) => Ok(int_of(a) < 0 || (int_of(a) as u64) < uint_of(b)),
            (Kind::Uint, Kind::Int) => Ok(int_of(b) >= 0 && uint_of(a) < int_of(b) as u64),
            _ => Err(INCOMPATIBLE),
        };
    }
    match ka {
        Kind::Bool => Err(BAD_TYPE),
        Kind::Int => Ok(int_of(a) < int_of(b)),
        Kind::Uint => Ok(uint_of(a) < uint_of(b)),
        Kind::Float => Ok(float_of(a) < float_of(b)),
        Kind::String => Ok(bytes_of(a) < bytes_of(b)),
    }
}

fn less_equal(a: &Found, b: &Found) -> Result<bool, &'static str> {
    if less(a, b)? {
        return Ok(true);
    }
    equal(a, b)
}
