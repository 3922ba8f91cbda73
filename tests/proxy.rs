//! Requests through an HTTP CONNECT proxy (the kubeconfig's `proxy-url`),
//! and `HTTPS_PROXY` ignored for a loopback server, as Go's client does.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::cluster::cluster_kubeconfig;
use common::*;

/// A minimal CONNECT proxy on loopback that counts the tunnels it opened.
fn start_proxy() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = tunnels.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let count = count.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or(0);
                let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                let Ok(upstream) = TcpStream::connect(&target) else {
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let mut client_w = client.try_clone().unwrap();
                client_w
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .unwrap();
                let mut up_r = upstream.try_clone().unwrap();
                let mut up_w = upstream;
                let mut client_r = reader.into_inner();
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_r, &mut client_w);
                });
                let _ = std::io::copy(&mut client_r, &mut up_w);
            });
        }
    });
    (port, tunnels)
}

/// The test cluster's kubeconfig with `proxy-url` added to its cluster.
fn kubeconfig_with_proxy(port: u16) -> std::path::PathBuf {
    let text = std::fs::read_to_string(cluster_kubeconfig()).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if line.trim_start().starts_with("server: ") {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!("{indent}proxy-url: http://127.0.0.1:{port}\n"));
        }
    }
    let path =
        common::scratch_root().join(format!("kuddle-proxy-{}-{port}.yaml", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn requests_go_through_the_configured_proxy() {
    let (port, tunnels) = start_proxy();
    let kubeconfig = kubeconfig_with_proxy(port);
    let inv = Invocation::line("get ns kube-system").kubeconfig(&kubeconfig);
    let theirs = inv.kubectl();
    assert!(
        tunnels.load(Ordering::SeqCst) > 0,
        "kubectl did not use the proxy: {}",
        theirs.stderr
    );
    let before = tunnels.load(Ordering::SeqCst);
    let ours = inv.kuddle();
    assert!(
        tunnels.load(Ordering::SeqCst) > before,
        "kuddle did not use the proxy: {}",
        ours.stderr
    );
    assert_eq!(
        (ours.code, normalize_ages(&ours.stdout)),
        (theirs.code, normalize_ages(&theirs.stdout))
    );
}

#[test]
fn environment_proxies_skip_loopback_servers() {
    let inv = Invocation::line("get ns kube-system")
        .kubeconfig(cluster_kubeconfig())
        .env("HTTPS_PROXY", "http://127.0.0.1:1");
    let ours = assert_same_with(&inv, &normalize_ages);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
}
