//! `rollout pause RESOURCE`: mark deployments as paused; a paused
//! deployment's controller does not roll out changes to its template.
//!
//! Examples:
//!   # Mark the nginx deployment as paused: the pods it runs keep running,
//!   # changes to the deployment take effect once it is resumed
//!   kuddle rollout pause deployment/nginx

use anyhow::Result;
use clap::Args;

use super::{run_change, ChangeFlags};
use crate::context::Context;
use crate::rollout::mutate::Change;

#[derive(Args, Debug)]
pub struct PauseArgs {
    #[command(flatten)]
    pub flags: ChangeFlags,
}

pub async fn run(ctx: &mut Context, args: PauseArgs) -> Result<()> {
    run_change(ctx, args.flags, Change::Pause).await
}
