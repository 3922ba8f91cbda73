//! `create`: subcommands that build an object from flags and send it (or, with
//! `--dry-run=client`, only print it).

pub mod deployment;
pub mod ingress;
pub mod service;

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args, Subcommand};
use serde_json::Value;

use crate::context::Context;
use crate::error::CliError;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::validate::{FieldValidation, ValidateFlags};
use crate::flags::{DryRun, PrintFlags};
use crate::printers::{kind_dot_group, OutputFormat, Printer, OBJECT_FORMATS};
use crate::resource::write::{self, WriteOptions};

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
    /// `fieldValidation` for the create request (`run` sends none).
    pub field_validation: Option<FieldValidation>,
}

impl CreateCommonFlags {
    pub fn resolve(&self, ctx: &mut Context) -> Result<Resolved> {
        let dry_run = self.dry_run.strategy(&mut ctx.err)?;
        let printer = self.print.printer(OBJECT_FORMATS)?.map(Printer::typed);
        let field_validation = Some(self.validate.directive()?);
        Ok(Resolved {
            dry_run,
            printer,
            show_managed_fields: self.print.show_managed_fields,
            field_validation,
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

/// Sends a generated object to the namespace in effect, as kubectl's
/// typed clients do, and returns what the server made of it. API failures
/// stay [`crate::client::ApiError`]s underneath, so callers can word them.
pub async fn create_on_server(
    ctx: &mut Context,
    resolved: &Resolved,
    obj: &Value,
    field_manager: &str,
) -> Result<Value> {
    let conn = ctx.connection().await?;
    let api_version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let mut mapping = ctx.discovery().await?.resolve_kind(api_version, kind);
    if mapping.is_none() {
        if let Some(fresh) = ctx.refresh_discovery().await? {
            mapping = fresh.resolve_kind(api_version, kind);
        }
    }
    let Some(mapping) = mapping else {
        bail!("no matches for kind {kind:?} in version {api_version:?}");
    };
    let options = WriteOptions {
        field_manager: field_manager.to_string(),
        field_validation: resolved.field_validation,
        dry_run: resolved.dry_run == DryRun::Server,
    };
    Ok(write::create(&conn.client, &mapping, Some(&conn.namespace), obj, &options).await?)
}

/// Prints the object a command made (generated, or returned by the
/// server): through the printer when `-o` was given, else
/// `kind.group/name <operation>` with the dry-run suffix. Managed fields
/// leave JSON and YAML unless `--show-managed-fields`.
pub fn print_result(
    ctx: &mut Context,
    resolved: &mut Resolved,
    obj: &Value,
    operation: &str,
) -> Result<()> {
    match resolved.printer.as_mut() {
        Some(printer) => {
            let strips = matches!(printer.format(), OutputFormat::Json | OutputFormat::Yaml);
            if resolved.show_managed_fields || !strips {
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
                .filter(|n| !n.is_empty())
                .unwrap_or("<unknown>");
            writeln!(
                ctx.out,
                "{}/{} {operation}{}",
                kind_dot_group(kind, api_version),
                name,
                resolved.dry_run.suffix()
            )?;
        }
    }
    Ok(())
}

/// Creates a generated object (unless `--dry-run=client`) and prints the
/// result; `wrap` words a failure as the command does.
pub async fn create_and_print(
    ctx: &mut Context,
    resolved: &mut Resolved,
    object: Value,
    field_manager: &str,
    wrap: &str,
) -> Result<()> {
    let object = if resolved.dry_run == DryRun::Client {
        object
    } else {
        create_on_server(ctx, resolved, &object, field_manager)
            .await
            .map_err(|e| anyhow!("{wrap}: {e}"))?
    };
    print_result(ctx, resolved, &object, "created")
}

pub async fn run(ctx: &mut Context, args: CreateArgs) -> Result<()> {
    match args.command {
        CreateCommand::Deployment(a) => deployment::run(ctx, a).await,
        CreateCommand::Service(a) => service::run(ctx, a).await,
        CreateCommand::Ingress(a) => ingress::run(ctx, a).await,
    }
}
