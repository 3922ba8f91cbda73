//! `apply`: make the server's objects match files.
//!
//! Examples:
//!   # Apply the configuration in pod.json to a pod
//!   kuddle apply -f ./pod.json
//!
//!   # Apply the JSON passed into stdin to a pod
//!   cat pod.json | kuddle apply -f -
//!
//!   # Apply every manifest under a folder, its subfolders included
//!   kuddle apply -R -f ./manifests/
//!
//!   # Let the server merge the changes, taking over conflicting fields
//!   kuddle apply --server-side --force-conflicts -f deploy.yaml
//!
//!   # Apply the objects labelled app=nginx and delete the labelled objects
//!   # an earlier apply made that the files no longer hold
//!   kuddle apply --prune -f manifest.yaml -l app=nginx
//!
//!   # The same for every object, but only among config maps
//!   kuddle apply --prune -f manifest.yaml --all --prune-allowlist=core/v1/ConfigMap
//!
//!   # Re-create the objects whose changes the server refuses (immutable fields)
//!   kuddle apply --force -f job.yaml

pub mod edit_last_applied;
pub mod set_last_applied;
pub mod view_last_applied;

use std::io::Write;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::{json, Map, Value};

use crate::apply::prune::{delete_each, Pruner, DEFAULT_ALLOWLIST_WARNING};
use crate::apply::resolve::{mapping_error, resolve_mapping, to_info};
use crate::apply::window::apply_all;
use crate::apply::{
    Applier, Failure, Info, Recreate, Settings, FIELD_MANAGER_CLIENT_SIDE,
    FIELD_MANAGER_SERVER_SIDE,
};
use crate::context::Context;
use crate::error::CliError;
use crate::flags::deletion::{DeletionFlags, Propagation};
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::{go_bool, go_quote};
use crate::flags::record::{record_in, RecordFlags};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::{kind_dot_group, OutputFormat, OBJECT_FORMATS};
use crate::resource::manifest::{self, Entry, ManifestOptions};
use crate::resource::selector::Selector;
use crate::resource::write::DeleteOptions;

#[derive(Args, Debug)]
#[command(
    mut_arg("force", |a| a.help("Delete and re-create the objects whose changes the server refuses (a conflict, an immutable field)")),
    mut_arg("grace_period", |a| a.help("Seconds replaced or pruned objects get to shut down gracefully; negative keeps each object's own default")),
    mut_arg("timeout", |a| a.help("With --force: how long the old object may take to go, e.g. 30s (0: it must be gone at once)")),
)]
pub struct ApplyArgs {
    #[command(subcommand)]
    pub command: Option<ApplyCommand>,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub record: RecordFlags,

    /// Label selector (e.g. -l key1=value1,key2=value2): apply only the
    /// matching objects, and with --prune delete only matching ones.
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// With --prune: consider every object of the pruned types, whatever
    /// its labels.
    #[arg(long = "all", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all: bool,

    /// Delete the objects an earlier apply (or create --save-config) made
    /// that the files no longer hold; needs -l or --all.
    #[arg(long = "prune", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub prune: bool,

    /// With --prune: the types to consider, as group/version/kind (core for
    /// the core group), instead of kubectl's default list.
    #[arg(long = "prune-allowlist", value_name = "GVK", action = ArgAction::Append)]
    pub prune_allowlist: Vec<String>,

    /// With --force, how replaced and pruned objects are deleted.
    #[command(flatten)]
    pub deletion: DeletionFlags,

    /// Accepted for kubectl compatibility; apply does not wait for deletions.
    #[arg(long = "wait", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub wait: bool,

    /// With --server-side: apply to this subresource of each object (status, scale…).
    #[arg(long = "subresource", value_name = "NAME", default_value = "")]
    pub subresource: String,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    /// Let the server merge the changes (server-side apply).
    #[arg(long = "server-side", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub server_side: bool,

    /// With --server-side: take over fields other managers own.
    #[arg(long = "force-conflicts", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub force_conflicts: bool,

    /// Name of the manager that owns the fields this command sets
    /// (default kubectl-client-side-apply, or kubectl with --server-side).
    #[arg(long = "field-manager", value_name = "NAME")]
    pub field_manager: Option<String>,

    /// Let the manifest win over changes made to the live object since the last apply.
    #[arg(long = "overwrite", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub overwrite: bool,

    /// Compute patches from the server's OpenAPI (always on in kuddle).
    #[arg(long = "openapi-patch", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub openapi_patch: bool,

    /// strict (or true), warn, or ignore (or false): how unknown or duplicate fields are treated.
    #[arg(long = "validate", value_name = "MODE", num_args = 0..=1, require_equals = true,
          default_missing_value = "strict", default_value = "strict")]
    pub validate: String,

    /// Not accepted: apply takes its objects from -f.
    #[arg(hide = true)]
    pub args: Vec<String>,
}

#[derive(clap::Subcommand, Debug)]
pub enum ApplyCommand {
    /// Edit latest last-applied-configuration annotations of a resource/object.
    EditLastApplied(edit_last_applied::EditLastAppliedArgs),
    /// Set the last-applied-configuration annotation on a live object to match the contents of a file.
    SetLastApplied(set_last_applied::SetLastAppliedArgs),
    /// View the latest last-applied-configuration annotations of a resource/object.
    ViewLastApplied(view_last_applied::ViewLastAppliedArgs),
}

/// `--validate` as the `fieldValidation` parameter.
fn validation_directive(value: &str) -> Result<&'static str> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" | "strict" => Ok("Strict"),
        "0" | "f" | "F" | "false" | "FALSE" | "False" | "ignore" => Ok("Ignore"),
        "warn" => Ok("Warn"),
        other => bail!(
            "invalid - validate option {}; must be one of: strict (or true), warn, ignore (or false)",
            go_quote(other)
        ),
    }
}

pub async fn run(ctx: &mut Context, mut args: ApplyArgs) -> Result<()> {
    match args.command.take() {
        Some(ApplyCommand::ViewLastApplied(a)) => return view_last_applied::run(ctx, a).await,
        Some(ApplyCommand::SetLastApplied(a)) => return set_last_applied::run(ctx, a).await,
        Some(ApplyCommand::EditLastApplied(a)) => return edit_last_applied::run(ctx, a).await,
        None => {}
    }
    let change_cause = args.record.change_cause(ctx)?;
    if !args.args.is_empty() {
        return Err(CliError::usage(
            format!("Unexpected args: [{}]", args.args.join(" ")),
            ctx.cmd_path.clone(),
        ));
    }
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let propagation = args.deletion.propagation(&mut ctx.err)?;
    let field_manager = args.field_manager.clone().unwrap_or_else(|| {
        if args.server_side {
            FIELD_MANAGER_SERVER_SIDE.to_string()
        } else {
            FIELD_MANAGER_CLIENT_SIDE.to_string()
        }
    });
    let kustomize = args.files.kustomize.as_deref().filter(|k| !k.is_empty());
    if args.files.filenames.is_empty() && kustomize.is_none() {
        bail!("must specify one of -f and -k");
    }
    let validation = validation_directive(&args.validate)?;
    let mut pruner = match args.prune {
        true => {
            let discovery = ctx.discovery().await?;
            Some(Pruner::new(&discovery, &args.prune_allowlist)?)
        }
        false => None,
    };
    validate(&args, dry_run)?;
    // kubectl builds the printer of a non-`name` output only once every
    // object is applied: a format it cannot print changes nothing of what
    // is written, and fails before anything is printed or pruned.
    let (printer, printer_error) = match args.print.printer(OBJECT_FORMATS) {
        Ok(printer) => (printer, None),
        Err(e) => (None, Some(e)),
    };
    let selector = match args.selector.as_deref() {
        Some(s) => Selector::parse(s).map_err(anyhow::Error::msg)?,
        None => Selector::everything(),
    };

    let mut downloads = std::collections::HashMap::new();
    for url in manifest::urls(&args.files.filenames) {
        let body = crate::client::download::download(&url).await;
        downloads.insert(url, body);
    }
    let opts = ManifestOptions {
        filenames: &args.files.filenames,
        recursive: args.files.recursive,
        kustomize,
        validate: validation != "Ignore",
        schema: None,
        downloads: Some(&downloads),
    };
    let entries = {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        manifest::read(&opts, &mut lock)
    };
    let entries = match entries {
        Ok(e) => e,
        Err(errors) => return Err(aggregate_of_texts(errors.0)),
    };

    let conn = ctx.connection().await?;
    if let (Some(p), true) = (pruner.as_mut(), conn.explicit_namespace) {
        p.mark_namespace(&conn.namespace);
    }
    let mut discovery = ctx.discovery().await?;
    let mut refreshed = false;
    let mut namespace_errors: Vec<Node> = Vec::new();
    let mut read_errors: Vec<Node> = Vec::new();
    let mut infos: Vec<Info> = Vec::new();
    for entry in entries {
        let m = match entry {
            Entry::Error(e) => {
                read_errors.push(Node::Leaf(Failure::Text(e)));
                continue;
            }
            Entry::Unreachable { text, message } => {
                read_errors.push(Node::Leaf(Failure::Worded { text, message }));
                continue;
            }
            Entry::Object(m) => m,
        };
        let mut mapping = resolve_mapping(&discovery, &m.object);
        if mapping.is_none() && !refreshed {
            refreshed = true;
            if let Some(fresh) = ctx.refresh_discovery().await? {
                discovery = fresh;
                mapping = resolve_mapping(&discovery, &m.object);
            }
        }
        let Some(mapping) = mapping else {
            read_errors.push(Node::Leaf(Failure::Text(mapping_error(&m))));
            continue;
        };
        match to_info(m, mapping, &conn.namespace, conn.explicit_namespace) {
            Ok(mut info) => {
                // Recorded first: the change cause is part of what is applied.
                if let Some(cause) = &change_cause {
                    record_in(&mut info.object, cause);
                }
                let labels = info
                    .object
                    .get("metadata")
                    .and_then(|m| m.get("labels"))
                    .and_then(Value::as_object);
                if selector.matches_object_labels(labels) {
                    if let Some(p) = pruner.as_mut() {
                        p.mark_info(&info);
                    }
                    infos.push(info);
                }
            }
            Err(e) => namespace_errors.push(Node::Leaf(Failure::Text(e))),
        }
    }
    let mut errors: Vec<Node> = Vec::new();
    let mut visit_errors = namespace_errors;
    if !read_errors.is_empty() {
        visit_errors.push(Node::Agg(read_errors));
    }
    match visit_errors.len() {
        0 => {}
        1 => errors.extend(visit_errors),
        _ => errors.push(Node::Agg(visit_errors)),
    }
    if infos.is_empty() && errors.is_empty() {
        bail!("no objects passed to apply");
    }

    let settings = Settings {
        server_side: args.server_side,
        force_conflicts: args.force_conflicts,
        field_manager,
        dry_run,
        overwrite: args.overwrite,
        validation,
        program: crate::error::PROGRAM.to_string(),
        recreate: args.deletion.force.then(|| Recreate {
            delete: deletion_options(&args, propagation, dry_run),
            timeout: std::time::Duration::from_nanos(args.deletion.timeout.max(0) as u64),
        }),
        subresource: Some(args.subresource.clone()).filter(|s| !s.is_empty()),
    };
    let applier = Applier {
        client: conn.client.clone(),
        settings,
        openapi: std::sync::Arc::new(tokio::sync::Mutex::new(
            crate::openapi::OpenApiV3::with_cache(&ctx.cache_dir()),
        )),
        known_namespaces: Default::default(),
        prefetched: Default::default(),
    };
    let print_objects = printer_error.is_some()
        || printer
            .as_ref()
            .is_some_and(|p| !matches!(p.format(), OutputFormat::Name));
    let short = printer
        .as_ref()
        .is_some_and(|p| matches!(p.format(), OutputFormat::Name));
    let mut applied: Vec<Map<String, Value>> = Vec::new();
    let mut err = ctx.err.clone();
    let out = &mut ctx.out;
    apply_all(&applier, infos, &mut err, |outcome| {
        let done = match outcome {
            Ok(done) => done,
            Err(e) => {
                errors.push(Node::Leaf(e));
                return Ok(());
            }
        };
        if let Some(p) = pruner.as_mut() {
            p.mark_object(Some(&done.object));
        }
        if !print_objects {
            let obj = Value::Object(done.object.clone());
            let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
            let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
            let name = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or("<unknown>");
            if short {
                writeln!(out, "{}/{name}", kind_dot_group(kind, api_version))?;
            } else {
                writeln!(
                    out,
                    "{}/{name} {}{}",
                    kind_dot_group(kind, api_version),
                    done.operation.word(),
                    dry_run.suffix()
                )?;
            }
        }
        // Lines show up as objects are applied, between any warnings.
        out.flush()?;
        applied.push(done.object);
        Ok(())
    })
    .await?;
    if !errors.is_empty() {
        ctx.out.flush()?;
        return Err(render(errors));
    }
    if let Some(e) = printer_error {
        return Err(e);
    }
    // Only kubectl's JSON and YAML printers leave managed fields out.
    let strip_managed = !args.print.show_managed_fields
        && printer.as_ref().is_some_and(|p| {
            matches!(
                p.format(),
                OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Kyaml
            )
        });
    let printable = |mut o: Map<String, Value>| {
        if strip_managed {
            if let Some(meta) = o.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.shift_remove("managedFields");
            }
        }
        let mut v = Value::Object(o);
        crate::printers::sort_keys(&mut v);
        v
    };
    if let (true, Some(mut printer)) = (print_objects, printer) {
        let mut objects: Vec<Value> = applied.into_iter().map(printable).collect();
        let object = if objects.len() == 1 {
            objects.remove(0)
        } else if matches!(
            printer.format(),
            OutputFormat::Json | OutputFormat::GoTemplate(_)
        ) {
            json!({"kind": "List", "apiVersion": "v1", "metadata": {}, "items": objects})
        } else {
            json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {}})
        };
        printer.print(&object, &mut ctx.out)?;
    }
    if let Some(pruner) = pruner {
        ctx.out.flush()?;
        let mut err = ctx.err.clone();
        if pruner.uses_default_allowlist() {
            crate::context::klog_warning(&mut err, "prune.go:71", DEFAULT_ALLOWLIST_WARNING);
        }
        let discovery = ctx.discovery().await?;
        let targets = pruner.targets(&discovery)?;
        let delete = deletion_options(&args, propagation, dry_run).body();
        let selector = args.selector.as_deref();
        for target in targets {
            let objects = pruner
                .candidates(&conn.client, &target, selector)
                .await
                .map_err(|e| anyhow::anyhow!(target.error(&e)))?;
            let out = &mut ctx.out;
            let print = |object: Map<String, Value>| -> Result<()> {
                if print_objects {
                    // A fresh printer for each, as kubectl's (no separators).
                    if let Some(mut printer) = args.print.printer(OBJECT_FORMATS)? {
                        printer.print(&printable(object), out)?;
                    }
                } else {
                    let name = object
                        .get("metadata")
                        .and_then(|m| m.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let kind = kind_dot_group(&target.mapping.kind, &target.mapping.api_version());
                    match short {
                        true => writeln!(out, "{kind}/{name}")?,
                        false => writeln!(out, "{kind}/{name} pruned{}", dry_run.suffix())?,
                    }
                }
                out.flush()?;
                Ok(())
            };
            let send = dry_run != DryRun::Client;
            delete_each(&conn.client, &target, objects, &delete, send, print).await?;
        }
    }
    Ok(())
}

/// kubectl's checks on the flags, in its order (local only).
fn validate(args: &ApplyArgs, dry_run: DryRun) -> Result<()> {
    let force = args.deletion.force;
    let selector = args.selector.as_deref().unwrap_or_default();
    if args.force_conflicts && !args.server_side {
        bail!("--force-conflicts only works with --server-side");
    }
    if dry_run == DryRun::Client && args.server_side {
        bail!("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)");
    }
    if args.server_side && force {
        bail!("--force cannot be used with --server-side");
    }
    if dry_run == DryRun::Server && force {
        bail!("--dry-run=server cannot be used with --force");
    }
    if args.all && !selector.is_empty() {
        bail!("cannot set --all and --selector at the same time");
    }
    if args.prune {
        if force {
            bail!("--force cannot be used with --prune");
        }
        if !args.all && selector.is_empty() {
            bail!("all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector");
        }
        if args.server_side {
            bail!("--prune is in alpha and doesn't currently work on objects created by server-side apply");
        }
    }
    if !args.subresource.is_empty() && !args.server_side {
        bail!("--subresource can only be specified for --server-side");
    }
    Ok(())
}

/// The DELETE body for replaced (--force) and pruned objects: the grace
/// period when one is given, the cascade always.
fn deletion_options(args: &ApplyArgs, propagation: Propagation, dry_run: DryRun) -> DeleteOptions {
    let grace = args.deletion.grace_period;
    DeleteOptions {
        grace_period: (grace >= 0).then_some(grace),
        propagation: Some(propagation.as_str()),
        dry_run: dry_run == DryRun::Server,
    }
}

/// An error as kubectl aggregates them: one failure, or several.
enum Node {
    Leaf(Failure),
    Agg(Vec<Node>),
}

impl Node {
    /// Go's `err.Error()` (aggregates flatten into `[a, b]`).
    fn error_string(&self) -> String {
        match self {
            Node::Leaf(f) => f.error_string(),
            Node::Agg(children) if children.len() == 1 => children[0].error_string(),
            Node::Agg(_) => {
                let mut seen: Vec<String> = Vec::new();
                self.visit(&mut |s| {
                    if !seen.contains(&s) {
                        seen.push(s);
                    }
                });
                if seen.len() == 1 {
                    seen.remove(0)
                } else {
                    format!("[{}]", seen.join(", "))
                }
            }
        }
    }

    fn visit(&self, f: &mut dyn FnMut(String)) {
        match self {
            Node::Leaf(l) => f(l.error_string()),
            Node::Agg(children) => children.iter().for_each(|c| c.visit(f)),
        }
    }

    /// kubectl's `messageForError`, for one line of several.
    fn line(&self) -> String {
        match self {
            Node::Leaf(f) => f.standard_message(),
            agg => agg.error_string(),
        }
    }
}

/// kubectl's `checkErr` over the collected errors.
fn render(mut errors: Vec<Node>) -> anyhow::Error {
    let mut top = if errors.len() == 1 {
        errors.remove(0)
    } else {
        Node::Agg(errors)
    };
    if let Node::Agg(children) = &mut top {
        if children.len() == 1 {
            top = children.remove(0);
        }
    }
    match top {
        Node::Leaf(f) => CliError::Verbatim(f.single_message()).into(),
        Node::Agg(children) => CliError::Many(children.iter().map(Node::line).collect()).into(),
    }
}

fn aggregate_of_texts(texts: Vec<String>) -> anyhow::Error {
    render(vec![Node::Agg(
        texts
            .into_iter()
            .map(|t| Node::Leaf(Failure::Text(t)))
            .collect(),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(e: anyhow::Error) -> String {
        let mut buf = Vec::new();
        crate::error::render(&e, &mut buf);
        String::from_utf8(buf).unwrap()
    }

    fn api(reason: &str, message: &str) -> Failure {
        Failure::Api(Box::new(crate::client::Status {
            reason: reason.into(),
            message: message.into(),
            ..Default::default()
        }))
    }

    #[test]
    fn one_error_gets_the_prefix_and_several_get_lines() {
        assert_eq!(
            text(render(vec![Node::Leaf(Failure::Text("boom".into()))])),
            "error: boom\n"
        );
        assert_eq!(
            text(render(vec![
                Node::Agg(vec![
                    Node::Leaf(Failure::Text("a".into())),
                    Node::Leaf(Failure::Text("b".into()))
                ]),
                Node::Leaf(api("BadRequest", "nope")),
            ])),
            "[a, b]\nError from server (BadRequest): nope\n"
        );
        assert_eq!(
            text(aggregate_of_texts(vec!["x".into(), "y".into()])),
            "x\ny\n"
        );
    }

    #[test]
    fn validate_values() {
        assert_eq!(validation_directive("true").unwrap(), "Strict");
        assert_eq!(validation_directive("false").unwrap(), "Ignore");
        assert_eq!(validation_directive("warn").unwrap(), "Warn");
        assert!(validation_directive("maybe").is_err());
    }
}
