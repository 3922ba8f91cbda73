//! `config unset PROPERTY_NAME`: remove one value by its path in the
//! kubeconfig (an entry, a field, or a whole section).
//!
//! Examples:
//!   # Unset the current-context
//!   kuddle config unset current-context
//!
//!   # Unset the namespace of the foo context
//!   kuddle config unset contexts.foo.namespace

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;
use crate::flags::go_values::go_quote;
use crate::kubeconfig::modify::{modify_config, Touched};
use crate::kubeconfig::property::{self, Action, Steps};

#[derive(Args, Debug)]
pub struct UnsetArgs {
    /// The property's path.
    #[arg(value_name = "PROPERTY_NAME")]
    pub words: Vec<String>,
}

pub fn run(ctx: &mut Context, args: UnsetArgs) -> Result<()> {
    let [name] = args.words.as_slice() else {
        let msg = format!("Unexpected args: {}", super::go_list(&args.words));
        return Err(super::help_error(ctx, "unset", msg));
    };
    if name.is_empty() {
        bail!("you must specify a property");
    }
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let mut touched = Touched::default();
    Steps::parse(name)
        .and_then(|steps| property::apply(&mut config, &steps, Action::Unset, &mut touched))
        .map_err(|e| super::set::property_error(ctx, e))?;
    modify_config(&access, &config, false, &touched)?;
    writeln!(ctx.out, "Property {} unset.", go_quote(name))?;
    Ok(())
}
