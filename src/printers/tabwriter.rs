//! Elastic tabstops as Go's `text/tabwriter` computes them, with the
//! "remember widths" extension kubectl's table printer relies on
//! (github.com/liggitt/tabwriter): cells end at `\t`; the cells of one
//! column in consecutive lines share a width; a line without tabs ends the
//! block; the text after the last tab of a line is not padded.
//!
//! Only what kubectl uses is supported: space padding, left alignment, no
//! escapes or HTML filtering.

use std::io::{self, Write};

use super::style;

#[derive(Debug, Clone, Copy)]
struct Cell {
    /// Bytes of text in `TabWriter::buf`.
    size: usize,
    /// Width in Unicode scalar values (Go counts runes, not display width).
    width: usize,
}

pub struct TabWriter<W: Write> {
    out: W,
    min_width: usize,
    padding: usize,
    remember_widths: bool,
    buf: Vec<u8>,
    /// Start of the current, unfinished cell in `buf`.
    cell_start: usize,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    max_widths: Vec<usize>,
    /// Marks status words in cells (tables on a coloured terminal).
    mark_statuses: bool,
}

impl<W: Write> TabWriter<W> {
    /// The writer kubectl's `get` prints tables through: minimum width 6,
    /// padding 3, remembered widths.
    /// On a coloured terminal, cells holding a status word (Running,
    /// Pending, CrashLoopBackOff…) are marked with its colour.
    pub fn for_tables(out: W) -> TabWriter<W> {
        let mut w = TabWriter::new(out, 6, 3, true);
        w.mark_statuses = style::markup();
        w
    }

    /// The writer kubectl's `describe` uses: minimum width 0, padding 2.
    pub fn for_describe(out: W) -> TabWriter<W> {
        TabWriter::new(out, 0, 2, false)
    }

    pub fn new(out: W, min_width: usize, padding: usize, remember_widths: bool) -> TabWriter<W> {
        TabWriter {
            out,
            min_width,
            padding,
            remember_widths,
            buf: Vec::new(),
            cell_start: 0,
            lines: vec![Vec::new()],
            widths: Vec::new(),
            max_widths: Vec::new(),
            mark_statuses: false,
        }
    }

    /// Forgets remembered widths (kubectl does this when a new table starts).
    pub fn reset_remembered_widths(&mut self) {
        self.max_widths.clear();
    }

    pub fn into_inner(mut self) -> io::Result<W> {
        self.flush_buffer()?;
        Ok(self.out)
    }

    /// Formats and writes what is buffered, keeping remembered widths, without
    /// flushing the underlying writer.
    pub fn flush_pending(&mut self) -> io::Result<()> {
        self.flush_buffer()
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn terminate_cell(&mut self) -> usize {
        if self.mark_statuses {
            self.mark_status();
        }
        let text = &self.buf[self.cell_start..];
        let width = rune_count(text);
        let cell = Cell {
            size: text.len(),
            width,
        };
        self.cell_start = self.buf.len();
        let line = self.lines.last_mut().expect("at least one line");
        line.push(cell);
        line.len()
    }

    /// Wraps the current cell's text in its status span, if it is a
    /// status word (trailing padding stays outside the span).
    fn mark_status(&mut self) {
        let Ok(text) = std::str::from_utf8(&self.buf[self.cell_start..]) else {
            return;
        };
        let word = text.trim_end_matches(' ');
        let Some(span) = style::status(word) else {
            return;
        };
        let marked = format!("{}{}", style::paint(span, word), &text[word.len()..]);
        self.buf.truncate(self.cell_start);
        self.buf.extend_from_slice(marked.as_bytes());
    }

    /// Formats and writes everything buffered, then starts afresh.
    fn flush_buffer(&mut self) -> io::Result<()> {
        if self.buf.len() > self.cell_start {
            self.terminate_cell();
        }
        let lines = std::mem::take(&mut self.lines);
        let result = self.format(0, 0, lines.len(), &lines);
        self.buf.clear();
        self.cell_start = 0;
        self.lines = vec![Vec::new()];
        self.widths.clear();
        result.map(|_| ())
    }

    fn format(
        &mut self,
        pos0: usize,
        line0: usize,
        line1: usize,
        lines: &[Vec<Cell>],
    ) -> io::Result<usize> {
        let mut pos = pos0;
        let mut line0 = line0;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            // A cell exists in this column: print the lines above the block.
            pos = self.write_lines(pos, line0, this, lines)?;
            line0 = this;

            let mut width = self.min_width;
            while this < line1 {
                let line = &lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].width + self.padding);
                this += 1;
            }

            if self.remember_widths {
                if self.max_widths.len() < self.widths.len() {
                    let from = self.max_widths.len();
                    let missing: Vec<usize> = self.widths[from..].to_vec();
                    self.max_widths.extend(missing);
                }
                let col = self.widths.len();
                if self.max_widths.len() == col {
                    self.max_widths.push(width);
                } else if self.max_widths[col] > width {
                    width = self.max_widths[col];
                } else {
                    self.max_widths[col] = width;
                }
            }

            self.widths.push(width);
            pos = self.format(pos, line0, this, lines)?;
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1, lines)
    }

    fn write_lines(
        &mut self,
        pos0: usize,
        line0: usize,
        line1: usize,
        lines: &[Vec<Cell>],
    ) -> io::Result<usize> {
        let mut pos = pos0;
        for (i, line) in lines.iter().enumerate().take(line1).skip(line0) {
            for (j, cell) in line.iter().enumerate() {
                if cell.size > 0 {
                    self.out.write_all(&self.buf[pos..pos + cell.size])?;
                    pos += cell.size;
                }
                if j < self.widths.len() {
                    write_spaces(&mut self.out, self.widths[j].saturating_sub(cell.width))?;
                }
            }
            if i + 1 == lines.len() {
                // The last line has no newline of its own yet.
            } else {
                self.out.write_all(b"\n")?;
            }
        }
        Ok(pos)
    }
}

fn write_spaces<W: Write>(out: &mut W, n: usize) -> io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    let mut left = n;
    while left > 0 {
        let chunk = left.min(SPACES.len());
        out.write_all(&SPACES[..chunk])?;
        left -= chunk;
    }
    Ok(())
}

/// Runes as Go's `utf8.RuneCount` counts them (each invalid byte counts
/// one); colour span markers count nothing, so alignment is the text's.
fn rune_count(bytes: &[u8]) -> usize {
    let count = |s: &str| s.chars().filter(|c| !style::is_marker(*c)).count();
    match std::str::from_utf8(bytes) {
        Ok(s) => count(s),
        Err(_) => count(&String::from_utf8_lossy(bytes)),
    }
}

impl<W: Write> Write for TabWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in data.iter().enumerate() {
            match b {
                b'\t' | b'\x0b' | b'\n' | b'\x0c' => {
                    self.buf.extend_from_slice(&data[start..i]);
                    start = i + 1;
                    let cells = self.terminate_cell();
                    if b == b'\n' || b == b'\x0c' {
                        self.lines.push(Vec::new());
                        if b == b'\x0c' || cells == 1 {
                            // A line without tabs cannot affect later
                            // alignment: everything so far can go out.
                            self.flush_buffer()?;
                        }
                    }
                }
                _ => {}
            }
        }
        self.buf.extend_from_slice(&data[start..]);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_buffer()?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(input: &str) -> String {
        let mut w = TabWriter::for_tables(Vec::new());
        w.write_all(input.as_bytes()).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    fn describe(input: &str) -> String {
        let mut w = TabWriter::for_describe(Vec::new());
        w.write_all(input.as_bytes()).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn aligns_columns_with_min_width_and_padding() {
        assert_eq!(
            table("NAME\tREADY\tAGE\nweb-0\t1/1\t5m\nlonger-name\t0/1\t10s\n"),
            "NAME          READY   AGE\nweb-0         1/1     5m\nlonger-name   0/1     10s\n"
        );
    }

    #[test]
    fn empty_last_cell_keeps_padding_of_previous_column() {
        // Minimum width 6 includes the padding.
        assert_eq!(table("A\tB\nx\t\n"), "A     B\nx     \n");
    }

    #[test]
    fn runs_of_lines_align_separately_in_describe() {
        assert_eq!(
            describe("Name:\tweb\nNamespace:\tdefault\nplain line\nA:\tb\n"),
            "Name:       web\nNamespace:  default\nplain line\nA:  b\n"
        );
    }

    #[test]
    fn nested_blocks_like_go() {
        // Go's example: b and c are in different columns.
        assert_eq!(
            describe("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n"),
            "aaaa  bbb  d\naa    b    dd\na     \naa    cccc  eee\n"
        );
    }

    #[test]
    fn remembered_widths_survive_flushes() {
        let mut w = TabWriter::for_tables(Vec::new());
        w.write_all(b"LONGER-NAME\tX\n").unwrap();
        w.flush().unwrap();
        w.write_all(b"a\tb\n").unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(out, "LONGER-NAME   X\na             b\n");
    }

    #[test]
    fn status_cells_are_marked_and_aligned_on_their_text() {
        let _on = style::enable_markup(true);
        let out = table("NAME\tSTATUS\tAGE\nweb\tRunning\t5m\nx\tCrashLoopBackOff\t1s\n");
        let plain = table_plain("NAME\tSTATUS\tAGE\nweb\tRunning\t5m\nx\tCrashLoopBackOff\t1s\n");
        assert_eq!(style::strip(&out), plain);
        assert!(out.contains(&*style::paint(style::Span::Good, "Running")));
        assert!(out.contains(&*style::paint(style::Span::Bad, "CrashLoopBackOff")));
    }

    fn table_plain(input: &str) -> String {
        let _off = style::enable_markup(false);
        table(input)
    }

    #[test]
    fn widths_count_runes() {
        assert_eq!(table("é\tx\nabcd\ty\n"), "é      x\nabcd   y\n");
    }
}
