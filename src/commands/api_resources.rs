//! `api-resources`: the resource types the server serves.
//!
//! Examples:
//!   # Every resource type, with verbs and categories
//!   kuddle api-resources -o wide
//!
//!   # Namespaced resources of the apps group that can be listed
//!   kuddle api-resources --namespaced=true --api-group=apps --verbs=list

use std::io::Write;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::{json, Value};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_bool;
use crate::printers::tabwriter::TabWriter;
use crate::printers::{OutputFormat, Printer};
use crate::resource::ApiResource;

#[derive(Args, Debug)]
pub struct ApiResourcesArgs {
    /// No arguments are accepted; listed here to report kubectl's error.
    #[arg(hide = true)]
    pub unexpected: Vec<String>,

    /// Output format: wide, name, json, yaml.
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,

    /// Leave out the header row.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub no_headers: bool,

    /// Only resources of this API group ("" for the core group).
    #[arg(long = "api-group", value_name = "GROUP")]
    pub api_group: Option<String>,

    /// Only namespaced (true) or cluster-scoped (false) resources.
    #[arg(long = "namespaced", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub namespaced: Option<bool>,

    /// Only resources that support all these verbs.
    #[arg(long = "verbs", value_name = "VERB", value_delimiter = ',', action = ArgAction::Append)]
    pub verbs: Vec<String>,

    /// Sort by name or kind (default: by group, then name).
    #[arg(long = "sort-by", value_name = "FIELD")]
    pub sort_by: Option<String>,

    /// Use the discovery cache when it is fresh instead of asking the server.
    #[arg(long = "cached", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub cached: bool,

    /// Only resources in all these categories.
    #[arg(long = "categories", value_name = "CATEGORY", value_delimiter = ',', action = ArgAction::Append)]
    pub categories: Vec<String>,
}

enum Output {
    Table { wide: bool },
    Name,
    Object(OutputFormat),
}

pub async fn run(ctx: &mut Context, args: ApiResourcesArgs) -> Result<()> {
    if !args.unexpected.is_empty() {
        return Err(CliError::usage(
            format!("unexpected arguments: [{}]", args.unexpected.join(" ")),
            ctx.cmd_path.clone(),
        ));
    }
    let output = match args.output.as_deref().unwrap_or("") {
        "" => Output::Table { wide: false },
        "wide" => Output::Table { wide: true },
        "name" => Output::Name,
        other => Output::Object(OutputFormat::parse(
            other,
            &["json", "yaml", "kyaml", "name", "wide"],
        )?),
    };
    if let Some(sort) = args.sort_by.as_deref() {
        if !matches!(sort, "" | "name" | "kind") {
            bail!("--sort-by accepts only name or kind");
        }
    }
    let discovery = if args.cached {
        ctx.discovery().await?
    } else {
        match ctx.refresh_discovery().await? {
            Some(fresh) => fresh,
            None => ctx.discovery().await?,
        }
    };

    let mut resources: Vec<ApiResource> = Vec::new();
    for group in &discovery.groups {
        for r in discovery.resources_for(&group.name, &group.preferred_version) {
            if r.name.contains('/') || r.verbs.is_empty() {
                continue;
            }
            if args.api_group.as_ref().is_some_and(|g| *g != group.name) {
                continue;
            }
            if args.namespaced.is_some_and(|n| n != r.namespaced) {
                continue;
            }
            if !args.verbs.iter().all(|v| r.verbs.contains(v)) {
                continue;
            }
            if !args.categories.iter().all(|c| r.categories.contains(c)) {
                continue;
            }
            let mut r = r.clone();
            r.group = group.name.clone();
            r.version = group.preferred_version.clone();
            resources.push(r);
        }
    }
    let sort_by = args.sort_by.clone().unwrap_or_default();
    resources.sort_by(|a, b| {
        let key = |r: &ApiResource| match sort_by.as_str() {
            "name" => r.name.clone(),
            "kind" => r.kind.clone(),
            _ => r.group.clone(),
        };
        key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });

    match output {
        Output::Table { wide } => {
            let mut tw = TabWriter::for_tables(&mut ctx.out);
            if !args.no_headers {
                let mut header = "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND".to_string();
                if wide {
                    header.push_str("\tVERBS\tCATEGORIES");
                }
                writeln!(tw, "{}", crate::printers::style::header_row(&header))?;
            }
            for r in &resources {
                let api_version = if r.group.is_empty() {
                    r.version.clone()
                } else {
                    format!("{}/{}", r.group, r.version)
                };
                write!(
                    tw,
                    "{}\t{}\t{}\t{}\t{}",
                    r.name,
                    r.short_names.join(","),
                    api_version,
                    r.namespaced,
                    r.kind
                )?;
                if wide {
                    write!(tw, "\t{}\t{}", r.verbs.join(","), r.categories.join(","))?;
                }
                writeln!(tw)?;
            }
            tw.flush_pending()?;
        }
        Output::Name => {
            for r in &resources {
                if r.group.is_empty() {
                    writeln!(ctx.out, "{}", r.name)?;
                } else {
                    writeln!(ctx.out, "{}.{}", r.name, r.group)?;
                }
            }
        }
        Output::Object(format) => {
            let list: Value = json!({
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": "",
                "resources": resources,
            });
            Printer::new(format).print(&list, &mut ctx.out)?;
        }
    }
    Ok(())
}
