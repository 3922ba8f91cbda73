//! `debug (POD | TYPE/NAME) --image=IMAGE [-c NAME] [-it] [-- COMMAND [args…]]`
//!
//! Examples:
//!   # Add a busybox container to pod mypod and join it with a terminal
//!   kuddle debug mypod -it --image=busybox
//!
//!   # The same for the pod described in pod.yaml
//!   kuddle debug -f pod.yaml -it --image=busybox
//!
//!   # A container called debugger from your own tools image, left running
//!   kuddle debug --image=myproj/debug-tools -c debugger mypod
//!
//!   # A copy of mypod called my-debugger with a busybox container added
//!   kuddle debug mypod -it --image=busybox --copy-to=my-debugger
//!
//!   # A copy of mypod whose container mycontainer runs sh instead
//!   kuddle debug mypod -it --copy-to=my-debugger --container=mycontainer -- sh
//!
//!   # A copy of mypod with every container's image replaced by busybox
//!   kuddle debug mypod --copy-to=my-debugger --set-image=*=busybox
//!
//!   # A copy with a debian container added and two images changed
//!   kuddle debug mypod -it --copy-to=my-debugger --image=debian --set-image=app=app:debug,sidecar=sidecar:debug
//!
//!   # A pod on node mynode, in its host namespaces, its filesystem at /host
//!   kuddle debug node/mynode -it --image=busybox
//!
//! Three ways to debug: a pod gets an ephemeral container (its
//! `ephemeralcontainers` subresource is patched), or with `--copy-to` a
//! changed copy of itself; a node gets a new pod bound to it. `--profile`
//! sets what the debugging container may do.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::{Map, Value};

use crate::apply::patchmeta::StructLookup;
use crate::apply::strategic::create_two_way_merge_patch;
use crate::client::ApiError;
use crate::context::Context;
use crate::flags::go_values::{go_bool, go_quote, go_string_to_string, StringPairs};
use crate::flags::FilenameFlags;
use crate::generate::debug::{
    container_names, custom_sets_forbidden, node_debug_pod, non_root_warning, parse_custom,
    pod_copy, with_ephemeral_container, ContainerRequest, CopyRequest, Keep, Profile,
};
use crate::generate::random_suffix;
use crate::generate::validation::is_image_reference;
use crate::pod::attach::{attach_to_pod, AttachRequest};
use crate::resource::builder::Selection;
use crate::resource::infos::{self, FileReading, Info, Visited};
use crate::resource::mapper::{path_escape, Mapping};
use crate::resource::watch::{until_with_sync, EventType, Target};
use crate::resource::write::{self, DeleteOptions, PatchType, WriteOptions};

/// Create debugging sessions for troubleshooting workloads and nodes.
#[derive(Args, Debug)]
pub struct DebugArgs {
    /// POD or TYPE/NAME (pods when no type is given).
    #[arg(value_name = "POD")]
    pub names: Vec<String>,

    /// The debugging container's command (or its args with --arguments-only).
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    /// A file (or URL, or - for stdin) naming the resource to debug.
    #[arg(short = 'f', long = "filename", value_name = "FILE", value_delimiter = ',', action = ArgAction::Append)]
    pub filenames: Vec<String>,

    /// Pass the words after -- to the container as its args rather than its command.
    #[arg(long = "arguments-only", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub arguments_only: bool,

    /// Wait for the container to run, then join it as `attach` would (default: what -i says).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub attach: Option<bool>,

    /// The debugging container's name (default: debugger-XXXXX, or debugger on a node).
    #[arg(
        short = 'c',
        long = "container",
        value_name = "NAME",
        default_value = ""
    )]
    pub container: String,

    /// Make a copy of the pod, called NAME, and debug that.
    #[arg(long = "copy-to", value_name = "NAME", default_value = "")]
    pub copy_to: String,

    /// With --copy-to: delete the original pod.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub replace: bool,

    /// Environment variables KEY=VALUE for the container.
    #[arg(long, value_name = "KEY=VALUE", value_parser = go_string_to_string, action = ArgAction::Append)]
    pub env: Vec<StringPairs>,

    /// The debugging container's image.
    #[arg(long, value_name = "IMAGE", default_value = "")]
    pub image: String,

    /// With --copy-to: keep the pod's labels.
    #[arg(long = "keep-labels", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub keep_labels: bool,

    /// With --copy-to: keep the pod's annotations.
    #[arg(long = "keep-annotations", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub keep_annotations: bool,

    /// With --copy-to: keep the containers' liveness probes.
    #[arg(long = "keep-liveness", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub keep_liveness: bool,

    /// With --copy-to: keep the containers' readiness probes.
    #[arg(long = "keep-readiness", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub keep_readiness: bool,

    /// With --copy-to: keep the containers' startup probes.
    #[arg(long = "keep-startup", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub keep_startup: bool,

    /// With --copy-to: keep the pod's init containers.
    #[arg(long = "keep-init-containers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub keep_init_containers: bool,

    /// With --copy-to: NAME=IMAGE pairs changing containers' images (* for all).
    #[arg(long = "set-image", value_name = "NAME=IMAGE", value_parser = go_string_to_string, action = ArgAction::Append)]
    pub set_image: Vec<StringPairs>,

    /// The container's image pull policy (empty leaves it to the server).
    #[arg(long = "image-pull-policy", value_name = "POLICY", default_value = "")]
    pub image_pull_policy: String,

    /// Keep the container's stdin open, even with nothing attached.
    #[arg(short = 'i', long = "stdin", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub stdin: bool,

    /// Print no informational messages.
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub quiet: bool,

    /// With --copy-to: schedule the copy on the original's node.
    #[arg(long = "same-node", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub same_node: bool,

    /// With --copy-to: share one process namespace among the copy's containers (default true).
    #[arg(long = "share-processes", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub share_processes: Option<bool>,

    /// For an ephemeral container: the container whose processes it sees.
    #[arg(long, value_name = "CONTAINER", default_value = "")]
    pub target: String,

    /// Give the debugging container a terminal.
    #[arg(short = 't', long = "tty", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub tty: bool,

    /// general, baseline, restricted, netadmin or sysadmin (legacy is deprecated).
    #[arg(long, value_name = "PROFILE", default_value = "general")]
    pub profile: String,

    /// A JSON or YAML file with a partial container spec applied over the profile.
    #[arg(long, value_name = "FILE", default_value = "")]
    pub custom: String,
}

/// What `complete` settles.
struct DebugOptions {
    targets: Vec<String>,
    filenames: Vec<String>,
    request: ContainerRequest,
    attach: bool,
    attach_given: bool,
    container: String,
    copy_to: String,
    replace: bool,
    same_node: bool,
    share_processes: Option<bool>,
    set_images: BTreeMap<String, String>,
    target: String,
    quiet: bool,
    profile: Profile,
    profile_name: String,
    keep: Keep,
    custom: Option<Map<String, Value>>,
    namespace: String,
}

pub async fn run(ctx: &mut Context, args: DebugArgs) -> Result<()> {
    let opts = complete(ctx, args)?;
    validate(ctx, &opts)?;

    let infos = visit(ctx, &opts).await?;
    for info in infos {
        let info = info?;
        let (pod, container) = match (info.mapping.group.as_str(), info.mapping.kind.as_str()) {
            ("", "Node") => debug_node(ctx, &opts, &info).await?,
            ("", "Pod") if !opts.copy_to.is_empty() => debug_copy(ctx, &opts, &info).await?,
            ("", "Pod") => debug_ephemeral(ctx, &opts, &info).await?,
            _ => bail!(
                "{} not supported by debug",
                go_quote(&format!(
                    "{}/{}, Kind={}",
                    info.mapping.group, info.mapping.version, info.mapping.kind
                ))
            ),
        };
        if opts.attach && !container.is_empty() {
            attach(ctx, &opts, &pod, &container).await?;
        }
    }
    Ok(())
}

fn complete(ctx: &mut Context, args: DebugArgs) -> Result<DebugOptions> {
    let (namespace, _) = ctx.namespace()?;
    let env: BTreeMap<String, String> = args.env.iter().flat_map(|p| p.0.iter().cloned()).collect();
    let set_images: BTreeMap<String, String> = args
        .set_image
        .iter()
        .flat_map(|p| p.0.iter().cloned())
        .collect();
    let profile = Profile::parse(&args.profile).map_err(|e| anyhow!(e))?;
    let custom = if args.custom.is_empty() {
        None
    } else {
        let text = std::fs::read(&args.custom).map_err(|e| {
            anyhow!(
                "must pass a container spec json file for custom profile: {}",
                crate::printers::go_read_error(&args.custom, &e)
            )
        })?;
        let text = String::from_utf8_lossy(&text);
        Some(parse_custom(&text).map_err(|e| {
            anyhow!(
                "{} does not contain a valid container spec: {e}",
                args.custom
            )
        })?)
    };
    Ok(DebugOptions {
        targets: args.names,
        filenames: args.filenames,
        request: ContainerRequest {
            image: args.image,
            env: env.into_iter().collect(),
            pull_policy: args.image_pull_policy,
            stdin: args.stdin,
            tty: args.tty,
            args: args.command,
            args_only: args.arguments_only,
        },
        attach: args.attach.unwrap_or(args.stdin),
        attach_given: args.attach.is_some(),
        container: args.container,
        copy_to: args.copy_to,
        replace: args.replace,
        same_node: args.same_node,
        share_processes: args.share_processes,
        set_images,
        target: args.target,
        quiet: args.quiet,
        profile,
        profile_name: args.profile,
        keep: Keep {
            labels: args.keep_labels,
            annotations: args.keep_annotations,
            liveness: args.keep_liveness,
            readiness: args.keep_readiness,
            startup: args.keep_startup,
            init_containers: args.keep_init_containers,
        },
        custom,
        namespace,
    })
}

/// kubectl's checks, in its order (the --target notice comes on the way).
fn validate(ctx: &mut Context, o: &DebugOptions) -> Result<()> {
    let image = &o.request.image;
    if o.attach && o.attach_given && image.is_empty() && o.container.is_empty() {
        bail!("you must specify --container or create a new container using --image in order to attach.");
    }
    if !o.copy_to.is_empty() {
        if image.is_empty() && o.set_images.is_empty() && o.request.args.is_empty() {
            bail!("you must specify --image, --set-image or command arguments.");
        }
        if !o.request.args.is_empty() && o.container.is_empty() && image.is_empty() {
            bail!("you must specify an existing container or a new image when specifying args.");
        }
    } else if o.replace {
        bail!("--replace may only be used with --copy-to.");
    } else if o.same_node {
        bail!("--same-node may only be used with --copy-to.");
    } else if !o.set_images.is_empty() {
        bail!("--set-image may only be used with --copy-to.");
    } else if image.is_empty() {
        bail!("you must specify --image when not using --copy-to.");
    }
    if !image.is_empty() && !is_image_reference(image) {
        bail!(
            "invalid image name {}: invalid reference format",
            go_quote(image)
        );
    }
    if o.targets.is_empty() && o.filenames.is_empty() {
        bail!("NAME or filename is required for debug");
    }
    match o.request.pull_policy.as_str() {
        "Always" | "IfNotPresent" | "Never" | "" => {}
        other => bail!("invalid image pull policy: {other}"),
    }
    for (name, image) in &o.set_images {
        if !is_image_reference(image) {
            bail!(
                "invalid image name {} for container {}: invalid reference format",
                go_quote(image),
                go_quote(name)
            );
        }
    }
    if !o.target.is_empty() {
        if !o.copy_to.is_empty() {
            bail!("--target is incompatible with --copy-to. Use --share-processes instead.");
        }
        if !o.quiet {
            writeln!(ctx.out, "Targeting container {}. If you don't see processes from this container it may be because the container runtime doesn't support this feature.", go_quote(&o.target))?;
        }
    }
    if o.request.tty && !o.request.stdin {
        bail!("-i/--stdin is required for containers with -t/--tty=true");
    }
    if o.custom.as_ref().is_some_and(custom_sets_forbidden) {
        bail!("name, command, image, lifecycle and volume devices are not modifiable via custom profile");
    }
    if o.profile_name == "legacy" {
        writeln!(ctx.err, "--profile=legacy is deprecated and planned to be removed in v1.39. It is recommended to specify other profile, for example \"--profile=general\".")?;
    }
    Ok(())
}

/// The objects to debug: those `-f` names as read from the files, else
/// the named ones (pods unless a type is given) as read from the server.
async fn visit(ctx: &mut Context, o: &DebugOptions) -> Result<Vec<Result<Info>>> {
    if !o.filenames.is_empty() {
        let files = FilenameFlags {
            filenames: o.filenames.clone(),
            recursive: false,
            kustomize: None,
        };
        let read = infos::read_file_objects(ctx, &files, FileReading::default()).await?;
        if let Some(e) = read.reading.into_iter().next() {
            return Err(e);
        }
        // Every name is a TYPE/NAME here (pods by default).
        if !o.targets.is_empty() {
            bail!("resource/name arguments cannot be provided when a path is specified");
        }
        return Ok(read.items);
    }
    let words: Vec<String> = o
        .targets
        .iter()
        .map(|t| {
            if t.contains('/') {
                t.clone()
            } else {
                format!("pods/{t}")
            }
        })
        .collect();
    let selection = Selection {
        args: &words,
        namespace: o.namespace.clone(),
        ..Default::default()
    };
    let plan = infos::plan_selection(ctx, &selection).await?;
    let client = ctx.connection().await?.client.clone();
    Ok(infos::visit_plan(&client, &plan, true)
        .await
        .into_iter()
        .map(|v| match v {
            Visited::Object(info) => Ok(info),
            Visited::Failed(e) => Err(e),
        })
        .collect())
}

/// `debugger-XXXXX` unless `-c` names the container, announced.
fn debug_container_name(out: &mut dyn Write, o: &DebugOptions, pod: &Value) -> String {
    if !o.container.is_empty() {
        return o.container.clone();
    }
    let taken = container_names(pod);
    let name = loop {
        let name = format!("debugger-{}", random_suffix(5));
        if !taken.contains(&name) {
            break name;
        }
    };
    if !o.quiet {
        let _ = writeln!(out, "Defaulting debug container name to {name}.");
    }
    name
}

const NON_ROOT_WARNING: &str = "Warning: Non-root user is configured for the entire target Pod, and some capabilities granted by debug profile may not work. Please consider using \"--custom\" with a custom profile that specifies \"securityContext.runAsUser: 0\".";

async fn debug_ephemeral(
    ctx: &mut Context,
    o: &DebugOptions,
    info: &Info,
) -> Result<(Value, String)> {
    let pod = &info.object;
    let name = debug_container_name(&mut ctx.out, o, pod);
    let debug = with_ephemeral_container(
        pod,
        &name,
        &o.request,
        &o.target,
        o.profile,
        o.custom.as_ref(),
    )
    .map_err(|e| anyhow!(e))?;
    let added = debug
        .pointer("/spec/ephemeralContainers")
        .and_then(Value::as_array)
        .and_then(|list| list.last());
    if non_root_warning(pod, added) {
        writeln!(ctx.err, "{NON_ROOT_WARNING}")?;
    }
    let schema = StructLookup::for_kind("v1", "Pod").ok_or_else(|| anyhow!("no schema for Pod"))?;
    let (Some(old), Some(new)) = (pod.as_object(), debug.as_object()) else {
        bail!("error creating JSON for pod: not an object");
    };
    let patch = create_two_way_merge_patch(old, new, &schema)
        .map_err(|e| anyhow!("error creating patch to add debug container: {e}"))?;
    let client = ctx.connection().await?.client.clone();
    let result = write::patch(
        &client,
        &info.mapping,
        info.namespace.as_deref(),
        &info.name,
        Some("ephemeralcontainers"),
        PatchType::Strategic,
        serde_json::to_vec(&Value::Object(patch))?,
        &kubectl_manager(),
    )
    .await;
    match result {
        Ok(updated) => Ok((updated, name)),
        // A 404 without a name: the subresource itself is missing.
        Err(ApiError::Status(status))
            if status.reason == "NotFound"
                && status.details.as_ref().is_none_or(|d| d.name.is_empty()) =>
        {
            let err = ApiError::Status(status);
            bail!(
                "ephemeral containers are disabled for this cluster (error from server: {})",
                go_quote(&err.to_string())
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn debug_copy(ctx: &mut Context, o: &DebugOptions, info: &Info) -> Result<(Value, String)> {
    let pod = &info.object;
    let copy = CopyRequest {
        name: o.copy_to.clone(),
        container: o.container.clone(),
        set_images: o
            .set_images
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        share_processes: o.share_processes,
        same_node: o.same_node,
        keep: o.keep,
    };
    let out = &mut ctx.out;
    let mut new_name = |copied: &Value| debug_container_name(&mut **out, o, copied);
    let (copied, container) = pod_copy(
        pod,
        &copy,
        &o.request,
        o.profile,
        o.custom.as_ref(),
        &mut new_name,
    )
    .map_err(|e| anyhow!(e))?;
    let debug_container = copied
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter()
                .find(|c| c.get("name").and_then(Value::as_str) == Some(container.as_str()))
        });
    if non_root_warning(&copied, debug_container) {
        writeln!(ctx.err, "{NON_ROOT_WARNING}")?;
    }
    let client = ctx.connection().await?.client.clone();
    let namespace = copied
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| info.namespace.clone());
    let created = write::create(
        &client,
        &info.mapping,
        namespace.as_deref(),
        &copied,
        &kubectl_manager(),
    )
    .await?;
    if o.replace {
        let options = DeleteOptions {
            grace_period: Some(0),
            ..Default::default()
        };
        write::delete(
            &client,
            &info.mapping,
            info.namespace.as_deref(),
            &info.name,
            &options.body(),
        )
        .await?;
    }
    Ok((created, container))
}

async fn debug_node(ctx: &mut Context, o: &DebugOptions, info: &Info) -> Result<(Value, String)> {
    let container = if o.container.is_empty() {
        "debugger".to_string()
    } else {
        o.container.clone()
    };
    let pod_name = format!("node-debugger-{}-{}", info.name, random_suffix(5));
    if !o.quiet {
        writeln!(
            ctx.out,
            "Creating debugging pod {pod_name} with container {container} on node {}.",
            info.name
        )?;
    }
    let pod = node_debug_pod(
        &info.name,
        &pod_name,
        &container,
        &o.request,
        o.profile,
        o.custom.as_ref(),
    )
    .map_err(|e| anyhow!(e))?;
    let client = ctx.connection().await?.client.clone();
    let created = write::create(
        &client,
        &pods_mapping(),
        Some(&o.namespace),
        &pod,
        &kubectl_manager(),
    )
    .await?;
    Ok((created, container))
}

fn pods_mapping() -> Mapping {
    Mapping::builtin("", "v1", "pods", "Pod", true)
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The status of container `name`, in any of the pod's status lists.
fn container_status<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    [
        "initContainerStatuses",
        "containerStatuses",
        "ephemeralContainerStatuses",
    ]
    .iter()
    .filter_map(|list| pod.pointer(&format!("/status/{list}")))
    .filter_map(Value::as_array)
    .flatten()
    .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
}

/// Waits for the container to run (or finish), then joins it; one that
/// has finished, or cannot be joined, has its log printed instead.
async fn attach(ctx: &mut Context, o: &DebugOptions, pod: &Value, container: &str) -> Result<()> {
    let namespace = str_at(pod, "/metadata/namespace").to_string();
    let name = str_at(pod, "/metadata/name").to_string();
    let client = ctx.connection().await?.client.clone();
    let mapping = pods_mapping();
    let mut last = Value::Null;
    let mut err = ctx.err.clone();
    let colour = crate::context::warnings_in_color();
    until_with_sync(
        &client,
        Target {
            mapping: &mapping,
            namespace: Some(&namespace),
            name: &name,
        },
        None,
        |event, obj| {
            if event == EventType::Deleted {
                bail!("pods \"\" not found");
            }
            let Some(status) = container_status(obj, container) else {
                return Ok(false);
            };
            if status.pointer("/state/running").is_some()
                || status.pointer("/state/terminated").is_some()
            {
                last = obj.clone();
                return Ok(true);
            }
            let message = str_at(status, "/state/waiting/message");
            if !o.quiet && !message.is_empty() {
                let line = crate::context::warning_line(
                    &format!("container {container}: {message}"),
                    colour,
                );
                let _ = write!(err, "{line}");
            }
            Ok(false)
        },
    )
    .await?;
    let terminated = container_status(&last, container)
        .is_some_and(|s| s.pointer("/state/terminated").is_some());
    if terminated {
        return print_log(ctx, &namespace, &name, container).await;
    }
    let command_name = format!("{} attach", crate::error::PROGRAM);
    let request = AttachRequest {
        container,
        stdin: o.request.stdin,
        tty: o.request.tty,
        quiet: o.quiet,
        detach_keys: "ctrl-p,ctrl-q",
        command_name: &command_name,
    };
    if let Err(e) = attach_to_pod(ctx, &last, &request).await {
        writeln!(
            ctx.err,
            "warning: couldn't attach to pod/{name}, falling back to streaming logs: {e}"
        )?;
        return print_log(ctx, &namespace, &name, container).await;
    }
    Ok(())
}

/// The container's log, written to stdout as it is.
async fn print_log(ctx: &mut Context, namespace: &str, name: &str, container: &str) -> Result<()> {
    let client = ctx.connection().await?.client.clone();
    let path = format!(
        "/api/v1/namespaces/{}/pods/{}/log?container={}",
        path_escape(namespace),
        path_escape(name),
        crate::resource::fetch::query_escape(container)
    );
    let mut body = client.get_stream(&path, "*/*").await?;
    while let Some(chunk) = body.next().await {
        ctx.out.write_all(&chunk?)?;
        ctx.out.flush()?;
    }
    Ok(())
}

/// kubectl sets no field manager here; the server names it after the
/// user agent's program, `kubectl`.
fn kubectl_manager() -> WriteOptions {
    WriteOptions {
        field_manager: "kubectl".into(),
        ..Default::default()
    }
}
