//! `config get-clusters`: the cluster names of the merged kubeconfig.
//!
//! Examples:
//!   # List the clusters kuddle knows about
//!   kuddle config get-clusters

use std::io::Write as _;

use anyhow::Result;
use clap::Args;

use crate::context::Context;

#[derive(Args, Debug)]
pub struct GetClustersArgs {
    /// Ignored, as kubectl ignores them.
    #[arg(hide = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// kubectl lists them in Go's random map order; kuddle sorts them.
pub fn run(ctx: &mut Context, _args: GetClustersArgs) -> Result<()> {
    let config = super::path_options(ctx).starting_config()?;
    writeln!(ctx.out, "NAME")?;
    for name in config.clusters.keys() {
        writeln!(ctx.out, "{name}")?;
    }
    Ok(())
}
