//! `config current-context`: print the current-context of the merged
//! kubeconfig.
//!
//! Examples:
//!   # Show the current-context
//!   kuddle config current-context

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;

#[derive(Args, Debug)]
pub struct CurrentContextArgs {
    /// Ignored, as kubectl ignores them.
    #[arg(hide = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

pub fn run(ctx: &mut Context, _args: CurrentContextArgs) -> Result<()> {
    let config = super::path_options(ctx).starting_config()?;
    if config.current_context.is_empty() {
        bail!("current-context is not set");
    }
    writeln!(ctx.out, "{}", config.current_context)?;
    Ok(())
}
