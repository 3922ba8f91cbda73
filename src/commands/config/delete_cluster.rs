//! `config delete-cluster NAME`: remove a cluster from the file that
//! defines it.
//!
//! Examples:
//!   # Delete the minikube cluster
//!   kuddle config delete-cluster minikube

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;
use crate::kubeconfig::modify::{modify_config, Touched};

#[derive(Args, Debug)]
pub struct DeleteClusterArgs {
    /// The cluster to delete.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

pub fn run(ctx: &mut Context, args: DeleteClusterArgs) -> Result<()> {
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let [name] = args.names.as_slice() else {
        // kubectl shows the help and succeeds.
        ctx.out
            .write_all(super::render_help(&["delete-cluster"])?.as_bytes())?;
        return Ok(());
    };
    let file = access.default_filename();
    if config.clusters.remove(name).is_none() {
        bail!("cannot delete cluster {name}, not in {file}");
    }
    modify_config(&access, &config, true, &Touched::default())?;
    writeln!(ctx.out, "deleted cluster {name} from {file}")?;
    Ok(())
}
