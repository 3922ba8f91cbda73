//! The values a template sees, modelled on the `reflect.Value`s Go's engine
//! passes around: the decoded JSON object (`map[string]interface{}`,
//! `[]interface{}`, `string`, `int64`, `float64`, `bool`), the constants and
//! results the template itself makes (`int`, `float64`, `string`…), the
//! zero `reflect.Value` of a missing key, and whether a value is still
//! wrapped in an `interface{}` (what indexing a map or slice yields), which
//! shows in Go's error messages.

use std::borrow::Cow;

use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub enum Kind<'a> {
    /// The zero `reflect.Value` (a missing map key).
    Invalid,
    /// A nil `interface{}` (a JSON null, or a missing key read by `index`).
    Nil,
    Bool(bool),
    /// Go `int`: constants, `len`, range indexes.
    Int(i64),
    /// `int64`: whole numbers in the object.
    Int64(i64),
    /// `uint8`: a byte of a string (`index "abc" 0`).
    Uint8(u8),
    Float(f64),
    Complex(f64, f64),
    /// A Go string: bytes, not necessarily UTF-8 (`base64decode`).
    Str(Cow<'a, [u8]>),
    Map(&'a Map<String, Value>),
    Slice(&'a [Value]),
}

/// A value and whether it sits inside an `interface{}`.
#[derive(Debug, Clone)]
pub struct GoValue<'a> {
    pub kind: Kind<'a>,
    pub iface: bool,
}

impl<'a> GoValue<'a> {
    pub const INVALID: GoValue<'static> = GoValue {
        kind: Kind::Invalid,
        iface: false,
    };

    pub fn new(kind: Kind<'a>) -> GoValue<'a> {
        GoValue { kind, iface: false }
    }

    pub fn nil() -> GoValue<'a> {
        GoValue {
            kind: Kind::Nil,
            iface: true,
        }
    }

    pub fn string(bytes: Vec<u8>) -> GoValue<'a> {
        GoValue::new(Kind::Str(Cow::Owned(bytes)))
    }

    /// A decoded JSON value; `iface` when it was read out of a map or a
    /// slice (Go hands back the `interface{}`).
    pub fn from_json(v: &'a Value, iface: bool) -> GoValue<'a> {
        let kind = match v {
            Value::Null => return GoValue::nil(),
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Kind::Int64(i),
                None => Kind::Float(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => Kind::Str(Cow::Borrowed(s.as_bytes())),
            Value::Array(items) => Kind::Slice(items),
            Value::Object(map) => Kind::Map(map),
        };
        GoValue { kind, iface }
    }

    pub fn is_valid(&self) -> bool {
        !matches!(self.kind, Kind::Invalid)
    }

    /// The value out of its `interface{}` (Go's `indirectInterface`): a nil
    /// interface becomes the zero value.
    pub fn unwrapped(&self) -> GoValue<'a> {
        match self.kind {
            Kind::Nil => GoValue::INVALID,
            _ => GoValue {
                kind: self.kind.clone(),
                iface: false,
            },
        }
    }

    /// The type Go names in messages (`reflect.Value.Type()`); `None` for
    /// the zero value, which has none.
    pub fn type_name(&self) -> Option<&'static str> {
        if self.iface {
            return Some("interface {}");
        }
        self.kind.type_name()
    }

    /// Go's notion of truth for `if`, `with`, `and`, `or` and `not`.
    pub fn truth(&self) -> bool {
        match &self.kind {
            Kind::Invalid | Kind::Nil => false,
            Kind::Bool(b) => *b,
            Kind::Int(i) | Kind::Int64(i) => *i != 0,
            Kind::Uint8(u) => *u != 0,
            Kind::Float(f) => *f != 0.0,
            Kind::Complex(re, im) => *re != 0.0 || *im != 0.0,
            Kind::Str(s) => !s.is_empty(),
            Kind::Map(m) => !m.is_empty(),
            Kind::Slice(s) => !s.is_empty(),
        }
    }
}

impl Kind<'_> {
    /// The concrete type's name.
    pub fn type_name(&self) -> Option<&'static str> {
        Some(match self {
            Kind::Invalid => return None,
            Kind::Nil => "interface {}",
            Kind::Bool(_) => "bool",
            Kind::Int(_) => "int",
            Kind::Int64(_) => "int64",
            Kind::Uint8(_) => "uint8",
            Kind::Float(_) => "float64",
            Kind::Complex(..) => "complex128",
            Kind::Str(_) => "string",
            Kind::Map(_) => "map[string]interface {}",
            Kind::Slice(_) => "[]interface {}",
        })
    }
}
