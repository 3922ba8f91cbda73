//! `rollout resume RESOURCE`: let the controller of a paused deployment
//! roll out again.
//!
//! Examples:
//!   # Resume an already paused deployment
//!   kuddle rollout resume deployment/nginx

use anyhow::Result;
use clap::Args;

use super::{run_change, ChangeFlags};
use crate::context::Context;
use crate::rollout::mutate::Change;

#[derive(Args, Debug)]
pub struct ResumeArgs {
    #[command(flatten)]
    pub flags: ChangeFlags,
}

pub async fn run(ctx: &mut Context, args: ResumeArgs) -> Result<()> {
    run_change(ctx, args.flags, Change::Resume).await
}
