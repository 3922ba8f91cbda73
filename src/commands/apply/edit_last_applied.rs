//! `apply edit-last-applied (RESOURCE/NAME | -f FILENAME)`: edit objects'
//! last-applied annotations in an editor, as `edit` edits objects.
//!
//! Examples:
//!   # Edit the last-applied-configuration annotations by type/name in YAML
//!   kuddle apply edit-last-applied deployment/nginx
//!
//!   # Edit the last-applied-configuration annotations by file in JSON
//!   kuddle apply edit-last-applied -f deploy.yaml -o json

use anyhow::Result;
use clap::Args;

use crate::context::Context;
use crate::editor::{self, EditMode, Options};
use crate::flags::edit::EditFlags;
use crate::flags::{FilenameFlags, PrintFlags};
use crate::resource::select::{collect_infos, Selecting};

#[derive(Args, Debug)]
pub struct EditLastAppliedArgs {
    /// TYPE NAME…, TYPE/NAME…, or TYPE (every object of it).
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub edit: EditFlags,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-client-side-apply"
    )]
    pub field_manager: String,
}

pub async fn run(ctx: &mut Context, args: EditLastAppliedArgs) -> Result<()> {
    // complete
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
    let annotations = editor::last_applied_infos(ctx, &infos).await?;
    let opts = Options {
        mode: EditMode::LastApplied,
        print: &args.print,
        output_patch: false,
        windows_line_endings: args.edit.windows_line_endings,
        save_config: false,
        field_manager: args.field_manager.clone(),
        validation,
        subresource: None,
        namespace,
        change_cause: None,
    };
    editor::edit(ctx, &opts, annotations).await
}
