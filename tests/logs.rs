//! `logs` against the real control plane, compared with kubectl 1.37.1.
//!
//! The harness's node runs each container's command as a process and keeps
//! its output in CRI log files, so both programs read the same real logs.
//! The pods of tests/fixtures/logs/pods.yaml are made once, in a namespace
//! of their own; every comparison reads them without changing them.
//! kubectl reads several logs (`--all-containers`, `-l`) in Go's random map
//! order, so those outputs are compared line by line in sorted order.

mod common;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::cluster::{cluster_kubeconfig, kubectl_in, namespace, wait_until};
use common::*;

/// The namespace with the fixture's pods, once they have settled.
fn logs_namespace() -> &'static str {
    static NS: OnceLock<String> = OnceLock::new();
    NS.get_or_init(|| {
        let ns = namespace("logs");
        let path = fixture("logs/pods.yaml");
        let out = kubectl_in(&ns, &format!("apply -f {}", path.display()));
        assert_eq!(out.code, 0, "apply: {}", out.stderr);
        let succeeded = |out: &Output| out.code == 0;
        for line in [
            "wait --for=condition=Ready pod/one pod/stderr pod/multi pod/badannotation pod/long --timeout=120s",
            "rollout status deployment/web --timeout=120s",
            "rollout status statefulset/db --timeout=120s",
            "wait --for=condition=complete job/job --timeout=120s",
            "wait --for=jsonpath={.status.phase}=Failed pod/done --timeout=120s",
            "wait --for=jsonpath={.status.phase}=Succeeded pod/finite-1 pod/finite-2 --timeout=120s",
        ] {
            wait_until(&ns, line, &succeeded);
        }
        wait_until(
            &ns,
            "get pod waiting -o jsonpath={.status.containerStatuses[0].state.waiting.reason}",
            &|o| o.stdout == "CreateContainerConfigError",
        );
        wait_until(
            &ns,
            "get pod crash -o jsonpath={.status.containerStatuses[0].restartCount}",
            &|o| o.stdout.parse::<u32>().is_ok_and(|n| n >= 1),
        );
        ns
    })
}

fn invocation(ns: &str, line: &str) -> Invocation {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(line.split_whitespace().map(str::to_string));
    Invocation::new(&args).kubeconfig(cluster_kubeconfig())
}

/// Both programs, same bytes (the namespace's name masked).
fn same(line: &str) -> Output {
    let ns = logs_namespace();
    let ns_owned = ns.to_string();
    assert_same_with(&invocation(ns, line), &move |s| {
        s.replace(&ns_owned, "<ns>")
    })
}

/// Both programs, same lines in any order (kubectl reads several logs in
/// Go's random map order).
fn same_unordered(line: &str) -> Output {
    let ns = logs_namespace();
    let ns_owned = ns.to_string();
    assert_same_with(&invocation(ns, line), &move |s| {
        let mut lines: Vec<&str> = s.lines().collect();
        lines.sort_unstable();
        lines.join("\n").replace(&ns_owned, "<ns>")
    })
}

/// Both programs; a line repeated by kubectl's once-a-second retries is
/// counted once (how many retries fit in the timeout is a matter of timing).
fn same_retrying(line: &str) -> Output {
    let ns = logs_namespace();
    let ns_owned = ns.to_string();
    assert_same_with(&invocation(ns, line), &move |s| {
        let mut lines: Vec<&str> = s.lines().collect();
        lines.dedup();
        lines.join("\n").replace(&ns_owned, "<ns>")
    })
}

/// `--request-timeout` ends a followed log: the reader's error in Go's
/// words, once as the logs' own line and once as the command's error (Go
/// names either of two equal timers).
#[test]
fn follow_ends_at_the_request_timeout() {
    let ns = logs_namespace();
    let ns_owned = ns.to_string();
    let out = assert_same_with(
        &invocation(ns, "logs -f one --request-timeout=2s"),
        &move |s| {
            [
                "net/http: request canceled (Client.Timeout or context cancellation while reading body)",
                "context deadline exceeded (Client.Timeout or context cancellation while reading body)",
            ]
            .iter()
            .fold(s.replace(&ns_owned, "<ns>"), |t, spelling| {
                t.replace(spelling, "<deadline>")
            })
        },
    );
    assert_eq!(out.code, 1);
}

#[test]
fn one_container() {
    for line in [
        "logs one",
        "logs pod/one",
        "logs pods/one",
        "logs one c",
        "logs one -c c",
        "logs one --container=c",
        "logs stderr",
        "logs one --tail=1",
        "logs one --tail=0",
        "logs one --tail=-1",
        "logs long --tail=5",
        "logs long --limit-bytes=50",
        "logs long --limit-bytes=1",
        "logs one --timestamps --tail=1",
        "logs one --timestamps=true --tail=2 --prefix",
        "logs one --prefix",
        "logs one --prefix=false",
        "logs one --since=1h",
        "logs one --since=100000h",
        "logs one --since=1.5s",
        "logs one --since-time=2020-01-01T00:00:00Z",
        "logs one --since-time=2020-01-01T00:00:00.5+01:00",
        "logs one --since-time=2999-01-01T00:00:00Z",
        "logs one --insecure-skip-tls-verify-backend",
        "logs one --all-containers",
        "logs one --all-pods",
        "logs one --max-log-requests=1",
        "logs one --pod-running-timeout=1s",
    ] {
        same(line);
    }
}

#[test]
fn several_containers() {
    for line in [
        // The annotation names the default container, silently.
        "logs multi",
        "logs multi -c a",
        "logs multi -c init",
        "logs multi --prefix",
        "logs multi -c init --prefix",
        // A default that does not exist: the first container, with both messages.
        "logs badannotation",
        "logs badannotation -c b",
    ] {
        same(line);
    }
    for line in [
        "logs multi --all-containers --tail=1 --prefix",
        "logs multi --all-containers",
        "logs multi --all-containers --prefix",
        "logs multi --all-containers --all-pods",
        "logs badannotation --all-containers --timestamps",
    ] {
        same_unordered(line);
    }
}

#[test]
fn workloads_by_type_and_name() {
    for line in [
        // Two pods: the first by kubectl's logging order, with a notice.
        "logs deployment/web",
        "logs deploy/web",
        "logs deployments.apps/web --tail=1",
        "logs statefulset/db",
        "logs sts/db --prefix",
        "logs job/job",
        "logs jobs.batch/job --timestamps",
        "logs service/websvc",
        "logs svc/websvc -c web",
    ] {
        same(line);
    }
    for line in [
        "logs deploy/web --all-pods",
        "logs deploy/web --all-pods --prefix=false",
        "logs svc/websvc --all-pods --tail=1",
        "logs rs -l app=web",
    ] {
        same_unordered(line);
    }
}

#[test]
fn label_selectors() {
    for line in [
        "logs -l app=web",
        "logs -l app=web --tail=-1",
        "logs -l app=web --prefix",
        "logs -l app=multi",
        "logs -l app=multi -c a",
        "logs -l app=nothing",
        "logs -l app=finite -f --prefix",
        "logs -l app=finite -f --max-log-requests=2",
        "logs -l app=web -f --max-log-requests=1",
        "logs -l app=multi -f --all-containers --max-log-requests=2",
    ] {
        same_unordered(line);
    }
}

/// A selector with spaces, and a name with one (words the line splitter cannot carry).
#[test]
fn words_with_spaces() {
    let ns = logs_namespace();
    for words in [
        vec![
            "logs",
            "--selector=app in (web,multi)",
            "--all-containers",
            "--prefix",
        ],
        vec!["logs", "-l", "app in (web,multi)", "pod one"],
        vec!["logs", "pod one"],
    ] {
        let mut args = vec!["-n", ns];
        args.extend(words);
        let ns_owned = ns.to_string();
        assert_same_with(
            &Invocation::new(&args).kubeconfig(cluster_kubeconfig()),
            &move |s| {
                let mut lines: Vec<&str> = s.lines().collect();
                lines.sort_unstable();
                lines.join("\n").replace(&ns_owned, "<ns>")
            },
        );
    }
}

#[test]
fn finished_and_restarted_containers() {
    for line in [
        "logs done",
        "logs done --prefix",
        "logs done -f",
        "logs done --follow=true --timestamps",
        "logs done --tail=1",
        "logs crash",
        "logs crash -p",
        "logs crash --previous --prefix",
        "logs job/job -f",
    ] {
        same(line);
    }
}

#[test]
fn unreadable_logs() {
    for line in [
        "logs waiting",
        "logs waiting --prefix",
        "logs done -p",
        "logs one -p",
        "logs waiting --ignore-errors",
        "logs waiting -f --ignore-errors",
        "logs done -p --ignore-errors --prefix",
    ] {
        same(line);
    }
    for line in [
        "logs waiting -f --pod-running-timeout=2s",
        "logs done -p -f --pod-running-timeout=2s",
    ] {
        same_retrying(line);
    }
}

#[test]
fn bad_input() {
    for line in [
        "logs",
        "logs one two three",
        "logs -l app=web one",
        "logs nope",
        "logs pod/nope",
        "logs deploy/nope",
        "logs nope/one",
        "logs a/b/c",
        "logs deploy web",
        "logs one -c nope",
        "logs one nope",
        "logs multi nope",
        "logs one -c c c",
        "logs multi --all-containers -c a",
        "logs one --since=1s --since-time=2020-01-01T00:00:00Z",
        "logs one --limit-bytes=-1",
        "logs one --tail=-2",
        "logs one --since=-1s",
        "logs one --since=x",
        "logs one --tail=x",
        "logs one --pod-running-timeout=0",
        "logs one --since-time=garbage",
        "logs one --since-time=2020-13-01T00:00:00Z",
        "logs one --since-time=2020-02-30T00:00:00Z",
        "logs one --since-time=2020-01-01T00:00:00",
        "logs one --since-time=2020-01-01T00:00:00Zx",
        "logs nope --limit-bytes=-1",
        "logs cm/cm",
        "logs configmap/cm",
        "logs svc/noselector",
        "logs cronjobs/nope",
        "logs deploy/zero --pod-running-timeout=1s",
        "logs -l app=nothing --limit-bytes=-1",
        "logs -l =x",
    ] {
        same(line);
    }
}

#[test]
fn forbidden_for_the_limited_user() {
    let ns = logs_namespace();
    for line in [
        format!("--context limited -n {ns} logs one"),
        format!("--context limited -n {ns} logs one -f"),
        format!("--context limited -n {ns} logs -l app=web"),
        "--context limited logs nope".to_string(),
    ] {
        let ns_owned = ns.to_string();
        assert_same_with(
            &Invocation::line(&line).kubeconfig(cluster_kubeconfig()),
            &move |s| s.replace(&ns_owned, "<ns>"),
        );
    }
}

/// A long log arrives whole and in order (both programs, byte for byte).
#[test]
fn long_log_is_streamed_whole() {
    let ns = namespace("logs-big");
    let args = [
        "-n",
        &ns,
        "run",
        "big",
        "--image=busybox",
        "--restart=Never",
        "--command",
        "--",
        "sh",
        "-c",
        "seq 1 400000",
    ];
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "run big: {}", out.stderr);
    wait_until(
        &ns,
        "wait --for=jsonpath={.status.phase}=Succeeded pod/big --timeout=120s",
        &|o| o.code == 0,
    );
    let inv = invocation(&ns, "logs big");
    let (expected, actual) = (inv.kubectl(), inv.kuddle());
    assert_eq!(expected.code, 0, "{}", expected.stderr);
    assert_eq!(actual.code, 0, "{}", actual.stderr);
    assert_eq!(actual.stdout.len(), expected.stdout.len());
    assert!(actual.stdout == expected.stdout, "logs of big differ");
    assert!(actual.stdout.ends_with("399999\n400000\n"));
}

/// `-f` prints lines as the container writes them and ends with it.
#[test]
fn follow_streams_as_lines_are_written() {
    let ns = namespace("logs-follow");
    let args = [
        "-n",
        &ns,
        "run",
        "ticker",
        "--image=busybox",
        "--restart=Never",
        "--command",
        "--",
        "sh",
        "-c",
        "for i in 1 2 3 4; do echo tick $i; sleep 1; done",
    ];
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "run ticker: {}", out.stderr);
    wait_until(
        &ns,
        "wait --for=condition=Ready pod/ticker --timeout=60s",
        &|o| o.code == 0,
    );
    let started = Instant::now();
    let mut child = Command::new(kuddle_bin())
        .args(["-n", &ns, "logs", "-f", "ticker"])
        .env("KUBECONFIG", cluster_kubeconfig())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kuddle logs -f");
    let reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut arrivals = Vec::new();
    for line in reader.lines() {
        arrivals.push((line.expect("line"), started.elapsed()));
    }
    let status = child.wait().expect("wait");
    let ended = started.elapsed();
    assert!(status.success(), "kuddle logs -f failed");
    let lines: Vec<&str> = arrivals.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(lines, ["tick 1", "tick 2", "tick 3", "tick 4"]);
    // The first line came well before the container finished writing.
    assert!(
        ended.saturating_sub(arrivals[0].1) >= Duration::from_millis(1500),
        "lines were not streamed: {arrivals:?}, ended after {ended:?}"
    );
}
