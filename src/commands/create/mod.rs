//! `create`: subcommands that build an object from flags and send it (or, with
//! `--dry-run=client`, only print it).

pub mod deployment;
pub mod ingress;
pub mod service;

use std::io::Write;

use anyhow::{bail, Result};
use clap::{ArgAction, Args, Subcommand};
use serde_json::Value;

use crate::context::Context;
use crate::error::CliError;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::validate::ValidateFlags;
use crate::flags::{DryRun, PrintFlags};
use crate::printers::{kind_dot_group, Printer, OBJECT_FORMATS};

#[derive(Args, Debug)]
#[command(subcommand_required = true)]
pub struct CreateArgs {
    #[command(subcommand)]
    pub command: CreateCommand,
}

#[derive(Subcommand, Debug)]
pub enum CreateCommand {
    /// Create a deployment with the given name.
    #[command(visible_alias = "deploy")]
    Deployment(deployment::DeploymentArgs),
    /// Create a service of one of the four types.
    #[command(visible_alias = "svc")]
    Service(service::ServiceArgs),
    /// Create an ingress with the given name.
    #[command(visible_alias = "ing")]
    Ingress(ingress::IngressArgs),
}

/// Flags every `create <kind>` subcommand shares.
#[derive(Args, Debug, Clone, Default)]
pub struct CreateCommonFlags {
    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub validate: ValidateFlags,

    /// Store the object's configuration in its last-applied annotation, so a
    /// later `apply` can compute changes against it.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub save_config: bool,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-create"
    )]
    pub field_manager: String,
}

/// What `complete` resolves from the common flags, in kubectl's order:
/// the dry-run strategy, then the printer, then the validation directive.
pub struct Resolved {
    pub dry_run: DryRun,
    pub printer: Option<Printer>,
    pub show_managed_fields: bool,
}

impl CreateCommonFlags {
    pub fn resolve(&self, ctx: &mut Context) -> Result<Resolved> {
        let dry_run = self.dry_run.strategy(&mut ctx.err)?;
        let printer = self.print.printer(OBJECT_FORMATS)?.map(Printer::typed);
        self.validate.directive()?;
        Ok(Resolved {
            dry_run,
            printer,
            show_managed_fields: self.print.show_managed_fields,
        })
    }
}

/// `exactly one NAME is required`: kubectl counts the words before `--`.
pub fn single_name(ctx: &Context, names: &[String]) -> Result<String> {
    match names {
        [name] => Ok(name.clone()),
        _ => Err(CliError::usage(
            format!("exactly one NAME is required, got {}", names.len()),
            ctx.cmd_path.clone(),
        )),
    }
}

/// The namespace kubectl writes into generated objects: only one given with
/// `-n` (a kubeconfig context's namespace is not enforced).
pub fn enforced_namespace(ctx: &Context) -> Option<String> {
    ctx.global.namespace.clone().filter(|ns| !ns.is_empty())
}

/// Prints generated objects as a client-side dry run does: through the
/// printer when `-o` was given, else `kind.group/name created (dry run)`.
pub fn print_generated(
    ctx: &mut Context,
    resolved: &mut Resolved,
    objects: &[Value],
) -> Result<()> {
    match resolved.dry_run {
        DryRun::Client => {}
        DryRun::None | DryRun::Server => {
            bail!("creating objects on a server is not available yet")
        }
    }
    for obj in objects {
        match resolved.printer.as_mut() {
            Some(printer) => {
                if resolved.show_managed_fields {
                    printer.print(obj, &mut ctx.out)?;
                } else {
                    let mut obj = obj.clone();
                    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                        meta.shift_remove("managedFields");
                    }
                    printer.print(&obj, &mut ctx.out)?;
                }
            }
            None => {
                let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
                let api_version = obj
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let name = obj
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                writeln!(
                    ctx.out,
                    "{}/{} created{}",
                    kind_dot_group(kind, api_version),
                    name,
                    resolved.dry_run.suffix()
                )?;
            }
        }
    }
    Ok(())
}

pub async fn run(ctx: &mut Context, args: CreateArgs) -> Result<()> {
    match args.command {
        CreateCommand::Deployment(a) => deployment::run(ctx, a).await,
        CreateCommand::Service(a) => service::run(ctx, a).await,
        CreateCommand::Ingress(a) => ingress::run(ctx, a).await,
    }
}
