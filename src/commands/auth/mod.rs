//! `auth`: questions about the caller's identity and permissions.

pub mod can_i;
pub mod reconcile;
pub mod whoami;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::context::Context;

#[derive(Args, Debug)]
#[command(subcommand_required = true)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: AuthCommand,
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
        AuthCommand::CanI(a) => can_i::run(ctx, a).await,
        AuthCommand::Reconcile(a) => reconcile::run(ctx, a).await,
        AuthCommand::Whoami(a) => whoami::run(ctx, a).await,
    }
}
