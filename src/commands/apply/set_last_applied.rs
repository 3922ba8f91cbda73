//! `apply set-last-applied -f FILENAME`: set objects' last-applied
//! annotation to the content of files, as if `apply -f` had run, without
//! changing anything else.
//!
//! Examples:
//!   # Set the last-applied-configuration of a resource to match the contents of a file
//!   kuddle apply set-last-applied -f deploy.yaml
//!
//!   # Execute set-last-applied against each configuration file in a directory
//!   kuddle apply set-last-applied -f path/
//!
//!   # Set the last-applied-configuration of a resource to match the contents of a file; will create the annotation if it does not already exist
//!   kuddle apply set-last-applied -f deploy.yaml --create-annotation=true

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::apply::last_applied;
use crate::client::ApiError;
use crate::context::Context;
use crate::editor::{file, patch};
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::{go_bool, go_quote};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::OBJECT_FORMATS;
use crate::resource::infos::{read_file_objects, refetch, FileReading, Info};
use crate::resource::write::{self, PatchType, WriteOptions};

#[derive(Args, Debug)]
pub struct SetLastAppliedArgs {
    /// Files, directories or URLs holding the configurations; `-` reads standard input.
    #[arg(short = 'f', long = "filename", value_name = "FILE", value_delimiter = ',', action = ArgAction::Append)]
    pub filenames: Vec<String>,

    /// Create the annotation on objects that do not have one.
    #[arg(long = "create-annotation", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub create_annotation: bool,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

/// kubectl sends these patches without a field manager; the server then
/// names the manager after kubectl's user agent.
const FIELD_MANAGER: &str = "kubectl";

pub async fn run(ctx: &mut Context, args: SetLastAppliedArgs) -> Result<()> {
    // complete
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    ctx.namespace()?;
    let printer = args.print.printer(OBJECT_FORMATS)?;
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);

    // validate: read each file object and the live one; the first error stops.
    if args.filenames.is_empty() {
        bail!(crate::resource::builder::MISSING_RESOURCE);
    }
    let files = FilenameFlags {
        filenames: args.filenames.clone(),
        ..Default::default()
    };
    let objects = read_file_objects(ctx, &files, FileReading::default()).await?;
    if let Some(e) = objects.reading.into_iter().next() {
        return Err(e);
    }
    let conn = ctx.connection().await?;
    let mut changes: Vec<(Info, String)> = Vec::new();
    for (item, source) in objects.items.into_iter().zip(objects.sources) {
        let from_file = item?;
        let obj = from_file.object.as_object().cloned().unwrap_or_default();
        let body = file::canonical_json(&Value::Object(patch::last_applied_patch(&obj)));
        let wanted = last_applied::encode(&obj);
        let live = match refetch(&conn.client, &from_file).await {
            Ok(live) => live,
            Err(e) if e.is_not_found() => return Err(e.into()),
            Err(e) => {
                // kubectl's AddSourceToErr: API errors keep their kind.
                let ns = from_file.namespace.clone().unwrap_or_default();
                let verb = format!(
                    "retrieving current configuration of:\n{}\nfrom server for:",
                    crate::apply::describe_info(&from_file.mapping, &from_file.name, &ns)
                );
                return Err(match e {
                    ApiError::Status(mut status) => {
                        status.message = format!(
                            "error when {verb} {}: {}",
                            go_quote(&source),
                            status.message
                        );
                        ApiError::Status(status).into()
                    }
                    other => anyhow!("error when {verb} {}: {other}", go_quote(&source)),
                });
            }
        };
        let current = live.object.as_object().and_then(last_applied::original);
        if current.is_none() && !args.create_annotation {
            bail!(
                "no last-applied-configuration annotation found on resource: {}, to create the annotation, run the command with --create-annotation",
                live.name
            );
        }
        let current = current.unwrap_or_default();
        if file::strip_comments(current.as_bytes()) == file::strip_comments(wanted.as_bytes()) {
            writeln!(
                ctx.out,
                "set-last-applied {}: no changes required.",
                live.name
            )?;
            continue;
        }
        changes.push((live, body));
    }

    // run
    for (live, body) in changes {
        let mut shown = if dry_run == DryRun::Client {
            live.object.clone()
        } else {
            write::patch(
                &conn.client,
                &live.mapping,
                live.namespace.as_deref(),
                &live.name,
                None,
                PatchType::Merge,
                body.into_bytes(),
                &WriteOptions {
                    field_manager: FIELD_MANAGER.into(),
                    field_validation: None,
                    dry_run: dry_run == DryRun::Server,
                },
            )
            .await?
        };
        crate::printers::sort_keys(&mut shown);
        result.print(&mut ctx.out, &shown, "configured")?;
    }
    Ok(())
}
