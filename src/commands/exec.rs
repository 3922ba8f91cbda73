//! `exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]`
//!
//! Examples:
//!   # Run `date` in pod mypod's first (or default) container
//!   kuddle exec mypod -- date
//!
//!   # The same in container ruby-container
//!   kuddle exec mypod -c ruby-container -- date
//!
//!   # An interactive shell: stdin passed on, a terminal on both ends
//!   kuddle exec mypod -c ruby-container -i -t -- bash -il
//!
//!   # Feed a file to a command in the first pod of deployment web
//!   kuddle exec -i deploy/web -- sh -c 'cat > /tmp/data' < data
//!
//! The session runs over a WebSocket speaking `v5.channel.k8s.io`, or SPDY
//! when kubectl would use it (src/client/stream); the remote command's
//! exit code becomes kuddle's.

use std::io::Write;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::client::stream::remotecommand;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::filename::FilenameFlags;
use crate::flags::go_values::{go_bool, go_duration};
use crate::resource::infos::{arguments_with_paths, read_file_objects, FileReading};
use crate::resource::pods;
use crate::term::Session;

/// Run a command in a container.
#[derive(Args, Debug)]
pub struct ExecArgs {
    /// POD or TYPE/NAME (before `--`).
    #[arg(value_name = "POD")]
    pub args: Vec<String>,

    /// The command and its arguments (after `--`).
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    /// A file (JSON or YAML) holding the object whose pod the command runs in.
    #[arg(short = 'f', long = "filename", value_name = "FILE", value_delimiter = ',', action = ArgAction::Append)]
    pub filenames: Vec<String>,

    /// The container to run in (default: the kubectl.kubernetes.io/default-container annotation's, else the first).
    #[arg(
        short = 'c',
        long = "container",
        value_name = "NAME",
        default_value = ""
    )]
    pub container: String,

    /// Pass standard input to the command.
    #[arg(short = 'i', long = "stdin", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub stdin: bool,

    /// Standard input is a terminal: run the command in one.
    #[arg(short = 't', long = "tty", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub tty: bool,

    /// Print only what the command writes.
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub quiet: bool,

    /// How long to wait for a pod of TYPE/NAME to be running (more than zero).
    #[arg(long = "pod-running-timeout", value_name = "DURATION", default_value = "1m0s",
          allow_hyphen_values = true, value_parser = go_duration)]
    pub pod_running_timeout: i64,
}

/// What `complete` settles.
struct ExecOptions {
    resource: String,
    filenames: Vec<String>,
    command: Vec<String>,
    namespace: String,
    pod_timeout: Duration,
}

pub async fn run(ctx: &mut Context, args: ExecArgs) -> Result<()> {
    let opts = complete(ctx, &args)?;
    validate(&opts)?;
    let pod = if opts.filenames.is_empty() {
        let words = resource_words(&opts.resource);
        pods::attachable_pod(ctx, &words, &opts.namespace, opts.pod_timeout).await?
    } else {
        pod_from_files(ctx, &opts).await?
    };
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        bail!("cannot exec into a container in a completed pod; current phase is {phase}");
    }
    let container = pods::session_container(&pod, &args.container, args.quiet, &mut ctx.err)?;
    let (name, namespace) = pods::pod_name(&pod);
    let (name, namespace) = (name.to_string(), namespace.to_string());

    // As kubectl's SetupTTY: a terminal only with stdin, and only when stdin is one.
    let mut tty = args.tty && args.stdin;
    if tty && !crate::term::stdin_is_terminal() {
        tty = false;
        if !args.quiet {
            writeln!(
                ctx.err,
                "Unable to use a TTY - input is not a terminal or the right kind of file"
            )?;
        }
    }
    let path = remotecommand::exec_path(
        &namespace,
        &name,
        &container,
        &opts.command,
        args.stdin,
        tty,
    );
    let session = Session {
        stdin: args.stdin,
        tty,
        first_sizes: Vec::new(),
        detach_keys: None,
    };
    crate::term::run_session(ctx, &path, session).await
}

fn complete(ctx: &mut Context, args: &ExecArgs) -> Result<ExecOptions> {
    // Words before `--` name the pod; kubectl's old `exec POD COMMAND` form
    // (more than one word before `--`) is refused.
    if args.args.len() > 1
        || (!args.args.is_empty() && !args.filenames.is_empty() && args.command.is_empty())
    {
        return Err(CliError::usage(
            "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead",
            ctx.cmd_path.clone(),
        ));
    }
    if args.pod_running_timeout <= 0 {
        return Err(CliError::usage(
            "--pod-running-timeout must be higher than zero",
            ctx.cmd_path.clone(),
        ));
    }
    let (namespace, _) = ctx.namespace()?;
    Ok(ExecOptions {
        resource: args.args.first().cloned().unwrap_or_default(),
        filenames: args.filenames.clone(),
        command: args.command.clone(),
        namespace,
        pod_timeout: Duration::from_nanos(args.pod_running_timeout.unsigned_abs()),
    })
}

fn validate(opts: &ExecOptions) -> Result<()> {
    if opts.resource.is_empty() && opts.filenames.is_empty() {
        bail!("pod, type/name or --filename must be specified");
    }
    if opts.command.is_empty() {
        bail!("you must specify at least one command for the container");
    }
    Ok(())
}

/// The builder's words for `exec`'s one argument (`ResourceNames("pods", …)`):
/// a bare name is a pod's.
fn resource_words(resource: &str) -> Vec<String> {
    if resource.contains('/') {
        vec![resource.to_string()]
    } else {
        vec![format!("pods/{resource}")]
    }
}

/// The object `-f` names, as the file has it (kubectl's builder does not
/// read it again from the server), and then its pod.
async fn pod_from_files(ctx: &mut Context, opts: &ExecOptions) -> Result<Value> {
    // A name beside -f reaches kubectl's builder as pods/NAME.
    let words: Vec<String> = (!opts.resource.is_empty())
        .then(|| resource_words(&opts.resource))
        .into_iter()
        .flatten()
        .collect();
    arguments_with_paths(&words)?;
    let files = FilenameFlags {
        filenames: opts.filenames.clone(),
        ..Default::default()
    };
    let objects = read_file_objects(ctx, &files, FileReading::default()).await?;
    if let Some(e) = objects.reading.into_iter().next() {
        return Err(e);
    }
    let mut infos = Vec::new();
    for item in objects.items {
        infos.push(item?);
    }
    if infos.len() > 1 {
        bail!("cannot exec into multiple objects at a time");
    }
    let Some(info) = infos.pop() else {
        bail!("no objects passed to exec");
    };
    let client = ctx.connection().await?.client.clone();
    pods::attachable_pod_for_object(&client, info.object, opts.pod_timeout).await
}
