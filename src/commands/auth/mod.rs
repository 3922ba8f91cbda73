//! `auth`: questions about the caller's identity and permissions.

pub mod can_i;
pub mod reconcile;
pub mod whoami;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::command_group::{self as group, HelpTo};
use crate::context::Context;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: Option<AuthCommand>,

    /// kubectl answers stray words with "unknown command".
    #[arg(hide = true, value_name = "SUBCOMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum AuthCommand {
    /// Ask the server whether you may do something (exit code 1: no).
    CanI(can_i::CanIArgs),
    /// Make roles and bindings allow (bind) at least what a manifest's do.
    Reconcile(reconcile::ReconcileArgs),
    /// Show who the server takes you for: user name, UID, groups, extra.
    Whoami(whoami::WhoamiArgs),
}

pub async fn run(ctx: &mut Context, args: AuthArgs) -> Result<()> {
    match args.command {
        Some(AuthCommand::CanI(a)) => can_i::run(ctx, a).await,
        Some(AuthCommand::Reconcile(a)) => reconcile::run(ctx, a).await,
        Some(AuthCommand::Whoami(a)) => whoami::run(ctx, a).await,
        None => group::without_subcommand(ctx, &["auth"], &args.unknown, HelpTo::Stderr),
    }
}
