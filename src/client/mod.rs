//! The only place kuddle speaks HTTP: requests to the API server over a
//! kube-rs connection (TLS, client certificates, tokens and exec plugins
//! come from kube-rs), server warnings printed as kubectl prints them, and
//! failures turned into [`ApiError`].

pub mod auth;
pub mod bootstrap;
pub mod connect;
pub mod decode;
pub mod download;
pub mod error;
pub mod exec;
pub mod list_decode;
pub mod protobuf;
pub mod stream;
pub mod tls;
pub mod transport;

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{header, Method, Request, Response};
use http_body_util::BodyExt;
use serde_json::Value;

pub use error::{ApiError, Status};
pub use tls::hostname_error;

use crate::context::SharedWriter;

/// Accept header for server-side printing (kubectl's order).
pub const ACCEPT_TABLE: &str =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
pub const ACCEPT_JSON: &str = "application/json";
/// Protobuf where the server has it (built-in kinds), as kubectl's typed
/// clients ask; JSON otherwise.
pub const ACCEPT_PROTOBUF: &str = "application/vnd.kubernetes.protobuf, application/json";

/// A response read whole, whatever its status.
pub struct RawResponse {
    pub status: http::StatusCode,
    pub content_type: String,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

#[derive(Clone)]
pub struct ApiClient {
    inner: kube::Client,
    /// `host:port` of the server, as kubectl names it in connection errors.
    host: String,
    /// The server URL without a trailing slash, for request logs.
    base_url: String,
    warnings: Arc<Mutex<Warnings>>,
    timeout: Option<Duration>,
    verbosity: i32,
    user_agent: String,
    /// How often a request is tried again after a Retry-After answer.
    max_retries: usize,
    /// Whether namespaces and names in API paths are checked before
    /// sending (client-go's request builder); not for `--raw` paths.
    check_paths: bool,
    /// Where server warnings wait while this client's requests run
    /// alongside others' (see [`ApiClient::holding_warnings`]).
    held: Option<Held>,
}

/// Output of one piece of work that runs alongside others, kept until its
/// turn: server warnings (deduplicated only when released, so the first of
/// equal warnings is printed where a sequential run would print it) and
/// what the work wrote itself, in the order they came.
#[derive(Clone, Default)]
pub struct Held(Arc<Mutex<Vec<HeldLine>>>);

enum HeldLine {
    Warning(String),
    Text(Vec<u8>),
}

impl Write for Held {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut lines) = self.0.lock() {
            match lines.last_mut() {
                Some(HeldLine::Text(text)) => text.extend_from_slice(buf),
                _ => lines.push(HeldLine::Text(buf.to_vec())),
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// client-go retries a request answered with 429 or 5xx and a Retry-After
/// header up to ten times.
pub const MAX_RETRIES: usize = 10;

/// client-go's discovery requests give up after 32 s when no
/// `--request-timeout` was given.
pub const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(32);

/// Go's words for a request whose answer did not start in time. (Go races
/// two equal timers here and sometimes says `context deadline exceeded`.)
const HEADERS_TIMEOUT: &str =
    "net/http: request canceled (Client.Timeout exceeded while awaiting headers)";

struct Warnings {
    seen: HashSet<String>,
    count: usize,
    out: SharedWriter,
    color: bool,
}

impl ApiClient {
    pub fn new(
        config: kube::Config,
        stderr: SharedWriter,
        timeout: Option<Duration>,
        verbosity: i32,
    ) -> Result<ApiClient, ApiError> {
        let host = host_port(&config.cluster_url);
        let base_url = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string();
        let inner = kube::Client::try_from(config).map_err(|e| ApiError::Connection {
            host: host.clone(),
            refused: false,
            detail: error_chain_text(&e),
        })?;
        Ok(ApiClient::with_inner(
            inner, host, base_url, stderr, timeout, verbosity,
        ))
    }

    /// Overrides kubectl's rule for colouring the `Warning:` prefix
    /// (`--color=always|never`).
    pub fn colour_warnings(&self, on: bool) {
        if let Ok(mut state) = self.warnings.lock() {
            state.color = on;
        }
    }

    /// A client for resolved settings over kuddle's own transport (client-go's
    /// timeouts, TLS rules, proxies and credential handling).
    pub fn connect(
        resolved: &crate::kubeconfig::ResolvedConfig,
        stderr: SharedWriter,
        verbosity: i32,
    ) -> anyhow::Result<ApiClient> {
        // client-go logs its HTTP/2 settings once the TLS settings were
        // accepted: not before a set-up error.
        let mut log = Vec::new();
        let http2 =
            transport::Http2Settings::for_config(resolved, &|k| std::env::var(k).ok(), &mut log);
        let transport = transport::build(resolved, &http2)?;
        let _ = stderr.clone().write_all(&log);
        let uri: http::Uri = transport
            .server
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(ApiClient::with_inner(
            transport.client,
            host_port(&uri),
            transport.server,
            stderr,
            resolved.timeout,
            verbosity,
        ))
    }

    fn with_inner(
        inner: kube::Client,
        host: String,
        base_url: String,
        stderr: SharedWriter,
        timeout: Option<Duration>,
        verbosity: i32,
    ) -> ApiClient {
        let color = crate::context::warnings_in_color();
        ApiClient {
            inner,
            host,
            base_url,
            warnings: Arc::new(Mutex::new(Warnings {
                seen: HashSet::new(),
                count: 0,
                out: stderr,
                color,
            })),
            timeout,
            verbosity,
            user_agent: format!(
                "kuddle/{} ({}/{})",
                env!("CARGO_PKG_VERSION"),
                std::env::consts::OS,
                go_arch()
            ),
            max_retries: MAX_RETRIES,
            check_paths: true,
            held: None,
        }
    }

    /// This client with a timeout for requests when none was given (the
    /// discovery client's 32 s, or completion's bound).
    pub fn with_default_timeout(&self, timeout: Duration) -> ApiClient {
        let mut c = self.clone();
        c.timeout = Some(self.timeout.unwrap_or(timeout));
        c
    }

    /// This client for paths sent as given (`get --raw`): no client-side
    /// checks of namespaces and names.
    pub fn raw(&self) -> ApiClient {
        let mut c = self.clone();
        c.check_paths = false;
        c
    }

    /// This client with the server's warnings kept in `held` instead of
    /// printed, until [`ApiClient::release`] prints them.
    pub fn holding_warnings(&self, held: &Held) -> ApiClient {
        let mut c = self.clone();
        c.held = Some(held.clone());
        c
    }

    /// Prints what `held` kept: warnings as they would have been printed
    /// when they came (new ones only), the rest to `err`.
    pub fn release(&self, held: &Held, err: &mut dyn Write) {
        let lines = match held.0.lock() {
            Ok(mut lines) => std::mem::take(&mut *lines),
            Err(_) => return,
        };
        for line in lines {
            match line {
                HeldLine::Warning(w) => self.print_warning_texts(std::iter::once(w)),
                HeldLine::Text(text) => {
                    let _ = err.write_all(&text);
                }
            }
        }
    }

    /// How many distinct warnings the server sent so far.
    pub fn warning_count(&self) -> usize {
        self.warnings.lock().map(|w| w.count).unwrap_or(0)
    }

    /// Sends a request and returns the response with its body still
    /// streaming (for watches and large lists). Failure codes are errors.
    ///
    /// As client-go: `--request-timeout` bounds the whole request, retries
    /// and body included, and is passed on as the `timeout` parameter; a
    /// 429 or 5xx answer with a `Retry-After` header is tried again after
    /// the pause it asks for, up to ten times; a GET whose connection broke
    /// is tried again after a second.
    pub async fn send_streaming(
        &self,
        method: Method,
        path: &str,
        accept: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Response<kube::client::Body>, ApiError> {
        self.send_with_retries(method, path, accept, content_type, body, false)
            .await
    }

    /// Sends a request as it is (`proxy`): the kubeconfig's credentials
    /// are added and the answer comes back whatever its status, its body
    /// still streaming. The path is put under the server URL's own path
    /// only when `under_server_path` says so (`--append-server-path`).
    pub async fn forward(
        &self,
        mut request: Request<kube::client::Body>,
        under_server_path: bool,
    ) -> Result<Response<kube::client::Body>, ApiError> {
        if !under_server_path {
            request.extensions_mut().insert(transport::FromRoot);
        }
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().to_string();
        let response = self
            .inner
            .send(request)
            .await
            .map_err(|e| self.connection_error(&e))?;
        self.log_response(&method, &path, response.status(), started);
        Ok(response)
    }

    /// A GET whose answer is read whole whatever its status (client-go's
    /// `DoRaw`, whose callers make their own error from a failure): only a
    /// failure to reach the server, or to read the answer, is an error.
    pub async fn get_raw(&self, path: &str, accept: &str) -> Result<RawResponse, ApiError> {
        let response = self
            .send_with_retries(Method::GET, path, accept, None, Vec::new(), true)
            .await?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let headers = response.headers().clone();
        let body = self.read_body(response.into_body()).await?;
        Ok(RawResponse {
            status,
            content_type,
            headers,
            body,
        })
    }

    /// [`ApiClient::send_streaming`]; with `keep_failures`, a failure
    /// status is an answer like any other.
    async fn send_with_retries(
        &self,
        method: Method,
        path: &str,
        accept: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        keep_failures: bool,
    ) -> Result<Response<kube::client::Body>, ApiError> {
        if self.check_paths {
            check_path(path).map_err(ApiError::Request)?;
        }
        let deadline = self
            .timeout
            .filter(|t| !t.is_zero())
            .map(|t| tokio::time::Instant::now() + t);
        let path = match self.timeout.filter(|t| !t.is_zero()) {
            Some(t) => with_query(path, "timeout", &go_duration_string(t)),
            None => path.to_string(),
        };
        let mut path = path;
        let mut method = method;
        let mut body = body;
        // After a redirect to an absolute path, the server URL's own path
        // no longer applies.
        let mut from_root = false;
        let mut redirects = 0;
        let mut attempt = 0;
        let mut previous_error: Option<String> = None;
        loop {
            let started = Instant::now();
            let mut builder = Request::builder()
                .method(method.clone())
                .uri(path.as_str())
                .header(header::ACCEPT, accept)
                .header(header::USER_AGENT, &self.user_agent);
            if let Some(ct) = content_type {
                builder = builder.header(header::CONTENT_TYPE, ct);
            }
            let mut request = builder
                .body(kube::client::Body::from(body.clone()))
                .map_err(|e| ApiError::Unexpected(e.to_string()))?;
            if let Some(d) = deadline {
                request.extensions_mut().insert(transport::Deadline(d));
            }
            if from_root {
                request.extensions_mut().insert(transport::FromRoot);
            }
            let send = self.inner.send(request);
            let result = match deadline {
                Some(d) => match tokio::time::timeout_at(d, send).await {
                    Ok(r) => r,
                    Err(_) => {
                        return Err(self.with_previous(
                            ApiError::Connection {
                                host: self.host.clone(),
                                refused: false,
                                detail: HEADERS_TIMEOUT.into(),
                            },
                            previous_error.as_deref(),
                        ))
                    }
                },
                None => send.await,
            };
            let wait = match result {
                Err(e) => {
                    let error = self.connection_error(&e);
                    // Broken connections: GETs are tried again after a second.
                    let retryable = method == Method::GET
                        && matches!(&error, ApiError::Connection { detail, .. }
                            if detail == "EOF" || detail.contains("connection reset by peer")
                                || detail == "unexpected EOF"
                                || detail.contains("http2: server sent GOAWAY"));
                    if !retryable || attempt >= self.max_retries {
                        return Err(self.with_previous(error, previous_error.as_deref()));
                    }
                    previous_error = Some(error.to_string());
                    Duration::from_secs(1)
                }
                Ok(response) => {
                    self.log_response(&method, &path, response.status(), started);
                    self.print_warnings(response.headers());
                    let status = response.status();
                    // Go's client follows redirects on the same server.
                    if let Some(target) = self.redirect_target(&response) {
                        redirects += 1;
                        if redirects > 10 {
                            return Err(ApiError::Connection {
                                host: self.host.clone(),
                                refused: false,
                                detail: "stopped after 10 redirects".into(),
                            });
                        }
                        if !matches!(status.as_u16(), 307 | 308)
                            && method != Method::GET
                            && method != Method::HEAD
                        {
                            method = Method::GET;
                            body = Vec::new();
                        }
                        path = target;
                        from_root = true;
                        continue;
                    }
                    let retry_after = retry_after(&response);
                    match retry_after {
                        Some(seconds) if attempt < self.max_retries => {
                            // Drain a little of the body, as client-go does.
                            drop(response);
                            Duration::from_secs(seconds)
                        }
                        _ => {
                            if !keep_failures
                                && (status.is_client_error() || status.is_server_error())
                            {
                                // A failure whose body breaks off is not the
                                // failure it claims (a cut-off 404 is no
                                // NotFound): nothing may act on it.
                                let content_type = response
                                    .headers()
                                    .get(header::CONTENT_TYPE)
                                    .and_then(|v| v.to_str().ok())
                                    .unwrap_or_default()
                                    .to_string();
                                let body = self.read_body(response.into_body()).await?;
                                return Err(status_error(
                                    status,
                                    &method,
                                    &content_type,
                                    &path,
                                    &body,
                                ));
                            }
                            return Ok(response);
                        }
                    }
                }
            };
            attempt += 1;
            match deadline {
                Some(d) if tokio::time::Instant::now() + wait > d => {
                    tokio::time::sleep_until(d).await;
                    return Err(self.with_previous(
                        ApiError::Connection {
                            host: self.host.clone(),
                            refused: false,
                            detail: "context deadline exceeded".into(),
                        },
                        previous_error.as_deref(),
                    ));
                }
                _ => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Where a redirect points, as a path on this server (other servers are
    /// not followed).
    fn redirect_target<B>(&self, response: &Response<B>) -> Option<String> {
        if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
            return None;
        }
        let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
        if location.starts_with('/') && !location.starts_with("//") {
            return Some(location.to_string());
        }
        let target: http::Uri = location.parse().ok()?;
        let base: http::Uri = self.base_url.parse().ok()?;
        (target.scheme() == base.scheme() && target.authority() == base.authority())
            .then(|| target.path_and_query().map(|p| p.to_string()))
            .flatten()
    }

    /// client-go's `… - error from a previous attempt: …`.
    fn with_previous(&self, error: ApiError, previous: Option<&str>) -> ApiError {
        match (error, previous) {
            (
                ApiError::Connection {
                    host,
                    refused,
                    detail,
                },
                Some(p),
            ) if p != detail => ApiError::Connection {
                host,
                refused,
                detail: format!("{detail} - error from a previous attempt: {p}"),
            },
            (error, _) => error,
        }
    }

    /// Sends a request and reads the whole body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        accept: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Bytes, ApiError> {
        let response = self
            .send_streaming(method, path, accept, content_type, body)
            .await?;
        self.read_body(response.into_body()).await
    }

    /// The whole body, or client-go's error for a body that broke off
    /// (logged as client-go logs it).
    async fn read_body(&self, body: kube::client::Body) -> Result<Bytes, ApiError> {
        collect(body)
            .await
            .map_err(|e| self.body_read_error(e.as_ref()))
    }

    /// client-go's error for a body that broke off, logged as it logs it
    /// (a reset HTTP/2 stream has words of its own, logged only at -v=2).
    fn body_read_error(&self, e: &(dyn std::error::Error + 'static)) -> ApiError {
        let (cause, _) = transport::failure_text(e);
        if transport::is_stream_reset(e) {
            return ApiError::BodyStream(cause);
        }
        self.log_error(
            "request.go:1198",
            "Unexpected error when reading response body",
            &cause,
        );
        ApiError::BodyRead(cause)
    }

    /// [`ApiClient::send`] for a large answer: its body is read piece by
    /// piece, with the same errors as reading it whole.
    pub async fn send_for_body(
        &self,
        method: Method,
        path: &str,
        accept: &str,
    ) -> Result<BodyReader, ApiError> {
        let response = self
            .send_streaming(method, path, accept, None, Vec::new())
            .await?;
        Ok(BodyReader {
            body: response.into_body(),
            client: self.clone(),
        })
    }

    /// A GET whose body is read piece by piece as the server sends it (logs,
    /// watches). `--request-timeout` bounds the whole request, body included,
    /// as it bounds client-go's.
    pub async fn get_stream(&self, path: &str, accept: &str) -> Result<BodyStream, ApiError> {
        let deadline = self.timeout.map(|t| tokio::time::Instant::now() + t);
        let response = self
            .send_streaming(Method::GET, path, accept, None, Vec::new())
            .await?;
        Ok(BodyStream {
            body: response.into_body(),
            deadline,
            client: self.clone(),
        })
    }

    pub async fn get_json(&self, path: &str) -> Result<Value, ApiError> {
        let body = self
            .send(Method::GET, path, ACCEPT_JSON, None, Vec::new())
            .await?;
        parse_json(&body)
    }

    /// A request with a JSON (or patch) body, answered with JSON.
    pub async fn json_request(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Unexpected(e.to_string()))?;
        let body = self
            .send(method, path, ACCEPT_JSON, Some(content_type), bytes)
            .await?;
        parse_json(&body)
    }

    /// The URL a request for `path` goes to, as client-go logs it (with the
    /// `timeout` parameter).
    pub fn request_url(&self, path: &str) -> String {
        match self.timeout.filter(|t| !t.is_zero()) {
            Some(t) => with_query(
                &format!("{}{path}", self.base_url),
                "timeout",
                &go_duration_string(t),
            ),
            None => format!("{}{path}", self.base_url),
        }
    }

    /// A klog error line on stderr: `E… location] "message" err="…"`.
    pub fn log_error(&self, location: &str, message: &str, err: &str) {
        if let Ok(mut w) = self.warnings.lock() {
            crate::context::klog_error(
                &mut w.out,
                location,
                &format!(
                    "{} err={}",
                    crate::flags::go_values::go_quote(message),
                    klog_value(err)
                ),
            );
        }
    }

    /// `--request-timeout`, if one was given.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server URL requests are relative to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn connection_error(&self, err: &kube::Error) -> ApiError {
        let (detail, refused) = transport::failure_text(err);
        let refused = refused || error_chain_has_refused(err);
        ApiError::Connection {
            host: self.host.clone(),
            refused,
            detail,
        }
    }

    /// A stream that broke while being read (a followed log): client-go
    /// hands the reader's error back as it is, in Go's words (`error: …`).
    fn connection_error_text(
        &self,
        err: &(dyn std::error::Error + Send + Sync + 'static),
    ) -> ApiError {
        let (detail, _) = transport::failure_text(err);
        ApiError::Request(detail)
    }

    /// kubectl's `-v=6` request log line.
    fn log_response(
        &self,
        method: &Method,
        path: &str,
        status: http::StatusCode,
        started: Instant,
    ) {
        if self.verbosity < 6 {
            return;
        }
        if let Ok(mut w) = self.warnings.lock() {
            let _ = crate::context::klog_info(
                &mut w.out,
                "round_trippers.go:632",
                &format!(
                    "\"Response\" verb=\"{method}\" url=\"{}{path}\" status=\"{}\" milliseconds={}",
                    self.base_url,
                    status,
                    started.elapsed().as_millis()
                ),
            );
        }
    }

    /// `Warning: <text>` on stderr for each new code-299 warning header.
    fn print_warnings(&self, headers: &http::HeaderMap) {
        let texts = headers
            .get_all("warning")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(parse_warning_header);
        match &self.held {
            Some(held) => {
                if let Ok(mut lines) = held.0.lock() {
                    lines.extend(texts.map(HeldLine::Warning));
                }
            }
            None => self.print_warning_texts(texts),
        }
    }

    fn print_warning_texts(&self, texts: impl Iterator<Item = String>) {
        let Ok(mut state) = self.warnings.lock() else {
            return;
        };
        for warning in texts {
            if state.seen.insert(warning.clone()) {
                state.count += 1;
                let line = crate::context::warning_line(&warning, state.color);
                let _ = state.out.write_all(line.as_bytes());
            }
        }
    }
}

/// A response body read piece by piece, failing as [`ApiClient::send`]
/// fails when the body breaks off.
pub struct BodyReader {
    body: kube::client::Body,
    client: ApiClient,
}

impl BodyReader {
    /// The next piece of the body; None once it has ended.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, ApiError> {
        loop {
            match self.body.frame().await {
                None => return Ok(None),
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => return Ok(Some(data)),
                    _ => continue,
                },
                Some(Err(e)) => {
                    let e: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
                    return Err(self.client.body_read_error(e.as_ref()));
                }
            }
        }
    }
}

/// A response body as it arrives.
pub struct BodyStream {
    body: kube::client::Body,
    deadline: Option<tokio::time::Instant>,
    client: ApiClient,
}

impl BodyStream {
    /// The next piece of the body; None once it has ended.
    pub async fn next(&mut self) -> Option<Result<Bytes, ApiError>> {
        loop {
            let frame = match self.deadline {
                Some(at) => match tokio::time::timeout_at(at, self.body.frame()).await {
                    Ok(frame) => frame,
                    Err(_) => {
                        self.deadline = None;
                        return Some(Err(ApiError::Unexpected(
                            "net/http: request canceled (Client.Timeout or context cancellation while reading body)".into(),
                        )));
                    }
                },
                None => self.body.frame().await,
            };
            match frame? {
                Ok(frame) => match frame.into_data() {
                    Ok(data) if data.is_empty() => continue,
                    Ok(data) => return Some(Ok(data)),
                    Err(_) => continue,
                },
                Err(e) => return Some(Err(self.client.connection_error_text(&e))),
            }
        }
    }
}

async fn collect(
    body: kube::client::Body,
) -> Result<Bytes, Box<dyn std::error::Error + Send + Sync>> {
    Ok(body
        .collect()
        .await
        .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?
        .to_bytes())
}

pub fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// Turns a failure response into an error: the server's Status when it sent
/// one, otherwise the generic status client-go makes up for the code
/// (`NewGenericServerResponse`), naming the verb and resource when the path
/// has one: `an error on the server ("unknown") has prevented the request
/// from succeeding (get pods)`.
pub(crate) fn status_error(
    code: http::StatusCode,
    method: &Method,
    content_type: &str,
    path: &str,
    body: &[u8],
) -> ApiError {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        if value.get("kind").and_then(Value::as_str) == Some("Status") {
            if let Ok(mut status) = serde_json::from_value::<Status>(value) {
                if status.code == 0 {
                    status.code = code.as_u16();
                }
                return ApiError::Status(Box::new(status));
            }
        }
    }
    // Only a text body is quoted; anything else is "unknown".
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (resource, name) = path_resource(path).unwrap_or_default();
    error::unstructured_response_error(
        code.as_u16(),
        method.as_str(),
        &resource,
        &name,
        body,
        media_type.starts_with("text/"),
    )
}

/// The group-qualified resource (`deployments.apps`) and name an API path
/// addresses, if any.
fn path_resource(path: &str) -> Option<(String, String)> {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<String> = path
        .split('/')
        .skip(1)
        .map(connect::percent_decode)
        .collect();
    let (group, rest) = match segments.first().map(String::as_str) {
        Some("api") if segments.len() > 2 => ("", &segments[2..]),
        Some("apis") if segments.len() > 3 => (segments[1].as_str(), &segments[3..]),
        _ => return None,
    };
    let rest = match rest {
        [first, _ns, tail @ ..] if first == "namespaces" && !tail.is_empty() => tail,
        _ => rest,
    };
    let resource = rest.first()?;
    let qualified = if group.is_empty() {
        resource.clone()
    } else {
        format!("{resource}.{group}")
    };
    Some((qualified, rest.get(1).cloned().unwrap_or_default()))
}

/// The texts of a `Warning` header: `299 - "text"` entries, comma-separated.
pub fn parse_warning_header(header: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        // code
        let Some((code, after)) = rest.split_once(' ') else {
            break;
        };
        let after = after.trim_start();
        let Some((_agent, after)) = after.split_once(' ') else {
            break;
        };
        let after = after.trim_start();
        let Some(quoted) = after.strip_prefix('"') else {
            break;
        };
        let mut text = String::new();
        let mut chars = quoted.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        text.push(n);
                    }
                }
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                c => text.push(c),
            }
        }
        let Some(end) = end else { break };
        if code == "299" {
            out.push(text);
        }
        rest = quoted[end..].trim_start();
        // skip an optional date, then a comma
        match rest.find(',') {
            Some(i) if !rest[..i].contains('"') || rest.starts_with('"') => {
                rest = rest[i + 1..].trim_start();
            }
            _ => break,
        }
    }
    out
}

fn error_chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current: &(dyn std::error::Error + 'static) = err;
    loop {
        if let Some(text) = tls_error_text(current) {
            return text;
        }
        match current.source() {
            Some(next) => current = next,
            None => return current.to_string(),
        }
    }
}

/// Go's words for a refused handshake (kube-rs's TLS errors arrive
/// wrapped in one or more io::Errors, whose `source()` skips the wrapped
/// error itself).
fn tls_error_text(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut inner: &(dyn std::error::Error + 'static) = err;
    while let Some(wrapped) = inner
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        inner = wrapped;
    }
    inner
        .downcast_ref::<rustls::Error>()
        .map(tls::handshake_error_text)
}

fn error_chain_has_refused(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        if e.to_string().contains("Connection refused") {
            return true;
        }
        current = e.source();
    }
    false
}

fn host_port(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or("localhost");
    let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("http") => 80,
        _ => 443,
    });
    if uri.port_u16().is_some() {
        format!("{host}:{port}")
    } else {
        host.to_string()
    }
}

/// A string value as klog writes it: quoted, or for text of several lines
/// `<` then each line after a tab, then ` >`.
fn klog_value(text: &str) -> String {
    if !text.contains('\n') {
        return crate::flags::go_values::go_quote(text);
    }
    let mut out = String::from("<\n");
    for line in text.split('\n') {
        out.push('\t');
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(" >");
    out
}

/// client-go's request builder checks: the namespace and name of an API
/// path must be usable as path segments (not `.` or `..`, no `/` or `%`)
/// and a name may not be empty.
pub fn check_path(path: &str) -> Result<(), String> {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<String> = path
        .split('/')
        .skip(1)
        .map(connect::percent_decode)
        .collect();
    let rest = match segments.first().map(String::as_str) {
        Some("api") if segments.len() >= 2 => &segments[2..],
        Some("apis") if segments.len() >= 3 => &segments[3..],
        _ => return Ok(()),
    };
    let (namespace, resource_and_name) = match rest {
        // `namespaces/NAME` is the namespace object itself: NAME is a name.
        [first, ns, tail @ ..] if first == "namespaces" && !tail.is_empty() => (Some(ns), tail),
        _ => (None, rest),
    };
    if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
        let problems = path_segment_problems(ns);
        if !problems.is_empty() {
            return Err(format!(
                "invalid namespace {}: [{}]",
                crate::flags::go_values::go_quote(ns),
                problems.join(" ")
            ));
        }
    }
    if let Some(name) = resource_and_name.get(1) {
        if name.is_empty() {
            return Err("resource name may not be empty".into());
        }
        let problems = path_segment_problems(name);
        if !problems.is_empty() {
            return Err(format!(
                "invalid resource name {}: [{}]",
                crate::flags::go_values::go_quote(name),
                problems.join(" ")
            ));
        }
    }
    Ok(())
}

/// apimachinery's `IsValidPathSegmentName`.
fn path_segment_problems(name: &str) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    ["/", "%"]
        .iter()
        .filter(|bad| name.contains(*bad))
        .map(|bad| format!("may not contain '{bad}'"))
        .collect()
}

/// The whole seconds of a `Retry-After` header on a 429 or 5xx answer
/// (client-go's `checkWait`).
fn retry_after<B>(response: &Response<B>) -> Option<u64> {
    let status = response.status().as_u16();
    if status != 429 && status < 500 {
        return None;
    }
    let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
    let seconds: i64 = value.parse().ok()?;
    Some(seconds.max(0) as u64)
}

/// `path` with `key=value` added to its query.
fn with_query(path: &str, key: &str, value: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{key}={value}")
}

/// Go's `time.Duration.String` of `d` (`32s`, `1m0s`, `1.5s`, `500ms`).
pub fn go_duration_string(d: Duration) -> String {
    crate::flags::go_values::go_duration_string(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The machine architecture in Go's words (`amd64`, `arm64`), as kubectl names it.
pub fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_headers() {
        assert_eq!(
            parse_warning_header("299 - \"a b\""),
            vec!["a b".to_string()]
        );
        assert_eq!(
            parse_warning_header("299 - \"one\", 299 - \"two \\\"q\\\"\""),
            vec!["one".to_string(), "two \"q\"".to_string()]
        );
        assert!(parse_warning_header("199 - \"misc\"").is_empty());
    }

    #[test]
    fn namespaces_and_names_are_checked() {
        assert_eq!(
            check_path("/api/v1/namespaces/a%252Fb/pods").unwrap_err(),
            "invalid namespace \"a%2Fb\": [may not contain '%']"
        );
        assert_eq!(
            check_path("/api/v1/namespaces/a%2Fb/pods").unwrap_err(),
            "invalid namespace \"a/b\": [may not contain '/']"
        );
        assert_eq!(
            check_path("/apis/apps/v1/namespaces/x/deployments/..").unwrap_err(),
            "invalid resource name \"..\": [may not be '..']"
        );
        assert_eq!(
            check_path("/api/v1/namespaces/x/configmaps/").unwrap_err(),
            "resource name may not be empty"
        );
        assert_eq!(
            check_path("/api/v1/namespaces/a%2F%25").unwrap_err(),
            "invalid resource name \"a/%\": [may not contain '/' may not contain '%']"
        );
        assert!(check_path("/api/v1/namespaces/x/pods/p/log?container=c").is_ok());
        assert!(check_path("/api/v1/namespaces").is_ok());
        assert!(check_path("/openapi/v3/api/v1?hash=x").is_ok());
    }

    #[test]
    fn generic_statuses_name_the_request() {
        let e = status_error(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            &Method::GET,
            "application/json",
            "/api/v1/namespaces/x/pods?limit=500",
            b"<html>",
        );
        assert_eq!(
            e.kubectl_message(),
            "Error from server (InternalError): an error on the server (\"unknown\") has prevented the request from succeeding (get pods)"
        );
        let e = status_error(
            http::StatusCode::NOT_FOUND,
            &Method::GET,
            "text/plain",
            "/apis/apps/v1/namespaces/x/deployments/web",
            b"nope",
        );
        assert_eq!(
            e.kubectl_message(),
            "Error from server (NotFound): the server could not find the requested resource (get deployments.apps web)"
        );
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration_string(Duration::from_secs(32)), "32s");
        assert_eq!(go_duration_string(Duration::from_secs(60)), "1m0s");
        assert_eq!(go_duration_string(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(go_duration_string(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration_string(Duration::from_millis(500)), "500ms");
    }

    #[test]
    fn generic_status_for_plain_404() {
        let e = status_error(
            http::StatusCode::NOT_FOUND,
            &Method::GET,
            "text/plain",
            "/api",
            b"404 page not found",
        );
        assert_eq!(
            e.kubectl_message(),
            "Error from server (NotFound): the server could not find the requested resource"
        );
    }
}
