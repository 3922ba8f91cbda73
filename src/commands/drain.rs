//! `drain NODE | -l SELECTOR`: cordon nodes, then evict (or delete) their
//! pods and wait until they are gone.

use std::io::Write;
use std::time::Duration;

use anyhow::{anyhow, Result};
use clap::{ArgAction, Args};
use tokio::sync::mpsc;

use crate::context::{warning_line, warnings_in_color, Context};
use crate::error::Aggregate;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::{go_bool, go_duration, go_int64, go_quote};
use crate::flags::DryRun;
use crate::node::drain::filters::FilterOptions;
use crate::node::drain::{DrainOptions, Drainer, Line};
use crate::node::{check_names_and_selector, select_nodes, set_unschedulable};
use crate::printers::result::ResultPrinter;
use crate::resource::infos::Info;
use crate::resource::selector::Selector;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  # Drain node \"foo\", removing pods without a controller too
  kuddle drain foo --force

  # Drain node \"foo\" but stop at pods without a controller; give each pod 15 minutes to stop
  kuddle drain foo --grace-period=900")]
pub struct DrainArgs {
    /// The node(s) to drain (NAME or node/NAME).
    #[arg(value_name = "NODE")]
    pub nodes: Vec<String>,

    /// Go on even with pods that declare no controller (they are deleted for good).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub force: bool,

    /// Leave pods of DaemonSets alone instead of refusing to drain.
    #[arg(long = "ignore-daemonsets", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub ignore_daemonsets: bool,

    /// Go on even with pods using emptyDir volumes (their data is lost).
    #[arg(long = "delete-emptydir-data", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub delete_emptydir_data: bool,

    /// Seconds each pod gets to stop; negative: the pod's own grace period.
    #[arg(long = "grace-period", value_name = "SECONDS", default_value = "-1",
          allow_hyphen_values = true, value_parser = go_int64)]
    pub grace_period: i64,

    /// How long to wait before giving up (0: for ever), e.g. 30s, 5m.
    #[arg(long, value_name = "DURATION", default_value = "0s", allow_hyphen_values = true,
          value_parser = go_duration)]
    pub timeout: i64,

    /// Label selector over the node's pods: only those are removed.
    #[arg(long = "pod-selector", value_name = "SELECTOR", default_value = "")]
    pub pod_selector: String,

    /// Delete pods instead of evicting them, which skips PodDisruptionBudgets: use with care.
    #[arg(long = "disable-eviction", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub disable_eviction: bool,

    /// Stop waiting for a pod whose deletion started more than this many seconds ago (0: always wait).
    #[arg(long = "skip-wait-for-delete-timeout", value_name = "SECONDS", default_value = "0",
          allow_hyphen_values = true, value_parser = go_int64)]
    pub skip_wait_for_delete_timeout: i64,

    /// Pods are listed in pages of this many (0: all at once).
    #[arg(long = "chunk-size", value_name = "N", default_value = "500",
          allow_hyphen_values = true, value_parser = go_int64)]
    pub chunk_size: i64,

    /// Selector (label query) over nodes, e.g. -l key1=value1,key2 in (v2); every constraint must hold.
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    #[command(flatten)]
    pub dry_run: DryRunFlags,
}

pub async fn run(ctx: &mut Context, args: DrainArgs) -> Result<()> {
    // complete
    check_names_and_selector(
        &args.nodes,
        args.selector.as_deref(),
        "drain NODE",
        &ctx.cmd_path,
    )?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let conn = ctx.connection().await?;
    if !args.pod_selector.is_empty() && Selector::parse(&args.pod_selector).is_err() {
        return Err(anyhow!(
            "--pod-selector=<pod_selector> must be a valid label selector"
        ));
    }
    let nodes = select_nodes(ctx, &args.nodes, args.selector.as_deref()).await?;
    let discovery = ctx.discovery().await?;
    let pods = discovery.resolve("pods")?;
    let daemon_sets = discovery.resolve("daemonsets.apps").ok();
    // The eviction API, as the server lists it among the core resources.
    let eviction_version = discovery
        .resources_for("", "v1")
        .iter()
        .find(|r| {
            r.name == "pods/eviction"
                && r.kind == "Eviction"
                && !r.group.is_empty()
                && !r.version.is_empty()
        })
        .map(|r| format!("{}/{}", r.group, r.version));
    let drainer = Drainer {
        client: &conn.client,
        pods,
        daemon_sets,
        eviction_version,
        opts: DrainOptions {
            filters: FilterOptions {
                force: args.force,
                ignore_daemonsets: args.ignore_daemonsets,
                delete_emptydir_data: args.delete_emptydir_data,
                skip_wait_for_delete_timeout: args.skip_wait_for_delete_timeout,
            },
            grace_period: args.grace_period,
            timeout: (args.timeout != 0).then(|| Duration::from_nanos(args.timeout.max(0) as u64)),
            pod_selector: args.pod_selector.clone(),
            disable_eviction: args.disable_eviction,
            chunk_size: args.chunk_size,
            dry_run,
            verbose: ctx.global.verbosity >= 2,
        },
    };

    // run: cordon every node first, then drain them one by one.
    let mut result = ResultPrinter::new(dry_run, None, false);
    let mut err = ctx.err.clone();
    set_unschedulable(
        &conn.client,
        &nodes,
        true,
        &mut result,
        &mut ctx.out,
        &mut err,
    )
    .await?;
    let mut fatal = Vec::new();
    let mut pending = Vec::new();
    for node in &nodes {
        match drain_node(ctx, &drainer, node).await {
            Ok(()) => {
                result.print(&mut ctx.out, &node.object, "drained")?;
                ctx.out.flush()?;
            }
            Err(e) => {
                writeln!(
                    ctx.err,
                    "error: unable to drain node {} due to error: {e}, continuing command...",
                    go_quote(&node.name)
                )?;
                fatal.push(e);
                pending.push(node.name.clone());
            }
        }
    }
    if !pending.is_empty() {
        writeln!(ctx.err, "There are pending nodes to be drained:")?;
        for name in &pending {
            writeln!(ctx.err, " {name}")?;
        }
    }
    if fatal.is_empty() {
        Ok(())
    } else {
        Err(Aggregate(fatal).into())
    }
}

/// One node: its pods checked, then removed (kubectl's
/// `deleteOrEvictPodsSimple`).
async fn drain_node(ctx: &mut Context, drainer: &Drainer<'_>, node: &Info) -> Result<()> {
    let (list, errors) = drainer.pods_for_deletion(&node.name).await;
    if !errors.is_empty() {
        return Err(Aggregate(errors).into());
    }
    let Some(list) = list else {
        return Ok(());
    };
    let warnings = list.warnings();
    if !warnings.is_empty() {
        write!(ctx.err, "{}", warning_line(&warnings, warnings_in_color()))?;
    }
    if drainer.opts.dry_run == DryRun::Client {
        for pod in list.pods() {
            writeln!(
                ctx.out,
                "evicting pod {} (dry run)",
                crate::node::drain::filters::namespaced_name(&pod)
            )?;
        }
        return Ok(());
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let work = drainer.delete_or_evict(list.pods(), &tx);
    tokio::pin!(work);
    let outcome = loop {
        tokio::select! {
            done = &mut work => break done,
            Some(line) = rx.recv() => write_line(ctx, line)?,
        }
    };
    while let Ok(line) = rx.try_recv() {
        write_line(ctx, line)?;
    }
    let Err(e) = outcome else {
        return Ok(());
    };
    let (pending, new_errors) = drainer.pods_for_deletion(&node.name).await;
    if let Some(pending) = pending {
        let pods = pending.pods();
        if !pods.is_empty() {
            writeln!(
                ctx.err,
                "There are pending pods in node {} when an error occurred: {e}",
                go_quote(&node.name)
            )?;
            for pod in pods {
                let name = pod
                    .pointer("/metadata/name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("");
                writeln!(ctx.err, "pod/{name}")?;
            }
        }
    }
    if !new_errors.is_empty() {
        write!(
            ctx.err,
            "Following errors occurred while getting the list of pods to delete:\n{}",
            Aggregate(new_errors)
        )?;
    }
    Err(e)
}

/// Progress as it happens: stdout is flushed line by line.
fn write_line(ctx: &mut Context, line: Line) -> Result<()> {
    match line {
        Line::Out(text) => {
            ctx.out.write_all(text.as_bytes())?;
            ctx.out.flush()?;
        }
        Line::Err(text) => ctx.err.write_all(text.as_bytes())?,
    }
    Ok(())
}
