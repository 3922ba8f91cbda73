//! `edit (RESOURCE/NAME | -f FILENAME)`: change objects on the server in
//! an editor (`KUBE_EDITOR`, then `EDITOR`, then `vi`).
//!
//! Examples:
//!   # Edit the service named 'registry'
//!   kuddle edit svc/registry
//!
//!   # Use an alternative editor
//!   KUBE_EDITOR="nano" kuddle edit svc/registry
//!
//!   # Edit the job 'myjob' in JSON using the v1 API format
//!   kuddle edit job.v1.batch/myjob -o json
//!
//!   # Edit the deployment 'mydeployment' in YAML and save the modified config in its annotation
//!   kuddle edit deployment/mydeployment -o yaml --save-config
//!
//!   # Edit the 'status' subresource for the 'mydeployment' deployment
//!   kuddle edit deployment mydeployment --subresource='status'

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::editor::{self, EditMode, Options};
use crate::flags::edit::EditFlags;
use crate::flags::go_values::go_bool;
use crate::flags::record::RecordFlags;
use crate::flags::{FilenameFlags, PrintFlags};
use crate::resource::infos::Info;
use crate::resource::select::{collect_infos, Selecting};

#[derive(Args, Debug)]
pub struct EditArgs {
    /// TYPE NAME…, TYPE/NAME…, or TYPE (every object of it).
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub edit: EditFlags,

    /// Print the patch sent for each edited object.
    #[arg(long = "output-patch", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub output_patch: bool,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-edit"
    )]
    pub field_manager: String,

    /// Store the edited object's configuration in its last-applied
    /// annotation, so a later `apply` can compute changes against it.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub save_config: bool,

    #[command(flatten)]
    pub record: RecordFlags,

    /// Edit this subresource of the objects (for example status).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub subresource: String,
}

pub async fn run(ctx: &mut Context, args: EditArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let (namespace, _) = ctx.namespace()?;
    let (infos, errors) = collect_infos(
        ctx,
        Selecting {
            args: &args.args,
            files: &args.files,
            label_selector: None,
            select_all: false,
            allow_empty_selector: true,
            latest: true,
            typed: false,
        },
    )
    .await?;
    let validation = args.edit.validate.directive()?;
    // run
    errors.into_result()?;
    let subresource = Some(args.subresource.clone()).filter(|s| !s.is_empty());
    let infos = match &subresource {
        Some(sub) => read_subresource(ctx, infos, sub).await?,
        None => infos,
    };
    if infos.is_empty() {
        bail!("edit cancelled, no objects found");
    }
    let opts = Options {
        mode: EditMode::Normal,
        print: &args.print,
        output_patch: args.output_patch,
        windows_line_endings: args.edit.windows_line_endings,
        save_config: args.save_config,
        field_manager: args.field_manager.clone(),
        validation,
        subresource,
        namespace,
        change_cause,
    };
    editor::edit(ctx, &opts, infos).await
}

/// The subresource of each object, read in its place.
async fn read_subresource(ctx: &mut Context, infos: Vec<Info>, sub: &str) -> Result<Vec<Info>> {
    let conn = ctx.connection().await?;
    let mut out = Vec::with_capacity(infos.len());
    let mut errors = crate::error::VisitErrors::default();
    for info in infos {
        let path = format!(
            "{}/{sub}",
            info.mapping
                .object_path(info.namespace.as_deref(), &info.name)
        );
        match conn.client.get_json(&path).await {
            Ok(object) => out.push(Info { object, ..info }),
            Err(e) => errors.push(e.into()),
        }
    }
    errors.into_result()?;
    Ok(out)
}
