//! The functions a kubectl template can call: Go's built-ins (`and`, `or`,
//! `not`, `len`, `index`, `slice`, `print`, `printf`, `println`, `html`,
//! `js`, `urlquery`, `call`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`) and the two
//! kubectl adds (`exists`, `base64decode`). Errors are the text Go puts
//! after `error calling NAME: `.

use std::borrow::Cow;

use super::fmt;
use super::value::{GoValue, Kind, SliceRef};

/// How a parameter receives its argument (Go's parameter types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: the value, a nil interface for a missing one.
    Iface,
    /// `reflect.Value`: the value exactly as evaluated.
    Reflect,
    /// `string`.
    Str,
}

pub struct Signature {
    pub fixed: &'static [Param],
    pub variadic: Option<Param>,
}

use Param::*;

pub fn signature(name: &str) -> Option<Signature> {
    let (fixed, variadic): (&'static [Param], Option<Param>) = match name {
        "and" | "or" | "call" | "index" | "slice" | "eq" => (&[Reflect], Some(Reflect)),
        "html" | "js" | "urlquery" | "print" | "println" => (&[], Some(Iface)),
        "printf" => (&[Str], Some(Iface)),
        "len" | "not" => (&[Reflect], None),
        "ne" | "lt" | "le" | "gt" | "ge" => (&[Reflect, Reflect], None),
        "exists" => (&[Iface], Some(Iface)),
        "base64decode" => (&[Str], None),
        _ => return None,
    };
    Some(Signature { fixed, variadic })
}

pub fn is_function(name: &str) -> bool {
    signature(name).is_some()
}

type Res<'a> = Result<GoValue<'a>, String>;

/// Calls a built-in other than `and`, `or` and `call` (the executor
/// handles those).
pub fn call<'a>(name: &str, args: Vec<GoValue<'a>>) -> Res<'a> {
    let bytes = |v: Vec<u8>| Ok(GoValue::string(v));
    match name {
        "print" => bytes(fmt::sprint(&args)),
        "println" => bytes(fmt::sprintln(&args)),
        "printf" => {
            let format = match &args[0].kind {
                Kind::Str(s) => s.clone(),
                _ => Cow::Borrowed(&b""[..]),
            };
            bytes(fmt::sprintf(&format, &args[1..]))
        }
        "html" => bytes(html_escape(&escaper_input(&args))),
        "js" => bytes(js_escape(&escaper_input(&args))),
        "urlquery" => bytes(query_escape(&escaper_input(&args))),
        "len" => length(&args[0]),
        "not" => Ok(GoValue::new(Kind::Bool(!args[0].unwrapped().truth()))),
        "index" => index(&args[0], &args[1..]),
        "slice" => slice(&args[0], &args[1..]),
        "eq" => eq(&args[0], &args[1..]).map(boolean),
        "ne" => eq(&args[0], &args[1..2]).map(|b| boolean(!b)),
        "lt" => lt(&args[0], &args[1]).map(boolean),
        "le" => le(&args[0], &args[1]).map(boolean),
        "gt" => le(&args[0], &args[1]).map(|b| boolean(!b)),
        "ge" => lt(&args[0], &args[1]).map(|b| boolean(!b)),
        "exists" => Ok(boolean(exists(&args[0], &args[1..]))),
        "base64decode" => match &args[0].kind {
            Kind::Str(s) => base64_decode(s)
                .map(GoValue::string)
                .map_err(|e| format!("base64 decode failed: {e}")),
            _ => Err("base64 decode failed".into()),
        },
        other => Err(format!("{other} is not a function")),
    }
}

fn boolean<'a>(b: bool) -> GoValue<'a> {
    GoValue::new(Kind::Bool(b))
}

/// What `html`, `js` and `urlquery` escape: one string as it is, anything
/// else as `fmt.Sprint` prints it (a nil becomes `<no value>`).
fn escaper_input(args: &[GoValue]) -> Vec<u8> {
    if let [GoValue {
        kind: Kind::Str(s), ..
    }] = args
    {
        return s.to_vec();
    }
    let printable: Vec<GoValue> = args
        .iter()
        .map(|a| match a.kind {
            Kind::Nil | Kind::Invalid => GoValue::string(b"<no value>".to_vec()),
            _ => a.clone(),
        })
        .collect();
    fmt::sprint(&printable)
}

fn html_escape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &c in s {
        match c {
            0 => out.extend_from_slice("\u{fffd}".as_bytes()),
            b'"' => out.extend_from_slice(b"&#34;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &[u8]) -> Vec<u8> {
    const HEX: &[u8] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c < 0x80 {
            match c {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\'' => out.extend_from_slice(b"\\'"),
                b'"' => out.extend_from_slice(b"\\\""),
                b'<' => out.extend_from_slice(b"\\u003C"),
                b'>' => out.extend_from_slice(b"\\u003E"),
                b'&' => out.extend_from_slice(b"\\u0026"),
                b'=' => out.extend_from_slice(b"\\u003D"),
                c if c < b' ' => {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[(c >> 4) as usize]);
                    out.push(HEX[(c & 0xf) as usize]);
                }
                c => out.push(c),
            }
            i += 1;
            continue;
        }
        let (r, w) = decode(&s[i..]);
        match r {
            Some(ch) if crate::printers::unicode::is_print(ch) => {
                out.extend_from_slice(&s[i..i + w])
            }
            Some(ch) => out.extend_from_slice(format!("\\u{:04X}", ch as u32).as_bytes()),
            None => out.extend_from_slice(b"\\uFFFD"),
        }
        i += w;
    }
    out
}

fn decode(b: &[u8]) -> (Option<char>, usize) {
    for len in 2..=4 {
        if let Some(s) = b.get(..len).and_then(|s| std::str::from_utf8(s).ok()) {
            return (s.chars().next(), len);
        }
    }
    (None, 1)
}

/// `url.QueryEscape`.
fn query_escape(s: &[u8]) -> Vec<u8> {
    const HEX: &[u8] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(s.len());
    for &c in s {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(c),
            b' ' => out.push(b'+'),
            c => {
                out.push(b'%');
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 0xf) as usize]);
            }
        }
    }
    out
}

fn length<'a>(item: &GoValue<'a>) -> Res<'a> {
    if matches!(item.kind, Kind::Nil) {
        return Err("len of nil pointer".into());
    }
    let n = match &item.kind {
        Kind::Invalid => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Kind::Map(m) => m.len(),
        Kind::Slice(s) => s.len,
        Kind::Str(s) => s.len(),
        other => return Err(format!("len of type {}", other.type_name().unwrap_or(""))),
    };
    Ok(GoValue::new(Kind::Int(n as i64)))
}

/// Go's `indexArg`: an integer index no greater than `cap`.
fn index_arg(index: &GoValue, cap: usize) -> Result<usize, String> {
    let x = match (&index.kind, index.iface) {
        (Kind::Invalid, _) => return Err("cannot index slice/array with nil".into()),
        (Kind::Int(i) | Kind::Int64(i), false) => *i,
        (Kind::Uint8(u), false) => *u as i64,
        _ => {
            return Err(format!(
                "cannot index slice/array with type {}",
                index.type_name().unwrap_or("")
            ))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index<'a>(item: &GoValue<'a>, indexes: &[GoValue<'a>]) -> Res<'a> {
    let mut item = item.unwrapped();
    if !item.is_valid() {
        return Err("index of untyped nil".into());
    }
    for index in indexes {
        let index = index.unwrapped();
        if matches!(item.kind, Kind::Nil) {
            return Err("index of nil pointer".into());
        }
        item = match &item.kind {
            Kind::Slice(items) => {
                let x = index_arg(&index, items.len)?;
                if x >= items.len {
                    return Err("reflect: slice index out of range".into());
                }
                match items.get(x) {
                    Some(v) => GoValue::from_json(v, true),
                    None => GoValue::nil(),
                }
            }
            Kind::Str(s) => {
                let x = index_arg(&index, s.len())?;
                let Some(b) = s.get(x) else {
                    return Err("reflect: string index out of range".into());
                };
                GoValue::new(Kind::Uint8(*b))
            }
            Kind::Map(m) => {
                let key = match &index.kind {
                    Kind::Invalid | Kind::Nil => {
                        return Err("value is nil; should be of type string".into())
                    }
                    Kind::Str(k) => k,
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name().unwrap_or("")
                        ))
                    }
                };
                match std::str::from_utf8(key).ok().and_then(|k| m.get(k)) {
                    Some(v) => GoValue::from_json(v, true),
                    None => GoValue::nil(),
                }
            }
            other => {
                return Err(format!(
                    "can't index item of type {}",
                    other.type_name().unwrap_or("")
                ))
            }
        };
    }
    Ok(item)
}

fn slice<'a>(item: &GoValue<'a>, indexes: &[GoValue<'a>]) -> Res<'a> {
    let item = item.unwrapped();
    if !item.is_valid() {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let (len, cap) = match &item.kind {
        Kind::Str(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            (s.len(), s.len())
        }
        Kind::Slice(items) => (items.len, items.cap),
        other => {
            return Err(format!(
                "can't slice item of type {}",
                other.type_name().unwrap_or("")
            ))
        }
    };
    let mut idx = [0, len, 0];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, cap)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() < 3 {
        idx[2] = cap;
    } else if idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(match &item.kind {
        Kind::Str(Cow::Borrowed(s)) => GoValue::new(Kind::Str(Cow::Borrowed(&s[idx[0]..idx[1]]))),
        Kind::Str(Cow::Owned(s)) => GoValue::string(s[idx[0]..idx[1]].to_vec()),
        Kind::Slice(items) => GoValue::new(Kind::Slice(SliceRef {
            base: items.base,
            start: items.start + idx[0],
            len: idx[1] - idx[0],
            cap: idx[2] - idx[0],
        })),
        _ => GoValue::INVALID,
    })
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum BasicKind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &GoValue) -> BasicKind {
    match v.kind {
        Kind::Bool(_) => BasicKind::Bool,
        Kind::Int(_) | Kind::Int64(_) => BasicKind::Int,
        Kind::Uint8(_) => BasicKind::Uint,
        Kind::Float(_) => BasicKind::Float,
        Kind::Complex(..) => BasicKind::Complex,
        Kind::Str(_) => BasicKind::String,
        _ => BasicKind::Invalid,
    }
}

fn int_of(v: &GoValue) -> i64 {
    match v.kind {
        Kind::Int(i) | Kind::Int64(i) => i,
        Kind::Uint8(u) => u as i64,
        _ => 0,
    }
}

fn float_of(v: &GoValue) -> f64 {
    match v.kind {
        Kind::Float(f) => f,
        _ => 0.0,
    }
}

fn bytes_of<'v>(v: &'v GoValue) -> &'v [u8] {
    match &v.kind {
        Kind::Str(s) => s,
        _ => b"",
    }
}

fn type_of(v: &GoValue) -> &'static str {
    v.type_name().unwrap_or("")
}

fn eq<'a>(arg1: &GoValue<'a>, rest: &[GoValue<'a>]) -> Result<bool, String> {
    let a1 = arg1.unwrapped();
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(&a1);
    for arg in rest {
        let a = arg.unwrapped();
        let k2 = basic_kind(&a);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (BasicKind::Int, BasicKind::Uint) | (BasicKind::Uint, BasicKind::Int) => {
                    int_of(&a1) == int_of(&a)
                }
                _ if a1.is_valid() && a.is_valid() => {
                    return Err(format!(
                        "incompatible types for comparison: {} and {}",
                        type_of(&a1),
                        type_of(&a)
                    ))
                }
                _ => false,
            }
        } else {
            match k1 {
                BasicKind::Bool => {
                    matches!((&a1.kind, &a.kind), (Kind::Bool(x), Kind::Bool(y)) if x == y)
                }
                BasicKind::Complex => match (&a1.kind, &a.kind) {
                    (Kind::Complex(r1, i1), Kind::Complex(r2, i2)) => r1 == r2 && i1 == i2,
                    _ => false,
                },
                BasicKind::Float => float_of(&a1) == float_of(&a),
                BasicKind::Int | BasicKind::Uint => int_of(&a1) == int_of(&a),
                BasicKind::String => bytes_of(&a1) == bytes_of(&a),
                BasicKind::Invalid => {
                    let same_kind =
                        std::mem::discriminant(&a1.kind) == std::mem::discriminant(&a.kind);
                    if !same_kind && a1.is_valid() && a.is_valid() {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            fmt::s(&a1),
                            type_of(&a1),
                            type_of(&a),
                            fmt::v(&a)
                        ));
                    }
                    if !a1.is_valid() || !a.is_valid() {
                        a1.is_valid() == a.is_valid()
                    } else {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            fmt::s(&a),
                            type_of(&a)
                        ));
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(arg1: &GoValue, arg2: &GoValue) -> Result<bool, String> {
    let a1 = arg1.unwrapped();
    let a2 = arg2.unwrapped();
    let (k1, k2) = (basic_kind(&a1), basic_kind(&a2));
    if k1 == BasicKind::Invalid || k2 == BasicKind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (BasicKind::Int, BasicKind::Uint) | (BasicKind::Uint, BasicKind::Int) => {
                Ok(int_of(&a1) < int_of(&a2))
            }
            _ => Err(format!(
                "incompatible types for comparison: {} and {}",
                type_of(&a1),
                type_of(&a2)
            )),
        };
    }
    match k1 {
        BasicKind::Bool | BasicKind::Complex => Err("invalid type for comparison".into()),
        BasicKind::Float => Ok(float_of(&a1) < float_of(&a2)),
        BasicKind::String => Ok(bytes_of(&a1) < bytes_of(&a2)),
        _ => Ok(int_of(&a1) < int_of(&a2)),
    }
}

fn le(arg1: &GoValue, arg2: &GoValue) -> Result<bool, String> {
    if lt(arg1, arg2)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}

/// kubectl's `exists`: whether `index item indices…` would find a
/// non-nil value.
fn exists(item: &GoValue, indices: &[GoValue]) -> bool {
    let mut v = item.unwrapped();
    for index in indices {
        if matches!(v.kind, Kind::Nil) {
            return false;
        }
        let index = index.unwrapped();
        v = match &v.kind {
            Kind::Slice(items) => {
                let i = match index.kind {
                    Kind::Int(i) | Kind::Int64(i) if i >= 0 && (i as usize) < items.len => {
                        i as usize
                    }
                    Kind::Uint8(u) if (u as usize) < items.len => u as usize,
                    _ => return false,
                };
                match items.get(i) {
                    Some(v) => GoValue::from_json(v, true),
                    None => GoValue::nil(),
                }
            }
            Kind::Str(s) => match index.kind {
                Kind::Int(i) | Kind::Int64(i) if i >= 0 && (i as usize) < s.len() => {
                    GoValue::new(Kind::Uint8(s[i as usize]))
                }
                Kind::Uint8(u) if (u as usize) < s.len() => {
                    GoValue::new(Kind::Uint8(s[u as usize]))
                }
                _ => return false,
            },
            Kind::Map(m) => {
                let key: &[u8] = match &index.kind {
                    Kind::Invalid | Kind::Nil => b"",
                    Kind::Str(k) => k,
                    _ => return false,
                };
                match std::str::from_utf8(key).ok().and_then(|k| m.get(k)) {
                    Some(found) => GoValue::from_json(found, true),
                    None => GoValue::nil(),
                }
            }
            _ => return false,
        };
    }
    !matches!(v.kind, Kind::Nil)
}

/// `base64.StdEncoding.DecodeString`, with its error positions
/// (`illegal base64 data at input byte 4`).
pub fn base64_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    fn value(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let corrupt = |at: usize| format!("illegal base64 data at input byte {at}");
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut trailing: Option<usize> = None;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(corrupt(si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(corrupt(si - 1));
            }
            match j {
                0 | 1 => return Err(corrupt(si - 1)),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(corrupt(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(corrupt(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing = Some(si);
            }
            dlen = j;
            break;
        }
        let val = (dbuf[0] as u32) << 18
            | (dbuf[1] as u32) << 12
            | (dbuf[2] as u32) << 6
            | dbuf[3] as u32;
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(at) = trailing {
            return Err(corrupt(at));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_like_go() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(
            base64_decode(b"aGVsbG8").unwrap_err(),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            base64_decode(b"a!==").unwrap_err(),
            "illegal base64 data at input byte 1"
        );
        assert_eq!(
            base64_decode(b"aGVsbG8=x").unwrap_err(),
            "illegal base64 data at input byte 8"
        );
    }

    #[test]
    fn escapers_like_go() {
        assert_eq!(
            html_escape(b"<a href='x'>&</a>"),
            b"&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(js_escape(b"a'b<\n"), b"a\\'b\\u003C\\u000A");
        assert_eq!(query_escape(b"a b&c=d/e"), b"a+b%26c%3Dd%2Fe");
    }
}
