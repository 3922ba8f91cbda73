//! What cordon, uncordon, drain and taint know about nodes: choosing the
//! nodes a command line names, marking them (un)schedulable, their taints,
//! and draining their pods. The verbs only parse flags and print.

pub mod drain;
pub mod taints;

use std::io::Write;

use anyhow::{bail, Result};
use serde_json::{json, Value};

use crate::client::ApiClient;
use crate::context::Context;
use crate::error::{CliError, VisitErrors};
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_quote;
use crate::flags::DryRun;
use crate::printers::result::ResultPrinter;
use crate::resource::builder::{NamedTarget, Plan};
use crate::resource::infos::{fetch_infos, Info};
use crate::resource::write::{self, PatchType, WriteOptions};
use crate::resource::{Discovery, NoResourceType};

/// What a command line says about which nodes.
#[derive(Debug, Clone, Default)]
pub struct NodeSelection<'a> {
    /// `NAME` (a node) or `TYPE/NAME` arguments.
    pub names: &'a [String],
    /// `-l`; None when not given.
    pub selector: Option<&'a str>,
    /// `--all` (taint).
    pub all: bool,
}

impl NodeSelection<'_> {
    /// The requests, as kubectl's builder makes them from
    /// `ResourceNames("nodes", names…)` or a selector over nodes.
    pub fn plan(&self, discovery: &Discovery) -> Result<Plan> {
        let nodes = discovery.resolve("nodes")?;
        // kubectl adds a selector to its request only when it is not empty.
        let selector = self.selector.filter(|s| !s.is_empty());
        if self.all || selector.is_some() {
            return Ok(Plan::List {
                targets: vec![crate::resource::builder::ListTarget {
                    mapping: nodes,
                    namespace: None,
                }],
                label_selector: selector.unwrap_or("").to_string(),
                field_selector: String::new(),
            });
        }
        let mut typed: Vec<(String, String)> = Vec::new();
        for name in self.names {
            match name.split('/').collect::<Vec<_>>().as_slice() {
                [plain] => typed.push(("nodes".into(), plain.to_string())),
                [resource, name] if !resource.is_empty() && !name.is_empty() => {
                    typed.push((resource.to_string(), name.to_string()))
                }
                [_, _] => {
                    bail!("arguments in resource/name form must have a single resource and name")
                }
                _ => bail!("arguments in resource/name form may not have more than one slash"),
            }
        }
        let mut types: Vec<&str> = Vec::new();
        for (resource, _) in &typed {
            if !types.contains(&resource.as_str()) {
                types.push(resource);
            }
        }
        if types.len() > 1 {
            bail!("you may only specify a single resource type");
        }
        if typed.is_empty() {
            bail!(crate::resource::builder::MISSING_RESOURCE);
        }
        let mut items = Vec::new();
        for (resource, name) in &typed {
            let mapping = if resource == "nodes" {
                nodes.clone()
            } else {
                discovery.resolve(resource)?
            };
            let namespace = mapping.namespaced.then(|| "default".to_string());
            items.push(NamedTarget {
                mapping,
                namespace,
                name: name.clone(),
            });
        }
        let single = items.len() == 1;
        Ok(Plan::Named {
            items,
            single_item_implied: single,
        })
    }
}

/// The nodes a selection names, read from the server; the first failure
/// is the command's (kubectl's builder without ContinueOnError), and so
/// is an object that is not a node.
pub async fn fetch_nodes(client: &ApiClient, plan: &Plan, namespace: &str) -> Result<Vec<Info>> {
    let plan = with_namespace(plan, namespace);
    let infos = fetch_infos(client, &plan)
        .await
        .into_iter()
        .collect::<Result<Vec<Info>>>()?;
    for info in &infos {
        if !info.mapping.group.is_empty() || info.mapping.resource != "nodes" {
            bail!(
                "error: expected resource of type node, got {}",
                go_quote(&format!(
                    "{}/{}, Resource={}",
                    info.mapping.group, info.mapping.version, info.mapping.resource
                ))
            );
        }
    }
    Ok(infos)
}

/// Like [`fetch_nodes`], but every failure is kept (ContinueOnError).
pub async fn fetch_nodes_continuing(
    client: &ApiClient,
    plan: &Plan,
    namespace: &str,
) -> (Vec<Info>, VisitErrors) {
    let plan = with_namespace(plan, namespace);
    let mut infos = Vec::new();
    let mut errors = VisitErrors::default();
    for fetched in fetch_infos(client, &plan).await {
        match fetched {
            Ok(info) => infos.push(info),
            Err(e) => errors.push(e),
        }
    }
    (infos, errors)
}

/// Namespaced types named by TYPE/NAME live in the namespace in effect.
fn with_namespace(plan: &Plan, namespace: &str) -> Plan {
    let mut plan = plan.clone();
    if let Plan::Named { items, .. } = &mut plan {
        for item in items {
            if item.mapping.namespaced {
                item.namespace = Some(namespace.to_string());
            }
        }
    }
    plan
}

/// Marks each node unschedulable (`desired`) or schedulable, printing
/// `node/x cordoned`, `node/x already cordoned`, … A failed write is
/// reported on `err` and the others go on (kubectl still exits 0).
pub async fn set_unschedulable(
    client: &ApiClient,
    nodes: &[Info],
    desired: bool,
    result: &mut ResultPrinter,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let (verb, changed) = if desired {
        ("cordon", "cordoned")
    } else {
        ("uncordon", "uncordoned")
    };
    for node in nodes {
        let current = node
            .object
            .pointer("/spec/unschedulable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if current == desired {
            result.print(out, &node.object, &format!("already {changed}"))?;
            continue;
        }
        if result.dry_run() != DryRun::Client {
            // The two-way strategic merge patch from the node to the node
            // with the new flag: false is left out of the JSON, so it is a
            // removal.
            let patch =
                json!({"spec": {"unschedulable": if desired { json!(true) } else { Value::Null }}});
            let options = WriteOptions {
                field_manager: "kubectl".into(),
                field_validation: None,
                dry_run: result.dry_run() == DryRun::Server,
            };
            let written = write::patch(
                client,
                &node.mapping,
                None,
                &node.name,
                None,
                PatchType::Strategic,
                serde_json::to_vec(&patch)?,
                &options,
            )
            .await;
            if let Err(e) = written {
                writeln!(
                    err,
                    "error: unable to {verb} node {}: {e}",
                    go_quote(&node.name)
                )?;
                continue;
            }
        }
        result.print(out, &node.object, changed)?;
    }
    Ok(())
}

/// `cordon` and `uncordon`: the flag they set and their usage line.
pub struct UnschedulableChange {
    pub desired: bool,
    /// `cordon NODE`, for kubectl's usage error.
    pub usage: &'static str,
}

impl UnschedulableChange {
    pub async fn run(
        &self,
        ctx: &mut Context,
        names: &[String],
        selector: Option<&str>,
        dry_run: &DryRunFlags,
    ) -> Result<()> {
        check_names_and_selector(names, selector, self.usage, &ctx.cmd_path)?;
        let dry_run = dry_run.strategy(&mut ctx.err)?;
        let nodes = select_nodes(ctx, names, selector).await?;
        let conn = ctx.connection().await?;
        let mut result = ResultPrinter::new(dry_run, None, false);
        let mut err = ctx.err.clone();
        set_unschedulable(
            &conn.client,
            &nodes,
            self.desired,
            &mut result,
            &mut ctx.out,
            &mut err,
        )
        .await
    }
}

/// kubectl's usage errors when a node command names neither nodes nor a
/// selector, or both.
pub fn check_names_and_selector(
    names: &[String],
    selector: Option<&str>,
    usage: &str,
    cmd_path: &str,
) -> Result<()> {
    if names.is_empty() && selector.is_none() {
        return Err(CliError::usage(format!("USAGE: {usage} [flags]"), cmd_path));
    }
    if !names.is_empty() && selector.is_some_and(|s| !s.is_empty()) {
        return Err(CliError::usage(
            "error: cannot specify both a node name and a --selector option",
            cmd_path,
        ));
    }
    Ok(())
}

/// The nodes named on the command line (or matched by `-l`), fetched; the
/// first failure stops the command.
pub async fn select_nodes(
    ctx: &mut Context,
    names: &[String],
    selector: Option<&str>,
) -> Result<Vec<Info>> {
    let selection = NodeSelection {
        names,
        selector,
        all: false,
    };
    let conn = ctx.connection().await?;
    let plan = plan_with_refresh(ctx, &selection).await?;
    fetch_nodes(&conn.client, &plan, &conn.namespace).await
}

/// Plans a selection, refreshing discovery once for an unknown type.
pub async fn plan_with_refresh(ctx: &mut Context, selection: &NodeSelection<'_>) -> Result<Plan> {
    let discovery = ctx.discovery().await?;
    match selection.plan(&discovery) {
        Err(e) if e.downcast_ref::<NoResourceType>().is_some() => {
            match ctx.refresh_discovery().await? {
                Some(fresh) => selection.plan(&fresh),
                None => Err(e),
            }
        }
        other => other,
    }
}
