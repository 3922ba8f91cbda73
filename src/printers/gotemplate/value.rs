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
    Slice(SliceRef<'a>),
}

/// A `[]interface{}` from the decoded object, or a slice of one. Go's JSON
/// decoder grows arrays one append at a time, so an array's capacity can
/// exceed its length; `slice` may reach into that spare room, whose
/// elements are nil.
#[derive(Debug, Clone, Copy)]
pub struct SliceRef<'a> {
    /// The decoded array (elements past its end are nil).
    pub base: &'a [Value],
    pub start: usize,
    pub len: usize,
    pub cap: usize,
}

/// Element sizes Go's allocator rounds to (`runtime/sizeclasses.go`).
const SIZE_CLASSES: [usize; 68] = [
    0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
    352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
    2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

/// The capacity Go's `append` leaves on a `[]interface{}` grown one element
/// at a time from empty to `n` elements (as `encoding/json` decodes arrays).
pub fn json_array_cap(n: usize) -> usize {
    // growslice: double below 256, then grow by a quarter plus 192, and
    // round the allocation (16-byte elements, with pointers) up to a size
    // class or page.
    let round_up = |size: usize| -> usize {
        if size <= 32768 - 8 {
            let req = if size > 512 { size + 8 } else { size };
            let class = SIZE_CLASSES
                .iter()
                .copied()
                .find(|c| *c >= req)
                .unwrap_or(32768);
            class - (req - size)
        } else {
            size.div_ceil(8192) * 8192
        }
    };
    let mut cap = 0usize;
    while cap < n {
        let new_len = cap + 1;
        let mut new_cap = cap;
        let double = cap + cap;
        if new_len > double {
            new_cap = new_len;
        } else if cap < 256 {
            new_cap = double;
        } else {
            while new_cap < new_len {
                new_cap += (new_cap + 3 * 256) >> 2;
            }
        }
        cap = round_up(new_cap * 16) / 16;
    }
    cap
}

impl<'a> SliceRef<'a> {
    pub fn of(items: &'a [Value]) -> SliceRef<'a> {
        SliceRef {
            base: items,
            start: 0,
            len: items.len(),
            cap: json_array_cap(items.len()),
        }
    }

    /// Element `i` (`None`: a nil from the spare room).
    pub fn get(&self, i: usize) -> Option<&'a Value> {
        self.base.get(self.start + i)
    }

    /// The elements as values inside `interface{}`s.
    pub fn elements(&self) -> impl Iterator<Item = GoValue<'a>> + '_ {
        (0..self.len).map(|i| match self.get(i) {
            Some(v) => GoValue::from_json(v, true),
            None => GoValue::nil(),
        })
    }
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
            Value::Array(items) => Kind::Slice(SliceRef::of(items)),
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
            Kind::Slice(s) => s.len > 0,
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
