//! Streaming subresources (`exec`, `attach`): the connection upgrade and
//! the protocols spoken over it. kubectl asks for a WebSocket speaking
//! `v5.channel.k8s.io` first and falls back to SPDY only when that upgrade
//! is refused; kuddle makes the same two requests (see
//! [`ApiClient::upgrade_remote_command`]).

pub mod portforward;
pub mod remotecommand;
pub mod websocket;

use http::{header, Method, Request};
use hyper_util::rt::TokioIo;

use super::{ApiClient, ApiError};

/// The channel protocol kubectl 1.37 asks for over WebSocket.
pub const V5_CHANNEL: &str = "v5.channel.k8s.io";

/// The protocols kubectl offers over SPDY, newest first.
const SPDY_PROTOCOLS: &[&str] = &[
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    "v3.channel.k8s.io",
    "v2.channel.k8s.io",
    "channel.k8s.io",
];

/// An upgraded connection, readable and writable with tokio's traits.
pub type Upgraded = TokioIo<hyper::upgrade::Upgraded>;

/// Whether kubectl would use WebSocket for exec, attach and cp: unless
/// `KUBECTL_REMOTE_COMMAND_WEBSOCKETS` is `false` (any case).
pub fn remote_command_websockets() -> bool {
    !std::env::var("KUBECTL_REMOTE_COMMAND_WEBSOCKETS")
        .is_ok_and(|v| v.eq_ignore_ascii_case("false"))
}

impl ApiClient {
    /// Opens a remote-command stream (`…/exec?…`, `…/attach?…`): a
    /// WebSocket speaking `v5.channel.k8s.io`. As kubectl, a refused
    /// WebSocket upgrade is followed by a SPDY request (POST), whose refusal
    /// is the error shown: `unable to upgrade connection: <message>`.
    /// kuddle does not speak SPDY itself: a server that refuses the
    /// WebSocket but accepts SPDY gets a clear error, not a hang.
    pub async fn upgrade_remote_command(&self, path: &str) -> Result<Upgraded, ApiError> {
        if remote_command_websockets() {
            // kubectl falls back to SPDY after any refused upgrade.
            if let Ok(conn) = self.upgrade_websocket(path, V5_CHANNEL).await? {
                return Ok(conn);
            }
        }
        match self.spdy_upgrade(path, SPDY_PROTOCOLS).await? {
            None => Err(ApiError::Request(
                "unable to upgrade connection: the server accepted only SPDY, which kuddle does not speak"
                    .to_string(),
            )),
            Some(refusal) => Err(ApiError::Request(format!(
                "unable to upgrade connection: {refusal}"
            ))),
        }
    }

    /// Asks for a SPDY upgrade of a POST to `path`, as kubectl's SPDY
    /// dialers do: the refusal's message, or None when the server agreed
    /// (the connection is then dropped: kuddle speaks no SPDY).
    pub async fn spdy_upgrade(
        &self,
        path: &str,
        protocols: &[&str],
    ) -> Result<Option<String>, ApiError> {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::USER_AGENT, &self.user_agent)
            .header(header::CONNECTION, "Upgrade")
            .header(header::UPGRADE, "SPDY/3.1");
        for protocol in protocols {
            builder = builder.header("X-Stream-Protocol-Version", *protocol);
        }
        let request = builder
            .body(kube::client::Body::empty())
            .map_err(|e| ApiError::Unexpected(e.to_string()))?;
        Ok(self.send_upgrade(request).await?.err())
    }

    /// Upgrades a GET of `path` to a WebSocket speaking `protocol`: the
    /// connection, or the refusal's message.
    pub async fn upgrade_websocket(
        &self,
        path: &str,
        protocol: &str,
    ) -> Result<Result<Upgraded, String>, ApiError> {
        let key = websocket::new_key();
        let request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::USER_AGENT, &self.user_agent)
            .header(header::CONNECTION, "Upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_VERSION, "13")
            .header(header::SEC_WEBSOCKET_KEY, &key)
            .header(header::SEC_WEBSOCKET_PROTOCOL, protocol)
            .body(kube::client::Body::empty())
            .map_err(|e| ApiError::Unexpected(e.to_string()))?;
        match self.send_upgrade(request).await? {
            Ok(response) => {
                let accept = response
                    .headers()
                    .get(header::SEC_WEBSOCKET_ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                if accept != websocket::accept_for(&key) {
                    return Err(ApiError::Request("websocket: bad handshake".to_string()));
                }
                Ok(Ok(self.finish_upgrade(response).await?))
            }
            Err(refusal) => Ok(Err(refusal)),
        }
    }

    /// Sends an upgrade request: the 101 answer, or the refusal's message
    /// (a Status's message, else the body's text).
    async fn send_upgrade(
        &self,
        request: Request<kube::client::Body>,
    ) -> Result<Result<http::Response<kube::client::Body>, String>, ApiError> {
        let response = self.forward(request, true).await?;
        self.print_warnings(response.headers());
        if response.status() == http::StatusCode::SWITCHING_PROTOCOLS {
            return Ok(Ok(response));
        }
        let body = self.read_body(response.into_body()).await?;
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .filter(|s| s.get("kind").and_then(|k| k.as_str()) == Some("Status"))
            .and_then(|s| {
                s.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| String::from_utf8_lossy(&body).trim_end().to_string());
        Ok(Err(message))
    }

    async fn finish_upgrade(
        &self,
        response: http::Response<kube::client::Body>,
    ) -> Result<Upgraded, ApiError> {
        let upgraded = hyper::upgrade::on(response)
            .await
            .map_err(|e| self.connection_error_text(&e))?;
        Ok(TokioIo::new(upgraded))
    }
}
