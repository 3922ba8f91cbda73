//! A small SPDY/3.1 client, as the API server and the kubelet speak it
//! after an `Upgrade: SPDY/3.1` handshake (kubectl's fallback for exec,
//! attach and port-forward, and what its port-forward tunnels through a
//! WebSocket).
//!
//! Framing: control frames (a set high bit, version 3, a type, flags and a
//! 24-bit length) and data frames (a stream id, flags, a 24-bit length).
//! Header blocks are name/value pairs with 32-bit lengths, compressed by one
//! zlib stream per direction that lives as long as the connection, primed
//! with SPDY/3's dictionary and flushed after every block. The peers here
//! do no flow control (WINDOW_UPDATE and SETTINGS are read and ignored);
//! TCP's own back pressure is what slows a sender down.
//!
//! The client opens streams (odd ids) with SYN_STREAM and waits for each
//! SYN_REPLY; a data frame with FIN ends one direction of a stream, and
//! RST_STREAM both. Pings from the server (even ids) are echoed, and the
//! client pings the server itself so that idle connections stay open.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, watch};

/// SPDY/3's header compression dictionary (from the SPDY/3 draft).
pub const DICTIONARY: &[u8] = include_bytes!("spdy3_dictionary.bin");

const VERSION: u16 = 3;

const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const SETTINGS: u16 = 4;
const PING: u16 = 6;
const GOAWAY: u16 = 7;
const HEADERS: u16 = 8;
const WINDOW_UPDATE: u16 = 9;

/// FIN on data frames and on SYN_STREAM, SYN_REPLY and HEADERS.
pub const FLAG_FIN: u8 = 0x01;

/// RST_STREAM's status for a stream the receiver will not take.
const REFUSED_STREAM: u32 = 3;
/// RST_STREAM's status for a stream the sender gives up on.
const CANCEL: u32 = 5;

/// The largest frame payload a 24-bit length allows.
const MAX_LENGTH: usize = (1 << 24) - 1;

/// How long the client waits for a SYN_REPLY, as client-go does.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

/// How many data frames of one stream may wait to be read before the
/// connection's reader waits too.
const STREAM_BUFFER: usize = 64;

/// A header block: lower-case names and their values (several values of
/// one name are joined with NUL).
pub type Headers = Vec<(String, String)>;

/// One SPDY/3.1 frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    SynStream {
        id: u32,
        associated: u32,
        priority: u8,
        flags: u8,
        headers: Headers,
    },
    SynReply {
        id: u32,
        flags: u8,
        headers: Headers,
    },
    RstStream {
        id: u32,
        status: u32,
    },
    /// Flags and ids with their values; read and ignored.
    Settings(Vec<(u8, u32, u32)>),
    Ping(u32),
    GoAway {
        last_good: u32,
        status: u32,
    },
    Headers {
        id: u32,
        flags: u8,
        headers: Headers,
    },
    WindowUpdate {
        id: u32,
        delta: u32,
    },
    Data {
        id: u32,
        flags: u8,
        data: Vec<u8>,
    },
    /// A control frame of a type SPDY/3.1 does not define (to be ignored).
    Unknown(u16),
}

fn protocol_error(text: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("spdy: {}", text.into()))
}

/// The sending direction's header compression.
pub struct HeaderCompressor {
    z: Compress,
}

impl Default for HeaderCompressor {
    fn default() -> Self {
        Self::new()
    }
}

impl HeaderCompressor {
    pub fn new() -> HeaderCompressor {
        let mut z = Compress::new(Compression::best(), true);
        z.set_dictionary(DICTIONARY)
            .expect("a fresh zlib stream takes a dictionary");
        HeaderCompressor { z }
    }

    /// The block for `headers`, compressed and flushed so that the peer
    /// can read it whole.
    pub fn compress(&mut self, headers: &[(String, String)]) -> io::Result<Vec<u8>> {
        let plain = encode_header_block(headers);
        let start = self.z.total_in();
        let mut out = Vec::with_capacity(plain.len() + 64);
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(plain.len() + 256);
            }
            let consumed = (self.z.total_in() - start) as usize;
            self.z
                .compress_vec(&plain[consumed..], &mut out, FlushCompress::Sync)
                .map_err(|e| protocol_error(format!("header compression: {e}")))?;
            let consumed = (self.z.total_in() - start) as usize;
            // A sync flush is complete once output space was left over.
            if consumed == plain.len() && out.len() < out.capacity() {
                return Ok(out);
            }
        }
    }
}

/// The receiving direction's header decompression.
pub struct HeaderDecompressor {
    z: Decompress,
}

impl Default for HeaderDecompressor {
    fn default() -> Self {
        Self::new()
    }
}

impl HeaderDecompressor {
    pub fn new() -> HeaderDecompressor {
        HeaderDecompressor {
            z: Decompress::new(true),
        }
    }

    /// The headers of one compressed block.
    pub fn decompress(&mut self, block: &[u8]) -> io::Result<Headers> {
        let start = self.z.total_in();
        let mut out = Vec::with_capacity(block.len() * 4 + 64);
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(256));
            }
            let consumed = (self.z.total_in() - start) as usize;
            match self
                .z
                .decompress_vec(&block[consumed..], &mut out, FlushDecompress::Sync)
            {
                Ok(Status::StreamEnd) => break,
                Ok(_) => {}
                Err(e) if e.needs_dictionary().is_some() => {
                    self.z
                        .set_dictionary(DICTIONARY)
                        .map_err(|e| protocol_error(format!("header dictionary: {e}")))?;
                    continue;
                }
                Err(e) => return Err(protocol_error(format!("header decompression: {e}"))),
            }
            let consumed = (self.z.total_in() - start) as usize;
            if consumed == block.len() && out.len() < out.capacity() {
                break;
            }
            if out.len() > MAX_LENGTH {
                return Err(protocol_error("header block too large"));
            }
        }
        decode_header_block(&out)
    }
}

/// A header block before compression: the number of pairs, then each
/// name and value with a 32-bit length.
fn encode_header_block(headers: &[(String, String)]) -> Vec<u8> {
    let mut block = Vec::new();
    block.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        block.extend_from_slice(&(name.len() as u32).to_be_bytes());
        block.extend_from_slice(name.as_bytes());
        block.extend_from_slice(&(value.len() as u32).to_be_bytes());
        block.extend_from_slice(value.as_bytes());
    }
    block
}

fn decode_header_block(block: &[u8]) -> io::Result<Headers> {
    let mut rest = block;
    let mut take = |n: usize| -> io::Result<&[u8]> {
        if rest.len() < n {
            return Err(protocol_error("truncated header block"));
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let word = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let count = word(take(4)?);
    let mut headers = Vec::new();
    for _ in 0..count {
        let len = word(take(4)?);
        let name = String::from_utf8_lossy(take(len)?).to_ascii_lowercase();
        let len = word(take(4)?);
        let value = String::from_utf8_lossy(take(len)?).into_owned();
        headers.push((name, value));
    }
    Ok(headers)
}

fn control_header(kind: u16, flags: u8, length: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + length);
    out.extend_from_slice(&(0x8000 | VERSION).to_be_bytes());
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&((u32::from(flags) << 24) | length as u32).to_be_bytes());
    out
}

/// The bytes of `frame` on the wire; header blocks go through `headers`,
/// which must see every block in the order the frames are sent.
pub fn encode(frame: &Frame, headers: &mut HeaderCompressor) -> io::Result<Vec<u8>> {
    let words = |kind: u16, values: &[u32]| {
        let mut out = control_header(kind, 0, values.len() * 4);
        for v in values {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out
    };
    let with_block = |kind: u16, flags: u8, prefix: &[u8], block: Vec<u8>| {
        let mut out = control_header(kind, flags, prefix.len() + block.len());
        out.extend_from_slice(prefix);
        out.extend_from_slice(&block);
        out
    };
    Ok(match frame {
        Frame::SynStream {
            id,
            associated,
            priority,
            flags,
            headers: h,
        } => {
            let mut prefix = Vec::with_capacity(10);
            prefix.extend_from_slice(&(id & 0x7fff_ffff).to_be_bytes());
            prefix.extend_from_slice(&(associated & 0x7fff_ffff).to_be_bytes());
            prefix.push(priority << 5);
            prefix.push(0); // the credential slot
            with_block(SYN_STREAM, *flags, &prefix, headers.compress(h)?)
        }
        Frame::SynReply {
            id,
            flags,
            headers: h,
        } => with_block(SYN_REPLY, *flags, &id.to_be_bytes(), headers.compress(h)?),
        Frame::Headers {
            id,
            flags,
            headers: h,
        } => with_block(HEADERS, *flags, &id.to_be_bytes(), headers.compress(h)?),
        Frame::RstStream { id, status } => words(RST_STREAM, &[*id, *status]),
        Frame::Settings(entries) => {
            let mut out = control_header(SETTINGS, 0, 4 + entries.len() * 8);
            out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
            for (flag, id, value) in entries {
                out.extend_from_slice(
                    &((u32::from(*flag) << 24) | (id & 0x00ff_ffff)).to_be_bytes(),
                );
                out.extend_from_slice(&value.to_be_bytes());
            }
            out
        }
        Frame::Ping(id) => words(PING, &[*id]),
        Frame::GoAway { last_good, status } => words(GOAWAY, &[*last_good, *status]),
        Frame::WindowUpdate { id, delta } => words(WINDOW_UPDATE, &[*id, *delta]),
        Frame::Data { id, flags, data } => {
            if data.len() > MAX_LENGTH {
                return Err(protocol_error("data frame too large"));
            }
            let mut out = Vec::with_capacity(8 + data.len());
            out.extend_from_slice(&(id & 0x7fff_ffff).to_be_bytes());
            out.extend_from_slice(&((u32::from(*flags) << 24) | data.len() as u32).to_be_bytes());
            out.extend_from_slice(data);
            out
        }
        Frame::Unknown(kind) => control_header(*kind, 0, 0),
    })
}

/// Reads frames off a byte stream, decompressing header blocks.
pub struct FrameReader<R> {
    inner: R,
    headers: HeaderDecompressor,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(inner: R) -> FrameReader<R> {
        FrameReader {
            inner,
            headers: HeaderDecompressor::new(),
        }
    }

    /// The next frame; None when the stream ends between frames.
    pub async fn next(&mut self) -> io::Result<Option<Frame>> {
        let mut head = [0u8; 8];
        match self.inner.read_exact(&mut head).await {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let first = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let flags = head[4];
        let length = u32::from_be_bytes([0, head[5], head[6], head[7]]) as usize;
        let mut payload = vec![0u8; length];
        self.inner.read_exact(&mut payload).await?;
        if first & 0x8000_0000 == 0 {
            return Ok(Some(Frame::Data {
                id: first,
                flags,
                data: payload,
            }));
        }
        let version = ((first >> 16) & 0x7fff) as u16;
        if version != VERSION {
            return Err(protocol_error(format!("unsupported version {version}")));
        }
        let kind = (first & 0xffff) as u16;
        let word = |at: usize| -> io::Result<u32> {
            payload
                .get(at..at + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| protocol_error(format!("short control frame of type {kind}")))
        };
        let id = |at: usize| word(at).map(|w| w & 0x7fff_ffff);
        let frame = match kind {
            SYN_STREAM => {
                let (id, associated) = (id(0)?, id(4)?);
                let priority = payload.get(8).copied().unwrap_or(0) >> 5;
                let block = payload.get(10..).unwrap_or_default();
                Frame::SynStream {
                    id,
                    associated,
                    priority,
                    flags,
                    headers: self.headers.decompress(block)?,
                }
            }
            SYN_REPLY | HEADERS => {
                let stream = id(0)?;
                let headers = self.headers.decompress(&payload[4..])?;
                if kind == SYN_REPLY {
                    Frame::SynReply {
                        id: stream,
                        flags,
                        headers,
                    }
                } else {
                    Frame::Headers {
                        id: stream,
                        flags,
                        headers,
                    }
                }
            }
            RST_STREAM => Frame::RstStream {
                id: id(0)?,
                status: word(4)?,
            },
            SETTINGS => {
                let count = word(0)? as usize;
                let mut entries = Vec::new();
                for i in 0..count {
                    let flag_id = word(4 + i * 8)?;
                    entries.push((
                        (flag_id >> 24) as u8,
                        flag_id & 0x00ff_ffff,
                        word(8 + i * 8)?,
                    ));
                }
                Frame::Settings(entries)
            }
            PING => Frame::Ping(word(0)?),
            GOAWAY => Frame::GoAway {
                last_good: id(0)?,
                status: word(4).unwrap_or(0),
            },
            WINDOW_UPDATE => Frame::WindowUpdate {
                id: id(0)?,
                delta: word(4)? & 0x7fff_ffff,
            },
            other => Frame::Unknown(other),
        };
        Ok(Some(frame))
    }
}

/// The writing half of a connection, shared by its streams: frames are
/// encoded (and their header blocks compressed) in the order they go out.
struct Writer {
    io: Box<dyn AsyncWrite + Send + Unpin>,
    headers: HeaderCompressor,
    next_stream: u32,
    next_ping: u32,
}

impl Writer {
    async fn send(&mut self, frame: &Frame) -> io::Result<()> {
        let bytes = encode(frame, &mut self.headers)?;
        self.io.write_all(&bytes).await?;
        self.io.flush().await
    }
}

/// Streams waiting for their reply, and where each stream's data goes.
#[derive(Default)]
struct Table {
    replies: HashMap<u32, oneshot::Sender<()>>,
    data: HashMap<u32, mpsc::Sender<Vec<u8>>>,
}

struct Shared {
    writer: tokio::sync::Mutex<Writer>,
    table: Mutex<Table>,
    closed: watch::Sender<bool>,
}

/// A client's SPDY connection over an upgraded (or tunnelled) byte stream.
#[derive(Clone)]
pub struct Connection {
    shared: Arc<Shared>,
}

/// One stream: its data as it arrives (None once the server has sent
/// FIN or reset it), and a handle to write to it.
pub struct Stream {
    pub id: u32,
    incoming: mpsc::Receiver<Vec<u8>>,
    writer: StreamWriter,
}

/// The writing side of a stream; clones write to the same stream.
#[derive(Clone)]
pub struct StreamWriter {
    id: u32,
    conn: Connection,
}

impl Connection {
    /// Starts serving `io` as the client's end: frames are read on a task
    /// of their own, and the server is pinged every `ping_period` (never
    /// when it is zero).
    pub fn client<T>(io: T, ping_period: Duration) -> Connection
    where
        T: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (read_half, write_half) = tokio::io::split(io);
        let (closed, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            writer: tokio::sync::Mutex::new(Writer {
                io: Box::new(write_half),
                headers: HeaderCompressor::new(),
                next_stream: 1,
                next_ping: 1,
            }),
            table: Mutex::new(Table::default()),
            closed,
        });
        let conn = Connection { shared };
        tokio::spawn(conn.clone().serve(FrameReader::new(read_half)));
        if !ping_period.is_zero() {
            tokio::spawn(conn.clone().ping_every(ping_period));
        }
        conn
    }

    async fn serve<R: AsyncRead + Unpin>(self, mut reader: FrameReader<R>) {
        while let Ok(Some(frame)) = reader.next().await {
            match frame {
                Frame::SynReply { id, flags, .. } => {
                    let reply = self.table().replies.remove(&id);
                    if let Some(reply) = reply {
                        let _ = reply.send(());
                    }
                    if flags & FLAG_FIN != 0 {
                        self.table().data.remove(&id);
                    }
                }
                Frame::Data { id, flags, data } => {
                    let sender = self.table().data.get(&id).cloned();
                    if let Some(sender) = sender {
                        if !data.is_empty() {
                            // A reader that went away no longer wants it.
                            let _ = sender.send(data).await;
                        }
                    }
                    if flags & FLAG_FIN != 0 {
                        self.table().data.remove(&id);
                    }
                }
                Frame::Headers { id, flags, .. } => {
                    if flags & FLAG_FIN != 0 {
                        self.table().data.remove(&id);
                    }
                }
                Frame::RstStream { id, .. } => {
                    let mut table = self.table();
                    table.replies.remove(&id);
                    table.data.remove(&id);
                }
                Frame::SynStream { id, .. } => {
                    // The server opens no streams of its own here.
                    let refuse = Frame::RstStream {
                        id,
                        status: REFUSED_STREAM,
                    };
                    let _ = self.shared.writer.lock().await.send(&refuse).await;
                }
                // Even ids are the server's pings: they go back as they came.
                Frame::Ping(id) if id % 2 == 0 => {
                    let _ = self.shared.writer.lock().await.send(&Frame::Ping(id)).await;
                }
                Frame::GoAway { .. } => break,
                Frame::Ping(_)
                | Frame::Settings(_)
                | Frame::WindowUpdate { .. }
                | Frame::Unknown(_) => {}
            }
        }
        let mut table = self.table();
        table.replies.clear();
        table.data.clear();
        drop(table);
        self.shared.closed.send_replace(true);
    }

    async fn ping_every(self, period: Duration) {
        let mut closed = self.shared.closed.subscribe();
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tokio::select! {
                _ = async { closed.wait_for(|c| *c).await.is_ok() } => return,
                _ = ticks.tick() => {
                    let mut writer = self.shared.writer.lock().await;
                    let id = writer.next_ping;
                    writer.next_ping = writer.next_ping.wrapping_add(2);
                    if writer.send(&Frame::Ping(id)).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.shared.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a stream with `headers` and waits for the server's reply.
    pub async fn create_stream(&self, headers: &[(&str, &str)]) -> io::Result<Stream> {
        let headers: Headers = headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .collect();
        let (reply_tx, reply_rx) = oneshot::channel();
        let (data_tx, data_rx) = mpsc::channel(STREAM_BUFFER);
        let id = {
            // Ids must go out in increasing order: taken and sent under one lock.
            let mut writer = self.shared.writer.lock().await;
            if *self.shared.closed.borrow() {
                return Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "spdy: connection closed",
                ));
            }
            let id = writer.next_stream;
            writer.next_stream += 2;
            {
                let mut table = self.table();
                table.replies.insert(id, reply_tx);
                table.data.insert(id, data_tx);
            }
            writer
                .send(&Frame::SynStream {
                    id,
                    associated: 0,
                    priority: 0,
                    flags: 0,
                    headers,
                })
                .await?;
            id
        };
        match tokio::time::timeout(REPLY_TIMEOUT, reply_rx).await {
            Ok(Ok(())) => Ok(Stream {
                id,
                incoming: data_rx,
                writer: StreamWriter {
                    id,
                    conn: self.clone(),
                },
            }),
            Ok(Err(_)) => Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "stream reset",
            )),
            Err(_) => {
                self.table().replies.remove(&id);
                Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"))
            }
        }
    }

    /// Resolves once the connection has ended (the server closed it, went
    /// away, or broke it).
    pub async fn closed(&self) {
        let mut closed = self.shared.closed.subscribe();
        let _ = closed.wait_for(|c| *c).await;
    }

    /// Says goodbye (GOAWAY) and ends the sending direction; a peer that
    /// no longer reads is given a second, not forever.
    pub async fn close(&self) {
        let goodbye = async {
            let mut writer = self.shared.writer.lock().await;
            let _ = writer
                .send(&Frame::GoAway {
                    last_good: 0,
                    status: 0,
                })
                .await;
            let _ = writer.io.shutdown().await;
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), goodbye).await;
    }
}

impl Stream {
    /// The next piece of data; None once the server has finished the stream.
    pub async fn read(&mut self) -> Option<Vec<u8>> {
        self.incoming.recv().await
    }

    /// Everything until the server finishes the stream.
    pub async fn read_to_end(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        while let Some(data) = self.read().await {
            all.extend_from_slice(&data);
        }
        all
    }

    pub fn writer(&self) -> StreamWriter {
        self.writer.clone()
    }

    /// Splits the stream into what arrives and a handle to write.
    pub fn split(self) -> (mpsc::Receiver<Vec<u8>>, StreamWriter) {
        (self.incoming, self.writer)
    }
}

impl StreamWriter {
    pub async fn write(&self, data: &[u8]) -> io::Result<()> {
        for chunk in data.chunks(MAX_LENGTH) {
            self.send(0, chunk.to_vec()).await?;
        }
        Ok(())
    }

    /// Ends the sending direction (an empty data frame with FIN).
    pub async fn close(&self) -> io::Result<()> {
        self.send(FLAG_FIN, Vec::new()).await
    }

    /// Ends the stream both ways (RST_STREAM); what arrives after is dropped.
    pub async fn reset(&self) -> io::Result<()> {
        self.conn.table().data.remove(&self.id);
        let frame = Frame::RstStream {
            id: self.id,
            status: CANCEL,
        };
        self.conn.shared.writer.lock().await.send(&frame).await
    }

    async fn send(&self, flags: u8, data: Vec<u8>) -> io::Result<()> {
        let frame = Frame::Data {
            id: self.id,
            flags,
            data,
        };
        self.conn.shared.writer.lock().await.send(&frame).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn read_all(wire: &[u8]) -> Vec<Frame> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut reader = FrameReader::new(wire);
            let mut frames = Vec::new();
            while let Some(frame) = reader.next().await.unwrap() {
                frames.push(frame);
            }
            frames
        })
    }

    #[test]
    fn dictionary_is_spdy3s() {
        assert_eq!(DICTIONARY.len(), 1423);
        // zlib names a dictionary by its Adler-32 checksum.
        let mut z = Compress::new(Compression::best(), true);
        assert_eq!(z.set_dictionary(DICTIONARY).unwrap(), 0xe3c6_a7c2);
    }

    #[test]
    fn fixed_frames_as_the_draft_lays_them_out() {
        let mut h = HeaderCompressor::new();
        let cases: Vec<(Frame, &[u8])> = vec![
            (
                Frame::Ping(1),
                &[0x80, 0x03, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1],
            ),
            (
                Frame::RstStream { id: 5, status: 5 },
                &[0x80, 0x03, 0x00, 0x03, 0, 0, 0, 8, 0, 0, 0, 5, 0, 0, 0, 5],
            ),
            (
                Frame::GoAway {
                    last_good: 2,
                    status: 0,
                },
                &[0x80, 0x03, 0x00, 0x07, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0, 0],
            ),
            (
                Frame::WindowUpdate {
                    id: 0,
                    delta: 65536,
                },
                &[0x80, 0x03, 0x00, 0x09, 0, 0, 0, 8, 0, 0, 0, 0, 0, 1, 0, 0],
            ),
            (
                Frame::Settings(vec![(0, 7, 65536)]),
                &[
                    0x80, 0x03, 0x00, 0x04, 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 7, 0, 1, 0, 0,
                ],
            ),
            (
                Frame::Data {
                    id: 3,
                    flags: FLAG_FIN,
                    data: b"hi".to_vec(),
                },
                &[0, 0, 0, 3, 0x01, 0, 0, 2, b'h', b'i'],
            ),
        ];
        for (frame, wire) in cases {
            assert_eq!(encode(&frame, &mut h).unwrap(), wire, "{frame:?}");
            assert_eq!(read_all(wire), vec![frame]);
        }
    }

    #[test]
    fn header_block_layout() {
        let block = encode_header_block(&headers(&[("streamType", "error"), ("port", "80")]));
        let mut expected = vec![0, 0, 0, 2, 0, 0, 0, 10];
        expected.extend_from_slice(b"streamtype");
        expected.extend_from_slice(&[0, 0, 0, 5]);
        expected.extend_from_slice(b"error");
        expected.extend_from_slice(&[0, 0, 0, 4]);
        expected.extend_from_slice(b"port");
        expected.extend_from_slice(&[0, 0, 0, 2]);
        expected.extend_from_slice(b"80");
        assert_eq!(block, expected);
        assert_eq!(
            decode_header_block(&block).unwrap(),
            headers(&[("streamtype", "error"), ("port", "80")])
        );
        assert!(decode_header_block(&block[..block.len() - 1]).is_err());
    }

    #[test]
    fn header_blocks_share_one_zlib_stream_per_direction() {
        let mut h = HeaderCompressor::new();
        let frames = vec![
            Frame::SynStream {
                id: 1,
                associated: 0,
                priority: 0,
                flags: 0,
                headers: headers(&[("streamtype", "error")]),
            },
            Frame::SynStream {
                id: 3,
                associated: 0,
                priority: 0,
                flags: 0,
                headers: headers(&[("streamtype", "stdout")]),
            },
            Frame::SynReply {
                id: 1,
                flags: 0,
                headers: Vec::new(),
            },
            Frame::Headers {
                id: 3,
                flags: FLAG_FIN,
                headers: headers(&[("a", "b\0c")]),
            },
        ];
        let mut wire = Vec::new();
        for f in &frames {
            wire.extend(encode(f, &mut h).unwrap());
        }
        // The first block starts a zlib stream naming the dictionary:
        // header 0x78 0xf9 (best compression, FDICT), then its checksum.
        assert_eq!(&wire[18..24], &[0x78, 0xf9, 0xe3, 0xc6, 0xa7, 0xc2]);
        assert_eq!(read_all(&wire), frames);
    }

    /// Frames written by Go's spdystream framer (moby/spdystream v0.5.0,
    /// `go run` of a SYN_STREAM, a SYN_REPLY, a SYN_STREAM and a data
    /// frame into one buffer): the same zlib stream runs through all
    /// three header blocks.
    const FROM_SPDYSTREAM: &[u8] = &[
        0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x29, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x78, 0xf9, 0xe3, 0xc6, 0xa7, 0xc2, 0x62, 0x60, 0x60, 0x60, 0x04, 0xa7,
        0xb3, 0x92, 0xa2, 0xd4, 0xc4, 0x5c, 0x68, 0x51, 0xc2, 0x9a, 0x0a, 0x0a, 0x68, 0x00, 0x00,
        0x00, 0x00, 0xff, 0xff, 0x80, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00,
        0x01, 0x62, 0x60, 0x60, 0x60, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x80, 0x03, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x82,
        0x4a, 0xb3, 0x14, 0xe4, 0x17, 0x81, 0x73, 0x82, 0x85, 0x81, 0x81, 0x01, 0x00, 0x00, 0x00,
        0xff, 0xff, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x02, 0x6f, 0x6b,
    ];

    #[test]
    fn reads_what_spdystream_writes() {
        assert_eq!(
            read_all(FROM_SPDYSTREAM),
            vec![
                Frame::SynStream {
                    id: 1,
                    associated: 0,
                    priority: 0,
                    flags: 0,
                    headers: headers(&[("streamtype", "error")]),
                },
                Frame::SynReply {
                    id: 1,
                    flags: 0,
                    headers: Vec::new(),
                },
                Frame::SynStream {
                    id: 3,
                    associated: 0,
                    priority: 0,
                    flags: 0,
                    headers: headers(&[("port", "8000")]),
                },
                Frame::Data {
                    id: 3,
                    flags: FLAG_FIN,
                    data: b"ok".to_vec(),
                },
            ]
        );
    }

    /// The client's side of a connection against a scripted peer: a
    /// stream opened and replied to, the server's ping echoed, data both
    /// ways with FIN, a refused stream, and the server going away.
    #[test]
    fn connection_against_a_scripted_peer() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let (client_io, peer_io) = tokio::io::duplex(1 << 16);
            let conn = Connection::client(client_io, Duration::ZERO);
            let (peer_read, mut peer_write) = tokio::io::split(peer_io);
            let mut frames = FrameReader::new(peer_read);
            let mut compressor = HeaderCompressor::new();
            let mut send = |frame: Frame| encode(&frame, &mut compressor).unwrap();
            let open = |kind: &'static str| {
                let conn = conn.clone();
                tokio::spawn(async move { conn.create_stream(&[("streamType", kind)]).await })
            };
            let opening = open("stdout");
            let Some(Frame::SynStream {
                id, headers: got, ..
            }) = frames.next().await.unwrap()
            else {
                panic!("no SYN_STREAM");
            };
            assert_eq!((id, got), (1, headers(&[("streamtype", "stdout")])));
            let ping = send(Frame::Ping(2));
            peer_write.write_all(&ping).await.unwrap();
            assert_eq!(frames.next().await.unwrap(), Some(Frame::Ping(2)));
            let mut wire = send(Frame::SynReply {
                id: 1,
                flags: 0,
                headers: Vec::new(),
            });
            wire.extend(send(Frame::Data {
                id: 1,
                flags: 0,
                data: b"out".to_vec(),
            }));
            wire.extend(send(Frame::Data {
                id: 1,
                flags: FLAG_FIN,
                data: b"!".to_vec(),
            }));
            peer_write.write_all(&wire).await.unwrap();
            let mut stream = opening.await.unwrap().unwrap();
            assert_eq!(stream.read_to_end().await, b"out!");
            stream.writer().write(b"in").await.unwrap();
            stream.writer().close().await.unwrap();
            assert_eq!(
                frames.next().await.unwrap(),
                Some(Frame::Data {
                    id: 1,
                    flags: 0,
                    data: b"in".to_vec()
                })
            );
            assert_eq!(
                frames.next().await.unwrap(),
                Some(Frame::Data {
                    id: 1,
                    flags: FLAG_FIN,
                    data: Vec::new()
                })
            );
            let opening = open("stderr");
            let Some(Frame::SynStream { id: 3, .. }) = frames.next().await.unwrap() else {
                panic!("no second SYN_STREAM");
            };
            let reset = send(Frame::RstStream { id: 3, status: 3 });
            peer_write.write_all(&reset).await.unwrap();
            assert!(opening.await.unwrap().is_err());
            let away = send(Frame::GoAway {
                last_good: 0,
                status: 0,
            });
            peer_write.write_all(&away).await.unwrap();
            tokio::time::timeout(Duration::from_secs(5), conn.closed())
                .await
                .expect("the connection ends when the server goes away");
            assert!(open("stdin").await.unwrap().is_err());
        });
    }
}
