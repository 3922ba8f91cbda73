//! `proxy` against the real control plane, compared with kubectl 1.37.1:
//! both run on a random port (or a Unix socket) and answer the same
//! requests with the same status and body: API reads, the server's 404 and
//! 403, the filter's 403 for rejected paths, hosts and methods, other API
//! prefixes, static files; and the same errors for bad flags.

mod common;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::cluster::cluster_kubeconfig;
use common::*;

/// A running proxy; killed and reaped when dropped.
struct Running {
    child: Child,
    /// What follows `Starting to serve on `.
    address: String,
    /// The file its stderr goes to.
    stderr: PathBuf,
}

impl Running {
    fn start(program: &Path, args: &[&str]) -> Running {
        let inv = Invocation::new(args).kubeconfig(cluster_kubeconfig());
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let stderr = common::scratch_root().join(format!(
            "kuddle-proxy-stderr-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let mut child = Command::new(program)
            .args(&inv.args)
            .env_clear()
            .envs(&inv.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("spawn");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(out).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let mut running = Running {
            child,
            address: String::new(),
            stderr,
        };
        running.address = line
            .strip_prefix("Starting to serve on ")
            .unwrap_or_else(|| panic!("{} printed {line:?}", program.display()))
            .trim_end()
            .to_string();
        running
    }

    fn port(&self) -> u16 {
        self.address
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port")
    }

    /// One request over TCP: the status code and the body.
    fn ask(&self, method: &str, path: &str, host: &str) -> (u16, String) {
        self.send(method, path, host, "")
    }

    /// One request with a body.
    fn send(&self, method: &str, path: &str, host: &str, body: &str) -> (u16, String) {
        let conn = TcpStream::connect(("127.0.0.1", self.port())).expect("connect");
        exchange_with_body(conn, method, path, host, body)
    }

    /// What it printed on stderr so far, klog headers normalized.
    fn stderr(&self) -> String {
        normalize_stderr(&std::fs::read_to_string(&self.stderr).unwrap_or_default())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr);
    }
}

/// An HTTP/1.0 request (the answer ends with the connection).
fn exchange<S: Read + Write>(conn: S, method: &str, path: &str, host: &str) -> (u16, String) {
    exchange_with_body(conn, method, path, host, "")
}

fn exchange_with_body<S: Read + Write>(
    mut conn: S,
    method: &str,
    path: &str,
    host: &str,
    body: &str,
) -> (u16, String) {
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(request.as_bytes()).expect("write");
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).expect("read");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a header");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, body.to_string())
}

fn both(args: &[&str]) -> (Running, Running) {
    (
        Running::start(&kubectl_bin(), args),
        Running::start(&kuddle_bin(), args),
    )
}

/// Sends each request through both proxies and asserts the same answers;
/// returns kuddle's.
fn same_answers(
    kubectl: &Running,
    kuddle: &Running,
    requests: &[(&str, &str, &str)],
) -> Vec<(u16, String)> {
    requests
        .iter()
        .map(|(method, path, host)| {
            let expected = kubectl.ask(method, path, host);
            let actual = kuddle.ask(method, path, host);
            assert_eq!(expected, actual, "{method} {path} (Host: {host})");
            actual
        })
        .collect()
}

/// A wildcard address, IPv4's included, is one dual-stack socket in Go:
/// `[::]` in the banner, and IPv6 loopback answered too.
#[test]
fn ipv4_wildcard_listens_on_both_families() {
    let (kubectl, kuddle) = both(&["proxy", "--port=0", "--address=0.0.0.0"]);
    for running in [&kubectl, &kuddle] {
        assert!(
            running.address.starts_with("[::]:"),
            "banner address {}",
            running.address
        );
        assert!(
            TcpStream::connect(("::1", running.port())).is_ok(),
            "no answer on [::1]:{}",
            running.port()
        );
    }
}

fn www_dir() -> PathBuf {
    let dir = common::scratch_root().join(format!("kuddle-proxy-www-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("a.txt"), "hello from a file\n").expect("write");
    std::fs::write(dir.join("sub/index.html"), "<p>index</p>\n").expect("write");
    dir
}

#[test]
fn answers_as_kubectl_does() {
    let www = www_dir();
    let www = www.display().to_string();
    let (kubectl, kuddle) = both(&["proxy", "--port=0", &format!("--www={www}")]);
    assert!(
        kuddle.address.starts_with("127.0.0.1:"),
        "{}",
        kuddle.address
    );
    let answers = same_answers(
        &kubectl,
        &kuddle,
        &[
            ("GET", "/api", "localhost"),
            ("GET", "/api/v1/namespaces/default", "127.0.0.1:8001"),
            (
                "GET",
                "/api/v1/namespaces/default/pods/kuddle-no-such-pod",
                "localhost",
            ),
            ("GET", "/no/such/path", "localhost"),
            (
                "POST",
                "/api/v1/namespaces/default/pods/x/exec",
                "localhost",
            ),
            (
                "GET",
                "/api/v1/namespaces/default/pods/x/attach?stdin=true",
                "localhost",
            ),
            ("GET", "/api", "evil.example.com"),
            ("GET", "/api", "[::1]"),
            ("GET", "/x//y/../z", "localhost"),
            ("GET", "/static/a.txt", "anything"),
            ("GET", "/static/", "localhost"),
            ("GET", "/static", "localhost"),
            ("GET", "/static/sub", "localhost"),
            ("GET", "/static/sub/", "localhost"),
            ("GET", "/static/nope.txt", "localhost"),
        ],
    );
    assert_eq!(answers[0].0, 200);
    assert!(
        answers[1].1.contains("\"name\":\"default\""),
        "{}",
        answers[1].1
    );
    assert_eq!(answers[2].0, 404);
    assert_eq!(answers[4], (403, "Forbidden\n".to_string()));
    assert_eq!(answers[6], (403, "Forbidden\n".to_string()));
    assert_eq!(answers[9], (200, "hello from a file\n".to_string()));
    assert_eq!(answers[13], (200, "<p>index</p>\n".to_string()));
}

#[test]
fn filters_from_flags() {
    let (kubectl, kuddle) = both(&[
        "proxy",
        "--port=0",
        "--reject-methods=^POST$,^DELETE$",
        "--accept-paths=^/api$,^/version",
        "--accept-hosts=^proxy\\.test$",
    ]);
    let answers = same_answers(
        &kubectl,
        &kuddle,
        &[
            ("GET", "/api", "proxy.test:80"),
            ("GET", "/version", "proxy.test"),
            ("GET", "/apis", "proxy.test"),
            ("POST", "/api", "proxy.test"),
            ("DELETE", "/api", "proxy.test"),
            ("GET", "/api", "localhost"),
        ],
    );
    assert_eq!(answers[0].0, 200);
    assert_eq!(answers[3], (403, "Forbidden\n".to_string()));
}

#[test]
fn api_under_another_prefix() {
    let (kubectl, kuddle) = both(&["proxy", "--port=0", "--api-prefix=/custom"]);
    let answers = same_answers(
        &kubectl,
        &kuddle,
        &[
            ("GET", "/custom/api", "localhost"),
            ("GET", "/custom/api/v1/namespaces/default", "localhost"),
            ("GET", "/custom", "localhost"),
            ("GET", "/custom?x=1", "localhost"),
            ("GET", "/api", "localhost"),
            (
                "GET",
                "/custom/api/v1/namespaces/default/pods/p/exec",
                "localhost",
            ),
        ],
    );
    assert_eq!(answers[0].0, 200);
    assert_eq!(answers[2].0, 307);
    assert_eq!(answers[4].0, 404);
    // An API prefix that starts with /api is not stripped.
    let (kubectl, kuddle) = both(&["proxy", "--port=0", "--api-prefix=/api/"]);
    let answers = same_answers(
        &kubectl,
        &kuddle,
        &[
            ("GET", "/api/v1", "localhost"),
            ("GET", "/apis", "localhost"),
        ],
    );
    assert_eq!(answers[0].0, 200);
    assert_eq!(answers[1].0, 404);
}

#[test]
fn unix_socket() {
    let dir = common::scratch_root().join(format!("kuddle-proxy-sock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let a = dir.join("kubectl.sock").display().to_string();
    let b = dir.join("kuddle.sock").display().to_string();
    let kubectl = Running::start(&kubectl_bin(), &["proxy", "--unix-socket", &a]);
    let kuddle = Running::start(&kuddle_bin(), &["proxy", "-u", &b]);
    assert_eq!(kuddle.address, b);
    assert_eq!(kubectl.address, a);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&b).expect("socket").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    for (method, path) in [
        ("GET", "/api"),
        ("GET", "/api/v1/namespaces/default/pods/x/exec"),
    ] {
        let expected = exchange(
            UnixStream::connect(&a).expect("connect"),
            method,
            path,
            "localhost",
        );
        let actual = exchange(
            UnixStream::connect(&b).expect("connect"),
            method,
            path,
            "localhost",
        );
        assert_eq!(expected, actual, "{path}");
    }
    drop((kubectl, kuddle));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `limited` user may not list nodes: the server's 403 comes through.
#[test]
fn server_refusals_pass_through() {
    let (kubectl, kuddle) = both(&["--context=limited", "proxy", "--port=0"]);
    let answers = same_answers(
        &kubectl,
        &kuddle,
        &[
            ("GET", "/api/v1/nodes", "localhost"),
            ("GET", "/api", "localhost"),
        ],
    );
    assert_eq!(answers[0].0, 403);
    assert!(
        answers[0].1.contains("\"reason\":\"Forbidden\""),
        "{}",
        answers[0].1
    );
}

/// A watch's events arrive while it is still open.
#[test]
fn watches_stream() {
    let kuddle = Running::start(&kuddle_bin(), &["proxy", "--port=0"]);
    let mut conn = TcpStream::connect(("127.0.0.1", kuddle.port())).expect("connect");
    conn.write_all(
        b"GET /api/v1/namespaces?watch=true&timeoutSeconds=30 HTTP/1.1\r\nHost: localhost\r\n\r\n",
    )
    .expect("write");
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("\"ADDED\"") {
        let n = conn.read(&mut buf).expect("an event within 10 s");
        assert!(n > 0, "the watch ended early");
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn bad_flags() {
    let dir = common::scratch_root().join(format!("kuddle-proxy-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let sock = dir.join("s.sock").display().to_string();
    let lines: Vec<Vec<String>> = vec![
        vec!["proxy".into(), "--port=abc".into()],
        vec!["proxy".into(), "-p".into(), "1x".into()],
        vec!["proxy".into(), "--keepalive=x".into()],
        vec!["proxy".into(), "--disable-filter=maybe".into()],
        vec![
            "proxy".into(),
            "--port=5".into(),
            format!("--unix-socket={sock}"),
        ],
        vec!["proxy".into(), "--port=70000".into()],
        vec![
            "proxy".into(),
            "--disable-filter".into(),
            "--port=-1".into(),
        ],
        vec!["proxy".into(), "--address=::1".into(), "--port=0".into()],
        vec!["proxy".into(), "--reject-paths=(".into(), "--port=0".into()],
        // Warnings before the error: a server path, a missing or plain-file
        // --www, a relaxed filter.
        vec![
            "proxy".into(),
            "--server=https://127.0.0.1:1/foo".into(),
            "--www=/kuddle/no/such/dir".into(),
            "--port=-1".into(),
        ],
        vec![
            "proxy".into(),
            "--www=/etc/hostname".into(),
            "--reject-methods=".into(),
            "--port=-1".into(),
        ],
    ];
    for args in &lines {
        let out = assert_same(&Invocation::new(args).kubeconfig(cluster_kubeconfig()));
        assert_ne!(out.code, 0, "{args:?}");
    }
    let out = Invocation::new(&["proxy", "--accept-paths=a(b", "--port=0"])
        .kubeconfig(cluster_kubeconfig())
        .kuddle();
    assert_eq!(out.code, 255);
    assert!(
        out.stderr
            .contains("] Error compiling re: error parsing regexp: missing closing ): `a(b`"),
        "{}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server that cannot be reached: 500 with Go's dial error, logged.
#[test]
fn unreachable_server() {
    let args = ["proxy", "--server=http://127.0.0.1:1", "--port=0"];
    let (kubectl, kuddle) = both(&args);
    let answers = same_answers(&kubectl, &kuddle, &[("GET", "/api", "localhost")]);
    assert_eq!(
        answers[0],
        (
            500,
            "dial tcp 127.0.0.1:1: connect: connection refused\n".to_string()
        )
    );
    assert_eq!(kubectl.stderr(), kuddle.stderr());
    assert!(kuddle
        .stderr()
        .contains("] Error while proxying request: dial tcp"));
}

/// Request bodies reach the server (a dry-run create, so nothing stays).
#[test]
fn request_bodies_are_forwarded() {
    let (kubectl, kuddle) = both(&["proxy", "--port=0"]);
    let body = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kuddle-proxy-dry"},"data":{"a":"b"}}"#;
    let path = "/api/v1/namespaces/default/configmaps?dryRun=All";
    let expected = kubectl.send("POST", path, "localhost", body);
    let actual = kuddle.send("POST", path, "localhost", body);
    assert_eq!(expected.0, actual.0);
    assert_eq!(actual.0, 201, "{}", actual.1);
    assert!(actual.1.contains("\"a\":\"b\""), "{}", actual.1);
    let bad = "{not json";
    assert_eq!(
        kubectl.send("POST", path, "localhost", bad),
        kuddle.send("POST", path, "localhost", bad)
    );
}

/// With exec allowed by the filter, `kubectl exec` through either proxy
/// works the same: the WebSocket upgrade and SPDY (its fallback) are joined
/// through, exit code and streams included.
#[test]
fn upgrades_pass_through() {
    /// Deletes the namespace however the test ends.
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            Invocation::new(&["delete", "namespace", self.0.as_str(), "--wait=false"])
                .kubeconfig(cluster_kubeconfig())
                .kubectl();
        }
    }
    let cleanup = Cleanup(common::cluster::namespace("proxyexec"));
    let ns = cleanup.0.clone();
    let kubectl_in = |args: &[&str]| {
        let mut all = vec!["-n", ns.as_str()];
        all.extend_from_slice(args);
        Invocation::new(&all)
            .kubeconfig(cluster_kubeconfig())
            .kubectl()
    };
    let created = kubectl_in(&[
        "run",
        "sleeper",
        "--image=busybox",
        "--restart=Never",
        "--command",
        "--",
        "sleep",
        "600",
    ]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let ready = kubectl_in(&[
        "wait",
        "--for=condition=Ready",
        "pod/sleeper",
        "--timeout=120s",
    ]);
    assert_eq!(ready.code, 0, "{}", ready.stderr);
    let (kubectl, kuddle) = both(&["proxy", "--port=0", "--reject-paths=^/nothing$"]);
    for websockets in ["true", "false"] {
        let through = |proxy: &Running| {
            let server = format!("--server=http://127.0.0.1:{}", proxy.port());
            Invocation::new(&[
                server.as_str(),
                "-n",
                ns.as_str(),
                "exec",
                "-i",
                "sleeper",
                "--",
                "sh",
                "-c",
                "cat; echo err >&2; exit 3",
            ])
            .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", websockets)
            .stdin("through the proxy\n")
            .kubectl()
        };
        let expected = through(&kubectl);
        let actual = through(&kuddle);
        assert_eq!(expected, actual, "websockets={websockets}");
        assert_eq!(actual.stdout, "through the proxy\n");
        assert_eq!(actual.code, 3);
    }
    drop((kubectl, kuddle, cleanup));
}
