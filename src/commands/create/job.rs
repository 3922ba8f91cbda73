//! `create job NAME --image=IMAGE [-- COMMAND args…]` or `create job NAME --from=cronjob/NAME`
//!
//! Examples:
//!   # A job that runs date in busybox
//!   kuddle create job my-job --image=busybox -- date
//!
//!   # Start a cron job's job by hand
//!   kuddle create job test-job --from=cronjob/a-cronjob

use anyhow::{bail, Result};
use clap::Args;

use super::{create_and_print, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::job::{job, job_from_cron_job};
use crate::generate::save_config;
use crate::resource::builder::{Plan, Selection};
use crate::resource::fetch::get_object_or_namespace;
use crate::resource::NoResourceType;

#[derive(Args, Debug)]
pub struct JobArgs {
    /// NAME, then optionally `-- COMMAND [args…]` for the container.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Command and arguments for the container, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    /// The image to run.
    #[arg(
        allow_hyphen_values = true,
        long = "image",
        value_name = "IMAGE",
        default_value = ""
    )]
    pub image: String,

    /// The cron job (`cronjob/NAME`) whose job template to run.
    #[arg(
        allow_hyphen_values = true,
        long = "from",
        value_name = "CRONJOB",
        default_value = ""
    )]
    pub from: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: JobArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    if args.image.is_empty() == args.from.is_empty() {
        bail!("either --image or --from must be specified");
    }
    if !args.command.is_empty() && !args.from.is_empty() {
        bail!("cannot specify --from and command");
    }
    let namespace = ctx.enforced_namespace();
    let mut object = if args.from.is_empty() {
        job(&name, namespace.as_deref(), &args.image, &args.command)
    } else {
        let cron_job = read_cron_job(ctx, &args.from).await?;
        job_from_cron_job(&name, namespace.as_deref(), &cron_job)
    };
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "failed to create job: ").await
}

/// The object `--from` names, which must be a CronJob.
async fn read_cron_job(ctx: &mut Context, from: &str) -> Result<serde_json::Value> {
    let conn = ctx.connection().await?;
    let args = [from.to_string()];
    let selection = Selection {
        args: &args,
        namespace: conn.namespace.clone(),
        ..Default::default()
    };
    let discovery = ctx.discovery().await?;
    let plan = match discovery.plan(&selection) {
        Err(e) if e.downcast_ref::<NoResourceType>().is_some() => {
            match ctx.refresh_discovery().await? {
                Some(fresh) => fresh.plan(&selection)?,
                None => return Err(e),
            }
        }
        other => other?,
    };
    let Plan::Named { items, .. } = plan else {
        bail!("from must be an existing cronjob");
    };
    let [target] = items.as_slice() else {
        bail!("from must be an existing cronjob");
    };
    let body = get_object_or_namespace(
        &conn.client,
        &target.mapping,
        target.namespace.as_deref(),
        &target.name,
        crate::client::ACCEPT_JSON,
    )
    .await?;
    let object = crate::client::parse_json(&body)?;
    let mapping = &target.mapping;
    if (mapping.group.as_str(), mapping.kind.as_str()) != ("batch", "CronJob") {
        // Go's `%T` of the typed object kubectl decoded.
        bail!("unknown object type *{}.{}", mapping.version, mapping.kind);
    }
    Ok(object)
}
