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
            let e: i32 = rest.parse().ok()?;
            Some((10, e, Format::DecimalExponent))
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
                let scale = exponent - denom_len;
                if precision >= 0 && scale >= -9 && digits.parse::<i64>().is_ok() {
                    keep = scale % 3 == 0 && !digits.ends_with("000") && !digits.starts_with('0');
                }
            }
        }

        let sign = if parts.positive { 1 } else { -1 };
        let (mut mantissa, mut scale) = if base == 10 {
            (digits_value, exponent - denom_len)
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

    #[test]
    fn errors() {
        assert_eq!(Quantity::parse("").unwrap_err().0, FORMAT_ERROR);
        assert_eq!(Quantity::parse("1x").unwrap_err().0, FORMAT_ERROR);
        assert_eq!(Quantity::parse("1Ki2").unwrap_err().0, SUFFIX_ERROR);
        assert_eq!(Quantity::parse("1kk").unwrap_err().0, SUFFIX_ERROR);
    }
}
