//! `create deployment NAME --image=IMAGE [-- COMMAND args…]`
//!
//! Examples:
//!   # Create a deployment named my-dep that runs the busybox image
//!   kuddle create deployment my-dep --image=busybox
//!
//!   # Create a deployment with 3 replicas and a command
//!   kuddle create deployment my-dep --image=busybox --replicas=3 -- date

use anyhow::{bail, Result};
use clap::Args;

use super::CreateCommonFlags;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::DryRun;
use crate::generate::deployment::DeploymentSpec;
use crate::printers::OBJECT_FORMATS;

#[derive(Args, Debug)]
pub struct DeploymentArgs {
    /// NAME, then optionally `-- COMMAND [args…]` for the container.
    #[arg(value_name = "NAME", trailing_var_arg = false)]
    pub names: Vec<String>,

    /// Image to run; repeat (or separate with commas) for several containers.
    #[arg(long = "image", value_name = "IMAGE", required = true, value_delimiter = ',', action = clap::ArgAction::Append)]
    pub images: Vec<String>,

    /// Number of replicas.
    #[arg(short = 'r', long, value_name = "N", default_value = "1", value_parser = crate::flags::go_values::go_int32)]
    pub replicas: i32,

    /// Port the first container exposes.
    #[arg(long, value_name = "PORT", default_value = "-1", value_parser = crate::flags::go_values::go_int32)]
    pub port: i32,

    /// Command and arguments for the container, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: DeploymentArgs) -> Result<()> {
    let mut printer = args.common.print.printer(OBJECT_FORMATS)?;
    let dry_run = args.common.dry_run.strategy(&mut ctx.err)?;
    if args.names.len() != 1 {
        return Err(CliError::usage(
            format!("exactly one NAME is required, got {}", args.names.len()),
            ctx.cmd_path.clone(),
        ));
    }
    // kubectl builds its client (and reports a broken kubeconfig) right
    // after reading the name, even for --dry-run=client.
    ctx.client_config()?;
    if args.images.len() > 1 && !args.command.is_empty() {
        bail!("cannot specify multiple --image options and command");
    }
    let spec = DeploymentSpec {
        name: args.names[0].clone(),
        images: args.images,
        replicas: args.replicas,
        port: args.port,
        command: args.command,
        namespace: ctx.global.namespace.clone(),
    };
    let object = spec.build();
    match dry_run {
        DryRun::Client => match printer.as_mut() {
            Some(p) => p.print(&object, &mut ctx.out),
            None => {
                use std::io::Write;
                writeln!(
                    ctx.out,
                    "deployment.apps/{} created{}",
                    spec.name,
                    dry_run.suffix()
                )?;
                Ok(())
            }
        },
        DryRun::None | DryRun::Server => {
            bail!("creating objects on a server is not available yet")
        }
    }
}
