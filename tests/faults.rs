//! kubectl and kuddle through the harness's fault-injecting proxy, in front
//! of the real API server: malformed and wrongly shaped answers, bodies that
//! trickle, stall, break off or reset, servers that never answer, 429/503
//! with Retry-After, redirects. Same exit code, same messages, same objects
//! left behind, and no hang.

mod common;
use std::time::{Duration, Instant};

use common::cluster::{cluster_kubeconfig, twin_namespaces};
use common::faults::fault_proxy;
use common::*;

/// Go races two equal timers (the request's context and the client's
/// timeout) when a request times out, and names whichever fired first: all
/// its spellings become one.
fn normalize_go_timeouts(text: &str) -> String {
    [
        "net/http: request canceled (Client.Timeout exceeded while awaiting headers)",
        "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
        "net/http: request canceled (Client.Timeout or context cancellation while reading body)",
        "context deadline exceeded (Client.Timeout or context cancellation while reading body)",
        "context deadline exceeded",
    ]
    .iter()
    .fold(text.to_string(), |t, spelling| {
        t.replace(spelling, "<deadline>")
    })
}

struct Run {
    output: Output,
    took: Duration,
}

fn run(inv: &Invocation, kuddle: bool) -> Run {
    let started = Instant::now();
    let output = if kuddle { inv.kuddle() } else { inv.kubectl() };
    Run {
        output,
        took: started.elapsed(),
    }
}

/// Runs `args` through the proxy with `spec`'s fault, each program with its
/// own fault counter, and asserts the same stdout, stderr and exit code.
/// Returns (kubectl's run, kuddle's run).
fn same_through(spec: &str, args: &[&str]) -> (Run, Run) {
    let proxy = fault_proxy();
    let theirs = run(
        &Invocation::new(args).kubeconfig(proxy.kubeconfig(spec)),
        false,
    );
    let ours = run(
        &Invocation::new(args).kubeconfig(proxy.kubeconfig(spec)),
        true,
    );
    compare(spec, args, &theirs.output, &ours.output);
    (theirs, ours)
}

/// `same_through` over HTTP/2, the protocol both programs speak to a real
/// API server.
fn same_through_h2(spec: &str, args: &[&str]) -> (Run, Run) {
    let proxy = fault_proxy();
    let theirs = run(
        &Invocation::new(args).kubeconfig(proxy.kubeconfig_h2(spec)),
        false,
    );
    let ours = run(
        &Invocation::new(args).kubeconfig(proxy.kubeconfig_h2(spec)),
        true,
    );
    compare(
        &format!("{spec} (HTTP/2)"),
        args,
        &theirs.output,
        &ours.output,
    );
    (theirs, ours)
}

fn compare(spec: &str, args: &[&str], theirs: &Output, ours: &Output) {
    let context = format!("`{}` through `{spec}`", args.join(" "));
    let norm = |s: &str| normalize_go_timeouts(&normalize_ages(&normalize_stderr(s)));
    assert_same_text(
        "stdout",
        &norm(&theirs.stdout),
        &norm(&ours.stdout),
        &context,
    );
    assert_same_text(
        "stderr",
        &norm(&theirs.stderr),
        &norm(&ours.stderr),
        &context,
    );
    assert_eq!(theirs.code, ours.code, "exit code differs for {context}");
    assert_ne!(ours.code, 101, "kuddle panicked for {context}");
}

#[test]
fn wrongly_shaped_and_malformed_answers_are_refused() {
    for shape in [
        "shape=items-string",
        "shape=items-object",
        "shape=null",
        "shape=array",
        "shape=garbage",
        "truncate=100",
    ] {
        for output in [&[][..], &["-o", "json"], &["-o", "name"], &["-o", "yaml"]] {
            let mut args = vec!["get", "pods", "-n", "kube-system"];
            args.extend_from_slice(output);
            let (_, ours) = same_through(&format!("match=pods,{shape}"), &args);
            if shape.starts_with("shape=") {
                assert_eq!(ours.output.code, 1, "{shape} {output:?} must fail");
            }
        }
    }
}

#[test]
fn bodies_that_break_off_fail_like_kubectl() {
    for spec in ["reset-body=100", "cut-body=100"] {
        for output in [&[][..], &["-o", "json"]] {
            let mut args = vec!["get", "pods", "-n", "kube-system"];
            args.extend_from_slice(output);
            same_through(&format!("match=pods,{spec}"), &args);
        }
    }
}

#[test]
fn http2_answers_that_break_off_or_go_wrong_fail_like_kubectl() {
    for spec in [
        "reset-body=100",
        "cut-body=100",
        "shape=items-string",
        "truncate=100",
        "status=500,body=garbage,times=1",
    ] {
        for output in [&[][..], &["-o", "json"]] {
            let mut args = vec!["get", "pods", "-n", "kube-system"];
            args.extend_from_slice(output);
            same_through_h2(&format!("match=pods,{spec}"), &args);
        }
    }
    for spec in ["trickle=300", "stall-body=50", "stall=headers"] {
        let args = ["get", "pods", "-n", "kube-system", "--request-timeout=2s"];
        let (_, ours) = same_through_h2(&format!("match=pods,{spec}"), &args);
        assert!(
            ours.took < Duration::from_secs(6),
            "{spec} over HTTP/2: kuddle took {:?} with --request-timeout=2s",
            ours.took
        );
    }
    let (_, ours) = same_through_h2(
        "match=pods,status=429,retry-after=1,times=2",
        &["get", "pods", "-n", "kube-system", "-o", "name"],
    );
    assert_eq!(ours.output.code, 0);
}

#[test]
fn request_timeout_bounds_the_whole_request() {
    for spec in ["trickle=300", "stall-body=50", "stall=headers"] {
        for output in [&[][..], &["-o", "json"]] {
            let mut args = vec!["get", "pods", "-n", "kube-system", "--request-timeout=2s"];
            args.extend_from_slice(output);
            let (_, ours) = same_through(&format!("match=pods,{spec}"), &args);
            assert!(
                ours.took < Duration::from_secs(6),
                "{spec}: kuddle took {:?} with --request-timeout=2s",
                ours.took
            );
        }
    }
}

#[test]
fn retry_after_answers_are_retried_as_client_go_does() {
    for code in ["429", "503"] {
        // Two refusals with Retry-After: 1, then the real answer.
        let (theirs, ours) = same_through(
            &format!("match=pods,status={code},retry-after=1,times=2"),
            &["get", "pods", "-n", "kube-system", "-o", "name"],
        );
        assert_eq!(ours.output.code, 0);
        assert!(ours.took >= Duration::from_secs(2), "kuddle did not wait");
        assert!(theirs.took >= Duration::from_secs(2));
        // Eleven refusals: ten retries, then the server's error.
        same_through(
            &format!("match=pods,status={code},retry-after=0,times=11"),
            &["get", "pods", "-n", "kube-system"],
        );
        // No Retry-After: no retry.
        same_through(
            &format!("match=pods,status={code},times=1"),
            &["get", "pods", "-n", "kube-system"],
        );
    }
    same_through(
        "match=pods,status=500,body=garbage,times=1",
        &["get", "pods", "-n", "kube-system"],
    );
}

#[test]
fn an_apply_during_overload_succeeds_after_retries() {
    let (ns_a, ns_b) = twin_namespaces("faults-overload");
    let dir = common::scratch_root().join(format!("kuddle-faults-overload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cm.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: overload\ndata:\n  a: b\n",
    )
    .unwrap();
    let proxy = fault_proxy();
    let spec = "match=configmaps,method=POST,status=429,retry-after=1,times=2";
    let f = file.display().to_string();
    let theirs = Invocation::new(&["apply", "-n", &ns_a, "-f", &f])
        .kubeconfig(proxy.kubeconfig(spec))
        .kubectl();
    let ours = Invocation::new(&["apply", "-n", &ns_b, "-f", &f])
        .kubeconfig(proxy.kubeconfig(spec))
        .kuddle();
    assert_eq!(theirs.code, 0, "kubectl: {}", theirs.stderr);
    assert_eq!(ours.code, 0, "kuddle: {}", ours.stderr);
    assert_eq!(theirs.stdout, ours.stdout);
    let left = |ns: &str| {
        Invocation::new(&[
            "get",
            "configmap",
            "overload",
            "-n",
            ns,
            "-o",
            "jsonpath={.data}",
        ])
        .kubeconfig(cluster_kubeconfig())
        .kubectl()
        .stdout
    };
    assert_eq!(left(&ns_a), left(&ns_b));
}

#[test]
fn a_cut_off_answer_before_apply_writes_nothing() {
    let (ns_a, ns_b) = twin_namespaces("faults-cut");
    let dir = common::scratch_root().join(format!("kuddle-faults-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cm.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cutoff\ndata:\n  a: b\n",
    )
    .unwrap();
    let proxy = fault_proxy();
    for spec in [
        "match=cutoff,method=GET,cut-body=20",
        "match=cutoff,method=GET,reset-body=20",
    ] {
        let f = file.display().to_string();
        let theirs = Invocation::new(&["apply", "-n", &ns_a, "-f", &f])
            .kubeconfig(proxy.kubeconfig(spec))
            .kubectl();
        let ours = Invocation::new(&["apply", "-n", &ns_b, "-f", &f])
            .kubeconfig(proxy.kubeconfig(spec))
            .kuddle();
        let strip_ns = |s: &str| s.replace(&ns_a, "NS").replace(&ns_b, "NS");
        let norm = |s: &str| strip_ns(&normalize_stderr(s));
        assert_same_text("stderr", &norm(&theirs.stderr), &norm(&ours.stderr), spec);
        assert_eq!(theirs.code, ours.code, "{spec}");
        assert_eq!(ours.code, 1, "{spec}");
        for ns in [&ns_a, &ns_b] {
            let left = Invocation::new(&["get", "configmaps", "-n", ns, "-o", "name"])
                .kubeconfig(cluster_kubeconfig())
                .kubectl();
            assert!(
                !left.stdout.contains("cutoff"),
                "an object was written in {ns} after a broken answer ({spec})"
            );
        }
    }
}

#[test]
fn redirects_are_followed() {
    same_through(
        "match=pods,redirect=302",
        &["get", "pods", "-n", "kube-system"],
    );
    same_through(
        "match=pods,redirect=307",
        &["get", "pods", "-n", "kube-system", "-o", "name"],
    );
}

#[test]
fn manifests_behind_redirects_are_read() {
    let dir = common::scratch_root().join(format!("kuddle-faults-url-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cm.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-url\n",
    )
    .unwrap();
    let proxy = fault_proxy();
    let path = file.display().to_string();
    for url in [
        format!("http://{}/__files{path}", proxy.plain),
        format!("http://{}/__redirect/301/__files{path}", proxy.plain),
        format!("http://{}/__redirect/302/__files{path}", proxy.plain),
        format!("http://{}/__files{path}.missing", proxy.plain),
    ] {
        let inv = Invocation::new(&["apply", "-n", "default", "--dry-run=server", "-f", &url])
            .kubeconfig(cluster_kubeconfig());
        assert_same(&inv);
    }
}

#[test]
fn silent_servers_time_out_as_kubectl_does() {
    let proxy = fault_proxy();
    // TLS handshake never completes: client-go's 10 s handshake timeout.
    let kubeconfig = proxy.kubeconfig_for(&format!("https://{}", proxy.silent_tcp));
    let inv = Invocation::new(&["get", "--raw", "/api"]).kubeconfig(&kubeconfig);
    let theirs = run(&inv, false);
    let ours = run(&inv, true);
    compare(
        "silent tcp",
        &inv.args.iter().map(String::as_str).collect::<Vec<_>>(),
        &theirs.output,
        &ours.output,
    );
    assert!(ours.took < Duration::from_secs(15), "took {:?}", ours.took);
    // Handshake done, never an answer: --request-timeout bounds it.
    let kubeconfig = proxy.kubeconfig_for(&format!("https://{}", proxy.silent_tls));
    let inv =
        Invocation::new(&["get", "--raw", "/api", "--request-timeout=2s"]).kubeconfig(&kubeconfig);
    let theirs = run(&inv, false);
    let ours = run(&inv, true);
    compare(
        "silent tls",
        &inv.args.iter().map(String::as_str).collect::<Vec<_>>(),
        &theirs.output,
        &ours.output,
    );
    assert!(ours.took < Duration::from_secs(5), "took {:?}", ours.took);
}

#[test]
fn completion_never_blocks_on_a_silent_server() {
    let proxy = fault_proxy();
    let kubeconfig = proxy.kubeconfig_for(&format!("https://{}", proxy.silent_tls));
    let started = Instant::now();
    let out = Invocation::new(&["__complete", "get", "pods", ""])
        .kubeconfig(&kubeconfig)
        .kuddle();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "completion took {:?}",
        started.elapsed()
    );
    assert_ne!(out.code, 101);
}

/// A server whose address swallows every packet: client-go's dial gives up
/// after 30 s (`i/o timeout`), with no `--request-timeout` set. Both programs
/// run at once in network namespaces of their own (root only, as CI runs)
/// where 10.99.0.0/24 is routed into the loopback device, so a connection's
/// first packet is dropped and never answered.
#[test]
fn unreachable_servers_give_up_after_client_gos_dial_timeout() {
    let home = std::path::PathBuf::from(&Invocation::new::<&str>(&[]).env["HOME"]);
    let kubeconfig = home.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.99.0.2:6443\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: secret-token}\n",
    )
    .unwrap();
    let through_blackhole = |program: std::path::PathBuf| {
        let script = "PATH=$PATH:/usr/sbin:/sbin; ip link set lo up && ip route add 10.99.0.0/24 dev lo && exec \"$0\" \"$@\"";
        let program = program.display().to_string();
        let inv = Invocation::new(&["-n", "sh", "-c", script, &program, "get", "--raw", "/api"])
            .kubeconfig(&kubeconfig);
        std::thread::spawn(move || {
            let started = Instant::now();
            let output = inv.run_with(std::path::Path::new("unshare"));
            Run {
                output,
                took: started.elapsed(),
            }
        })
    };
    let theirs = through_blackhole(kubectl_bin());
    let ours = through_blackhole(kuddle_bin());
    let (theirs, ours) = (theirs.join().unwrap(), ours.join().unwrap());
    assert!(
        ours.output
            .stderr
            .contains("dial tcp 10.99.0.2:6443: i/o timeout"),
        "kuddle did not time out dialling: {:?}",
        ours.output
    );
    compare(
        "a dropped SYN",
        &["get", "--raw", "/api"],
        &theirs.output,
        &ours.output,
    );
    assert!(
        ours.took >= Duration::from_secs(29) && ours.took < Duration::from_secs(40),
        "kuddle gave up after {:?}, client-go after 30 s",
        ours.took
    );
}

/// A server whose certificate is self-signed and marked as a CA (what
/// `openssl req -x509` makes), trusted as its own authority: Go accepts it,
/// names are still checked, and another such certificate is not trusted.
#[test]
fn a_self_signed_ca_certificate_as_its_own_authority() {
    let proxy = fault_proxy();
    let dir = common::scratch_root().join(format!("kuddle-self-signed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // `ca` is the cluster's certificate-authority line.
    let kubeconfig = |name: &str, ca: &str| {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://{}\n    {ca}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\nusers:\n- name: u\n  user: {{token: unused-the-proxy-authenticates}}\n",
                proxy.self_signed
            ),
        )
        .unwrap();
        path
    };
    let trusted = kubeconfig(
        "trusted",
        &format!("certificate-authority-data: {}", proxy.self_signed_ca_data),
    );
    let out = assert_same(&Invocation::line("get ns default -o name").kubeconfig(&trusted));
    assert_eq!(out.stdout, "namespace/default\n");
    same_but_discovery_logs(
        &Invocation::line("get ns default --tls-server-name=localhost").kubeconfig(&trusted),
    );
    let other = kubeconfig(
        "other",
        &format!(
            "certificate-authority: {}",
            fixture("tls-server/self-signed-ca.crt").display()
        ),
    );
    let out = same_but_discovery_logs(&Invocation::line("get ns default").kubeconfig(&other));
    assert!(
        out.stderr.contains("signed by unknown authority"),
        "{}",
        out.stderr
    );
}

/// Discovery answered with something that is not JSON (a web server that
/// is no API server): Go's JSON syntax error, as kubectl reports it.
#[test]
fn discovery_answers_that_are_not_json() {
    // (`match=api`: a fault's spec cannot hold a slash; discovery fails
    // before anything else is asked.)
    let spec = "match=api,status=200,body=garbage";
    same_through(spec, &["api-versions"]);
    same_through("match=api,status=404,times=1", &["api-versions"]);
    // `--raw` prints what came, whatever it is.
    for (args, code) in [
        (&["get", "pods"][..], 1),
        (&["api-resources"], 1),
        (&["get", "--raw", "/api"], 0),
    ] {
        let out = same_but_discovery_logs(
            &Invocation::new(args).kubeconfig(fault_proxy().kubeconfig(spec)),
        );
        assert_eq!(out.code, code, "{}", args.join(" "));
    }
}

/// kubectl logs a failed discovery request a varying number of times (klog
/// `memcache.go` lines, kuddle once); everything else of both programs'
/// output must be the same.
fn same_but_discovery_logs(inv: &Invocation) -> Output {
    let (theirs, ours) = (inv.kubectl(), inv.kuddle());
    let without_klog = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with('E') || !l.contains("memcache.go"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let context = inv.args.join(" ");
    assert_eq!(ours.stdout, theirs.stdout, "stdout of {context}");
    assert_same_text(
        "stderr",
        &without_klog(&theirs.stderr),
        &without_klog(&ours.stderr),
        &context,
    );
    assert_eq!(ours.code, theirs.code, "exit code of {context}");
    ours
}
