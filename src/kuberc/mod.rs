//! kuberc: the user's preferences file (`~/.kube/kuberc`, `--kuberc PATH`,
//! or `KUBERC=PATH`; `KUBERC=off` and `KUBECTL_KUBERC=false` turn it off).
//! It holds `aliases` (new command names with flags and arguments) and
//! `defaults` (flag values per command), applied as kubectl applies them,
//! by rewriting the command line before it is parsed:
//!
//! - an alias applies only when the command line names no built-in
//!   command, and only to the first word that is not a flag; it becomes
//!   the aliased command's words, its options become flags (unless the
//!   command line sets those flags itself), `prependArgs` follow it and
//!   `appendArgs` end the line; usage hints name the alias;
//! - defaults apply to the command the line runs, when a default's command
//!   has the same name (`create deployment` matches any command named
//!   `deployment`), for each flag the line does not set itself; never to
//!   an alias (a default naming one is an error);
//! - a kuberc problem is reported as `error occurred while applying
//!   preferences …` with exit code 1, before plugins run.
//!
//! With no kuberc file the cost is one failed open.

pub mod decode;
pub mod model;

use std::ffi::OsString;
use std::io::Write;

use crate::cmdtree::{self, Node};
use crate::error::PROGRAM;
use model::{OptionDefault, Preference};

/// `KUBECTL_KUBERC=false` (any case) removes kuberc: no `--kuberc` flag, no
/// `kuberc` command, no file read.
pub fn enabled() -> bool {
    !std::env::var("KUBECTL_KUBERC").is_ok_and(|v| v.eq_ignore_ascii_case("false"))
}

/// The command tree without the `--kuberc` flag and the `kuberc` command,
/// for when kuberc is turned off: both are then unknown, as in kubectl.
pub fn remove_from(command: clap::Command) -> clap::Command {
    command
        .mut_arg("kuberc", |a| a.long("kuberc-is-turned-off").hide(true))
        .mut_subcommand("kuberc", |c| c.name("kuberc-is-turned-off").hide(true))
}

/// kubectl's `LoadKuberc`: the file to read and whether it was asked for
/// (`--kuberc`, or `KUBERC`); `None` with `KUBERC=off`.
pub fn locate(explicit: &str) -> Result<Option<(String, bool)>, String> {
    let env = std::env::var("KUBERC").unwrap_or_default();
    if env == "off" {
        if !explicit.is_empty() {
            return Err(
                "disabling kuberc via KUBERC=off and passing kuberc flag are mutually exclusive"
                    .into(),
            );
        }
        return Ok(None);
    }
    let recommended = recommended_file();
    let (mut file, mut explicitly) = (recommended.clone(), false);
    if !explicit.is_empty() {
        file = explicit.to_string();
        explicitly = true;
    }
    if file == recommended && !env.is_empty() {
        file = env;
        explicitly = true;
    }
    Ok(Some((file, explicitly)))
}

/// `$HOME/.kube/kuberc`.
pub fn recommended_file() -> String {
    let home = std::env::var("HOME").unwrap_or_default();
    crate::kubeconfig::gopath::join(&[&home, ".kube", "kuberc"])
}

/// The credential plugin policy of a kuberc file: which exec credential
/// plugins may run (client-go's `PluginPolicy`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PluginPolicy {
    /// `AllowAll` (or empty), `DenyAll` or `Allowlist`.
    pub policy: String,
    pub allowlist: Vec<String>,
}

impl PluginPolicy {
    fn of(p: &Preference) -> Option<PluginPolicy> {
        if p.credential_plugin_policy.is_empty() || p.credential_plugin_policy == "AllowAll" {
            return None;
        }
        Some(PluginPolicy {
            policy: p.credential_plugin_policy.clone(),
            allowlist: p
                .credential_plugin_allowlist
                .iter()
                .flatten()
                .map(|e| e.command.clone())
                .filter(|c| !c.is_empty())
                .collect(),
        })
    }

    /// client-go's check before an exec plugin runs: its error, if the
    /// policy forbids `command` (the plugin's command as configured).
    pub fn check(&self, command: &str) -> Result<(), String> {
        let configured = crate::kubeconfig::gopath::clean(command);
        match self.policy.as_str() {
            "" | "AllowAll" => Ok(()),
            "DenyAll" => Err(format!(
                "plugin {} not allowed: policy set to \"DenyAll\"",
                go_quote(&configured)
            )),
            "Allowlist" => self.check_allowlist(&configured),
            other => Err(format!("unknown plugin policy {}", go_quote(other))),
        }
    }

    fn check_allowlist(&self, configured: &str) -> Result<(), String> {
        let listed = |p: &str| self.allowlist.iter().any(|e| e == p);
        // exec.Command looks a bare name up in PATH at once.
        let path = if configured.contains('/') {
            configured.to_string()
        } else {
            look_path(configured).unwrap_or_else(|_| configured.to_string())
        };
        if listed(configured) || listed(&path) {
            return Ok(());
        }
        let resolved = if path != configured {
            path.clone()
        } else {
            look_path(&path).map_err(|e| {
                format!(
                    "plugin path {} cannot be resolved for credential plugin allowlist check: {e}",
                    go_quote(&path)
                )
            })?
        };
        if listed(&resolved) {
            return Ok(());
        }
        // Entries with the same base name, looked up in PATH.
        let base = crate::kubeconfig::gopath::base(&resolved);
        let found = self
            .allowlist
            .iter()
            .filter(|e| crate::kubeconfig::gopath::base(e) == base)
            .filter_map(|e| look_path(e).ok())
            .any(|p| p == resolved);
        if found {
            return Ok(());
        }
        Err(format!(
            "plugin path {} is not permitted by the credential plugin allowlist",
            go_quote(&resolved)
        ))
    }
}

/// Go's `exec.LookPath`: a path with a slash must be an executable file; a
/// bare name is searched in PATH.
fn look_path(file: &str) -> Result<String, String> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &str| -> Result<(), String> {
        let meta = std::fs::metadata(p)
            .map_err(|e| crate::kubeconfig::gopath::path_error("stat", p, &e))?;
        if !meta.is_dir() && meta.permissions().mode() & 0o111 != 0 {
            Ok(())
        } else {
            Err("permission denied".into())
        }
    };
    if file.contains('/') {
        return executable(file)
            .map(|_| file.to_string())
            .map_err(|e| format!("exec: {}: {e}", go_quote(file)));
    }
    let path = std::env::var("PATH").unwrap_or_default();
    for dir in path.split(':') {
        let dir = if dir.is_empty() { "." } else { dir };
        let candidate = crate::kubeconfig::gopath::join(&[dir, file]);
        if executable(&candidate).is_ok() {
            if !candidate.starts_with('/') {
                return Err(format!(
                    "exec: {}: cannot run executable found relative to current directory",
                    go_quote(file)
                ));
            }
            return Ok(candidate);
        }
    }
    Err(format!(
        "exec: {}: executable file not found in $PATH",
        go_quote(file)
    ))
}

/// A command line after kuberc: rewritten by an alias (at once) and by the
/// defaults (once plugins have had their turn).
pub struct Prepared {
    pub args: Vec<OsString>,
    /// `kuddle <alias>` when an alias ran: usage hints name it.
    pub alias_path: Option<String>,
    /// What `-v=1` logs as the original command, when kuberc changed it.
    pub original_command: Option<String>,
    /// Which exec credential plugins may run (none means all).
    pub plugin_policy: Option<PluginPolicy>,
    /// Default flags to insert after `defaults_at` (an index into `args`).
    defaults: Vec<String>,
    defaults_at: usize,
}

impl Prepared {
    fn unchanged(args: Vec<OsString>) -> Prepared {
        Prepared {
            args,
            alias_path: None,
            original_command: None,
            plugin_policy: None,
            defaults: Vec::new(),
            defaults_at: 0,
        }
    }

    /// The command line with the defaults in.
    pub fn with_defaults(mut self) -> Vec<OsString> {
        let at = (self.defaults_at + 1).min(self.args.len());
        let tail = self.args.split_off(at);
        self.args
            .extend(self.defaults.drain(..).map(OsString::from));
        self.args.extend(tail);
        self.args
    }
}

/// kubectl's `Preferences.Apply`: reads the kuberc file the command line
/// asks for and works out what it changes. `Err` is the exit code after
/// kubectl's error line was written.
pub fn prepare(
    command: &clap::Command,
    args: Vec<OsString>,
    err: &mut dyn Write,
) -> Result<Prepared, i32> {
    if args.len() <= 1 || !enabled() {
        return Ok(Prepared::unchanged(args));
    }
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match apply(command, &words, err) {
        Ok((None, policy)) => Ok(Prepared {
            plugin_policy: policy,
            ..Prepared::unchanged(args)
        }),
        Ok((Some(plan), policy)) => Ok(Prepared {
            plugin_policy: policy,
            ..plan.into_prepared(args)
        }),
        Err(msg) => {
            let _ = writeln!(err, "error occurred while applying preferences {msg}");
            Err(1)
        }
    }
}

/// What kuberc does to one command line.
struct Plan {
    /// kubectl's view of the words after aliasing (alias name in place,
    /// prepended and appended arguments in).
    words: Vec<String>,
    alias: Option<AliasPlan>,
    defaults: Vec<String>,
    defaults_at: usize,
    original_command: Option<String>,
}

struct AliasPlan {
    name: String,
    /// Where the alias word is in `Plan::words`.
    index: usize,
    /// The aliased command's words and the alias's flags, in its place.
    replacement: Vec<String>,
}

impl Plan {
    fn into_prepared(self, original: Vec<OsString>) -> Prepared {
        let Plan {
            words,
            alias,
            defaults,
            defaults_at,
            original_command,
        } = self;
        match alias {
            None => Prepared {
                // Words kuberc left alone keep their exact bytes.
                args: original,
                alias_path: None,
                original_command,
                plugin_policy: None,
                defaults,
                defaults_at,
            },
            Some(a) => {
                let mut args: Vec<OsString> = Vec::with_capacity(words.len() + a.replacement.len());
                let kept = |i: usize| -> OsString {
                    original
                        .get(i)
                        .filter(|o| o.to_string_lossy() == words[i])
                        .cloned()
                        .unwrap_or_else(|| OsString::from(&words[i]))
                };
                for i in 0..a.index {
                    args.push(kept(i));
                }
                args.extend(a.replacement.iter().map(OsString::from));
                for w in &words[a.index + 1..] {
                    args.push(OsString::from(w));
                }
                Prepared {
                    args,
                    alias_path: Some(format!("{PROGRAM} {}", a.name)),
                    original_command,
                    plugin_policy: None,
                    defaults: Vec::new(),
                    defaults_at: 0,
                }
            }
        }
    }
}

/// The plan for the command line, if kuberc changes it, and the plugin
/// policy, if kuberc restricts plugins.
type Applied = (Option<Plan>, Option<PluginPolicy>);

fn apply(command: &clap::Command, args: &[String], err: &mut dyn Write) -> Result<Applied, String> {
    let explicit = explicit_kuberc(args)?;
    let Some(preference) =
        load(&explicit, verbosity(args), err).map_err(|e| format!("kuberc error {e}"))?
    else {
        return Ok((None, None));
    };
    validate(&preference)?;
    let policy = PluginPolicy::of(&preference);
    let aliases = preference.aliases.as_deref().unwrap_or_default();
    let defaults = preference.defaults.as_deref().unwrap_or_default();
    if aliases.is_empty() && defaults.is_empty() {
        return Ok((None, policy));
    }
    let tree = Node::from_clap(command);
    let mut plan = Plan {
        words: args.to_vec(),
        alias: None,
        defaults: Vec::new(),
        defaults_at: 0,
        original_command: None,
    };
    let (seen, alias_node) = apply_aliases(&tree, command, &preference, &mut plan, err)?;
    // kubectl adds the alias that ran to its command tree.
    let tree = match alias_node {
        Some(node) => {
            let mut tree = tree;
            tree.children.push(node);
            tree
        }
        None => tree,
    };
    apply_defaults(&tree, command, &preference, &seen, &mut plan, err)?;
    Ok((Some(plan), policy))
}

/// The `-v` level on the command line, read before parsing (kubectl knows
/// it when it reads the kuberc file).
fn verbosity(args: &[String]) -> i32 {
    let mut level = 0;
    let mut words = args.iter().skip(1);
    while let Some(arg) = words.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.as_str() {
            "-v" | "--v" => words.next().map(String::as_str),
            a => a
                .strip_prefix("--v=")
                .or_else(|| a.strip_prefix("-v="))
                .or_else(|| {
                    a.strip_prefix("-v")
                        .filter(|v| v.bytes().all(|b| b.is_ascii_digit()))
                }),
        };
        if let Some(v) = value.and_then(|v| crate::flags::go_values::go_int32(v).ok()) {
            level = v;
        }
    }
    level
}

/// kubectl's `getExplicitKuberc`: the `--kuberc` value, read from the raw
/// words before `--` (`--kuberc=a=b` means `a`).
fn explicit_kuberc(args: &[String]) -> Result<String, String> {
    for (i, arg) in args.iter().enumerate() {
        if arg == "--" {
            break;
        }
        if arg == "--kuberc" {
            return args
                .get(i + 1)
                .cloned()
                .ok_or_else(|| "kuberc file is not found".to_string());
        }
        if arg.contains("--kuberc=") {
            return match arg.split('=').nth(1) {
                Some(path) if !path.is_empty() => Ok(path.to_string()),
                _ => Err("kuberc file is not found".into()),
            };
        }
    }
    Ok(String::new())
}

/// kubectl's `DefaultGetPreferences`: a file asked for must be readable;
/// the default one may be missing (silently) or broken (with a warning).
/// Strict decoding problems are a warning (without a newline, as kubectl
/// writes it). At `-v=5` it logs which document was used.
fn load(explicit: &str, verbosity: i32, err: &mut dyn Write) -> Result<Option<Preference>, String> {
    let Some((file, explicitly)) = locate(explicit)? else {
        return Ok(None);
    };
    match decode::decode_file(&file) {
        Ok(decoded) => {
            if let (Some((entry, version)), true) = (&decoded.entry, verbosity >= 5) {
                let _ = crate::context::klog_info(
                    err,
                    "marshal.go:94",
                    &format!("kuberc: using entry {entry} ({version}) in {file}"),
                );
            }
            if let (Some(_), Some(strict)) = (&decoded.preference, &decoded.strict_error) {
                let _ = write!(
                    err,
                    "kuberc: ignoring strict decoding error in {file}: {strict}"
                );
            }
            Ok(decoded.preference)
        }
        Err(e) if explicitly => Err(format!("kuberc: {e}")),
        Err(e) if e.is_not_exist() => Ok(None),
        Err(e) => {
            let _ = write!(err, "kuberc: no preferences loaded from {file}: {e}");
            Ok(None)
        }
    }
}

/// Why `read` found no preferences.
#[derive(Debug)]
pub enum ReadError {
    /// The file does not exist.
    Missing,
    /// kubectl's message.
    Other(String),
}

/// kubectl's `LoadPreference`, for `kuberc view` and `kuberc set`: unlike
/// the start-up reading, strict decoding problems are errors, and so is a
/// file without any document.
pub fn read(file: &str) -> Result<Preference, ReadError> {
    match decode::decode_file(file) {
        Ok(decoded) => match (decoded.preference, decoded.strict_error) {
            (_, Some(strict)) => Err(ReadError::Other(strict)),
            (Some(p), None) => Ok(p),
            (None, None) => Err(ReadError::Other(
                "error converting Preferences to v1beta1.Preferences: expected pointer, but got invalid kind"
                    .into(),
            )),
        },
        Err(e) if e.is_not_exist() => Err(ReadError::Missing),
        Err(e) => Err(ReadError::Other(e.to_string())),
    }
}

/// kubectl's `SavePreference`: the `v1beta1` YAML, the folder made (0755),
/// the file written (0644 when new).
pub fn save(p: &Preference, file: &str) -> anyhow::Result<()> {
    let dir = crate::kubeconfig::gopath::dir(file);
    crate::kubeconfig::modify::mkdir_all(&dir, 0o755)
        .map_err(|e| anyhow::anyhow!("failed to create directory {dir}: {e}"))?;
    let text = crate::printers::yaml::to_string(&p.to_v1beta1())?;
    let mut out = crate::kubeconfig::modify::open_for_write(file, 0o644)
        .map_err(|e| anyhow::anyhow!("failed to write kuberc file: {e}"))?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn validate(p: &Preference) -> Result<(), String> {
    let check_flags = |options: &Option<Vec<OptionDefault>>| -> Result<(), String> {
        for o in options.as_deref().unwrap_or_default() {
            if o.name.starts_with('-') {
                return Err(format!(
                    "flag name {} should be in long form without dashes",
                    o.name
                ));
            }
        }
        Ok(())
    };
    let mut names = std::collections::HashSet::new();
    for alias in p.aliases.as_deref().unwrap_or_default() {
        if alias.name.is_empty() || !alias.name.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err("invalid alias name, can only include alphabetical characters".into());
        }
        check_flags(&alias.options)?;
        if !names.insert(alias.name.as_str()) {
            return Err(format!("duplicate alias name {}", alias.name));
        }
    }
    for d in p.defaults.as_deref().unwrap_or_default() {
        check_flags(&d.options)?;
    }
    validate_plugin_policy(p)
}

/// client-go's `ValidatePluginPolicy` for the credential plugin settings.
fn validate_plugin_policy(p: &Preference) -> Result<(), String> {
    let policy = p.credential_plugin_policy.as_str();
    let list = &p.credential_plugin_allowlist;
    match policy {
        "" | "AllowAll" | "DenyAll" => {
            if list.is_some() {
                return Err(format!(
                    "misconfigured credential plugin allowlist: plugin policy is {} but allowlist is non-nil",
                    go_quote(policy)
                ));
            }
            Ok(())
        }
        "Allowlist" => {
            let Some(list) = list else {
                return Err(
                    "credential plugin policy set to \"Allowlist\", but allowlist is unspecified"
                        .into(),
                );
            };
            if list.is_empty() {
                return Err("credential plugin policy set to \"Allowlist\", but allowlist is empty; use \"DenyAll\" policy instead".into());
            }
            for (i, entry) in list.iter().enumerate() {
                if entry.command.is_empty() {
                    return Err(format!(
                        "misconfigured credential plugin allowlist: empty allowlist entry #{}",
                        i + 1
                    ));
                }
                let cleaned = crate::kubeconfig::gopath::clean(&entry.command);
                if cleaned != entry.command {
                    return Err(format!(
                        "non-normalized file path: {} vs {}",
                        go_quote(&entry.command),
                        go_quote(&cleaned)
                    ));
                }
            }
            Ok(())
        }
        other => Err(format!("unknown plugin policy: {}", go_quote(other))),
    }
}

fn go_quote(s: &str) -> String {
    crate::printers::gofmt::quote(s)
}

/// kubectl's `applyAliases`. Returns the alias names it went through, and
/// the alias that runs as a command of its own (a copy of the aliased one).
fn apply_aliases(
    tree: &Node,
    command: &clap::Command,
    p: &Preference,
    plan: &mut Plan,
    err: &mut dyn Write,
) -> Result<(Vec<String>, Option<Node>), String> {
    let mut seen = Vec::new();
    let mut alias_node = None;
    let args = plan.words.clone();
    if cmdtree::find(tree, PROGRAM, &args[1..]).error.is_none() {
        // A built-in command: no alias.
        return Ok((seen, None));
    }
    let Some((index, name)) = args
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, a)| !a.starts_with('-') && !a.starts_with("__complete"))
        .map(|(i, a)| (i, a.clone()))
    else {
        for alias in p.aliases.as_deref().unwrap_or_default() {
            seen.push(alias.name.clone());
        }
        return Ok((seen, None));
    };
    for alias in p.aliases.as_deref().unwrap_or_default() {
        seen.push(alias.name.clone());
        if alias.name != name {
            continue;
        }
        if cmdtree::find(tree, PROGRAM, std::slice::from_ref(&alias.name))
            .error
            .is_none()
        {
            let _ = writeln!(
                err,
                "Warning: Setting alias {} to a built-in command is not supported",
                go_quote(&alias.name)
            );
            break;
        }
        let target: Vec<String> = alias
            .command
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let found = cmdtree::find(tree, PROGRAM, &target);
        if found.error.is_some() {
            return Err(format!(
                "command {} not found to set alias {}: [{}]",
                go_quote(&alias.command),
                go_quote(&alias.name),
                found.args.join(" ")
            ));
        }
        let flags = Flags::of(command, &found.chain);
        let mut replacement: Vec<String> =
            found.chain.iter().skip(1).map(|n| n.name.clone()).collect();
        let mut original = alias.command.clone();
        for option in alias.options.as_deref().unwrap_or_default() {
            let Some(flag) = flags.lookup(&option.name) else {
                return Err(format!(
                    "invalid alias flag {} in alias {}",
                    option.name, args[0]
                ));
            };
            if search_in_args(&flag, &flags.shorthands, &args) {
                continue;
            }
            flags.check(&flag, &option.default).map_err(|e| {
                format!(
                    "could not apply value {} to flag {} in alias {} err: {e}",
                    option.default, option.name, args[0]
                )
            })?;
            replacement.push(format!("--{}={}", flag.long, option.default));
            original.push_str(&format!(" --{}={}", option.name, option.default));
        }
        let mut words = args.clone();
        let prepend = alias.prepend_args.as_deref().unwrap_or_default();
        if !prepend.is_empty() {
            let tail = words.split_off(index + 1);
            words.extend(prepend.iter().cloned());
            words.extend(tail);
        }
        words.extend(alias.append_args.iter().flatten().cloned());
        // kubectl logs the line with every occurrence of the alias name
        // taken out.
        let sanitized = words[1..].join(" ").replace(&alias.name, "");
        if !sanitized.is_empty() {
            original.push(' ');
            original.push_str(&sanitized);
        }
        plan.original_command = Some(original);
        plan.alias = Some(AliasPlan {
            name: alias.name.clone(),
            index,
            replacement,
        });
        plan.words = words;
        if let Some(target) = found.chain.last() {
            alias_node = Some(Node {
                name: alias.name.clone(),
                aliases: Vec::new(),
                ..(*target).clone()
            });
        }
    }
    Ok((seen, alias_node))
}

/// kubectl's `applyOverrides`.
fn apply_defaults(
    tree: &Node,
    command: &clap::Command,
    p: &Preference,
    aliases: &[String],
    plan: &mut Plan,
    err: &mut dyn Write,
) -> Result<(), String> {
    let args = plan.words[1..].to_vec();
    // The command that runs (an alias that ran is one too).
    let found = cmdtree::find(tree, PROGRAM, &args);
    if found.error.is_some() {
        return Ok(());
    }
    let name = found
        .chain
        .last()
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let at = found.positions.last().map(|p| p + 1).unwrap_or(0);
    let chain = found.chain;
    for default in p.defaults.as_deref().unwrap_or_default() {
        let words: Vec<String> = default
            .command
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let target = {
            let found = cmdtree::find(tree, PROGRAM, &words);
            if found.error.is_some() {
                let _ = writeln!(
                    err,
                    "Warning: command {} not found to set kuberc override",
                    go_quote(&default.command)
                );
                continue;
            }
            found
                .chain
                .last()
                .map(|n| n.name.clone())
                .unwrap_or_default()
        };
        if target != name {
            continue;
        }
        if aliases.contains(&name) {
            return Err(format!("alias {name} can not be overridden"));
        }
        let flags = Flags::of(command, &chain);
        let mut original = String::new();
        for option in default.options.as_deref().unwrap_or_default() {
            let Some(flag) = flags.lookup(&option.name) else {
                return Err(format!(
                    "invalid flag {} for command {}",
                    option.name, default.command
                ));
            };
            if search_in_args(&flag, &flags.shorthands, &args) {
                continue;
            }
            flags.check(&flag, &option.default).map_err(|e| {
                format!(
                    "could not apply override value {} to flag {} in command {} err: {e}",
                    option.default, option.name, default.command
                )
            })?;
            plan.defaults
                .push(format!("--{}={}", flag.long, option.default));
            original.push_str(&format!(" --{}={}", option.name, option.default));
        }
        plan.defaults_at = at;
        plan.original_command = Some(format!("{}{original}", args.join(" ")));
    }
    Ok(())
}

/// One flag a command accepts.
#[derive(Debug, Clone)]
struct FlagRef {
    long: String,
    short: Option<char>,
}

/// The flags of a command (its own, then the global ones), with clap's
/// definitions to check values the way pflag's `Set` would.
struct Flags<'a> {
    leaf: Option<&'a clap::Command>,
    root: &'a clap::Command,
    known: Vec<FlagRef>,
    shorthands: Vec<char>,
}

impl<'a> Flags<'a> {
    fn of(root: &'a clap::Command, chain: &[&Node]) -> Flags<'a> {
        let mut leaf = Some(root);
        for node in chain.iter().skip(1) {
            leaf = leaf.and_then(|c| c.find_subcommand(&node.name));
        }
        // cobra adds `-h, --help` only when it runs a command.
        let known: Vec<FlagRef> = cmdtree::flags_of(chain)
            .filter(|f| f.long != "help")
            .map(|f| FlagRef {
                long: f.long.clone(),
                short: f.short,
            })
            .collect();
        let shorthands = known.iter().filter_map(|f| f.short).collect();
        Flags {
            leaf,
            root,
            known,
            shorthands,
        }
    }

    /// pflag's lookup: `_` and `-` alike.
    fn lookup(&self, name: &str) -> Option<FlagRef> {
        let name = name.replace('_', "-");
        self.known.iter().find(|f| f.long == name).cloned()
    }

    /// Whether pflag would take `value` for the flag; its error otherwise
    /// (`invalid argument "x" for "-r, --replicas" flag: …`).
    fn check(&self, flag: &FlagRef, value: &str) -> Result<(), String> {
        let find = |cmd: &'a clap::Command| {
            cmd.get_arguments()
                .find(|a| a.get_long() == Some(flag.long.as_str()))
        };
        let arg = self
            .leaf
            .and_then(find)
            .or_else(|| find(self.root).filter(|a| a.is_global_set()));
        let Some(arg) = arg else {
            return Ok(());
        };
        if !arg.get_action().takes_values() {
            return crate::flags::go_values::go_bool(value)
                .map(|_| ())
                .map_err(|reason| set_error(arg, value, &reason));
        }
        // clap's parsers are only reachable through a parse: one of this
        // flag alone.
        let probe = clap::Command::new("kuberc")
            .no_binary_name(true)
            .disable_help_flag(true)
            .arg(arg.clone().global(false).required(false));
        match probe.try_get_matches_from([format!("--{}={value}", flag.long)]) {
            Ok(_) => Ok(()),
            Err(e) => {
                let reason = std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| format!("invalid value {}", go_quote(value)));
                Err(set_error(arg, value, &reason))
            }
        }
    }
}

/// pflag's `Set` failure.
fn set_error(arg: &clap::Arg, value: &str, reason: &str) -> String {
    format!(
        "invalid argument {} for {} flag: {reason}",
        go_quote(value),
        go_quote(&crate::app::flag_display(arg))
    )
}

/// kubectl's `searchInArgs`: whether the command line sets the flag itself
/// (`--name`, `--name=…`, `-x…`, or `x` inside a group of letters), looking
/// at every word, even after `--`.
fn search_in_args(flag: &FlagRef, shorthands: &[char], args: &[String]) -> bool {
    for arg in args {
        let long = format!("--{}", flag.long);
        if *arg == long || arg.starts_with(&format!("{long}=")) {
            return true;
        }
        let Some(short) = flag.short else {
            continue;
        };
        if arg.starts_with(&format!("-{short}")) {
            return true;
        }
        // A group of shorthands (`-Ao`); kubectl only checks that the
        // flag's own letter is in it.
        let Some(group) = arg.strip_prefix('-') else {
            continue;
        };
        if group.is_empty() || !group.chars().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        if shorthands.contains(&short) && group.contains(short) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn explicit_file_from_raw_words() {
        assert_eq!(
            explicit_kuberc(&words(&["k", "--kuberc", "a"])).unwrap(),
            "a"
        );
        assert_eq!(
            explicit_kuberc(&words(&["k", "--kuberc=a=b"])).unwrap(),
            "a"
        );
        assert_eq!(
            explicit_kuberc(&words(&["k", "--", "--kuberc=a"])).unwrap(),
            ""
        );
        assert_eq!(
            explicit_kuberc(&words(&["k", "--kuberc"])).unwrap_err(),
            "kuberc file is not found"
        );
        assert_eq!(
            explicit_kuberc(&words(&["k", "--kuberc="])).unwrap_err(),
            "kuberc file is not found"
        );
    }

    #[test]
    fn flags_given_on_the_line_win() {
        let output = FlagRef {
            long: "output".into(),
            short: Some('o'),
        };
        let shorthands = ['o', 'n', 'A'];
        for line in [
            &["--output", "x"][..],
            &["--output=x"],
            &["-oyaml"],
            &["-Ao"],
        ] {
            assert!(
                search_in_args(&output, &shorthands, &words(line)),
                "{line:?}"
            );
        }
        for line in [&["--outputs"][..], &["-Az"], &["x"], &["-A-o"]] {
            assert!(
                !search_in_args(&output, &shorthands, &words(line)),
                "{line:?}"
            );
        }
    }

    #[test]
    fn plugin_policy_checks() {
        let deny = PluginPolicy {
            policy: "DenyAll".into(),
            allowlist: vec![],
        };
        assert_eq!(
            deny.check("/bin/./sh").unwrap_err(),
            "plugin \"/bin/sh\" not allowed: policy set to \"DenyAll\""
        );
        let allow = PluginPolicy {
            policy: "Allowlist".into(),
            allowlist: vec!["/bin/sh".into()],
        };
        assert!(allow.check("/bin/sh").is_ok());
        assert_eq!(
            allow.check("/nonexistent/x").unwrap_err(),
            "plugin path \"/nonexistent/x\" cannot be resolved for credential plugin allowlist check: exec: \"/nonexistent/x\": stat /nonexistent/x: no such file or directory"
        );
    }

    #[test]
    fn plugin_policies() {
        let mut p = Preference {
            credential_plugin_policy: "Bogus".into(),
            ..Preference::default()
        };
        assert_eq!(
            validate(&p).unwrap_err(),
            "unknown plugin policy: \"Bogus\""
        );
        p.credential_plugin_policy = "Allowlist".into();
        p.credential_plugin_allowlist = Some(vec![model::AllowlistEntry {
            command: "a/../b".into(),
        }]);
        assert_eq!(
            validate(&p).unwrap_err(),
            "non-normalized file path: \"a/../b\" vs \"b\""
        );
    }
}
