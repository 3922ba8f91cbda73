//! kubectl's `PrefixWriter` over Go's `text/tabwriter` as `describe` sets
//! it up (minimum width 0, padding 2): text at an indentation level of two
//! spaces per level, `Key:\tvalue` cells aligned within each run of tabbed
//! lines, and terminal escape characters made harmless.

use std::io::Write;

use crate::printers::style::{self, Span};
use crate::printers::tabwriter::TabWriter;

pub const LEVEL_0: usize = 0;
pub const LEVEL_1: usize = 1;
pub const LEVEL_2: usize = 2;
pub const LEVEL_3: usize = 3;
pub const LEVEL_4: usize = 4;

pub struct PrefixWriter {
    out: Sink,
    /// Levels added to every write (kubectl's nested prefix writer).
    indent: usize,
    /// In a nested writer, whole lines are indented too.
    nested: bool,
    /// Marks field names, headings, statuses and Warning events with
    /// colour spans (stdout is a coloured terminal).
    markup: bool,
}

/// Where the text goes: through the aligning tabwriter (describe), or
/// straight into a buffer with its tabs as they are (kubectl's
/// `NewPrefixWriter` over a plain buffer, as `rollout history` uses it).
enum Sink {
    Aligned(TabWriter<Vec<u8>>),
    Plain(Vec<u8>),
}

impl Default for PrefixWriter {
    fn default() -> Self {
        PrefixWriter::new()
    }
}

impl PrefixWriter {
    pub fn new() -> PrefixWriter {
        PrefixWriter {
            out: Sink::Aligned(TabWriter::for_describe(Vec::new())),
            indent: 0,
            nested: false,
            markup: style::markup(),
        }
    }

    /// A writer that keeps tabs as written, without aligning cells.
    pub fn unaligned() -> PrefixWriter {
        PrefixWriter {
            out: Sink::Plain(Vec::new()),
            indent: 0,
            nested: false,
            markup: style::markup(),
        }
    }

    /// Writes `text` after two spaces per level.
    pub fn write(&mut self, level: usize, text: &str) {
        let prefix = "  ".repeat(level + self.indent);
        self.raw(&prefix);
        self.raw(text);
    }

    /// Writes `text` and a newline without indentation (indented in a
    /// nested writer).
    pub fn line(&mut self, text: &str) {
        if self.nested {
            self.write(0, &format!("{text}\n"));
        } else {
            self.raw(text);
            self.raw("\n");
        }
    }

    /// Ends the current alignment block (kubectl flushes before events).
    pub fn flush(&mut self) {
        if let Sink::Aligned(out) = &mut self.out {
            let _ = out.flush_pending();
        }
    }

    /// Runs `f` with every write indented by `levels` more.
    pub fn nested<F: FnOnce(&mut PrefixWriter)>(&mut self, levels: usize, f: F) {
        let (indent, nested) = (self.indent, self.nested);
        self.indent += levels;
        self.nested = true;
        f(self);
        self.indent = indent;
        self.nested = nested;
    }

    /// The aligned text.
    pub fn finish(self) -> String {
        let bytes = match self.out {
            Sink::Aligned(out) => out.into_inner().unwrap_or_default(),
            Sink::Plain(bytes) => bytes,
        };
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn raw(&mut self, text: &str) {
        if self.markup && !text.trim_start_matches(' ').is_empty() {
            let marked = mark_lines(text);
            return self.raw_unmarked(&marked);
        }
        self.raw_unmarked(text)
    }

    fn raw_unmarked(&mut self, text: &str) {
        let out: &mut dyn Write = match &mut self.out {
            Sink::Aligned(out) => out,
            Sink::Plain(bytes) => bytes,
        };
        if text.contains(['\x1b', '\r']) {
            let escaped = text.replace('\x1b', "^[").replace('\r', "\\r");
            let _ = out.write_all(escaped.as_bytes());
        } else {
            let _ = out.write_all(text.as_bytes());
        }
    }
}

/// `text` (one or more lines of describe output, without the level's
/// indentation) with colour spans: `Key:` field names, `Heading:` lines,
/// status values, the events header and Warning events.
fn mark_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        out.push_str(&line[..line.len() - body.len()]);
        let (body, newline) = match body.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (body, ""),
        };
        mark_line(&mut out, body);
        out.push_str(newline);
    }
    out
}

fn mark_line(out: &mut String, body: &str) {
    if body == "Type\tReason\tAge\tFrom\tMessage" {
        out.push_str(&style::header_row(body));
    } else if body.starts_with("Warning\t") {
        style::push(out, Span::Warning, body);
    } else if let Some((key, value)) = body.split_once('\t').filter(|(k, _)| k.ends_with(':')) {
        style::push(out, Span::Field, key);
        out.push('\t');
        match style::status(value) {
            Some(span) => style::push(out, span, value),
            None => out.push_str(value),
        }
    } else if body.ends_with(':') && !body.contains('\t') && !body.contains(": ") {
        style::push(out, Span::Heading, body);
    } else {
        out.push_str(body);
    }
}

/// `w!(w, LEVEL, "fmt", args…)`: a formatted write at a level.
#[macro_export]
macro_rules! w {
    ($w:expr, $level:expr, $($arg:tt)*) => {
        $w.write($level, &format!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_fields_headings_statuses_and_warnings_on_text_widths() {
        let lines = |w: &mut PrefixWriter| {
            w.write(LEVEL_0, "Name:\tweb\n");
            w.write(LEVEL_0, "Status:\tRunning\n");
            w.write(LEVEL_0, "Containers:\n");
            w.write(LEVEL_1, "Image:\tnginx\n");
            w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
            w.write(LEVEL_1, "Warning\tBackOff\t1s\tkubelet\tBack-off\n");
        };
        let mut plain = PrefixWriter::new();
        lines(&mut plain);
        let plain = plain.finish();
        let _on = style::enable_markup(true);
        let mut marked = PrefixWriter::new();
        lines(&mut marked);
        let marked = marked.finish();
        assert_eq!(style::strip(&marked), plain);
        for (span, text) in [
            (Span::Field, "Name:"),
            (Span::Good, "Running"),
            (Span::Heading, "Containers:"),
            (Span::Header, "Reason"),
        ] {
            assert!(
                marked.contains(&*style::paint(span, text)),
                "{text} in {marked:?}"
            );
        }
        // The whole Warning row, padding included, is one span.
        let warning = marked.lines().last().unwrap().trim_start();
        assert!(style::strip(warning).starts_with("Warning  BackOff"));
        assert!(warning.starts_with(&style::paint(Span::Warning, "W")[..3]));
    }

    #[test]
    fn aligns_runs_and_indents() {
        let mut w = PrefixWriter::new();
        w.write(LEVEL_0, "Name:\tweb\n");
        w.write(LEVEL_0, "Namespace:\tdefault\n");
        w.write(LEVEL_0, "Containers:\n");
        w.write(LEVEL_1, "nginx:\n");
        w.write(LEVEL_2, "Image:\tnginx\n");
        assert_eq!(
            w.finish(),
            "Name:       web\nNamespace:  default\nContainers:\n  nginx:\n    Image:  nginx\n"
        );
    }

    #[test]
    fn escapes_terminal_characters() {
        let mut w = PrefixWriter::new();
        w.write(LEVEL_0, "a\x1b[31mb\rc\n");
        assert_eq!(w.finish(), "a^[[31mb\\rc\n");
    }

    #[test]
    fn nested_lines_are_indented() {
        let mut w = PrefixWriter::new();
        w.nested(LEVEL_2, |w| {
            w.write(LEVEL_0, "Labels:\t");
            w.line("<none>");
        });
        assert_eq!(w.finish(), "    Labels:      <none>\n");
    }
}
