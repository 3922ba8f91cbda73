//! `alpha`: kubectl 1.37 has no alpha commands, and says so (on stderr,
//! successfully) whatever follows.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use crate::context::Context;

#[derive(Args, Debug)]
pub struct AlphaArgs {
    /// Ignored: there is no alpha command to run.
    #[arg(hide = true)]
    pub ignored: Vec<String>,
}

pub fn run(ctx: &mut Context, _args: AlphaArgs) -> Result<()> {
    writeln!(
        ctx.err,
        "No alpha commands are available in this version of kubectl"
    )?;
    Ok(())
}
