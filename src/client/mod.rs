//! The only place kuddle speaks HTTP: requests to the API server over a
//! kube-rs connection (TLS, client certificates, tokens and exec plugins
//! come from kube-rs), server warnings printed as kubectl prints them, and
//! failures turned into [`ApiError`].

pub mod bootstrap;
pub mod download;
pub mod error;

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{header, Method, Request, Response};
use http_body_util::BodyExt;
use serde_json::Value;

pub use error::{ApiError, Status};

use crate::context::SharedWriter;

/// Accept header for server-side printing (kubectl's order).
pub const ACCEPT_TABLE: &str =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
pub const ACCEPT_JSON: &str = "application/json";

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
}

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
        let color = crate::context::warnings_in_color();
        Ok(ApiClient {
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
        })
    }

    /// How many distinct warnings the server sent so far.
    pub fn warning_count(&self) -> usize {
        self.warnings.lock().map(|w| w.count).unwrap_or(0)
    }

    /// Sends a request and returns the response with its body still
    /// streaming (for watches and large lists). Failure codes are errors.
    pub async fn send_streaming(
        &self,
        method: Method,
        path: &str,
        accept: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Response<kube::client::Body>, ApiError> {
        let started = Instant::now();
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::ACCEPT, accept)
            .header(header::USER_AGENT, &self.user_agent);
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        let request = builder
            .body(kube::client::Body::from(body))
            .map_err(|e| ApiError::Unexpected(e.to_string()))?;
        let send = self.inner.send(request);
        let result = match self.timeout {
            Some(limit) => match tokio::time::timeout(limit, send).await {
                Ok(r) => r,
                Err(_) => {
                    return Err(ApiError::Connection {
                        host: self.host.clone(),
                        refused: false,
                        detail: "context deadline exceeded".into(),
                    })
                }
            },
            None => send.await,
        };
        let response = result.map_err(|e| self.connection_error(&e))?;
        self.log_response(&method, path, response.status(), started);
        self.print_warnings(response.headers());
        if response.status().is_client_error() || response.status().is_server_error() {
            let status = response.status();
            let body = collect(response.into_body()).await.unwrap_or_default();
            return Err(status_error(status, &method, &body));
        }
        Ok(response)
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
        collect(response.into_body())
            .await
            .map_err(|e| self.connection_error_text(e.as_ref()))
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

    /// `--request-timeout`, if one was given.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    fn connection_error(&self, err: &kube::Error) -> ApiError {
        let detail = error_chain_text(err);
        let refused = error_chain_has_refused(err);
        ApiError::Connection {
            host: self.host.clone(),
            refused,
            detail,
        }
    }

    fn connection_error_text(&self, err: &(dyn std::error::Error + Send + Sync)) -> ApiError {
        ApiError::Connection {
            host: self.host.clone(),
            refused: false,
            detail: err.to_string(),
        }
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
        let Ok(mut state) = self.warnings.lock() else {
            return;
        };
        for value in headers.get_all("warning") {
            let Ok(text) = value.to_str() else { continue };
            for warning in parse_warning_header(text) {
                if state.seen.insert(warning.clone()) {
                    state.count += 1;
                    let line = crate::context::warning_line(&warning, state.color);
                    let _ = state.out.write_all(line.as_bytes());
                }
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
/// one, otherwise the generic status client-go makes up for the code.
fn status_error(code: http::StatusCode, method: &Method, body: &[u8]) -> ApiError {
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
    let text = String::from_utf8_lossy(body).trim().to_string();
    let (reason, message) = match code.as_u16() {
        400 => ("BadRequest", text.clone()),
        401 => ("Unauthorized", "Unauthorized".to_string()),
        403 => ("Forbidden", text.clone()),
        404 => ("NotFound", "the server could not find the requested resource".to_string()),
        405 => (
            "MethodNotAllowed",
            format!("the server does not allow this method on the requested resource ({method})"),
        ),
        409 => ("Conflict", text.clone()),
        415 => ("UnsupportedMediaType", text.clone()),
        422 => ("Invalid", text.clone()),
        429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later".to_string()),
        500 => ("InternalError", format!("an error on the server ({text}) has prevented the request from succeeding")),
        503 => ("ServiceUnavailable", "the server is currently unable to handle the request".to_string()),
        504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request".to_string()),
        _ => ("", format!("the server responded with the status code {} but did not return more information", code.as_u16())),
    };
    ApiError::Status(Box::new(Status {
        status: "Failure".into(),
        message,
        reason: reason.into(),
        details: None,
        code: code.as_u16(),
    }))
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

/// Go's words for a certificate the client refused, e.g. `tls: failed to
/// verify certificate: x509: certificate signed by unknown authority`.
fn tls_error_text(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    use rustls::CertificateError as C;
    // TLS failures arrive wrapped in one or more io::Errors, whose
    // `source()` skips the wrapped error itself.
    let mut inner: &(dyn std::error::Error + 'static) = err;
    while let Some(wrapped) = inner
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        inner = wrapped;
    }
    let Some(rustls::Error::InvalidCertificate(cert)) = inner.downcast_ref::<rustls::Error>()
    else {
        return None;
    };
    let x509 = match cert {
        C::UnknownIssuer => "x509: certificate signed by unknown authority".to_string(),
        C::NotValidForNameContext {
            expected,
            presented,
        } => {
            let host = server_name_text(expected);
            hostname_error(&host, presented)
        }
        C::ExpiredContext { time, not_after } => format!(
            "x509: certificate has expired or is not yet valid: current time {} is after {}",
            rfc3339(time.as_secs()),
            rfc3339(not_after.as_secs())
        ),
        C::NotValidYetContext { time, not_before } => format!(
            "x509: certificate has expired or is not yet valid: current time {} is before {}",
            rfc3339(time.as_secs()),
            rfc3339(not_before.as_secs())
        ),
        C::Expired | C::NotValidYet => {
            "x509: certificate has expired or is not yet valid".to_string()
        }
        other => format!("x509: {other:?}"),
    };
    Some(format!("tls: failed to verify certificate: {x509}"))
}

fn server_name_text(name: &rustls::pki_types::ServerName<'_>) -> String {
    match name {
        rustls::pki_types::ServerName::DnsName(d) => d.as_ref().to_string(),
        rustls::pki_types::ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

/// Go's `x509.HostnameError`: the certificate's DNS names (or IP names, when
/// the host is an address) it is valid for.
pub fn hostname_error(host: &str, presented: &[String]) -> String {
    let host_is_ip = host.parse::<std::net::IpAddr>().is_ok();
    let names: Vec<&str> = presented
        .iter()
        .map(String::as_str)
        .filter(|n| n.parse::<std::net::IpAddr>().is_ok() == host_is_ip)
        .collect();
    if host_is_ip && names.is_empty() {
        return format!(
            "x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
        );
    }
    if names.is_empty() {
        return format!("x509: certificate is not valid for any names, but wanted to match {host}");
    }
    format!(
        "x509: certificate is valid for {}, not {host}",
        names.join(", ")
    )
}

fn rfc3339(secs: u64) -> String {
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
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

fn go_arch() -> &'static str {
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
    fn hostname_errors_like_go() {
        let presented = vec![
            "localhost".to_string(),
            "kubernetes".to_string(),
            "127.0.0.1".to_string(),
        ];
        assert_eq!(
            hostname_error("foo.example", &presented),
            "x509: certificate is valid for localhost, kubernetes, not foo.example"
        );
        assert_eq!(
            hostname_error("10.0.0.1", &presented),
            "x509: certificate is valid for 127.0.0.1, not 10.0.0.1"
        );
        assert_eq!(
            hostname_error("10.0.0.1", &presented[..2]),
            "x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs"
        );
    }

    #[test]
    fn generic_status_for_plain_404() {
        let e = status_error(
            http::StatusCode::NOT_FOUND,
            &Method::GET,
            b"404 page not found",
        );
        assert_eq!(
            e.kubectl_message(),
            "Error from server (NotFound): the server could not find the requested resource"
        );
    }
}
