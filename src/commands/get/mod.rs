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

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_int64};
use crate::printers::{OutputFormat, OBJECT_FORMATS};
use crate::resource::builder::Selection;
use crate::resource::NoResourceType;

/// Formats `get` accepts besides the object formats.
const TABLE_FORMATS: &[&str] = &["custom-columns", "custom-columns-file", "wide"];

#[derive(Args, Debug, Clone)]
pub struct GetArgs {
    /// TYPE[.VERSION][.GROUP] [NAME…], or TYPE/NAME…
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    /// Output format: json, yaml, kyaml, name, wide, jsonpath=…, jsonpath-as-json=…, jsonpath-file=….
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,

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

    /// Keep managedFields in JSON and YAML output.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub show_managed_fields: bool,
}

pub async fn run(ctx: &mut Context, args: GetArgs) -> Result<()> {
    if let Some(raw) = &args.raw {
        if !args.args.is_empty() {
            bail!("arguments may not be passed when --raw is specified");
        }
        return raw_get(ctx, raw, &args).await;
    }
    if args.args.is_empty() {
        use std::io::Write;
        writeln!(
            ctx.err,
            "You must specify the type of resource to get. Use \"{} api-resources\" for a complete list of supported resources.\n",
            crate::error::PROGRAM
        )?;
        return Err(CliError::usage(
            "Required resource not specified.",
            ctx.cmd_path.clone(),
        ));
    }
    validate(&args)?;
    let output = args.output.clone().unwrap_or_default();
    let human = output.is_empty() || output == "wide";
    let format = if human {
        None
    } else {
        let mut allowed: Vec<&str> = OBJECT_FORMATS.to_vec();
        allowed.extend_from_slice(TABLE_FORMATS);
        Some(OutputFormat::parse(&output, &allowed)?)
    };

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
        single_resource_type: false,
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
    match format {
        None => human::print(ctx, &conn, plan, &args, output == "wide", &namespace).await,
        Some(format) => generic::print(ctx, &conn, plan, &args, format).await,
    }
}

fn validate(args: &GetArgs) -> Result<()> {
    let output = args.output.as_deref().unwrap_or("");
    if args.show_labels && !output.is_empty() && output != "wide" {
        bail!("--show-labels option cannot be used with {output} printer");
    }
    if !args.label_columns.is_empty() && output.starts_with("custom-columns") {
        bail!("--label-columns option cannot be used with {output} printer");
    }
    Ok(())
}

/// `--raw /path`: the body as the server sent it.
async fn raw_get(ctx: &mut Context, raw: &str, args: &GetArgs) -> Result<()> {
    if args.selector.is_some() {
        bail!("--raw may not be specified with other flags that filter the server request or alter the output");
    }
    if args.output.as_deref().is_some_and(|o| !o.is_empty()) {
        bail!("--raw and --output are mutually exclusive");
    }
    if !raw.starts_with('/') {
        bail!("--raw must be a valid URL path: parse {raw:?}: invalid URI for request");
    }
    let conn = ctx.connection().await?;
    let body = conn
        .client
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
