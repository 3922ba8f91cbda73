//! `apply view-last-applied (TYPE [NAME | -l label] | TYPE/NAME | -f FILENAME)`:
//! print the last-applied-configuration annotations.
//!
//! Examples:
//!   # View the last-applied-configuration annotations by type/name in YAML
//!   kuddle apply view-last-applied deployment/nginx
//!
//!   # View the last-applied-configuration annotations by file in JSON
//!   kuddle apply view-last-applied -f deploy.yaml -o json

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::apply::last_applied;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_quote};
use crate::flags::FilenameFlags;
use crate::resource::infos::{arguments_with_paths, read_file_objects, refetch, FileReading, Info};
use crate::resource::select::{collect_infos, Selecting};

#[derive(Args, Debug)]
pub struct ViewLastAppliedArgs {
    /// TYPE NAME…, TYPE/NAME…, or TYPE with -l or --all.
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    /// Output format: yaml or json.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT",
        default_value = "yaml"
    )]
    pub output: String,

    /// Every object of the given types in the namespace.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all: bool,

    #[command(flatten)]
    pub files: FilenameFlags,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,
}

pub async fn run(ctx: &mut Context, args: ViewLastAppliedArgs) -> Result<()> {
    // complete: read every object (the first error stops, as kubectl's
    // builder does here) and keep their annotations.
    let (_, explicit) = ctx.namespace()?;
    let selector = args
        .selector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut configs: Vec<String> = Vec::new();
    for (info, source) in objects(ctx, &args, selector, explicit).await? {
        match info.object.as_object().and_then(last_applied::original) {
            Some(text) => configs.push(text),
            // kubectl's error for an object from the server has no source,
            // and an error without one vanishes.
            None if source.is_empty() => {}
            None => bail!(
                "error when no last-applied-configuration annotation found on resource: {}\n {}: <nil>",
                info.name,
                go_quote(&source)
            ),
        }
    }
    // run
    for text in configs {
        match args.output.as_str() {
            "json" => {
                serde_json::from_str::<Value>(&text)?;
                ctx.out
                    .write_all(crate::printers::json::go_indent(&text, "  ").as_bytes())?;
            }
            "yaml" => {
                let value: Value = serde_json::from_str(&text)?;
                ctx.out
                    .write_all(crate::printers::yaml::to_string(&value)?.as_bytes())?;
            }
            other => {
                return Err(CliError::usage(
                    format!("Unexpected -o output mode: {other}, the flag 'output' must be one of yaml|json"),
                    ctx.cmd_path.clone(),
                ))
            }
        }
    }
    Ok(())
}

/// The objects named, read from the server, with the file each came from
/// (empty for objects named by arguments).
async fn objects(
    ctx: &mut Context,
    args: &ViewLastAppliedArgs,
    selector: Option<&str>,
    explicit_namespace: bool,
) -> Result<Vec<(Info, String)>> {
    // The builder's order: a lone TYPE with -n selects everything, then
    // --all, then -l.
    let lone_type = explicit_namespace && args.args.len() == 1 && !args.args[0].contains('/');
    if args.all && lone_type {
        bail!("setting 'all' parameter but found a non empty selector. ");
    }
    if args.all && selector.is_some() {
        bail!(
            "found non-empty label selector {} with previously set 'all' parameter. ",
            go_quote(args.selector.as_deref().unwrap_or_default())
        );
    }
    let uses_files = !args.files.filenames.is_empty()
        || args
            .files
            .kustomize
            .as_deref()
            .is_some_and(|k| !k.is_empty());
    let conn = ctx.connection().await?;
    if uses_files {
        arguments_with_paths(&args.args)?;
        let read = FileReading {
            typed: false,
            label_selector: selector,
        };
        let files = read_file_objects(ctx, &args.files, read).await?;
        if let Some(e) = files.reading.into_iter().next() {
            return Err(e);
        }
        let mut out = Vec::new();
        for (item, source) in files.items.into_iter().zip(files.sources) {
            let fresh = refetch(&conn.client, &item?).await?;
            out.push((fresh, source));
        }
        return Ok(out);
    }
    let (infos, errors) = collect_infos(
        ctx,
        Selecting {
            args: &args.args,
            files: &args.files,
            label_selector: selector,
            select_all: args.all,
            allow_empty_selector: explicit_namespace,
            latest: true,
            typed: false,
        },
    )
    .await?;
    if let Some(e) = errors.into_first() {
        return Err(e);
    }
    Ok(infos.into_iter().map(|i| (i, String::new())).collect())
}
