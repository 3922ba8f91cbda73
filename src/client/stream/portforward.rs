//! Port forwarding over a WebSocket speaking `v4.channel.k8s.io` (the
//! kubelet's WebSocket port-forward protocol, which the API server passes
//! through): one WebSocket per forwarded connection, the remote port in
//! the query; channel 0 carries the data both ways, channel 1 the error
//! the node reports. The server starts each channel with the port number
//! (two bytes, little-endian).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::websocket::{Message, Reader, Writer};
use super::Upgraded;

/// The channel protocol spoken for port forwarding.
pub const V4_CHANNEL: &str = "v4.channel.k8s.io";

const DATA: u8 = 0;
const ERROR: u8 = 1;

/// Copies between a local connection and one forwarded over `conn` until
/// either side is done; the node's error message, if it sent one.
pub async fn forward(conn: Upgraded, local: TcpStream) -> std::io::Result<Option<String>> {
    let (read_half, write_half) = tokio::io::split(conn);
    let (mut local_read, mut local_write) = local.into_split();
    let mut writer = Writer::new(write_half);
    let (tx, mut rx) = mpsc::channel::<std::io::Result<Message>>(16);
    let (pong_tx, mut pong_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let reader_task = tokio::spawn(async move {
        let mut reader = Reader::new(read_half);
        loop {
            let mut pongs = Vec::new();
            let next = reader.next(&mut pongs).await;
            for p in pongs {
                let _ = pong_tx.send(p);
            }
            let end = !matches!(next, Ok(Message::Data(_)));
            if tx.send(next).await.is_err() || end {
                return;
            }
        }
    });
    let mut error = Vec::new();
    // The first message of each channel is its port number.
    let mut seen_port = [false; 2];
    let mut local_open = true;
    let mut buf = vec![0u8; 32 * 1024];
    let result = loop {
        tokio::select! {
            incoming = rx.recv() => match incoming {
                None | Some(Ok(Message::Close)) => break Ok(()),
                Some(Err(e)) => break Err(e),
                Some(Ok(Message::Data(d))) => {
                    let Some((&channel, payload)) = d.split_first() else { continue };
                    let index = usize::from(channel.min(1));
                    let payload = if !seen_port[index] {
                        seen_port[index] = true;
                        payload.get(2..).unwrap_or_default()
                    } else {
                        payload
                    };
                    match channel {
                        // The local end went away: nothing more to carry.
                        DATA if local_write.write_all(payload).await.is_err() => break Ok(()),
                        ERROR => error.extend_from_slice(payload),
                        _ => {}
                    }
                }
            },
            Some(p) = pong_rx.recv() => {
                if writer.pong(&p).await.is_err() {
                    break Ok(());
                }
            }
            n = local_read.read(&mut buf), if local_open => match n {
                Ok(0) | Err(_) => local_open = false,
                Ok(n) => {
                    let mut message = Vec::with_capacity(n + 1);
                    message.push(DATA);
                    message.extend_from_slice(&buf[..n]);
                    if writer.binary(&message).await.is_err() {
                        break Ok(());
                    }
                }
            },
        }
    };
    reader_task.abort();
    let _ = writer.close().await;
    let _ = local_write.shutdown().await;
    result?;
    Ok((!error.is_empty()).then(|| String::from_utf8_lossy(&error).into_owned()))
}
