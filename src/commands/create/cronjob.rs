//! `create cronjob NAME --image=IMAGE --schedule=CRON [--restart=POLICY] [-- COMMAND args…]`
//!
//! Examples:
//!   # A cron job running every minute
//!   kuddle create cronjob my-job --image=busybox --schedule="*/1 * * * *"
//!
//!   # With a command
//!   kuddle create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date

use anyhow::Result;
use clap::Args;

use super::{create_and_print, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::cronjob::CronJobSpec;
use crate::generate::save_config;

#[derive(Args, Debug)]
pub struct CronJobArgs {
    /// NAME, then optionally `-- COMMAND [args…]` for the container.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Command and arguments for the container, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    /// The image to run.
    #[arg(
        allow_hyphen_values = true,
        long = "image",
        value_name = "IMAGE",
        required = true
    )]
    pub image: String,

    /// When to run, in cron's format.
    #[arg(
        allow_hyphen_values = true,
        long = "schedule",
        value_name = "CRON",
        required = true
    )]
    pub schedule: String,

    /// The job's restart policy: OnFailure (the default) or Never.
    #[arg(
        allow_hyphen_values = true,
        long = "restart",
        value_name = "POLICY",
        default_value = ""
    )]
    pub restart: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: CronJobArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let namespace = ctx.enforced_namespace();
    let mut object = CronJobSpec {
        name: &name,
        namespace: namespace.as_deref(),
        image: &args.image,
        schedule: &args.schedule,
        restart: &args.restart,
        command: &args.command,
    }
    .build();
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "failed to create cronjob: ").await
}
