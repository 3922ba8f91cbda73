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

use std::io::Write;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::client::stream::remotecommand::TerminalSize;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_duration};
use crate::resource::fetch::query_escape;
use crate::resource::mapper::path_escape;
use crate::resource::pods;
use crate::term::Session;

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
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        bail!("cannot attach a container in a completed pod; current phase is {phase}");
    }
    let container = pods::session_container(&pod, &args.container, args.quiet, &mut ctx.err)
        .map_err(|e| anyhow!("cannot attach to the container: {e}"))?;
    let (spec, spec_path) = pods::find_container(&pod, &container)
        .ok_or_else(|| anyhow!("cannot attach to the container: {container} not found"))?;
    let container_tty = spec.get("tty").and_then(Value::as_bool).unwrap_or(false);
    let ephemeral = spec_path.starts_with("spec.ephemeralContainers");
    let (name, namespace) = pods::pod_name(&pod);
    let (name, namespace) = (name.to_string(), namespace.to_string());

    // The container's terminal decides: none there, none here; one there,
    // one here (its output is not framed otherwise).
    let mut tty = args.tty;
    if tty && !container_tty {
        tty = false;
        if !args.quiet {
            writeln!(
                ctx.err,
                "error: Unable to use a TTY - container {container} did not allocate one"
            )?;
        }
    } else if !tty && container_tty {
        tty = true;
    }
    // As kubectl's SetupTTY: raw only with stdin, and only when it is a terminal.
    let mut raw = tty && args.stdin;
    if raw && !crate::term::stdin_is_terminal() {
        raw = false;
        if !args.quiet {
            writeln!(
                ctx.err,
                "Unable to use a TTY - input is not a terminal or the right kind of file"
            )?;
        }
    }
    let mut first_sizes = Vec::new();
    if raw {
        // One size larger first, then the real one: a program that was
        // attached before redraws its screen.
        if let Some(size) = crate::term::size() {
            first_sizes.push(TerminalSize {
                width: size.width.saturating_add(1),
                height: size.height.saturating_add(1),
            });
        }
    }
    let detach_keys = if args.stdin && raw {
        Some(
            crate::term::detach_key_bytes(&args.detach_keys)
                .map_err(|e| anyhow!("could not bind detach keys: {e}"))?,
        )
    } else {
        None
    };
    if !args.quiet {
        writeln!(ctx.err, "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.")?;
        writeln!(
            ctx.err,
            "If you don't see a command prompt, try pressing enter."
        )?;
    }
    let path = attach_path(&namespace, &name, &container, args.stdin, raw);
    let session = Session {
        stdin: args.stdin,
        tty: raw,
        first_sizes,
        detach_keys,
    };
    crate::term::run_session(ctx, &path, session).await?;
    if !args.quiet && args.stdin && raw {
        let how = if ephemeral {
            "Session ended, the ephemeral container will not be restarted but may be reattached using"
        } else {
            "Session ended, resume using"
        };
        let tail = if ephemeral { "" } else { " command" };
        writeln!(
            ctx.out,
            "{how} '{} {name} -c {container} -n {namespace} -i -t'{tail}",
            opts.command_name
        )?;
    }
    Ok(())
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

/// The attach request, parameters in client-go's (sorted) order.
fn attach_path(namespace: &str, pod: &str, container: &str, stdin: bool, tty: bool) -> String {
    let mut params = vec![format!("container={}", query_escape(container))];
    if !tty {
        params.push("stderr=true".into());
    }
    if stdin {
        params.push("stdin=true".into());
    }
    params.push("stdout=true".into());
    if tty {
        params.push("tty=true".into());
    }
    format!(
        "/api/v1/namespaces/{}/pods/{}/attach?{}",
        path_escape(namespace),
        path_escape(pod),
        params.join("&")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attach_path_as_client_go_encodes_it() {
        assert_eq!(
            attach_path("default", "p", "c", false, false),
            "/api/v1/namespaces/default/pods/p/attach?container=c&stderr=true&stdout=true"
        );
        assert_eq!(
            attach_path("ns", "p", "c", true, true),
            "/api/v1/namespaces/ns/pods/p/attach?container=c&stdin=true&stdout=true&tty=true"
        );
    }
}
