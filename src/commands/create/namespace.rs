//! `create namespace NAME`
//!
//! Examples:
//!   # A namespace named my-namespace
//!   kuddle create namespace my-namespace

use anyhow::Result;
use clap::Args;

use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::namespace::namespace;
use crate::generate::save_config;

#[derive(Args, Debug)]
pub struct NamespaceArgs {
    /// The namespace's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: NamespaceArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    require_name(&name)?;
    let mut object = namespace(&name);
    save_config(&mut object, args.common.save_config);
    // kubectl reports a failed namespace creation as the server words it.
    create_and_print(ctx, &mut resolved, object, "").await
}
