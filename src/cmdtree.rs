//! kuddle's command tree as cobra sees it, built from the clap definitions.
//!
//! kubectl decides three things before (or instead of) parsing a command line
//! with cobra's `Command.Find`: whether a plugin should run, which command a
//! completion request is about, and whether a plugin name overwrites a
//! built-in. All three need cobra's lookup rules — flags are skipped using
//! the flag definitions of the command reached so far, an unknown flag is
//! assumed to take a value, aliases count, and only the root complains about
//! an unknown word — so they live here, over a plain model of the tree that
//! plugin commands can be added to.

use clap::ArgAction;

/// One flag as pflag knows it.
#[derive(Debug, Clone)]
pub struct Flag {
    pub long: String,
    pub short: Option<char>,
    /// First line of the help text (completion descriptions).
    pub usage: String,
    /// `--flag value` consumes the next word. False for booleans and for
    /// flags with an optional value (pflag's `NoOptDefVal`).
    pub takes_value: bool,
    /// Declared on an ancestor and inherited by every descendant.
    pub persistent: bool,
    pub hidden: bool,
    /// May be given several times (slices, arrays): still offered in completion.
    pub repeatable: bool,
    pub required: bool,
}

/// One command (or, for completion and help, one plugin).
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub name: String,
    pub aliases: Vec<String>,
    pub about: String,
    pub hidden: bool,
    /// The node's own flags (persistent ones included); inherited flags live
    /// on the ancestors.
    pub flags: Vec<Flag>,
    /// Children in definition order (cobra suggests in this order and sorts
    /// only for listings).
    pub children: Vec<Node>,
    /// A plugin: cobra's `DisableFlagParsing`, arguments go to the plugin.
    pub plugin: bool,
}

impl Node {
    /// The model of a clap command (not yet built: globals not propagated).
    pub fn from_clap(cmd: &clap::Command) -> Node {
        let mut flags: Vec<Flag> = cmd
            .get_arguments()
            .filter(|a| !a.is_positional())
            .filter_map(|a| {
                let long = a.get_long()?.to_string();
                if long == "help" || long == "version" {
                    return None;
                }
                let action = a.get_action();
                let min_values = a.get_num_args().map(|n| n.min_values()).unwrap_or(1);
                let takes_value = action.takes_values() && min_values > 0;
                // kuddle's own flags stay out of completion, which offers
                // kubectl's candidates.
                let hidden = a.is_hide_set()
                    || crate::flags::global::KUDDLE_ONLY_FLAGS.contains(&long.as_str());
                Some(Flag {
                    long,
                    short: a.get_short(),
                    usage: first_line(&a.get_help().map(|h| h.to_string()).unwrap_or_default()),
                    takes_value,
                    persistent: a.is_global_set(),
                    hidden,
                    repeatable: matches!(action, ArgAction::Append | ArgAction::Count)
                        || a.get_value_delimiter().is_some(),
                    required: a.is_required_set(),
                })
            })
            .collect();
        // cobra adds `-h, --help` to every command it runs.
        flags.push(Flag {
            long: "help".into(),
            short: Some('h'),
            usage: format!("help for {}", cmd.get_name()),
            takes_value: false,
            persistent: false,
            hidden: false,
            repeatable: false,
            required: false,
        });
        Node {
            name: cmd.get_name().to_string(),
            aliases: cmd.get_all_aliases().map(str::to_string).collect(),
            about: first_line(&cmd.get_about().map(|s| s.to_string()).unwrap_or_default()),
            hidden: cmd.is_hide_set(),
            flags,
            children: cmd.get_subcommands().map(Node::from_clap).collect(),
            plugin: false,
        }
    }

    pub fn child(&self, word: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|c| c.name == word || c.aliases.iter().any(|a| a == word))
    }

    pub fn child_mut(&mut self, word: &str) -> Option<&mut Node> {
        self.children
            .iter_mut()
            .find(|c| c.name == word || c.aliases.iter().any(|a| a == word))
    }

    /// cobra's `IsAvailableCommand` (the help command aside).
    pub fn is_available(&self) -> bool {
        !self.hidden
    }
}

/// The commands from the root to the one found.
pub type Chain<'a> = Vec<&'a Node>;

/// Every flag a command accepts: its own, then the persistent flags of its
/// ancestors (nearest first).
pub fn flags_of<'a>(chain: &[&'a Node]) -> impl Iterator<Item = &'a Flag> + 'a {
    let last = chain.len().saturating_sub(1);
    let own: Vec<&'a Flag> = chain
        .last()
        .map(|n| n.flags.iter().collect())
        .unwrap_or_default();
    let inherited: Vec<&'a Flag> = chain[..last]
        .iter()
        .rev()
        .flat_map(|n| n.flags.iter().filter(|f| f.persistent))
        .collect();
    own.into_iter().chain(inherited)
}

/// Looks a flag up by long name (`_` and `-` alike, as kubectl normalises).
pub fn find_long<'a>(chain: &[&'a Node], name: &str) -> Option<&'a Flag> {
    let name = name.replace('_', "-");
    flags_of(chain).find(|f| f.long == name)
}

pub fn find_short<'a>(chain: &[&'a Node], c: char) -> Option<&'a Flag> {
    flags_of(chain).find(|f| f.short == Some(c))
}

/// cobra's check for `--name value`: unknown flags are assumed to take a
/// value. So is `-h/--help`: cobra defines it only on the command it runs,
/// after the lookup.
fn long_takes_value(chain: &[&Node], name: &str) -> bool {
    find_long(chain, name)
        .filter(|f| f.long != "help")
        .is_none_or(|f| f.takes_value)
}

fn short_takes_value(chain: &[&Node], name: &str) -> bool {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => find_short(chain, c)
            .filter(|f| f.long != "help")
            .is_none_or(|f| f.takes_value),
        _ => true,
    }
}

/// cobra's `stripFlags`: the words of `args` that are not flags or flag values.
pub fn strip_flags(args: &[String], chain: &[&Node]) -> Vec<String> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let s = &args[i];
        i += 1;
        if s == "--" {
            break;
        }
        let value_follows =
            (s.starts_with("--") && !s.contains('=') && long_takes_value(chain, &s[2..]))
                || (s.starts_with('-')
                    && !s.starts_with("--")
                    && !s.contains('=')
                    && s.len() == 2
                    && short_takes_value(chain, &s[1..]));
        if value_follows {
            // The value goes too; a flag last but one ends the scan.
            if args.len() - i <= 1 {
                break;
            }
            i += 1;
            continue;
        }
        if !s.is_empty() && !s.starts_with('-') {
            words.push(s.clone());
        }
    }
    words
}

/// cobra's `argsMinusFirstX`: `args` without the first word equal to `x`
/// that is neither a flag nor a flag's value, and where that word was.
fn args_minus_first(args: &[String], x: &str, chain: &[&Node]) -> (Vec<String>, Option<usize>) {
    let mut pos = 0;
    while pos < args.len() {
        let s = &args[pos];
        if s == "--" {
            break;
        }
        let value_follows =
            (s.starts_with("--") && !s.contains('=') && long_takes_value(chain, &s[2..]))
                || (s.starts_with('-')
                    && !s.contains('=')
                    && s.len() == 2
                    && short_takes_value(chain, &s[1..]));
        if value_follows {
            pos += 2;
            continue;
        }
        if !s.starts_with('-') && s == x {
            let mut rest = args.to_vec();
            rest.remove(pos);
            return (rest, Some(pos));
        }
        pos += 1;
    }
    (args.to_vec(), None)
}

/// What cobra's `Find` returns.
pub struct Found<'a> {
    pub chain: Chain<'a>,
    /// The arguments left for the command found.
    pub args: Vec<String>,
    /// `unknown command "x" for "kuddle"` with suggestions, when the root
    /// was reached with a word it does not know.
    pub error: Option<String>,
    /// Where in `args` each command word after the root stood.
    pub positions: Vec<usize>,
}

/// cobra's `Command.Find` from `root` over `args` (program name excluded).
pub fn find<'a>(root: &'a Node, program: &str, args: &[String]) -> Found<'a> {
    let mut chain = vec![root];
    let mut rest = args.to_vec();
    // The index in `args` of each word still in `rest`.
    let mut origin: Vec<usize> = (0..args.len()).collect();
    let mut positions = Vec::new();
    loop {
        let words = strip_flags(&rest, &chain);
        let Some(next) = words.first() else { break };
        let current = chain[chain.len() - 1];
        match current.child(next) {
            Some(child) => {
                let (left, removed) = args_minus_first(&rest, next, &chain);
                if let Some(at) = removed {
                    positions.push(origin.remove(at));
                }
                rest = left;
                chain.push(child);
            }
            None => break,
        }
    }
    let found = chain[chain.len() - 1];
    let error = if chain.len() == 1 && !found.children.is_empty() {
        strip_flags(&rest, &chain).first().map(|word| {
            format!(
                "unknown command {:?} for {:?}{}",
                word,
                program,
                suggestions(found, word)
            )
        })
    } else {
        None
    };
    Found {
        chain,
        args: rest,
        error,
        positions,
    }
}

/// cobra's "Did you mean this?" block: commands within Levenshtein distance
/// 2 (ignoring case) or starting with what was typed, in definition order.
pub fn suggestions(node: &Node, typed: &str) -> String {
    let mut names: Vec<&str> = node
        .children
        .iter()
        // kubectl 1.37's `alpha` has no subcommands, so cobra never offers it.
        .filter(|c| c.is_available() && c.name != "help" && c.name != "alpha")
        .filter(|c| {
            levenshtein(&typed.to_lowercase(), &c.name.to_lowercase()) <= 2
                || c.name.to_lowercase().starts_with(&typed.to_lowercase())
        })
        .map(|c| c.name.as_str())
        .collect();
    if names.is_empty() {
        return String::new();
    }
    // kubectl turns cobra's sorting off: its commands come in the order it
    // adds them (a stable sort keeps subcommands' own order).
    names.sort_by_key(|n| {
        KUBECTL_ORDER
            .iter()
            .position(|k| k == n)
            .unwrap_or(KUBECTL_ORDER.len())
    });
    let mut text = String::from("\n\nDid you mean this?\n");
    for name in names {
        text.push('\t');
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// The order in which kubectl 1.37 adds its top-level commands.
const KUBECTL_ORDER: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "config",
    "plugin",
    "version",
    "api-versions",
    "api-resources",
    "options",
    "kuberc",
];

fn levenshtein(s: &str, t: &str) -> usize {
    let (s, t) = (s.as_bytes(), t.as_bytes());
    let mut prev: Vec<usize> = (0..=t.len()).collect();
    for (i, &sc) in s.iter().enumerate() {
        let mut row = vec![i + 1; t.len() + 1];
        for (j, &tc) in t.iter().enumerate() {
            let cost = usize::from(sc != tc);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[t.len()]
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_string()
}

/// `kuddle create deployment`: the words naming a chain.
pub fn command_path(chain: &[&Node], program: &str) -> String {
    let mut words = vec![program.to_string()];
    words.extend(chain.iter().skip(1).map(|n| n.name.clone()));
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(long: &str, short: Option<char>, takes_value: bool, persistent: bool) -> Flag {
        Flag {
            long: long.into(),
            short,
            usage: String::new(),
            takes_value,
            persistent,
            hidden: false,
            repeatable: false,
            required: false,
        }
    }

    fn tree() -> Node {
        let deployment = Node {
            name: "deployment".into(),
            aliases: vec!["deploy".into()],
            flags: vec![flag("image", None, true, false)],
            ..Node::default()
        };
        let create = Node {
            name: "create".into(),
            children: vec![deployment],
            ..Node::default()
        };
        let get = Node {
            name: "get".into(),
            ..Node::default()
        };
        let set = Node {
            name: "set".into(),
            ..Node::default()
        };
        Node {
            name: "kuddle".into(),
            flags: vec![
                flag("namespace", Some('n'), true, true),
                flag("insecure-skip-tls-verify", None, false, true),
            ],
            children: vec![create, set, get],
            ..Node::default()
        }
    }

    fn words(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn find_walks_names_and_aliases_past_flags() {
        let root = tree();
        let found = find(
            &root,
            "kuddle",
            &words(&["-n", "x", "create", "deploy", "a", "--image", "i"]),
        );
        assert_eq!(
            command_path(&found.chain, "kuddle"),
            "kuddle create deployment"
        );
        assert_eq!(found.args, words(&["-n", "x", "a", "--image", "i"]));
        assert!(found.error.is_none());
        assert_eq!(found.positions, [2, 3]);
    }

    #[test]
    fn unknown_words_fail_only_at_the_root() {
        let root = tree();
        let found = find(&root, "kuddle", &words(&["gett"]));
        assert_eq!(
            found.error.as_deref(),
            Some("unknown command \"gett\" for \"kuddle\"\n\nDid you mean this?\n\tset\n\tget\n")
        );
        let found = find(&root, "kuddle", &words(&["create", "foo"]));
        assert!(found.error.is_none());
        assert_eq!(found.args, words(&["foo"]));
    }

    #[test]
    fn a_value_flag_last_but_one_ends_the_scan() {
        let root = tree();
        // cobra stops at `-n gett`: nothing is found, no error.
        let found = find(&root, "kuddle", &words(&["-n", "gett"]));
        assert!(found.error.is_none());
        // Unknown flags are assumed to take a value.
        let found = find(&root, "kuddle", &words(&["--bogus", "x", "foo"]));
        assert!(found.error.is_some());
        // cobra defines -h/--help only after the lookup: it takes a value.
        let mut with_help = tree();
        with_help.flags.push(flag("help", Some('h'), false, false));
        let found = find(&with_help, "kuddle", &words(&["-h", "get", "x"]));
        assert!(found.error.is_some());
        // Booleans take none.
        let found = find(
            &root,
            "kuddle",
            &words(&["--insecure-skip-tls-verify", "get"]),
        );
        assert_eq!(command_path(&found.chain, "kuddle"), "kuddle get");
    }

    #[test]
    fn levenshtein_distance() {
        assert_eq!(levenshtein("gett", "get"), 1);
        assert_eq!(levenshtein("gett", "set"), 2);
        assert_eq!(levenshtein("", "abc"), 3);
    }
}
