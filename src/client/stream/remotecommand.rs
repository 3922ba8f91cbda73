//! The remote-command protocols of exec and attach.
//!
//! Over a WebSocket, `v5.channel.k8s.io`: every message starts with its
//! stream's number (0 stdin, 1 stdout, 2 stderr, 3 the error stream
//! carrying the final Status, 4 terminal resizes); `255, n` closes stream
//! `n` (stdin's end of file).
//!
//! Over SPDY (kubectl's fallback), the same streams are SPDY streams the
//! client opens, each named by a `streamType` header (`error`, `stdin`,
//! `stdout`, `stderr`, `resize`); stdin's end of file is the stream's FIN,
//! terminal sizes go as JSON lines, and the session is over once stdout
//! and stderr are finished and the error stream has said how it ended
//! (v4 and later: a Status; before: a plain message).

use std::io::Write;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use super::spdy;
use super::websocket::{Message, Reader, Writer};
use super::Upgraded;

/// An upgraded remote-command connection, as the server accepted it.
pub enum RemoteConnection {
    /// A WebSocket speaking `v5.channel.k8s.io`.
    WebSocket(Upgraded),
    /// A SPDY connection and the protocol the server chose.
    Spdy {
        conn: spdy::Connection,
        protocol: String,
    },
}

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
/// output to `streams` until the server is done, then reads the outcome
/// from the error stream.
pub async fn run(conn: RemoteConnection, streams: Streams<'_>) -> Result<(), RemoteCommandError> {
    match conn {
        RemoteConnection::WebSocket(conn) => run_websocket(conn, streams).await,
        RemoteConnection::Spdy { conn, protocol } => {
            let result = run_spdy(&conn, &protocol, streams).await;
            conn.close().await;
            result
        }
    }
}

/// A session over a WebSocket, until the server closes the connection
/// (client-go's v4/v5 error decoder for the outcome).
async fn run_websocket(conn: Upgraded, mut streams: Streams<'_>) -> Result<(), RemoteCommandError> {
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

/// A session over SPDY: the streams opened in client-go's order, then
/// input and output copied until stdout and stderr are finished.
async fn run_spdy(
    conn: &spdy::Connection,
    protocol: &str,
    mut streams: Streams<'_>,
) -> Result<(), RemoteCommandError> {
    let open = |kind: &'static str| async move {
        conn.create_stream(&[("streamType", kind)])
            .await
            .map_err(RemoteCommandError::Io)
    };
    let mut error = open("error").await?;
    let mut stdin = streams.stdin.take();
    let stdin_stream = match stdin {
        Some(_) => Some(open("stdin").await?),
        None => None,
    };
    let stdout_stream = match streams.stdout {
        Some(_) => Some(open("stdout").await?),
        None => None,
    };
    let stderr_stream = match streams.stderr {
        Some(_) => Some(open("stderr").await?),
        None => None,
    };
    // Terminal sizes are protocol 3's addition.
    let legacy = matches!(protocol, "" | "channel.k8s.io" | "v2.channel.k8s.io");
    let mut resize = streams.resize.take();
    let resize_stream = match resize {
        Some(_) if !legacy => Some(open("resize").await?),
        _ => None,
    };
    let mut writable = true;
    if let (Some(first), Some(r)) = (
        resize.as_mut().and_then(|r| r.try_recv().ok()),
        &resize_stream,
    ) {
        writable = r.writer().write(&spdy_resize_message(&first)).await.is_ok();
    }
    let (mut stdin_remote, stdin_writer) = match stdin_stream {
        Some(s) => {
            let (rx, w) = s.split();
            (Some(rx), Some(w))
        }
        None => (None, None),
    };
    let mut stdout = stdout_stream.map(|s| s.split().0);
    let mut stderr = stderr_stream.map(|s| s.split().0);
    let resize_writer = resize_stream.map(|s| s.writer());
    let mut error_message = Vec::new();
    let mut error_open = true;
    while stdout.is_some() || stderr.is_some() {
        tokio::select! {
            data = async { stdout.as_mut()?.recv().await }, if stdout.is_some() => match data {
                Some(d) => {
                    if let Some(w) = streams.stdout.as_deref_mut() {
                        w.write_all(&d)?;
                        w.flush()?;
                    }
                }
                None => stdout = None,
            },
            data = async { stderr.as_mut()?.recv().await }, if stderr.is_some() => match data {
                Some(d) => {
                    if let Some(w) = streams.stderr.as_deref_mut() {
                        w.write_all(&d)?;
                        w.flush()?;
                    }
                }
                None => stderr = None,
            },
            data = error.read(), if error_open => match data {
                Some(d) => error_message.extend_from_slice(&d),
                None => error_open = false,
            },
            // The server says nothing on stdin; its end ends the input.
            data = async { stdin_remote.as_mut()?.recv().await }, if stdin_remote.is_some() => {
                if data.is_none() {
                    stdin_remote = None;
                    if stdin.take().is_some() {
                        if let Some(w) = &stdin_writer {
                            let _ = w.close().await;
                        }
                    }
                }
            }
            input = async { stdin.as_mut()?.recv().await }, if stdin.is_some() && writable => {
                let Some(w) = &stdin_writer else { continue };
                let sent = match input {
                    Some(data) => w.write(&data).await,
                    None => {
                        stdin = None;
                        w.close().await
                    }
                };
                writable = sent.is_ok();
            }
            size = async { resize.as_mut()?.recv().await }, if resize.is_some() && writable => {
                match (size, &resize_writer) {
                    (Some(s), Some(w)) => writable = w.write(&spdy_resize_message(&s)).await.is_ok(),
                    (Some(_), None) => {}
                    (None, _) => resize = None,
                }
            }
        }
    }
    if error_open {
        error_message.extend(error.read_to_end().await);
    }
    if legacy || protocol == "v3.channel.k8s.io" {
        if error_message.is_empty() {
            return Ok(());
        }
        return Err(RemoteCommandError::Failure(format!(
            "error executing remote command: {}",
            String::from_utf8_lossy(&error_message)
        )));
    }
    decode_error_stream(&error_message)
}

/// A terminal size on SPDY's resize stream: a JSON line.
fn spdy_resize_message(size: &TerminalSize) -> Vec<u8> {
    format!("{{\"Width\":{},\"Height\":{}}}\n", size.width, size.height).into_bytes()
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
