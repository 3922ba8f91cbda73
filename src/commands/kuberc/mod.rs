//! `kuberc`: show and change the kuberc preferences file (aliases and
//! default flags; see `crate::kuberc`).
//!
//! Examples:
//!   # Show the kuberc in effect
//!   kuddle kuberc view
//!
//!   # Make `get` print wide tables unless told otherwise
//!   kuddle kuberc set --section defaults --command get --option output=wide
//!
//!   # `getn` lists nodes, wide
//!   kuddle kuberc set --section aliases --name getn --command get --prependarg nodes --option output=wide

pub mod set;
pub mod view;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::command_group::{self as group, HelpTo};
use crate::context::Context;

/// Show or change the kuberc file: aliases and default flags for commands.
#[derive(Args, Debug)]
pub struct KubercArgs {
    #[command(subcommand)]
    pub command: Option<KubercCommand>,

    /// kubectl answers stray words with "unknown command".
    #[arg(hide = true, value_name = "SUBCOMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum KubercCommand {
    /// Change aliases, default flags or the credential plugin policy.
    Set(set::SetArgs),
    /// Show the kuberc file in effect.
    View(view::ViewArgs),
}

pub fn run(ctx: &mut Context, args: KubercArgs) -> Result<()> {
    match args.command {
        Some(KubercCommand::Set(a)) => set::run(ctx, a),
        Some(KubercCommand::View(a)) => view::run(ctx, a),
        None => group::without_subcommand(ctx, &["kuberc"], &args.unknown, HelpTo::Stderr),
    }
}

/// The kuberc file these commands work on (`--kuberc`, `KUBERC`, or the
/// default), and whether it was named; kuberc turned off is an error here.
fn kuberc_file(ctx: &Context) -> Result<(String, bool)> {
    let explicit = ctx.global.kuberc.clone().unwrap_or_default();
    match crate::kuberc::locate(&explicit).map_err(anyhow::Error::msg)? {
        Some(found) => Ok(found),
        None => anyhow::bail!("KUBERC is disabled via KUBERC=off environment variable"),
    }
}
