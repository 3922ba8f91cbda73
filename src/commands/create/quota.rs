//! `create quota NAME [--hard=resource=quantity,…] [--scopes=Scope,…]`
//!
//! Examples:
//!   # A quota on compute resources and object counts
//!   kuddle create quota my-quota --hard=cpu=1,memory=1G,pods=2,services=3,secrets=5
//!
//!   # A quota that only counts best-effort pods
//!   kuddle create quota best-effort --hard=pods=100 --scopes=BestEffort

use anyhow::{anyhow, Result};
use clap::Args;

use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::quota::QuotaSpec;
use crate::generate::save_config;

#[derive(Args, Debug)]
pub struct QuotaArgs {
    /// The quota's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// Hard limits, as comma-separated `resource=quantity` pairs.
    #[arg(
        allow_hyphen_values = true,
        long = "hard",
        value_name = "LIMITS",
        default_value = ""
    )]
    pub hard: String,

    /// Comma-separated scopes every object the quota counts must match.
    #[arg(
        allow_hyphen_values = true,
        long = "scopes",
        value_name = "SCOPES",
        default_value = ""
    )]
    pub scopes: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: QuotaArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    require_name(&name)?;
    let namespace = ctx.enforced_namespace();
    let mut object = QuotaSpec {
        name: &name,
        namespace: namespace.as_deref(),
        hard: &args.hard,
        scopes: &args.scopes,
    }
    .build()
    .map_err(|e| anyhow!(e))?;
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "failed to create quota: ").await
}
