//! Resource quantities (`500m`, `1Gi`, `1e3`) read and written the way the
//! API machinery does: parsed exactly (rounded up to nano units), written in
//! canonical form unless the input already was canonical.

use std::fmt;

pub const FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const NUMERIC_ERROR: &str = "unable to parse numeric part of quantity";
const SUFFIX_ERROR: &str = "unable to parse quantity's suffix";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// value = mantissa × 10^scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    mantissa: i128,
    scale: i32,
    format: Format,
    /// The input, kept when it was already in canonical form.
    original: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError(&'static str);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

struct Parts<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
    /// Whether the number before the suffix has a digit at all (`.k` has
    /// none, which only matters where Go falls back to its big decimals).
    has_digit: bool,
}

/// Splits `[+-]digits[.digits]suffix` as the API machinery does (leading
/// zeros of the whole part dropped).
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

impl Quantity {
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(QuantityError(FORMAT_ERROR));
        }
        if s == "0" {
            return Ok(Quantity {
                mantissa: 0,
                scale: 0,
                format: Format::DecimalSI,
                original: Some("0".into()),
            });
        }
        let parts = split(s)?;
        let (base, exponent, mut format) =
            interpret(parts.suffix).ok_or(QuantityError(SUFFIX_ERROR))?;
        let digits = format!("{}{}", parts.num, parts.denom);
        let digits_value: i128 = digits.parse().map_err(|_| QuantityError(NUMERIC_ERROR))?;
        let denom_len = parts.denom.len() as i32;

        // Whether the input is kept as written (kubectl's fast path).
        let mut keep = false;
        match format {
            Format::BinarySI => {
                let precision =
                    15 - parts.num.len() as i32 - ((exponent as f32) * 3.0 / 10.0) as i32 - 1;
                if precision >= 0 && parts.denom.is_empty() {
                    if let Ok(v) = digits.parse::<i64>() {
                        if v.checked_mul(1i64 << exponent).is_some() {
                            keep = exponent % 10 == 0 && v & 7 != 0;
                        }
                    }
                }
            }
            _ => {
                let precision = 18 - (parts.num.len() + parts.denom.len()) as i32;
                let scale = exponent.wrapping_sub(denom_len);
                if precision >= 0 && scale >= -9 && digits.parse::<i64>().is_ok() {
                    keep = scale % 3 == 0 && !digits.ends_with("000") && !digits.starts_with('0');
                }
            }
        }

        let sign = if parts.positive { 1 } else { -1 };
        let (mut mantissa, mut scale) = if base == 10 {
            (digits_value, exponent.wrapping_sub(denom_len))
        } else {
            let factor = 1i128
                .checked_shl(exponent as u32)
                .ok_or(QuantityError(NUMERIC_ERROR))?;
            (
                digits_value
                    .checked_mul(factor)
                    .ok_or(QuantityError(NUMERIC_ERROR))?,
                -denom_len,
            )
        };
        // Round anything finer than nano units up (away from zero).
        if scale < -9 && mantissa != 0 {
            let drop = (-9 - scale) as u32;
            let div = 10i128
                .checked_pow(drop)
                .ok_or(QuantityError(NUMERIC_ERROR))?;
            let q = mantissa / div;
            mantissa = if mantissa % div != 0 { q + 1 } else { q };
            scale = -9;
        }
        if format == Format::BinarySI && !keep && is_below(mantissa, scale, 1024) {
            format = Format::DecimalSI;
        }
        Ok(Quantity {
            mantissa: mantissa * sign,
            scale,
            format,
            original: keep.then(|| s.to_string()),
        })
    }

    /// Canonical text: decimal with an SI or exponent suffix whose exponent
    /// is a multiple of three, or a binary suffix for whole numbers of 1024
    /// and more that were written in binary.
    fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".into();
        }
        let mut format = self.format;
        if format == Format::BinarySI {
            let whole = self.scale >= 0 || self.mantissa % 10i128.pow((-self.scale) as u32) == 0;
            if is_below(self.mantissa.abs(), self.scale, 1024) || !whole {
                format = Format::DecimalSI;
            }
        }
        if format == Format::BinarySI {
            let mut v = if self.scale >= 0 {
                self.mantissa * 10i128.pow(self.scale as u32)
            } else {
                self.mantissa / 10i128.pow((-self.scale) as u32)
            };
            let mut exp = 0;
            while v % 1024 == 0 && exp < 6 {
                v /= 1024;
                exp += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp];
            return format!("{v}{suffix}");
        }
        let mut m = self.mantissa;
        let mut e = self.scale;
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        while e.rem_euclid(3) != 0 {
            m *= 10;
            e -= 1;
        }
        let suffix = match format {
            Format::DecimalExponent if e == 0 => String::new(),
            Format::DecimalExponent => format!("e{e}"),
            _ => match e {
                -9 => "n".into(),
                -6 => "u".into(),
                -3 => "m".into(),
                0 => String::new(),
                3 => "k".into(),
                6 => "M".into(),
                9 => "G".into(),
                12 => "T".into(),
                15 => "P".into(),
                18 => "E".into(),
                _ => format!("e{e}"),
            },
        };
        format!("{m}{suffix}")
    }
}

/// The exact value `resource.ParseQuantity` gives a string, for comparing
/// quantities as `Quantity.Cmp` does (`--sort-by` on `100m` vs `1`).
///
/// Go keeps small values in an `int64` and falls back to arbitrary
/// precision for the rest; either way the value is exact, except that
/// anything finer than nano units is rounded up (away from zero) and binary
/// quantities are capped at 2^63-1. Here the value is always a big decimal:
/// `digits × 10^exp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    negative: bool,
    /// Decimal digits without leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    exp: i64,
}

impl Amount {
    /// Parses `s` exactly as `resource.ParseQuantity` does (no trimming),
    /// or `None` where it fails.
    pub fn parse(s: &str) -> Option<Amount> {
        if s.is_empty() {
            return None;
        }
        let parts = split(s).ok()?;
        let (base, exponent, format) = interpret(parts.suffix)?;
        let num_len = parts.num.len() as i64;
        let denom_len = parts.denom.len() as i64;
        // Where Go's int64 fast path does not apply, it parses the number
        // with inf.Dec, which wants at least one digit (`.e-10` fails).
        let fast = match format {
            Format::BinarySI => {
                let precision = 15 - num_len - ((exponent as f32) * 3.0 / 10.0) as i64 - 1;
                denom_len == 0 && precision >= 0
            }
            _ => 18 - num_len - denom_len >= 0 && i64::from(exponent) - denom_len >= -9,
        };
        if !fast && !parts.has_digit {
            return None;
        }
        let mut digits: Vec<u8> = parts
            .num
            .bytes()
            .chain(parts.denom.bytes())
            .map(|c| c - b'0')
            .collect();
        let mut exp = -denom_len;
        if base == 10 {
            exp += i64::from(exponent);
        } else {
            for _ in 0..exponent {
                double(&mut digits);
            }
        }
        let mut amount = Amount {
            negative: !parts.positive,
            digits,
            exp,
        };
        amount.normalize();
        if amount.digits.is_empty() {
            amount.negative = false;
            return Some(amount);
        }
        // Round finer than nano up, in magnitude.
        if amount.exp < -9 {
            let drop = (-9 - amount.exp) as usize;
            let keep = amount.digits.len().saturating_sub(drop);
            amount.digits.truncate(keep);
            // The dropped digits end in a non-zero one (no trailing zeros).
            increment(&mut amount.digits);
            amount.exp = -9;
            amount.normalize();
        }
        if format == Format::BinarySI {
            let max = Amount {
                negative: false,
                digits: i64::MAX.to_string().bytes().map(|c| c - b'0').collect(),
                exp: 0,
            };
            if amount.cmp_magnitude(&max) == std::cmp::Ordering::Greater {
                amount.digits = max.digits;
                amount.exp = 0;
            }
        }
        Some(amount)
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
        }
    }

    fn cmp_magnitude(&self, other: &Amount) -> std::cmp::Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => return std::cmp::Ordering::Equal,
            (true, false) => return std::cmp::Ordering::Less,
            (false, true) => return std::cmp::Ordering::Greater,
            _ => {}
        }
        let top = |a: &Amount| a.digits.len() as i64 + a.exp;
        top(self)
            .cmp(&top(other))
            .then_with(|| self.digits.cmp(&other.digits))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Amount) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let sign = |a: &Amount| match (a.digits.is_empty(), a.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if sign(self) < 0 => other.cmp_magnitude(self),
            Ordering::Equal => self.cmp_magnitude(other),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Amount) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Doubles a big-endian decimal digit string in place.
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

/// Adds one to a big-endian decimal digit string in place.
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

/// |mantissa × 10^scale| < limit.
fn is_below(mantissa: i128, scale: i32, limit: i128) -> bool {
    let m = mantissa.abs();
    if scale >= 0 {
        match 10i128
            .checked_pow(scale as u32)
            .and_then(|p| m.checked_mul(p))
        {
            Some(v) => v < limit,
            None => false,
        }
    } else {
        match 10i128
            .checked_pow((-scale) as u32)
            .and_then(|p| limit.checked_mul(p))
        {
            Some(l) => m < l,
            None => true,
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.original {
            Some(s) => f.write_str(s),
            None => f.write_str(&self.canonical()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Quantity::parse(s).unwrap().to_string()
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canon("0.5"), "500m");
        assert_eq!(canon("1"), "1");
        assert_eq!(canon("+1"), "+1");
        assert_eq!(canon("1000m"), "1");
        assert_eq!(canon("1Gi"), "1Gi");
        assert_eq!(canon("1024Mi"), "1Gi");
        assert_eq!(canon("1.5Gi"), "1536Mi");
        assert_eq!(canon("1e3"), "1e3");
        assert_eq!(canon("1000"), "1k");
        assert_eq!(canon("0.1Ki"), "102400m");
        assert_eq!(canon("100Mi"), "100Mi");
        assert_eq!(canon("1.0000000001"), "1000000001n");
        assert_eq!(canon("0.00000000001"), "1n");
        assert_eq!(canon("000"), "0");
        assert_eq!(canon(".5"), "500m");
        assert_eq!(canon("-1.5"), "-1500m");
        assert_eq!(canon("12e6"), "12e6");
        assert_eq!(canon("10Ki"), "10Ki");
    }

    fn amount(s: &str) -> Amount {
        Amount::parse(s).unwrap_or_else(|| panic!("{s} is a quantity"))
    }

    #[test]
    fn amounts_compare_by_value() {
        use std::cmp::Ordering::*;
        let cases = [
            ("100m", "1", Less),
            ("1", "1000m", Equal),
            ("0.5", "500m", Equal),
            ("2Gi", "2G", Greater),
            ("1Ki", "1024", Equal),
            ("1e3", "1k", Equal),
            ("1.5", "1500m", Equal),
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
            assert_eq!(amount(a).cmp(&amount(b)), want, "{a} vs {b}");
        }
    }

    /// Pairs recorded from apimachinery's ParseQuantity and Cmp (see
    /// tests/fixtures/sort_by/README.md).
    #[test]
    fn amounts_compare_as_go_recorded() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sort_by/quantities.txt");
        let text = std::fs::read_to_string(path).expect("fixture");
        let mut checked = 0;
        for line in text.lines() {
            let f: Vec<&str> = line.split('|').collect();
            let (a, b) = (Amount::parse(f[0]), Amount::parse(f[1]));
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
    fn amounts_refuse_what_go_refuses() {
        for s in [
            "", " 1", "1 ", "abc", "1x", "1Ki2", "1kk", ".e-10", "-Ei", ".Pi", "e", "1e",
        ] {
            assert_eq!(Amount::parse(s), None, "{s:?}");
        }
        for s in ["+", ".Ti", "1.", "007", "1e-20", "5e4294967296"] {
            assert!(Amount::parse(s).is_some(), "{s:?}");
        }
    }

    #[test]
    fn errors() {
        assert_eq!(Quantity::parse("").unwrap_err().0, FORMAT_ERROR);
        assert_eq!(Quantity::parse("1x").unwrap_err().0, FORMAT_ERROR);
        assert_eq!(Quantity::parse("1Ki2").unwrap_err().0, SUFFIX_ERROR);
        assert_eq!(Quantity::parse("1kk").unwrap_err().0, SUFFIX_ERROR);
    }
}
