//! Command groups (`set`, `rollout`, `auth`, …) run without a subcommand:
//! what kubectl's `DefaultSubCommandRun` does for them. Shared by the group
//! modules; not a verb.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_quote;

/// Where a group's help goes when it is given nothing to do.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HelpTo {
    Stdout,
    Stderr,
}

/// The group given no subcommand: stray words are a usage error naming all
/// of them (`unknown command "foo bar"`); none prints the group's help and
/// fails with exit code 1.
pub fn without_subcommand(
    ctx: &mut Context,
    path: &[&str],
    unknown: &[String],
    help_to: HelpTo,
) -> Result<()> {
    if !unknown.is_empty() {
        return Err(CliError::usage(
            format!("unknown command {}", go_quote(&unknown.join(" "))),
            ctx.cmd_path.clone(),
        ));
    }
    let help = help_of(path)?;
    match help_to {
        HelpTo::Stdout => ctx.out.write_all(help.as_bytes())?,
        HelpTo::Stderr => ctx.err.write_all(help.as_bytes())?,
    }
    Err(CliError::Exit(1).into())
}

/// The help of the command at `path` below the root (`["config", "view"]`),
/// built first so that it knows its full name and inherited flags.
pub fn help_of(path: &[&str]) -> Result<String> {
    let mut root = crate::app::Cli::command();
    root.build();
    let mut current = &root;
    for word in path {
        current = current
            .find_subcommand(word)
            .ok_or_else(|| anyhow::anyhow!("no command {word}"))?;
    }
    Ok(current.clone().render_help().to_string())
}
