//! `--sort-by=<jsonpath>`: kubectl's sorter (`pkg/cmd/get/sorter.go`).
//!
//! Two entry points, as in kubectl: [`sort_objects`] orders whole objects
//! (the items of a `List` for `-o yaml|json|name…`, and the server's Tables
//! themselves when `get` fetched several), [`sort_table_rows`] orders the
//! rows of one Table by the objects the server put in them
//! (`includeObject=Object`). Both return the new order as original
//! positions and leave moving things to the caller.
//!
//! The order is what Go's unstable `sort.Sort` makes of kubectl's `less`
//! (see [`super::gosort`]): only the first value the path finds counts; an
//! object without one is "less" than anything (even than another object
//! without one); numbers compare as numbers of the same Go type, strings
//! byte-wise unless both are resource quantities (`100m` < `1` < `2Gi`);
//! other pairs are fatal, as kubectl's `klog.Exitf`.

use std::cmp::Ordering;

use serde_json::Value;

use super::gofmt;
use super::gosort::{self, Sortable};
use super::jsonpath::{self, Found, Template};
use crate::quantity::Quantity;

/// How sorting failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortError {
    /// An error kubectl returns: fatal (`error: …`) when sorting objects,
    /// silently dropped by `get` when sorting a table's rows.
    Failed(String),
    /// kubectl logs through klog and exits from inside the sort: `message`
    /// goes after klog's `F… sorter.go:LINE] ` header.
    Fatal {
        message: String,
        line: u32,
        code: i32,
    },
}

impl std::fmt::Display for SortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SortError::Failed(msg) => f.write_str(msg),
            SortError::Fatal { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for SortError {}

impl SortError {
    /// klog's line for a fatal sort error, with its `Lmmdd hh:mm:ss.uuuuuu
    /// pid file:line]` header in local time.
    pub fn klog_line(&self) -> Option<String> {
        let SortError::Fatal { message, line, .. } = self else {
            return None;
        };
        let now = chrono::Local::now();
        Some(format!(
            "F{} {:>7} sorter.go:{line}] {message}\n",
            now.format("%m%d %H:%M:%S%.6f"),
            std::process::id()
        ))
    }
}

/// kubectl's `SortObjects`: the order of `objects` by `field` (as typed;
/// `metadata.name`, `{.metadata.name}`… are all accepted).
pub fn sort_objects(objects: &[Value], field: &str) -> Result<Vec<usize>, SortError> {
    let mut keys = ObjectKeys::new(field)?;
    for obj in objects {
        keys.add(obj);
    }
    keys.sort()
}

/// [`sort_objects`] for objects that arrive one at a time and need not be
/// kept: only each one's sort key is (and the object itself when its key
/// could not be read, for kubectl's message).
pub struct ObjectKeys {
    field: String,
    /// Checks that some object has the path (it carries JSONPath's range
    /// state from object to object, as kubectl's one parser does).
    probe: Template,
    found_once: bool,
    /// The probe's error on an object before any had the path.
    early: Option<SortError>,
    keys: Vec<Result<Key, jsonpath::Error>>,
    unreadable: Vec<(usize, Value)>,
}

impl ObjectKeys {
    pub fn new(field: &str) -> Result<ObjectKeys, SortError> {
        let field = jsonpath::relaxed_expression(field).map_err(|e| SortError::Failed(e.0))?;
        let probe = Template::parse(&field)
            .map_err(|e| SortError::Failed(e.0))?
            .allow_missing_keys(true);
        Ok(ObjectKeys {
            field,
            probe,
            found_once: false,
            early: None,
            keys: Vec::new(),
            unreadable: Vec::new(),
        })
    }

    /// Reads the next object's key.
    pub fn add(&mut self, obj: &Value) {
        // No schema to check the path against: it is good if any object
        // has it.
        if !self.found_once && self.early.is_none() {
            match self.probe.find_results(obj) {
                Err(e) => self.early = Some(SortError::Failed(e.0)),
                Ok(groups) => self.found_once = first_value(&groups).is_some(),
            }
        }
        // kubectl evaluates the path afresh (a new parser) in every
        // comparison.
        let key = match Template::parse(&self.field) {
            Ok(fresh) => fresh
                .allow_missing_keys(true)
                .find_results(obj)
                .map(|groups| first_value(&groups).map_or(Key::Missing, Key::Value)),
            Err(e) => Err(e),
        };
        if key.is_err() {
            self.unreadable.push((self.keys.len(), obj.clone()));
        }
        self.keys.push(key);
    }

    /// The order of the objects added, by their original positions.
    pub fn sort(self) -> Result<Vec<usize>, SortError> {
        if let Some(e) = self.early {
            return Err(e);
        }
        if !self.found_once && !self.keys.is_empty() {
            return Err(not_found(&self.field));
        }
        let mut sorter = Sorter::new(self.keys, &self.field, Holder::Objects(&self.unreadable));
        gosort::sort(&mut sorter);
        sorter.finish()
    }
}

/// kubectl's `TableSorter`: the order of a table's rows, given each row's
/// object. Tables of one row or none are left alone.
pub fn sort_table_rows(objects: &[Option<&Value>], field: &str) -> Result<Vec<usize>, SortError> {
    let mut keys = RowKeys::new(field);
    for obj in objects {
        keys.add(*obj);
    }
    keys.sort()
}

/// [`sort_table_rows`] for rows that arrive one at a time: only each
/// row's key is kept, not its object.
pub struct RowKeys {
    field: String,
    template: Result<Template, SortError>,
    keys: Vec<Result<Key, jsonpath::Error>>,
    found_once: bool,
    /// The first object whose key could not be read.
    failed: Option<SortError>,
}

impl RowKeys {
    pub fn new(field: &str) -> RowKeys {
        // An expression that is not relaxed JSONPath is tried as it is.
        let field = jsonpath::relaxed_expression(field).unwrap_or_else(|_| field.to_string());
        let template = Template::parse(&field)
            .map(|t| t.allow_missing_keys(true))
            .map_err(|e| SortError::Failed(format!("sorting error: {e}")));
        RowKeys {
            field,
            template,
            keys: Vec::new(),
            found_once: false,
            failed: None,
        }
    }

    /// Reads the next row's key from its object.
    pub fn add(&mut self, obj: Option<&Value>) {
        let Ok(template) = &self.template else {
            self.keys.push(Ok(Key::Missing));
            return;
        };
        let data = obj.unwrap_or(&Value::Null);
        let key = match template.find_results(data) {
            Ok(groups) => first_value(&groups).map_or(Key::Missing, Key::Value),
            Err(e) => {
                if self.failed.is_none() {
                    self.failed = Some(SortError::Failed(format!(
                        "Failed to get values for [][]reflect.Value(nil) using {} (&errors.errorString{{s:{}}})",
                        self.field,
                        gofmt::quote(&e.0)
                    )));
                }
                Key::Missing
            }
        };
        self.found_once |= !matches!(key, Key::Missing);
        self.keys.push(Ok(key));
    }

    /// The order of the rows added, by their original positions.
    pub fn sort(self) -> Result<Vec<usize>, SortError> {
        if self.keys.len() <= 1 {
            return Ok((0..self.keys.len()).collect());
        }
        self.template?;
        if let Some(e) = self.failed {
            return Err(e);
        }
        if !self.found_once {
            return Err(not_found(&self.field));
        }
        let mut sorter = Sorter::new(self.keys, &self.field, Holder::TableRows);
        gosort::sort(&mut sorter);
        sorter.finish()
    }
}

fn not_found(field: &str) -> SortError {
    SortError::Failed(format!(
        "couldn't find any field with path {} in the list of objects",
        gofmt::quote(field)
    ))
}

/// The first value of the first group: all kubectl compares.
fn first_value(groups: &[Vec<Found>]) -> Option<GoValue> {
    groups.first()?.first().map(GoValue::from_found)
}

/// A sort key as the Go `reflect.Value` kubectl compares: values taken out
/// of decoded JSON are interfaces (`Iface`), values the path itself made
/// (quoted text, numbers, string bytes) have their own kinds.
#[derive(Debug, Clone, PartialEq)]
enum GoValue {
    Iface(Dynamic),
    Str(String),
    Int(i64),
    Float(f64),
    Bool,
    Uint8(u8),
    Invalid,
}

/// What an `interface{}` from decoded JSON holds.
#[derive(Debug, Clone, PartialEq)]
enum Dynamic {
    Nil,
    Int64(i64),
    Float64(f64),
    String(String),
    Bool,
    Map,
    Slice,
    /// Go `int` and `uint8` (from the path itself, never from JSON): equal
    /// only to their own kind.
    GoInt(i64),
    Uint8(u8),
}

impl GoValue {
    fn from_found(found: &Found) -> GoValue {
        match found {
            Found::Value(v) => GoValue::Iface(match v {
                Value::Null => Dynamic::Nil,
                Value::Bool(_) => Dynamic::Bool,
                Value::Number(n) => match gofmt::as_go_int(n) {
                    Some(i) => Dynamic::Int64(i),
                    None => Dynamic::Float64(n.as_f64().unwrap_or(0.0)),
                },
                Value::String(s) => Dynamic::String(s.clone()),
                Value::Array(_) => Dynamic::Slice,
                Value::Object(_) => Dynamic::Map,
            }),
            Found::Text(t) => GoValue::Str(String::from_utf8_lossy(t).into_owned()),
            Found::Int(i) => GoValue::Int(*i),
            Found::Float(f) => GoValue::Float(*f),
            Found::Bool(_) => GoValue::Bool,
            Found::Byte(b) => GoValue::Uint8(*b),
            Found::Invalid => GoValue::Invalid,
        }
    }

    /// `reflect.Value.Kind().String()`.
    fn kind(&self) -> &'static str {
        match self {
            GoValue::Iface(_) => "interface",
            GoValue::Str(_) => "string",
            GoValue::Int(_) => "int",
            GoValue::Float(_) => "float64",
            GoValue::Bool => "bool",
            GoValue::Uint8(_) => "uint8",
            GoValue::Invalid => "invalid",
        }
    }

    /// What `Interface()` would hand back, for a value compared with an
    /// interface.
    fn dynamic(&self) -> Dynamic {
        match self {
            GoValue::Iface(d) => d.clone(),
            GoValue::Str(s) => Dynamic::String(s.clone()),
            GoValue::Int(i) => Dynamic::GoInt(*i),
            GoValue::Float(f) => Dynamic::Float64(*f),
            GoValue::Bool => Dynamic::Bool,
            GoValue::Uint8(b) => Dynamic::Uint8(*b),
            GoValue::Invalid => Dynamic::Nil,
        }
    }
}

/// kubectl's `isLess`.
fn is_less(i: &GoValue, j: &GoValue) -> Result<bool, String> {
    match i {
        GoValue::Int(a) => match j {
            GoValue::Int(b) => Ok(a < b),
            other => Err(format!("unsortable type: {}", other.kind())),
        },
        GoValue::Uint8(a) => match j {
            GoValue::Uint8(b) => Ok(a < b),
            other => Err(format!("unsortable type: {}", other.kind())),
        },
        GoValue::Float(a) => match j {
            GoValue::Float(b) => Ok(a < b),
            other => Err(format!("unsortable type: {}", other.kind())),
        },
        GoValue::Str(a) => match j.dynamic() {
            Dynamic::String(b) => Ok(a.as_bytes() < b.as_bytes()),
            _ => Err("unsortable type: string".into()),
        },
        GoValue::Bool => Err("unsortable type: bool".into()),
        GoValue::Invalid => Err("unsortable type: invalid".into()),
        GoValue::Iface(a) => {
            let b = j.dynamic();
            match (a, &b) {
                (Dynamic::Nil, Dynamic::Nil) => return Ok(false),
                (Dynamic::Nil, _) => return Ok(true),
                (_, Dynamic::Nil) => return Ok(false),
                _ => {}
            }
            match (a, &b) {
                (Dynamic::Int64(x), Dynamic::Int64(y)) => Ok(x < y),
                (Dynamic::GoInt(x), Dynamic::GoInt(y)) => Ok(x < y),
                (Dynamic::Uint8(x), Dynamic::Uint8(y)) => Ok(x < y),
                (Dynamic::Float64(x), Dynamic::Float64(y)) => Ok(x < y),
                (Dynamic::String(x), Dynamic::String(y)) => Ok(string_less(x, y)),
                (
                    Dynamic::Int64(_)
                    | Dynamic::Float64(_)
                    | Dynamic::String(_)
                    | Dynamic::GoInt(_)
                    | Dynamic::Uint8(_),
                    _,
                ) => Err("unsortable interface: interface".into()),
                (Dynamic::Bool, _) => Err("unsortable type: bool".into()),
                (Dynamic::Map, _) => Err("unsortable type: map[string]interface {}".into()),
                (Dynamic::Slice, _) => Err("unsortable type: []interface {}".into()),
                (Dynamic::Nil, _) => Ok(false),
            }
        }
    }
}

/// Strings that both read as resource quantities compare by value.
fn string_less(a: &str, b: &str) -> bool {
    match (Quantity::parse(a).ok(), Quantity::parse(b).ok()) {
        (Some(x), Some(y)) => x.cmp(&y) == Ordering::Less,
        _ => a.as_bytes() < b.as_bytes(),
    }
}

/// What is being sorted, for kubectl's messages.
enum Holder<'a> {
    /// Rows of a table (`%T` of the parsed rows).
    TableRows,
    /// Whole objects (`*unstructured.Unstructured`): those whose key could
    /// not be read, by position.
    Objects(&'a [(usize, Value)]),
}

#[derive(Debug)]
enum Key {
    Missing,
    Value(GoValue),
}

/// Keys by original position plus the permutation being sorted; the first
/// fatal error stops the comparisons mattering.
struct Sorter<'a> {
    keys: Vec<Result<Key, jsonpath::Error>>,
    order: Vec<usize>,
    field: &'a str,
    holder: Holder<'a>,
    fatal: Option<SortError>,
}

impl<'a> Sorter<'a> {
    fn new(keys: Vec<Result<Key, jsonpath::Error>>, field: &'a str, holder: Holder<'a>) -> Self {
        Sorter {
            order: (0..keys.len()).collect(),
            keys,
            field,
            holder,
            fatal: None,
        }
    }

    fn finish(self) -> Result<Vec<usize>, SortError> {
        match self.fatal {
            Some(e) => Err(e),
            None => Ok(self.order),
        }
    }

    fn lookup_failed(&self, which: char, pos: usize, err: &jsonpath::Error) -> SortError {
        let object = match &self.holder {
            Holder::Objects(objects) => objects
                .iter()
                .find(|(i, _)| *i == pos)
                .map(|(_, o)| o)
                .map_or_else(
                    || "<nil>".to_string(),
                    |o| {
                        format!(
                            "&unstructured.Unstructured{{Object:{}}}",
                            gofmt::go_syntax(o)
                        )
                    },
                ),
            Holder::TableRows => "<nil>".into(),
        };
        // kubectl prints the i error with %#v and the j error with %v.
        let (err_text, line) = if which == 'i' {
            (
                format!("&errors.errorString{{s:{}}}", gofmt::quote(&err.0)),
                310,
            )
        } else {
            (err.0.clone(), 315)
        };
        SortError::Fatal {
            message: format!(
                "Failed to get {which} values for {object} using {} ({err_text})",
                self.field
            ),
            line,
            // klog.Fatalf exits with 255 (after a goroutine dump).
            code: 255,
        }
    }
}

impl Sortable for Sorter<'_> {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn less(&mut self, i: usize, j: usize) -> bool {
        if self.fatal.is_some() {
            return false;
        }
        let (pi, pj) = (self.order[i], self.order[j]);
        let ki = match &self.keys[pi] {
            Ok(k) => k,
            Err(e) => {
                self.fatal = Some(self.lookup_failed('i', pi, e));
                return false;
            }
        };
        let kj = match &self.keys[pj] {
            Ok(k) => k,
            Err(e) => {
                self.fatal = Some(self.lookup_failed('j', pj, e));
                return false;
            }
        };
        let (vi, vj) = match (ki, kj) {
            (Key::Missing, _) => return true,
            (_, Key::Missing) => return false,
            (Key::Value(a), Key::Value(b)) => (a, b),
        };
        match is_less(vi, vj) {
            Ok(less) => less,
            Err(err) => {
                let (holder, line) = match self.holder {
                    Holder::TableRows => ("[][][]reflect.Value", 375),
                    Holder::Objects(_) => ("*unstructured.Unstructured", 329),
                };
                self.fatal = Some(SortError::Fatal {
                    message: format!(
                        "Field {} in {holder} is an unsortable type: {}, err: {err}",
                        self.field,
                        vi.kind()
                    ),
                    line,
                    code: 1,
                });
                false
            }
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(objects: &[Value], order: &[usize]) -> Vec<String> {
        order
            .iter()
            .map(|&i| {
                objects[i]["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    fn obj(name: &str, extra: Value) -> Value {
        let mut o = json!({"metadata": {"name": name}});
        if let (Some(map), Value::Object(more)) = (o.as_object_mut(), extra) {
            map.extend(more);
        }
        o
    }

    #[test]
    fn quantities_numbers_and_strings() {
        let objs = vec![
            obj("a", json!({"q": "2Gi"})),
            obj("b", json!({"q": "100m"})),
            obj("c", json!({"q": "1"})),
            obj("d", json!({"q": "0.5"})),
        ];
        let order = sort_objects(&objs, ".q").unwrap();
        assert_eq!(names(&objs, &order), ["b", "d", "c", "a"]);
        // Not both quantities: byte order.
        let objs = vec![obj("a", json!({"q": "b"})), obj("b", json!({"q": "10"}))];
        assert_eq!(names(&objs, &sort_objects(&objs, "q").unwrap()), ["b", "a"]);
        let objs = vec![
            obj("a", json!({"n": 10})),
            obj("b", json!({"n": 9})),
            obj("c", json!({"n": -1})),
        ];
        assert_eq!(
            names(&objs, &sort_objects(&objs, "{.n}").unwrap()),
            ["c", "b", "a"]
        );
    }

    #[test]
    fn missing_values_go_first() {
        let objs = vec![
            obj("a", json!({"n": 2})),
            obj("b", json!({})),
            obj("c", json!({"n": 1})),
        ];
        assert_eq!(
            names(&objs, &sort_objects(&objs, ".n").unwrap()),
            ["b", "c", "a"]
        );
    }

    #[test]
    fn errors_as_kubectl_words_them() {
        let objs = vec![obj("a", json!({})), obj("b", json!({}))];
        assert_eq!(
            sort_objects(&objs, ".nope").unwrap_err(),
            SortError::Failed(
                "couldn't find any field with path \"{.nope}\" in the list of objects".into()
            )
        );
        assert!(matches!(
            sort_objects(&objs, "{.a"),
            Err(SortError::Failed(m)) if m.starts_with("unexpected path string")
        ));
        let objs = vec![obj("a", json!({"m": {}})), obj("b", json!({"m": {}}))];
        let err = sort_objects(&objs, ".m").unwrap_err();
        assert_eq!(
            err,
            SortError::Fatal {
                message: "Field {.m} in *unstructured.Unstructured is an unsortable type: interface, err: unsortable type: map[string]interface {}".into(),
                line: 329,
                code: 1,
            }
        );
        let line = err.klog_line().unwrap();
        assert!(line.starts_with('F') && line.contains(" sorter.go:329] Field {.m}"));
        let objs = vec![obj("a", json!({"m": 1})), obj("b", json!({"m": 1.5}))];
        assert!(matches!(
            sort_objects(&objs, ".m"),
            Err(SortError::Fatal { message, .. }) if message.ends_with("err: unsortable interface: interface")
        ));
    }

    #[test]
    fn tables_of_one_row_are_not_checked() {
        let one = json!({"metadata": {}});
        assert_eq!(sort_table_rows(&[Some(&one)], ".nope").unwrap(), [0]);
        let rows = [Some(&one), Some(&one)];
        assert!(matches!(
            sort_table_rows(&rows, ".nope"),
            Err(SortError::Failed(_))
        ));
        assert_eq!(
            sort_table_rows(&rows, "{.a[}").unwrap_err(),
            SortError::Failed("sorting error: unterminated array".into())
        );
    }

    #[test]
    fn nulls_sort_before_values() {
        let objs = vec![obj("a", json!({"n": "x"})), obj("b", json!({"n": null}))];
        assert_eq!(
            names(&objs, &sort_objects(&objs, ".n").unwrap()),
            ["b", "a"]
        );
    }
}
