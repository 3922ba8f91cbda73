//! `config use-context NAME` (or `use`): make a context the current-context.
//! The change goes to the `--kubeconfig` file, else to the default file of
//! the `KUBECONFIG` list, else to `~/.kube/config`.
//!
//! Examples:
//!   # Use the context for the minikube cluster
//!   kuddle config use-context minikube

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;
use crate::flags::go_values::go_quote;
use crate::kubeconfig::modify::{modify_config, Touched};

#[derive(Args, Debug)]
pub struct UseContextArgs {
    /// The context to use.
    #[arg(value_name = "CONTEXT_NAME")]
    pub names: Vec<String>,
}

pub fn run(ctx: &mut Context, args: UseContextArgs) -> Result<()> {
    let [name] = args.names.as_slice() else {
        let msg = format!("Unexpected args: {}", super::go_list(&args.names));
        return Err(super::help_error(ctx, "use-context", msg));
    };
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    if name.is_empty() {
        bail!("empty context names are not allowed");
    }
    if !config.contexts.contains_key(name) {
        bail!("no context exists with the name: {}", go_quote(name));
    }
    config.current_context = name.clone();
    modify_config(&access, &config, true, &Touched::default())?;
    writeln!(ctx.out, "Switched to context {}.", go_quote(name))?;
    Ok(())
}
