//! `rollout`: manage the rollout of deployments, daemon sets and stateful
//! sets (status, history, undo, pause, resume, restart). What each kind
//! needs lives in `crate::rollout`; the subcommands visit objects and print.
//!
//! Examples:
//!   # Roll back to the previous deployment
//!   kuddle rollout undo deployment/abc
//!
//!   # Check the rollout status of a daemonset
//!   kuddle rollout status daemonset/foo
//!
//!   # Restart a deployment
//!   kuddle rollout restart deployment/abc
//!
//!   # Restart deployments with the 'app=nginx' label
//!   kuddle rollout restart deployment --selector=app=nginx

pub mod history;
pub mod pause;
pub mod restart;
pub mod resume;
pub mod status;
pub mod undo;

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use serde_json::{Map, Value};

use crate::command_group::{self as group, HelpTo};
use crate::context::Context;
use crate::error::{CliError, VisitErrors};
use crate::flags::FilenameFlags;
use crate::resource::infos::Info;
use crate::resource::select::{collect_infos, Selecting};

/// Manage the rollout of one or many resources: deployments, daemon sets and
/// stateful sets.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RolloutArgs {
    #[command(subcommand)]
    pub command: Option<RolloutCommand>,

    /// kubectl answers stray words with "unknown command".
    #[arg(hide = true, value_name = "SUBCOMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum RolloutCommand {
    /// View rollout history.
    History(history::HistoryArgs),
    /// Mark the provided resource as paused.
    Pause(pause::PauseArgs),
    /// Resume a paused resource.
    Resume(resume::ResumeArgs),
    /// Undo a previous rollout.
    Undo(undo::UndoArgs),
    /// Show the status of the rollout.
    Status(status::StatusArgs),
    /// Restart a resource.
    Restart(restart::RestartArgs),
}

pub async fn run(ctx: &mut Context, args: RolloutArgs) -> Result<()> {
    match args.command {
        Some(RolloutCommand::History(a)) => history::run(ctx, a).await,
        Some(RolloutCommand::Pause(a)) => pause::run(ctx, a).await,
        Some(RolloutCommand::Resume(a)) => resume::run(ctx, a).await,
        Some(RolloutCommand::Undo(a)) => undo::run(ctx, a).await,
        Some(RolloutCommand::Status(a)) => status::run(ctx, a).await,
        Some(RolloutCommand::Restart(a)) => restart::run(ctx, a).await,
        // Like kubectl: the help on stdout.
        None => group::without_subcommand(ctx, &["rollout"], &args.unknown, HelpTo::Stdout),
    }
}

/// The objects a rollout subcommand works on: `TYPE NAME…`, `TYPE/NAME…`,
/// `TYPE` with `-l`, or `-f`.
#[derive(Args, Debug, Clone, Default)]
pub struct Targets {
    /// TYPE NAME…, TYPE/NAME…, or TYPE (all of that type, or those -l selects).
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub files: FilenameFlags,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,
}

impl Targets {
    /// kubectl's check before anything is read.
    pub fn validate(&self) -> Result<()> {
        let no_files = self.files.filenames.is_empty()
            && self.files.kustomize.as_deref().is_none_or(str::is_empty);
        if self.args.is_empty() && no_files {
            bail!("required resource not specified");
        }
        Ok(())
    }

    /// Every object named, read from the server, and the errors met.
    pub async fn visit(&self, ctx: &mut Context) -> Result<(Vec<Info>, VisitErrors)> {
        let selector = self
            .selector
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        collect_infos(
            ctx,
            Selecting {
                args: &self.args,
                files: &self.files,
                label_selector: selector,
                select_all: false,
                allow_empty_selector: true,
                latest: true,
                typed: true,
            },
        )
        .await
    }
}

/// An object as kubectl's typed printers see it: `kind` and `apiVersion`
/// first, then the fields in the order the server (which serves the same
/// Go structs) wrote them.
pub fn typed_order(obj: &Value, kind: &str, api_version: &str) -> Value {
    let Some(map) = obj.as_object() else {
        return obj.clone();
    };
    let mut out = Map::with_capacity(map.len() + 2);
    out.insert("kind".into(), Value::String(kind.into()));
    out.insert("apiVersion".into(), Value::String(api_version.into()));
    for (k, v) in map {
        if k != "kind" && k != "apiVersion" {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// `typed_order` for an Info's object, with its mapping's type.
pub fn typed_info(info: &Info) -> Value {
    typed_order(
        &info.object,
        &info.mapping.kind,
        &info.mapping.api_version(),
    )
}

/// The flags pause, resume and restart share.
#[derive(Args, Debug, Clone)]
pub struct ChangeFlags {
    #[command(flatten)]
    pub targets: Targets,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-rollout"
    )]
    pub field_manager: String,

    #[command(flatten)]
    pub print: crate::flags::PrintFlags,
}

/// Pause, resume or restart every object named: a strategic merge patch
/// each, errors gathered as kubectl gathers them.
pub async fn run_change(
    ctx: &mut Context,
    flags: ChangeFlags,
    change: crate::rollout::mutate::Change,
) -> Result<()> {
    use crate::printers::result::ResultPrinter;
    use crate::printers::{Printer, OBJECT_FORMATS};
    use crate::resource::write::{self, PatchType, WriteOptions};

    // complete
    let (namespace, _) = ctx.namespace()?;
    // validate
    flags.targets.validate()?;
    // run
    let (infos, visit_errors) = flags.targets.visit(ctx).await?;
    let now = crate::rollout::mutate::now_rfc3339();
    let patches: Vec<(Info, Result<Value, String>)> = infos
        .into_iter()
        .map(|info| {
            let patch = change.patch(&info.mapping, &info.object, &now);
            (info, patch)
        })
        .collect();
    if patches.is_empty() && visit_errors.is_empty() {
        writeln!(ctx.err, "No resources found in {namespace} namespace.")?;
        return Ok(());
    }
    let conn = ctx.connection().await?;
    let options = WriteOptions {
        field_manager: flags.field_manager.clone(),
        field_validation: None,
        dry_run: false,
    };
    let mut errors: Vec<anyhow::Error> = Vec::new();
    for (info, patch) in patches {
        let patch = match patch {
            Ok(p) => p,
            Err(why) => {
                errors.push(anyhow::anyhow!(
                    "error: {} {why}",
                    crate::rollout::resource_and_name(&info.mapping, &info.name)
                ));
                continue;
            }
        };
        let (object, word) = if patch.as_object().is_none_or(Map::is_empty) {
            match change.already() {
                Some(word) => (typed_info(&info), word),
                None => {
                    errors.push(anyhow::anyhow!("failed to create patch for {}: if restart has already been triggered within the past second, please wait before attempting to trigger another", info.name));
                    continue;
                }
            }
        } else {
            let body = serde_json::to_vec(&patch).unwrap_or_default();
            let patched = write::patch(
                &conn.client,
                &info.mapping,
                info.namespace.as_deref(),
                &info.name,
                None,
                PatchType::Strategic,
                body,
                &options,
            )
            .await;
            match patched {
                Ok(obj) => (
                    typed_order(&obj, &info.mapping.kind, &info.mapping.api_version()),
                    change.done(),
                ),
                Err(e) => {
                    errors.push(anyhow::anyhow!("failed to patch: {e}"));
                    continue;
                }
            }
        };
        // kubectl makes the printer for each object, after its patch.
        let printed = flags
            .print
            .printer(OBJECT_FORMATS)
            .map(|p| p.map(Printer::typed))
            .and_then(|printer| {
                ResultPrinter::new(
                    crate::flags::DryRun::None,
                    printer,
                    flags.print.show_managed_fields,
                )
                .print(&mut ctx.out, &object, word)
            });
        if let Err(e) = printed {
            errors.push(e);
        }
    }
    change_errors(visit_errors, errors)
}

/// kubectl's aggregate of the visit's errors (one nested aggregate) and
/// those of the changes.
fn change_errors(visit: VisitErrors, mut changes: Vec<anyhow::Error>) -> Result<()> {
    match (visit.is_empty(), changes.len()) {
        (true, 0) => Ok(()),
        (false, 0) => visit.into_result(),
        (true, 1) => Err(changes.remove(0)),
        (empty, _) => {
            let mut lines = Vec::new();
            if !empty {
                lines.push(visit.nested_line());
            }
            lines.extend(changes.iter().map(crate::error::message_for_error));
            Err(CliError::Many(lines).into())
        }
    }
}
