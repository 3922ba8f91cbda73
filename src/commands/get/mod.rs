//! `get`: display one or many resources.
//!
//! Examples:
//!   # List all pods in the current namespace, with more columns
//!   kuddle get pods -o wide
//!
//!   # One deployment as YAML
//!   kuddle get deployment web -o yaml
//!
//!   # Pods and services with the label app=web, in every namespace
//!   kuddle get po,svc -l app=web -A

mod generic;
mod human;
mod watch;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_int64};
use crate::flags::FilenameFlags;
use crate::flags::PrintFlags;
use crate::printers::custom_columns::CustomColumns;
use crate::printers::sort_by::SortError;
use crate::printers::{OutputFormat, TemplateFlags, OBJECT_FORMATS};
use crate::resource::builder::{NamedTarget, Plan, Selection};
use crate::resource::infos::{arguments_with_paths, read_file_objects, FileReading};
use crate::resource::NoResourceType;

/// Formats `get` accepts besides the object formats.
const TABLE_FORMATS: &[&str] = &["custom-columns", "custom-columns-file", "wide"];

#[derive(Args, Debug, Clone)]
pub struct GetArgs {
    /// TYPE[.VERSION][.GROUP] [NAME…], or TYPE/NAME…
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub print: PrintFlags,

    /// List across all namespaces.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all_namespaces: bool,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Field selector (e.g. --field-selector status.phase=Running).
    #[arg(long = "field-selector", value_name = "SELECTOR")]
    pub field_selector: Option<String>,

    /// Labels to show as columns; repeat or separate with commas.
    #[arg(short = 'L', long = "label-columns", value_name = "LABEL", value_delimiter = ',', action = ArgAction::Append)]
    pub label_columns: Vec<String>,

    /// Show all labels as the last column.
    #[arg(long = "show-labels", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub show_labels: bool,

    /// Prefix names with their resource type.
    #[arg(long = "show-kind", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub show_kind: bool,

    /// Leave out the header row.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub no_headers: bool,

    /// Fetch lists in pages of this many objects (0: all at once).
    #[arg(long = "chunk-size", value_name = "N", default_value = "500", value_parser = go_int64)]
    pub chunk_size: i64,

    /// Say nothing about named objects that do not exist.
    #[arg(long = "ignore-not-found", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub ignore_not_found: bool,

    /// Print the server's answer to this raw URI path.
    #[arg(long = "raw", value_name = "URI")]
    pub raw: Option<String>,

    /// After printing the current state, print changes as they happen.
    #[arg(short = 'w', long = "watch", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub watch: bool,

    /// Print only changes, not the current state.
    #[arg(long = "watch-only", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub watch_only: bool,

    /// With --watch, print the event type (ADDED, MODIFIED, DELETED) too.
    #[arg(long = "output-watch-events", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub output_watch_events: bool,

    /// Sort by a JSONPath field (e.g. '{.metadata.name}').
    #[arg(long = "sort-by", value_name = "JSONPATH")]
    pub sort_by: Option<String>,

    /// Get this subresource of the named objects: status or scale.
    #[arg(long = "subresource", value_name = "SUBRESOURCE", default_value = "")]
    pub subresource: String,

    /// Let the server choose the table columns; false prints NAME and AGE only.
    #[arg(long = "server-print", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub server_print: bool,

    #[command(flatten)]
    pub files: FilenameFlags,
}

impl GetArgs {
    /// The `--sort-by` path, if one was given (an empty one sorts nothing).
    pub(crate) fn sort_field(&self) -> Option<&str> {
        self.sort_by.as_deref().filter(|f| !f.is_empty())
    }
}

pub async fn run(ctx: &mut Context, args: GetArgs) -> Result<()> {
    if let Some(raw) = &args.raw {
        if !args.args.is_empty() {
            bail!("arguments may not be passed when --raw is specified");
        }
        return raw_get(ctx, raw, &args).await;
    }
    let watching = args.watch || args.watch_only;
    let from_files = !args.files.filenames.is_empty() || args.files.kustomize.is_some();
    if args.args.is_empty() && !watching && !from_files {
        use std::io::Write;
        writeln!(
            ctx.err,
            "You must specify the type of resource to get. Use \"{} api-resources\" for a complete list of supported resources.\n",
            crate::error::PROGRAM
        )?;
        return Err(CliError::usage(
            format!(
                "Required resource not specified.\nUse \"{p} explain <resource>\" for a detailed description of that resource (e.g. {p} explain pods).",
                p = crate::error::PROGRAM
            ),
            ctx.cmd_path.clone(),
        ));
    }
    validate(&args)?;
    let output = args.print.output.clone().unwrap_or_default();
    let human = (output.is_empty() && args.print.template.is_empty()) || output == "wide";
    let format = if human {
        None
    } else {
        Some(output_format(&args, &output)?)
    };

    // Named objects only: kubectl refuses a subresource of a whole list
    // (watching ignores it).
    if !args.subresource.is_empty() && !watching && !from_files {
        let named = args.args.len() > 1 || args.args.iter().any(|a| a.contains('/'));
        if !named {
            bail!("subresource cannot be used when bulk resources are specified");
        }
    }
    let conn = ctx.connection().await?;
    let namespace = conn.namespace.clone();
    let selection = Selection {
        args: &args.args,
        label_selector: args.selector.clone(),
        field_selector: args.field_selector.clone(),
        select_all: false,
        namespace: namespace.clone(),
        all_namespaces: args.all_namespaces,
        allow_empty_selector: true,
        single_resource_type: watching,
    };
    if from_files {
        let (plan, reading_errors) = plan_from_files(ctx, &args).await?;
        if watching {
            return watch::watch(ctx, &conn, plan, &args, format, output == "wide").await;
        }
        return match format {
            None => {
                human::print(
                    ctx,
                    &conn,
                    plan,
                    &args,
                    output == "wide",
                    &namespace,
                    // The table path's aggregate prints them bare.
                    reading_errors
                        .iter()
                        .map(|e| CliError::Verbatim(crate::error::message_for_error(e)).into())
                        .collect(),
                )
                .await
            }
            Some(format) => generic::print(ctx, &conn, plan, &args, format, reading_errors).await,
        };
    }
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
    if watching {
        return watch::watch(ctx, &conn, plan, &args, format, output == "wide").await;
    }
    match format {
        None => {
            human::print(
                ctx,
                &conn,
                plan,
                &args,
                output == "wide",
                &namespace,
                Vec::new(),
            )
            .await
        }
        Some(format) => generic::print(ctx, &conn, plan, &args, format, Vec::new()).await,
    }
}

/// `-f`: the objects the files name, fetched again from the server. One
/// path that is neither a folder nor stdin implies a single object.
async fn plan_from_files(ctx: &mut Context, args: &GetArgs) -> Result<(Plan, Vec<anyhow::Error>)> {
    arguments_with_paths(&args.args)?;
    let read = FileReading {
        typed: false,
        label_selector: args.selector.as_deref(),
    };
    let objects = read_file_objects(ctx, &args.files, read).await?;
    let mut errors: Vec<anyhow::Error> = objects.reading;
    let mut items = Vec::new();
    for item in objects.items {
        match item {
            Ok(info) => items.push(NamedTarget {
                mapping: info.mapping,
                namespace: info.namespace,
                name: info.name,
            }),
            Err(e) => errors.push(e),
        }
    }
    let single_path = args.files.filenames.len() == 1
        && args.files.filenames[0] != "-"
        && !std::path::Path::new(&args.files.filenames[0]).is_dir();
    Ok((
        Plan::Named {
            items,
            single_item_implied: single_path,
        },
        errors,
    ))
}

/// A named object, or its `--subresource`.
pub(crate) async fn fetch_named(
    client: &crate::client::ApiClient,
    target: &crate::resource::builder::NamedTarget,
    subresource: &str,
    accept: &str,
) -> Result<bytes::Bytes, crate::client::ApiError> {
    crate::resource::fetch::get_subresource_or_namespace(
        client,
        &target.mapping,
        target.namespace.as_deref(),
        &target.name,
        subresource,
        accept,
    )
    .await
}

/// The printer for a non-table `-o`, custom columns included.
fn output_format(args: &GetArgs, output: &str) -> Result<OutputFormat> {
    let columns = if let Some(spec) = output.strip_prefix("custom-columns=") {
        Some(CustomColumns::from_spec(spec, args.no_headers)?)
    } else if output == "custom-columns" {
        Some(CustomColumns::from_spec(
            &args.print.template,
            args.no_headers,
        )?)
    } else if let Some(file) = output.strip_prefix("custom-columns-file=") {
        Some(CustomColumns::from_file(file)?)
    } else {
        None
    };
    if let Some(columns) = columns {
        return Ok(OutputFormat::CustomColumns(Box::new(columns)));
    }
    let mut allowed: Vec<&str> = OBJECT_FORMATS.to_vec();
    allowed.extend_from_slice(TABLE_FORMATS);
    let output = if output.is_empty() {
        "go-template"
    } else {
        output
    };
    OutputFormat::parse_with_template(
        output,
        &allowed,
        TemplateFlags {
            template: &args.print.template,
            allow_missing_keys: args.print.allow_missing_template_keys,
        },
    )
}

fn validate(args: &GetArgs) -> Result<()> {
    let output = args.print.output.as_deref().unwrap_or("");
    if args.show_labels && !output.is_empty() && output != "wide" {
        bail!("--show-labels option cannot be used with {output} printer");
    }
    if !args.label_columns.is_empty() && output.starts_with("custom-columns") {
        bail!("--label-columns option cannot be used with {output} printer");
    }
    if args.output_watch_events && !(args.watch || args.watch_only) {
        bail!("--output-watch-events option can only be used with --watch or --watch-only");
    }
    Ok(())
}

/// `--raw /path`: the body as the server sent it.
async fn raw_get(ctx: &mut Context, raw: &str, args: &GetArgs) -> Result<()> {
    if args.selector.is_some() {
        bail!("--raw may not be specified with other flags that filter the server request or alter the output");
    }
    if args.print.output.as_deref().is_some_and(|o| !o.is_empty()) {
        bail!("--raw and --output are mutually exclusive");
    }
    if !raw.starts_with('/') {
        bail!("--raw must be a valid URL path: parse {raw:?}: invalid URI for request");
    }
    let conn = ctx.connection().await?;
    let body = conn
        .client
        .raw()
        .send(
            http::Method::GET,
            raw,
            crate::client::ACCEPT_JSON,
            None,
            Vec::new(),
        )
        .await?;
    use std::io::Write;
    ctx.out.write_all(&body)?;
    Ok(())
}

/// A failed sort as kubectl ends it: an error, or klog's fatal line and exit.
pub(crate) fn sort_failure(err: &mut dyn std::io::Write, e: SortError) -> anyhow::Error {
    match e {
        SortError::Failed(msg) => anyhow::anyhow!(msg),
        SortError::Fatal { code, .. } => {
            if let Some(line) = e.klog_line() {
                let _ = err.write_all(line.as_bytes());
            }
            CliError::Exit(code).into()
        }
    }
}

/// What went wrong fetching part of the selection; reported after output.
pub(crate) fn report(errors: Vec<anyhow::Error>) -> Result<()> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors
            .into_iter()
            .next()
            .unwrap_or_else(|| anyhow::anyhow!("unknown error"))),
        _ => {
            Err(CliError::Many(errors.iter().map(crate::error::message_for_error).collect()).into())
        }
    }
}
