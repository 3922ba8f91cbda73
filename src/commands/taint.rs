//! `taint nodes NAME… KEY[=VALUE]:EFFECT… | KEY[:EFFECT]-…`: add, change or
//! remove node taints (`-l` or `--all` instead of names).

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::context::Context;
use crate::error::CliError;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::validate::ValidateFlags;
use crate::flags::{DryRun, PrintFlags};
use crate::node::taints::{node_taints, taints_patch, TaintChanges};
use crate::node::{fetch_nodes_continuing, plan_with_refresh, NodeSelection};
use crate::printers::result::ResultPrinter;
use crate::printers::{sort_keys, OBJECT_FORMATS};
use crate::resource::write::{self, PatchType, WriteOptions};
use crate::resource::NoResourceType;

#[derive(Args, Debug)]
#[command(
    after_help = "A taint is KEY[=VALUE]:EFFECT. The key may start with a DNS subdomain and '/'
(example.com/my-app); key and value are label-like (letters, digits, '-', '_',
'.'; the value at most 63 characters). EFFECT is NoSchedule, PreferNoSchedule
or NoExecute. KEY- removes every taint with that key, KEY:EFFECT- just one.

Examples:
  # Taint node 'foo' with key 'dedicated', value 'special-user', effect 'NoSchedule'
  # (an existing taint with that key and effect gets the new value)
  kuddle taint nodes foo dedicated=special-user:NoSchedule

  # Remove the taint with key 'dedicated' and effect 'NoSchedule' from node 'foo'
  kuddle taint nodes foo dedicated:NoSchedule-

  # Remove every taint with key 'dedicated' from node 'foo'
  kuddle taint nodes foo dedicated-

  # Taint the nodes labelled myLabel=X
  kuddle taint node -l myLabel=X dedicated=foo:PreferNoSchedule

  # A taint without a value
  kuddle taint nodes foo bar:NoSchedule"
)]
pub struct TaintArgs {
    /// `nodes NAME…` (or just `nodes` with -l or --all), then the taints.
    #[arg(value_name = "NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1")]
    pub args: Vec<String>,

    /// Let a taint replace one with the same key and effect.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub overwrite: bool,

    /// Taint every node of the cluster.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all: bool,

    /// Selector (label query) over nodes, e.g. -l key1=value1,key2 in (v2); every constraint must hold.
    #[arg(
        short = 'l',
        long = "selector",
        value_name = "SELECTOR",
        default_value = ""
    )]
    pub selector: String,

    /// Name of the manager the server records the change under.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-taint"
    )]
    pub field_manager: String,

    #[command(flatten)]
    pub validate: ValidateFlags,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub async fn run(ctx: &mut Context, args: TaintArgs) -> Result<()> {
    // complete
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let validation = args.validate.directive()?;
    let (resources, taint_args) = split_arguments(&args.args)?;
    if resources.is_empty() {
        bail!("one or more resources must be specified as <resource> <name>");
    }
    if taint_args.is_empty() {
        bail!("at least one taint update is required");
    }
    let changes = TaintChanges::parse(&taint_args)
        .map_err(|msg| CliError::usage(msg, ctx.cmd_path.clone()))?;

    // validate
    check_resource_type(ctx, &resources[0]).await?;
    let conflicts = changes.conflicts();
    if !conflicts.is_empty() {
        bail!(
            "can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        );
    }
    if args.all && !args.selector.is_empty() {
        bail!("setting 'all' parameter with a non empty selector is prohibited");
    }
    if !args.all && args.selector.is_empty() && resources.len() < 2 {
        bail!("at least one resource name must be specified since 'all' parameter is not set");
    }

    // run
    let names: Vec<String> = if args.all || !args.selector.is_empty() {
        Vec::new()
    } else {
        resources[1..].to_vec()
    };
    let selection = NodeSelection {
        names: &names,
        selector: Some(args.selector.as_str()),
        all: args.all,
    };
    let plan = plan_with_refresh(ctx, &selection).await?;
    let conn = ctx.connection().await?;
    let (nodes, mut errors) = fetch_nodes_continuing(&conn.client, &plan, &conn.namespace).await;
    // A bad -o shows once the first node is ready to print.
    let mut printer = Some(args.print.printer(OBJECT_FORMATS));
    let mut result: Option<ResultPrinter> = None;
    for node in nodes {
        let existing = node_taints(&node.object);
        if !args.overwrite {
            let present = changes.already_present(&existing);
            if !present.is_empty() {
                errors.push(anyhow!(
                    "node {} already has {present} taint(s) with same effect(s) and --overwrite is false",
                    node.name
                ));
                continue;
            }
        }
        let (operation, taints) = match changes.apply(&existing, args.overwrite) {
            Ok(done) => done,
            Err(messages) => {
                let list = messages.into_iter().map(anyhow::Error::msg).collect();
                errors.push(crate::error::Aggregate(list).into());
                continue;
            }
        };
        let result = match &mut result {
            Some(r) => r,
            None => {
                let chosen = printer.take().unwrap_or(Ok(None))?;
                // kubectl names the operation after marking the printer for
                // a dry run, which drops the mark: no `(dry run)` here.
                result.insert(ResultPrinter::new(
                    DryRun::None,
                    chosen,
                    args.print.show_managed_fields,
                ))
            }
        };
        let patch = taints_patch(&existing, &taints);
        let printed = if dry_run == DryRun::Client {
            // The node with the patch applied, as kubectl's unstructured
            // decoding of it prints (keys sorted).
            let mut obj = node.object.clone();
            if patch.is_some() {
                set_taints(&mut obj, &taints);
            }
            sort_keys(&mut obj);
            obj
        } else {
            let options = WriteOptions {
                field_manager: args.field_manager.clone(),
                field_validation: Some(validation),
                dry_run: dry_run == DryRun::Server,
            };
            let written = match &patch {
                Some(patch) => {
                    write::patch(
                        &conn.client,
                        &node.mapping,
                        None,
                        &node.name,
                        None,
                        PatchType::Strategic,
                        serde_json::to_vec(patch)?,
                        &options,
                    )
                    .await
                }
                // Nothing changes: kubectl sends an empty patch.
                None => {
                    write::patch(
                        &conn.client,
                        &node.mapping,
                        None,
                        &node.name,
                        None,
                        PatchType::Strategic,
                        b"{}".to_vec(),
                        &options,
                    )
                    .await
                }
            };
            match written {
                Ok(obj) => obj,
                Err(e) => {
                    errors.push(e.into());
                    continue;
                }
            }
        };
        result.print(&mut ctx.out, &printed, operation)?;
    }
    errors.into_result()
}

/// Resource words first, then taint words (those with `=`, `:` or a final
/// `-`); a resource word after a taint is kubectl's error.
fn split_arguments(args: &[String]) -> Result<(Vec<String>, Vec<String>)> {
    let mut resources = Vec::new();
    let mut taints = Vec::new();
    for arg in args {
        let is_taint = arg.contains('=') || arg.contains(':') || arg.ends_with('-');
        match (taints.is_empty(), is_taint) {
            (_, true) => taints.push(arg.clone()),
            (true, false) => resources.push(arg.clone()),
            (false, false) => bail!("all resources must be specified before taint changes: {arg}"),
        }
    }
    Ok((resources, taints))
}

/// The first word must name nodes (`nodes`, `node`, `no`, …).
async fn check_resource_type(ctx: &mut Context, word: &str) -> Result<()> {
    let word = word.to_lowercase();
    // kubectl reads the word as a field path and takes its first field.
    let resource = word.split('.').next().unwrap_or("");
    let discovery = ctx.discovery().await?;
    let mapping = match discovery.resolve(resource) {
        Err(e) => match ctx.refresh_discovery().await? {
            Some(fresh) => fresh.resolve(resource).map_err(|_: NoResourceType| e)?,
            None => return Err(e.into()),
        },
        Ok(m) => m,
    };
    if mapping.kind != "Node" {
        bail!("invalid resource type {word}, only node types are supported");
    }
    Ok(())
}

fn set_taints(node: &mut Value, taints: &[crate::node::taints::Taint]) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    let spec = map
        .entry("spec")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Some(spec) = spec.as_object_mut() {
        if taints.is_empty() {
            spec.shift_remove("taints");
        } else {
            spec.insert(
                "taints".into(),
                Value::Array(taints.iter().map(|t| t.to_json()).collect()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn resources_come_before_taints() {
        let (r, t) = split_arguments(&words("nodes a b k=v:NoSchedule x-")).unwrap();
        assert_eq!(r, ["nodes", "a", "b"]);
        assert_eq!(t, ["k=v:NoSchedule", "x-"]);
        assert_eq!(
            split_arguments(&words("nodes k=v:NoSchedule b"))
                .unwrap_err()
                .to_string(),
            "all resources must be specified before taint changes: b"
        );
    }
}
