//! Typed errors and the one place that turns any error into kubectl's words
//! and exit code (kubectl's `checkErr`).

use std::io::Write;

use crate::client::ApiError;

/// Errors whose rendering differs from the plain `error: <message>` line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A usage mistake caught by a verb's validation: kubectl adds a pointer
    /// to the command's help (`See 'kubectl get -h' for help and examples`).
    #[error("{msg}")]
    Usage { msg: String, cmd_path: String },
    /// A command-line parse error (cobra/pflag's wording): kubectl adds
    /// `See 'kubectl get --help' for usage.`
    #[error("{msg}")]
    Flag { msg: String, cmd_path: String },
    /// A message printed exactly as given, without the `error: ` prefix
    /// (`Error from server (NotFound): …`, `Error in configuration: …`).
    #[error("{0}")]
    Verbatim(String),
    /// Several errors, one per line, each in kubectl's words but without the
    /// `error: ` prefix (kubectl's aggregate errors).
    #[error("{}", .0.join("\n"))]
    Many(Vec<String>),
    /// Leave quietly with this exit code: the message, if any, was already
    /// written (a plugin's exit status, or errors reported one by one).
    #[error("exit status {0}")]
    Exit(i32),
}

impl CliError {
    pub fn usage(msg: impl Into<String>, cmd_path: impl Into<String>) -> anyhow::Error {
        CliError::Usage {
            msg: msg.into(),
            cmd_path: cmd_path.into(),
        }
        .into()
    }
}

/// An error kubectl prints in other words than its text (a manifest URL
/// that could not be reached): `text` inside aggregates, `message` when it
/// is printed on its own line.
#[derive(Debug, thiserror::Error)]
#[error("{text}")]
pub struct WordedError {
    pub text: String,
    pub message: String,
}

/// Go's `utilerrors.Aggregate`: several errors that read as one line
/// (`[a, b]`, each distinct message once; a single error as itself).
/// kubectl prints one that reaches the top one error per line without the
/// `error: ` prefix (`MultipleErrors`), after unwrapping an aggregate of
/// one error (once).
#[derive(Debug)]
pub struct Aggregate(pub Vec<anyhow::Error>);

impl std::fmt::Display for Aggregate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&go_aggregate_text(&self.0.iter().collect::<Vec<_>>()))
    }
}

impl std::error::Error for Aggregate {}

/// The program's name as it appears in usage hints.
pub const PROGRAM: &str = "kuddle";

/// Writes `err` to `stderr` the way kubectl does and returns the exit code.
pub fn render(err: &anyhow::Error, stderr: &mut dyn Write) -> i32 {
    let err = match err.downcast_ref::<Aggregate>() {
        Some(Aggregate(errors)) if errors.len() == 1 => &errors[0],
        _ => err,
    };
    if let Some(Aggregate(errors)) = err.downcast_ref::<Aggregate>() {
        for e in errors {
            let _ = writeln!(stderr, "{}", message_for_error(e));
        }
        return 1;
    }
    let (text, code) = match err.downcast_ref::<CliError>() {
        Some(CliError::Exit(code)) => return *code,
        Some(CliError::Verbatim(msg)) => (msg.clone(), 1),
        // Go's MultipleErrors: every message on its own line, even one
        // that already ends in a newline.
        Some(CliError::Many(lines)) => (lines.iter().map(|l| format!("{l}\n")).collect(), 1),
        Some(CliError::Usage { msg, cmd_path }) => (
            format!(
                "{}\nSee '{cmd_path} -h' for help and examples",
                with_error_prefix(msg)
            ),
            1,
        ),
        // `options` is the one command whose usage hint kubectl words
        // differently.
        Some(CliError::Flag { msg, cmd_path }) if cmd_path == &format!("{PROGRAM} options") => (
            format!(
                "{}\nRun '{cmd_path}' without flags.",
                with_error_prefix(msg)
            ),
            1,
        ),
        Some(CliError::Flag { msg, cmd_path }) => (
            format!(
                "{}\nSee '{cmd_path} --help' for usage.",
                with_error_prefix(msg)
            ),
            1,
        ),
        None => match (
            err.downcast_ref::<ApiError>(),
            err.downcast_ref::<WordedError>(),
        ) {
            (Some(api), _) => (api.fatal_message(), 1),
            (None, Some(worded)) => (worded.message.clone(), 1),
            (None, None) => (with_error_prefix(&format!("{err:#}")), 1),
        },
    };
    // Like kubectl's `fatal`, add a newline only when the message has none.
    if text.ends_with('\n') {
        let _ = write!(stderr, "{text}");
    } else {
        let _ = writeln!(stderr, "{text}");
    }
    code
}

/// A failed request as one error of an aggregate that kubectl prints
/// without `error: ` even when it holds only that error (get's tables,
/// describe): client-side refusals and broken bodies keep their bare words.
pub fn aggregate_member(e: ApiError) -> anyhow::Error {
    match e {
        ApiError::BodyRead(_) | ApiError::BodyStream(_) | ApiError::Request(_) => {
            CliError::Verbatim(e.standard_message()).into()
        }
        e => e.into(),
    }
}

/// kubectl's `AddSourceToErr`: an error about an object read from a file
/// names the file: `error when deleting "cm.yaml": configmaps "x" not
/// found`, inside the server's message when the server sent one (so the
/// reason, and checks such as "is it NotFound", stay).
pub fn add_source_to_err(verb: &str, source: &str, err: anyhow::Error) -> anyhow::Error {
    if source.is_empty() {
        return err;
    }
    let source = crate::flags::go_values::go_quote(source);
    match err.downcast::<ApiError>() {
        Ok(ApiError::Status(mut status)) => {
            status.message = format!("error when {verb} {source}: {}", status.message);
            ApiError::Status(status).into()
        }
        Ok(other) => anyhow::anyhow!("error when {verb} {source}: {other}"),
        Err(err) => anyhow::anyhow!("error when {verb} {source}: {err:#}"),
    }
}

/// One error's line inside an aggregate (kubectl's `messageForError`).
pub fn message_for_error(err: &anyhow::Error) -> String {
    if let Some(worded) = err.downcast_ref::<WordedError>() {
        return worded.message.clone();
    }
    match err.downcast_ref::<ApiError>() {
        Some(api) => api.standard_message(),
        None => format!("{err:#}"),
    }
}

/// Errors gathered while visiting objects, in the two places kubectl's
/// resource builder (with `ContinueOnError`) gathers them: one per object
/// (a failed GET, a namespace mismatch, the verb's own failure), in the
/// order met; and those met reading files (undecodable documents, unknown
/// kinds), which Go keeps as one nested aggregate after the others.
#[derive(Debug, Default)]
pub struct VisitErrors {
    per_object: Vec<anyhow::Error>,
    reading: Vec<anyhow::Error>,
    /// Errors left out on purpose (NotFound with `--ignore-not-found`):
    /// kubectl filters them from its aggregate, which keeps its shape.
    dropped: usize,
}

impl VisitErrors {
    pub fn push(&mut self, err: anyhow::Error) {
        self.per_object.push(err);
    }

    pub fn push_reading(&mut self, err: anyhow::Error) {
        self.reading.push(err);
    }

    /// Counts an error the command ignores (kubectl's `IgnoreErrors`).
    pub fn note_dropped(&mut self) {
        self.dropped += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.per_object.is_empty() && self.reading.is_empty()
    }

    /// The first error met, for verbs that stop at it (a builder without
    /// `ContinueOnError`).
    pub fn into_first(self) -> Option<anyhow::Error> {
        self.per_object
            .into_iter()
            .next()
            .or_else(|| self.reading.into_iter().next())
    }

    /// The line kubectl prints for these errors as one item of another
    /// aggregate: a lone error in its own words, several as Go's aggregate
    /// text (every message once, in brackets).
    pub fn nested_line(&self) -> String {
        let all: Vec<&anyhow::Error> = self.per_object.iter().chain(&self.reading).collect();
        match all.as_slice() {
            [one] => message_for_error(one),
            _ => go_aggregate_text(&all),
        }
    }

    /// The error kubectl's `checkErr` would print for these, if any: one
    /// error as itself; several one per line, the reading errors (when
    /// there are others too) on one line as Go writes an aggregate.
    pub fn into_result(self) -> anyhow::Result<()> {
        let VisitErrors {
            mut per_object,
            mut reading,
            dropped,
        } = self;
        match (per_object.len(), reading.len()) {
            (0, 0) => Ok(()),
            // What is left of an aggregate that held ignored errors too is
            // the reading errors' own aggregate: one line each, no prefix.
            (0, _) if dropped > 0 => {
                Err(CliError::Many(reading.iter().map(message_for_error).collect()).into())
            }
            (1, 0) => Err(per_object.remove(0)),
            (0, 1) => Err(reading.remove(0)),
            (0, _) => Err(CliError::Many(reading.iter().map(message_for_error).collect()).into()),
            _ => {
                let mut lines: Vec<String> = per_object.iter().map(message_for_error).collect();
                if !reading.is_empty() {
                    lines.push(go_aggregate_text(&reading.iter().collect::<Vec<_>>()));
                }
                Err(CliError::Many(lines).into())
            }
        }
    }
}

/// Go's `aggregate.Error()`: one distinct message as is, several in
/// brackets, comma-separated.
fn go_aggregate_text(errors: &[&anyhow::Error]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errors {
        let text = e.to_string();
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    if seen.len() == 1 {
        seen.remove(0)
    } else {
        format!("[{}]", seen.join(", "))
    }
}

/// kubectl adds `error: ` unless the message already starts with it.
fn with_error_prefix(msg: &str) -> String {
    if msg.starts_with("error: ") {
        msg.to_string()
    } else {
        format!("error: {msg}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(err: anyhow::Error) -> (String, i32) {
        let mut buf = Vec::new();
        let code = render(&err, &mut buf);
        (String::from_utf8(buf).unwrap(), code)
    }

    #[test]
    fn plain_errors_get_one_prefix() {
        assert_eq!(
            rendered(anyhow::anyhow!("boom")),
            ("error: boom\n".into(), 1)
        );
        assert_eq!(
            rendered(anyhow::anyhow!("error: boom")),
            ("error: boom\n".into(), 1)
        );
    }

    #[test]
    fn usage_and_flag_errors_point_at_help() {
        let (text, code) = rendered(CliError::usage(
            "exactly one NAME is required, got 0",
            "kuddle create deployment",
        ));
        assert_eq!(
            text,
            "error: exactly one NAME is required, got 0\nSee 'kuddle create deployment -h' for help and examples\n"
        );
        assert_eq!(code, 1);
        let (text, _) = rendered(
            CliError::Flag {
                msg: "unknown flag: --bogus".into(),
                cmd_path: "kuddle get".into(),
            }
            .into(),
        );
        assert_eq!(
            text,
            "error: unknown flag: --bogus\nSee 'kuddle get --help' for usage.\n"
        );
    }

    #[test]
    fn visit_errors_like_the_resource_builder() {
        let mut one = VisitErrors::default();
        one.push_reading(anyhow::anyhow!("bad kind"));
        assert_eq!(
            rendered(one.into_result().unwrap_err()).0,
            "error: bad kind\n"
        );
        let mut reading = VisitErrors::default();
        reading.push_reading(anyhow::anyhow!("a"));
        reading.push_reading(anyhow::anyhow!("b"));
        assert_eq!(rendered(reading.into_result().unwrap_err()).0, "a\nb\n");
        let mut mixed = VisitErrors::default();
        mixed.push(anyhow::anyhow!("namespace"));
        mixed.push_reading(anyhow::anyhow!("a"));
        mixed.push_reading(anyhow::anyhow!("b"));
        mixed.push_reading(anyhow::anyhow!("a"));
        assert_eq!(
            rendered(mixed.into_result().unwrap_err()).0,
            "namespace\n[a, b]\n"
        );
        let mut dup = VisitErrors::default();
        dup.push(anyhow::anyhow!("x"));
        dup.push_reading(anyhow::anyhow!("same"));
        dup.push_reading(anyhow::anyhow!("same"));
        assert_eq!(rendered(dup.into_result().unwrap_err()).0, "x\nsame\n");
        assert!(VisitErrors::default().into_result().is_ok());
        // An ignored NotFound beside a reading error: no prefix.
        let mut filtered = VisitErrors::default();
        filtered.note_dropped();
        filtered.push_reading(anyhow::anyhow!("bad kind"));
        assert_eq!(
            rendered(filtered.into_result().unwrap_err()).0,
            "bad kind\n"
        );
    }

    #[test]
    fn aggregates_like_check_err() {
        let one = Aggregate(vec![anyhow::anyhow!("boom")]);
        assert_eq!(rendered(one.into()).0, "error: boom\n");
        let nested = Aggregate(vec![Aggregate(vec![anyhow::anyhow!("a")]).into()]);
        assert_eq!(rendered(nested.into()).0, "a\n");
        let two = Aggregate(vec![
            anyhow::anyhow!("a"),
            Aggregate(vec![anyhow::anyhow!("b"), anyhow::anyhow!("c")]).into(),
        ]);
        assert_eq!(rendered(two.into()).0, "a\n[b, c]\n");
    }

    #[test]
    fn exit_is_silent() {
        assert_eq!(rendered(CliError::Exit(3).into()), (String::new(), 3));
    }
}
