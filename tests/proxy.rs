//! Requests through an HTTP CONNECT proxy (the kubeconfig's `proxy-url`,
//! or `HTTPS_PROXY` read by Go's rules), and `HTTPS_PROXY` ignored for a
//! loopback server, as Go's client does.

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
                // Names under .invalid stand for this machine: the test
                // servers are on loopback, which the environment's proxy
                // never serves.
                let target = match target.rsplit_once(':') {
                    Some((host, port)) if host.ends_with(".invalid") => {
                        format!("127.0.0.1:{port}")
                    }
                    _ => target,
                };
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

/// The test cluster's kubeconfig with its server named `kuddle-proxied.invalid`
/// (which the test proxy takes to loopback), verified as `localhost`.
fn kubeconfig_for_a_remote_name() -> std::path::PathBuf {
    let text = std::fs::read_to_string(cluster_kubeconfig()).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        match line.trim_start().strip_prefix("server: https://127.0.0.1:") {
            Some(port) => {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!(
                    "{indent}server: https://kuddle-proxied.invalid:{port}\n{indent}tls-server-name: localhost\n"
                ));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let path = common::scratch_root().join(format!("kuddle-remote-{}.yaml", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

/// `HTTPS_PROXY` as Go reads it: a scheme other than https or socks5 is an
/// HTTP proxy (`ftp://`), a bare `host:port` too; a value that is no URL is
/// ignored and the request goes direct (here: a name that does not resolve).
#[test]
fn environment_proxies_as_go_reads_them() {
    let (port, tunnels) = start_proxy();
    let kubeconfig = kubeconfig_for_a_remote_name();
    for value in [
        format!("ftp://127.0.0.1:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        let inv = Invocation::line("get ns kube-system -o name")
            .kubeconfig(&kubeconfig)
            .env("HTTPS_PROXY", &value);
        let before = tunnels.load(Ordering::SeqCst);
        let theirs = inv.kubectl();
        let after_kubectl = tunnels.load(Ordering::SeqCst);
        assert!(
            after_kubectl > before,
            "kubectl, {value}: {}",
            theirs.stderr
        );
        let ours = inv.kuddle();
        assert!(
            tunnels.load(Ordering::SeqCst) > after_kubectl,
            "kuddle did not use {value}: {}",
            ours.stderr
        );
        assert_eq!((ours.code, &ours.stdout), (0, &theirs.stdout), "{value}");
    }
    let inv = Invocation::line("get ns kube-system -o name --request-timeout=10s")
        .kubeconfig(&kubeconfig)
        .env("HTTPS_PROXY", "::bad");
    let before = tunnels.load(Ordering::SeqCst);
    let (theirs, ours) = (inv.kubectl(), inv.kuddle());
    assert_eq!(tunnels.load(Ordering::SeqCst), before, "a proxy was used");
    assert_eq!(
        (theirs.code, ours.code),
        (1, 1),
        "{}\n{}",
        theirs.stderr,
        ours.stderr
    );
    assert!(
        ours.stderr.contains("kuddle-proxied.invalid"),
        "not a direct attempt: {}",
        ours.stderr
    );
}
