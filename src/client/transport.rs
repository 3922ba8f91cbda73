//! kuddle's HTTP transport: hyper over [`connect::Connector`], with the
//! kubeconfig's identity on every request, wrapped in a `kube::Client` so
//! callers keep kube-rs's body type. Everything client-go's transport
//! decides (timeouts, TLS rules, proxies, credentials) is decided here, in
//! kuddle's code, so that it can follow client-go exactly.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
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
}

/// Builds the transport for resolved settings. Errors are client-go's
/// set-up errors (`specifying a root certificates file with the insecure
/// flag is not allowed`, `exec plugin: invalid apiVersion "…"`).
pub fn build(r: &ResolvedConfig) -> anyhow::Result<Transport> {
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
    };
    let hyper: Client<Connector, kube::client::Body> = Client::builder(TokioExecutor::new())
        .pool_idle_timeout(std::time::Duration::from_secs(90))
        .build(connector);
    let service = ApiService {
        hyper,
        base: Arc::new(base),
        auth: auth.clone(),
    };
    let client = kube::Client::new(service, r.namespace.clone());
    Ok(Transport {
        client,
        server,
        auth,
    })
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
    hyper: Client<Connector, kube::client::Body>,
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
            let response = this.hyper.request(request).await?;
            if response.status() == http::StatusCode::UNAUTHORIZED {
                this.auth.unauthorized(&used).await;
            }
            Ok(response.map(|body| TimedBody::new(body, deadline)))
        })
    }
}

/// A response body that fails once the request's deadline has passed:
/// `--request-timeout` bounds reading the body too.
pub struct TimedBody {
    inner: hyper::body::Incoming,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    expired: bool,
}

impl TimedBody {
    fn new(inner: hyper::body::Incoming, deadline: Option<Deadline>) -> TimedBody {
        TimedBody {
            inner,
            deadline: deadline.map(|d| Box::pin(tokio::time::sleep_until(d.0))),
            expired: false,
        }
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
        Pin::new(&mut self.inner)
            .poll_frame(cx)
            .map_err(|e| Box::new(e) as BoxError)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
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
