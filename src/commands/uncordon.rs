//! `uncordon NODE | -l SELECTOR`: mark nodes schedulable again.

use anyhow::Result;
use clap::Args;

use crate::context::Context;
use crate::flags::dry_run::DryRunFlags;
use crate::node::UnschedulableChange;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  # Let new pods onto node \"foo\" again
  kuddle uncordon foo")]
pub struct UncordonArgs {
    /// The node(s) to uncordon (NAME or node/NAME).
    #[arg(value_name = "NODE")]
    pub nodes: Vec<String>,

    /// Selector (label query) over nodes, e.g. -l key1=value1,key2 in (v2); every constraint must hold.
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    #[command(flatten)]
    pub dry_run: DryRunFlags,
}

pub async fn run(ctx: &mut Context, args: UncordonArgs) -> Result<()> {
    let change = UnschedulableChange {
        desired: false,
        usage: "uncordon NODE",
    };
    change
        .run(ctx, &args.nodes, args.selector.as_deref(), &args.dry_run)
        .await
}
