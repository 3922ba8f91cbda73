//! Colour as semantic spans. Printers say what a piece of text *is* (a
//! table header, a status word, a YAML key…) by wrapping it in marker
//! characters; a [`Renderer`] at the end of the output stream turns the
//! markers into terminal colour codes. Whether there is colour at all is
//! decided once per invocation (`app.rs`): only then are markers emitted
//! ([`enable_markup`]), so with colour off every printer writes exactly the
//! bytes it always did, and with colour on the text between the codes is
//! still kubectl's.
//!
//! Markers are Unicode noncharacters (U+FDD0…), valid in a Rust `String`,
//! never produced by kuddle itself and "reserved for internal use" by
//! Unicode, so they can travel through string-building printers and the
//! tabwriter (which counts them as zero width).

use std::borrow::Cow;
use std::cell::Cell;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

/// What a piece of output is; each has one colour from the terminal's
/// 16-colour palette (so light and dark themes both stay readable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// A table's column names.
    Header,
    /// A status that is fine: Running, Ready, Bound, Active, Succeeded…
    Good,
    /// A status on its way: Pending, ContainerCreating, Terminating…
    Pending,
    /// A status that is broken: Failed, Error, CrashLoopBackOff, NotReady…
    Bad,
    /// A mapping key in YAML or JSON.
    Key,
    /// A string value in YAML or JSON.
    Str,
    /// A number in YAML or JSON.
    Number,
    /// `true` / `false`.
    Bool,
    /// `null`.
    Null,
    /// A section heading in `describe` (`Containers:`, `Events:`).
    Heading,
    /// A field name in `describe` (`Name:`).
    Field,
    /// A Warning row of `describe`'s events, a `Warning:` on stderr.
    Warning,
    /// A line a diff adds.
    DiffAdd,
    /// A line a diff removes.
    DiffDelete,
    /// A diff's `@@ … @@` hunk header.
    DiffHunk,
    /// A diff's `diff`, `---` and `+++` file header lines.
    DiffFile,
    /// The `error:` of an error line on stderr.
    Error,
}

const ALL: [Span; 17] = [
    Span::Header,
    Span::Good,
    Span::Pending,
    Span::Bad,
    Span::Key,
    Span::Str,
    Span::Number,
    Span::Bool,
    Span::Null,
    Span::Heading,
    Span::Field,
    Span::Warning,
    Span::DiffAdd,
    Span::DiffDelete,
    Span::DiffHunk,
    Span::DiffFile,
    Span::Error,
];

/// Ends the innermost open span.
const END: char = '\u{FDD0}';
/// The marker of `ALL[0]`; the others follow.
const FIRST: u32 = 0xFDD1;

impl Span {
    fn marker(self) -> char {
        let index = ALL.iter().position(|s| *s == self).unwrap_or(0) as u32;
        char::from_u32(FIRST + index).unwrap_or(END)
    }

    fn style(self) -> Style {
        let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
        match self {
            Span::Header => Style::new().bold(),
            Span::Good => fg(AnsiColor::Green),
            Span::Pending => fg(AnsiColor::Yellow),
            Span::Bad => fg(AnsiColor::Red),
            Span::Key => fg(AnsiColor::Blue),
            Span::Str => fg(AnsiColor::Green),
            Span::Number => fg(AnsiColor::Magenta),
            Span::Bool => fg(AnsiColor::Cyan),
            Span::Null => fg(AnsiColor::BrightBlack),
            Span::Heading => fg(AnsiColor::Blue).bold(),
            Span::Field => fg(AnsiColor::Blue),
            Span::Warning => fg(AnsiColor::Yellow),
            Span::DiffAdd => fg(AnsiColor::Green),
            Span::DiffDelete => fg(AnsiColor::Red),
            Span::DiffHunk => fg(AnsiColor::Cyan),
            Span::DiffFile => Style::new().bold(),
            Span::Error => fg(AnsiColor::Red).bold(),
        }
    }
}

thread_local! {
    static MARKUP: Cell<bool> = const { Cell::new(false) };
}

/// Whether printers on this thread mark their output with spans (set once
/// per invocation, when its output is coloured).
pub fn markup() -> bool {
    MARKUP.with(Cell::get)
}

/// Turns span markers on or off for this thread until the guard drops.
pub fn enable_markup(on: bool) -> MarkupGuard {
    MarkupGuard(MARKUP.with(|m| m.replace(on)))
}

/// Restores the previous markup setting when dropped.
pub struct MarkupGuard(bool);

impl Drop for MarkupGuard {
    fn drop(&mut self) {
        MARKUP.with(|m| m.set(self.0));
    }
}

/// Appends `text` as a `span` (just `text` when markup is off).
pub fn push(out: &mut String, span: Span, text: &str) {
    if markup() {
        out.push(span.marker());
        out.push_str(text);
        out.push(END);
    } else {
        out.push_str(text);
    }
}

/// `text` as a `span` (unchanged when markup is off).
pub fn paint(span: Span, text: &str) -> Cow<'_, str> {
    if markup() {
        let mut s = String::with_capacity(text.len() + 6);
        push(&mut s, span, text);
        Cow::Owned(s)
    } else {
        Cow::Borrowed(text)
    }
}

/// A table's header line (`NAME\tREADY\t…`) with each column name marked
/// as a header (unchanged when markup is off).
pub fn header_row(line: &str) -> Cow<'_, str> {
    if !markup() {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8 * line.matches('\t').count() + 6);
    for (i, cell) in line.split('\t').enumerate() {
        if i > 0 {
            out.push('\t');
        }
        if cell.is_empty() {
            continue;
        }
        push(&mut out, Span::Header, cell);
    }
    Cow::Owned(out)
}

/// Opens a span that [`close`] ends (nothing when markup is off).
pub fn open(out: &mut String, span: Span) {
    if markup() {
        out.push(span.marker());
    }
}

/// Ends the span [`open`] started.
pub fn close(out: &mut String) {
    if markup() {
        out.push(END);
    }
}

/// Whether `c` is a span marker (zero width for alignment).
pub fn is_marker(c: char) -> bool {
    (END as u32..FIRST + ALL.len() as u32).contains(&(c as u32))
}

/// `text` without span markers.
pub fn strip(text: &str) -> String {
    text.chars().filter(|c| !is_marker(*c)).collect()
}

/// The colour class of a status word in a table or `describe` (kubecolor's
/// idea of which words matter). `Init:…` and `A,B` (a node's
/// `Ready,SchedulingDisabled`) are classed by their first word.
pub fn status(word: &str) -> Option<Span> {
    let word = word.trim_end_matches(' ');
    if let Some(rest) = word.strip_prefix("Init:") {
        return Some(status(rest).unwrap_or(Span::Pending));
    }
    let first = word.split(',').next().unwrap_or(word);
    let span = match first {
        "Running" | "Ready" | "Bound" | "Active" | "Succeeded" | "Completed" | "Complete"
        | "Available" | "Established" | "Healthy" => Span::Good,
        "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" | "Waiting"
        | "Released" | "Unknown" | "SuspendedJob" | "Suspended" => Span::Pending,
        "Failed"
        | "Error"
        | "CrashLoopBackOff"
        | "ImagePullBackOff"
        | "ErrImagePull"
        | "Evicted"
        | "NotReady"
        | "OOMKilled"
        | "CreateContainerConfigError"
        | "CreateContainerError"
        | "InvalidImageName"
        | "ContainerStatusUnknown"
        | "Lost"
        | "Unschedulable"
        | "DeadlineExceeded"
        | "BackOff"
        | "Unhealthy" => Span::Bad,
        // An event's type (`get events`).
        "Warning" => Span::Warning,
        _ => return None,
    };
    Some(span)
}

/// `diff -u` output with its lines marked: file headers, hunk headers,
/// added and removed lines (context lines stay plain). The diff verb
/// writes its diff program's output through this.
pub fn mark_diff(text: &str) -> Cow<'_, str> {
    if !markup() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let span =
            if line.starts_with("+++ ") || line.starts_with("--- ") || line.starts_with("diff ") {
                Some(Span::DiffFile)
            } else if line.starts_with("@@") {
                Some(Span::DiffHunk)
            } else if line.starts_with('+') {
                Some(Span::DiffAdd)
            } else if line.starts_with('-') {
                Some(Span::DiffDelete)
            } else {
                None
            };
        match span {
            Some(span) => {
                let body = line.strip_suffix('\n').unwrap_or(line);
                push(&mut out, span, body);
                out.push_str(&line[body.len()..]);
            }
            None => out.push_str(line),
        }
    }
    Cow::Owned(out)
}

/// An error or warning text for stderr with its `error:` / `Warning:` /
/// `warning:` line prefixes coloured (escape codes, not markers: stderr has
/// no renderer).
pub fn colour_stderr(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let (prefix, span) = if line.starts_with("error:") {
            ("error:", Some(Span::Error))
        } else if line.starts_with("Warning:") {
            ("Warning:", Some(Span::Warning))
        } else if line.starts_with("warning:") {
            ("warning:", Some(Span::Warning))
        } else {
            ("", None)
        };
        match span {
            Some(span) => {
                let style = span.style();
                out.push_str(&format!("{style}{prefix}{style:#}"));
                out.push_str(&line[prefix.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Writes what printers wrote to the terminal, span markers turned into
/// colour codes (nested spans restore the outer colour when they end).
pub struct Renderer<W: Write> {
    inner: W,
    /// Open spans, innermost last.
    stack: Vec<Span>,
    /// The start of a marker cut off at the end of the last write.
    pending: Vec<u8>,
}

impl<W: Write> Renderer<W> {
    pub fn new(inner: W) -> Renderer<W> {
        Renderer {
            inner,
            stack: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn render(&mut self, data: &[u8]) -> io::Result<()> {
        let mut start = 0;
        let mut i = 0;
        while i < data.len() {
            if data[i] != 0xEF {
                i += 1;
                continue;
            }
            if i + 3 > data.len() {
                // Maybe a marker continued by the next write.
                self.inner.write_all(&data[start..i])?;
                self.pending.extend_from_slice(&data[i..]);
                return Ok(());
            }
            let c = std::str::from_utf8(&data[i..i + 3])
                .ok()
                .and_then(|s| s.chars().next());
            match c {
                Some(c) if is_marker(c) => {
                    self.inner.write_all(&data[start..i])?;
                    self.apply(c)?;
                    i += 3;
                    start = i;
                }
                _ => i += 1,
            }
        }
        self.inner.write_all(&data[start..])
    }

    fn apply(&mut self, marker: char) -> io::Result<()> {
        if marker == END {
            if let Some(span) = self.stack.pop() {
                write!(self.inner, "{:#}", span.style())?;
            }
            if let Some(outer) = self.stack.last() {
                write!(self.inner, "{}", outer.style())?;
            }
        } else {
            let span = ALL[(marker as u32 - FIRST) as usize];
            self.stack.push(span);
            write!(self.inner, "{}", span.style())?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Renderer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.render(data)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(data);
            self.render(&joined)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.inner.write_all(&rest)?;
        }
        self.inner.flush()
    }
}

/// When to colour (`--color`, or the `KUDDLE_COLOR` environment variable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// Colour when the stream is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always colour, even into a pipe or file.
    Always,
    /// Never colour.
    Never,
}

impl ColorWhen {
    /// The flag's value, else `KUDDLE_COLOR`'s, else auto (an unknown
    /// `KUDDLE_COLOR` counts as auto).
    pub fn resolve(flag: Option<ColorWhen>, env: Option<&str>) -> ColorWhen {
        flag.or_else(|| {
            env.and_then(|v| <ColorWhen as clap::ValueEnum>::from_str(v.trim(), true).ok())
        })
        .unwrap_or_default()
    }

    /// Whether a stream gets colour; `auto_choice` is what anstream decided
    /// for it (terminal, NO_COLOR, CLICOLOR_FORCE, TERM=dumb).
    pub fn colours(self, auto_choice: anstream::ColorChoice) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => auto_choice != anstream::ColorChoice::Never,
        }
    }
}

/// Whether the process's stdout and stderr would get colour on `auto`,
/// as anstream decides it (a terminal, NO_COLOR empty or unset,
/// CLICOLOR_FORCE, TERM not dumb).
pub fn terminal_choices() -> (anstream::ColorChoice, anstream::ColorChoice) {
    (
        anstream::AutoStream::choice(&io::stdout()),
        anstream::AutoStream::choice(&io::stderr()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(text: &str) -> String {
        let mut r = Renderer::new(Vec::new());
        r.write_all(text.as_bytes()).unwrap();
        r.flush().unwrap();
        String::from_utf8(r.inner).unwrap()
    }

    #[test]
    fn markup_is_off_unless_enabled() {
        assert_eq!(paint(Span::Key, "a"), "a");
        let _on = enable_markup(true);
        assert_ne!(paint(Span::Key, "a"), "a");
        assert_eq!(strip(&paint(Span::Key, "a")), "a");
    }

    #[test]
    fn renderer_turns_markers_into_sgr_and_restores_outer_spans() {
        let _on = enable_markup(true);
        let mut s = String::new();
        open(&mut s, Span::Warning);
        s.push_str("a ");
        push(&mut s, Span::Bad, "b");
        s.push_str(" c");
        close(&mut s);
        s.push('\n');
        assert_eq!(
            rendered(&s),
            "\x1b[33ma \x1b[31mb\x1b[0m\x1b[33m c\x1b[0m\n"
        );
    }

    #[test]
    fn renderer_joins_markers_split_across_writes() {
        let _on = enable_markup(true);
        let text = format!("x{}y", paint(Span::Header, "NAME"));
        let bytes = text.as_bytes();
        let mut r = Renderer::new(Vec::new());
        for chunk in bytes.chunks(2) {
            r.write_all(chunk).unwrap();
        }
        r.flush().unwrap();
        assert_eq!(String::from_utf8(r.inner).unwrap(), "x\x1b[1mNAME\x1b[0my");
    }

    #[test]
    fn renderer_keeps_other_text_intact() {
        assert_eq!(rendered("é€\u{FDEF}😀\n"), "é€\u{FDEF}😀\n");
    }

    #[test]
    fn status_words() {
        assert_eq!(status("Running"), Some(Span::Good));
        assert_eq!(status("Ready,SchedulingDisabled"), Some(Span::Good));
        assert_eq!(status("ContainerCreating"), Some(Span::Pending));
        assert_eq!(status("Init:0/1"), Some(Span::Pending));
        assert_eq!(status("Init:CrashLoopBackOff"), Some(Span::Bad));
        assert_eq!(status("NotReady"), Some(Span::Bad));
        assert_eq!(status("Warning"), Some(Span::Warning));
        assert_eq!(status("web-1"), None);
    }

    #[test]
    fn diff_lines_are_marked_by_kind() {
        let diff = "diff -u -N /tmp/LIVE/a /tmp/MERGED/a\n--- /tmp/LIVE/a\n+++ /tmp/MERGED/a\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n";
        assert_eq!(mark_diff(diff), diff, "no markup, no change");
        let _on = enable_markup(true);
        let marked = mark_diff(diff);
        assert_eq!(strip(&marked), diff);
        assert_eq!(
            rendered(&marked),
            "\x1b[1mdiff -u -N /tmp/LIVE/a /tmp/MERGED/a\x1b[0m\n\
             \x1b[1m--- /tmp/LIVE/a\x1b[0m\n\
             \x1b[1m+++ /tmp/MERGED/a\x1b[0m\n\
             \x1b[36m@@ -1,2 +1,2 @@\x1b[0m\n a: 1\n\
             \x1b[31m-b: 2\x1b[0m\n\
             \x1b[32m+b: 3\x1b[0m\n"
        );
    }

    #[test]
    fn stderr_prefixes() {
        assert_eq!(
            colour_stderr("error: boom\nSee 'kuddle get -h'\n"),
            "\x1b[1m\x1b[31merror:\x1b[0m boom\nSee 'kuddle get -h'\n"
        );
        assert_eq!(colour_stderr("Warning: x\n"), "\x1b[33mWarning:\x1b[0m x\n");
    }

    #[test]
    fn color_when_resolution() {
        use anstream::ColorChoice;
        assert_eq!(ColorWhen::resolve(None, None), ColorWhen::Auto);
        assert_eq!(ColorWhen::resolve(None, Some("always")), ColorWhen::Always);
        assert_eq!(
            ColorWhen::resolve(Some(ColorWhen::Never), Some("always")),
            ColorWhen::Never
        );
        assert_eq!(ColorWhen::resolve(None, Some("bogus")), ColorWhen::Auto);
        assert!(!ColorWhen::Auto.colours(ColorChoice::Never));
        assert!(ColorWhen::Auto.colours(ColorChoice::Always));
        assert!(ColorWhen::Always.colours(ColorChoice::Never));
        assert!(!ColorWhen::Never.colours(ColorChoice::Always));
    }
}

#[cfg(test)]
mod printer_tests {
    //! The structured printers' spans: marked output is the plain output
    //! once the markers go, and keys and scalars carry their spans.
    use super::*;
    use serde_json::json;

    fn object() -> serde_json::Value {
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "a", "annotations": {"long": "word ".repeat(30)}},
            "data": {"n": 3, "f": 1.5, "t": true, "z": null, "yes": "yes", "multi": "a\nb\n"},
            "list": [1, "x", {"k": "v"}],
        })
    }

    #[test]
    fn yaml_json_and_kyaml_mark_keys_and_scalars() {
        let obj = object();
        let plain = [
            crate::printers::yaml::to_styled_string(&obj).unwrap(),
            crate::printers::json::to_styled_string_pretty(&obj),
            crate::printers::kyaml::to_styled_string(&obj).unwrap(),
        ];
        let _on = enable_markup(true);
        let marked = [
            crate::printers::yaml::to_styled_string(&obj).unwrap(),
            crate::printers::json::to_styled_string_pretty(&obj),
            crate::printers::kyaml::to_styled_string(&obj).unwrap(),
        ];
        for (p, m) in plain.iter().zip(&marked) {
            assert_ne!(p, m);
            assert_eq!(&strip(m), p);
        }
        // The unstyled functions never mark, even on a coloured terminal.
        assert_eq!(crate::printers::yaml::to_string(&obj).unwrap(), plain[0]);
        assert_eq!(crate::printers::json::to_string_pretty(&obj), plain[1]);
        let yaml = &marked[0];
        assert!(yaml.contains(&format!("{}:", paint(Span::Key, "apiVersion"))));
        assert!(yaml.contains(&format!(" {}", paint(Span::Number, "3"))));
        assert!(yaml.contains(&*paint(Span::Bool, "true")));
        assert!(yaml.contains(&*paint(Span::Null, "null")));
        assert!(yaml.contains(&*paint(Span::Str, "\"yes\"")));
        let json = &marked[1];
        assert!(json.contains(&*paint(Span::Key, "\"kind\"")));
        assert!(json.contains(&*paint(Span::Str, "\"ConfigMap\"")));
        assert!(json.contains(&*paint(Span::Number, "1.5")));
    }
}
