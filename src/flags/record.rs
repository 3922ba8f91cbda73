//! `--record` (deprecated and hidden in kubectl, still honoured): the
//! command line is written to the `kubernetes.io/change-cause`
//! annotation of what the command changes, where `rollout history` shows
//! it.

use std::io::Write;

use anyhow::Result;
use clap::{ArgAction, Args, CommandFactory};
use serde_json::{Map, Value};

use super::go_values::go_bool;
use crate::context::Context;

/// The annotation `--record` writes.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// What pflag prints when the deprecated flag is given.
const DEPRECATED: &str =
    "Flag --record has been deprecated, --record will be removed in the future";

/// `--record`.
#[derive(Args, Debug, Clone, Default)]
pub struct RecordFlags {
    /// Record the command line in the kubernetes.io/change-cause annotation (deprecated).
    #[arg(long, hide = true, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub record: Option<bool>,
}

impl RecordFlags {
    /// Prints the deprecation notice when the flag was given, and returns
    /// the change cause to record when it is true.
    pub fn change_cause(&self, ctx: &mut Context) -> Result<Option<String>> {
        let Some(record) = self.record else {
            return Ok(None);
        };
        writeln!(ctx.err, "{DEPRECATED}")?;
        if !record {
            return Ok(None);
        }
        let argv: Vec<String> = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        Ok(Some(command_line(&ctx.cmd_path, &argv)))
    }
}

/// Sets the change cause on an object.
pub fn record(obj: &mut Value, cause: &str) {
    if let Some(obj) = obj.as_object_mut() {
        record_in(obj, cause);
    }
}

/// [`record`] on an object held as its map.
pub fn record_in(obj: &mut Map<String, Value>, cause: &str) {
    let meta = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let annotations = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !annotations.is_object() {
        *annotations = Value::Object(Map::new());
    }
    if let Some(map) = annotations.as_object_mut() {
        map.insert(CHANGE_CAUSE.into(), Value::String(cause.to_string()));
    }
}

/// The command line as kubectl records it: the program's base name, the
/// words that are not flags, then every flag in the order given as
/// `--long-name=value` (booleans given bare as `=true`). Empty when the
/// words do not parse, as in kubectl.
pub fn command_line(cmd_path: &str, argv: &[String]) -> String {
    let mut root = crate::app::Cli::command();
    root.build();
    let mut cmd = &root;
    for name in cmd_path.split(' ').skip(1) {
        match cmd.find_subcommand(name) {
            Some(sub) => cmd = sub,
            None => break,
        }
    }
    let Some((program, words)) = argv.split_first() else {
        return String::new();
    };
    let base = std::path::Path::new(program)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match flags_and_args(cmd, words) {
        Some((flags, args)) => {
            let mut line = base;
            for a in args {
                line.push(' ');
                line.push_str(&a);
            }
            for (name, value) in flags {
                line.push_str(&format!(" --{name}={value}"));
            }
            line
        }
        None => String::new(),
    }
}

/// A flag of `cmd` (its own or inherited) by long name or alias.
fn long_flag<'a>(cmd: &'a clap::Command, name: &str) -> Option<&'a clap::Arg> {
    let name = name.replace('_', "-");
    cmd.get_arguments().find(|a| {
        a.get_long() == Some(name.as_str())
            || a.get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name.as_str()))
    })
}

fn short_flag(cmd: &clap::Command, c: char) -> Option<&clap::Arg> {
    cmd.get_arguments().find(|a| {
        a.get_short() == Some(c)
            || a.get_all_short_aliases()
                .is_some_and(|aliases| aliases.contains(&c))
    })
}

/// The value a flag takes when given without one (`true` for booleans),
/// or None when it needs one.
fn value_when_bare(arg: &clap::Arg) -> Option<String> {
    if !arg.get_action().takes_values() {
        return Some("true".into());
    }
    if arg.get_num_args().is_some_and(|n| n.min_values() == 0) {
        // clap does not tell an argument's missing value: the few that
        // are not booleans are named here.
        let value = match arg.get_long() {
            Some("dry-run") => "unchanged",
            Some("validate") => "strict",
            _ => "true",
        };
        return Some(value.into());
    }
    None
}

/// pflag's reading of the words: the flags (long name, value) in order,
/// and the other words.
fn flags_and_args(cmd: &clap::Command, words: &[String]) -> Option<FlagsAndArgs> {
    let mut flags = Vec::new();
    let mut args = Vec::new();
    let mut rest = words.iter();
    while let Some(word) = rest.next() {
        if word == "--" {
            args.extend(rest.by_ref().cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let arg = long_flag(cmd, name)?;
            let value = match value.or_else(|| value_when_bare(arg)) {
                Some(v) => v,
                None => rest.next()?.clone(),
            };
            flags.push((arg.get_long()?.to_string(), value));
        } else if word.len() > 1 && word.starts_with('-') {
            let shorts: Vec<char> = word[1..].chars().collect();
            let mut i = 0;
            while i < shorts.len() {
                let arg = short_flag(cmd, shorts[i])?;
                let after: String = shorts[i + 1..].iter().collect();
                let value = if let Some(v) = after.strip_prefix('=') {
                    i = shorts.len();
                    v.to_string()
                } else if let Some(v) = value_when_bare(arg) {
                    i += 1;
                    v
                } else if !after.is_empty() {
                    i = shorts.len();
                    after
                } else {
                    i = shorts.len();
                    rest.next()?.clone()
                };
                flags.push((arg.get_long()?.to_string(), value));
            }
        } else {
            args.push(word.clone());
        }
    }
    Some((flags, args))
}

type FlagsAndArgs = (Vec<(String, String)>, Vec<String>);

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[&str]) -> String {
        let argv: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        command_line("kuddle set image", &argv)
    }

    #[test]
    fn flags_follow_the_other_words_under_their_long_names() {
        assert_eq!(
            line(&[
                "/usr/bin/kubectl",
                "-n",
                "ns",
                "set",
                "image",
                "deploy/web",
                "--record",
                "-oyaml",
                "nginx=x",
            ]),
            "kubectl set image deploy/web nginx=x --namespace=ns --record=true --output=yaml"
        );
        assert_eq!(
            line(&["k", "set", "image", "--all=false", "--", "-x"]),
            "k set image -x --all=false"
        );
    }

    #[test]
    fn words_that_do_not_parse_record_nothing() {
        assert_eq!(line(&["k", "set", "image", "--bogus"]), "");
        assert_eq!(line(&["k", "set", "image", "-n"]), "");
    }

    #[test]
    fn the_annotation_is_added_or_replaced() {
        let mut obj = serde_json::json!({"metadata": {"name": "a"}});
        record(&mut obj, "k x");
        assert_eq!(obj["metadata"]["annotations"][CHANGE_CAUSE], "k x");
        record(&mut obj, "k y");
        assert_eq!(obj["metadata"]["annotations"][CHANGE_CAUSE], "k y");
    }
}
