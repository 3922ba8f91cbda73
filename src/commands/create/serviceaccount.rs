//! `create serviceaccount NAME`
//!
//! Examples:
//!   # A service account named my-service-account
//!   kuddle create serviceaccount my-service-account

use anyhow::Result;
use clap::Args;

use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::save_config;
use crate::generate::serviceaccount::service_account;

#[derive(Args, Debug)]
pub struct ServiceAccountArgs {
    /// The service account's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: ServiceAccountArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    require_name(&name)?;
    let mut object = service_account(&name, ctx.enforced_namespace().as_deref());
    save_config(&mut object, args.common.save_config);
    create_and_print(
        ctx,
        &mut resolved,
        object,
        "failed to create serviceaccount: ",
    )
    .await
}
