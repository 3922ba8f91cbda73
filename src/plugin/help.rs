//! Plugins as commands: the "Subcommands provided by plugins" section of the
//! root help, and the plugin commands completion adds to the tree.

use std::path::PathBuf;

use crate::cmdtree::{self, Node};

/// The description kubectl gives every plugin command.
pub fn plugin_about(name: &str) -> String {
    format!("The command {name} is a plugin installed by the user")
}

/// A plugin file's name words: `kubectl-foo-bar_baz` → `["foo", "bar-baz"]`.
fn name_words(path: &std::path::Path) -> Vec<String> {
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    base.split('-')
        .skip(1)
        .map(|w| w.replace('_', "-"))
        .collect()
}

/// The help section listing plugins by their first name word, one line per
/// plugin file whose first word is not a built-in command (duplicates kept,
/// as kubectl does). Empty when there are none.
pub fn help_section(root: &Node, plugins: &[PathBuf]) -> String {
    let mut lines = String::new();
    for path in plugins {
        let first: Vec<String> = name_words(path).into_iter().take(1).collect();
        let found = cmdtree::find(root, crate::error::PROGRAM, &first);
        for name in &found.args {
            // cobra pads names of parentless commands to 11 columns.
            lines.push_str(&format!("  {name:<11}   {}\n", plugin_about(name)));
        }
    }
    if lines.is_empty() {
        return lines;
    }
    format!("Subcommands provided by plugins:\n{lines}")
}

/// Adds every plugin as a command (nested names as nested commands) for
/// completion, the way kubectl registers them before completing.
pub fn add_plugin_commands(root: &mut Node, plugins: &[PathBuf]) {
    for path in plugins {
        let words = name_words(path);
        // The deepest existing command, then a command per remaining word.
        let (chain_names, remaining) = {
            let found = cmdtree::find(root, crate::error::PROGRAM, &words);
            let names: Vec<String> = found.chain.iter().skip(1).map(|n| n.name.clone()).collect();
            (names, found.args)
        };
        let mut node = &mut *root;
        for name in &chain_names {
            match node.children.iter().position(|c| &c.name == name) {
                Some(i) => node = &mut node.children[i],
                None => break,
            }
        }
        for word in remaining {
            node.children.push(Node {
                about: plugin_about(&word),
                name: word,
                plugin: true,
                ..Node::default()
            });
            let last = node.children.len() - 1;
            node = &mut node.children[last];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> Node {
        use clap::CommandFactory;
        Node::from_clap(&crate::app::Cli::command())
    }

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| PathBuf::from(format!("/p/{n}")))
            .collect()
    }

    #[test]
    fn help_lists_first_words_that_are_not_builtins() {
        let section = help_section(
            &root(),
            &paths(&[
                "kubectl-create-foo",
                "kubectl-foo",
                "kubectl-foo-bar",
                "kubectl-x_y",
            ]),
        );
        assert_eq!(
            section,
            "Subcommands provided by plugins:\n\
             \x20 foo           The command foo is a plugin installed by the user\n\
             \x20 foo           The command foo is a plugin installed by the user\n\
             \x20 x-y           The command x-y is a plugin installed by the user\n"
        );
        assert_eq!(help_section(&root(), &paths(&["kubectl-create"])), "");
    }

    #[test]
    fn plugin_commands_nest() {
        let mut root = root();
        add_plugin_commands(
            &mut root,
            &paths(&[
                "kubectl-foo",
                "kubectl-foo-bar",
                "kubectl-foo",
                "kubectl-create-x",
            ]),
        );
        let foo = root.child("foo").unwrap();
        assert!(foo.plugin);
        assert_eq!(foo.children.len(), 1);
        assert_eq!(foo.children[0].name, "bar");
        assert!(root.child("create").unwrap().child("x").unwrap().plugin);
        assert_eq!(root.children.iter().filter(|c| c.name == "foo").count(), 1);
    }
}
