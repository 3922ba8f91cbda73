//! Colour on terminals: kuddle runs on a pseudo-terminal (util-linux
//! `script`) and must (1) colour what it prints there, (2) print exactly
//! kubectl 1.37.1's bytes once the colour codes are removed, (3) print no
//! escape code at all into a pipe, with NO_COLOR=1, `--color=never` or
//! `KUDDLE_COLOR=never`, and (4) colour into a pipe with `--color=always`.

mod common;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::cluster::{cluster_kubeconfig, namespace};
use common::*;

const ESC: &str = "\x1b[";

fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// What `program` printed on a terminal: its stdout (and, unless
/// `stderr_apart`, its stderr) as the terminal received it, then its stderr
/// when kept apart, and its exit code.
fn on_terminal(inv: &Invocation, program: &Path, stderr_apart: bool) -> Output {
    let dir = common::scratch_root().join(format!(
        "kuddle-colour-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let err_file = dir.join("stderr");
    let mut line = format!(
        "stty -onlcr; exec {}",
        shell_quote(&program.display().to_string())
    );
    for arg in &inv.args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    if stderr_apart {
        line.push_str(&format!(
            " 2>{}",
            shell_quote(&err_file.display().to_string())
        ));
    }
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_clear()
        .envs(&inv.env)
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("script (util-linux) runs the command on a pseudo-terminal");
    let stderr = if stderr_apart {
        std::fs::read_to_string(&err_file).unwrap_or_default()
    } else {
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let _ = std::fs::remove_dir_all(&dir);
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        code: out.status.code().unwrap_or(-1),
    }
}

/// The text without SGR colour codes.
fn strip(text: &str) -> String {
    regex::Regex::new(r"\x1b\[[0-9;]*m")
        .expect("regex")
        .replace_all(text, "")
        .into_owned()
}

/// A terminal that supports colour.
fn terminal(inv: Invocation) -> Invocation {
    inv.env("TERM", "xterm-256color")
}

fn offline_lines() -> Vec<&'static str> {
    vec![
        "create deployment web --image=nginx --replicas=3 --port=80 --dry-run=client -o yaml",
        "create deployment web --image=nginx --dry-run=client -o json",
        "create deployment web --image=nginx --dry-run=client -o kyaml",
        "create service clusterip web --tcp=80:8080 --dry-run=client -o yaml",
        "create ingress web --rule=a.com/=svc:80 --dry-run=client -o json",
    ]
}

#[test]
fn offline_generators_are_coloured_on_a_terminal_and_kubectls_bytes_without_the_codes() {
    for line in offline_lines() {
        let inv = terminal(Invocation::line(line));
        let tty = on_terminal(&inv, &kuddle_bin(), true);
        let expected = inv.kubectl();
        assert_eq!(tty.code, 0, "{line}: {}", tty.stderr);
        assert!(
            tty.stdout.contains(ESC),
            "{line}: no colour:\n{}",
            tty.stdout
        );
        assert_same_text("stdout", &expected.stdout, &strip(&tty.stdout), line);
    }
    let yaml = on_terminal(
        &terminal(Invocation::line(offline_lines()[0])),
        &kuddle_bin(),
        true,
    )
    .stdout;
    // Keys, strings and numbers each have their colour.
    assert!(
        yaml.contains("\x1b[34mapiVersion\x1b[0m: \x1b[32mapps/v1\x1b[0m\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("\x1b[34mreplicas\x1b[0m: \x1b[35m3\x1b[0m\n"),
        "{yaml}"
    );
    let json = on_terminal(
        &terminal(Invocation::line(offline_lines()[1])),
        &kuddle_bin(),
        true,
    )
    .stdout;
    assert!(
        json.contains("\x1b[34m\"kind\"\x1b[0m: \x1b[32m\"Deployment\"\x1b[0m"),
        "{json}"
    );
}

#[test]
fn config_view_is_coloured_and_kubectls_bytes_without_the_codes() {
    let kubeconfig = fixture("kubeconfig/basic.yaml");
    for line in [
        "config view",
        "config view -o json",
        "config view --minify --raw",
    ] {
        let inv = terminal(Invocation::line(line).kubeconfig(&kubeconfig));
        let tty = on_terminal(&inv, &kuddle_bin(), true);
        assert!(tty.stdout.contains(ESC), "{line}: no colour");
        assert_same_text("stdout", &inv.kubectl().stdout, &strip(&tty.stdout), line);
    }
}

#[test]
fn errors_on_a_terminal_stderr_are_coloured_and_kubectls_words() {
    for line in [
        "create deployment web --image=nginx --dry-run=bogus",
        "config view --minify --context=nope",
        "create deployment web --image=nginx --bogus",
    ] {
        let inv = terminal(Invocation::line(line).kubeconfig(fixture("kubeconfig/basic.yaml")));
        let tty = on_terminal(&inv, &kuddle_bin(), false);
        let expected = inv.kubectl();
        assert_eq!(tty.code, expected.code, "{line}");
        assert!(
            tty.stdout.starts_with("\x1b[1m\x1b[31merror:\x1b[0m "),
            "{line}: {:?}",
            tty.stdout
        );
        assert_same_text(
            "stderr",
            &normalize_stderr(&expected.stderr),
            &normalize_stderr(&strip(&tty.stdout)),
            line,
        );
    }
}

#[test]
fn no_escape_codes_in_pipes_with_no_color_or_never() {
    let line = offline_lines()[0];
    let base = terminal(Invocation::line(line));
    let expected = base.kubectl();
    // Piped, even with a colour terminal in TERM.
    let piped = base.kuddle();
    assert_eq!(piped.stdout, expected.stdout);
    let cases = [
        ("NO_COLOR=1", base.clone().env("NO_COLOR", "1")),
        (
            "KUDDLE_COLOR=never",
            base.clone().env("KUDDLE_COLOR", "never"),
        ),
        ("TERM=dumb", base.clone().env("TERM", "dumb")),
    ];
    for (what, inv) in cases {
        let tty = on_terminal(&inv, &kuddle_bin(), true);
        assert!(!tty.stdout.contains('\x1b'), "{what}: {:?}", tty.stdout);
        assert_eq!(tty.stdout, expected.stdout, "{what}");
    }
    let mut args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    args.push("--color=never".into());
    let never = terminal(Invocation::new(&args));
    let tty = on_terminal(&never, &kuddle_bin(), true);
    assert!(
        !tty.stdout.contains('\x1b'),
        "--color=never: {:?}",
        tty.stdout
    );
    assert_eq!(tty.stdout, expected.stdout);
    // Errors too: a terminal stderr with NO_COLOR, a piped stderr.
    let error = terminal(Invocation::line(
        "create deployment web --image=x --dry-run=bogus",
    ));
    let tty = on_terminal(&error.clone().env("NO_COLOR", "1"), &kuddle_bin(), false);
    assert!(!tty.stdout.contains('\x1b'), "{:?}", tty.stdout);
    assert!(!error.kuddle().stderr.contains('\x1b'));
}

#[test]
fn always_colours_into_a_pipe() {
    let line = offline_lines()[0];
    let expected = Invocation::line(line).kubectl();
    let mut args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    args.push("--color=always".into());
    for inv in [
        Invocation::new(&args),
        Invocation::new(&args).env("NO_COLOR", "1"),
        Invocation::line(line).env("KUDDLE_COLOR", "always"),
    ] {
        let out = inv.kuddle();
        assert!(out.stdout.contains(ESC), "{inv:?}");
        assert_eq!(strip(&out.stdout), expected.stdout);
    }
    // The flag beats the environment.
    let never =
        Invocation::new(&[&args[..args.len() - 1], &["--color=never".to_string()]].concat())
            .env("KUDDLE_COLOR", "always");
    assert_eq!(never.kuddle().stdout, expected.stdout);
}

#[test]
fn completion_is_never_coloured_and_offers_kubectls_flags() {
    let inv = terminal(Invocation::line("completion bash --color=always"));
    let out = inv.kuddle();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('\x1b'));
    let tty = on_terminal(
        &terminal(Invocation::line("completion zsh")),
        &kuddle_bin(),
        true,
    );
    assert!(!tty.stdout.contains('\x1b'));
    let tty = on_terminal(
        &terminal(Invocation::line("__complete create deploy")),
        &kuddle_bin(),
        true,
    );
    assert!(!tty.stdout.contains('\x1b'), "{:?}", tty.stdout);
    // Completion offers kubectl's flags, not kuddle's --color.
    for args in [
        &["__completeNoDesc", "get", "pods", "--c"][..],
        &["__complete", "--col"],
    ] {
        let inv = Invocation::new(args);
        assert_eq!(inv.kuddle().stdout, inv.kubectl().stdout, "{args:?}");
    }
    // kubectl's flag errors keep their words; a bad --color value is one.
    let bad = Invocation::line("get pods --color=sometimes").kuddle();
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .starts_with("error: invalid argument \"sometimes\" for \"--color\" flag"),
        "{}",
        bad.stderr
    );
}

/// Both programs' `line` in `ns` until kuddle on a terminal, without its
/// colour codes, prints kubectl's bytes (live state moves: ages tick and
/// events arrive), ages normalised only if the exact bytes never matched.
fn same_on_terminal(ns: &str, line: &str) -> String {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(line.split_whitespace().map(str::to_string));
    let inv = terminal(Invocation::new(&args).kubeconfig(cluster_kubeconfig()));
    let mut last = None;
    for _ in 0..5 {
        let expected = inv.kubectl();
        let tty = on_terminal(&inv, &kuddle_bin(), true);
        if strip(&tty.stdout) == expected.stdout {
            return tty.stdout;
        }
        last = Some((expected, tty));
        std::thread::sleep(Duration::from_millis(400));
    }
    let (expected, tty) = last.expect("ran");
    let ages = |s: &str| {
        let repeated = regex::Regex::new(r"\(x\d+ over [0-9smhdy]+\)").expect("regex");
        normalize_ages(&repeated.replace_all(s, "(xN over <age>)"))
    };
    assert_same_text(
        "stdout",
        &ages(&expected.stdout),
        &ages(&strip(&tty.stdout)),
        line,
    );
    tty.stdout
}

#[test]
fn get_and_describe_on_a_terminal() {
    let ns = namespace("colour");
    let kubectl = |line: &str| {
        let mut args: Vec<String> = vec!["-n".into(), ns.clone()];
        args.extend(line.split_whitespace().map(str::to_string));
        Invocation::new(&args)
            .kubeconfig(cluster_kubeconfig())
            .kubectl()
    };
    let out = kubectl("run good --image=registry.k8s.io/nginx-slim:0.24");
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A pod no node can take stays Pending, with a Warning event.
    let pending = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pending"},
        "spec": {"nodeSelector": {"colour-test": "no-such-node"},
                 "containers": [{"name": "c", "image": "registry.k8s.io/nginx-slim:0.24"}]}}"#;
    let out = Invocation::new(&["-n", &ns, "apply", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(pending)
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = Invocation::new(&["-n", &ns, "create", "configmap", "cm", "--from-literal=a=1"])
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let wait = kubectl("wait --for=condition=Ready pod/good --timeout=90s");
    assert_eq!(wait.code, 0, "{}", wait.stderr);
    // Wait for the scheduler's Warning event.
    for _ in 0..120 {
        let events = kubectl("get events --field-selector=type=Warning -o name");
        if !events.stdout.trim().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }

    let pods = same_on_terminal(&ns, "get pods -o wide");
    assert!(pods.starts_with("\x1b[1mNAME\x1b[0m"), "{pods}");
    assert!(pods.contains("\x1b[32mRunning\x1b[0m"), "{pods}");
    assert!(pods.contains("\x1b[33mPending\x1b[0m"), "{pods}");
    same_on_terminal(&ns, "get pods,configmaps");
    same_on_terminal(&ns, "get pod good -o yaml");
    same_on_terminal(&ns, "get pods -o json");
    same_on_terminal(
        &ns,
        "get configmaps -o custom-columns=NAME:.metadata.name,A:.data.a",
    );

    let good = same_on_terminal(&ns, "describe pod good");
    assert!(good.starts_with("\x1b[34mName:\x1b[0m"), "{good}");
    assert!(good.contains("\x1b[1m\x1b[34mContainers:\x1b[0m"), "{good}");
    assert!(good.contains("\x1b[32mRunning\x1b[0m"), "{good}");
    let bad = same_on_terminal(&ns, "describe pod pending");
    assert!(
        bad.lines()
            .any(|l| l.trim_start().starts_with("\x1b[33mWarning")),
        "{bad}"
    );
    same_on_terminal(&ns, "describe configmap cm");

    let missing = terminal(
        Invocation::new(&["-n", &ns, "get", "pod", "nope"]).kubeconfig(cluster_kubeconfig()),
    );
    let tty = on_terminal(&missing, &kuddle_bin(), false);
    // kubectl's own error words; only `error:` lines get a colour.
    assert_eq!(strip(&tty.stdout), missing.kubectl().stderr);

    // Server warnings: kubectl's own colour on a terminal stderr, none with
    // --color=never.
    let warned =
        terminal(Invocation::line("get componentstatuses").kubeconfig(cluster_kubeconfig()));
    let tty = on_terminal(&warned, &kuddle_bin(), false);
    assert!(
        tty.stdout
            .starts_with("\x1b[33;1mWarning:\x1b[0m v1 ComponentStatus is deprecated"),
        "{:?}",
        tty.stdout
    );
    let never = terminal(
        Invocation::line("get componentstatuses --color=never").kubeconfig(cluster_kubeconfig()),
    );
    let tty = on_terminal(&never, &kuddle_bin(), false);
    assert!(
        tty.stdout.starts_with("Warning: v1 ComponentStatus"),
        "{:?}",
        tty.stdout
    );
    assert!(!tty.stdout.contains('\x1b'), "{:?}", tty.stdout);

    // diff: file and hunk headers, added and removed lines coloured; the
    // same unified diff as kubectl's once the codes (and the temporary
    // folders and file dates, different in every run) are masked.
    let changed =
        common::scratch_root().join(format!("kuddle-colour-diff-{}.yaml", std::process::id()));
    std::fs::write(
        &changed,
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: {ns}\ndata:\n  a: \"2\"\n"),
    )
    .expect("manifest");
    let diff = terminal(
        Invocation::new(&["-n", &ns, "diff", "-f", &changed.display().to_string()])
            .kubeconfig(cluster_kubeconfig()),
    );
    let mask = |text: &str| {
        let folders = regex::Regex::new(r"/tmp/(LIVE|MERGED)-[0-9]+").expect("regex");
        let dates =
            regex::Regex::new(r"\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4}").expect("regex");
        let text = folders.replace_all(text, "/tmp/$1-<n>");
        let text = dates.replace_all(&text, "\t<date>");
        // Only the server's generation and managed-field times may move.
        regex::Regex::new(r"(time|resourceVersion|generation): .*")
            .expect("regex")
            .replace_all(&text, "$1: <masked>")
            .into_owned()
    };
    let expected = diff.kubectl();
    assert_eq!(expected.code, 1, "{}", expected.stderr);
    let tty = on_terminal(&diff, &kuddle_bin(), true);
    let _ = std::fs::remove_file(&changed);
    assert_eq!(tty.code, 1, "{}", tty.stderr);
    assert_same_text(
        "stdout",
        &mask(&expected.stdout),
        &mask(&strip(&tty.stdout)),
        "diff",
    );
    assert!(
        tty.stdout.contains("\x1b[31m-  a: \"1\"\x1b[0m"),
        "{:?}",
        tty.stdout
    );
    assert!(
        tty.stdout.contains("\x1b[32m+  a: \"2\"\x1b[0m"),
        "{:?}",
        tty.stdout
    );
    assert!(tty.stdout.contains("\x1b[36m@@"), "{:?}", tty.stdout);

    let _ = kubectl(&format!("delete namespace {ns} --wait=false"));
}
