//! RFC 6455 WebSocket framing for the client side of an upgraded
//! connection: masked frames out, unmasked frames in, pings answered,
//! fragmented messages joined. Only what the API server's streaming
//! endpoints use (binary messages, close, ping/pong).

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The GUID RFC 6455 appends to the key before hashing.
const ACCEPT_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The largest message accepted from the server (the kubelet sends at most
/// 32 KiB at a time; this only bounds a broken peer).
const MAX_MESSAGE: usize = 64 << 20;

const OP_CONTINUATION: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;

/// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64.
pub fn new_key() -> String {
    let bytes: Vec<u8> = (0..16).map(|_| fastrand::u8(..)).collect();
    crate::kubeconfig::base64::encode_std(&bytes)
}

/// The `Sec-WebSocket-Accept` a server must answer for `key`.
pub fn accept_for(key: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        format!("{key}{ACCEPT_GUID}").as_bytes(),
    );
    crate::kubeconfig::base64::encode_std(digest.as_ref())
}

/// What the server sent.
#[derive(Debug, PartialEq)]
pub enum Message {
    Data(Vec<u8>),
    /// A close frame (or the connection's end): no more messages.
    Close,
}

/// The reading half: whole messages, control frames handled on the way.
pub struct Reader<R> {
    inner: R,
}

impl<R: AsyncRead + Unpin> Reader<R> {
    pub fn new(inner: R) -> Reader<R> {
        Reader { inner }
    }

    /// The next data message. Pings are returned to the caller as
    /// `Err(Ping)`-free: `pong` receives their payload to answer.
    pub async fn next(&mut self, pong: &mut Vec<Vec<u8>>) -> io::Result<Message> {
        let mut message: Vec<u8> = Vec::new();
        loop {
            let mut head = [0u8; 2];
            match self.inner.read_exact(&mut head).await {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(Message::Close),
                Err(e) => return Err(e),
            }
            let fin = head[0] & 0x80 != 0;
            let opcode = head[0] & 0x0f;
            let masked = head[1] & 0x80 != 0;
            let mut len = u64::from(head[1] & 0x7f);
            if len == 126 {
                let mut b = [0u8; 2];
                self.inner.read_exact(&mut b).await?;
                len = u64::from(u16::from_be_bytes(b));
            } else if len == 127 {
                let mut b = [0u8; 8];
                self.inner.read_exact(&mut b).await?;
                len = u64::from_be_bytes(b);
            }
            if len as usize > MAX_MESSAGE || message.len() + len as usize > MAX_MESSAGE {
                return Err(io::Error::other("websocket: message too large"));
            }
            let mut mask = [0u8; 4];
            if masked {
                self.inner.read_exact(&mut mask).await?;
            }
            let mut payload = vec![0u8; len as usize];
            self.inner.read_exact(&mut payload).await?;
            if masked {
                apply_mask(&mut payload, mask);
            }
            match opcode {
                OP_CLOSE => return Ok(Message::Close),
                OP_PING => pong.push(payload),
                OP_PONG => {}
                OP_TEXT | OP_BINARY | OP_CONTINUATION => {
                    message.extend_from_slice(&payload);
                    if fin {
                        return Ok(Message::Data(message));
                    }
                }
                other => {
                    return Err(io::Error::other(format!(
                        "websocket: unknown opcode {other}"
                    )))
                }
            }
        }
    }
}

/// The writing half: every frame masked, as a client's must be.
pub struct Writer<W> {
    inner: W,
}

impl<W: AsyncWrite + Unpin> Writer<W> {
    pub fn new(inner: W) -> Writer<W> {
        Writer { inner }
    }

    pub async fn binary(&mut self, payload: &[u8]) -> io::Result<()> {
        self.frame(OP_BINARY, payload).await
    }

    pub async fn pong(&mut self, payload: &[u8]) -> io::Result<()> {
        self.frame(OP_PONG, payload).await
    }

    pub async fn ping(&mut self) -> io::Result<()> {
        self.frame(OP_PING, &[]).await
    }

    /// A normal close (1000).
    pub async fn close(&mut self) -> io::Result<()> {
        self.frame(OP_CLOSE, &1000u16.to_be_bytes()).await
    }

    async fn frame(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let frame = encode_frame(opcode, payload, fastrand::u32(..).to_be_bytes());
        self.inner.write_all(&frame).await?;
        self.inner.flush().await
    }
}

/// SPDY tunnelled through a WebSocket, as client-go's port-forward does
/// it: the bytes one way are sent as binary messages, and the messages
/// the other way are read as one byte stream. The returned end reads and
/// writes those bytes; pings are answered on the way, and the end of
/// either side ends the other.
pub fn tunnel<T>(conn: T) -> tokio::io::DuplexStream
where
    T: AsyncRead + AsyncWrite + Send + 'static,
{
    let (ours, theirs) = tokio::io::duplex(256 * 1024);
    let (ws_read, ws_write) = tokio::io::split(conn);
    let (mut from_spdy, mut to_spdy) = tokio::io::split(theirs);
    let (pong_tx, mut pong_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(async move {
        let mut reader = Reader::new(ws_read);
        loop {
            let mut pongs = Vec::new();
            let next = reader.next(&mut pongs).await;
            for p in pongs {
                let _ = pong_tx.send(p);
            }
            match next {
                Ok(Message::Data(data)) => {
                    if to_spdy.write_all(&data).await.is_err() {
                        break;
                    }
                }
                Ok(Message::Close) | Err(_) => break,
            }
        }
        let _ = to_spdy.shutdown().await;
    });
    tokio::spawn(async move {
        let mut writer = Writer::new(ws_write);
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            tokio::select! {
                Some(p) = pong_rx.recv() => {
                    if writer.pong(&p).await.is_err() {
                        break;
                    }
                }
                n = from_spdy.read(&mut buf) => match n {
                    Ok(0) | Err(_) => {
                        let _ = writer.close().await;
                        break;
                    }
                    Ok(n) => {
                        if writer.binary(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                },
            }
        }
    });
    ours
}

/// One final, masked frame.
fn encode_frame(opcode: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(payload.len() + 14);
    frame.push(0x80 | opcode);
    let len = payload.len();
    if len < 126 {
        frame.push(0x80 | len as u8);
    } else if len <= usize::from(u16::MAX) {
        frame.push(0x80 | 126);
        frame.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        frame.push(0x80 | 127);
        frame.extend_from_slice(&(len as u64).to_be_bytes());
    }
    frame.extend_from_slice(&mask);
    let start = frame.len();
    frame.extend_from_slice(payload);
    apply_mask(&mut frame[start..], mask);
    frame
}

/// XORs `data` with the repeated 4-byte `mask`, eight bytes at a time (a
/// byte-by-byte loop costs a `cp` of 200 MiB into a container about a
/// tenth of its time).
fn apply_mask(data: &mut [u8], mask: [u8; 4]) {
    let [a, b, c, d] = mask;
    let word = u64::from_ne_bytes([a, b, c, d, a, b, c, d]);
    let mut words = data.chunks_exact_mut(8);
    for chunk in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        chunk.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
    }
    // The rest starts at a multiple of eight, so the mask starts over.
    for (i, byte) in words.into_remainder().iter_mut().enumerate() {
        *byte ^= mask[i % 4];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_eight_at_a_time_is_masking_byte_by_byte() {
        let mask = [0x12, 0x34, 0x56, 0x78];
        for len in [0, 1, 3, 7, 8, 9, 15, 16, 17, 1000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let mut fast = data.clone();
            apply_mask(&mut fast, mask);
            let slow: Vec<u8> = data
                .iter()
                .enumerate()
                .map(|(i, b)| b ^ mask[i % 4])
                .collect();
            assert_eq!(fast, slow, "length {len}");
        }
    }

    #[test]
    fn accept_key_of_rfc_6455_example() {
        assert_eq!(
            accept_for("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn frames_round_trip_through_the_reader() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            for len in [0usize, 5, 125, 126, 65535, 65536, 200_000] {
                let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
                let mut wire = encode_frame(OP_PING, b"hi", [9, 8, 7, 6]);
                wire.extend(encode_frame(OP_BINARY, &payload, [1, 2, 3, 4]));
                wire.extend(encode_frame(OP_CLOSE, &[], [0, 0, 0, 0]));
                let mut reader = Reader::new(&wire[..]);
                let mut pongs = Vec::new();
                assert_eq!(
                    reader.next(&mut pongs).await.unwrap(),
                    Message::Data(payload)
                );
                assert_eq!(pongs, vec![b"hi".to_vec()]);
                assert_eq!(reader.next(&mut pongs).await.unwrap(), Message::Close);
            }
        });
    }

    #[test]
    fn fragments_are_joined() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut first = encode_frame(OP_BINARY, b"ab", [1, 1, 1, 1]);
            first[0] &= 0x7f; // not final
            let mut wire = first;
            wire.extend(encode_frame(OP_CONTINUATION, b"cd", [2, 2, 2, 2]));
            let mut reader = Reader::new(&wire[..]);
            let mut pongs = Vec::new();
            assert_eq!(
                reader.next(&mut pongs).await.unwrap(),
                Message::Data(b"abcd".to_vec())
            );
            // The connection's end reads as a close.
            assert_eq!(reader.next(&mut pongs).await.unwrap(), Message::Close);
        });
    }
}
