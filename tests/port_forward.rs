//! `port-forward` against the real control plane, compared with kubectl
//! 1.37.1: the same messages, the same bytes served through both, the same
//! errors; many connections at once and 4 MiB both ways through kuddle.

mod common;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::cluster::{cluster_kubeconfig, kubectl_in, namespace};
use common::*;

fn pf_namespace() -> &'static str {
    static NS: OnceLock<String> = OnceLock::new();
    NS.get_or_init(|| {
        let ns = namespace("portfwd");
        let path = fixture("port_forward/pods.yaml");
        let out = kubectl_in(&ns, &format!("apply -f {}", path.display()));
        assert_eq!(out.code, 0, "apply: {}", out.stderr);
        let deadline = Instant::now() + Duration::from_secs(120);
        for line in [
            "wait --for=condition=Ready pod/web pod/echo --timeout=120s",
            "rollout status deployment/webdeploy --timeout=120s",
            "wait --for=jsonpath={.status.phase}=Succeeded pod/done --timeout=120s",
        ] {
            while kubectl_in(&ns, line).code != 0 {
                assert!(Instant::now() < deadline, "{line}");
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        ns
    })
}

fn invocation(ns: &str, line: &str) -> Invocation {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(line.split_whitespace().map(str::to_string));
    Invocation::new(&args).kubeconfig(cluster_kubeconfig())
}

/// A local port nobody listens on now.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// A running port-forward, its output read as it comes.
struct Session {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    stdout: Vec<String>,
}

impl Session {
    fn start(program: &std::path::Path, inv: &Invocation) -> Session {
        let mut child = Command::new(program)
            .args(&inv.args)
            .env_clear()
            .envs(&inv.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Session {
            child,
            lines: rx,
            stdout: Vec::new(),
        }
    }

    /// Waits for a line of output that `ok` accepts.
    fn wait_for(&mut self, ok: &dyn Fn(&str) -> bool) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("port-forward said nothing for 60 s");
            self.stdout.push(line.clone());
            if ok(&line) {
                return line;
            }
        }
    }

    /// Ctrl-C, then everything it printed and its exit code.
    fn interrupt(self) -> (String, String, i32) {
        // SAFETY: signals the child this test started.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        self.finish()
    }

    fn finish(mut self) -> (String, String, i32) {
        let status = self.child.wait().expect("wait");
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(1)) {
            self.stdout.push(line);
        }
        let mut out = self.stdout.join("\n");
        out.push('\n');
        (out, err, status.code().unwrap_or(-1))
    }
}

/// `GET /` through a local port: the whole answer.
fn http_get(port: u16) -> String {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    conn.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("write");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("read");
    // The date line changes between the two requests.
    answer
        .lines()
        .filter(|l| !l.starts_with("Date:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Both programs forward the same ports; each serves the same page and
/// prints the same lines (the local port masked where it is random).
#[test]
fn same_bytes_and_messages() {
    let ns = pf_namespace();
    for target in [
        "pod/web",
        "web",
        "deploy/webdeploy",
        "svc/websvc",
        "service/websvc",
    ] {
        for remote in ["8000", "http", "80", "web", "plain"] {
            let is_service = target.contains("svc");
            let service_port = matches!(remote, "80" | "web" | "plain");
            if is_service != service_port {
                continue;
            }
            compare_forwarding(ns, target, remote, false);
        }
    }
}

/// The same over a plain SPDY upgrade (KUBECTL_PORT_FORWARD_WEBSOCKETS=false
/// for both programs).
#[test]
fn same_bytes_and_messages_over_plain_spdy() {
    let ns = pf_namespace();
    for (target, remote) in [("pod/web", "8000"), ("svc/websvc", "web")] {
        compare_forwarding(ns, target, remote, true);
    }
}

/// Both programs told to forward over a plain SPDY upgrade, not through a
/// WebSocket.
fn plain_spdy(inv: Invocation, plain: bool) -> Invocation {
    if plain {
        inv.env("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false")
    } else {
        inv
    }
}

fn compare_forwarding(ns: &str, target: &str, remote: &str, plain: bool) {
    let mut results = Vec::new();
    for program in [kubectl_bin(), kuddle_bin()] {
        let port = free_port();
        let inv = plain_spdy(
            invocation(
                ns,
                &format!("port-forward {target} {port}:{remote} :{remote}"),
            ),
            plain,
        );
        let mut session = Session::start(&program, &inv);
        session.wait_for(&|l| l.starts_with(&format!("Forwarding from [::1]:{port}")));
        let random = session.wait_for(&|l| l.starts_with("Forwarding from [::1]:"));
        let random: u16 = random
            .split(['[', ']', ':', ' '])
            .find_map(|w| w.parse().ok().filter(|p| *p != 1))
            .expect("a port");
        let first = http_get(port);
        let second = http_get(random);
        session.wait_for(&|l| l == format!("Handling connection for {random}"));
        let (out, err, code) = session.interrupt();
        let out = out
            .replace(&format!(":{port} "), ":<port> ")
            .replace(&format!(" {port}\n"), " <port>\n")
            .replace(&format!(":{random} "), ":<random> ")
            .replace(&format!(" {random}\n"), " <random>\n");
        results.push((first, second, out, err, code));
    }
    let context = format!("port-forward {target} …:{remote} (plain SPDY: {plain})");
    let (k, d) = (&results[0], &results[1]);
    assert!(k.0.contains("Directory listing"), "{context}: {}", k.0);
    assert_same_text("page", &k.0, &d.0, &context);
    assert_same_text("page (random port)", &k.1, &d.1, &context);
    assert_same_text("stdout", &k.2, &d.2, &context);
    assert_same_text("stderr", &k.3, &d.3, &context);
    assert_eq!(k.4, d.4, "exit code for {context}");
}

#[test]
fn errors() {
    let ns = pf_namespace();
    for line in [
        "port-forward",
        "port-forward web",
        "port-forward web 0",
        "port-forward web x",
        "port-forward web :",
        "port-forward web 70000",
        "port-forward web 80:x",
        "port-forward web +80",
        "port-forward web dns",
        "port-forward web 1:dns",
        "port-forward svc/websvc nope",
        "port-forward svc/websvc 99",
        "port-forward cm/cm 80",
        "port-forward nope 80",
        "port-forward deploy/nope 80",
        "port-forward done 80",
        "port-forward web 80 --address=bad",
        "port-forward web 80 --address=localhost,nope",
        "port-forward web 80 --pod-running-timeout=0",
        "port-forward web 80 --pod-running-timeout=x",
    ] {
        let ns_owned = ns.to_string();
        assert_same_with(&invocation(ns, line), &move |s| {
            s.replace(&ns_owned, "<ns>")
        });
    }
}

/// A port nothing listens on in the pod: the node's error, in kubectl's
/// klog line, and forwarding ends ("lost connection to pod").
#[test]
fn a_refused_connection_ends_forwarding() {
    let ns = pf_namespace();
    for plain in [false, true] {
        let port = free_port();
        let mut results = Vec::new();
        for program in [kubectl_bin(), kuddle_bin()] {
            let inv = plain_spdy(
                invocation(ns, &format!("port-forward web {port}:9999")),
                plain,
            );
            let mut session = Session::start(&program, &inv);
            session.wait_for(&|l| l.starts_with("Forwarding from [::1]"));
            let mut conn = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            let mut rest = Vec::new();
            let _ = conn.read_to_end(&mut rest);
            results.push(session.finish());
        }
        let context = format!("refused (plain SPDY: {plain})");
        let (k, d) = (&results[0], &results[1]);
        assert_same_text("stdout", &k.0, &d.0, &context);
        assert_same_text(
            "stderr",
            &normalize_stderr(&k.1),
            &normalize_stderr(&d.1),
            &context,
        );
        assert_eq!(k.2, d.2);
        assert!(d.1.ends_with("error: lost connection to pod\n"), "{d:?}");
    }
}

/// Fifty connections at once, each echoing what it sent, and 4 MiB of
/// random bytes through one: all served, byte for byte.
#[test]
fn many_connections_and_four_mebibytes() {
    for plain in [false, true] {
        many_connections_and_four_mebibytes_over(plain);
    }
}

fn many_connections_and_four_mebibytes_over(plain: bool) {
    let ns = pf_namespace();
    let port = free_port();
    let inv = plain_spdy(
        invocation(ns, &format!("port-forward pod/echo {port}:9000")),
        plain,
    );
    let mut session = Session::start(&kuddle_bin(), &inv);
    session.wait_for(&|l| l.starts_with("Forwarding from [::1]"));
    let workers: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                let mut conn = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                let message = format!("hello from {i}\n");
                conn.write_all(message.as_bytes()).expect("write");
                let mut back = vec![0u8; message.len()];
                conn.read_exact(&mut back).expect("read");
                assert_eq!(back, message.as_bytes());
            })
        })
        .collect();
    for w in workers {
        w.join().expect("connection");
    }
    let mut data = vec![0u8; 4 << 20];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for b in data.iter_mut() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        *b = seed as u8;
    }
    let mut conn = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut reader = conn.try_clone().expect("clone");
    let expected = data.clone();
    let receiver = std::thread::spawn(move || {
        let mut back = vec![0u8; expected.len()];
        reader.read_exact(&mut back).expect("read back");
        back == expected
    });
    conn.write_all(&data).expect("write");
    assert!(receiver.join().expect("reader"), "4 MiB came back changed");
    drop(conn);
    let (out, err, code) = session.interrupt();
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("Handling connection for").count(), 51, "{out}");
}

/// The limited user may read pods in `default` but not forward to them
/// (nor exec or attach): kubectl's refusal, before anything listens, with
/// WebSocket and with plain SPDY.
#[test]
fn forbidden_for_the_limited_user() {
    let ns = pf_namespace();
    let name = format!("{ns}-pf");
    let default = |line: &str| kubectl_in("default", line);
    let out = default(&format!(
        "run {name} --image=busybox --command -- sleep 3600"
    ));
    assert_eq!(out.code, 0, "{out:?}");
    let ready = default(&format!(
        "wait --for=condition=Ready pod/{name} --timeout=120s"
    ));
    let result = std::panic::catch_unwind(|| {
        assert_eq!(ready.code, 0, "{ready:?}");
        for line in [
            format!("--context limited -n default port-forward {name} 18999:80"),
            format!("--context limited -n default exec {name} -- true"),
            format!("--context limited -n default attach {name}"),
            format!("--context limited -n {ns} port-forward web 18999:8000"),
        ] {
            for plain in [false, true] {
                let inv = Invocation::line(&line).kubeconfig(cluster_kubeconfig());
                let inv = if plain {
                    inv.env("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false")
                        .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")
                } else {
                    inv
                };
                let out = assert_same(&inv);
                assert_eq!(out.code, 1);
                if line.contains(&name) {
                    assert!(
                        out.stderr.contains("unable to upgrade connection"),
                        "{out:?}"
                    );
                }
            }
        }
    });
    default(&format!("delete pod {name} --wait=false"));
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// Local ports already taken: kubectl's account of each listener that
/// failed, and its error when no port could be listened on.
#[test]
fn ports_in_use() {
    let ns = pf_namespace();
    let v4 = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = v4.local_addr().expect("addr").port();
    let _v6 = std::net::TcpListener::bind(("::1", port)).expect("bind ::1");
    let other = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let v4_only = other.local_addr().expect("addr").port();
    for line in [
        format!("port-forward web {port}:8000"),
        format!("port-forward web {port}:8000 {port}:http"),
        format!("port-forward web {v4_only}:8000 --address 127.0.0.1"),
        format!("port-forward web {v4_only}:8000 --address 127.0.0.1,127.0.0.1"),
    ] {
        let out = assert_same(&invocation(ns, &line));
        assert_eq!(out.code, 1);
        assert!(out.stderr.contains("address already in use"), "{out:?}");
    }
}
