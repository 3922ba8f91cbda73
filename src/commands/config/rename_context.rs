//! `config rename-context OLD NEW`: give a context a new name (in the file
//! that defines it); the current-context follows.
//!
//! Examples:
//!   # Rename the context 'old-name' to 'new-name'
//!   kuddle config rename-context old-name new-name

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;
use crate::flags::go_values::go_quote;
use crate::kubeconfig::modify::{modify_config, Touched};

#[derive(Args, Debug)]
pub struct RenameContextArgs {
    /// The context's name, then its new name.
    #[arg(value_name = "CONTEXT_NAME NEW_NAME")]
    pub names: Vec<String>,
}

pub fn run(ctx: &mut Context, args: RenameContextArgs) -> Result<()> {
    let [old, new] = args.names.as_slice() else {
        let msg = format!("Unexpected args: {}", super::go_list(&args.names));
        return Err(super::help_error(ctx, "rename-context", msg));
    };
    if new.is_empty() {
        bail!("You must specify a new non-empty context name");
    }
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let file = access.default_filename();
    let Some(context) = config.contexts.get(old).cloned() else {
        bail!(
            "cannot rename the context {}, it's not in {file}",
            go_quote(old)
        );
    };
    if config.contexts.contains_key(new) {
        bail!(
            "cannot rename the context {}, the context {} already exists in {file}",
            go_quote(old),
            go_quote(new)
        );
    }
    config.contexts.insert(new.clone(), context);
    config.contexts.remove(old);
    if config.current_context == *old {
        config.current_context = new.clone();
    }
    modify_config(&access, &config, true, &Touched::default())?;
    writeln!(
        ctx.out,
        "Context {} renamed to {}.",
        go_quote(old),
        go_quote(new)
    )?;
    Ok(())
}
