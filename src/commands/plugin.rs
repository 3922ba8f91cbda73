//! `plugin list`: the plugin executables on PATH, and what is wrong with
//! them (not executable, shadowed by an earlier one of the same name,
//! overwriting a built-in command).
//!
//! Examples:
//!   # List all available plugins
//!   kuddle plugin list
//!
//!   # Only the plugins' file names, without folders
//!   kuddle plugin list --name-only

use std::io::Write;

use anyhow::Result;
use clap::{ArgAction, Args, CommandFactory, Subcommand};

use crate::cmdtree::Node;
use crate::command_group::{self as group, HelpTo};
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_bool;
use crate::plugin::list::{find_plugins, Verifier};

/// Plugins are executables named `kubectl-<name>` on PATH; `kuddle <name>`
/// runs them (see plugins/README.md for how to write one).
#[derive(Args, Debug)]
#[command(disable_help_subcommand = true)]
pub struct PluginArgs {
    #[command(subcommand)]
    pub command: Option<PluginCommand>,

    /// Unknown subcommands end up here, to be refused in kubectl's words.
    #[arg(hide = true)]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum PluginCommand {
    /// List the plugin executables on PATH.
    List(ListArgs),
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  # List all available plugins
  kuddle plugin list

  # Only the plugins' file names, without folders
  kuddle plugin list --name-only")]
pub struct ListArgs {
    /// Print only each plugin's file name, not its full path.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub name_only: bool,

    /// Ignored, as kubectl ignores them.
    #[arg(hide = true)]
    pub ignored: Vec<String>,
}

pub fn run(ctx: &mut Context, args: PluginArgs) -> Result<()> {
    match args.command {
        Some(PluginCommand::List(list)) => run_list(ctx, list),
        None => group::without_subcommand(ctx, &["plugin"], &args.unknown, HelpTo::Stderr),
    }
}

fn run_list(ctx: &mut Context, args: ListArgs) -> Result<()> {
    let root = Node::from_clap(&crate::app::Cli::command());
    let path = std::env::var_os("PATH");
    let plugins = find_plugins(path.as_deref(), &mut ctx.err);
    let mut errors = Vec::new();
    if plugins.is_empty() {
        errors.push("error: unable to find any kubectl plugins in your PATH".to_string());
    } else {
        writeln!(ctx.out, "The following compatible plugins are available:\n")?;
    }
    let mut verifier = Verifier::new(&root);
    let mut warnings = 0;
    for plugin in &plugins {
        if args.name_only {
            let name = plugin.file_name().unwrap_or_default().to_string_lossy();
            writeln!(ctx.out, "{name}")?;
        } else {
            writeln!(ctx.out, "{}", plugin.display())?;
        }
        // Keep the two streams in step, as kubectl's unbuffered ones are.
        ctx.out.flush()?;
        for problem in verifier.verify(plugin) {
            writeln!(ctx.err, "  - {problem}")?;
            warnings += 1;
        }
    }
    match warnings {
        0 => {}
        1 => errors.push("error: one plugin warning was found".to_string()),
        n => errors.push(format!("error: {n} plugin warnings were found")),
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(CliError::Verbatim(errors.join("\n")).into())
}
