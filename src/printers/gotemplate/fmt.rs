//! Go's `fmt` as templates use it (`print`, `printf`, `println`, and the
//! printing of every action's value): verbs, flags, widths, precisions,
//! argument indexes and fmt's in-band errors (`%!d(string=x)`,
//! `%!v(MISSING)`, `%!(EXTRA int=1)`), over the values a template holds.

use std::borrow::Cow;

use serde_json::Value;

use super::value::{GoValue, Kind};
use crate::printers::gofmt;

#[derive(Default, Clone, Copy)]
struct Flags {
    wid: usize,
    prec: usize,
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

struct Printer {
    buf: Vec<u8>,
    f: Flags,
}

/// What fmt is printing: a template value, or a JSON value inside one.
#[derive(Clone, Copy)]
enum Arg<'v, 'a> {
    Go(&'v GoValue<'a>),
    Json(&'v Value),
}

/// `fmt.Sprint`: operands separated by a space when neither is a string.
pub fn sprint(args: &[GoValue]) -> Vec<u8> {
    let mut p = Printer::new();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg.kind, Kind::Str(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// `fmt.Sprintln`: operands always separated by a space, then a newline.
pub fn sprintln(args: &[GoValue]) -> Vec<u8> {
    let mut p = Printer::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push(b'\n');
    p.buf
}

/// `fmt.Sprint` of one value, as an action prints it.
pub fn sprint_one(arg: &GoValue, out: &mut Vec<u8>) {
    let mut p = Printer {
        buf: std::mem::take(out),
        f: Flags::default(),
    };
    p.print_arg(arg, 'v');
    *out = p.buf;
}

/// `fmt.Sprintf`.
pub fn sprintf(format: &[u8], args: &[GoValue]) -> Vec<u8> {
    let mut p = Printer::new();
    p.do_printf(format, args);
    p.buf
}

/// `%v` of a value (for Go's error messages).
pub fn v(arg: &GoValue) -> String {
    String::from_utf8_lossy(&sprint(std::slice::from_ref(arg))).into_owned()
}

/// `%s` of a value (for Go's error messages).
pub fn s(arg: &GoValue) -> String {
    let mut p = Printer::new();
    p.print_arg(arg, 's');
    String::from_utf8_lossy(&p.buf).into_owned()
}

fn decode_rune(b: &[u8]) -> (Option<char>, usize) {
    let len = match b.first() {
        None => return (None, 0),
        Some(0x00..=0x7f) => 1,
        Some(0xc2..=0xdf) => 2,
        Some(0xe0..=0xef) => 3,
        Some(0xf0..=0xf4) => 4,
        Some(_) => return (None, 1),
    };
    match b.get(..len).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next(), len),
        None => (None, 1),
    }
}

/// `utf8.RuneCount`: invalid bytes count one each.
fn rune_count(b: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        let (_, w) = decode_rune(&b[i..]);
        i += w.max(1);
        n += 1;
    }
    n
}

/// `strconv.Quote` (or `QuoteToASCII`) of Go string bytes.
pub fn quote_bytes(s: &[u8], ascii_only: bool) -> Vec<u8> {
    let mut out = vec![b'"'];
    let mut i = 0;
    while i < s.len() {
        let (r, w) = decode_rune(&s[i..]);
        match r {
            None => out.extend_from_slice(format!("\\x{:02x}", s[i]).as_bytes()),
            Some(c) => append_escaped_rune(&mut out, c, b'"', ascii_only),
        }
        i += w.max(1);
    }
    out.push(b'"');
    out
}

fn append_escaped_rune(out: &mut Vec<u8>, c: char, quote: u8, ascii_only: bool) {
    if c as u32 == quote as u32 || c == '\\' {
        out.push(b'\\');
        out.push(c as u8);
        return;
    }
    let printable = if ascii_only {
        c.is_ascii() && gofmt::is_print(c)
    } else {
        gofmt::is_print(c)
    };
    if printable {
        let mut b = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        return;
    }
    let text = match c {
        '\x07' => "\\a".to_string(),
        '\x08' => "\\b".to_string(),
        '\x0c' => "\\f".to_string(),
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        '\t' => "\\t".to_string(),
        '\x0b' => "\\v".to_string(),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => format!("\\x{:02x}", c as u32),
        c if (c as u32) < 0x10000 => format!("\\u{:04x}", c as u32),
        c => format!("\\U{:08x}", c as u32),
    };
    out.extend_from_slice(text.as_bytes());
}

fn quote_rune(r: u64, ascii_only: bool) -> Vec<u8> {
    let c = char::from_u32(r as u32)
        .filter(|_| r <= 0x10ffff)
        .unwrap_or('\u{fffd}');
    let mut out = vec![b'\''];
    append_escaped_rune(&mut out, c, b'\'', ascii_only);
    out.push(b'\'');
    out
}

fn can_backquote(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        let (r, w) = decode_rune(&s[i..]);
        i += w.max(1);
        match r {
            None => return false,
            Some('\u{feff}') => return false,
            Some(c) if w > 1 => {
                let _ = c;
            }
            Some(c) if (c < ' ' && c != '\t') || c == '`' || c == '\u{7f}' => return false,
            Some(_) => {}
        }
    }
    true
}

/// Decimal digits of a float: digits without trailing zeros and the
/// position of the decimal point (Go's `decimalSlice`).
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

fn digits_from_sci(sci: &str) -> Digits {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while d.len() > 1 && d.last() == Some(&b'0') {
        d.pop();
    }
    if d == b"0" {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    Digits { d, dp: exp + 1 }
}

fn shortest_digits(v: f64) -> Digits {
    digits_from_sci(&format!("{:e}", v.abs()))
}

fn fixed_digits(v: f64, n: usize) -> Digits {
    digits_from_sci(&format!("{:.*e}", n.saturating_sub(1), v.abs()))
}

fn fmt_e(out: &mut String, d: &Digits, prec: i32, upper: bool) {
    out.push(if d.d.is_empty() { '0' } else { d.d[0] as char });
    if prec > 0 {
        out.push('.');
        let mut i = 1;
        let m = (d.d.len() as i32).min(prec + 1);
        while (i as i32) < m {
            out.push(d.d[i] as char);
            i += 1;
        }
        while (i as i32) <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(if upper { 'E' } else { 'e' });
    let mut exp = d.dp - 1;
    if d.d.is_empty() {
        exp = 0;
    }
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, d: &Digits, prec: i32) {
    if d.dp > 0 {
        let mut m = d.d.len() as i32;
        if m > d.dp {
            m = d.dp;
        }
        for &c in &d.d[..m as usize] {
            out.push(c as char);
        }
        for _ in m..d.dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.dp + i - 1;
            let c = if j >= 0 && (j as usize) < d.d.len() {
                d.d[j as usize] as char
            } else {
                '0'
            };
            out.push(c);
        }
    }
}

/// `strconv.FormatFloat(v, verb, prec, 64)` for the verbs fmt uses.
pub fn format_float(v: f64, verb: char, prec: i32) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    let shortest = prec < 0;
    match verb {
        'b' => {
            let bits = v.abs().to_bits();
            let mut exp = ((bits >> 52) & 0x7ff) as i64;
            let mut mant = bits & ((1 << 52) - 1);
            if exp == 0 {
                exp = 1;
            } else {
                mant |= 1 << 52;
            }
            exp -= 1023 + 52;
            out.push_str(&mant.to_string());
            out.push('p');
            if exp >= 0 {
                out.push('+');
            }
            out.push_str(&exp.to_string());
        }
        'x' | 'X' => out.push_str(&format_hex_float(v.abs(), prec, verb == 'X')),
        'e' | 'E' => {
            let d = if shortest {
                shortest_digits(v)
            } else {
                fixed_digits(v, prec as usize + 1)
            };
            let p = if shortest { d.d.len() as i32 - 1 } else { prec };
            fmt_e(&mut out, &d, p.max(0), verb == 'E');
        }
        'f' => {
            if shortest {
                let d = shortest_digits(v);
                fmt_f(&mut out, &d, (d.d.len() as i32 - d.dp).max(0));
            } else {
                let text = format!("{:.*}", prec as usize, v.abs());
                out.push_str(&text);
            }
        }
        _ => {
            // 'g' / 'G'
            let mut prec = prec;
            let d = if shortest {
                shortest_digits(v)
            } else {
                if prec == 0 {
                    prec = 1;
                }
                fixed_digits(v, prec as usize)
            };
            let nd = d.d.len() as i32;
            let mut eprec = prec;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                let mut p = prec;
                if shortest || p > nd {
                    p = nd;
                }
                fmt_e(&mut out, &d, (p - 1).max(0), verb == 'G');
            } else {
                let mut p = prec;
                if shortest || p > d.dp {
                    p = nd;
                }
                fmt_f(&mut out, &d, (p - d.dp).max(0));
            }
        }
    }
    out
}

/// `%x` of a float: `0x1.8p+01`.
fn format_hex_float(v: f64, prec: i32, upper: bool) -> String {
    let bits = v.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 && mant == 0 {
        exp = 0;
    } else if exp == 0 {
        // Subnormal: normalise.
        exp = -1022;
        while mant & (1u64 << 52) == 0 {
            mant <<= 1;
            exp -= 1;
        }
        mant &= (1u64 << 52) - 1;
    } else {
        exp -= 1023;
    }
    let zero = v == 0.0;
    // 52 fraction bits = 13 hex digits.
    let mut frac = mant;
    let mut ndigits = 13;
    let mut lead = if zero { 0u64 } else { 1 };
    if prec >= 0 && (prec as usize) < 13 {
        let shift = (13 - prec as u32) * 4;
        let rem = frac & ((1u64 << shift) - 1);
        frac >>= shift;
        let half = 1u64 << (shift - 1);
        if rem > half || (rem == half && frac & 1 == 1) {
            frac += 1;
            if frac >> (prec as u32 * 4) != 0 {
                frac &= (1u64 << (prec as u32 * 4)) - 1;
                lead += 1;
                if lead == 2 {
                    lead = 1;
                    exp += 1;
                }
            }
        }
        ndigits = prec as usize;
    }
    let mut hex = if ndigits == 0 {
        String::new()
    } else {
        format!("{:0width$x}", frac, width = ndigits)
    };
    if prec < 0 {
        while hex.ends_with('0') {
            hex.pop();
        }
    } else {
        while hex.len() < prec as usize {
            hex.push('0');
        }
    }
    let mut out = format!("0x{lead}");
    if !hex.is_empty() {
        out.push('.');
        out.push_str(&hex);
    }
    out.push('p');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
    if upper {
        out = out.to_uppercase();
    }
    out
}

const LDIGITS: &[u8] = b"0123456789abcdefx";
const UDIGITS: &[u8] = b"0123456789ABCDEFX";

impl Printer {
    fn new() -> Printer {
        Printer {
            buf: Vec::new(),
            f: Flags::default(),
        }
    }

    fn write_padding(&mut self, n: isize) {
        if n <= 0 {
            return;
        }
        let pad = if self.f.zero && !self.f.minus {
            b'0'
        } else {
            b' '
        };
        self.buf.extend(std::iter::repeat_n(pad, n as usize));
    }

    fn pad(&mut self, b: &[u8]) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.extend_from_slice(b);
            return;
        }
        let width = self.f.wid as isize - rune_count(b) as isize;
        if !self.f.minus {
            self.write_padding(width);
            self.buf.extend_from_slice(b);
        } else {
            self.buf.extend_from_slice(b);
            self.write_padding(width);
        }
    }

    fn fmt_boolean(&mut self, v: bool) {
        self.pad(if v { b"true" } else { b"false" });
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = format!("U+{:0prec$X}", u, prec = prec);
        if self.f.sharp && u <= 0x10ffff {
            if let Some(c) = char::from_u32(u as u32).filter(|c| gofmt::is_print(*c)) {
                s.push_str(&format!(" '{c}'"));
            }
        }
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(s.as_bytes());
        self.f.zero = old;
    }

    fn fmt_integer(&mut self, u: u64, base: u32, signed: bool, verb: char, digits: &[u8]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid as isize);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut rev: Vec<u8> = Vec::new();
        let b = base as u64;
        while u >= b {
            rev.push(digits[(u % b) as usize]);
            u /= b;
        }
        rev.push(digits[u as usize]);
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&rev);
        self.f.zero = old;
    }

    fn truncate<'b>(&self, s: &'b [u8]) -> &'b [u8] {
        if self.f.prec_present {
            let mut n = self.f.prec;
            let mut i = 0;
            while i < s.len() {
                if n == 0 {
                    return &s[..i];
                }
                n -= 1;
                let (_, w) = decode_rune(&s[i..]);
                i += w.max(1);
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &[u8]) {
        let s = self.truncate(s).to_vec();
        self.pad(&s);
    }

    fn fmt_sx(&mut self, s: &[u8], digits: &[u8]) {
        let mut length = s.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid as isize);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding((self.f.wid - width) as isize);
        }
        if self.f.sharp {
            self.buf.push(b'0');
            self.buf.push(digits[16]);
        }
        for (i, c) in s[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(b' ');
                if self.f.sharp {
                    self.buf.push(b'0');
                    self.buf.push(digits[16]);
                }
            }
            self.buf.push(digits[(c >> 4) as usize]);
            self.buf.push(digits[(c & 0xf) as usize]);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding((self.f.wid - width) as isize);
        }
    }

    fn fmt_q(&mut self, s: &[u8]) {
        let s = self.truncate(s).to_vec();
        if self.f.sharp && can_backquote(&s) {
            let mut q = vec![b'`'];
            q.extend_from_slice(&s);
            q.push(b'`');
            self.pad(&q);
            return;
        }
        let q = quote_bytes(&s, self.f.plus);
        self.pad(&q);
    }

    fn fmt_c(&mut self, c: u64) {
        let ch = char::from_u32(c as u32)
            .filter(|_| c <= 0x10ffff)
            .unwrap_or('\u{fffd}');
        let mut b = [0u8; 4];
        let s = ch.encode_utf8(&mut b).as_bytes().to_vec();
        self.pad(&s);
    }

    fn fmt_float_with(&mut self, v: f64, verb: char, prec: i32) {
        let prec = if self.f.prec_present {
            self.f.prec as i32
        } else {
            prec
        };
        let text = format_float(v, verb, prec);
        let mut num: Vec<u8> = if text.starts_with('-') || text.starts_with('+') {
            text.into_bytes()
        } else {
            let mut n = vec![b'+'];
            n.extend_from_slice(text.as_bytes());
            n
        };
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num.get(1) == Some(&b'I') || num.get(1) == Some(&b'N') {
            let old = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = old;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits: i32 = 0;
            if matches!(verb, 'v' | 'g' | 'G' | 'x') {
                digits = prec;
                if digits == -1 {
                    digits = 6;
                }
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != 'x' && verb != 'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    c => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        if self.f.plus || num[0] != b'+' {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > num.len() {
                self.buf.push(num[0]);
                self.write_padding((self.f.wid - num.len()) as isize);
                self.buf.extend_from_slice(&num[1..]);
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(&num[1..]);
    }

    fn fmt_float(&mut self, v: f64, verb: char, arg: Arg) {
        match verb {
            'v' => self.fmt_float_with(v, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float_with(v, verb, -1),
            'f' | 'e' | 'E' => self.fmt_float_with(v, verb, 6),
            'F' => self.fmt_float_with(v, 'f', 6),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_int(&mut self, u: u64, signed: bool, verb: char, arg: Arg) {
        match verb {
            'v' if self.f.sharp_v && !signed => {
                let sharp = self.f.sharp;
                self.f.sharp = true;
                self.fmt_integer(u, 16, false, 'v', LDIGITS);
                self.f.sharp = sharp;
            }
            'v' | 'd' => self.fmt_integer(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UDIGITS),
            'c' => self.fmt_c(u),
            'q' => {
                let q = quote_rune(u, self.f.plus);
                self.pad(&q);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_string(&mut self, s: &[u8], verb: char, arg: Arg) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_complex(&mut self, re: f64, im: f64, verb: char, arg: Arg) {
        match verb {
            'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                let old_plus = self.f.plus;
                self.buf.push(b'(');
                self.fmt_float(re, verb, arg);
                self.f.plus = true;
                self.fmt_float(im, verb, arg);
                self.buf.extend_from_slice(b"i)");
                self.f.plus = old_plus;
            }
            _ => self.bad_verb(verb, arg),
        }
    }

    /// `%!verb(type=value)`.
    fn bad_verb(&mut self, verb: char, arg: Arg) {
        self.buf.extend_from_slice(b"%!");
        push_char(&mut self.buf, verb);
        self.buf.push(b'(');
        match arg {
            Arg::Go(g) if matches!(g.kind, Kind::Nil | Kind::Invalid) => {
                self.buf.extend_from_slice(b"<nil>")
            }
            Arg::Json(Value::Null) => self.buf.extend_from_slice(b"<nil>"),
            _ => {
                self.buf.extend_from_slice(arg_type(arg).as_bytes());
                self.buf.push(b'=');
                self.print_value(arg, 'v', 0);
            }
        }
        self.buf.push(b')');
    }

    fn print_arg(&mut self, arg: &GoValue, verb: char) {
        if matches!(arg.kind, Kind::Nil | Kind::Invalid) {
            match verb {
                'T' | 'v' => self.pad(b"<nil>"),
                _ => self.bad_verb(verb, Arg::Go(arg)),
            }
            return;
        }
        match verb {
            'T' => {
                let t = arg.kind.type_name().unwrap_or("");
                self.fmt_s(t.as_bytes());
                return;
            }
            'p' => {
                self.fmt_pointer(Arg::Go(arg), 'p');
                return;
            }
            _ => {}
        }
        self.print_value(Arg::Go(arg), verb, 0);
    }

    fn fmt_pointer(&mut self, arg: Arg, verb: char) {
        // Addresses are never the same twice; only the shape is kept.
        match arg {
            Arg::Go(GoValue {
                kind: Kind::Map(_) | Kind::Slice(_),
                ..
            })
            | Arg::Json(Value::Object(_) | Value::Array(_)) => self.pad(b"0xc000010000"),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn print_value(&mut self, arg: Arg, verb: char, depth: usize) {
        if depth > 0 && verb == 'w' {
            self.bad_verb(verb, arg);
            return;
        }
        match arg {
            Arg::Go(g) => match &g.kind {
                Kind::Invalid => {
                    if depth == 0 {
                        self.buf.extend_from_slice(b"<invalid reflect.Value>");
                    } else if verb == 'v' {
                        self.buf.extend_from_slice(b"<nil>");
                    } else {
                        self.bad_verb(verb, arg);
                    }
                }
                Kind::Nil => self.nil_interface(),
                _ if verb == 'w' => self.bad_verb(verb, arg),
                Kind::Bool(b) => match verb {
                    't' | 'v' => self.fmt_boolean(*b),
                    _ => self.bad_verb(verb, arg),
                },
                Kind::Int(i) | Kind::Int64(i) => self.fmt_int(*i as u64, true, verb, arg),
                Kind::Uint8(u) => self.fmt_int(*u as u64, false, verb, arg),
                Kind::Float(f) => self.fmt_float(*f, verb, arg),
                Kind::Complex(re, im) => self.fmt_complex(*re, *im, verb, arg),
                Kind::Str(s) => self.fmt_string(s, verb, arg),
                Kind::Map(m) => self.print_map(m, verb, depth),
                Kind::Slice(items) => {
                    let items: Vec<&Value> = (0..items.len)
                        .map(|i| items.get(i).unwrap_or(&Value::Null))
                        .collect();
                    self.print_slice(items.into_iter(), verb, depth)
                }
            },
            Arg::Json(j) => match j {
                _ if verb == 'w' => self.bad_verb(verb, arg),
                Value::Null => self.nil_interface(),
                Value::Bool(b) => match verb {
                    't' | 'v' => self.fmt_boolean(*b),
                    _ => self.bad_verb(verb, arg),
                },
                Value::Number(n) => match n.as_i64() {
                    Some(i) => self.fmt_int(i as u64, true, verb, arg),
                    None => self.fmt_float(n.as_f64().unwrap_or(0.0), verb, arg),
                },
                Value::String(s) => self.fmt_string(s.as_bytes(), verb, arg),
                Value::Object(m) => self.print_map(m, verb, depth),
                Value::Array(items) => self.print_slice(items.iter(), verb, depth),
            },
        }
    }

    fn nil_interface(&mut self) {
        if self.f.sharp_v {
            self.buf.extend_from_slice(b"interface {}(nil)");
        } else {
            self.buf.extend_from_slice(b"<nil>");
        }
    }

    fn print_map(&mut self, m: &serde_json::Map<String, Value>, verb: char, depth: usize) {
        if self.f.sharp_v {
            self.buf.extend_from_slice(b"map[string]interface {}{");
        } else {
            self.buf.extend_from_slice(b"map[");
        }
        for (i, (k, v)) in gofmt::sorted_entries(m).into_iter().enumerate() {
            if i > 0 {
                if self.f.sharp_v {
                    self.buf.extend_from_slice(b", ");
                } else {
                    self.buf.push(b' ');
                }
            }
            let key = GoValue::new(Kind::Str(Cow::Borrowed(k.as_bytes())));
            self.fmt_string(k.as_bytes(), verb, Arg::Go(&key));
            self.buf.push(b':');
            self.print_value(Arg::Json(v), verb, depth + 1);
        }
        self.buf.push(if self.f.sharp_v { b'}' } else { b']' });
    }

    fn print_slice<'v>(
        &mut self,
        items: impl Iterator<Item = &'v Value>,
        verb: char,
        depth: usize,
    ) {
        if self.f.sharp_v {
            self.buf.extend_from_slice(b"[]interface {}{");
        } else {
            self.buf.push(b'[');
        }
        for (i, v) in items.enumerate() {
            if i > 0 {
                if self.f.sharp_v {
                    self.buf.extend_from_slice(b", ");
                } else {
                    self.buf.push(b' ');
                }
            }
            self.print_value(Arg::Json(v), verb, depth + 1);
        }
        self.buf.push(if self.f.sharp_v { b'}' } else { b']' });
    }

    fn do_printf(&mut self, format: &[u8], a: &[GoValue]) {
        let end = format.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut reordered = false;
        let mut i = 0;
        'format: while i < end {
            let mut good_arg_num = true;
            let last = i;
            while i < end && format[i] != b'%' {
                i += 1;
            }
            if i > last {
                self.buf.extend_from_slice(&format[last..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            // Flags, and the fast path for a simple verb.
            while i < end {
                let c = format[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < a.len() {
                            if c == b'v' || c == b'w' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&a[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }
            // Argument index, then width.
            let (n, ni, ai) = self.arg_number(
                arg_num,
                format,
                i,
                a.len(),
                &mut good_arg_num,
                &mut reordered,
            );
            arg_num = n;
            i = ni;
            after_index = ai;
            if i < end && format[i] == b'*' {
                i += 1;
                let (num, ok, next) = int_from_arg(a, arg_num);
                self.f.wid_present = ok;
                arg_num = next;
                if !ok {
                    self.buf.extend_from_slice(b"%!(BADWIDTH)");
                }
                if num < 0 {
                    self.f.wid = num.unsigned_abs() as usize;
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = num as usize;
                }
                after_index = false;
            } else {
                let (num, ok, next) = parse_num(format, i, end);
                self.f.wid = num;
                self.f.wid_present = ok;
                i = next;
                if after_index && ok {
                    good_arg_num = false;
                }
            }
            // Precision.
            if i + 1 < end && format[i] == b'.' {
                i += 1;
                if after_index {
                    good_arg_num = false;
                }
                let (n, ni, ai) = self.arg_number(
                    arg_num,
                    format,
                    i,
                    a.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
                arg_num = n;
                i = ni;
                after_index = ai;
                if i < end && format[i] == b'*' {
                    i += 1;
                    let (num, ok, next) = int_from_arg(a, arg_num);
                    arg_num = next;
                    if num < 0 {
                        self.f.prec = 0;
                        self.f.prec_present = false;
                    } else {
                        self.f.prec = num as usize;
                        self.f.prec_present = ok;
                    }
                    if !self.f.prec_present {
                        self.buf.extend_from_slice(b"%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (num, ok, next) = parse_num(format, i, end);
                    i = next;
                    self.f.prec = if ok { num } else { 0 };
                    self.f.prec_present = true;
                }
            }
            if !after_index {
                let (n, ni, _) = self.arg_number(
                    arg_num,
                    format,
                    i,
                    a.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
                arg_num = n;
                i = ni;
            }
            if i >= end {
                self.buf.extend_from_slice(b"%!(NOVERB)");
                break;
            }
            let (r, size) = decode_rune(&format[i..]);
            let verb = r.unwrap_or('\u{fffd}');
            i += size.max(1);
            if verb == '%' {
                self.buf.push(b'%');
            } else if !good_arg_num {
                self.buf.extend_from_slice(b"%!");
                push_char(&mut self.buf, verb);
                self.buf.extend_from_slice(b"(BADINDEX)");
            } else if arg_num >= a.len() {
                self.buf.extend_from_slice(b"%!");
                push_char(&mut self.buf, verb);
                self.buf.extend_from_slice(b"(MISSING)");
            } else {
                if verb == 'v' || verb == 'w' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&a[arg_num], verb);
                arg_num += 1;
            }
        }
        if !reordered && arg_num < a.len() {
            self.f = Flags::default();
            self.buf.extend_from_slice(b"%!(EXTRA ");
            for (k, arg) in a[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.extend_from_slice(b", ");
                }
                if matches!(arg.kind, Kind::Nil | Kind::Invalid) {
                    self.buf.extend_from_slice(b"<nil>");
                } else {
                    self.buf
                        .extend_from_slice(arg.kind.type_name().unwrap_or("").as_bytes());
                    self.buf.push(b'=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(b')');
        }
    }

    /// `[n]` argument indexes: (new argument number, new position, found).
    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
        good: &mut bool,
        reordered: &mut bool,
    ) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        *reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        *good = false;
        (arg_num, i + wid, ok)
    }
}

fn push_char(buf: &mut Vec<u8>, c: char) {
    let mut b = [0u8; 4];
    buf.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
}

fn arg_type(arg: Arg) -> &'static str {
    match arg {
        Arg::Go(g) => g.kind.type_name().unwrap_or(""),
        Arg::Json(j) => match j {
            Value::Null => "interface {}",
            Value::Bool(_) => "bool",
            Value::Number(n) if n.as_i64().is_some() => "int64",
            Value::Number(_) => "float64",
            Value::String(_) => "string",
            Value::Array(_) => "[]interface {}",
            Value::Object(_) => "map[string]interface {}",
        },
    }
}

/// A width or precision taken from an argument (`%*d`).
fn int_from_arg(a: &[GoValue], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= a.len() {
        return (0, false, arg_num);
    }
    let (num, ok) = match a[arg_num].kind {
        Kind::Int(i) | Kind::Int64(i) => (i, true),
        Kind::Uint8(u) => (u as i64, true),
        _ => (0, false),
    };
    // fmt refuses absurd widths.
    if !(-1_000_000..=1_000_000).contains(&num) {
        return (0, false, arg_num + 1);
    }
    (num, ok, arg_num + 1)
}

/// Digits at `start`: (value, whether there were any, position after).
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut found = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > 1_000_000 {
            return (0, false, end);
        }
        num = num * 10 + (s[i] - b'0') as usize;
        found = true;
        i += 1;
    }
    (num, found, i)
}

/// `[n]` at the start of `s`: (zero-based index, length, ok).
fn parse_arg_number(s: &[u8]) -> (i64, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (width, ok, next) = parse_num(s, 1, i);
            if !ok || next != i {
                return (0, i + 1, false);
            }
            return (width as i64 - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pf(format: &str, args: &[GoValue]) -> String {
        String::from_utf8(sprintf(format.as_bytes(), args)).unwrap()
    }

    fn st(s: &str) -> GoValue<'static> {
        GoValue::string(s.as_bytes().to_vec())
    }

    #[test]
    fn verbs_flags_and_widths() {
        let i = GoValue::new(Kind::Int(42));
        let f = GoValue::new(Kind::Float(3.25159));
        assert_eq!(
            pf(
                "%d|%5d|%-5d|%05d|%+d|%x|%#x|%o|%b",
                &[
                    i.clone(),
                    i.clone(),
                    i.clone(),
                    i.clone(),
                    i.clone(),
                    i.clone(),
                    i.clone(),
                    i.clone(),
                    i.clone()
                ]
            ),
            "42|   42|42   |00042|+42|2a|0x2a|52|101010"
        );
        assert_eq!(
            pf(
                "%s|%10s|%-10s|%.2s|%q|%x",
                &[
                    st("héllo"),
                    st("ab"),
                    st("ab"),
                    st("héllo"),
                    st("a\"b"),
                    st("hi")
                ]
            ),
            "héllo|        ab|ab        |hé|\"a\\\"b\"|6869"
        );
        assert_eq!(
            pf(
                "%f|%.2f|%e|%g|%v|%8.3f",
                &[
                    f.clone(),
                    f.clone(),
                    f.clone(),
                    f.clone(),
                    f.clone(),
                    f.clone()
                ]
            ),
            "3.251590|3.25|3.251590e+00|3.25159|3.25159|   3.252"
        );
        assert_eq!(
            pf(
                "%v %v",
                &[
                    GoValue::new(Kind::Float(1e6)),
                    GoValue::new(Kind::Float(1e21))
                ]
            ),
            "1e+06 1e+21"
        );
        assert_eq!(
            pf("%d %s", &[st("x"), i.clone()]),
            "%!d(string=x) %!s(int=42)"
        );
        assert_eq!(pf("%d %d", std::slice::from_ref(&i)), "42 %!d(MISSING)");
        assert_eq!(pf("%d", &[i.clone(), st("x")]), "42%!(EXTRA string=x)");
        assert_eq!(pf("%[2]s %[1]s", &[st("a"), st("b")]), "b a");
        assert_eq!(pf("%!", &[]), "%!!(MISSING)");
        assert_eq!(pf("%", &[]), "%!(NOVERB)");
        assert_eq!(
            pf(
                "%*d|%-*d|",
                &[
                    GoValue::new(Kind::Int(4)),
                    i.clone(),
                    GoValue::new(Kind::Int(4)),
                    i.clone()
                ]
            ),
            "  42|42  |"
        );
        assert_eq!(
            pf(
                "%v %d %s",
                &[GoValue::nil(), GoValue::nil(), GoValue::nil()]
            ),
            "<nil> %!d(<nil>) %!s(<nil>)"
        );
        assert_eq!(
            pf("%T %T", &[i.clone(), GoValue::new(Kind::Int64(1))]),
            "int int64"
        );
        assert_eq!(
            pf(
                "%c %q %U %#U",
                &[
                    GoValue::new(Kind::Int(65)),
                    GoValue::new(Kind::Int(65)),
                    GoValue::new(Kind::Int(65)),
                    GoValue::new(Kind::Int(65))
                ]
            ),
            "A 'A' U+0041 U+0041 'A'"
        );
    }

    #[test]
    fn containers_like_go() {
        let data = json!({"b": [1, "x", null, 1.5], "a": {"k": true}});
        let v = GoValue::from_json(&data, false);
        assert_eq!(
            pf("%v", std::slice::from_ref(&v)),
            "map[a:map[k:true] b:[1 x <nil> 1.5]]"
        );
        assert_eq!(pf("%d", std::slice::from_ref(&v)), "map[%!d(string=a):map[%!d(string=k):%!d(bool=true)] %!d(string=b):[1 %!d(string=x) <nil> %!d(float64=1.5)]]");
        assert_eq!(
            pf("%#v", std::slice::from_ref(&v)),
            "map[string]interface {}{\"a\":map[string]interface {}{\"k\":true}, \"b\":[]interface {}{1, \"x\", interface {}(nil), 1.5}}"
        );
        assert_eq!(
            String::from_utf8(sprint(&[st("a"), i(1), i(2), st("b")])).unwrap(),
            "a1 2b"
        );
        fn i(n: i64) -> GoValue<'static> {
            GoValue::new(Kind::Int(n))
        }
    }

    #[test]
    fn floats_like_strconv() {
        assert_eq!(format_float(0.000012345, 'g', -1), "1.2345e-05");
        assert_eq!(format_float(123456789.0, 'g', -1), "1.23456789e+08");
        assert_eq!(format_float(100.0, 'g', 3), "100");
        assert_eq!(format_float(1000.0, 'g', 3), "1e+03");
        assert_eq!(format_float(0.0, 'e', -1), "0e+00");
        assert_eq!(format_float(1.5, 'x', -1), "0x1.8p+00");
        assert_eq!(format_float(1.0, 'b', -1), "4503599627370496p-52");
        assert_eq!(format_float(2.5, 'f', 0), "2");
    }
}
