//! Resource quantities (`500m`, `64Mi`, `1e3`) as apimachinery parses, adds,
//! compares and prints them, for the sums and ratios describers compute.
//! Values are kept in nano-units; anything finer rounds up, as Go's does.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    /// The value times 10^9.
    nanos: i128,
    pub format: Format,
}

const NANO: i128 = 1_000_000_000;

impl Default for Quantity {
    fn default() -> Self {
        Quantity::zero(Format::DecimalSI)
    }
}

impl Quantity {
    pub fn zero(format: Format) -> Quantity {
        Quantity { nanos: 0, format }
    }

    pub fn from_int(value: i64, format: Format) -> Quantity {
        Quantity {
            nanos: value as i128 * NANO,
            format,
        }
    }

    /// Parses `1.5Gi`, `250m`, `1e3`; None when it is not a quantity.
    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let (negative, rest) = match text.as_bytes()[0] {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(num_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        let digits = format!("{int_part}{frac_part}");
        let mut mantissa: i128 = 0;
        for d in digits.bytes() {
            mantissa = mantissa.checked_mul(10)?.checked_add((d - b'0') as i128)?;
        }
        let mut exp10: i32 = -(frac_part.len() as i32);
        let mut exp2: u32 = 0;
        let format = match suffix {
            "" => Format::DecimalSI,
            "n" => {
                exp10 -= 9;
                Format::DecimalSI
            }
            "u" => {
                exp10 -= 6;
                Format::DecimalSI
            }
            "m" => {
                exp10 -= 3;
                Format::DecimalSI
            }
            "k" => {
                exp10 += 3;
                Format::DecimalSI
            }
            "M" => {
                exp10 += 6;
                Format::DecimalSI
            }
            "G" => {
                exp10 += 9;
                Format::DecimalSI
            }
            "T" => {
                exp10 += 12;
                Format::DecimalSI
            }
            "P" => {
                exp10 += 15;
                Format::DecimalSI
            }
            "E" => {
                exp10 += 18;
                Format::DecimalSI
            }
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                exp2 = match suffix {
                    "Ki" => 10,
                    "Mi" => 20,
                    "Gi" => 30,
                    "Ti" => 40,
                    "Pi" => 50,
                    _ => 60,
                };
                Format::BinarySI
            }
            s if s.starts_with(['e', 'E']) => {
                let e: i32 = s[1..].parse().ok()?;
                exp10 += e;
                Format::DecimalExponent
            }
            _ => return None,
        };
        // value = mantissa * 10^exp10 * 2^exp2, in nano-units.
        let mut value = mantissa.checked_mul(1i128.checked_shl(exp2)?)?;
        let shift = exp10 + 9;
        if shift >= 0 {
            value = value.checked_mul(10i128.checked_pow(shift as u32)?)?;
        } else {
            let div = 10i128.checked_pow((-shift) as u32).unwrap_or(i128::MAX);
            let rounded_up = value % div != 0;
            value /= div;
            if rounded_up {
                value += 1;
            }
        }
        Some(Quantity {
            nanos: if negative { -value } else { value },
            format,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// `q.Add(y)`: a zero receiver takes the other's format.
    pub fn add(&mut self, other: &Quantity) {
        if self.nanos == 0 {
            self.format = other.format;
        }
        self.nanos = self.nanos.saturating_add(other.nanos);
    }

    pub fn compare(&self, other: &Quantity) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }

    /// The value rounded up to a whole number (`Value()`).
    pub fn value(&self) -> i64 {
        ceil_div(self.nanos, NANO) as i64
    }

    /// The value in thousandths, rounded up (`MilliValue()`).
    pub fn milli_value(&self) -> i64 {
        ceil_div(self.nanos, 1_000_000) as i64
    }

    /// The canonical text (`Quantity.String()`).
    pub fn to_canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".to_string();
        }
        let mut format = self.format;
        if format == Format::BinarySI {
            let small = self.nanos > -1024 * NANO && self.nanos < 1024 * NANO;
            if small || self.nanos % NANO != 0 {
                format = Format::DecimalSI;
            }
        }
        if format == Format::BinarySI {
            let mut value = self.nanos / NANO;
            let mut times = 0;
            while value.abs() >= 1024 && value % 1024 == 0 {
                value /= 1024;
                times += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                .get(times)
                .copied()
                .unwrap_or("");
            return format!("{value}{suffix}");
        }
        let mut mantissa = self.nanos;
        let mut exponent: i32 = -9;
        while mantissa.abs() >= 10 && mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        match exponent % 3 {
            1 | -2 => {
                mantissa *= 10;
                exponent -= 1;
            }
            2 | -1 => {
                mantissa *= 100;
                exponent -= 2;
            }
            _ => {}
        }
        let suffix = if format == Format::DecimalExponent {
            if exponent == 0 {
                String::new()
            } else {
                format!("e{exponent}")
            }
        } else {
            match exponent {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => "",
            }
            .to_string()
        };
        format!("{mantissa}{suffix}")
    }
}

fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && a > 0 {
        q + 1
    } else {
        q
    }
}

/// The canonical form of a quantity string; the text itself when it does
/// not parse.
pub fn canonical(text: &str) -> String {
    Quantity::parse(text)
        .map(|q| q.to_canonical())
        .unwrap_or_else(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> String {
        canonical(text)
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(c("1"), "1");
        assert_eq!(c("1.5"), "1500m");
        assert_eq!(c("0.1"), "100m");
        assert_eq!(c("1024Mi"), "1Gi");
        assert_eq!(c("1000Mi"), "1000Mi");
        assert_eq!(c("512"), "512");
        assert_eq!(c("1000"), "1k");
        assert_eq!(c("1e3"), "1e3");
        assert_eq!(c("1.5Gi"), "1536Mi");
        assert_eq!(c("0.5Ki"), "512");
        assert_eq!(c("100M"), "100M");
        assert_eq!(c("0"), "0");
        assert_eq!(c("4Ti"), "4Ti");
        assert_eq!(c("-250m"), "-250m");
    }

    #[test]
    fn sums_keep_the_first_format() {
        let mut a = Quantity::parse("64Mi").unwrap();
        a.add(&Quantity::parse("128Mi").unwrap());
        assert_eq!(a.to_canonical(), "192Mi");
        let mut z = Quantity::default();
        z.add(&Quantity::parse("1Gi").unwrap());
        assert_eq!(z.to_canonical(), "1Gi");
        let mut cpu = Quantity::parse("250m").unwrap();
        cpu.add(&Quantity::parse("1").unwrap());
        assert_eq!(cpu.to_canonical(), "1250m");
        assert_eq!(cpu.milli_value(), 1250);
        assert_eq!(cpu.value(), 2);
    }
}
