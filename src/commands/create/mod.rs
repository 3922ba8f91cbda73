//! `create`: objects from files (`create -f`, in `files`), or subcommands
//! that build one object from flags and send it (or, with
//! `--dry-run=client`, only print it).

pub mod configmap;
pub mod cronjob;
pub mod deployment;
pub mod files;
pub mod ingress;
pub mod job;
pub mod namespace;
pub mod pdb;
pub mod priorityclass;
pub mod quota;
pub mod role;
pub mod rolebinding;
pub mod secret;
pub mod service;
pub mod serviceaccount;
pub mod token;

use anyhow::{anyhow, Result};
use clap::{ArgAction, Args, Subcommand};
use serde_json::Value;

use crate::context::Context;
use crate::error::CliError;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::validate::ValidateFlags;
use crate::flags::{DryRun, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{Printer, OBJECT_FORMATS};
use crate::resource::write::{self, WriteOptions};

#[derive(Args, Debug)]
pub struct CreateArgs {
    #[command(subcommand)]
    pub command: Option<CreateCommand>,

    /// `create -f`: the objects come from files.
    #[command(flatten)]
    pub from_files: files::CreateFromFilesArgs,
}

#[derive(Subcommand, Debug)]
pub enum CreateCommand {
    /// Create a cluster role.
    #[command(name = "clusterrole")]
    ClusterRole(role::ClusterRoleArgs),
    /// Create a cluster role binding for a cluster role.
    #[command(name = "clusterrolebinding")]
    ClusterRoleBinding(rolebinding::ClusterRoleBindingArgs),
    /// Create a config map from files, folders, env files or literal values.
    #[command(name = "configmap", visible_alias = "cm")]
    ConfigMap(configmap::ConfigMapArgs),
    /// Create a cron job with the given name.
    #[command(name = "cronjob", visible_alias = "cj")]
    CronJob(cronjob::CronJobArgs),
    /// Create a deployment with the given name.
    #[command(visible_alias = "deploy")]
    Deployment(deployment::DeploymentArgs),
    /// Create an ingress with the given name.
    #[command(visible_alias = "ing")]
    Ingress(ingress::IngressArgs),
    /// Create a job with the given name.
    Job(job::JobArgs),
    /// Create a namespace with the given name.
    #[command(visible_alias = "ns")]
    Namespace(namespace::NamespaceArgs),
    /// Create a pod disruption budget with the given name.
    #[command(name = "poddisruptionbudget", visible_alias = "pdb")]
    PodDisruptionBudget(pdb::PdbArgs),
    /// Create a priority class with the given name.
    #[command(name = "priorityclass", visible_alias = "pc")]
    PriorityClass(priorityclass::PriorityClassArgs),
    /// Create a resource quota with the given name.
    #[command(visible_alias = "resourcequota")]
    Quota(quota::QuotaArgs),
    /// Create a role with a single rule.
    Role(role::RoleArgs),
    /// Create a role binding for a role or cluster role.
    #[command(name = "rolebinding")]
    RoleBinding(rolebinding::RoleBindingArgs),
    /// Create a secret: docker-registry, generic or tls.
    Secret(secret::SecretArgs),
    /// Create a service of one of the four types.
    #[command(visible_alias = "svc")]
    Service(service::ServiceArgs),
    /// Create a service account with the given name.
    #[command(name = "serviceaccount", visible_alias = "sa")]
    ServiceAccount(serviceaccount::ServiceAccountArgs),
    /// Request a service account token.
    Token(token::TokenArgs),
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
    pub result: ResultPrinter,
    pub write: WriteOptions,
}

impl CreateCommonFlags {
    pub fn resolve(&self, ctx: &mut Context) -> Result<Resolved> {
        let dry_run = self.dry_run.strategy(&mut ctx.err)?;
        let printer = self.print.printer(OBJECT_FORMATS)?.map(Printer::typed);
        let field_validation = Some(self.validate.directive()?);
        Ok(Resolved {
            result: ResultPrinter::new(dry_run, printer, self.print.show_managed_fields),
            write: WriteOptions {
                field_manager: self.field_manager.clone(),
                field_validation,
                dry_run: dry_run == DryRun::Server,
            },
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

/// kubectl's `name must be specified` for an empty NAME.
pub fn require_name(name: &str) -> Result<()> {
    if name.is_empty() {
        anyhow::bail!("name must be specified");
    }
    Ok(())
}

/// Creates a generated object (unless `--dry-run=client`) and prints the
/// result; `wrap` is the text the command puts before a failure
/// (`failed to create quota: `), empty to report it as it is.
pub async fn create_and_print(
    ctx: &mut Context,
    resolved: &mut Resolved,
    object: Value,
    wrap: &str,
) -> Result<()> {
    let object = if resolved.result.dry_run() == DryRun::Client {
        object
    } else {
        let created = write::create_generated(ctx, &object, &resolved.write).await;
        match created {
            Ok(created) => created,
            Err(e) if wrap.is_empty() => return Err(e),
            Err(e) => return Err(anyhow!("{wrap}{e}")),
        }
    };
    resolved.result.print(&mut ctx.out, &object, "created")
}

pub async fn run(ctx: &mut Context, args: CreateArgs) -> Result<()> {
    let Some(command) = args.command else {
        return files::run(ctx, args.from_files).await;
    };
    match command {
        CreateCommand::Deployment(a) => deployment::run(ctx, a).await,
        CreateCommand::Service(a) => service::run(ctx, a).await,
        CreateCommand::Ingress(a) => ingress::run(ctx, a).await,
        CreateCommand::ConfigMap(a) => configmap::run(ctx, a).await,
        CreateCommand::Secret(a) => secret::run(ctx, a).await,
        CreateCommand::ClusterRole(a) => role::run_cluster_role(ctx, a).await,
        CreateCommand::ClusterRoleBinding(a) => rolebinding::run_cluster_role_binding(ctx, a).await,
        CreateCommand::Role(a) => role::run_role(ctx, a).await,
        CreateCommand::RoleBinding(a) => rolebinding::run_role_binding(ctx, a).await,
        CreateCommand::CronJob(a) => cronjob::run(ctx, a).await,
        CreateCommand::Job(a) => job::run(ctx, a).await,
        CreateCommand::PodDisruptionBudget(a) => pdb::run(ctx, a).await,
        CreateCommand::Token(a) => token::run(ctx, a).await,
        CreateCommand::Namespace(a) => namespace::run(ctx, a).await,
        CreateCommand::PriorityClass(a) => priorityclass::run(ctx, a).await,
        CreateCommand::Quota(a) => quota::run(ctx, a).await,
        CreateCommand::ServiceAccount(a) => serviceaccount::run(ctx, a).await,
    }
}
