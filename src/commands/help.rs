//! `help [COMMAND…]`: the help of a command; the root's help also lists the
//! plugins found on PATH.

use std::io::Write;

use anyhow::Result;
use clap::{Args, CommandFactory};

use crate::app::Cli;
use crate::cmdtree::{self, Node};
use crate::context::Context;
use crate::error::PROGRAM;
use crate::flags::go_values::go_quote;

#[derive(Args, Debug)]
pub struct HelpArgs {
    /// The command to describe, e.g. `create deployment`.
    #[arg(value_name = "COMMAND")]
    pub topic: Vec<String>,
}

pub fn run(ctx: &mut Context, args: HelpArgs) -> Result<()> {
    if args.topic.is_empty() {
        ctx.out.write_all(root_help().as_bytes())?;
        return Ok(());
    }
    let tree = Node::from_clap(&Cli::command());
    let found = cmdtree::find(&tree, PROGRAM, &args.topic);
    if found.error.is_some() {
        // cobra: the unknown topic, then the root's usage, on stderr; success.
        writeln!(
            ctx.err,
            "Unknown help topic {}",
            go_backquoted_list(&args.topic)
        )?;
        ctx.err.write_all(root_help().as_bytes())?;
        return Ok(());
    }
    // Built first, so the subcommand knows its full name and inherited flags.
    let mut command = Cli::command();
    command.build();
    let mut current = &command;
    for node in found.chain.iter().skip(1) {
        match current.find_subcommand(&node.name) {
            Some(sub) => current = sub,
            None => break,
        }
    }
    let help = current.clone().render_long_help().to_string();
    ctx.out.write_all(help.as_bytes())?;
    Ok(())
}

/// The root help, with the plugins found on PATH listed after the commands.
pub fn root_help() -> String {
    let mut command = Cli::command();
    let tree = Node::from_clap(&command);
    let plugins = crate::plugin::list::find_plugins(
        std::env::var_os("PATH").as_deref(),
        &mut std::io::sink(),
    );
    let section = crate::plugin::help::help_section(&tree, &plugins);
    let help = command.render_long_help().to_string();
    if section.is_empty() {
        return help;
    }
    match help.find("\nOptions:\n") {
        Some(i) => format!("{}\n{section}{}", &help[..i], &help[i..]),
        None => format!("{help}\n{section}"),
    }
}

/// Go's `%#q` of a string slice: ``[`a` `b`]``.
fn go_backquoted_list(words: &[String]) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| {
            if w.contains('`') || w.chars().any(|c| c.is_control()) {
                go_quote(w)
            } else {
                format!("`{w}`")
            }
        })
        .collect();
    format!("[{}]", quoted.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backquoted_topics() {
        let words = vec!["gett".to_string(), "a`b".to_string()];
        assert_eq!(go_backquoted_list(&words), "[`gett` \"a`b\"]");
    }
}
