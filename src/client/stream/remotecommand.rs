//! The `v5.channel.k8s.io` remote-command protocol over a WebSocket:
//! every message starts with its stream's number (0 stdin, 1 stdout,
//! 2 stderr, 3 the error stream carrying the final Status, 4 terminal
//! resizes); `255, n` closes stream `n` (stdin's end of file).

use std::io::Write;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use super::websocket::{Message, Reader, Writer};
use super::Upgraded;

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const RESIZE: u8 = 4;
const CLOSE: u8 = 255;

/// client-go pings the server this often so that idle sessions stay open.
const PING_PERIOD: Duration = Duration::from_secs(5);

/// A terminal's size in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalSize {
    pub width: u16,
    pub height: u16,
}

/// Where a session's streams come from and go to.
pub struct Streams<'a> {
    /// Input for the remote stdin; the channel's end is stdin's end of file.
    pub stdin: Option<mpsc::Receiver<Vec<u8>>>,
    pub stdout: Option<&'a mut dyn Write>,
    pub stderr: Option<&'a mut dyn Write>,
    /// New terminal sizes (the first one is the initial size).
    pub resize: Option<mpsc::UnboundedReceiver<TerminalSize>>,
}

/// How a remote command ended, other than successfully.
#[derive(Debug, thiserror::Error)]
pub enum RemoteCommandError {
    /// The command exited with this non-zero code.
    #[error("command terminated with exit code {0}")]
    ExitCode(i32),
    /// The server reported another failure (its Status message).
    #[error("{0}")]
    Failure(String),
    /// The connection broke.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

enum Incoming {
    Data(Vec<u8>),
    Ping(Vec<u8>),
    End,
}

/// Runs a session to its end: copies input to the server and the server's
/// output to `streams` until the server closes the connection, then reads
/// the outcome from the error stream (client-go's v4/v5 error decoder).
pub async fn run(conn: Upgraded, mut streams: Streams<'_>) -> Result<(), RemoteCommandError> {
    let (read_half, write_half) = tokio::io::split(conn);
    let mut writer = Writer::new(write_half);
    // Reading runs on its own task so that a frame is never cut in half
    // when another event (input, resize, ping) is served first.
    let (tx, mut rx) = mpsc::channel::<std::io::Result<Incoming>>(16);
    let reader_task = tokio::spawn(async move {
        let mut reader = Reader::new(read_half);
        loop {
            let mut pongs = Vec::new();
            let next = reader.next(&mut pongs).await;
            for p in pongs {
                if tx.send(Ok(Incoming::Ping(p))).await.is_err() {
                    return;
                }
            }
            let item = match next {
                Ok(Message::Data(d)) => Ok(Incoming::Data(d)),
                Ok(Message::Close) => Ok(Incoming::End),
                Err(e) => Err(e),
            };
            let end = !matches!(item, Ok(Incoming::Data(_)));
            if tx.send(item).await.is_err() || end {
                return;
            }
        }
    });
    let mut error_stream: Vec<u8> = Vec::new();
    let mut stdin = streams.stdin.take();
    let mut resize = streams.resize.take();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_PERIOD, PING_PERIOD);
    // Once the server stops reading (the command ended while input was
    // still coming), writes fail; the session's outcome is still what the
    // server sends, so writing stops and reading goes on.
    let mut writable = true;
    // The initial terminal size goes out first, before anything else is
    // served: the remote command may ask for its size at once.
    if let Some(first) = resize.as_mut().and_then(|r| r.try_recv().ok()) {
        if writer.binary(&resize_message(&first)).await.is_err() {
            writable = false;
        }
    }
    let result: Result<(), RemoteCommandError> = loop {
        tokio::select! {
            incoming = rx.recv() => match incoming {
                None | Some(Ok(Incoming::End)) => break Ok(()),
                Some(Err(e)) => break Err(RemoteCommandError::Failure(e.to_string())),
                Some(Ok(Incoming::Ping(p))) => {
                    if writable && writer.pong(&p).await.is_err() {
                        writable = false;
                    }
                }
                Some(Ok(Incoming::Data(d))) => {
                    let Some((&channel, payload)) = d.split_first() else { continue };
                    let target = match channel {
                        STDOUT => streams.stdout.as_deref_mut(),
                        STDERR => streams.stderr.as_deref_mut(),
                        ERROR => {
                            error_stream.extend_from_slice(payload);
                            None
                        }
                        _ => None,
                    };
                    if let Some(w) = target {
                        w.write_all(payload)?;
                        w.flush()?;
                    }
                }
            },
            input = async { stdin.as_mut()?.recv().await.map(Some) }, if stdin.is_some() && writable => {
                let sent = match input {
                    Some(Some(data)) => {
                        let mut message = Vec::with_capacity(data.len() + 1);
                        message.push(STDIN);
                        message.extend_from_slice(&data);
                        writer.binary(&message).await
                    }
                    _ => {
                        stdin = None;
                        writer.binary(&[CLOSE, STDIN]).await
                    }
                };
                if sent.is_err() {
                    writable = false;
                }
            }
            size = async { resize.as_mut()?.recv().await }, if resize.is_some() && writable => {
                match size {
                    Some(s) => {
                        if writer.binary(&resize_message(&s)).await.is_err() {
                            writable = false;
                        }
                    }
                    None => resize = None,
                }
            }
            _ = ping.tick(), if writable => {
                if writer.ping().await.is_err() {
                    writable = false;
                }
            }
        }
    };
    reader_task.abort();
    let _ = writer.close().await;
    result?;
    decode_error_stream(&error_stream)
}

/// The outcome the error stream reports: nothing or a Success Status is
/// success; a NonZeroExitCode failure carries the exit code.
fn decode_error_stream(data: &[u8]) -> Result<(), RemoteCommandError> {
    if data.is_empty() {
        return Ok(());
    }
    let status: Value = serde_json::from_slice(data).map_err(|e| {
        RemoteCommandError::Failure(format!(
            "error stream protocol error: {e} in {:?}",
            String::from_utf8_lossy(data)
        ))
    })?;
    let text = |p: &str| {
        status
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    match text("/status") {
        "Success" => Ok(()),
        "Failure" => {
            if text("/reason") == "NonZeroExitCode" {
                let code = status
                    .pointer("/details/causes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find(|c| c.get("reason").and_then(Value::as_str) == Some("ExitCode"))
                    .and_then(|c| c.get("message").and_then(Value::as_str))
                    .and_then(|m| m.parse::<i32>().ok());
                match code {
                    Some(code) => return Err(RemoteCommandError::ExitCode(code)),
                    None => {
                        return Err(RemoteCommandError::Failure(format!(
                            "error stream protocol error: invalid exit code value {:?}",
                            text("/details/causes/0/message")
                        )))
                    }
                }
            }
            Err(RemoteCommandError::Failure(text("/message").to_string()))
        }
        other => Err(RemoteCommandError::Failure(format!(
            "error stream protocol error: unknown error {other:?}"
        ))),
    }
}

/// The exec request, parameters in client-go's (sorted) order; false
/// flags are left out.
pub fn exec_path(
    namespace: &str,
    pod: &str,
    container: &str,
    command: &[String],
    stdin: bool,
    tty: bool,
) -> String {
    use crate::resource::fetch::query_escape;
    use crate::resource::mapper::path_escape;
    let mut params: Vec<String> = command
        .iter()
        .map(|c| format!("command={}", query_escape(c)))
        .collect();
    params.push(format!("container={}", query_escape(container)));
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
        "/api/v1/namespaces/{}/pods/{}/exec?{}",
        path_escape(namespace),
        path_escape(pod),
        params.join("&")
    )
}

/// The resize channel's message: the new size as the kubelet reads it.
fn resize_message(size: &TerminalSize) -> Vec<u8> {
    let mut message = vec![RESIZE];
    message.extend_from_slice(
        format!("{{\"Width\":{},\"Height\":{}}}", size.width, size.height).as_bytes(),
    );
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_path_as_client_go_encodes_it() {
        assert_eq!(
            exec_path("default", "ex", "ex", &["true".into()], false, false),
            "/api/v1/namespaces/default/pods/ex/exec?command=true&container=ex&stderr=true&stdout=true"
        );
        assert_eq!(
            exec_path("ns", "p", "c", &["sh".into(), "-c".into(), "echo a b".into()], true, true),
            "/api/v1/namespaces/ns/pods/p/exec?command=sh&command=-c&command=echo+a+b&container=c&stdin=true&stdout=true&tty=true"
        );
    }

    #[test]
    fn error_stream_outcomes() {
        assert!(decode_error_stream(b"").is_ok());
        assert!(decode_error_stream(br#"{"metadata":{},"status":"Success"}"#).is_ok());
        let exit = br#"{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#;
        assert!(matches!(
            decode_error_stream(exit),
            Err(RemoteCommandError::ExitCode(3))
        ));
        let other =
            br#"{"metadata":{},"status":"Failure","message":"boom","reason":"InternalError"}"#;
        assert_eq!(decode_error_stream(other).unwrap_err().to_string(), "boom");
    }
}
