//! `proxy [--port=PORT] [--www=static-dir] [--www-prefix=prefix] [--api-prefix=prefix]`
//!
//! Examples:
//!   # The whole API at the root of the local port
//!   kuddle proxy --api-prefix=/
//!
//!   # Part of the API, and files from a directory next to it
//!   # (pods are then at localhost:8001/api/v1/pods)
//!   kuddle proxy --www=/my/files --www-prefix=/static/ --api-prefix=/api/
//!
//!   # The whole API under another root (localhost:8001/custom/api/v1/pods)
//!   kuddle proxy --api-prefix=/custom/
//!
//!   # Port 8011, with static files from ./local/www/
//!   kuddle proxy --port=8011 --www=./local/www/
//!
//!   # Any free port; the chosen one is printed
//!   kuddle proxy --port=0
//!
//!   # The API under /k8s-api (pods at localhost:8001/k8s-api/v1/pods/)
//!   kuddle proxy --api-prefix=/k8s-api
//!
//! Requests under the API prefix are checked by the filter, then sent to
//! the API server with the kubeconfig's credentials and answered as the
//! server answers, streaming (watches and followed logs). Request bodies
//! are read whole before they are sent. Upgraded connections (WebSocket or
//! SPDY exec, attach, port-forward, when the filter lets them through) are
//! joined byte for byte once both sides switched.

mod files;
mod routes;

use std::convert::Infallible;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use bytes::Bytes;
use clap::{ArgAction, Args};
use http::{header, HeaderMap, HeaderName, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::client::ApiClient;
use crate::context::{klog_error, klog_warning, Context, SharedWriter};
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_duration, go_int64};
use routes::{Filter, Route, Routes};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Body = UnsyncBoxBody<Bytes, BoxError>;

const DEFAULT_PORT: i64 = 8001;

/// Run a proxy to the API server.
#[derive(Args, Debug)]
pub struct ProxyArgs {
    /// Also serve static files from the given directory under the specified prefix.
    #[arg(short = 'w', long = "www", value_name = "DIR", default_value = "")]
    pub www: String,

    /// Prefix to serve static files under, if static file directory is specified.
    #[arg(
        short = 'P',
        long = "www-prefix",
        value_name = "PREFIX",
        default_value = "/static/"
    )]
    pub www_prefix: String,

    /// Prefix to serve the proxied API under.
    #[arg(long = "api-prefix", value_name = "PREFIX", default_value = "/")]
    pub api_prefix: String,

    /// Regular expressions (comma-separated) for paths the proxy accepts.
    #[arg(long = "accept-paths", value_name = "REGEXPS", default_value = routes::DEFAULT_ACCEPT_PATHS)]
    pub accept_paths: String,

    /// Regular expressions for paths the proxy rejects, even when --accept-paths accepts them.
    #[arg(long = "reject-paths", value_name = "REGEXPS", default_value = routes::DEFAULT_REJECT_PATHS)]
    pub reject_paths: String,

    /// Regular expressions for the hosts (Host header) the proxy accepts.
    #[arg(long = "accept-hosts", value_name = "REGEXPS", default_value = routes::DEFAULT_ACCEPT_HOSTS)]
    pub accept_hosts: String,

    /// Regular expressions for HTTP methods the proxy rejects (for example --reject-methods='POST,PUT,PATCH').
    #[arg(long = "reject-methods", value_name = "REGEXPS", default_value = routes::DEFAULT_REJECT_METHODS)]
    pub reject_methods: String,

    /// The port to listen on; 0 picks a free one.
    #[arg(short = 'p', long = "port", value_name = "PORT", default_value = "8001",
          allow_hyphen_values = true, value_parser = go_int64)]
    pub port: i64,

    /// The IP address to listen on.
    #[arg(long = "address", value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub address: String,

    /// Turn the request filter off. Dangerous: with a reachable port this invites XSRF attacks.
    #[arg(long = "disable-filter", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub disable_filter: bool,

    /// Listen on this Unix socket instead of a TCP port.
    #[arg(
        short = 'u',
        long = "unix-socket",
        value_name = "PATH",
        default_value = ""
    )]
    pub unix_socket: String,

    /// Keep-alive period of connections to the API server for upgraded requests; 0 turns it off (kuddle forwards no upgrades, so it changes nothing).
    #[arg(long = "keepalive", value_name = "DURATION", default_value = "0s",
          allow_hyphen_values = true, value_parser = go_duration)]
    pub keepalive: i64,

    /// Put the kubeconfig server URL's own path in front of every forwarded path.
    #[arg(long = "append-server-path", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub append_server_path: bool,

    /// Ignored, as kubectl ignores them.
    #[arg(hide = true)]
    pub ignored: Vec<String>,
}

/// What the server needs, shared by every connection.
struct Proxy {
    client: ApiClient,
    api_prefix: String,
    www: Option<(PathBuf, String)>,
    filter: Option<Filter>,
    append_server_path: bool,
    /// Where failures to reach the server are logged, in klog's layout.
    err: SharedWriter,
}

fn with_slash(mut s: String) -> String {
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

pub async fn run(ctx: &mut Context, args: ProxyArgs) -> Result<()> {
    let ProxyArgs {
        www,
        www_prefix,
        api_prefix,
        accept_paths,
        reject_paths,
        accept_hosts,
        reject_methods,
        port,
        address,
        disable_filter,
        unix_socket,
        keepalive: _,
        append_server_path,
        ignored: _,
    } = args;

    // complete
    let connection = ctx.connection().await?;
    let www_prefix = with_slash(www_prefix);
    let api_prefix = with_slash(api_prefix);
    if !append_server_path {
        let server_path = connection
            .server
            .parse::<http::Uri>()
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        if !server_path.is_empty() && server_path != "/" {
            klog_warning(
                &mut ctx.err,
                "proxy.go:172",
                &format!("Your kube context contains a server path {server_path}, use --append-server-path to automatically append the path to each request"),
            );
        }
    }
    let filter = if disable_filter {
        if unix_socket.is_empty() {
            klog_warning(
                &mut ctx.err,
                "proxy.go:177",
                "Request filter disabled, your proxy is vulnerable to XSRF attacks, please be cautious",
            );
        }
        None
    } else {
        if reject_paths.is_empty() || reject_methods.is_empty() {
            klog_warning(
                &mut ctx.err,
                "proxy.go:182",
                "Request filter has been relaxed, your proxy may be vulnerable to attacks, please be cautious",
            );
        }
        let compile = |text: &str, err: &mut dyn Write| {
            routes::regexp_array(text).map_err(|e| {
                klog_fatal(
                    err,
                    &format!("Error compiling re: error parsing regexp: {e}"),
                );
                anyhow::Error::new(CliError::Exit(255))
            })
        };
        Some(Filter {
            accept_paths: compile(&accept_paths, &mut ctx.err)?,
            reject_paths: compile(&reject_paths, &mut ctx.err)?,
            accept_hosts: compile(&accept_hosts, &mut ctx.err)?,
            reject_methods: compile(&reject_methods, &mut ctx.err)?,
        })
    };

    // validate
    if port != DEFAULT_PORT && !unix_socket.is_empty() {
        bail!("cannot set --unix-socket and --port at the same time");
    }
    if !www.is_empty() {
        match std::fs::metadata(&www) {
            Err(e) => klog_warning(
                &mut ctx.err,
                "proxy.go:203",
                &format!(
                    "Failed to stat static file directory {www}: {}",
                    crate::kubeconfig::gopath::path_error("stat", &www, &e)
                ),
            ),
            Ok(m) if !m.is_dir() => klog_warning(
                &mut ctx.err,
                "proxy.go:205",
                &format!("Static file directory {www} is not a directory"),
            ),
            Ok(_) => {}
        }
    }

    // run
    let proxy = Arc::new(Proxy {
        client: connection.client.clone(),
        api_prefix,
        www: (!www.is_empty()).then(|| (PathBuf::from(&www), www_prefix)),
        filter,
        append_server_path,
        err: ctx.err.clone(),
    });
    if unix_socket.is_empty() {
        let listener = listen_tcp(&address, port).await?;
        let local = listener.local_addr()?;
        writeln!(ctx.out, "Starting to serve on {local}")?;
        ctx.out.flush()?;
        loop {
            let (stream, peer) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            serve_connection(proxy.clone(), stream, Some(peer.ip()));
        }
    } else {
        let listener = listen_unix(&unix_socket)?;
        writeln!(ctx.out, "Starting to serve on {unix_socket}")?;
        ctx.out.flush()?;
        loop {
            let (stream, _) = listener.accept().await?;
            serve_connection(proxy.clone(), stream, None);
        }
    }
}

/// klog's fatal line (`F1206 06:33:22.774262   12365 proxy_server.go:83] …`).
fn klog_fatal(err: &mut dyn Write, message: &str) {
    let now = chrono::Local::now();
    let _ = writeln!(
        err,
        "F{} {:>7} proxy_server.go:83] {message}",
        now.format("%m%d %H:%M:%S%.6f"),
        std::process::id()
    );
}

/// Go's `net.Listen("tcp", "ADDRESS:PORT")`, with its error wording.
async fn listen_tcp(address: &str, port: i64) -> Result<tokio::net::TcpListener> {
    let joined = format!("{address}:{port}");
    if address.contains(':') {
        bail!("listen tcp: address {joined}: too many colons in address");
    }
    let port: u16 =
        u16::try_from(port).map_err(|_| anyhow!("listen tcp: address {port}: invalid port"))?;
    // Go listens on a wildcard address (IPv4's too) with one dual-stack
    // IPv6 socket, shown as `[::]`.
    let wildcard = address.is_empty()
        || address
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_unspecified());
    let socket = if wildcard {
        SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, port))
    } else if let Ok(ip) = address.parse::<IpAddr>() {
        SocketAddr::new(ip, port)
    } else {
        let found: Vec<SocketAddr> = tokio::net::lookup_host((address, port))
            .await
            .map(|a| a.collect())
            .unwrap_or_default();
        match found.iter().find(|a| a.is_ipv4()).or(found.first()) {
            Some(a) => *a,
            None => bail!("listen tcp: lookup {address}: no such host"),
        }
    };
    tokio::net::TcpListener::bind(socket).await.map_err(|e| {
        anyhow!(
            "listen tcp {socket}: bind: {}",
            crate::client::connect::io_text(&e)
        )
    })
}

/// A Unix socket only its owner may use; a socket left at the path is
/// replaced.
fn listen_unix(path: &str) -> Result<tokio::net::UnixListener> {
    use std::os::unix::fs::FileTypeExt;
    if let Ok(m) = std::fs::metadata(path) {
        if m.file_type().is_socket() {
            let _ = std::fs::remove_file(path);
        }
    }
    // SAFETY: umask only swaps the process's file mode mask.
    let old = unsafe { libc::umask(0o077) };
    let listener = tokio::net::UnixListener::bind(path);
    // SAFETY: as above, restoring the previous mask.
    unsafe { libc::umask(old) };
    listener.map_err(|e| {
        anyhow!(
            "listen unix {path}: bind: {}",
            crate::client::connect::io_text(&e)
        )
    })
}

fn serve_connection<S>(proxy: Arc<Proxy>, stream: S, peer: Option<IpAddr>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let proxy = proxy.clone();
            async move { Ok::<_, Infallible>(handle(&proxy, request, peer).await) }
        });
        let _ = hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades()
            .await;
    });
}

fn full(status: StatusCode, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(
        Full::new(body.into())
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *response.status_mut() = status;
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            http::HeaderValue::from_str(v),
        ) {
            response.headers_mut().insert(k, v);
        }
    }
    response
}

/// Go's `http.Error`: plain text with a newline.
fn plain_error(status: StatusCode, text: &str) -> Response<Body> {
    full(
        status,
        &[
            ("content-type", "text/plain; charset=utf-8"),
            ("x-content-type-options", "nosniff"),
        ],
        format!("{text}\n"),
    )
}

async fn handle(proxy: &Proxy, request: Request<Incoming>, peer: Option<IpAddr>) -> Response<Body> {
    let method = request.method().as_str().to_string();
    let raw_path = request.uri().path().to_string();
    let path = percent_decode(&raw_path);
    let query = request.uri().query().map(str::to_string);
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .unwrap_or("")
        .to_string();
    let routes = Routes {
        api_prefix: &proxy.api_prefix,
        static_prefix: proxy.www.as_ref().map(|(_, p)| p.as_str()),
        filter: proxy.filter.as_ref(),
    };
    match routes.route(&method, &path, query.as_deref(), &host) {
        Route::NotFound => plain_error(StatusCode::NOT_FOUND, "404 page not found"),
        Route::Forbidden => plain_error(StatusCode::FORBIDDEN, "Forbidden"),
        Route::Redirect(location) => {
            let mut headers = vec![("location", location.as_str())];
            if method == "GET" || method == "HEAD" {
                headers.push(("content-type", "text/html; charset=utf-8"));
            }
            let body = if method == "GET" {
                format!(
                    "<a href=\"{}\">Temporary Redirect</a>.\n\n",
                    location.replace('&', "&amp;").replace('"', "&#34;")
                )
            } else {
                String::new()
            };
            full(StatusCode::TEMPORARY_REDIRECT, &headers, body)
        }
        Route::Static(file) => {
            let Some((dir, _)) = &proxy.www else {
                return plain_error(StatusCode::NOT_FOUND, "404 page not found");
            };
            let answer = files::serve(dir, &file, &path, query.as_deref());
            let headers: Vec<(&str, &str)> = answer
                .headers
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect();
            let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
            let body = if method == "HEAD" {
                Vec::new()
            } else {
                answer.body
            };
            full(status, &headers, body)
        }
        Route::Api(forwarded) => {
            // The forwarded path keeps the request's own escaping.
            let raw_forwarded = if path == raw_path || proxy.api_prefix.starts_with("/api") {
                if path == raw_path {
                    forwarded
                } else {
                    raw_path.clone()
                }
            } else {
                match raw_path.strip_prefix(proxy.api_prefix.as_str()) {
                    Some(rest) if rest.starts_with('/') => rest.to_string(),
                    Some(rest) => format!("/{rest}"),
                    None => forwarded,
                }
            };
            forward(proxy, request, raw_forwarded, query, peer).await
        }
    }
}

/// Hop-by-hop headers, which a proxy does not pass on (Go's reverse proxy).
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "proxy-connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn remove_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    for name in named.iter().map(String::as_str).chain(HOP_BY_HOP) {
        headers.remove(name);
    }
}

/// The protocol a request asks to upgrade to (`Connection: Upgrade`).
fn upgrade_wanted(headers: &HeaderMap) -> Option<http::HeaderValue> {
    let connection_upgrade = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case("upgrade"));
    connection_upgrade
        .then(|| headers.get(header::UPGRADE).cloned())
        .flatten()
}

async fn forward(
    proxy: &Proxy,
    mut request: Request<Incoming>,
    path: String,
    query: Option<String>,
    peer: Option<IpAddr>,
) -> Response<Body> {
    let upgrade = upgrade_wanted(request.headers());
    let client_side = upgrade.is_some().then(|| hyper::upgrade::on(&mut request));
    let (parts, body) = request.into_parts();
    // Request bodies are read whole: kube's body type takes no stream.
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return plain_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let target = match query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    let mut headers = parts.headers;
    remove_hop_by_hop(&mut headers);
    headers.remove(header::HOST);
    if let Some(protocol) = &upgrade {
        headers.insert(
            header::CONNECTION,
            http::HeaderValue::from_static("Upgrade"),
        );
        headers.insert(header::UPGRADE, protocol.clone());
    }
    if let Some(ip) = peer {
        let forwarded_for = match headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            Some(prior) => format!("{prior}, {ip}"),
            None => ip.to_string(),
        };
        if let Ok(v) = http::HeaderValue::from_str(&forwarded_for) {
            headers.insert("x-forwarded-for", v);
        }
    }
    let mut outgoing = match Request::builder()
        .method(parts.method)
        .uri(target.as_str())
        .body(kube::client::Body::from(body))
    {
        Ok(r) => r,
        Err(e) => return plain_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    *outgoing.headers_mut() = headers;
    match proxy
        .client
        .forward(outgoing, proxy.append_server_path)
        .await
    {
        Ok(mut response) if response.status() == StatusCode::SWITCHING_PROTOCOLS => {
            // Both sides switched: bytes flow both ways until either ends.
            let server_side = hyper::upgrade::on(&mut response);
            if let Some(client_side) = client_side {
                tokio::spawn(async move {
                    if let (Ok(server), Ok(client)) = (server_side.await, client_side.await) {
                        let _ = tokio::io::copy_bidirectional(
                            &mut TokioIo::new(server),
                            &mut TokioIo::new(client),
                        )
                        .await;
                    }
                });
            }
            let (parts, _) = response.into_parts();
            Response::from_parts(
                parts,
                Full::new(Bytes::new())
                    .map_err(|never| match never {})
                    .boxed_unsync(),
            )
        }
        Ok(response) => {
            let (mut parts, body) = response.into_parts();
            remove_hop_by_hop(&mut parts.headers);
            Response::from_parts(
                parts,
                body.map_err(|e| Box::new(e) as BoxError).boxed_unsync(),
            )
        }
        Err(e) => {
            let text = e.to_string();
            klog_error(
                &mut proxy.err.clone(),
                "proxy_server.go:147",
                &format!("Error while proxying request: {text}"),
            );
            plain_error(StatusCode::INTERNAL_SERVER_ERROR, &text)
        }
    }
}

/// `%XX` escapes decoded (Go's `URL.Path`); invalid escapes stay as typed.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
