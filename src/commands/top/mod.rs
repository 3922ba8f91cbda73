//! `top`: CPU and memory in use by pods and nodes, from the metrics API
//! (`metrics.k8s.io`, served by metrics-server).

pub mod node;
pub mod pod;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use crate::command_group::{self as group, HelpTo};
use crate::context::Context;

/// Show the CPU and memory pods and nodes use now, as metrics-server last
/// measured them (it needs a scrape or two after a pod starts).
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TopArgs {
    #[command(subcommand)]
    pub command: Option<TopCommand>,

    /// kubectl answers stray words with "unknown command".
    #[arg(hide = true, value_name = "SUBCOMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum TopCommand {
    /// Show the CPU and memory use of pods (and of their containers).
    #[command(visible_aliases = ["pods", "po"])]
    Pod(pod::TopPodArgs),
    /// Show the CPU and memory use of nodes.
    #[command(visible_aliases = ["nodes", "no"])]
    Node(node::TopNodeArgs),
}

pub async fn run(ctx: &mut Context, args: TopArgs) -> Result<()> {
    match args.command {
        Some(TopCommand::Pod(a)) => pod::run(ctx, a).await,
        Some(TopCommand::Node(a)) => node::run(ctx, a).await,
        None => group::without_subcommand(ctx, &["top"], &args.unknown, HelpTo::Stderr),
    }
}

/// The metrics API version kubectl would use (`v1`, else `v1beta1`), from
/// the server's API groups.
async fn metrics_api_version(ctx: &mut Context) -> Result<String> {
    let find = |d: &crate::resource::Discovery| {
        d.groups
            .iter()
            .filter(|g| g.name == "metrics.k8s.io")
            .flat_map(|g| g.versions.iter())
            .find(|v| *v == "v1" || *v == "v1beta1")
            .cloned()
    };
    if let Some(v) = find(&*ctx.discovery().await?) {
        return Ok(v);
    }
    // kubectl asks the server; a cache from before metrics-server came is not enough.
    if let Some(fresh) = ctx.refresh_discovery().await? {
        if let Some(v) = find(&fresh) {
            return Ok(v);
        }
    }
    bail!("Metrics API not available")
}

/// `--sort-by` accepts cpu, memory, or nothing.
fn check_sort_by(sort_by: &str) -> Result<()> {
    if !sort_by.is_empty() && sort_by != "cpu" && sort_by != "memory" {
        bail!("--sort-by accepts only cpu or memory");
    }
    Ok(())
}
