//! kuddle's HTTP transport: hyper over [`connect::Connector`], with the
//! kubeconfig's identity on every request, wrapped in a `kube::Client` so
//! callers keep kube-rs's body type. Everything client-go's transport
//! decides (timeouts, TLS rules, proxies, credentials) is decided here, in
//! kuddle's code, so that it can follow client-go exactly.
//!
//! Like client-go, API requests over TLS offer HTTP/2 (ALPN `h2`, then
//! `http/1.1`) and multiplex over one connection when the server agrees;
//! `DISABLE_HTTP2` turns that off. Upgrades (exec, attach, port-forward)
//! always go over their own HTTP/1.1 connections, as client-go's separate
//! upgrade transports do: SPDY and WebSocket upgrades do not exist in
//! HTTP/2.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde_json::{json, Value};

use super::auth::{Auth, AuthError};
use super::connect::{ConnectError, Connector, Proxy};
use super::tls::ClientCertSlot;
use crate::kubeconfig::ResolvedConfig;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// When the whole request (body included) must be done: `--request-timeout`.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub tokio::time::Instant);

/// The request's path is absolute on the server (a redirect's target), not
/// under the server URL's own path.
#[derive(Debug, Clone, Copy)]
pub struct FromRoot;

/// What was set up, for callers that need more than the client.
pub struct Transport {
    pub client: kube::Client,
    /// The server URL without a trailing slash.
    pub server: String,
    pub auth: Arc<Auth>,
    /// How many connections were opened so far.
    pub opened: Arc<AtomicUsize>,
}

/// client-go's HTTP/2 settings, read from the environment as its
/// `SetTransportDefaults` reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Http2Settings {
    /// Unless `DISABLE_HTTP2` is set (to anything).
    pub enabled: bool,
    /// `HTTP2_READ_IDLE_TIMEOUT_SECONDS` (30): after that long without a
    /// frame from the server, ping it (Go's `ReadIdleTimeout`); none when
    /// 0 or less.
    pub read_idle: Option<Duration>,
    /// `HTTP2_PING_TIMEOUT_SECONDS` (15): an unanswered ping closes the
    /// connection after that long (Go's `PingTimeout`).
    pub ping_timeout: Duration,
}

impl Http2Settings {
    /// The settings client-go uses for `r`. Only a transport of its own
    /// (TLS options, a proxy URL or an exec plugin ask for one) reads the
    /// environment; otherwise Go's default transport speaks HTTP/2 without
    /// health checks, whatever `DISABLE_HTTP2` says, and nothing is logged.
    pub fn for_config(
        r: &ResolvedConfig,
        env: &dyn Fn(&str) -> Option<String>,
        log: &mut dyn Write,
    ) -> Http2Settings {
        let has_ca = !r.ca_data.is_empty() || !r.ca_file.is_empty();
        let has_cert = (!r.client_certificate_data.is_empty()
            || !r.client_certificate_file.is_empty())
            && (!r.client_key_data.is_empty() || !r.client_key_file.is_empty());
        let own_transport = has_ca
            || has_cert
            || r.insecure
            || !r.tls_server_name.is_empty()
            || !r.proxy_url.is_empty()
            || r.exec.is_some();
        if own_transport {
            Http2Settings::from_env(env, log)
        } else {
            Http2Settings {
                enabled: true,
                read_idle: None,
                ping_timeout: Duration::from_secs(15),
            }
        }
    }

    /// The settings `env` gives, with client-go's log lines for them on
    /// `log` (it prints them whatever `-v` says).
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>, log: &mut dyn Write) -> Http2Settings {
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        if set("DISABLE_HTTP2").is_some() {
            let _ =
                crate::context::klog_info(log, "http.go:136", "HTTP2 has been explicitly disabled");
            return Http2Settings {
                enabled: false,
                read_idle: None,
                ping_timeout: Duration::from_secs(15),
            };
        }
        let mut seconds = |name: &str, line: u32, default: i64| match set(name) {
            None => default,
            Some(text) => match crate::flags::go_values::go_atoi(&text) {
                Ok(n) => n,
                Err(e) => {
                    crate::context::klog_warning(
                        log,
                        &format!("http.go:{line}"),
                        &format!(
                            "Illegal {name}({}): {e}. Default value {default} is used",
                            crate::flags::go_values::go_quote(&text)
                        ),
                    );
                    default
                }
            },
        };
        let read_idle = seconds("HTTP2_READ_IDLE_TIMEOUT_SECONDS", 154, 30);
        let ping = seconds("HTTP2_PING_TIMEOUT_SECONDS", 169, 15);
        Http2Settings {
            enabled: true,
            read_idle: (read_idle > 0).then(|| Duration::from_secs(read_idle as u64)),
            // Go's HTTP/2 transport reads a zero ping timeout as 15 s.
            ping_timeout: Duration::from_secs(match ping {
                0 => 15,
                n => n.max(0) as u64,
            }),
        }
    }
}

/// Builds the transport for resolved settings. Errors are client-go's
/// set-up errors (`specifying a root certificates file with the insecure
/// flag is not allowed`, `exec plugin: invalid apiVersion "…"`).
pub fn build(r: &ResolvedConfig, http2: &Http2Settings) -> anyhow::Result<Transport> {
    let server = r.server_url().trim_end_matches('/').to_string();
    let base: Uri = server
        .parse()
        .map_err(|e| anyhow::anyhow!("parse {:?}: {e}", server))?;
    let https = base.scheme_str() != Some("http");
    let cert_slot = Arc::new(ClientCertSlot::default());
    let tls = if https {
        let config = super::tls::client_config(r, cert_slot.clone()).map_err(anyhow::Error::new)?;
        Some(Arc::new(config))
    } else {
        None
    };
    if https && (!r.client_certificate_data.is_empty() || !r.client_certificate_file.is_empty()) {
        let read = |data: &[u8], file: &str| -> anyhow::Result<Vec<u8>> {
            if !data.is_empty() {
                return Ok(data.to_vec());
            }
            std::fs::read(file).map_err(|e| {
                anyhow::anyhow!(crate::kubeconfig::gopath::path_error("open", file, &e))
            })
        };
        let cert = read(&r.client_certificate_data, &r.client_certificate_file)?;
        let key = read(&r.client_key_data, &r.client_key_file)?;
        let key = super::tls::certified_key(&cert, &key).map_err(anyhow::Error::msg)?;
        cert_slot.set(Some(key));
    }
    let proxy = match super::bootstrap::proxy_for(&server, &r.proxy_url, &|k| std::env::var(k).ok())
    {
        Some(url) => Some(Proxy::parse(&url).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let auth = Arc::new(Auth::new(r, cluster_info(r, &server)).map_err(anyhow::Error::msg)?);
    // An exec plugin's client certificate is fetched before each handshake.
    let before_handshake: Option<super::connect::BeforeHandshake> = auth.exec().map(|exec| {
        let exec = exec.clone();
        let slot = cert_slot.clone();
        let hook: super::connect::BeforeHandshake = Arc::new(move || {
            let exec = exec.clone();
            let slot = slot.clone();
            Box::pin(async move {
                let credential = exec.credential().await?;
                if credential.client_certificate_data.is_empty() {
                    return Ok(());
                }
                let key = super::tls::certified_key(
                    credential.client_certificate_data.as_bytes(),
                    credential.client_key_data.as_bytes(),
                )
                .map_err(|e| {
                    format!("getting credentials: failed parsing client key/certificate: {e}")
                })?;
                slot.set(Some(key));
                Ok(())
            })
        });
        hook
    });
    let connector = Connector {
        tls,
        tls_server_name: r.tls_server_name.clone(),
        proxy,
        before_handshake,
        dial_timeout: super::connect::DIAL_TIMEOUT,
        handshake_timeout: super::connect::TLS_HANDSHAKE_TIMEOUT,
        opened: Arc::default(),
        spoke_h2: Arc::default(),
    };
    let opened = connector.opened.clone();
    // Plain http:// stays HTTP/1.1: client-go does not speak h2c.
    let lanes = if http2.enabled && connector.tls.is_some() {
        let upgrade = hyper_client(connector.clone(), None, false);
        let mut connector = connector;
        connector.tls = connector
            .tls
            .map(|config| Arc::new(super::tls::with_h2(&config)));
        Lanes::new(
            connector,
            Some(http2.clone()),
            STREAMS_PER_CONNECTION,
            upgrade,
        )
    } else {
        let upgrade = hyper_client(connector.clone(), None, false);
        Lanes::new(connector, None, usize::MAX, upgrade)
    };
    let service = ApiService {
        lanes: Arc::new(lanes),
        base: Arc::new(base),
        auth: auth.clone(),
    };
    let client = kube::Client::new(service, r.namespace.clone());
    Ok(Transport {
        client,
        server,
        auth,
        opened,
    })
}

type HyperClient = Client<Connector, kube::client::Body>;

/// A hyper client with its own connection pool: HTTP/1.1 connections
/// idle for 90 s are closed (Go's `IdleConnTimeout`); with `http2`,
/// HTTP/2 where ALPN chose it, with client-go's health-check pings.
/// `h2_known`: the server is known to choose HTTP/2, so that requests sent
/// at once wait for one connection instead of each opening its own.
fn hyper_client(
    connector: Connector,
    http2: Option<&Http2Settings>,
    h2_known: bool,
) -> HyperClient {
    let mut builder = Client::builder(TokioExecutor::new());
    builder.pool_idle_timeout(Duration::from_secs(90));
    if let Some(h2) = http2 {
        // Go's HTTP/2 transport: 4 MiB per stream, 1 GiB per connection,
        // frames of up to 1 MiB (hyper's 2 MiB, 5 MiB and 16 KiB make a
        // large list cross many more frames and window updates).
        builder
            .timer(TokioTimer::new())
            .http2_only(h2_known)
            .http2_initial_stream_window_size(4 << 20)
            .http2_initial_connection_window_size(1 << 30)
            .http2_max_frame_size(1 << 20);
        if let Some(idle) = h2.read_idle {
            builder
                .http2_keep_alive_interval(idle)
                .http2_keep_alive_timeout(h2.ping_timeout)
                .http2_keep_alive_while_idle(true);
        }
    }
    builder.build(connector)
}

/// How many requests kuddle keeps open at once on one HTTP/2 connection.
/// kube-apiserver allows 250 concurrent streams per connection by default
/// (`--http2-max-streams-per-connection` 0 means 250), aggregated servers
/// 1,000; hyper would queue requests beyond the server's limit until a
/// stream ends, and when every open stream is a long watch, that is never.
/// Go's transport opens another connection instead
/// (`StrictMaxConcurrentStreams` false): so does kuddle, from the 101st
/// request on, which stays under any limit a server is likely to set.
const STREAMS_PER_CONNECTION: usize = 100;

/// Connections, each with its own pool, filled in turn: a request goes to
/// the first one with fewer than `limit` requests open, else to a new one.
struct Lanes {
    connector: Connector,
    http2: Option<Http2Settings>,
    limit: usize,
    lanes: Mutex<Vec<Lane>>,
    /// HTTP/1.1 only, for upgrades.
    upgrade: HyperClient,
}

#[derive(Clone)]
struct Lane {
    client: HyperClient,
    open: Arc<AtomicUsize>,
    /// Requests sent on the lane's connection so far: over HTTP/2 the next
    /// one is stream `2 * sent + 1`, which Go names in stream errors.
    sent: Arc<AtomicU32>,
}

/// One open request on a lane, until its response body is dropped.
struct OpenRequest(Arc<AtomicUsize>);

impl Drop for OpenRequest {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Lanes {
    fn new(
        connector: Connector,
        http2: Option<Http2Settings>,
        limit: usize,
        upgrade: HyperClient,
    ) -> Lanes {
        // Without HTTP/2, upgrades and requests share one pool, as they
        // share client-go's one HTTP/1.1 transport.
        let first = match http2 {
            None => vec![Lane {
                client: upgrade.clone(),
                open: Arc::default(),
                sent: Arc::default(),
            }],
            Some(_) => Vec::new(),
        };
        Lanes {
            connector,
            http2,
            limit,
            lanes: Mutex::new(first),
            upgrade,
        }
    }

    /// A lane for one request: its client, the request counted as open on
    /// it, and the request's HTTP/2 stream ID were the lane to speak it.
    fn pick(&self) -> (HyperClient, OpenRequest, u32) {
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        let lane = match lanes
            .iter()
            .find(|l| l.open.load(Ordering::Relaxed) < self.limit)
        {
            Some(lane) => lane.clone(),
            None => {
                let h2_known = self.connector.spoke_h2.load(Ordering::Relaxed);
                let lane = Lane {
                    client: hyper_client(self.connector.clone(), self.http2.as_ref(), h2_known),
                    open: Arc::default(),
                    sent: Arc::default(),
                };
                lanes.push(lane.clone());
                lane
            }
        };
        lane.open.fetch_add(1, Ordering::Relaxed);
        let stream = 2 * lane.sent.fetch_add(1, Ordering::Relaxed) + 1;
        (lane.client, OpenRequest(lane.open), stream)
    }
}

/// `spec.cluster` for exec plugins that ask for it (client-go's
/// `clientauthentication.Cluster`).
fn cluster_info(r: &ResolvedConfig, server: &str) -> Value {
    let mut c = serde_json::Map::new();
    c.insert("server".into(), json!(server));
    if !r.tls_server_name.is_empty() {
        c.insert("tls-server-name".into(), json!(r.tls_server_name));
    }
    if r.insecure {
        c.insert("insecure-skip-tls-verify".into(), json!(true));
    }
    let ca = if r.ca_data.is_empty() && !r.ca_file.is_empty() {
        std::fs::read(&r.ca_file).unwrap_or_default()
    } else {
        r.ca_data.clone()
    };
    if !ca.is_empty() {
        c.insert(
            "certificate-authority-data".into(),
            json!(crate::kubeconfig::base64::encode_std(&ca)),
        );
    }
    if !r.proxy_url.is_empty() {
        c.insert("proxy-url".into(), json!(r.proxy_url));
    }
    if r.disable_compression {
        c.insert("disable-compression".into(), json!(true));
    }
    if let Some(config) = &r.exec_cluster_config {
        c.insert("config".into(), config.clone());
    }
    Value::Object(c)
}

#[derive(Clone)]
struct ApiService {
    lanes: Arc<Lanes>,
    base: Arc<Uri>,
    auth: Arc<Auth>,
}

impl tower::Service<Request<kube::client::Body>> for ApiService {
    type Response = Response<TimedBody>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request<kube::client::Body>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let path = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let prefix = if request.extensions().get::<FromRoot>().is_some() {
                ""
            } else {
                this.base.path().trim_end_matches('/')
            };
            let mut parts = http::uri::Parts::default();
            parts.scheme = this.base.scheme().cloned();
            parts.authority = this.base.authority().cloned();
            parts.path_and_query = Some(format!("{prefix}{path}").parse()?);
            *request.uri_mut() = Uri::from_parts(parts)?;
            if !matches!(this.base.scheme_str(), Some("http" | "https")) {
                return Err(Box::new(ConnectError::Dial {
                    text: format!(
                        "unsupported protocol scheme {}",
                        crate::flags::go_values::go_quote(this.base.scheme_str().unwrap_or(""))
                    ),
                    refused: false,
                }) as BoxError);
            }
            let used = this.auth.apply(request.headers_mut()).await?;
            let deadline = request.extensions().get::<Deadline>().copied();
            let (response, open, stream) = if request.headers().contains_key(http::header::UPGRADE)
            {
                (this.lanes.upgrade.request(request).await?, None, 0)
            } else {
                let (client, open, stream) = this.lanes.pick();
                let response = client
                    .request(request)
                    .await
                    .map_err(|e| StreamReset::wrap(Box::new(e), stream))?;
                (response, Some(open), stream)
            };
            if response.status() == http::StatusCode::UNAUTHORIZED {
                this.auth.unauthorized(&used).await;
            }
            Ok(response.map(|body| TimedBody::new(body, deadline, open, stream)))
        })
    }
}

/// A response body that fails once the request's deadline has passed:
/// `--request-timeout` bounds reading the body too.
pub struct TimedBody {
    inner: hyper::body::Incoming,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    expired: bool,
    /// Counts the request as open on its connection while the body lives.
    _open: Option<OpenRequest>,
    /// The request's HTTP/2 stream ID (see [`Lane::sent`]).
    stream: u32,
}

impl TimedBody {
    fn new(
        inner: hyper::body::Incoming,
        deadline: Option<Deadline>,
        open: Option<OpenRequest>,
        stream: u32,
    ) -> TimedBody {
        TimedBody {
            inner,
            deadline: deadline.map(|d| Box::pin(tokio::time::sleep_until(d.0))),
            expired: false,
            _open: open,
            stream,
        }
    }
}

/// The server reset the request's HTTP/2 stream (RST_STREAM): Go's
/// `http2.StreamError`, which names the stream.
#[derive(Debug, thiserror::Error)]
#[error("stream error: stream ID {stream}; {code:?}; received from peer")]
pub struct StreamReset {
    stream: u32,
    code: h2::Reason,
}

impl StreamReset {
    /// `err` as a [`StreamReset`] of `stream` when that is what it is.
    fn wrap(err: BoxError, stream: u32) -> BoxError {
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err.as_ref());
        while let Some(e) = current {
            if let Some(h) = e.downcast_ref::<h2::Error>() {
                if h.is_remote() && h.is_reset() {
                    let code = h.reason().unwrap_or(h2::Reason::NO_ERROR);
                    return Box::new(StreamReset { stream, code });
                }
                break;
            }
            current = e.source();
        }
        err
    }
}

/// The body could not be read before the deadline.
#[derive(Debug, thiserror::Error)]
#[error("context deadline exceeded (Client.Timeout or context cancellation while reading body)")]
pub struct BodyTimeout;

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if let Some(deadline) = self.deadline.as_mut() {
            if deadline.as_mut().poll(cx).is_ready() {
                self.expired = true;
                return Poll::Ready(Some(Err(Box::new(BodyTimeout))));
            }
        }
        let stream = self.stream;
        Pin::new(&mut self.inner)
            .poll_frame(cx)
            .map_err(|e| StreamReset::wrap(Box::new(e), stream))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `err` is, or was caused by, a reset HTTP/2 stream.
pub fn is_stream_reset(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<StreamReset>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The words for a failed request, as Go's client reports the cause, and
/// whether the server refused the connection.
pub fn failure_text(err: &(dyn std::error::Error + 'static)) -> (String, bool) {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut last = err.to_string();
    while let Some(e) = current {
        if let Some(c) = e.downcast_ref::<ConnectError>() {
            return (c.to_string(), c.is_refused());
        }
        if let Some(a) = e.downcast_ref::<AuthError>() {
            return (a.to_string(), false);
        }
        if let Some(t) = e.downcast_ref::<BodyTimeout>() {
            return (t.to_string(), false);
        }
        if let Some(r) = e.downcast_ref::<StreamReset>() {
            return (r.to_string(), false);
        }
        if let Some(h) = e.downcast_ref::<h2::Error>() {
            // The connection ended under an open stream: Go's transport
            // turns the connection's EOF into io.ErrUnexpectedEOF.
            if h.get_io().map(|io| io.kind()) == Some(std::io::ErrorKind::BrokenPipe) {
                return ("unexpected EOF".into(), false);
            }
            if h.is_remote() {
                // Go names the last stream too, which h2 does not tell.
                let code = h.reason().unwrap_or(h2::Reason::NO_ERROR);
                return match h.is_go_away() {
                    true => (
                        format!(
                            "http2: server sent GOAWAY and closed the connection; ErrCode={code:?}"
                        ),
                        false,
                    ),
                    false => (format!("stream error: {code:?}; received from peer"), false),
                };
            }
        }
        // hyper's HTTP/2 health check went unanswered.
        if e.to_string() == "keep-alive timed out" {
            return ("http2: client connection lost".into(), false);
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            if h.is_incomplete_message() {
                return ("EOF".into(), false);
            }
            if h.is_parse() || h.is_parse_status() {
                return (
                    "net/http: HTTP/1.x transport connection broken: malformed HTTP response"
                        .into(),
                    false,
                );
            }
            if h.is_body_write_aborted() || h.is_closed() || h.is_canceled() {
                return ("unexpected EOF".into(), false);
            }
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionReset => {
                    ("read: connection reset by peer".into(), false)
                }
                std::io::ErrorKind::UnexpectedEof => ("unexpected EOF".into(), false),
                std::io::ErrorKind::ConnectionRefused => (super::connect::io_text(io), true),
                _ => (super::connect::io_text(io), false),
            };
        }
        last = e.to_string();
        current = e.source();
    }
    (last, false)
}
