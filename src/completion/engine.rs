//! cobra's `getCompletions` over kuddle's command tree: which command the
//! line is about, whether a flag name, a flag value, a subcommand or an
//! argument is being completed, and with what.

use std::io::Write;
use std::path::PathBuf;

use super::directive::{DEFAULT, NO_FILE_COMP, NO_SPACE};
use super::sources::{self, ArgsCompleter, DynamicSource, Request};
use crate::cmdtree::{self, Flag, Node};
use crate::plugin;

/// The answer to one completion request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub choices: Vec<String>,
    pub directive: i64,
    /// Reported on stderr as `[Debug] [Error] …`; the answer still counts.
    pub error: Option<String>,
}

/// cobra's completion debug output: stderr, and `BASH_COMP_DEBUG_FILE`.
pub struct DebugLog<'a> {
    pub err: &'a mut dyn Write,
    file: Option<PathBuf>,
}

impl<'a> DebugLog<'a> {
    pub fn new(err: &'a mut dyn Write) -> DebugLog<'a> {
        DebugLog {
            err,
            file: std::env::var_os("BASH_COMP_DEBUG_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }

    pub fn debug(&mut self, msg: &str) {
        let line = format!("[Debug] {msg}\n");
        if let Some(path) = &self.file {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
            {
                let _ = f.write_all(line.as_bytes());
            }
        }
        let _ = self.err.write_all(line.as_bytes());
    }

    pub fn error(&mut self, msg: &str) {
        self.debug(&format!("[Error] {msg}"));
    }
}

/// Completes `args` (the words after `__complete`, the last one being the
/// word under the cursor) against `root`.
pub fn complete(
    root: &Node,
    args: &[String],
    dynamic: &dyn DynamicSource,
    log: &mut DebugLog,
) -> Answer {
    let mut tree = root.clone();
    setup_plugins(&mut tree, args, log);
    let (to_complete, trimmed) = match args.split_last() {
        Some((last, rest)) => (last.clone(), rest.to_vec()),
        None => (String::new(), Vec::new()),
    };
    let found = cmdtree::find(&tree, crate::error::PROGRAM, &trimmed);
    if found.error.is_some() {
        return Answer {
            choices: vec![],
            directive: DEFAULT,
            error: Some(format!(
                "unable to find a command for arguments: {}",
                go_list(&trimmed)
            )),
        };
    }
    let chain = found.chain;
    let cmd = chain[chain.len() - 1];
    complete_for(&chain, cmd, found.args, to_complete, dynamic, log)
}

/// kubectl's plugin setup before completing: plugins become commands when
/// the first word is being completed, or when the first word is not a
/// built-in (then the global flags are dropped: plugins do not take them).
fn setup_plugins(tree: &mut Node, args: &[String], log: &mut DebugLog) {
    let Some(first) = args.first() else { return };
    if first.starts_with('-') {
        return;
    }
    if args.len() > 1 {
        if tree.children.iter().any(|c| &c.name == first) {
            return;
        }
        tree.flags.clear();
        log.debug("Cleared global flags for plugin completion");
    }
    let plugins =
        plugin::list::find_plugins(std::env::var_os("PATH").as_deref(), &mut std::io::sink());
    plugin::help::add_plugin_commands(tree, &plugins);
}

fn complete_for(
    chain: &[&Node],
    cmd: &Node,
    final_args: Vec<String>,
    to_complete: String,
    dynamic: &dyn DynamicSource,
    log: &mut DebugLog,
) -> Answer {
    let path: Vec<String> = chain.iter().skip(1).map(|n| n.name.clone()).collect();
    let path_refs: Vec<&str> = path.iter().map(String::as_str).collect();

    // Is a flag value being completed (`--flag <TAB>`, `--flag=<TAB>`)?
    let (flag, final_args, to_complete, flag_err) =
        match flag_completion(chain, cmd, final_args, to_complete) {
            Ok(v) => (v.0, v.1, v.2, None),
            Err((args, to_complete, e)) => (None, args, to_complete, Some(e)),
        };

    let parsed = if cmd.plugin {
        Parsed {
            args: final_args.clone(),
            ..Parsed::default()
        }
    } else {
        match parse_flags(chain, &final_args) {
            Ok(p) => p,
            Err(e) => {
                return Answer {
                    choices: vec![],
                    directive: DEFAULT,
                    error: Some(format!(
                        "Error while parsing flags from args {}: {e}",
                        go_list(&final_args)
                    )),
                }
            }
        }
    };
    // After `--`, nothing is a flag any more.
    let flag_completion_on = !parsed.terminated;
    if let Some(e) = flag_err {
        if flag_completion_on {
            return Answer {
                choices: vec![],
                directive: DEFAULT,
                error: Some(e),
            };
        }
    }
    if parsed.help {
        return Answer {
            choices: vec![],
            directive: NO_FILE_COMP,
            error: None,
        };
    }
    let positional = parsed.args.clone();
    let changed = |f: &Flag| parsed.set.iter().any(|(name, _)| name == &f.long);
    let request = Request {
        path: path.clone(),
        args: positional.clone(),
        to_complete: to_complete.clone(),
        flags: parsed.set.clone(),
    };

    let mut choices: Vec<String> = Vec::new();
    let mut directive;
    let flag = flag.filter(|_| flag_completion_on);
    if flag.is_none()
        && to_complete.starts_with('-')
        && !to_complete.contains('=')
        && flag_completion_on
    {
        choices = required_flags(chain, &to_complete, &changed);
        if choices.is_empty() {
            for f in sorted_flags(chain) {
                if !changed(f) || f.repeatable {
                    choices.extend(flag_name_choices(f, &to_complete));
                }
            }
        }
        directive = NO_FILE_COMP;
        if choices.len() == 1 && choices[0].ends_with('=') {
            directive = NO_SPACE;
        }
        if !cmd.plugin {
            return Answer {
                choices,
                directive,
                error: None,
            };
        }
    } else {
        directive = DEFAULT;
        if flag.is_none() {
            let local_set = cmd.flags.iter().filter(|f| !f.persistent).any(&changed);
            if positional.is_empty() && !local_set {
                let mut children: Vec<&Node> = cmd.children.iter().collect();
                children.sort_by(|a, b| a.name.cmp(&b.name));
                for child in children {
                    let is_help = chain.len() == 1 && child.name == "help";
                    if child.is_available() || is_help {
                        if child.name.starts_with(&to_complete) {
                            choices.push(format!("{}\t{}", child.name, child.about));
                        }
                        directive = NO_FILE_COMP;
                    }
                }
            }
            choices.extend(required_flags(chain, &to_complete, &changed));
            if let Some(ArgsCompleter::ValidArgs(valid)) = args_completer(cmd, &path_refs) {
                if positional.is_empty() {
                    choices.extend(
                        valid
                            .iter()
                            .filter(|v| v.starts_with(to_complete.as_str()))
                            .map(|v| v.to_string()),
                    );
                    directive = NO_FILE_COMP;
                }
                return Answer {
                    choices,
                    directive,
                    error: None,
                };
            }
        }
    }

    // The registered completion function, if any.
    if let Some(f) = flag {
        if let Some(completer) = sources::flag_completer(&path_refs, &f.long) {
            let (more, d) = sources::run(completer, &request, dynamic);
            choices.extend(more);
            directive = d;
        }
    } else if cmd.plugin {
        let (more, d) = plugin_arguments(&path, &parsed.args, &to_complete, log);
        choices.extend(more);
        directive = d;
    } else {
        match args_completer(cmd, &path_refs) {
            Some(ArgsCompleter::Function(completer)) => {
                let (more, d) = sources::run(completer, &request, dynamic);
                choices.extend(more);
                directive = d;
            }
            Some(ArgsCompleter::HelpTopics) => {
                choices.extend(help_topics(chain[0], &parsed.args, &to_complete));
                directive = NO_FILE_COMP;
            }
            _ => {}
        }
    }
    Answer {
        choices,
        directive,
        error: None,
    }
}

/// cobra's help command completes the subcommands of the command its
/// arguments name (nothing when they name none).
fn help_topics(root: &Node, args: &[String], to_complete: &str) -> Vec<String> {
    let found = cmdtree::find(root, crate::error::PROGRAM, args);
    if found.error.is_some() {
        return vec![];
    }
    let cmd = found.chain[found.chain.len() - 1];
    let mut children: Vec<&Node> = cmd.children.iter().collect();
    children.sort_by(|a, b| a.name.cmp(&b.name));
    children
        .into_iter()
        .filter(|c| c.is_available() || (found.chain.len() == 1 && c.name == "help"))
        .filter(|c| c.name.starts_with(to_complete))
        .map(|c| format!("{}\t{}", c.name, c.about))
        .collect()
}

fn args_completer(cmd: &Node, path: &[&str]) -> Option<ArgsCompleter> {
    if cmd.plugin {
        return None;
    }
    sources::args_completer(path)
}

/// A plugin's own completion executable, `kubectl_complete-<plugin>`.
fn plugin_arguments(
    path: &[String],
    args: &[String],
    to_complete: &str,
    log: &mut DebugLog,
) -> (Vec<String>, i64) {
    let plugin_name = plugin::completion::plugin_file_name(path);
    let exe_name = plugin::completion::completion_file_name(&plugin_name);
    log.debug(&format!("About to look for: {exe_name}"));
    let Some(exe) = plugin::look_path_no_dot(&exe_name) else {
        log.debug(&format!(
            "Plugin {plugin_name} does not provide a matching completion executable"
        ));
        return (vec![], DEFAULT);
    };
    let mut exe_args = args.to_vec();
    exe_args.push(to_complete.to_string());
    log.debug(&format!(
        "About to call: {} {}",
        exe.display(),
        exe_args.join(" ")
    ));
    let result = plugin::completion::run_completion_exec(&exe, &exe_args);
    (result.choices, result.directive)
}

/// Flags in cobra's listing order: inherited ones sorted by name, then the
/// command's own sorted by name.
fn sorted_flags<'a>(chain: &[&'a Node]) -> Vec<&'a Flag> {
    let last = chain.len() - 1;
    let mut inherited: Vec<&Flag> = chain[..last]
        .iter()
        .flat_map(|n| n.flags.iter().filter(|f| f.persistent))
        .collect();
    inherited.sort_by(|a, b| a.long.cmp(&b.long));
    let mut own: Vec<&Flag> = chain[last].flags.iter().collect();
    own.sort_by(|a, b| a.long.cmp(&b.long));
    inherited.into_iter().chain(own).collect()
}

fn flag_name_choices(f: &Flag, to_complete: &str) -> Vec<String> {
    if f.hidden {
        return vec![];
    }
    let mut out = Vec::new();
    let long = format!("--{}", f.long);
    if long.starts_with(to_complete) {
        out.push(format!("{long}\t{}", f.usage));
    }
    if let Some(s) = f.short {
        let short = format!("-{s}");
        if short.starts_with(to_complete) {
            out.push(format!("{short}\t{}", f.usage));
        }
    }
    out
}

fn required_flags(
    chain: &[&Node],
    to_complete: &str,
    changed: &dyn Fn(&Flag) -> bool,
) -> Vec<String> {
    sorted_flags(chain)
        .into_iter()
        .filter(|f| f.required && !changed(f))
        .flat_map(|f| flag_name_choices(f, to_complete))
        .collect()
}

type FlagCheck<'a> = (Option<&'a Flag>, Vec<String>, String);

/// cobra's `checkIfFlagCompletion`: the flag whose value is being completed,
/// the arguments without it, and the partial value.
fn flag_completion<'a>(
    chain: &[&'a Node],
    cmd: &Node,
    args: Vec<String>,
    last: String,
) -> Result<FlagCheck<'a>, (Vec<String>, String, String)> {
    if cmd.plugin {
        return Ok((None, args, last));
    }
    let mut name = String::new();
    let mut with_equals = false;
    let mut value = last.clone();
    let mut trimmed = args.clone();
    if last.starts_with('-') {
        match last.find('=') {
            Some(i) => {
                name = match last[..i].strip_prefix("--") {
                    Some(long) => long.to_string(),
                    // `-abc=x`: the last shorthand before the `=`.
                    None => last_char(&last[..i]),
                };
                value = last[i + 1..].to_string();
                with_equals = true;
            }
            None => return Ok((None, args, last)),
        }
    }
    if name.is_empty() {
        if let Some(prev) = args.last() {
            let is_flag = (prev.len() >= 3 && prev.starts_with("--"))
                || (prev.len() >= 2 && prev.starts_with('-') && !prev.starts_with("--"));
            if is_flag && !prev.contains('=') {
                name = match prev.strip_prefix("--") {
                    Some(long) => long.to_string(),
                    None => last_char(prev),
                };
                trimmed.pop();
            }
        }
    }
    if name.is_empty() {
        return Ok((None, trimmed, value));
    }
    let flag = if name.chars().count() == 1 {
        name.chars()
            .next()
            .and_then(|c| cmdtree::find_short(chain, c))
    } else {
        cmdtree::find_long(chain, &name)
    };
    let Some(flag) = flag else {
        return Err((
            args,
            last,
            format!("Subcommand '{}' does not support flag '{}'", cmd.name, name),
        ));
    };
    if !with_equals && !flag.takes_value {
        // A boolean before the cursor: not a flag value after all.
        return Ok((None, args, value));
    }
    Ok((Some(flag), trimmed, value))
}

fn last_char(s: &str) -> String {
    s.chars().last().map(String::from).unwrap_or_default()
}

/// What pflag's parse of a command line leaves.
#[derive(Debug, Default)]
struct Parsed {
    args: Vec<String>,
    /// Flags given (long name, value).
    set: Vec<(String, String)>,
    help: bool,
    terminated: bool,
}

/// pflag's parsing, reduced to what completion needs (values unchecked).
fn parse_flags(chain: &[&Node], args: &[String]) -> Result<Parsed, String> {
    let mut p = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let s = &args[i];
        i += 1;
        if s.len() < 2 || !s.starts_with('-') {
            p.args.push(s.clone());
            continue;
        }
        if s == "--" {
            p.terminated = true;
            p.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = s.strip_prefix("--") {
            if body.starts_with('-') || body.starts_with('=') {
                return Err(format!("bad flag syntax: {s}"));
            }
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(flag) = cmdtree::find_long(chain, name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = match inline {
                Some(v) => v,
                None if !flag.takes_value => "true".to_string(),
                None if i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                None => return Err(format!("flag needs an argument: {s}")),
            };
            p.record(flag, value);
            continue;
        }
        let mut shorts = &s[1..];
        while let Some(c) = shorts.chars().next() {
            let rest = &shorts[c.len_utf8()..];
            let Some(flag) = cmdtree::find_short(chain, c) else {
                return Err(format!("unknown shorthand flag: {c:?} in -{shorts}"));
            };
            let value;
            if rest.len() > 1 && rest.starts_with('=') {
                value = rest[1..].to_string();
                shorts = "";
            } else if !flag.takes_value {
                value = "true".to_string();
                shorts = rest;
            } else if !rest.is_empty() {
                value = rest.to_string();
                shorts = "";
            } else if i < args.len() {
                value = args[i].clone();
                i += 1;
                shorts = "";
            } else {
                return Err(format!("flag needs an argument: {c:?} in -{shorts}"));
            }
            p.record(flag, value);
        }
    }
    Ok(p)
}

impl Parsed {
    fn record(&mut self, flag: &Flag, value: String) {
        if flag.long == "help" {
            self.help = value != "false";
        }
        self.set.push((flag.long.clone(), value));
    }
}

/// Go's `%v` of a string slice: `[a b c]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::completion::sources::Offline;

    fn root() -> Node {
        use clap::CommandFactory;
        Node::from_clap(&crate::app::Cli::command())
    }

    fn answer(words: &[&str]) -> Answer {
        let args: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        let mut err = Vec::new();
        let mut log = DebugLog::new(&mut err);
        complete(&root(), &args, &Offline, &mut log)
    }

    fn names(a: &Answer) -> Vec<String> {
        a.choices
            .iter()
            .map(|c| c.split('\t').next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn subcommands_sorted_with_help() {
        let a = answer(&["cr"]);
        assert_eq!(names(&a), ["create"]);
        assert_eq!(a.directive, NO_FILE_COMP);
        assert!(names(&answer(&["he"])).contains(&"help".to_string()));
    }

    #[test]
    fn required_flags_come_first() {
        let a = answer(&["create", "deployment", "x", "--"]);
        assert_eq!(names(&a), ["--image"]);
        let a = answer(&["create", "deployment", "x", "--image", "i", "--dry"]);
        assert_eq!(names(&a), ["--dry-run"]);
        // A bare optional-value flag is not waiting for a value.
        let a = answer(&["create", "deployment", "x", "--dry-run", ""]);
        assert_eq!(
            (names(&a), a.directive),
            (vec!["--image".to_string()], DEFAULT)
        );
    }

    #[test]
    fn valid_args_and_flag_errors() {
        let a = answer(&["completion", ""]);
        assert_eq!(names(&a), ["bash", "zsh", "fish", "powershell"]);
        let a = answer(&["completion", "--bogus", ""]);
        assert_eq!(
            a.error.as_deref(),
            Some("Error while parsing flags from args [--bogus]: unknown flag: --bogus")
        );
        let a = answer(&["gett", ""]);
        assert_eq!(
            a.error.as_deref(),
            Some("unable to find a command for arguments: [gett]")
        );
        let a = answer(&["create", "deployment", "--bogus="]);
        assert_eq!(
            a.error.as_deref(),
            Some("Subcommand 'deployment' does not support flag 'bogus'")
        );
    }

    #[test]
    fn help_flag_ends_completion() {
        let a = answer(&["create", "--help", ""]);
        assert_eq!((a.choices.len(), a.directive), (0, NO_FILE_COMP));
    }

    #[test]
    fn pflag_short_groups() {
        let r = root();
        let chain = vec![&r];
        let p = parse_flags(
            &chain,
            &["-nfoo".into(), "x".into(), "--".into(), "-z".into()],
        )
        .unwrap();
        assert_eq!(p.set, [("namespace".to_string(), "foo".to_string())]);
        assert_eq!(p.args, ["x", "-z"]);
        assert!(p.terminated);
        assert_eq!(
            parse_flags(&chain, &["-nz".into(), "-q".into()]).unwrap_err(),
            "unknown shorthand flag: 'q' in -q"
        );
    }
}
