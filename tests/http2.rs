//! HTTP/2 as client-go speaks it to the real API server: negotiated with
//! ALPN and multiplexed over one connection, turned off by `DISABLE_HTTP2`
//! (with client-go's log line), and never stuck behind the server's limit
//! of concurrent streams when every stream is a long watch.

mod common;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::cluster::cluster_kubeconfig;
use common::*;
use kuddle::client::transport::{self, Http2Settings, Transport};

fn settings(env: &[(&str, &str)]) -> (Http2Settings, String) {
    let mut log = Vec::new();
    let lookup = |name: &str| {
        env.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let settings = Http2Settings::from_env(&lookup, &mut log);
    (settings, String::from_utf8(log).unwrap())
}

fn cluster_transport(http2: &Http2Settings) -> Transport {
    let path = cluster_kubeconfig().display().to_string();
    let config = kuddle::kubeconfig::load::load_file(&path)
        .ok()
        .expect("cluster kubeconfig");
    let resolved = kuddle::kubeconfig::ClientConfig::new(
        config,
        kuddle::kubeconfig::Overrides::default(),
        kuddle::kubeconfig::InCluster::default(),
    )
    .client_config()
    .expect("resolved cluster kubeconfig");
    transport::build(&resolved, http2).expect("transport")
}

fn get(path: &str) -> http::Request<kube::client::Body> {
    http::Request::get(path)
        .body(kube::client::Body::empty())
        .unwrap()
}

/// Sends `count` GETs of `/version` at once: the HTTP versions answered.
async fn versions_at_once(t: &Transport, count: usize) -> Vec<http::Version> {
    let sends = (0..count).map(|_| {
        let client = t.client.clone();
        tokio::spawn(async move { client.send(get("/version")).await.map(|r| r.version()) })
    });
    let mut versions = Vec::new();
    for send in sends.collect::<Vec<_>>() {
        versions.push(send.await.unwrap().expect("GET /version"));
    }
    versions
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn api_requests_share_one_http2_connection() {
    let (http2, log) = settings(&[]);
    assert!(http2.enabled);
    assert_eq!(http2.read_idle, Some(Duration::from_secs(30)));
    assert_eq!(http2.ping_timeout, Duration::from_secs(15));
    assert_eq!(log, "");
    let rt = runtime();
    let _in_runtime = rt.enter();
    let t = cluster_transport(&http2);
    rt.block_on(async {
        // The first request opens the connection; the next ones, sent all
        // at once, are streams on it.
        assert_eq!(versions_at_once(&t, 1).await, vec![http::Version::HTTP_2]);
        let versions = versions_at_once(&t, 8).await;
        assert!(
            versions.iter().all(|v| *v == http::Version::HTTP_2),
            "{versions:?}"
        );
    });
    assert_eq!(t.opened.load(Ordering::Relaxed), 1);
}

#[test]
fn disable_http2_keeps_http1() {
    let (http2, log) = settings(&[("DISABLE_HTTP2", "1")]);
    assert!(!http2.enabled);
    assert!(
        log.ends_with("http.go:136] HTTP2 has been explicitly disabled\n"),
        "{log}"
    );
    let rt = runtime();
    let _in_runtime = rt.enter();
    let t = cluster_transport(&http2);
    rt.block_on(async {
        assert_eq!(versions_at_once(&t, 1).await, vec![http::Version::HTTP_11]);
        let versions = versions_at_once(&t, 8).await;
        assert!(
            versions.iter().all(|v| *v == http::Version::HTTP_11),
            "{versions:?}"
        );
    });
    // HTTP/1.1 needs a connection per request in flight.
    assert!(t.opened.load(Ordering::Relaxed) > 1);
}

#[test]
fn health_check_settings_follow_client_go() {
    let (http2, log) = settings(&[
        ("HTTP2_READ_IDLE_TIMEOUT_SECONDS", "0"),
        ("HTTP2_PING_TIMEOUT_SECONDS", "7"),
    ]);
    assert_eq!(
        (http2.read_idle, http2.ping_timeout),
        (None, Duration::from_secs(7))
    );
    assert_eq!(log, "");
    let (http2, log) = settings(&[("HTTP2_PING_TIMEOUT_SECONDS", "0"), ("DISABLE_HTTP2", "")]);
    assert!(http2.enabled, "an empty DISABLE_HTTP2 is unset");
    assert_eq!(http2.ping_timeout, Duration::from_secs(15));
    assert_eq!(log, "");
}

/// kube-apiserver allows 250 streams per connection: with 260 watches
/// open, a request must still be answered (on further connections), not
/// wait behind the watches for a stream.
#[test]
fn more_watches_than_the_server_allows_streams_do_not_block_requests() {
    let (http2, _) = settings(&[]);
    let rt = runtime();
    let _in_runtime = rt.enter();
    let t = cluster_transport(&http2);
    rt.block_on(async {
        let watch = "/api/v1/namespaces/kube-public/configmaps?watch=true&timeoutSeconds=120&fieldSelector=metadata.name%3Dnone-such";
        // The first one opens the first connection, and shows the server
        // speaks HTTP/2: the next connections are opened once each.
        let mut watches = vec![t.client.send(get(watch)).await.expect("watch")];
        let opens = (1..260).map(|_| {
            let client = t.client.clone();
            tokio::spawn(async move { client.send(get(watch)).await })
        });
        for open in opens.collect::<Vec<_>>() {
            let response = tokio::time::timeout(Duration::from_secs(60), open)
                .await
                .expect("a watch did not start within 60 s")
                .unwrap()
                .expect("watch");
            assert_eq!(response.status(), 200);
            watches.push(response);
        }
        let version = tokio::time::timeout(Duration::from_secs(20), t.client.send(get("/version")))
            .await
            .expect("a GET behind 260 open watches did not finish within 20 s")
            .expect("GET /version");
        assert_eq!(version.status(), 200);
        drop(watches);
    });
    // 100 requests per connection: the 261 requests needed 3 connections.
    assert_eq!(t.opened.load(Ordering::Relaxed), 3);
}

#[test]
fn disable_http2_logs_as_kubectl_does() {
    let config = cluster_kubeconfig();
    for env in [
        ("DISABLE_HTTP2", "1"),
        ("DISABLE_HTTP2", "false"),
        ("HTTP2_READ_IDLE_TIMEOUT_SECONDS", "x"),
        ("HTTP2_PING_TIMEOUT_SECONDS", "99999999999999999999"),
    ] {
        let out = assert_same(
            &Invocation::line("get namespace default -o name")
                .kubeconfig(&config)
                .env(env.0, env.1),
        );
        assert!(out.stderr.contains("http.go:"), "{env:?}: {}", out.stderr);
    }
}

/// Without TLS options, a proxy URL or an exec plugin, client-go uses Go's
/// default transport: HTTP/2 without health checks, `DISABLE_HTTP2` unread.
#[test]
fn go_default_transport_ignores_the_environment() {
    let env = |name: &str| (name == "DISABLE_HTTP2").then(|| "1".to_string());
    let mut log = Vec::new();
    let mut plain = kuddle::kubeconfig::ResolvedConfig {
        server: "https://example.com".into(),
        bearer_token: "t".into(),
        ..Default::default()
    };
    let http2 = Http2Settings::for_config(&plain, &env, &mut log);
    assert!(http2.enabled && http2.read_idle.is_none());
    assert!(log.is_empty());
    plain.insecure = true;
    assert!(!Http2Settings::for_config(&plain, &env, &mut log).enabled);
    assert!(!log.is_empty());
}
