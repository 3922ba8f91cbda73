//! Resource quantities (`500m`, `1Gi`, `1e3`) as apimachinery's
//! `resource.Quantity` parses, compares, adds and prints them: one value
//! type for describers' sums, generators' canonical forms, `--sort-by`'s
//! comparisons and `set resources`.
//!
//! Values are exact big decimals (Go switches to arbitrary precision for
//! what does not fit an int64); parsing rounds anything finer than nano
//! units up, caps binary quantities at 2^63-1 and keeps the input's text
//! when it is already canonical, as `ParseQuantity` does.

use std::cmp::Ordering;
use std::fmt;

pub const FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
pub const NUMERIC_ERROR: &str = "unable to parse numeric part of quantity";
pub const SUFFIX_ERROR: &str = "unable to parse quantity's suffix";

/// How a quantity prints: SI suffixes, binary suffixes, or `e<N>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// One of apimachinery's three parse errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError(pub &'static str);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for QuantityError {}

/// A big decimal: ±digits × 10^exp, digits without leading or trailing
/// zeros (empty for zero).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Dec {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Dec {
    fn new(negative: bool, digits: Vec<u8>, exp: i64) -> Dec {
        let mut d = Dec {
            negative,
            digits,
            exp,
        };
        d.normalize();
        d
    }

    fn from_i128(v: i128) -> Dec {
        let digits = v
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|c| c - b'0')
            .collect();
        Dec::new(v < 0, digits, 0)
    }

    fn normalize(&mut self) {
        let lead = self.digits.iter().take_while(|d| **d == 0).count();
        self.digits.drain(..lead);
        while self.digits.last() == Some(&0) {
            self.digits.pop();
            self.exp += 1;
        }
        if self.digits.is_empty() {
            self.exp = 0;
            self.negative = false;
        }
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn cmp_magnitude(&self, other: &Dec) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let top = |a: &Dec| a.digits.len() as i64 + a.exp;
        top(self)
            .cmp(&top(other))
            .then_with(|| self.digits.cmp(&other.digits))
    }

    fn signum(&self) -> i8 {
        match (self.is_zero(), self.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }

    /// The digits of the value at exponent `exp` (≤ self.exp).
    fn digits_at(&self, exp: i64) -> Vec<u8> {
        let mut d = self.digits.clone();
        d.resize(d.len() + (self.exp - exp) as usize, 0);
        d
    }

    fn add(&self, other: &Dec) -> Dec {
        if self.is_zero() {
            return other.clone();
        }
        if other.is_zero() {
            return self.clone();
        }
        // A term over 10^400 times smaller than the other cannot change a
        // value anyone prints; aligning them would take that many digits.
        let top = |d: &Dec| d.digits.len() as i64 + d.exp;
        if top(self) - other.exp > 400 {
            return self.clone();
        }
        if top(other) - self.exp > 400 {
            return other.clone();
        }
        let exp = self.exp.min(other.exp);
        let a = self.digits_at(exp);
        let b = other.digits_at(exp);
        if self.negative == other.negative {
            return Dec::new(self.negative, add_magnitudes(&a, &b), exp);
        }
        match self.cmp_magnitude(other) {
            Ordering::Equal => Dec::default(),
            Ordering::Greater => Dec::new(self.negative, sub_magnitudes(&a, &b), exp),
            Ordering::Less => Dec::new(other.negative, sub_magnitudes(&b, &a), exp),
        }
    }

    fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    /// Rounds to `exp` decimal places, away from zero (inf.RoundUp).
    fn round_up_to(&mut self, exp: i64) {
        if self.exp >= exp || self.is_zero() {
            return;
        }
        let drop = (exp - self.exp) as usize;
        let keep = self.digits.len().saturating_sub(drop);
        // Normalized digits end in a non-zero one: something is dropped.
        self.digits.truncate(keep);
        increment(&mut self.digits);
        self.exp = exp;
        self.normalize();
    }

    /// The value rounded away from zero to a whole number, saturated to
    /// an int64.
    fn to_i64_rounded_up(&self) -> i64 {
        let mut d = self.clone();
        d.round_up_to(0);
        let mut v: i128 = 0;
        for digit in &d.digits {
            v = v.saturating_mul(10).saturating_add(i128::from(*digit));
        }
        for _ in 0..d.exp.min(40) {
            v = v.saturating_mul(10);
        }
        let v = if d.negative { -v } else { v };
        v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    fn scaled(&self, by: i64) -> Dec {
        let mut d = self.clone();
        if !d.is_zero() {
            d.exp += by;
        }
        d
    }
}

fn add_magnitudes(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let (mut i, mut j, mut carry) = (a.len(), b.len(), 0u8);
    while i > 0 || j > 0 || carry > 0 {
        let x = if i > 0 { a[i - 1] } else { 0 };
        let y = if j > 0 { b[j - 1] } else { 0 };
        let s = x + y + carry;
        out.push(s % 10);
        carry = s / 10;
        i = i.saturating_sub(1);
        j = j.saturating_sub(1);
    }
    out.reverse();
    out
}

/// a - b for magnitudes a ≥ b.
fn sub_magnitudes(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i8;
    let offset = a.len() - b.len();
    for i in (0..a.len()).rev() {
        let y = if i >= offset { b[i - offset] as i8 } else { 0 };
        let mut d = a[i] as i8 - y - borrow;
        borrow = 0;
        if d < 0 {
            d += 10;
            borrow = 1;
        }
        out.push(d as u8);
    }
    out.reverse();
    out
}

/// Adds one to a big-endian digit string.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

/// Doubles a big-endian digit string.
fn double(digits: &mut Vec<u8>) {
    let mut carry = 0;
    for d in digits.iter_mut().rev() {
        let v = *d * 2 + carry;
        *d = v % 10;
        carry = v / 10;
    }
    if carry > 0 {
        digits.insert(0, carry);
    }
}

/// Divides a big-endian digit string by `divisor`; returns the remainder.
fn div_small(digits: &mut Vec<u8>, divisor: u32) -> u32 {
    let mut rem: u32 = 0;
    for d in digits.iter_mut() {
        let cur = rem * 10 + u32::from(*d);
        *d = (cur / divisor) as u8;
        rem = cur % divisor;
    }
    let lead = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..lead);
    rem
}

fn digits_text(digits: &[u8]) -> String {
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// A resource quantity.
#[derive(Debug, Clone)]
pub struct Quantity {
    value: Dec,
    format: Format,
    /// The input, kept when it already was in canonical form (Go's `s`).
    original: Option<String>,
}

impl Default for Quantity {
    fn default() -> Self {
        Quantity::zero(Format::DecimalSI)
    }
}

impl PartialEq for Quantity {
    /// Equal values (`Quantity.Equal`), whatever their format.
    fn eq(&self, other: &Quantity) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl Ord for Quantity {
    /// Orders by value (`Quantity.Cmp`).
    fn cmp(&self, other: &Quantity) -> Ordering {
        let (a, b) = (&self.value, &other.value);
        match a.signum().cmp(&b.signum()) {
            Ordering::Equal if a.signum() < 0 => b.cmp_magnitude(a),
            Ordering::Equal => a.cmp_magnitude(b),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The parts of `[+-]digits[.digits]suffix` (leading zeros of the whole
/// part dropped), as apimachinery's scanner splits them.
struct Parts<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
    /// Whether the number before the suffix has a digit at all (`.k` has
    /// none, which only matters where Go falls back to its big decimals).
    has_digit: bool,
}

fn split(s: &str) -> Result<Parts<'_>, QuantityError> {
    let b = s.as_bytes();
    let mut pos = 0;
    let mut positive = true;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    while pos < b.len() && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= b.len() {
        return Ok(Parts {
            positive,
            num: "0",
            denom: "",
            suffix: "",
            has_digit: true,
        });
    }
    let start = pos;
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = if pos == start { "0" } else { &s[start..pos] };
    let mut denom = "";
    if pos < b.len() && b[pos] == b'.' {
        pos += 1;
        let d = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[d..pos];
    }
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < b.len() {
        return Err(QuantityError(FORMAT_ERROR));
    }
    Ok(Parts {
        positive,
        num,
        denom,
        suffix: &s[suffix_start..],
        has_digit: s[..suffix_start].bytes().any(|c| c.is_ascii_digit()),
    })
}

/// (base, exponent, format) for a suffix.
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix.strip_prefix(['e', 'E'])?;
            // Go reads a 64-bit exponent and keeps its low 32 bits.
            let e: i64 = rest.parse().ok()?;
            Some((10, e as i32, Format::DecimalExponent))
        }
    }
}

fn decimal_suffix(exp: i64) -> Option<&'static str> {
    Some(match exp {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => return None,
    })
}

impl Quantity {
    pub fn zero(format: Format) -> Quantity {
        Quantity {
            value: Dec::default(),
            format,
            original: None,
        }
    }

    pub fn from_int(value: i64, format: Format) -> Quantity {
        Quantity {
            value: Dec::from_i128(i128::from(value)),
            format,
            original: None,
        }
    }

    /// `resource.ParseQuantity`: the exact value, or apimachinery's error.
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        if s.is_empty() {
            return Err(QuantityError(FORMAT_ERROR));
        }
        if s == "0" {
            return Ok(Quantity {
                value: Dec::default(),
                format: Format::DecimalSI,
                original: Some("0".into()),
            });
        }
        let parts = split(s)?;
        let (base, exponent, mut format) =
            interpret(parts.suffix).ok_or(QuantityError(SUFFIX_ERROR))?;
        let num_len = parts.num.len() as i64;
        let denom_len = parts.denom.len() as i64;
        let digits: Vec<u8> = parts
            .num
            .bytes()
            .chain(parts.denom.bytes())
            .map(|c| c - b'0')
            .collect();

        // Go's int64 fast path: small enough values keep their text when
        // it is already canonical.
        let precision = match format {
            Format::BinarySI if denom_len == 0 => {
                15 - num_len - ((exponent as f32) * 3.0 / 10.0) as i64 - 1
            }
            Format::BinarySI => -1,
            _ => 18 - num_len - denom_len,
        };
        let scale = match format {
            Format::BinarySI => -denom_len,
            _ => i64::from(exponent.wrapping_sub(denom_len as i32)),
        };
        let fast = precision >= 0 && scale >= -9 && fits_fast_path(&digits, base, exponent);
        if fast {
            let shifted = format!("{}{}", parts.num, parts.denom);
            let canonical = match format {
                // `value & 7 != 0`: the number is not a multiple of 8.
                Format::BinarySI => exponent % 10 == 0 && mod8(&digits) != 0,
                _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
            };
            let mut value = Dec::new(!parts.positive, digits, 0);
            if base == 10 {
                value = value.scaled(scale);
            } else {
                for _ in 0..exponent {
                    double(&mut value.digits);
                }
                value.normalize();
            }
            return Ok(Quantity {
                value,
                format,
                original: canonical.then(|| s.to_string()),
            });
        }

        // Go's arbitrary-precision path wants at least one digit.
        if !parts.has_digit {
            return Err(QuantityError(NUMERIC_ERROR));
        }
        let mut value = Dec::new(false, digits, -denom_len);
        if base == 10 {
            value = value.scaled(i64::from(exponent));
        } else {
            let mut d = value.digits.clone();
            for _ in 0..exponent {
                double(&mut d);
            }
            value = Dec::new(false, d, value.exp);
        }
        value.round_up_to(-9);
        if format == Format::BinarySI {
            let max = Dec::from_i128(i128::from(i64::MAX));
            if value.cmp_magnitude(&max) == Ordering::Greater {
                value = max;
            }
            if !value.is_zero() && value.cmp_magnitude(&Dec::from_i128(1)) == Ordering::Less {
                format = Format::DecimalSI;
            }
        }
        value.negative = !parts.positive && !value.is_zero();
        Ok(Quantity {
            value,
            format,
            original: None,
        })
    }

    /// A quantity as a JSON field holds it (`UnmarshalJSON` ignores
    /// surrounding spaces).
    pub fn parse_field(s: &str) -> Result<Quantity, QuantityError> {
        Quantity::parse(s.trim())
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.value.is_zero()
    }

    /// `q.Add(y)`: a zero receiver takes the other's format.
    pub fn add(&mut self, other: &Quantity) {
        if self.value.is_zero() {
            self.format = other.format;
        }
        self.value = self.value.add(&other.value);
        self.original = None;
    }

    /// The value rounded up (away from zero) to a whole number (`Value()`).
    pub fn value(&self) -> i64 {
        self.value.to_i64_rounded_up()
    }

    /// The value in thousandths, rounded up (`MilliValue()`).
    pub fn milli_value(&self) -> i64 {
        self.value.scaled(3).to_i64_rounded_up()
    }

    /// `Quantity.String()`: the input when it was canonical, else the
    /// canonical form.
    pub fn to_canonical(&self) -> String {
        match &self.original {
            Some(s) => s.clone(),
            None => self.canonical(),
        }
    }

    /// `CanonicalizeBytes`: decimal with an SI or exponent suffix whose
    /// exponent is a multiple of three, or a binary suffix for whole
    /// numbers of 1024 and more written in binary. As in Go, a decimal
    /// exponent beyond the SI table prints without a suffix.
    fn canonical(&self) -> String {
        let v = &self.value;
        if v.is_zero() {
            return "0".into();
        }
        let sign = if v.negative { "-" } else { "" };
        let mut format = self.format;
        if format == Format::BinarySI
            && (v.cmp_magnitude(&Dec::from_i128(1024)) == Ordering::Less || !v.is_integer())
        {
            format = Format::DecimalSI;
        }
        if format == Format::BinarySI {
            let mut digits = v.digits_at(0);
            let mut times = 0;
            loop {
                let mut q = digits.clone();
                if div_small(&mut q, 1024) != 0 || q.is_empty() {
                    break;
                }
                digits = q;
                times += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                .get(times)
                .copied()
                .unwrap_or("");
            return format!("{sign}{}{suffix}", digits_text(&digits));
        }
        let exp = v.exp - v.exp.rem_euclid(3);
        let digits = v.digits_at(exp);
        let suffix = match format {
            Format::DecimalExponent if exp == 0 => String::new(),
            Format::DecimalExponent => format!("e{exp}"),
            _ => decimal_suffix(exp).unwrap_or("").to_string(),
        };
        format!("{sign}{}{suffix}", digits_text(&digits))
    }
}

/// Whether Go's int64 fast path holds the value: the digits parse as an
/// int64 and, for binary suffixes, the product with 2^exponent fits.
fn fits_fast_path(digits: &[u8], base: u32, exponent: i32) -> bool {
    let mut v: i64 = 0;
    for d in digits {
        match v.checked_mul(10).and_then(|x| x.checked_add(i64::from(*d))) {
            Some(x) => v = x,
            None => return false,
        }
    }
    if base == 2 {
        return (0..63).contains(&exponent) && v.checked_mul(1i64 << exponent).is_some();
    }
    true
}

/// A decimal digit string modulo 8.
fn mod8(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |acc, d| (acc * 10 + u32::from(*d)) % 8)
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_canonical())
    }
}

/// The printed form of a quantity string (`Quantity.String()`), or the
/// text itself when it is not a quantity.
pub fn canonical(text: &str) -> String {
    Quantity::parse_field(text)
        .map(|q| q.to_canonical())
        .unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Quantity::parse(s).unwrap().to_string()
    }

    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("0.5", "500m"),
            ("1", "1"),
            ("+1", "+1"),
            ("1000m", "1"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1000Mi", "1000Mi"),
            ("1.5Gi", "1536Mi"),
            ("1e3", "1e3"),
            ("1000", "1k"),
            ("512", "512"),
            ("1024", "1024"),
            ("0.1Ki", "102400m"),
            ("0.5Ki", "512"),
            ("100Mi", "100Mi"),
            ("100M", "100M"),
            ("4Ti", "4Ti"),
            ("1.0000000001", "1000000001n"),
            ("0.00000000001", "1n"),
            ("0.0000000001", "1n"),
            ("000", "0"),
            (".5", "500m"),
            ("-1.5", "-1500m"),
            ("-250m", "-250m"),
            ("12e6", "12e6"),
            ("10Ki", "10Ki"),
            ("1e21", "1e21"),
            ("1e-3", "1e-3"),
            ("1000n", "1u"),
            ("1.0", "1"),
            // Beyond the SI table Go prints no suffix at all.
            ("1000E", "1"),
            ("1000000E", "1"),
            ("1.5Ei", "1536Pi"),
            ("8Ei", "9223372036854775807"),
            ("12345678901234567890", "12345678901234567890"),
        ] {
            assert_eq!(canon(input), want, "{input}");
        }
    }

    #[test]
    fn sums_keep_the_first_format() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        let mut a = q("64Mi");
        a.add(&q("128Mi"));
        assert_eq!(a.to_string(), "192Mi");
        let mut z = Quantity::default();
        z.add(&q("1Gi"));
        assert_eq!(z.to_string(), "1Gi");
        let mut cpu = q("250m");
        cpu.add(&q("1"));
        assert_eq!(cpu.to_string(), "1250m");
        assert_eq!(cpu.milli_value(), 1250);
        assert_eq!(cpu.value(), 2);
        let mut neg = q("1");
        neg.add(&q("-1500m"));
        assert_eq!(neg.to_string(), "-500m");
        assert_eq!(neg.value(), -1);
    }

    fn parsed(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|e| panic!("{s} is a quantity: {e}"))
    }

    #[test]
    fn compare_by_value() {
        use std::cmp::Ordering::*;
        let cases = [
            ("100m", "1", Less),
            ("1", "1000m", Equal),
            ("0.5", "500m", Equal),
            ("2Gi", "2G", Greater),
            ("1Ki", "1024", Equal),
            ("1e3", "1k", Equal),
            ("-1", "0", Less),
            ("-2", "-1", Less),
            ("0", "-0", Equal),
            ("0.5Ki", "512", Equal),
            ("1n", "0.0000000001", Equal),
            ("0.0000000011", "2n", Equal),
            ("-0.0000000011", "-2n", Equal),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567891",
                Less,
            ),
            ("1e30", "999999999999999999999999999999", Greater),
            ("99999999999999999999Ki", "9223372036854775807", Equal),
            ("10Ei", "20Ei", Equal),
            (".", "0", Equal),
            ("-", "0", Equal),
            (".k", "0", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(parsed(a).cmp(&parsed(b)), want, "{a} vs {b}");
        }
    }

    /// Pairs recorded from apimachinery's ParseQuantity and Cmp (see
    /// tests/fixtures/sort_by/README.md).
    #[test]
    fn compare_as_go_recorded() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sort_by/quantities.txt");
        let text = std::fs::read_to_string(path).expect("fixture");
        let mut checked = 0;
        for line in text.lines() {
            let f: Vec<&str> = line.split('|').collect();
            let (a, b) = (Quantity::parse(f[0]).ok(), Quantity::parse(f[1]).ok());
            let got = match (&a, &b) {
                (None, None) => "xab".to_string(),
                (None, _) => "xa".to_string(),
                (_, None) => "xb".to_string(),
                (Some(a), Some(b)) => (a.cmp(b) as i8).to_string(),
            };
            assert_eq!(got, f[2], "{line}");
            checked += 1;
        }
        assert!(checked >= 400);
    }

    #[test]
    fn refuses_what_go_refuses() {
        for s in [
            "", " 1", "1 ", "abc", "1x", "1Ki2", "1kk", ".e-10", "-Ei", ".Pi", "e", "1e",
        ] {
            assert!(Quantity::parse(s).is_err(), "{s:?}");
        }
        for s in ["+", ".Ti", "1.", "007", "1e-20", "5e4294967296"] {
            assert!(Quantity::parse(s).is_ok(), "{s:?}");
        }
        let err = |s: &str| Quantity::parse(s).unwrap_err().0;
        assert_eq!(err(""), FORMAT_ERROR);
        assert_eq!(err("1x"), FORMAT_ERROR);
        assert_eq!(err("1Ki2"), SUFFIX_ERROR);
        assert_eq!(err("1kk"), SUFFIX_ERROR);
        assert_eq!(err(".e-10"), NUMERIC_ERROR);
        assert_eq!(Quantity::parse_field(" 1 ").unwrap().to_string(), "1");
    }

    #[test]
    fn far_apart_sums_stay_small() {
        let mut huge = parsed("5e1800000000");
        huge.add(&parsed("1"));
        assert_eq!(huge.to_string(), "5e1800000000");
        let mut one = parsed("1");
        one.add(&parsed("1e-3"));
        assert_eq!(one.to_string(), "1001m");
    }

    #[test]
    fn whole_values_round_away_from_zero() {
        assert_eq!(parsed("1500m").value(), 2);
        assert_eq!(parsed("-1500m").value(), -2);
        assert_eq!(parsed("1.5u").milli_value(), 1);
        assert_eq!(parsed("64Mi").value(), 67108864);
        assert_eq!(canonical("nope"), "nope");
        assert_eq!(canonical("1.5Gi"), "1536Mi");
    }
}
