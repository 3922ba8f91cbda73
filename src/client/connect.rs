//! Opening a connection to the API server as client-go's transport does:
//! a TCP dial bounded by 30 s with 30 s keep-alives, optionally through an
//! HTTP(S) `CONNECT` proxy or a SOCKS5 proxy, then a TLS handshake bounded
//! by 10 s. Failures carry Go's words (`dial tcp 127.0.0.1:1: connect:
//! connection refused`, `net/http: TLS handshake timeout`, …).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// client-go's `net.Dialer{Timeout: 30s, KeepAlive: 30s}`.
pub const DIAL_TIMEOUT: Duration = Duration::from_secs(30);
pub const KEEP_ALIVE: Duration = Duration::from_secs(30);
/// client-go's `TLSHandshakeTimeout`.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}
type BoxIo = Box<dyn Io>;

/// Why a connection could not be opened, in Go's words.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// `dial tcp …` failures; `refused` when the peer refused.
    #[error("{text}")]
    Dial { text: String, refused: bool },
    #[error("net/http: TLS handshake timeout")]
    HandshakeTimeout,
    #[error("{0}")]
    Tls(String),
    #[error("{0}")]
    Proxy(String),
    /// Setting up the exec plugin's client certificate failed.
    #[error("{0}")]
    Credentials(String),
}

impl ConnectError {
    /// kubectl says "The connection to the server … was refused" whenever
    /// the error's text mentions a refused connection (a proxy's included).
    pub fn is_refused(&self) -> bool {
        matches!(self, ConnectError::Dial { refused: true, .. })
            || self.to_string().contains("connection refused")
    }
}

/// A proxy requests go through.
#[derive(Debug, Clone, PartialEq)]
pub enum Proxy {
    /// `http://` or `https://`: a `CONNECT` tunnel (plain-HTTP servers get
    /// absolute-form requests instead).
    Http {
        tls: bool,
        host: String,
        port: u16,
        authorization: Option<String>,
    },
    /// `socks5://` or `socks5h://`: names are resolved by the proxy.
    Socks5 {
        host: String,
        port: u16,
        credentials: Option<(String, String)>,
    },
}

impl Proxy {
    /// Parses a proxy URL as Go's transport accepts it.
    pub fn parse(url: &str) -> Result<Proxy, String> {
        let invalid = || format!("invalid proxy address {:?}", url);
        let uri: Uri = url.parse().map_err(|_| invalid())?;
        let scheme = uri.scheme_str().unwrap_or("http").to_ascii_lowercase();
        let authority = uri.authority().ok_or_else(invalid)?;
        let (userinfo, _) = match authority.as_str().rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()), h),
            None => (None, authority.as_str()),
        };
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if host.is_empty() {
            return Err(invalid());
        }
        let credentials = userinfo.map(|u| {
            let (user, pass) = u.split_once(':').unwrap_or((&u, ""));
            (percent_decode(user), percent_decode(pass))
        });
        match scheme.as_str() {
            "http" | "https" => Ok(Proxy::Http {
                tls: scheme == "https",
                port: authority
                    .port_u16()
                    .unwrap_or(if scheme == "https" { 443 } else { 80 }),
                host,
                authorization: credentials.map(|(u, p)| {
                    format!(
                        "Basic {}",
                        crate::kubeconfig::base64::encode_std(format!("{u}:{p}").as_bytes())
                    )
                }),
            }),
            "socks5" | "socks5h" => Ok(Proxy::Socks5 {
                port: authority.port_u16().unwrap_or(1080),
                host,
                credentials,
            }),
            other => Err(format!("proxy: unknown scheme: {other}")),
        }
    }
}

/// `%XX` escapes decoded (invalid escapes kept as they are).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A connection hyper can speak HTTP over: HTTP/2 when TLS's ALPN chose
/// `h2`, HTTP/1.1 otherwise.
pub struct Conn {
    io: TokioIo<BoxIo>,
    /// Plain HTTP through an HTTP proxy: requests in absolute form.
    proxied: bool,
    h2: bool,
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        let connected = Connected::new().proxy(self.proxied);
        if self.h2 {
            connected.negotiated_h2()
        } else {
            connected
        }
    }
}

/// Called before each TLS handshake (an exec plugin's client certificate
/// must be in place by then).
pub type BeforeHandshake =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// The connector hyper's pool uses.
#[derive(Clone)]
pub struct Connector {
    /// The TLS settings for the server; its ALPN list says whether HTTP/2
    /// is offered.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// `tls-server-name`, when set.
    pub tls_server_name: String,
    pub proxy: Option<Proxy>,
    pub before_handshake: Option<BeforeHandshake>,
    pub dial_timeout: Duration,
    pub handshake_timeout: Duration,
    /// How many connections were opened (TLS handshakes with the server
    /// included): one per transport when HTTP/2 multiplexes.
    pub opened: Arc<std::sync::atomic::AtomicUsize>,
    /// Set once the server chose HTTP/2.
    pub spoke_h2: Arc<std::sync::atomic::AtomicBool>,
}

impl tower::Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.connect(dst).await })
    }
}

impl Connector {
    async fn connect(&self, dst: Uri) -> Result<Conn, ConnectError> {
        let https = dst.scheme_str() != Some("http");
        let host = dst
            .host()
            .unwrap_or("localhost")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = dst.port_u16().unwrap_or(if https { 443 } else { 80 });
        let (io, proxied) = match &self.proxy {
            None => (self.dial(&host, port).await?, false),
            Some(Proxy::Http {
                tls,
                host: phost,
                port: pport,
                authorization,
            }) => {
                let mut io = self
                    .dial(phost, *pport)
                    .await
                    .map_err(|e| ConnectError::Proxy(format!("proxyconnect tcp: {e}")))?;
                if *tls {
                    // CONNECT is spoken over HTTP/1.1: no h2 offered.
                    io = self
                        .handshake(io, phost, "", false)
                        .await
                        .map_err(|e| ConnectError::Proxy(format!("proxyconnect tcp: {e}")))?
                        .0;
                }
                if https {
                    (
                        http_connect(io, &host, port, authorization.as_deref()).await?,
                        false,
                    )
                } else {
                    (io, true)
                }
            }
            Some(Proxy::Socks5 {
                host: phost,
                port: pport,
                credentials,
            }) => {
                let io = self.dial(phost, *pport).await.map_err(|e| {
                    ConnectError::Proxy(format!(
                        "socks connect tcp {phost}:{pport}->{host}:{port}: {e}"
                    ))
                })?;
                let io = socks5_connect(io, &host, port, credentials.as_ref())
                    .await
                    .map_err(|e| {
                        ConnectError::Proxy(format!(
                            "socks connect tcp {phost}:{pport}->{host}:{port}: {e}"
                        ))
                    })?;
                (io, false)
            }
        };
        let (io, h2) = if https {
            self.handshake(io, &host, &self.tls_server_name, true)
                .await?
        } else {
            (io, false)
        };
        self.opened
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if h2 {
            self.spoke_h2
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(Conn {
            io: TokioIo::new(io),
            proxied,
            h2,
        })
    }

    async fn dial(&self, host: &str, port: u16) -> Result<BoxIo, ConnectError> {
        let dial = async {
            let addrs: Vec<std::net::SocketAddr> = match host.parse::<std::net::IpAddr>() {
                Ok(ip) => vec![(ip, port).into()],
                Err(_) => tokio::net::lookup_host((host, port))
                    .await
                    .map(|a| a.collect())
                    .map_err(|_| ConnectError::Dial {
                        text: lookup_error(host),
                        refused: false,
                    })?,
            };
            let mut last = ConnectError::Dial {
                text: lookup_error(host),
                refused: false,
            };
            for addr in addrs {
                match TcpStream::connect(addr).await {
                    Ok(stream) => {
                        let _ = stream.set_nodelay(true);
                        let keepalive = socket2::TcpKeepalive::new()
                            .with_time(KEEP_ALIVE)
                            .with_interval(KEEP_ALIVE);
                        let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive);
                        return Ok(Box::new(stream) as BoxIo);
                    }
                    Err(e) => {
                        last = ConnectError::Dial {
                            text: format!("dial tcp {}: connect: {}", go_addr(addr), io_text(&e)),
                            refused: e.kind() == io::ErrorKind::ConnectionRefused,
                        }
                    }
                }
            }
            Err(last)
        };
        match tokio::time::timeout(self.dial_timeout, dial).await {
            Ok(r) => r,
            Err(_) => Err(ConnectError::Dial {
                text: format!("dial tcp {}: i/o timeout", join_host_port(host, port)),
                refused: false,
            }),
        }
    }

    /// The TLS handshake, and whether ALPN chose HTTP/2 (never when
    /// `allow_h2` is false: `h2` is then not offered).
    async fn handshake(
        &self,
        io: BoxIo,
        host: &str,
        tls_server_name: &str,
        allow_h2: bool,
    ) -> Result<(BoxIo, bool), ConnectError> {
        let Some(config) = &self.tls else {
            return Ok((io, false));
        };
        let offers_h2 = config
            .alpn_protocols
            .iter()
            .any(|p| p == super::tls::ALPN_H2);
        let config = if offers_h2 && !allow_h2 {
            Arc::new(super::tls::without_h2(config))
        } else {
            config.clone()
        };
        if let Some(before) = &self.before_handshake {
            before().await.map_err(ConnectError::Credentials)?;
        }
        let name: ServerName<'static> =
            super::tls::server_name(host, tls_server_name).map_err(ConnectError::Tls)?;
        let connector = tokio_rustls::TlsConnector::from(config);
        match tokio::time::timeout(self.handshake_timeout, connector.connect(name, io)).await {
            Err(_) => Err(ConnectError::HandshakeTimeout),
            Ok(Ok(stream)) => {
                let h2 = stream.get_ref().1.alpn_protocol() == Some(super::tls::ALPN_H2);
                Ok((Box::new(stream), h2))
            }
            Ok(Err(e)) => Err(ConnectError::Tls(tls_io_error_text(&e))),
        }
    }
}

/// The TLS error inside an io::Error, in Go's words.
fn tls_io_error_text(e: &io::Error) -> String {
    if let Some(tls) = e.get_ref().and_then(|r| r.downcast_ref::<rustls::Error>()) {
        return super::tls::handshake_error_text(tls);
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof => "EOF".into(),
        io::ErrorKind::ConnectionReset => "read: connection reset by peer".into(),
        _ => io_text(e),
    }
}

/// An io::Error as Go's syscall errors read (`connection refused`).
pub fn io_text(e: &io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().collect::<String>() + chars.as_str(),
        None => text,
    }
}

fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn go_addr(addr: std::net::SocketAddr) -> String {
    join_host_port(&addr.ip().to_string(), addr.port())
}

/// Go's resolver failure: `dial tcp: lookup HOST on NS:53: no such host`.
fn lookup_error(host: &str) -> String {
    let server = std::fs::read_to_string("/etc/resolv.conf")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                let mut words = l.split_whitespace();
                (words.next() == Some("nameserver"))
                    .then(|| words.next().map(str::to_string))
                    .flatten()
            })
        });
    match server {
        Some(ns) => format!(
            "dial tcp: lookup {host} on {}: no such host",
            join_host_port(&ns, 53)
        ),
        None => format!("dial tcp: lookup {host}: no such host"),
    }
}

/// An HTTP `CONNECT` tunnel to `host:port`.
async fn http_connect(
    mut io: BoxIo,
    host: &str,
    port: u16,
    authorization: Option<&str>,
) -> Result<BoxIo, ConnectError> {
    let target = join_host_port(host, port);
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = authorization {
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("\r\n");
    let failed = |e: io::Error| ConnectError::Proxy(format!("proxyconnect tcp: {}", io_text(&e)));
    io.write_all(request.as_bytes()).await.map_err(failed)?;
    // Read the response head byte by byte: nothing past it may be consumed.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 {
            return Err(ConnectError::Proxy(
                "proxyconnect tcp: response too long".into(),
            ));
        }
        let mut byte = [0u8; 1];
        let n = io.read(&mut byte).await.map_err(failed)?;
        if n == 0 {
            return Err(ConnectError::Proxy("proxyconnect tcp: EOF".into()));
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let status_line = head.lines().next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let _version = parts.next();
    let code = parts.next().unwrap_or_default();
    if code == "200" {
        return Ok(io);
    }
    // Go reports the status text alone (`Forbidden`).
    let text = parts.next().unwrap_or("unknown status code").to_string();
    Err(ConnectError::Proxy(text))
}

/// A SOCKS5 `CONNECT` (RFC 1928) to `host:port`, the name resolved by the
/// proxy; username/password authentication when the URL carries them.
async fn socks5_connect(
    mut io: BoxIo,
    host: &str,
    port: u16,
    credentials: Option<&(String, String)>,
) -> Result<BoxIo, String> {
    let e = |err: io::Error| io_text(&err);
    let methods: &[u8] = if credentials.is_some() {
        &[0x00, 0x02]
    } else {
        &[0x00]
    };
    let mut hello = vec![0x05, methods.len() as u8];
    hello.extend_from_slice(methods);
    io.write_all(&hello).await.map_err(e)?;
    let mut reply = [0u8; 2];
    io.read_exact(&mut reply).await.map_err(e)?;
    if reply[0] != 0x05 {
        return Err(format!("unexpected protocol version {}", reply[0]));
    }
    match (reply[1], credentials) {
        (0x00, _) => {}
        (0x02, Some((user, pass))) => {
            let mut auth = vec![0x01, user.len() as u8];
            auth.extend_from_slice(user.as_bytes());
            auth.push(pass.len() as u8);
            auth.extend_from_slice(pass.as_bytes());
            io.write_all(&auth).await.map_err(e)?;
            let mut status = [0u8; 2];
            io.read_exact(&mut status).await.map_err(e)?;
            if status[1] != 0 {
                return Err("username/password authentication failed".into());
            }
        }
        _ => return Err("no acceptable authentication methods".into()),
    }
    let mut request = vec![0x05, 0x01, 0x00];
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            request.push(0x01);
            request.extend_from_slice(&ip.octets());
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            request.push(0x04);
            request.extend_from_slice(&ip.octets());
        }
        Err(_) => {
            if host.len() > 255 {
                return Err("FQDN too long".into());
            }
            request.push(0x03);
            request.push(host.len() as u8);
            request.extend_from_slice(host.as_bytes());
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    io.write_all(&request).await.map_err(e)?;
    let mut head = [0u8; 4];
    io.read_exact(&mut head).await.map_err(e)?;
    if head[1] != 0x00 {
        return Err(socks_reply_text(head[1]));
    }
    let skip = match head[3] {
        0x01 => 4,
        0x04 => 16,
        0x03 => {
            let mut len = [0u8; 1];
            io.read_exact(&mut len).await.map_err(e)?;
            len[0] as usize
        }
        other => return Err(format!("unknown address type {other}")),
    };
    let mut rest = vec![0u8; skip + 2];
    io.read_exact(&mut rest).await.map_err(e)?;
    Ok(io)
}

/// golang.org/x/net/internal/socks's reply texts.
fn socks_reply_text(code: u8) -> String {
    match code {
        0x01 => "general SOCKS server failure",
        0x02 => "connection not allowed by ruleset",
        0x03 => "network unreachable",
        0x04 => "host unreachable",
        0x05 => "connection refused",
        0x06 => "TTL expired",
        0x07 => "command not supported",
        0x08 => "address type not supported",
        _ => return format!("unknown code: {code}"),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls() {
        assert_eq!(
            Proxy::parse("socks5://u:p%40ss@127.0.0.1:1080").unwrap(),
            Proxy::Socks5 {
                host: "127.0.0.1".into(),
                port: 1080,
                credentials: Some(("u".into(), "p@ss".into())),
            }
        );
        assert!(matches!(
            Proxy::parse("http://proxy:3128").unwrap(),
            Proxy::Http {
                tls: false,
                port: 3128,
                ..
            }
        ));
        assert!(Proxy::parse("ftp://x:1").is_err());
        assert!(Proxy::parse("::garbage::").is_err());
    }

    #[test]
    fn io_errors_read_like_go() {
        let e = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(io_text(&e), "connection refused");
    }
}
