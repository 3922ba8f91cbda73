//! `patch (-f FILENAME | TYPE NAME) [-p PATCH | --patch-file FILE]`
//!
//! Examples:
//!   # Change a node's spec with a strategic merge patch (JSON or YAML)
//!   kuddle patch node k8s-node-1 -p '{"spec":{"unschedulable":true}}'
//!
//!   # Change a container's image; the list is merged by container name
//!   kuddle patch pod valid-pod -p '{"spec":{"containers":[{"name":"app","image":"new"}]}}'
//!
//!   # The same with a JSON patch, by position
//!   kuddle patch pod valid-pod --type='json' -p='[{"op": "replace", "path": "/spec/containers/0/image", "value":"new"}]'
//!
//!   # Change a deployment's replicas through its scale subresource
//!   kuddle patch deployment nginx --subresource='scale' --type='merge' -p '{"spec":{"replicas":2}}'
//!
//!   # Patch a file without a server and print the result
//!   kuddle patch --local -f deploy.yaml -p '{"spec":{"replicas":3}}' -o yaml

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::apply::client_patch::apply_patch;
use crate::context::Context;
use crate::error::VisitErrors;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::{go_bool, go_quote};
use crate::flags::record::{RecordFlags, CHANGE_CAUSE};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{sort_keys, OBJECT_FORMATS};
use crate::resource::builder::{Plan, Selection, MISSING_RESOURCE};
use crate::resource::fetch::get_subresource_or_namespace;
use crate::resource::infos::{
    arguments_with_paths, plan_selection, read_file_objects, FileReading, Info,
};
use crate::resource::manifest::{self, Entry, ManifestOptions};
use crate::resource::write::{self, PatchType, WriteOptions};

#[derive(Args, Debug)]
pub struct PatchArgs {
    /// TYPE NAME or TYPE/NAME of the objects to patch.
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub record: RecordFlags,

    /// The patch, as JSON or YAML.
    #[arg(
        short = 'p',
        long = "patch",
        value_name = "PATCH",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub patch: String,

    /// A file holding the patch.
    #[arg(long = "patch-file", value_name = "FILE", default_value = "")]
    pub patch_file: String,

    /// The kind of patch: json (RFC 6902), merge (RFC 7386) or strategic.
    #[arg(long = "type", value_name = "TYPE", default_value = "strategic")]
    pub patch_type: String,

    #[command(flatten)]
    pub files: FilenameFlags,

    /// Patch the objects in the files, without a server.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub local: bool,

    /// Name of the manager that owns the fields this patch sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-patch"
    )]
    pub field_manager: String,

    /// Patch this subresource of the objects (status, scale).
    #[arg(long = "subresource", value_name = "NAME", default_value = "")]
    pub subresource: String,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub async fn run(ctx: &mut Context, args: PatchArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    if !args.local {
        ctx.namespace()?;
    }
    // validate
    if !args.patch.is_empty() && !args.patch_file.is_empty() {
        bail!("cannot specify --patch and --patch-file together");
    }
    if args.patch.is_empty() && args.patch_file.is_empty() {
        bail!("must specify --patch or --patch-file containing the contents of the patch");
    }
    if args.local && !args.args.is_empty() {
        bail!("cannot specify --local and server resources");
    }
    if args.local && dry_run == DryRun::Server {
        bail!("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
    }
    let patch_type = match args.patch_type.to_lowercase().as_str() {
        "json" => PatchType::Json,
        "merge" => PatchType::Merge,
        "strategic" => PatchType::Strategic,
        _ => bail!(
            "--type must be one of [json merge strategic], not {}",
            go_quote(&args.patch_type)
        ),
    };

    // run
    let raw = if args.patch_file.is_empty() {
        args.patch.clone().into_bytes()
    } else {
        std::fs::read(&args.patch_file).map_err(|e| {
            anyhow!(
                "unable to read patch file: {}",
                crate::printers::go_read_error(&args.patch_file, &e)
            )
        })?
    };
    let body = crate::kubeconfig::yaml::to_json_document(&raw)
        .map_err(|e| anyhow!("unable to parse {}: {e}", go_quote(&args.patch)))?;
    let mut errors = VisitErrors::default();
    let subresource = Some(args.subresource.as_str()).filter(|s| !s.is_empty());
    let infos = if args.local {
        local_objects(&args, &mut errors)?
    } else {
        server_objects(ctx, &args, subresource, &mut errors).await?
    };
    let mut count = 0;
    for item in infos {
        let info = match item {
            Ok(info) => info,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        count += 1;
        let local = args.local || dry_run == DryRun::Client;
        let patched = if local {
            apply_patch(patch_type, &info.object, &body).map_err(|e| anyhow!(e))
        } else {
            patch_on_server(ctx, &info, patch_type, &body, &args, subresource, dry_run).await
        };
        let mut patched = match patched {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        sort_keys(&mut patched);
        let operation = if patched == info.object {
            "patched (no change)"
        } else {
            "patched"
        };
        if let (Some(cause), false) = (&change_cause, local) {
            // kubectl records with a second patch, through the same
            // helper (dry run and subresource alike), ignores its failure
            // and prints what it answered.
            let recorded = record_patch(ctx, &info, &args, subresource, dry_run, cause).await;
            if let Ok(mut recorded) = recorded {
                sort_keys(&mut recorded);
                patched = recorded;
            }
        }
        // kubectl makes a printer for each object, after patching it (so
        // YAML documents get no separators, and a bad -o fails late).
        let printer = match args.print.printer(OBJECT_FORMATS) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        ResultPrinter::new(DryRun::None, printer, args.print.show_managed_fields).print(
            &mut ctx.out,
            &patched,
            operation,
        )?;
    }
    if !errors.is_empty() {
        return errors.into_result();
    }
    if count == 0 {
        bail!("no objects passed to patch");
    }
    Ok(())
}

/// `--record`'s merge patch of the change cause.
async fn record_patch(
    ctx: &mut Context,
    info: &Info,
    args: &PatchArgs,
    subresource: Option<&str>,
    dry_run: DryRun,
    cause: &str,
) -> Result<Value> {
    let body = serde_json::json!({"metadata": {"annotations": {CHANGE_CAUSE: cause}}});
    let body = serde_json::to_vec(&body)?;
    patch_on_server(
        ctx,
        info,
        PatchType::Merge,
        &body,
        args,
        subresource,
        dry_run,
    )
    .await
}

/// One PATCH request; the object the server made.
async fn patch_on_server(
    ctx: &mut Context,
    info: &Info,
    patch_type: PatchType,
    body: &[u8],
    args: &PatchArgs,
    subresource: Option<&str>,
    dry_run: DryRun,
) -> Result<Value> {
    let conn = ctx.connection().await?;
    let options = WriteOptions {
        field_manager: args.field_manager.clone(),
        field_validation: None,
        dry_run: dry_run == DryRun::Server,
    };
    let answer = write::patch(
        &conn.client,
        &info.mapping,
        info.namespace.as_deref(),
        &info.name,
        subresource,
        patch_type,
        body.to_vec(),
        &options,
    )
    .await;
    match answer {
        Ok(obj) => Ok(obj),
        Err(e) if e.status().is_some_and(|s| s.code == 415) => {
            let m = &info.mapping;
            let gvk = format!("{}/{}, Kind={}", m.group, m.version, m.kind);
            Err(anyhow!(
                "{} is not supported by {gvk}: {e}",
                patch_type.content_type()
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The objects to patch from the server: named ones are read first (their
/// subresource, with --subresource); objects in files are taken as written.
async fn server_objects(
    ctx: &mut Context,
    args: &PatchArgs,
    subresource: Option<&str>,
    errors: &mut VisitErrors,
) -> Result<Vec<Result<Info>>> {
    if !args.files.filenames.is_empty() || args.files.kustomize.is_some() {
        arguments_with_paths(&args.args)?;
        let objects = read_file_objects(ctx, &args.files, FileReading::default()).await?;
        objects
            .reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        return Ok(objects
            .items
            .into_iter()
            .map(|item| {
                item.map(|mut info| {
                    sort_keys(&mut info.object);
                    info
                })
            })
            .collect());
    }
    let conn = ctx.connection().await?;
    let selection = Selection {
        args: &args.args,
        namespace: conn.namespace.clone(),
        ..Default::default()
    };
    let plan = plan_selection(ctx, &selection).await?;
    let Plan::Named { items, .. } = plan else {
        bail!("resource(s) were provided, but no name was specified");
    };
    let mut out = Vec::new();
    for target in items {
        let fetched = get_subresource_or_namespace(
            &conn.client,
            &target.mapping,
            target.namespace.as_deref(),
            &target.name,
            subresource.unwrap_or_default(),
            crate::client::ACCEPT_JSON,
        )
        .await
        .and_then(|body| crate::client::parse_json(&body));
        out.push(match fetched {
            Ok(mut object) => {
                sort_keys(&mut object);
                let mut info = Info::from_object(target.mapping, object, target.namespace);
                info.name = target.name;
                Ok(info)
            }
            Err(e) => Err(anyhow::Error::from(e)),
        });
    }
    Ok(out)
}

/// `--local`: the objects in the files, read without a server.
fn local_objects(args: &PatchArgs, errors: &mut VisitErrors) -> Result<Vec<Result<Info>>> {
    if args.files.filenames.is_empty() && args.files.kustomize.is_none() {
        bail!(MISSING_RESOURCE);
    }
    let opts = ManifestOptions {
        filenames: &args.files.filenames,
        recursive: args.files.recursive,
        kustomize: args.files.kustomize.as_deref(),
        validate: false,
        schema: None,
        downloads: None,
    };
    let entries = {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        manifest::read(&opts, &mut lock)
    };
    let entries = match entries {
        Ok(e) => e,
        Err(mut e) if e.0.len() == 1 => bail!(e.0.remove(0)),
        Err(e) => return Err(crate::error::CliError::Many(e.0).into()),
    };
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Entry::Object(m) => {
                let mut object = Value::Object(m.object);
                sort_keys(&mut object);
                out.push(Ok(local_info(object)));
            }
            Entry::Error(e) => errors.push_reading(anyhow!(e)),
            Entry::Unreachable { text, message } => {
                errors.push_reading(crate::error::WordedError { text, message }.into())
            }
        }
    }
    Ok(out)
}

/// An object from a file with no server to map its kind: only what
/// printing it needs.
fn local_info(object: Value) -> Info {
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api_version.to_string()),
    };
    let mapping = crate::resource::Mapping {
        group,
        version,
        resource: String::new(),
        singular: kind.to_lowercase(),
        kind,
        namespaced: true,
        verbs: Vec::new(),
        short_names: Vec::new(),
        categories: Vec::new(),
    };
    Info::from_object(mapping, object, None)
}
