//! `attach (POD | TYPE/NAME) -c CONTAINER`
//!
//! Examples:
//!   # Output of pod mypod's default (annotated) or first container
//!   kuddle attach mypod
//!
//!   # Output of container ruby-container in pod mypod
//!   kuddle attach mypod -c ruby-container
//!
//!   # A raw terminal joined to bash in ruby-container: input goes to it,
//!   # its output comes back
//!   kuddle attach mypod -c ruby-container -i -t
//!
//!   # Output of the first pod of replica set nginx
//!   kuddle attach rs/nginx
//!
//! The session runs as exec's does (WebSocket, or SPDY when kubectl would
//! use it), and joins the container's own process (exec starts a
//! new one).

use std::time::Duration;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_duration};
use crate::pod::attach::{attach_to_pod, AttachRequest};
use crate::resource::pods;

/// Attach to a process already running in a container.
#[derive(Args, Debug)]
pub struct AttachArgs {
    /// POD, TYPE/NAME or TYPE NAME.
    #[arg(value_name = "POD")]
    pub args: Vec<String>,

    /// The container to join (default: the kubectl.kubernetes.io/default-container annotation's, else the first).
    #[arg(
        short = 'c',
        long = "container",
        value_name = "NAME",
        default_value = ""
    )]
    pub container: String,

    /// Pass standard input to the container.
    #[arg(short = 'i', long = "stdin", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub stdin: bool,

    /// Standard input is a terminal.
    #[arg(short = 't', long = "tty", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub tty: bool,

    /// Print only what the container writes.
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub quiet: bool,

    /// The keys that leave a terminal session (comma-separated: a letter, ctrl-<x> or DEL).
    #[arg(
        long = "detach-keys",
        value_name = "KEYS",
        default_value = "ctrl-p,ctrl-q"
    )]
    pub detach_keys: String,

    /// How long to wait for a pod of TYPE/NAME to be running (more than zero).
    #[arg(long = "pod-running-timeout", value_name = "DURATION", default_value = "1m0s",
          allow_hyphen_values = true, value_parser = go_duration)]
    pub pod_running_timeout: i64,
}

/// What `complete` settles.
struct AttachOptions {
    resources: Vec<String>,
    namespace: String,
    pod_timeout: Duration,
    /// `kubectl attach` as the user typed the program's name, for the
    /// resume hint.
    command_name: String,
}

pub async fn run(ctx: &mut Context, args: AttachArgs) -> Result<()> {
    let opts = complete(ctx, &args)?;
    validate(&opts)?;
    let words = match opts.resources.as_slice() {
        [one] if !one.contains('/') => vec![format!("pods/{one}")],
        other => other.to_vec(),
    };
    let pod = pods::attachable_pod(ctx, &words, &opts.namespace, opts.pod_timeout).await?;
    let request = AttachRequest {
        container: &args.container,
        stdin: args.stdin,
        tty: args.tty,
        quiet: args.quiet,
        detach_keys: &args.detach_keys,
        command_name: &opts.command_name,
    };
    attach_to_pod(ctx, &pod, &request).await
}

fn complete(ctx: &mut Context, args: &AttachArgs) -> Result<AttachOptions> {
    let (namespace, _) = ctx.namespace()?;
    if args.pod_running_timeout <= 0 {
        return Err(CliError::usage(
            "--pod-running-timeout must be higher than zero",
            ctx.cmd_path.clone(),
        ));
    }
    Ok(AttachOptions {
        resources: args.args.clone(),
        namespace,
        pod_timeout: Duration::from_nanos(args.pod_running_timeout.unsigned_abs()),
        command_name: ctx.cmd_path.clone(),
    })
}

fn validate(opts: &AttachOptions) -> Result<()> {
    if opts.resources.is_empty() {
        bail!("at least 1 argument is required for attach");
    }
    if opts.resources.len() > 2 {
        bail!(
            "expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw {}: [{}]",
            opts.resources.len(),
            opts.resources.join(" ")
        );
    }
    Ok(())
}
