//! Joining a container's own process over the pod's `attach` subresource,
//! as kubectl's `AttachOptions.Run` does once it holds the pod: the
//! container's terminal decides whether the session has one, kubectl's
//! notices go to stderr, and a terminal session ends with the hint for
//! joining again.

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use serde_json::Value;

use crate::client::stream::remotecommand::TerminalSize;
use crate::context::Context;
use crate::resource::fetch::query_escape;
use crate::resource::mapper::path_escape;
use crate::resource::pods;
use crate::term::Session;

/// How to join: which container, and what the user asked of the session.
pub struct AttachRequest<'a> {
    /// The container; empty picks the annotated default, else the first.
    pub container: &'a str,
    pub stdin: bool,
    pub tty: bool,
    pub quiet: bool,
    /// The keys that leave a terminal session (`ctrl-p,ctrl-q`).
    pub detach_keys: &'a str,
    /// `kubectl attach` as the program names itself, for the resume hint.
    pub command_name: &'a str,
}

/// Runs an attach session to a container of `pod` (as read from the
/// server) until it ends.
pub async fn attach_to_pod(ctx: &mut Context, pod: &Value, req: &AttachRequest<'_>) -> Result<()> {
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        bail!("cannot attach a container in a completed pod; current phase is {phase}");
    }
    let container = pods::session_container(pod, req.container, req.quiet, &mut ctx.err)
        .map_err(|e| anyhow!("cannot attach to the container: {e}"))?;
    let (spec, spec_path) = pods::find_container(pod, &container)
        .ok_or_else(|| anyhow!("cannot attach to the container: {container} not found"))?;
    let container_tty = spec.get("tty").and_then(Value::as_bool).unwrap_or(false);
    let ephemeral = spec_path.starts_with("spec.ephemeralContainers");
    let (name, namespace) = pods::pod_name(pod);
    let (name, namespace) = (name.to_string(), namespace.to_string());

    // The container's terminal decides: none there, none here; one there,
    // one here (its output is not framed otherwise).
    let mut tty = req.tty;
    if tty && !container_tty {
        tty = false;
        if !req.quiet {
            writeln!(
                ctx.err,
                "error: Unable to use a TTY - container {container} did not allocate one"
            )?;
        }
    } else if !tty && container_tty {
        tty = true;
    }
    // As kubectl's SetupTTY: raw only with stdin, and only when it is a terminal.
    let mut raw = tty && req.stdin;
    if raw && !crate::term::stdin_is_terminal() {
        raw = false;
        if !req.quiet {
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
    let detach_keys = if req.stdin && raw {
        Some(
            crate::term::detach_key_bytes(req.detach_keys)
                .map_err(|e| anyhow!("could not bind detach keys: {e}"))?,
        )
    } else {
        None
    };
    if !req.quiet {
        writeln!(ctx.err, "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.")?;
        writeln!(
            ctx.err,
            "If you don't see a command prompt, try pressing enter."
        )?;
    }
    let path = attach_path(&namespace, &name, &container, req.stdin, raw);
    let session = Session {
        stdin: req.stdin,
        tty: raw,
        first_sizes,
        detach_keys,
    };
    crate::term::run_session(ctx, &path, session).await?;
    if !req.quiet && req.stdin && raw {
        let how = if ephemeral {
            "Session ended, the ephemeral container will not be restarted but may be reattached using"
        } else {
            "Session ended, resume using"
        };
        let tail = if ephemeral {
            " if it is still running"
        } else {
            " command"
        };
        writeln!(
            ctx.out,
            "{how} '{} {name} -c {container} -n {namespace} -i -t'{tail}",
            req.command_name
        )?;
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
