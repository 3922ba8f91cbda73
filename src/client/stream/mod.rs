//! Streaming subresources (`exec`, `attach`, `portforward`): the
//! connection upgrades and the protocols spoken over them. For exec and
//! attach kubectl asks for a WebSocket speaking `v5.channel.k8s.io` and
//! falls back to SPDY when that upgrade is refused
//! ([`ApiClient::upgrade_remote_command`]); port-forward's SPDY goes through
//! a WebSocket tunnel, or a plain SPDY upgrade when that is refused
//! ([`ApiClient::dial_port_forward`]). Environment variables turn the
//! WebSocket off, as for kubectl.

pub mod portforward;
pub mod remotecommand;
pub mod spdy;
pub mod websocket;

use std::time::Duration;

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
    !env_turned_off("KUBECTL_REMOTE_COMMAND_WEBSOCKETS")
}

/// Whether kubectl would tunnel port-forward's SPDY through a WebSocket:
/// unless `KUBECTL_PORT_FORWARD_WEBSOCKETS` is `false` (any case).
pub fn port_forward_websockets() -> bool {
    !env_turned_off("KUBECTL_PORT_FORWARD_WEBSOCKETS")
}

fn env_turned_off(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v.eq_ignore_ascii_case("false"))
}

/// How often client-go pings over SPDY: on an upgraded connection, and
/// on port-forward's tunnel through a WebSocket.
const SPDY_PING: Duration = Duration::from_secs(5);
const TUNNEL_PING: Duration = Duration::from_secs(10);

/// The subprotocol prefix of SPDY tunnelled through a WebSocket.
const SPDY_TUNNEL_PREFIX: &str = "SPDY/3.1+";

/// The protocol kubectl's port-forward asks for.
pub const PORT_FORWARD_PROTOCOL: &str = "portforward.k8s.io";

impl ApiClient {
    /// Opens a remote-command stream (`…/exec?…`, `…/attach?…`) as kubectl
    /// does: a WebSocket speaking `v5.channel.k8s.io`, and SPDY when that
    /// upgrade is refused (or when `KUBECTL_REMOTE_COMMAND_WEBSOCKETS` is
    /// `false`). A refused SPDY upgrade is the error shown:
    /// `unable to upgrade connection: <message>`.
    pub async fn upgrade_remote_command(
        &self,
        path: &str,
    ) -> Result<remotecommand::RemoteConnection, ApiError> {
        if remote_command_websockets() {
            // kubectl falls back to SPDY after any refused upgrade.
            if let Ok(conn) = self.upgrade_websocket(path, &[V5_CHANNEL]).await? {
                return Ok(remotecommand::RemoteConnection::WebSocket(conn.0));
            }
        }
        match self.spdy_upgrade(path, SPDY_PROTOCOLS).await? {
            Ok((upgraded, protocol)) => Ok(remotecommand::RemoteConnection::Spdy {
                conn: spdy::Connection::client(upgraded, SPDY_PING),
                protocol,
            }),
            Err(refusal) => Err(ApiError::Request(format!(
                "unable to upgrade connection: {refusal}"
            ))),
        }
    }

    /// Opens port-forward's one SPDY connection to `path` (a pod's
    /// `…/portforward`) as kubectl does: tunnelled through a WebSocket
    /// (`SPDY/3.1+portforward.k8s.io`), else, when that upgrade is refused
    /// or `KUBECTL_PORT_FORWARD_WEBSOCKETS` is `false`, a plain SPDY
    /// upgrade. When that fails too, `Err` holds kubectl's message.
    pub async fn dial_port_forward(
        &self,
        path: &str,
    ) -> Result<Result<spdy::Connection, String>, ApiError> {
        if port_forward_websockets() {
            let tunnelled = format!("{SPDY_TUNNEL_PREFIX}{PORT_FORWARD_PROTOCOL}");
            if let Ok((conn, _)) = self.upgrade_websocket(path, &[tunnelled.as_str()]).await? {
                let tunnel = websocket::tunnel(conn);
                return Ok(Ok(spdy::Connection::client(tunnel, TUNNEL_PING)));
            }
        }
        match self.spdy_upgrade(path, &[PORT_FORWARD_PROTOCOL]).await? {
            Ok((upgraded, protocol)) if protocol == PORT_FORWARD_PROTOCOL => {
                Ok(Ok(spdy::Connection::client(upgraded, SPDY_PING)))
            }
            Ok((_, protocol)) => Ok(Err(format!(
                "unable to negotiate protocol: client supports \"{PORT_FORWARD_PROTOCOL}\", server returned \"{protocol}\""
            ))),
            Err(refusal) => Ok(Err(format!(
                "error upgrading connection: unable to upgrade connection: {refusal}"
            ))),
        }
    }

    /// Asks for a SPDY upgrade of a POST to `path`, offering `protocols`
    /// as kubectl's SPDY dialers do: the connection and the protocol the
    /// server chose, or the refusal's message.
    pub async fn spdy_upgrade(
        &self,
        path: &str,
        protocols: &[&str],
    ) -> Result<Result<(Upgraded, String), String>, ApiError> {
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
        let response = match self.send_upgrade(request).await? {
            Ok(response) => response,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let text = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        if !text("connection").contains("upgrade") || !text("upgrade").contains("spdy/3.1") {
            return Ok(Err(String::new()));
        }
        let protocol = response
            .headers()
            .get("X-Stream-Protocol-Version")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok(Ok((self.finish_upgrade(response).await?, protocol)))
    }

    /// Upgrades a GET of `path` to a WebSocket offering `protocols`: the
    /// connection and the protocol chosen, or why the upgrade failed (a
    /// refusal's message; a bad handshake, or a protocol not offered, count
    /// as refusals too, as for gorilla/websocket under client-go).
    pub async fn upgrade_websocket(
        &self,
        path: &str,
        protocols: &[&str],
    ) -> Result<Result<(Upgraded, String), String>, ApiError> {
        let key = websocket::new_key();
        let request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::USER_AGENT, &self.user_agent)
            .header(header::CONNECTION, "Upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_VERSION, "13")
            .header(header::SEC_WEBSOCKET_KEY, &key)
            .header(header::SEC_WEBSOCKET_PROTOCOL, protocols.join(", "))
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
                    return Ok(Err("websocket: bad handshake".to_string()));
                }
                let chosen = response
                    .headers()
                    .get(header::SEC_WEBSOCKET_PROTOCOL)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                if !protocols.contains(&chosen.as_str()) {
                    return Ok(Err(format!("invalid protocol, got {chosen:?}")));
                }
                Ok(Ok((self.finish_upgrade(response).await?, chosen)))
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
