//! `config delete-context NAME`: remove a context from the file that
//! defines it (warning when it was the current one).
//!
//! Examples:
//!   # Delete the context for the minikube cluster
//!   kuddle config delete-context minikube

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;
use crate::error::PROGRAM;
use crate::kubeconfig::modify::{modify_config, Touched};

#[derive(Args, Debug)]
pub struct DeleteContextArgs {
    /// The context to delete.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

pub fn run(ctx: &mut Context, args: DeleteContextArgs) -> Result<()> {
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let [name] = args.names.as_slice() else {
        // kubectl shows the help and succeeds.
        ctx.out
            .write_all(super::render_help(&["delete-context"])?.as_bytes())?;
        return Ok(());
    };
    let file = access.default_filename();
    if !config.contexts.contains_key(name) {
        bail!("cannot delete context {name}, not in {file}");
    }
    if config.current_context == *name {
        writeln!(
            ctx.err,
            "warning: this removed your active context, use \"{PROGRAM} config use-context\" to select a different one"
        )?;
    }
    config.contexts.remove(name);
    modify_config(&access, &config, true, &Touched::default())?;
    writeln!(ctx.out, "deleted context {name} from {file}")?;
    Ok(())
}
