//! `run NAME --image=IMAGE [--env=K=V] [--port=P] [--expose] [--command] -- [COMMAND] [args…]`
//!
//! Examples:
//!   # Start an nginx pod
//!   kuddle run nginx --image=nginx
//!
//!   # Print the Pod and a Service for it without creating them
//!   kuddle run web --image=nginx --port=80 --expose --dry-run=client -o yaml
//!
//!   # Use the words after -- as the command rather than as arguments
//!   kuddle run shell --image=busybox --restart=Never --command -- sh -c 'echo hi'

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::context::Context;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::record::{record, RecordFlags};
use crate::flags::{DryRun, PrintFlags};
use crate::generate::overrides::{apply_overrides, OverrideType};
use crate::generate::pod::{parse_env, parse_labels, parse_pairs, PodSpec};
use crate::generate::save_config;
use crate::generate::validation::{go_atoi, is_image_reference};
use crate::printers::result::ResultPrinter;
use crate::printers::OBJECT_FORMATS;
use crate::resource::write::{create_generated, WriteOptions};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// NAME, then arguments for the container (after `--` they may look like flags).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, value_name = "ARGS")]
    pub after_dash: Vec<String>,

    /// The image for the container.
    #[arg(
        allow_hyphen_values = true,
        long,
        value_name = "IMAGE",
        required = true
    )]
    pub image: String,

    /// The port the container exposes.
    #[arg(
        allow_hyphen_values = true,
        long,
        value_name = "PORT",
        default_value = ""
    )]
    pub port: String,

    /// An environment variable NAME=VALUE for the container; repeat for several.
    #[arg(allow_hyphen_values = true, long, value_name = "NAME=VALUE", action = ArgAction::Append)]
    pub env: Vec<String>,

    /// Comma-separated labels k=v for the pod (instead of run=NAME).
    #[arg(
        allow_hyphen_values = true,
        short = 'l',
        long,
        value_name = "LABELS",
        default_value = ""
    )]
    pub labels: String,

    /// An annotation k=v for the pod; repeat for several.
    #[arg(allow_hyphen_values = true, long, value_name = "KEY=VALUE", action = ArgAction::Append)]
    pub annotations: Vec<String>,

    /// The pod's restart policy: Always, OnFailure or Never.
    #[arg(
        allow_hyphen_values = true,
        long,
        value_name = "POLICY",
        default_value = "Always"
    )]
    pub restart: String,

    /// The container's image pull policy: Always, IfNotPresent or Never
    /// (empty leaves it to the server).
    #[arg(
        allow_hyphen_values = true,
        long = "image-pull-policy",
        value_name = "POLICY",
        default_value = ""
    )]
    pub image_pull_policy: String,

    /// Use the extra words as the container's command rather than its arguments.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub command: bool,

    /// Also create a ClusterIP service for the pod (needs --port).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub expose: bool,

    /// Run the container in privileged mode.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub privileged: bool,

    /// Keep stdin open on the container (implies --attach unless it is given).
    #[arg(short = 'i', long = "stdin", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub stdin: bool,

    /// Allocate a TTY for the container (needs -i).
    #[arg(short = 't', long = "tty", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub tty: bool,

    /// Wait for the pod and attach to it.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub attach: Option<bool>,

    /// Leave stdin open after the first attach ends.
    #[arg(long = "leave-stdin-open", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub leave_stdin_open: bool,

    /// Delete the pod once it exits (attached runs only).
    #[arg(long = "rm", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub rm: bool,

    /// Inline JSON applied to the generated Pod (see --override-type).
    #[arg(
        allow_hyphen_values = true,
        long,
        value_name = "JSON",
        default_value = ""
    )]
    pub overrides: String,

    #[command(flatten)]
    pub record: RecordFlags,

    /// How --overrides applies: json (RFC 6902 patch), merge (RFC 7396 merge patch)
    /// or strategic (strategic merge patch).
    #[arg(
        allow_hyphen_values = true,
        long = "override-type",
        value_name = "TYPE",
        default_value = "merge"
    )]
    pub override_type: String,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    /// Store the objects' configuration in their last-applied annotation
    /// (only when they are really created).
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub save_config: bool,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        allow_hyphen_values = true,
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-run"
    )]
    pub field_manager: String,
}

pub async fn run(ctx: &mut Context, args: RunArgs) -> Result<()> {
    // complete: kubectl's order of checks.
    let change_cause = args.record.change_cause(ctx)?;
    let annotations = parse_pairs(&args.annotations, "annotations")?;
    let labels = parse_labels(&args.labels)?;
    let env = parse_env(&args.env)?;
    let restart_policy = restart_policy(&args.restart, args.stdin)?;
    let image_pull_policy = image_pull_policy(&args.image_pull_policy)?;
    let attach = args.attach.unwrap_or(args.stdin);
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let namespace = ctx.enforced_namespace();
    let printer = args
        .print
        .printer(OBJECT_FORMATS)?
        .map(crate::printers::Printer::typed);

    // validate
    // kubectl 1.37 takes NAME from the first word even when `--` comes
    // before it (`run --image=x -- web a b` runs a pod named web).
    let mut words: Vec<String> = args.names;
    words.extend(args.after_dash);
    let Some(name) = words.first().cloned() else {
        bail!("NAME is required for run");
    };
    if args.image.is_empty() {
        bail!("--image is required");
    }
    if !is_image_reference(&args.image) {
        bail!(
            "invalid image name {}: invalid reference format",
            crate::flags::go_values::go_quote(&args.image)
        );
    }
    if args.tty && !args.stdin {
        bail!("-i/--stdin is required for containers with -t/--tty=true");
    }
    if args.expose && args.port.is_empty() {
        bail!("--port must be set when exposing a service");
    }
    let port = if args.port.is_empty() {
        None
    } else {
        match go_atoi(&args.port) {
            Some(p) => Some(p),
            None => bail!("--port must be a number"),
        }
    };
    if !attach && args.rm {
        bail!("--rm should only be used for attached containers");
    }
    if attach && dry_run != DryRun::None {
        bail!("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
    }
    if attach {
        bail!(
            "kuddle cannot attach to containers: --attach, -i/--stdin and --rm are not supported"
        );
    }

    // run
    let arguments: Vec<String> = words[1..].to_vec();
    let spec = PodSpec {
        name,
        namespace: namespace.clone(),
        image: args.image,
        labels,
        annotations,
        env,
        port,
        arguments,
        use_command: args.command,
        image_pull_policy,
        restart_policy,
        privileged: args.privileged,
        stdin: args.stdin,
        stdin_once: !args.leave_stdin_open && args.stdin,
        tty: args.tty,
    };
    let mut pod = spec.build();
    if !args.overrides.is_empty() {
        let override_type = OverrideType::parse(&args.override_type)?;
        pod = apply_overrides(pod, &args.overrides, override_type)?;
    }
    // Both objects carry the change cause, as kubectl records each one it
    // makes.
    let recorded = |mut obj: Value| {
        if let Some(cause) = &change_cause {
            record(&mut obj, cause);
        }
        obj
    };
    let pod = recorded(pod);
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);
    let write = WriteOptions {
        field_manager: args.field_manager.clone(),
        field_validation: None,
        dry_run: dry_run == DryRun::Server,
    };
    if dry_run == DryRun::Client {
        let mut objects = vec![typed(pod, "Pod", namespace.as_deref())];
        if args.expose {
            objects.push(typed(
                recorded(spec.service()),
                "Service",
                namespace.as_deref(),
            ));
        }
        for obj in &objects {
            result.print(&mut ctx.out, obj, "created")?;
        }
        return Ok(());
    }

    // The Pod first; only if that worked the Service. A failed Service
    // still lets the Pod be reported before the error.
    let mut pod = typed(pod, "Pod", None);
    save_config(&mut pod, args.save_config);
    let mut created = vec![create_generated(ctx, &pod, &write).await?];
    let mut failure = None;
    if args.expose {
        let mut service = typed(recorded(spec.service()), "Service", None);
        save_config(&mut service, args.save_config);
        match create_generated(ctx, &service, &write).await {
            Ok(obj) => created.push(obj),
            Err(e) => failure = Some(e),
        }
    }
    for obj in &created {
        result.print(&mut ctx.out, obj, "created")?;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What the printer shows for an object `run` built: kind and apiVersion
/// first (set from the Go type, as kubectl's printer does), and `-n`'s
/// namespace replacing whatever the object had.
fn typed(obj: Value, default_kind: &str, namespace: Option<&str>) -> Value {
    let Value::Object(mut map) = obj else {
        return obj;
    };
    let kind = map
        .shift_remove("kind")
        .and_then(|k| k.as_str().map(str::to_string))
        .unwrap_or_else(|| default_kind.to_string());
    map.shift_remove("apiVersion");
    if let Some(ns) = namespace {
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            set_namespace(meta, ns);
        }
    }
    let mut out = serde_json::Map::new();
    out.insert("kind".into(), Value::String(kind));
    out.insert("apiVersion".into(), Value::String("v1".into()));
    out.extend(map);
    Value::Object(out)
}

/// Puts `namespace` where ObjectMeta keeps it: after name and generateName.
fn set_namespace(meta: &mut serde_json::Map<String, Value>, ns: &str) {
    meta.shift_remove("namespace");
    let position = meta
        .keys()
        .position(|k| k != "name" && k != "generateName")
        .unwrap_or(meta.len());
    meta.shift_insert(position, "namespace".into(), Value::String(ns.to_string()));
}

/// `--restart`: empty means OnFailure for interactive pods, else Always.
fn restart_policy(restart: &str, interactive: bool) -> Result<String> {
    match restart {
        "" if interactive => Ok("OnFailure".into()),
        "" => Ok("Always".into()),
        "Always" | "OnFailure" | "Never" => Ok(restart.into()),
        other => {
            bail!("invalid restart policy: {other}, valid values are: Always, OnFailure, Never")
        }
    }
}

fn image_pull_policy(policy: &str) -> Result<String> {
    match policy {
        "" | "Always" | "IfNotPresent" | "Never" => Ok(policy.into()),
        other => bail!(
            "invalid image pull policy: {other}, valid values are: Always, IfNotPresent, Never"
        ),
    }
}
