//! The few predicates of Go's `unicode` package the YAML printers depend on
//! (go-yaml sorts keys by letters and digits; kyaml quotes by letters,
//! numbers and printability), answered from tables generated from the Go
//! release kubectl is built with.

#[path = "unicode_tables.rs"]
mod tables;

pub use tables::UNICODE_VERSION;

const OTHER: u8 = 0;
const LETTER: u8 = 1;
// Class 2 is marks: printable, but neither letters nor numbers.
const DECIMAL_DIGIT: u8 = 3;
const OTHER_NUMBER: u8 = 4;
const PUNCT_OR_SYMBOL: u8 = 5;

fn class(c: char) -> u8 {
    let c = c as u32;
    if c < 0x80 {
        return match c as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            b'0'..=b'9' => DECIMAL_DIGIT,
            0x21..=0x2f | 0x3a..=0x40 | 0x5b..=0x60 | 0x7b..=0x7e => PUNCT_OR_SYMBOL,
            _ => OTHER,
        };
    }
    let ranges = tables::CLASS_RANGES;
    match ranges.binary_search_by(|&(first, last, _)| {
        if last < c {
            std::cmp::Ordering::Less
        } else if first > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => ranges[i].2,
        Err(_) => OTHER,
    }
}

/// `unicode.IsLetter`: general category L.
pub fn is_letter(c: char) -> bool {
    class(c) == LETTER
}

/// `unicode.IsDigit`: general category Nd.
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    class(c) == DECIMAL_DIGIT
}

/// `unicode.IsNumber`: general category N.
pub fn is_number(c: char) -> bool {
    matches!(class(c), DECIMAL_DIGIT | OTHER_NUMBER)
}

/// `unicode.IsPrint`: categories L, M, N, P, S and the ASCII space (no other
/// spaces, no format or private-use characters).
pub fn is_print(c: char) -> bool {
    c == ' ' || class(c) != OTHER
}

/// `unicode.IsSpace`: Latin-1 spaces plus the White_Space property.
pub fn is_space(c: char) -> bool {
    match c {
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}' => true,
        c if (c as u32) < 0x100 => false,
        '\u{1680}'
        | '\u{2000}'..='\u{200a}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202f}'
        | '\u{205f}'
        | '\u{3000}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_match_go() {
        assert!(is_letter('a') && is_letter('Z') && is_letter('é') && is_letter('中'));
        assert!(!is_letter('1') && !is_letter('_') && !is_letter('\u{301}'));
        assert!(is_digit('7') && is_digit('٣') && !is_digit('²') && !is_digit('a'));
        assert!(is_number('²') && is_number('Ⅻ') && is_number('5'));
        assert!(is_print('\u{301}') && is_print('😀') && is_print('€') && is_print(' '));
        assert!(!is_print('\u{a0}') && !is_print('\u{200b}') && !is_print('\u{3000}'));
        assert!(!is_print('\u{e000}') && !is_print('\t') && !is_print('\u{7f}'));
        assert!(is_space('\u{3000}') && is_space('\u{85}') && !is_space('\u{200b}'));
    }
}
