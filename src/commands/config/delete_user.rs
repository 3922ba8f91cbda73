//! `config delete-user NAME`: remove a user from the file that defines it.
//!
//! Examples:
//!   # Delete the minikube user
//!   kuddle config delete-user minikube

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;
use crate::error::CliError;
use crate::kubeconfig::modify::{modify_config, Touched};

#[derive(Args, Debug)]
pub struct DeleteUserArgs {
    /// The user to delete.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

pub fn run(ctx: &mut Context, args: DeleteUserArgs) -> Result<()> {
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let [name] = args.names.as_slice() else {
        return Err(CliError::usage(
            "user to delete is required",
            ctx.cmd_path.clone(),
        ));
    };
    let file = access.default_filename();
    if config.auth_infos.remove(name).is_none() {
        bail!("cannot delete user {name}, not in {file}");
    }
    modify_config(&access, &config, true, &Touched::default())?;
    writeln!(ctx.out, "deleted user {name} from {file}")?;
    Ok(())
}
