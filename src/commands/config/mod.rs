//! `config`: read and change kubeconfig files (`view` for now).

pub mod view;

use std::io::Write as _;

use anyhow::Result;
use clap::{Args, CommandFactory, Subcommand};

use crate::context::Context;
use crate::error::CliError;

/// Work with kubeconfig files. Files load from --kubeconfig only, else from the
/// KUBECONFIG list (merged, first definition wins), else from ~/.kube/config.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: Option<ConfigCommand>,

    /// kubectl answers stray words with "unknown command".
    #[arg(hide = true, value_name = "SUBCOMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Display merged kubeconfig settings or a specified kubeconfig file.
    View(view::ViewArgs),
}

pub async fn run(ctx: &mut Context, args: ConfigArgs) -> Result<()> {
    match args.command {
        Some(ConfigCommand::View(a)) => view::run(ctx, a),
        None => match args.unknown.first() {
            Some(word) => Err(CliError::usage(
                format!("unknown command {word:?}"),
                ctx.cmd_path.clone(),
            )),
            None => {
                // Like kubectl: the help goes to stderr and the exit code is 1.
                let mut root = crate::app::Cli::command();
                if let Some(cmd) = root.find_subcommand_mut("config") {
                    write!(ctx.err, "{}", cmd.render_help())?;
                }
                Err(CliError::Exit(1).into())
            }
        },
    }
}
