//! `create -f FILENAME`: create every object of the files, folders, URLs or
//! standard input named (`--raw` POSTs one file's bytes to a path instead).
//!
//! Examples:
//!   # Create a pod using the data in pod.json
//!   kuddle create -f ./pod.json
//!
//!   # Create a pod based on the JSON passed into stdin
//!   cat pod.json | kuddle create -f -
//!
//!   # Create everything under a folder, its subfolders included
//!   kuddle create -R -f ./manifests/

use std::io::Write;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use http::Method;

use crate::apply::last_applied;
use crate::client::ApiClient;
use crate::context::Context;
use crate::error::{add_source_to_err, CliError, VisitErrors};
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::record::{record, RecordFlags};
use crate::flags::validate::{FieldValidation, ValidateFlags};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{sort_keys, OBJECT_FORMATS};
use crate::resource::infos::{read_checked_file_objects, FileReading, Info};
use crate::resource::window::{write_all, Turn};
use crate::resource::write::{self, WriteOptions};

/// The flags of `create` itself (without a subcommand).
#[derive(Args, Debug, Clone)]
pub struct CreateFromFilesArgs {
    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub validate: ValidateFlags,

    /// Store each object's configuration in its last-applied annotation,
    /// so a later `apply` can compute changes against it.
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

    /// Only create the objects whose labels match this selector.
    #[arg(
        short = 'l',
        long = "selector",
        value_name = "SELECTOR",
        allow_hyphen_values = true
    )]
    pub selector: Option<String>,

    /// POST the file's bytes to this path on the server, as they are.
    #[arg(long = "raw", value_name = "URI", allow_hyphen_values = true)]
    pub raw: Option<String>,

    /// Open each object in an editor before creating it.
    #[arg(long = "edit", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub edit: bool,

    /// Only read when editing before creating: write the file to edit with
    /// CRLF line endings.
    #[arg(long = "windows-line-endings", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub windows_line_endings: bool,

    #[command(flatten)]
    pub record: RecordFlags,

    /// Not accepted: create takes its objects from -f.
    #[arg(hide = true)]
    pub args: Vec<String>,
}

pub async fn run(ctx: &mut Context, args: CreateFromFilesArgs) -> Result<()> {
    // complete
    if !args.args.is_empty() {
        return Err(CliError::usage(
            format!("Unexpected args: [{}]", args.args.join(" ")),
            ctx.cmd_path.clone(),
        ));
    }
    let change_cause = args.record.change_cause(ctx)?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let validation = args.validate.directive()?;
    let printer = args.print.printer(OBJECT_FORMATS)?;
    // validate
    let raw = args.raw.as_deref().filter(|r| !r.is_empty());
    if raw.is_some() && args.edit {
        bail!("--raw and --edit are mutually exclusive");
    }
    if args.edit {
        let edit = crate::editor::CreateEdit {
            files: &args.files,
            print: &args.print,
            validation,
            save_config: args.save_config,
            change_cause,
        };
        return crate::editor::create_with_edit(ctx, edit).await;
    }
    let kustomize = args.files.kustomize.as_deref().filter(|k| !k.is_empty());
    if args.files.filenames.is_empty() && kustomize.is_none() {
        bail!("must specify one of -f and -k");
    }
    if let Some(raw) = raw {
        let path = raw_path(raw, &args)?;
        return raw_post(ctx, &path, &args.files.filenames[0]).await;
    }
    // run
    if validation != FieldValidation::Ignore {
        ctx.client_config()?;
    }
    ctx.namespace()?;
    let how = FileReading {
        typed: false,
        label_selector: args.selector.as_deref().filter(|s| !s.is_empty()),
    };
    let objects = read_checked_file_objects(ctx, &args.files, how, Some(validation)).await?;
    let options = WriteOptions {
        field_manager: args.field_manager.clone(),
        field_validation: Some(validation),
        dry_run: dry_run == DryRun::Server,
    };
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);
    let mut errors = VisitErrors::default();
    let mut count = 0usize;
    let items: Vec<Result<Info>> = objects
        .items
        .into_iter()
        .map(|item| {
            item.map(|info| {
                let mut info = with_annotation(info, args.save_config);
                // Recorded after the last-applied annotation, as kubectl
                // does: the change cause is not part of it.
                if let Some(cause) = &change_cause {
                    record(&mut info.object, cause);
                    sort_keys(&mut info.object);
                }
                info
            })
        })
        .collect();
    let sends = dry_run != DryRun::Client && items.iter().any(|item| item.is_ok());
    let client = match sends {
        true => Some(ctx.connection().await?.client.clone()),
        false => None,
    };
    let mut err = ctx.err.clone();
    let out = &mut ctx.out;
    let mut done = |outcome: Result<Info>| -> Result<()> {
        match outcome {
            Ok(info) => {
                count += 1;
                result.print(out, &info.object, "created")?;
                // Lines show up as objects are created, between any warnings.
                out.flush()?;
            }
            Err(e) => errors.push(e),
        }
        Ok(())
    };
    if let Some(client) = client {
        write_all(
            &client,
            items,
            Turn::of_read,
            |item, held| {
                let client = client.holding_warnings(held);
                let options = options.clone();
                async move { create_one(&client, item?, &options).await }
            },
            &mut err,
            done,
        )
        .await?;
    } else {
        for item in items {
            done(item)?;
        }
    }
    objects
        .reading
        .into_iter()
        .for_each(|e| errors.push_reading(e));
    if !errors.is_empty() {
        return errors.into_result();
    }
    if count == 0 {
        bail!("no objects passed to create");
    }
    Ok(())
}

/// The object as it is sent: unstructured objects encode with sorted keys,
/// the last-applied annotation too (stored with `--save-config`, brought up
/// to date when the object carries one).
fn with_annotation(mut info: Info, save_config: bool) -> Info {
    sort_keys(&mut info.object);
    if let Some(obj) = info.object.as_object_mut() {
        let has_annotation = last_applied::original(obj).is_some_and(|a| !a.is_empty());
        if save_config || has_annotation {
            last_applied::create_annotation(obj);
            sort_keys(&mut info.object);
        }
    }
    info
}

/// Creates one object; the server's answer replaces it in `info`.
async fn create_one(client: &ApiClient, mut info: Info, options: &WriteOptions) -> Result<Info> {
    let created = write::create(
        client,
        &info.mapping,
        info.namespace.as_deref(),
        &info.object,
        options,
    )
    .await;
    match created {
        Ok(mut object) => {
            sort_keys(&mut object);
            info.object = object;
            Ok(info)
        }
        Err(e) => Err(add_source_to_err("creating", &info.source, e.into())),
    }
}

/// kubectl's checks of `--raw` (after `-f`'s), and the path to POST to.
fn raw_path(raw: &str, args: &CreateFromFilesArgs) -> Result<String> {
    if args.files.filenames.len() != 1 {
        bail!("--raw can only use a single local file or stdin");
    }
    let file = &args.files.filenames[0];
    if file.starts_with("http://") || file.starts_with("https://") {
        bail!("--raw cannot read from a url");
    }
    if args.files.recursive {
        bail!("--raw and --recursive are mutually exclusive");
    }
    if args.selector.as_deref().is_some_and(|s| !s.is_empty()) {
        bail!("--raw and --selector (-l) are mutually exclusive");
    }
    if args.print.output.as_deref().is_some_and(|o| !o.is_empty()) {
        bail!("--raw and --output are mutually exclusive");
    }
    request_path(raw).map_err(|e| anyhow::anyhow!("--raw must be a valid URL path: {e}"))
}

/// Go's `url.ParseRequestURI`, keeping what a request uses: a path (with
/// its query), or an absolute URL's.
fn request_path(raw: &str) -> Result<String, String> {
    let quoted = crate::flags::go_values::go_quote(raw);
    if raw.starts_with('/') {
        return Ok(raw.to_string());
    }
    match raw.split_once(':') {
        Some(("", _)) => Err(format!("parse {quoted}: missing protocol scheme")),
        Some((scheme, rest))
            if scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            // An absolute URL: the request goes to its path.
            let after_host = rest
                .strip_prefix("//")
                .map(|r| r.find('/').map(|i| &r[i..]).unwrap_or(""))
                .unwrap_or(rest);
            Ok(if after_host.is_empty() {
                "/".to_string()
            } else {
                after_host.to_string()
            })
        }
        _ => Err(format!("parse {quoted}: invalid URI for request")),
    }
}

/// `--raw`: the file's (or standard input's) bytes as the body, the
/// server's answer copied to standard output.
async fn raw_post(ctx: &mut Context, path: &str, file: &str) -> Result<()> {
    let body = write::raw_body(file)?;
    let conn = ctx.connection().await?;
    let answer = conn
        .client
        .send(
            Method::POST,
            path,
            "application/json, */*",
            Some("application/json"),
            body,
        )
        .await?;
    ctx.out.write_all(&answer)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_paths_as_go_parses_them() {
        assert_eq!(request_path("/api/v1").unwrap(), "/api/v1");
        assert_eq!(
            request_path("api").unwrap_err(),
            "parse \"api\": invalid URI for request"
        );
        assert_eq!(
            request_path(":/x").unwrap_err(),
            "parse \":/x\": missing protocol scheme"
        );
        assert_eq!(request_path("https://h:1/a?b").unwrap(), "/a?b");
    }
}
