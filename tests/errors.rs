//! Failures against the real control plane and unreachable or untrusted
//! servers: same message and exit code as kubectl 1.37.1.

mod common;
use common::cluster::cluster_kubeconfig;
use common::*;

/// kubectl logs failed discovery requests (klog `E…` lines) before its
/// final message; compare that message, stdout and the exit code.
fn same_final_error(inv: &Invocation) {
    let (theirs, ours) = (inv.kubectl(), inv.kuddle());
    let context = inv.args.join(" ");
    assert_eq!(ours.stdout, theirs.stdout, "stdout differs for {context}");
    assert_eq!(ours.code, theirs.code, "exit code differs for {context}");
    let last = |s: &str| {
        s.lines()
            .filter(|l| !is_klog_line(l))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_same_text(
        "stderr",
        &last(&normalize_stderr(&theirs.stderr)),
        &last(&ours.stderr),
        &context,
    );
}

fn is_klog_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 5 && matches!(b[0], b'E' | b'I' | b'W') && b[1..5].iter().all(u8::is_ascii_digit)
}

fn server_url() -> String {
    let text = std::fs::read_to_string(cluster_kubeconfig()).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("server: ").map(str::to_string))
        .expect("server in kubeconfig")
}

#[test]
fn forbidden_for_the_limited_user() {
    for line in [
        "--context limited get secrets -n kube-system",
        "--context limited get pods -n kube-system",
        "--context limited get deploy,secrets -n default",
        "--context limited get pods -n default -o name",
        "--context limited get secrets x -n default",
    ] {
        assert_same_with(
            &Invocation::line(line).kubeconfig(cluster_kubeconfig()),
            &normalize_ages,
        );
    }
}

#[test]
fn unreachable_servers() {
    for line in [
        // (Without credentials kubectl would first prompt for a user name.)
        "-s https://127.0.0.1:1 --token x get pods",
        "-s http://127.0.0.1:1 get pods",
        "-s https://127.0.0.1:1 --token x api-resources",
        // Wrapped, Go's url.Error keeps the request's URL.
        "-s https://127.0.0.1:1 --token x api-versions",
        "-s https://127.0.0.1:1 --token x api-versions --request-timeout=5s",
    ] {
        same_final_error(&Invocation::line(line));
    }
}

#[test]
fn untrusted_certificates_are_refused() {
    let dir = common::scratch_root().join(format!("kuddle-untrusted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("config");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\nusers:\n- name: u\n  user: {{token: not-a-real-token}}\n",
            server_url()
        ),
    )
    .unwrap();
    same_final_error(&Invocation::line("get pods").kubeconfig(&kubeconfig));
    // Turning verification off reaches the server, which rejects the token.
    same_final_error(
        &Invocation::line("get pods --insecure-skip-tls-verify").kubeconfig(&kubeconfig),
    );
    // A name the server's certificate does not hold: Go's list of the names
    // it does.
    same_final_error(
        &Invocation::line("get ns default --tls-server-name=foo.example")
            .kubeconfig(cluster_kubeconfig()),
    );
}

/// Server warnings on stderr, and --warnings-as-errors turning them into a
/// failure after the command did its work.
#[test]
fn server_warnings() {
    let (ns_a, ns_b) = common::cluster::twin_namespaces("warnings");
    let manifest = fixture("get/unknown-field.yaml").display().to_string();
    for extra in [&[][..], &["--warnings-as-errors"][..]] {
        let run = |ns: &str, program: fn(&Invocation) -> Output| {
            let mut args = vec!["-n", ns, "apply", "--validate=warn", "-f", &manifest];
            args.extend_from_slice(extra);
            program(&Invocation::new(&args).kubeconfig(cluster_kubeconfig()))
        };
        let theirs = run(&ns_a, |i| i.kubectl());
        let ours = run(&ns_b, |i| i.kuddle());
        assert_eq!(ours.code, theirs.code, "exit code with {extra:?}");
        assert_eq!(ours.stdout, theirs.stdout);
        assert_same_text(
            "stderr",
            &normalize_stderr(&theirs.stderr),
            &ours.stderr,
            &format!("{extra:?}"),
        );
        assert!(
            ours.stderr.contains("Warning: unknown field"),
            "{}",
            ours.stderr
        );
    }
}

/// A missing object in a namespace that does not exist either: kubectl's
/// builder names the namespace (`Info.Get`), for every verb that reads the
/// object first; `default` is never checked.
#[test]
fn missing_namespaces_are_named() {
    for ns in ["kuddle-no-such-namespace", "default", "kube-system"] {
        for line in [
            "get cm x",
            "get cm x y -o yaml",
            "get deploy x --subresource=status",
            "describe cm x",
            "patch cm x -p {}",
            "patch cm x -p {} --dry-run=client",
            "patch deploy x --subresource=scale -p {}",
            "expose deploy x --port=80",
            "create job j --from=cronjob/x",
            "label cm x a=b",
        ] {
            let words: Vec<&str> = ["-n", ns]
                .into_iter()
                .chain(line.split_whitespace())
                .collect();
            assert_same(&Invocation::new(&words).kubeconfig(cluster_kubeconfig()));
        }
    }
}
