//! `rollout restart RESOURCE`: replace every pod of a deployment, daemon
//! set or stateful set by stamping its pod template with the time.
//!
//! Examples:
//!   # Restart all deployments in the test-namespace namespace
//!   kuddle rollout restart deployment -n test-namespace
//!
//!   # Restart a deployment
//!   kuddle rollout restart deployment/nginx
//!
//!   # Restart a daemon set
//!   kuddle rollout restart daemonset/abc
//!
//!   # Restart deployments with the app=nginx label
//!   kuddle rollout restart deployment --selector=app=nginx

use anyhow::Result;
use clap::Args;

use super::{run_change, ChangeFlags};
use crate::context::Context;
use crate::rollout::mutate::Change;

#[derive(Args, Debug)]
pub struct RestartArgs {
    #[command(flatten)]
    pub flags: ChangeFlags,
}

pub async fn run(ctx: &mut Context, args: RestartArgs) -> Result<()> {
    run_change(ctx, args.flags, Change::Restart).await
}
