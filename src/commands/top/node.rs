//! `top node [NAME | -l label]`
//!
//! Examples:
//!   # CPU and memory of every node, with the share of what each can allocate
//!   kuddle top node
//!
//!   # Of one node, against its capacity, without the header
//!   kuddle top node kuddle-node --show-capacity --no-headers

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_bool;
use crate::printers::top::{print_nodes, usage_of, Measured, NodeTable, NodeUsage};
use crate::resource::fetch::query_escape;
use crate::resource::infos::list_items;
use crate::resource::mapper::path_escape;
use crate::resource::selector::canonical_label_selector;

#[derive(Args, Debug)]
pub struct TopNodeArgs {
    /// A node name, or none for every node (with -l to narrow).
    #[arg(value_name = "NAME")]
    pub args: Vec<String>,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(
        short = 'l',
        long = "selector",
        value_name = "SELECTOR",
        default_value = ""
    )]
    pub selector: String,

    /// Sort by `cpu` or `memory` (busiest first).
    #[arg(long = "sort-by", value_name = "FIELD", default_value = "")]
    pub sort_by: String,

    /// Leave out the header line.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub no_headers: bool,

    /// Accepted for kubectl's sake: kuddle reads the metrics API as JSON either way.
    #[arg(long = "use-protocol-buffers", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "true", value_parser = go_bool,
          action = ArgAction::Set)]
    pub use_protocol_buffers: bool,

    /// Percentages of the nodes' capacity rather than of what they can allocate.
    #[arg(long = "show-capacity", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub show_capacity: bool,

    /// Show swap use too.
    #[arg(long = "show-swap", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub show_swap: bool,
}

pub async fn run(ctx: &mut Context, args: TopNodeArgs) -> Result<()> {
    // complete
    let name = match args.args.len() {
        0 => String::new(),
        1 => args.args[0].clone(),
        _ => {
            return Err(CliError::usage(
                "node [NAME | -l label]",
                ctx.cmd_path.clone(),
            ))
        }
    };
    let conn = ctx.connection().await?;
    // validate
    super::check_sort_by(&args.sort_by)?;
    if !name.is_empty() && !args.selector.is_empty() {
        bail!("only one of NAME or --selector can be provided");
    }
    // run
    let selector = canonical_label_selector(&args.selector).map_err(|e| anyhow!(e))?;
    let version = super::metrics_api_version(ctx).await?;
    let client = &conn.client;
    let query = if selector.is_empty() {
        String::new()
    } else {
        format!("?labelSelector={}", query_escape(&selector))
    };
    let metrics: Vec<Value> = if name.is_empty() {
        list_items(
            client
                .get_json(&format!("/apis/metrics.k8s.io/{version}/nodes{query}"))
                .await?,
        )
    } else {
        vec![
            client
                .get_json(&format!(
                    "/apis/metrics.k8s.io/{version}/nodes/{}",
                    path_escape(&name)
                ))
                .await?,
        ]
    };
    if metrics.is_empty() {
        bail!("metrics not available yet");
    }
    let nodes: Vec<Value> = if name.is_empty() {
        list_items(client.get_json(&format!("/api/v1/nodes{query}")).await?)
    } else {
        vec![
            client
                .get_json(&format!("/api/v1/nodes/{}", path_escape(&name)))
                .await?,
        ]
    };
    let mut table = NodeTable::default();
    for node in &nodes {
        let node_name = node
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let field = if args.show_capacity {
            "/status/capacity"
        } else {
            "/status/allocatable"
        };
        let mut available = usage_of(node.pointer(field));
        match node
            .pointer("/status/nodeInfo/swap/capacity")
            .and_then(Value::as_i64)
        {
            Some(swap) => {
                available.insert(
                    "swap".into(),
                    crate::quantity::Quantity::from_int(swap, crate::quantity::Format::BinarySI),
                );
            }
            None => table
                .missing
                .entry(node_name.clone())
                .or_default()
                .push(Measured::Swap),
        }
        table.available.push((node_name, available));
    }
    table.nodes = metrics
        .iter()
        .map(|m| NodeUsage {
            name: m
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            usage: usage_of(m.get("usage")),
        })
        .collect();
    print_nodes(
        &mut ctx.out,
        table,
        args.no_headers,
        &args.sort_by,
        args.show_swap,
    )?;
    Ok(())
}
