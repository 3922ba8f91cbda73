//! Port forwarding over a SPDY connection speaking `portforward.k8s.io`,
//! as kubectl does it: one connection for the whole session, and for each
//! local connection a pair of streams, both naming the pod's `port` and a
//! `requestID` that ties them together. The error stream carries the
//! node's message when forwarding fails (the client finishes its side at
//! once); the data stream carries the bytes both ways.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::spdy;

/// Copies between `local` and a new stream pair on `conn` until the pod's
/// side is done (or the local side fails); the node's error message, if it
/// sent one.
pub async fn forward(
    conn: &spdy::Connection,
    request_id: u64,
    remote_port: u16,
    local: TcpStream,
) -> io::Result<Option<String>> {
    let port = remote_port.to_string();
    let id = request_id.to_string();
    let headers = |kind: &'static str| {
        [
            ("streamType", kind),
            ("port", port.as_str()),
            ("requestID", id.as_str()),
        ]
    };
    let mut error = conn.create_stream(&headers("error")).await?;
    // Nothing is ever sent on the error stream.
    error.writer().close().await?;
    let error_reader = tokio::spawn(async move { error.read_to_end().await });
    let data = conn.create_stream(&headers("data")).await?;
    let (mut from_pod, to_pod) = data.split();
    let (mut local_read, mut local_write) = local.into_split();
    let pod_to_local = async {
        while let Some(bytes) = from_pod.recv().await {
            if local_write.write_all(&bytes).await.is_err() {
                break;
            }
        }
    };
    let local_to_pod = async {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match local_read.read(&mut buf).await {
                // The local end is done writing: so is the stream, and what
                // the pod still sends is awaited.
                Ok(0) => {
                    let _ = to_pod.close().await;
                    std::future::pending::<()>().await;
                }
                Ok(n) => {
                    if to_pod.write(&buf[..n]).await.is_err() {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    };
    tokio::select! {
        _ = pod_to_local => {}
        _ = local_to_pod => {}
    }
    let _ = to_pod.reset().await;
    let _ = local_write.shutdown().await;
    let message = error_reader.await.unwrap_or_default();
    Ok((!message.is_empty()).then(|| String::from_utf8_lossy(&message).into_owned()))
}
