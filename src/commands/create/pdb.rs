//! `create poddisruptionbudget NAME --selector=SELECTOR --min-available=N|--max-unavailable=N`
//!
//! Examples:
//!   # Keep at least one pod with app=rails available
//!   kuddle create poddisruptionbudget my-pdb --selector=app=rails --min-available=1
//!
//!   # Keep at least half of the pods with app=nginx available
//!   kuddle create pdb my-pdb --selector=app=nginx --min-available=50%

use anyhow::{anyhow, Result};
use clap::Args;

use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::pdb::PdbSpec;
use crate::generate::save_config;

#[derive(Args, Debug)]
pub struct PdbArgs {
    /// The budget's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// How many (or what percentage) of the selected pods must stay available.
    #[arg(
        allow_hyphen_values = true,
        long = "min-available",
        value_name = "N",
        default_value = ""
    )]
    pub min_available: String,

    /// How many (or what percentage) of the selected pods may be unavailable.
    #[arg(
        allow_hyphen_values = true,
        long = "max-unavailable",
        value_name = "N",
        default_value = ""
    )]
    pub max_unavailable: String,

    /// The label selector of the pods the budget protects.
    #[arg(
        allow_hyphen_values = true,
        long = "selector",
        value_name = "SELECTOR",
        default_value = ""
    )]
    pub selector: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: PdbArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let namespace = ctx.enforced_namespace();
    let spec = PdbSpec {
        name: &name,
        namespace: namespace.as_deref(),
        selector: &args.selector,
        min_available: &args.min_available,
        max_unavailable: &args.max_unavailable,
    };
    require_name(&name)?;
    spec.validate().map_err(|e| anyhow!(e))?;
    let mut object = spec.build().map_err(|e| anyhow!(e))?;
    save_config(&mut object, args.common.save_config);
    create_and_print(
        ctx,
        &mut resolved,
        object,
        "failed to create poddisruptionbudgets: ",
    )
    .await
}
