//! `create`: subcommands that build an object from flags and send it (or, with
//! `--dry-run=client`, only print it).

pub mod deployment;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::context::Context;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::PrintFlags;

#[derive(Args, Debug)]
#[command(subcommand_required = true)]
pub struct CreateArgs {
    #[command(subcommand)]
    pub command: CreateCommand,
}

#[derive(Subcommand, Debug)]
pub enum CreateCommand {
    /// Create a deployment with the given name.
    #[command(visible_alias = "deploy")]
    Deployment(deployment::DeploymentArgs),
}

/// Flags every `create <kind>` subcommand shares.
#[derive(Args, Debug, Clone, Default)]
pub struct CreateCommonFlags {
    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-create"
    )]
    pub field_manager: String,
}

pub async fn run(ctx: &mut Context, args: CreateArgs) -> Result<()> {
    match args.command {
        CreateCommand::Deployment(a) => deployment::run(ctx, a).await,
    }
}
