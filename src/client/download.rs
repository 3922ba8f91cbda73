//! Plain downloads for `-f https://…` manifests: an HTTP GET outside the
//! cluster connection, retried as kubectl retries it (three attempts a
//! second apart, on transport errors and 5xx answers).

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

/// The body at `url`, or why it could not be read.
pub async fn download(url: &str) -> Result<Vec<u8>, DownloadError> {
    let quoted = crate::flags::go_values::go_quote(url);
    let uri: http::Uri = url.parse().map_err(|e| {
        DownloadError::plain(format!(
            "the URL passed to filename {quoted} is not valid: {e}"
        ))
    })?;
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| DownloadError::plain(format!("Get {quoted}: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let mut last = DownloadError::plain(String::new());
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let response = match client.get(uri.clone()).await {
            Ok(r) => r,
            Err(e) => {
                let cause = transport_text(&e);
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
                .map_err(|e| DownloadError::plain(e.to_string()));
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

fn transport_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    let text = current.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}
