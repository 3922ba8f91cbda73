//! `config get-users`: the user names of the merged kubeconfig, sorted.
//!
//! Examples:
//!   # List the users kuddle knows about
//!   kuddle config get-users

use std::io::Write as _;

use anyhow::Result;
use clap::Args;

use crate::context::Context;

#[derive(Args, Debug)]
pub struct GetUsersArgs {
    /// Ignored, as kubectl ignores them.
    #[arg(hide = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

pub fn run(ctx: &mut Context, _args: GetUsersArgs) -> Result<()> {
    let config = super::path_options(ctx).starting_config()?;
    writeln!(ctx.out, "NAME")?;
    for name in config.auth_infos.keys() {
        writeln!(ctx.out, "{name}")?;
    }
    Ok(())
}
