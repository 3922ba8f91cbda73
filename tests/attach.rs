//! `attach` against the real control plane, compared with kubectl 1.37.1.
//!
//! The harness's node runs each container as a process; attach joins that
//! process's output and stdin (or terminal). A session whose input ends
//! ends its container, so such comparisons use twin pods: `NAME-a` for
//! kubectl, `NAME-b` for kuddle (tests/fixtures/attach/pods.yaml).

mod common;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use common::cluster::{cluster_kubeconfig, kubectl_in, namespace, wait_until};
use common::pty::run_on_pty;
use common::*;

fn attach_namespace() -> &'static str {
    static NS: OnceLock<String> = OnceLock::new();
    NS.get_or_init(|| {
        let ns = namespace("attach");
        let path = fixture("attach/pods.yaml");
        let out = kubectl_in(&ns, &format!("apply -f {}", path.display()));
        assert_eq!(out.code, 0, "apply: {}", out.stderr);
        for line in [
            "wait --for=condition=Ready pod/ticker pod/multi pod/reader-a pod/reader-b pod/reader2-a pod/reader2-b pod/shell-a pod/shell-b pod/ttypiped-a pod/ttypiped-b pod/spdyreader-a pod/spdyreader-b pod/spdyshell-a pod/spdyshell-b --timeout=120s",
            "rollout status deployment/web --timeout=120s",
            "wait --for=jsonpath={.status.phase}=Succeeded pod/done --timeout=120s",
        ] {
            wait_until(&ns, line, &|o| o.code == 0);
        }
        ns
    })
}

fn invocation(ns: &str, words: &[&str]) -> Invocation {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(words.iter().map(|w| w.to_string()));
    Invocation::new(&args).kubeconfig(cluster_kubeconfig())
}

fn mask(ns: &str) -> impl Fn(&str) -> String {
    let ns = ns.to_string();
    move |s: &str| {
        s.replace(&ns, "<ns>")
            .replace("-a ", "-X ")
            .replace("-b ", "-X ")
            .replace("'kubectl ", "'kuddle ")
    }
}

fn same(line: &str) -> Output {
    let ns = attach_namespace();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_same_with(&invocation(ns, &words), &mask(ns))
}

/// kubectl on `NAME-a`, kuddle on `NAME-b`: same output and exit code.
fn same_twins(words: &[&str], input: &[u8]) -> Output {
    same_twins_env(words, input, &[])
}

/// `same_twins` with environment variables for both programs.
fn same_twins_env(words: &[&str], input: &[u8], env: &[(&str, &str)]) -> Output {
    let ns = attach_namespace();
    let with = |suffix: &str| -> Invocation {
        let w: Vec<String> = words.iter().map(|w| w.replace("{}", suffix)).collect();
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        env.iter()
            .fold(invocation(ns, &w), |inv, (k, v)| inv.env(k, v))
            .stdin(input.to_vec())
    };
    let expected = with("a").kubectl();
    let actual = with("b").kuddle();
    let normalize = mask(ns);
    let context = words.join(" ");
    assert_same_text(
        "stdout",
        &normalize(&expected.stdout),
        &normalize(&actual.stdout),
        &context,
    );
    assert_same_text(
        "stderr",
        &normalize(&normalize_stderr(&expected.stderr)),
        &normalize(&normalize_stderr(&actual.stderr)),
        &context,
    );
    assert_eq!(expected.code, actual.code, "exit code for {context}");
    actual
}

#[test]
fn stdin_reaches_the_container_and_its_output_comes_back() {
    let out = same_twins(&["attach", "-i", "reader-{}"], b"one\ntwo\n");
    assert_eq!(out.stdout, "got one\ngot two\n");
    assert!(out.stderr.contains("err one\nerr two\n"), "{out:?}");
    let out = same_twins(
        &["attach", "--stdin", "-q", "-c", "c", "pod/reader2-{}"],
        b"x\n",
    );
    assert_eq!(out.stdout, "got x\n");
    assert_eq!(out.stderr, "");
    // The container has a terminal but stdin is no terminal: kubectl's
    // warning, then a plain session.
    same_twins(&["attach", "-i", "-t", "ttypiped-{}"], b"hello\n");
}

#[test]
fn errors() {
    for line in [
        "attach",
        "attach a b c",
        "attach nope",
        "attach pod nope",
        "attach pod/nope",
        "attach deploy/nope",
        "attach cm/cm",
        "attach configmap cm",
        "attach nosuchtype/x",
        "attach done",
        "attach multi -c nope",
        "attach ticker --pod-running-timeout=0",
        "attach ticker --pod-running-timeout=x",
        "attach ticker -i=maybe",
    ] {
        same(line);
    }
    let out = same("attach nope");
    assert_eq!(out.code, 1);
}

#[test]
fn forbidden_for_the_limited_user() {
    let ns = attach_namespace();
    for line in [
        format!("--context limited -n {ns} attach ticker"),
        format!("--context limited -n {ns} attach deploy/web"),
    ] {
        assert_same_with(
            &Invocation::line(&line).kubeconfig(cluster_kubeconfig()),
            &mask(ns),
        );
    }
}

/// The running process's output from the moment of joining: a ticker's
/// lines, in order, until the session is stopped; the notices before.
#[test]
fn output_of_a_running_process() {
    let ns = attach_namespace();
    for (program, words) in [
        (kubectl_bin(), &["attach", "ticker"][..]),
        (kuddle_bin(), &["attach", "ticker"]),
        (kuddle_bin(), &["attach", "pod", "ticker", "-q"]),
        (kuddle_bin(), &["attach", "multi", "-c", "a"]),
    ] {
        let inv = invocation(ns, words);
        let child = Command::new(&program)
            .args(&inv.args)
            .env_clear()
            .envs(&inv.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_secs(3));
        // SAFETY: signals the child this test started.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let out = child.wait_with_output().expect("wait");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if words[1] == "multi" {
            assert_eq!(stdout, "", "{words:?}");
            continue;
        }
        let ticks: Vec<u64> = stdout
            .lines()
            .map(|l| l.strip_prefix("tick ").expect(l).parse().expect(l))
            .collect();
        assert!(ticks.len() >= 3, "{program:?} {words:?}: {stdout:?}");
        assert!(ticks.windows(2).all(|w| w[1] == w[0] + 1), "{stdout:?}");
        if words.contains(&"-q") {
            assert_eq!(stderr, "");
        } else {
            assert!(
                stderr.starts_with("All commands and output from this session"),
                "{stderr:?}"
            );
        }
    }
}

/// On a terminal: the container's terminal sized as the local one, what is
/// typed, and kubectl's resume hint at the end.
#[test]
fn terminal_sessions() {
    let ns = attach_namespace();
    let words = ["attach", "-it", "shell-{}"];
    let run = |suffix: &str, program: &std::path::Path| {
        let w: Vec<String> = words.iter().map(|w| w.replace("{}", suffix)).collect();
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        let inv = invocation(ns, &w);
        run_on_pty(&inv, program, 30, 100, b"typed\r", Duration::from_secs(3))
    };
    let expected = run("a", &kubectl_bin());
    let actual = run("b", &kuddle_bin());
    let normalize = mask(ns);
    assert_same_text(
        "terminal",
        &normalize(&expected.stdout),
        &normalize(&actual.stdout),
        "attach -it",
    );
    assert_eq!(expected.code, actual.code);
    assert!(
        actual.stdout.contains("got typed\r\n30 100\r\n"),
        "{actual:?}"
    );
    assert!(
        actual
            .stdout
            .contains("Session ended, resume using 'kuddle attach shell-b -c c -n "),
        "{actual:?}"
    );
}

/// Over SPDY (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false for both): input
/// reaches the container, its stdout and stderr come back; on a terminal,
/// the typed line, the terminal's size and kubectl's resume hint.
#[test]
fn sessions_over_spdy() {
    let spdy = [("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")];
    let out = same_twins_env(&["attach", "-i", "spdyreader-{}"], b"one\ntwo\n", &spdy);
    assert_eq!(out.stdout, "got one\ngot two\n");
    assert!(out.stderr.contains("err one\nerr two\n"), "{out:?}");
    let ns = attach_namespace();
    let run = |suffix: &str, program: &std::path::Path| {
        let name = format!("spdyshell-{suffix}");
        let inv = spdy
            .iter()
            .fold(invocation(ns, &["attach", "-it", &name]), |inv, (k, v)| {
                inv.env(k, v)
            });
        run_on_pty(&inv, program, 30, 100, b"typed\r", Duration::from_secs(3))
    };
    let expected = run("a", &kubectl_bin());
    let actual = run("b", &kuddle_bin());
    let normalize = mask(ns);
    assert_same_text(
        "terminal",
        &normalize(&expected.stdout),
        &normalize(&actual.stdout),
        "attach -it over SPDY",
    );
    assert_eq!(expected.code, actual.code);
    assert!(
        actual.stdout.contains("got typed\r\n30 100\r\n"),
        "{actual:?}"
    );
}
