//! Shell completion with kubectl's (cobra's) protocol.
//!
//! The scripts `kuddle completion <shell>` prints call back
//! `kuddle __complete <words…> <partial word>`; kuddle answers one
//! `value<TAB>description` per line, then `:<directive>` (cobra's bits), and
//! says on stderr which directive it chose. [`engine`] decides the answer from
//! the command tree; [`sources`] says what completes a flag value or an
//! argument (fixed lists, the kubeconfig, and — once there is a client — the
//! cluster, plugged in through [`sources::DynamicSource`]); [`scripts`] holds
//! the shell scripts.

pub mod cluster;
pub mod engine;
pub mod kubeconfig_names;
pub mod scripts;
pub mod sources;

use std::ffi::OsString;
use std::io::Write;

use crate::cmdtree::{self, Node};

/// cobra's ShellCompDirective bits.
pub mod directive {
    pub const ERROR: i64 = 1;
    pub const NO_SPACE: i64 = 2;
    pub const NO_FILE_COMP: i64 = 4;
    pub const FILTER_FILE_EXT: i64 = 8;
    pub const FILTER_DIRS: i64 = 16;
    pub const KEEP_ORDER: i64 = 32;
    pub const DEFAULT: i64 = 0;
    const MAX: i64 = 64;

    /// cobra's names for a directive, as printed on stderr.
    pub fn describe(d: i64) -> String {
        if d >= MAX {
            return format!("ERROR: unexpected ShellCompDirective value: {d}");
        }
        let names = [
            (ERROR, "ShellCompDirectiveError"),
            (NO_SPACE, "ShellCompDirectiveNoSpace"),
            (NO_FILE_COMP, "ShellCompDirectiveNoFileComp"),
            (FILTER_FILE_EXT, "ShellCompDirectiveFilterFileExt"),
            (FILTER_DIRS, "ShellCompDirectiveFilterDirs"),
            (KEEP_ORDER, "ShellCompDirectiveKeepOrder"),
        ];
        let set: Vec<&str> = names
            .iter()
            .filter(|(bit, _)| d & bit != 0)
            .map(|(_, n)| *n)
            .collect();
        if set.is_empty() {
            "ShellCompDirectiveDefault".to_string()
        } else {
            set.join(", ")
        }
    }
}

/// The hidden request commands, as cobra names them.
pub const REQUEST: &str = "__complete";
pub const REQUEST_NO_DESC: &str = "__completeNoDesc";

/// If `args` (program name first) ask for completions, answers them and
/// returns the exit code. Like cobra, the request word is found with the
/// usual command lookup, so flags may precede it.
pub fn handle_request(
    root: &Node,
    args: &[OsString],
    out: &mut dyn Write,
    err: &mut dyn Write,
    dynamic: &dyn sources::DynamicSource,
) -> Option<i32> {
    let words: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // kubectl decides on the first word not starting with `-`: with
    // `-n ns __complete …` that is `ns`, and the line goes to plugin lookup.
    let first_word = words.iter().find(|w| !w.starts_with('-'));
    if !first_word.is_some_and(|w| w == REQUEST || w == REQUEST_NO_DESC) {
        return None;
    }
    let mut tree = root.clone();
    add_request_commands(&mut tree);
    let found = cmdtree::find(&tree, crate::error::PROGRAM, &words);
    if found.chain.len() != 2 || found.chain[1].name != REQUEST {
        return None;
    }
    let typed = cmdtree::strip_flags(&words, &found.chain[..1])
        .into_iter()
        .next()
        .unwrap_or_default();
    let rest = found.args;
    if rest.is_empty() {
        let _ = writeln!(err, "error: requires at least 1 arg(s), only received 0");
        return Some(1);
    }
    let descriptions = typed != REQUEST_NO_DESC && descriptions_wanted();
    let mut log = engine::DebugLog::new(err);
    let answer = engine::complete(&tree, &rest, dynamic, &mut log);
    if let Some(e) = &answer.error {
        log.error(e);
    }
    let no_active_help = active_help_disabled();
    for choice in &answer.choices {
        if no_active_help && choice.starts_with("_activeHelp_ ") {
            continue;
        }
        let mut text = choice.as_str();
        if !descriptions {
            text = text.split('\t').next().unwrap_or("");
        }
        text = text.split('\n').next().unwrap_or("");
        let _ = writeln!(out, "{}", text.trim());
    }
    let _ = writeln!(out, ":{}", answer.directive);
    let _ = writeln!(
        log.err,
        "Completion ended with directive: {}",
        directive::describe(answer.directive)
    );
    Some(0)
}

/// cobra adds its hidden request command to the root while completing.
fn add_request_commands(root: &mut Node) {
    root.children.push(Node {
        name: REQUEST.into(),
        aliases: vec![REQUEST_NO_DESC.into()],
        about: "Request shell completion choices for the specified command-line".into(),
        hidden: true,
        plugin: true,
        ..Node::default()
    });
}

/// `KUDDLE_COMPLETION_DESCRIPTIONS` (or cobra's global
/// `COBRA_COMPLETION_DESCRIPTIONS`) set to a Go false turns descriptions off.
fn descriptions_wanted() -> bool {
    match env_config("COMPLETION_DESCRIPTIONS").as_deref() {
        Some("1" | "t" | "T" | "TRUE" | "true" | "True") => true,
        Some("0" | "f" | "F" | "FALSE" | "false" | "False") => false,
        _ => true,
    }
}

/// `COBRA_ACTIVE_HELP=0` or `KUDDLE_ACTIVE_HELP=0` drops active-help lines.
fn active_help_disabled() -> bool {
    if std::env::var("COBRA_ACTIVE_HELP").as_deref() == Ok("0") {
        return true;
    }
    std::env::var("KUDDLE_ACTIVE_HELP").as_deref() == Ok("0")
}

fn env_config(suffix: &str) -> Option<String> {
    let own = std::env::var(format!("KUDDLE_{suffix}")).unwrap_or_default();
    if !own.is_empty() {
        return Some(own);
    }
    std::env::var(format!("COBRA_{suffix}"))
        .ok()
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::directive::*;

    #[test]
    fn directive_names() {
        assert_eq!(describe(0), "ShellCompDirectiveDefault");
        assert_eq!(
            describe(NO_SPACE | NO_FILE_COMP),
            "ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp"
        );
        assert_eq!(
            describe(64),
            "ERROR: unexpected ShellCompDirective value: 64"
        );
    }
}
