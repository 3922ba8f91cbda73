//! `replace -f FILENAME`
//!
//! Examples:
//!   # Replace a pod with the object in pod.json
//!   kuddle replace -f ./pod.json
//!
//!   # Replace a pod with the JSON read from standard input
//!   cat pod.json | kuddle replace -f -
//!
//!   # Delete the objects in the file and create them again
//!   kuddle replace --force -f ./pod.json

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::apply::last_applied;
use crate::client::ApiClient;
use crate::client::ACCEPT_JSON;
use crate::context::Context;
use crate::error::{add_source_to_err, VisitErrors};
use crate::flags::deletion::DeletionFlags;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::validate::ValidateFlags;
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{sort_keys, OBJECT_FORMATS};
use crate::resource::deleter::{Deletion, Streams};
use crate::resource::fetch::get_subresource;
use crate::resource::infos::{
    arguments_with_paths, read_checked_file_objects, FileReading, Info, Visited,
};
use crate::resource::wait::{until_deleted, Deadline, Target, DEADLINE_EXCEEDED};
use crate::resource::window::{write_all, Turn};
use crate::resource::write::{self, WriteOptions};

/// How long `--force` waits for the old objects to be gone by default.
const FORCE_TIMEOUT_NANOS: i64 = 5 * 60 * 1_000_000_000;

#[derive(Args, Debug)]
pub struct ReplaceArgs {
    /// Not accepted without --force: replace takes its objects from -f.
    #[arg(value_name = "TYPE", hide = true)]
    pub args: Vec<String>,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub deletion: DeletionFlags,

    /// With --force: wait until the old objects are gone, finalizers included.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub wait: bool,

    /// PUT the file (one file, or standard input) to this raw URI path.
    #[arg(long = "raw", value_name = "URI", default_value = "")]
    pub raw: String,

    /// Replace this subresource of the objects (status, scale).
    #[arg(long = "subresource", value_name = "NAME", default_value = "")]
    pub subresource: String,

    /// Store the object as the last-applied configuration, for later `apply`.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub save_config: bool,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-replace"
    )]
    pub field_manager: String,

    #[command(flatten)]
    pub validate: ValidateFlags,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub async fn run(ctx: &mut Context, args: ReplaceArgs) -> Result<()> {
    // complete
    let validation = args.validate.directive()?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let printer = args.print.printer(OBJECT_FORMATS)?;
    let propagation = args.deletion.propagation(&mut ctx.err)?;
    let mut grace_period = args.deletion.grace_period;
    let mut wait = args.wait;
    if grace_period == 0 {
        // kubectl turns 0 into 1 and waits for the objects to be gone.
        grace_period = 1;
        wait = true;
    }
    if args.files.filenames.is_empty() && args.files.kustomize.as_deref().unwrap_or("").is_empty() {
        bail!("must specify one of -f and -k");
    }
    ctx.namespace()?;
    // validate
    let force = args.deletion.force;
    if grace_period >= 0 && !force {
        bail!("--grace-period must have --force specified");
    }
    if args.deletion.timeout != 0 && !force {
        bail!("--timeout must have --force specified");
    }
    if force && dry_run != DryRun::None {
        bail!("--dry-run can not be used when --force is set");
    }
    if !args.raw.is_empty() {
        validate_raw(&args)?;
    }

    // run
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);
    if !args.raw.is_empty() {
        return raw_put(ctx, &args).await;
    }
    let objects =
        read_checked_file_objects(ctx, &args.files, FileReading::default(), Some(validation))
            .await?;
    let conn = ctx.connection().await?;
    let options = WriteOptions {
        field_manager: args.field_manager.clone(),
        field_validation: Some(validation),
        dry_run: dry_run == DryRun::Server,
    };
    if force {
        arguments_with_paths(&args.args)?;
        let deletion = Deletion {
            grace_period,
            propagation,
            dry_run: DryRun::None,
            ignore_not_found: true,
            wait,
            timeout: args.deletion.timeout,
            warn_cluster_scope: false,
        };
        return force_replace(ctx, &conn.client, objects, deletion, &mut result, &options).await;
    }
    let subresource = Some(args.subresource.as_str()).filter(|s| !s.is_empty());
    let mut errors = VisitErrors::default();
    objects
        .reading
        .into_iter()
        .for_each(|e| errors.push_reading(e));
    let items: Vec<Result<Info>> = objects
        .items
        .into_iter()
        .map(|item| {
            item.map(|mut info| {
                annotate(&mut info.object, args.save_config);
                info
            })
        })
        .collect();
    let out = &mut ctx.out;
    let mut done = |outcome: Result<Value>| -> Result<()> {
        match outcome {
            Ok(object) => result.print(out, &object, "replaced")?,
            Err(e) => errors.push(e),
        }
        Ok(())
    };
    if dry_run == DryRun::Client {
        for item in items {
            done(item.map(|info| info.object))?;
        }
        return errors.into_result();
    }
    let client = conn.client.clone();
    let mut err = ctx.err.clone();
    write_all(
        &client,
        items,
        Turn::of_read,
        |item, held| {
            let client = client.holding_warnings(held);
            let options = options.clone();
            let subresource = subresource.map(str::to_string);
            async move {
                let info = item?;
                match replace_one(&client, &info, subresource.as_deref(), &options).await {
                    Ok(mut replaced) => {
                        sort_keys(&mut replaced);
                        Ok(replaced)
                    }
                    Err(e) => Err(add_source_to_err("replacing", &info.source, e)),
                }
            }
        },
        &mut err,
        done,
    )
    .await?;
    errors.into_result()
}

/// `--save-config` stores the last-applied annotation; without it, an
/// annotation the object already carries is brought up to date.
fn annotate(object: &mut Value, save_config: bool) {
    let Some(map) = object.as_object_mut() else {
        return;
    };
    if save_config || last_applied::original(map).is_some_and(|o| !o.is_empty()) {
        last_applied::create_annotation(map);
    }
}

/// A PUT of the object; without a resource version, the live object's is
/// used (kubectl overwrites whatever is there).
async fn replace_one(
    client: &ApiClient,
    info: &Info,
    subresource: Option<&str>,
    options: &WriteOptions,
) -> Result<Value> {
    let ns = info.namespace.as_deref();
    let mut object = info.object.clone();
    let version = object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if version.is_empty() {
        let sub = subresource.unwrap_or_default();
        let live = get_subresource(client, &info.mapping, ns, &info.name, sub, ACCEPT_JSON)
            .await
            .and_then(|body| crate::client::parse_json(&body));
        if let Ok(live) = live {
            if let Some(v) = live.pointer("/metadata/resourceVersion").cloned() {
                if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.insert("resourceVersion".into(), v);
                }
            }
        }
    }
    Ok(write::replace(
        client,
        &info.mapping,
        ns,
        &info.name,
        subresource,
        &object,
        options,
    )
    .await?)
}

/// `--force`: delete the objects, wait until they are gone, create them
/// again.
async fn force_replace(
    ctx: &mut Context,
    client: &ApiClient,
    objects: crate::resource::infos::FileObjects,
    deletion: Deletion,
    result: &mut ResultPrinter,
    options: &WriteOptions,
) -> Result<()> {
    let mut errors = VisitErrors::default();
    objects
        .reading
        .into_iter()
        .for_each(|e| errors.push_reading(e));
    let mut infos = Vec::new();
    let mut visits = Vec::new();
    for item in objects.items {
        match item {
            Ok(info) => {
                infos.push(info.clone());
                visits.push(Visited::Object(info));
            }
            Err(e) => visits.push(Visited::Failed(e)),
        }
    }
    let timeout = deletion.timeout;
    let streams = Streams {
        out: &mut ctx.out,
        err: &ctx.err,
    };
    deletion
        .run(client, visits, errors, result, streams)
        .await?;
    // kubectl polls each object until it is gone, five minutes by default.
    let timeout = if timeout == 0 {
        FORCE_TIMEOUT_NANOS
    } else {
        timeout
    };
    let targets: Vec<Target> = infos
        .iter()
        .map(|info| Target {
            mapping: info.mapping.clone(),
            namespace: info.namespace.clone(),
            name: info.name.clone(),
            uid: None,
        })
        .collect();
    let deadline = Deadline::for_wait(timeout);
    for outcome in until_deleted(client, &targets, deadline, &ctx.err).await {
        if let Err(e) = outcome {
            if e.downcast_ref::<crate::resource::wait::WaitTimeout>()
                .is_some()
            {
                bail!(DEADLINE_EXCEEDED);
            }
            return Err(e);
        }
    }
    let mut count = 0;
    let mut errors = VisitErrors::default();
    for mut info in infos {
        annotate(&mut info.object, false);
        // kubectl creates the object without the version it had.
        if let Some(meta) = info
            .object
            .get_mut("metadata")
            .and_then(Value::as_object_mut)
        {
            meta.shift_remove("resourceVersion");
        }
        let created = write::create(
            client,
            &info.mapping,
            info.namespace.as_deref(),
            &info.object,
            options,
        )
        .await;
        match created {
            Ok(mut obj) => {
                count += 1;
                sort_keys(&mut obj);
                result.print(&mut ctx.out, &obj, "replaced")?;
            }
            Err(e) => errors.push(e.into()),
        }
    }
    if !errors.is_empty() {
        return errors.into_result();
    }
    if count == 0 {
        bail!("no objects passed to replace");
    }
    Ok(())
}

fn validate_raw(args: &ReplaceArgs) -> Result<()> {
    let files = &args.files.filenames;
    if files.len() != 1 {
        bail!("--raw can only use a single local file or stdin");
    }
    if files[0].starts_with("http://") || files[0].starts_with("https://") {
        bail!("--raw cannot read from a url");
    }
    if args.files.recursive {
        bail!("--raw and --recursive are mutually exclusive");
    }
    if args.print.output.as_deref().is_some_and(|o| !o.is_empty()) {
        bail!("--raw and --output are mutually exclusive");
    }
    write::check_raw_uri(&args.raw)
}

/// `--raw`: PUT the file to the URI and print the server's answer.
async fn raw_put(ctx: &mut Context, args: &ReplaceArgs) -> Result<()> {
    let body = write::raw_body(&args.files.filenames[0])?;
    let conn = ctx.connection().await?;
    let answer = write::raw(&conn.client, http::Method::PUT, &args.raw, body).await?;
    use std::io::Write;
    ctx.out.write_all(&answer)?;
    Ok(())
}
