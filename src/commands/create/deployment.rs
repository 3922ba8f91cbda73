//! `create deployment NAME --image=IMAGE [-- COMMAND args…]`
//!
//! Examples:
//!   # Create a deployment named my-dep that runs the busybox image
//!   kuddle create deployment my-dep --image=busybox
//!
//!   # Create a deployment with 3 replicas and a command
//!   kuddle create deployment my-dep --image=busybox --replicas=3 -- date

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use super::{create_and_print, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::flags::go_values::{go_int32, go_string_slice, string_slice_items, StringSlice};
use crate::generate::deployment::DeploymentSpec;
use crate::generate::save_config;

#[derive(Args, Debug)]
pub struct DeploymentArgs {
    /// NAME, then optionally `-- COMMAND [args…]` for the container.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Image to run; repeat (or separate with commas) for several containers.
    #[arg(allow_hyphen_values = true, long = "image", value_name = "IMAGE", required = true, value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub images: Vec<StringSlice>,

    /// Number of replicas.
    #[arg(allow_hyphen_values = true, short = 'r', long, value_name = "N", default_value = "1", value_parser = go_int32)]
    pub replicas: i32,

    /// Port the first container exposes.
    #[arg(allow_hyphen_values = true, long, value_name = "PORT", default_value = "-1", value_parser = go_int32)]
    pub port: i32,

    /// Command and arguments for the container, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: DeploymentArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    // kubectl builds its client (and reports a broken kubeconfig) right
    // after reading the name, even for --dry-run=client.
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let images = string_slice_items(&args.images);
    if images.len() > 1 && !args.command.is_empty() {
        bail!("cannot specify multiple --image options and command");
    }
    let mut object = DeploymentSpec {
        name,
        images,
        replicas: args.replicas,
        port: args.port,
        command: args.command,
        namespace: ctx.enforced_namespace(),
    }
    .build();
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "failed to create deployment: ").await
}
