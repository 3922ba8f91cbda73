//! Word wrapping as explain's templates do it (github.com/mitchellh/go-wordwrap
//! v1.0.1, which kubectl's `wrap` template function calls): breaks only at
//! white space, keeps existing line breaks, lets a word longer than the
//! limit overflow, and counts characters (runes), not bytes or columns.

const NBSP: char = '\u{a0}';

/// Wraps `text` at `limit` characters per line.
pub fn wrap_string(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut current = 0usize;
    let mut word = String::new();
    let mut space = String::new();
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in text.chars() {
        if c == '\n' {
            // The line ends here: what is pending is written (trailing
            // spaces only if they still fit).
            if word.is_empty() {
                if current + space_len <= limit {
                    out.push_str(&space);
                }
            } else {
                out.push_str(&space);
                out.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.clear();
            space_len = 0;
            out.push(c);
            current = 0;
        } else if c.is_whitespace() && c != NBSP {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                out.push_str(&space);
                space.clear();
                space_len = 0;
                out.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + word_len + space_len > limit && word_len < limit {
                out.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= limit {
            out.push_str(&space);
        }
    } else {
        out.push_str(&space);
        out.push_str(&word);
    }
    out
}

/// The template function `indent`: `amount` spaces before every line.
pub fn indent(amount: usize, text: &str) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_keeps_breaks() {
        assert_eq!(wrap_string("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap_string("aaa bbb\nccc ddd", 7), "aaa bbb\nccc ddd");
        assert_eq!(wrap_string("a verylongword b", 4), "a\nverylongword\nb");
        assert_eq!(wrap_string("one\n\ntwo\n", 80), "one\n\ntwo\n");
        // A no-break space binds words together.
        assert_eq!(wrap_string("ab\u{a0}cd ef", 5), "ab\u{a0}cd\nef");
        // Characters, not bytes.
        assert_eq!(wrap_string("ééé ééé", 7), "ééé ééé");
    }

    #[test]
    fn indents_every_line() {
        assert_eq!(indent(4, "a\nb\n"), "    a\n    b\n    ");
        assert_eq!(indent(2, ""), "  ");
    }
}
