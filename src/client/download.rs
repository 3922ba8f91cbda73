//! Plain downloads for `-f https://…` manifests: an HTTP GET outside the
//! cluster connection, retried as kubectl retries it (three attempts a
//! second apart, on transport errors and 5xx answers), following redirects.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

const ATTEMPTS: usize = 3;

/// Why a download failed: the error's own text, and the line kubectl
/// prints for it when that differs (connection errors).
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadError {
    pub text: String,
    pub message: Option<String>,
}

impl DownloadError {
    fn plain(text: String) -> DownloadError {
        DownloadError {
            text,
            message: None,
        }
    }
}

/// The body at `url`, or why it could not be read. Go's default client:
/// the system's roots, proxies from the environment, client-go's dial and
/// handshake timeouts, redirects followed (ten at most).
pub async fn download(url: &str) -> Result<Vec<u8>, DownloadError> {
    let quoted = crate::flags::go_values::go_quote(url);
    let mut uri: http::Uri = url.parse().map_err(|e| {
        DownloadError::plain(format!(
            "the URL passed to filename {quoted} is not valid: {e}"
        ))
    })?;
    let client = web_client(url).map_err(|e| DownloadError::plain(format!("Get {quoted}: {e}")))?;
    let mut last = DownloadError::plain(String::new());
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let mut redirects = 0;
        let response = loop {
            match client.get(uri.clone()).await {
                Ok(r) if is_redirect(r.status()) && redirects < 10 => {
                    let Some(next) = r
                        .headers()
                        .get(http::header::LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .and_then(|l| resolve(&uri, l))
                    else {
                        break Ok(r);
                    };
                    redirects += 1;
                    uri = next;
                }
                Ok(r) if is_redirect(r.status()) => {
                    break Err(format!(
                        "Get {}: stopped after 10 redirects",
                        crate::flags::go_values::go_quote(&uri.to_string())
                    ))
                }
                Ok(r) => break Ok(r),
                Err(e) => break Err(transport_text(&e)),
            }
        };
        let response = match response {
            Ok(r) => r,
            Err(cause) => {
                let host = uri.authority().map(|a| a.to_string()).unwrap_or_default();
                let message = if cause.contains("refused") {
                    format!("The connection to the server {host} was refused - did you specify the right host or port?")
                } else {
                    format!("Unable to connect to the server: {cause}")
                };
                last = DownloadError {
                    text: format!("Get {quoted}: {cause}"),
                    message: Some(message),
                };
                continue;
            }
        };
        let status = response.status();
        if status == http::StatusCode::OK {
            return response
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes().to_vec())
                .map_err(|e| DownloadError::plain(transport_text(&e)));
        }
        // Go shows the status line as the server sent it.
        let reason = response
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_string());
        last = DownloadError::plain(format!(
            "unable to read URL {quoted}, server reported {} {reason}, status code={}",
            status.as_u16(),
            status.as_u16()
        ));
        if !status.is_server_error() {
            break;
        }
    }
    Err(last)
}

fn is_redirect(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// A redirect's `Location` against the URL it answered.
fn resolve(base: &http::Uri, location: &str) -> Option<http::Uri> {
    if location.contains("://") {
        return location.parse().ok();
    }
    let mut parts = base.clone().into_parts();
    let path = if location.starts_with('/') {
        location.to_string()
    } else {
        let dir = base.path().rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        format!("{dir}/{location}")
    };
    parts.path_and_query = Some(path.parse().ok()?);
    http::Uri::from_parts(parts).ok()
}

type WebClient = Client<super::connect::Connector, Empty<Bytes>>;

fn web_client(url: &str) -> Result<WebClient, String> {
    let roots = crate::kubeconfig::ResolvedConfig::default();
    let tls = super::tls::client_config(&roots, Default::default()).map_err(|e| e.to_string())?;
    let proxy = match super::bootstrap::proxy_for(url, "", &|k| std::env::var(k).ok()) {
        Some(p) => Some(super::connect::Proxy::parse(&p)?),
        None => None,
    };
    let connector = super::connect::Connector {
        tls: Some(std::sync::Arc::new(tls)),
        tls_server_name: String::new(),
        proxy,
        before_handshake: None,
        dial_timeout: super::connect::DIAL_TIMEOUT,
        handshake_timeout: super::connect::TLS_HANDSHAKE_TIMEOUT,
        opened: Default::default(),
        spoke_h2: Default::default(),
    };
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

fn transport_text(e: &(dyn std::error::Error + 'static)) -> String {
    super::transport::failure_text(e).0
}
