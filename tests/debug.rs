//! `debug` against the real control plane, compared with kubectl 1.37.1.
//!
//! kubectl works in one namespace, kuddle in its twin, each on its own copy
//! of the same pods; their output and the pods left behind must match once
//! the random suffixes (`debugger-xxxxx`, `node-debugger-NODE-xxxxx`) are
//! masked. The harness's node runs ephemeral containers as processes, so
//! `-i` sessions and the fall back to logs are real.

mod common;
use std::sync::OnceLock;
use std::time::Duration;

use common::cluster::{cluster_kubeconfig, wait_until};
use common::pty::run_on_pty;
use common::twin::{mask_object, mask_output, Twin};
use common::*;
use regex::Regex;
use serde_json::Value;

const PODS: &str = "
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}, annotations: {note: kept}}
spec:
  initContainers:
  - {name: init, image: busybox, command: [sh, -c, 'exit 0']}
  containers:
  - name: p
    image: busybox
    command: [sleep, '3600']
    readinessProbe: {exec: {command: ['true']}}
  - {name: side, image: busybox, command: [sleep, '3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: q}
spec:
  containers:
  - {name: q, image: busybox, command: [sleep, '3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: nonroot}
spec:
  securityContext: {runAsUser: 1000}
  containers:
  - {name: c, image: busybox, command: [sleep, '3600']}
";

/// Twin namespaces deleted when the test ends, however it ends.
struct Twins(Twin);

impl Drop for Twins {
    fn drop(&mut self) {
        for ns in [&self.0.a, &self.0.b] {
            let _ = std::process::Command::new(kubectl_bin())
                .arg("--kubeconfig")
                .arg(cluster_kubeconfig())
                .args(["delete", "namespace", ns, "--wait=false"])
                .output();
        }
    }
}

fn twins(prefix: &str) -> Twins {
    let t = Twin::new(prefix);
    t.setup_manifest(PODS);
    for ns in [&t.a, &t.b] {
        wait_until(
            ns,
            "wait --for=condition=Ready pod/p pod/q pod/nonroot --timeout=120s",
            &|o| o.code == 0,
        );
    }
    Twins(t)
}

fn suffixes() -> &'static [(Regex, &'static str)] {
    static MASKS: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    MASKS.get_or_init(|| {
        vec![
            (
                Regex::new(r"debugger-([a-z0-9-]+-)?[bcdfghjklmnpqrstvwxz2456789]{5}\b").unwrap(),
                "debugger-${1}<x>",
            ),
            (
                Regex::new(r"containerd://[0-9a-f]+").unwrap(),
                "containerd://<id>",
            ),
        ]
    })
}

fn mask(text: &str, ns: &str) -> String {
    let mut out = mask_output(&normalize_stderr(&text.replace(ns, "<ns>")));
    for (re, to) in suffixes() {
        out = re.replace_all(&out, *to).into_owned();
    }
    out.replace("'kubectl ", "'kuddle ")
}

/// kubectl runs `words` in its namespace, kuddle in the twin (with
/// `input` on stdin): same output and exit code once masked.
fn same_with_input(t: &Twin, words: &[&str], input: &[u8]) -> Output {
    same_masked(t, words, input, &|s| s.to_string())
}

/// [`same_with_input`] with `extra` applied to both stderrs.
fn same_masked(t: &Twin, words: &[&str], input: &[u8], extra: &dyn Fn(&str) -> String) -> Output {
    let expected = t.invocation(&t.a, words).stdin(input.to_vec()).kubectl();
    let actual = t.invocation(&t.b, words).stdin(input.to_vec()).kuddle();
    let context = format!("`{}`", words.join(" "));
    assert_same_text(
        "stdout",
        &mask(&expected.stdout, &t.a),
        &mask(&actual.stdout, &t.b),
        &context,
    );
    assert_same_text(
        "stderr",
        &extra(&mask(&expected.stderr, &t.a)),
        &extra(&mask(&actual.stderr, &t.b)),
        &context,
    );
    assert_eq!(expected.code, actual.code, "exit code for {context}");
    actual
}

fn same(t: &Twin, words: &[&str]) -> Output {
    same_with_input(t, words, b"")
}

/// Every pod of one namespace as kubectl reads it, masked, in an order
/// that does not depend on the random names.
fn pods(t: &Twin, ns: &str) -> String {
    let text = t.kubectl_in(ns, "get pods -o json --show-managed-fields");
    let list: Value = serde_json::from_str(&text).expect("json");
    let mut items: Vec<String> = list["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut item| {
            mask_object(&mut item);
            if let Some(m) = item.pointer_mut("/metadata").and_then(Value::as_object_mut) {
                for key in ["generation", "creationTimestamp"] {
                    m.remove(key);
                }
            }
            mask(&serde_json::to_string_pretty(&item).expect("json"), ns)
        })
        .collect();
    items.sort();
    items.join("\n")
}

fn same_pods(t: &Twin) -> String {
    let expected = pods(t, &t.a);
    assert!(expected.contains("\"kind\": \"Pod\""), "{expected}");
    assert_same_text(
        "pods on the server",
        &expected,
        &pods(t, &t.b),
        "after debug",
    );
    expected
}

#[test]
fn bad_flag_combinations_and_names() {
    let t = twins("debug-err");
    for line in [
        "debug",
        "debug p",
        "debug --image=busybox",
        "debug p --image=busybox --replace",
        "debug p --image=busybox --same-node",
        "debug p --image=busybox --set-image=a=b",
        "debug p --copy-to=x",
        "debug p --copy-to=x -- sh",
        "debug p --image=busybox --profile=nope",
        "debug p --image=busybox --copy-to=x --target=p",
        "debug p --image=Busy:box",
        "debug p --image=busybox -t",
        "debug p --image=busybox --image-pull-policy=x",
        "debug p --copy-to=x --set-image=p=UP",
        "debug --attach p",
        "debug nope --image=busybox",
        "debug cm/nope --image=busybox",
        "debug nosuchtype/x --image=busybox",
        "debug node/nope --image=busybox",
        "debug p --image=busybox --env=x",
        "debug p --image=busybox --custom=/nonexistent",
        // A folder: Go opens it, then fails to read it.
        "debug p --image=busybox --custom=/",
        "debug p --image=busybox -f /nonexistent.yaml",
        "debug p --image=busybox --target=p -t",
        "debug configmap/kube-root-ca.crt --image=busybox",
        // The server refuses an ephemeral container named as a container.
        "debug p --image=busybox -c side",
    ] {
        same(&t.0, &line.split_whitespace().collect::<Vec<_>>());
    }
    // --custom files kubectl cannot decode, or that change what they may not.
    for (name, text) in [
        ("list.yaml", "- a\n- b\n"),
        ("image.yaml", "image: x\n"),
        ("env.json", "{\"env\": 3}"),
        ("broken.yaml", "a: [\n"),
    ] {
        let path =
            common::scratch_root().join(format!("kuddle-debug-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let flag = format!("--custom={}", path.display());
        same(&t.0, &["debug", "p", "--image=busybox", "-c", "cc", &flag]);
        let _ = std::fs::remove_file(&path);
    }
    // Nothing above changed a pod.
    same_pods(&t.0);
}

#[test]
fn ephemeral_containers_per_profile() {
    let t = twins("debug-eph");
    let custom =
        common::scratch_root().join(format!("kuddle-debug-custom-{}.yaml", std::process::id()));
    std::fs::write(
        &custom,
        "env:\n- name: FROM_CUSTOM\n  value: \"1\"\nsecurityContext:\n  runAsUser: 0\n",
    )
    .unwrap();
    let custom_flag = format!("--custom={}", custom.display());
    let out = same(&t.0, &["debug", "p", "--image=busybox", "--", "echo", "hi"]);
    assert!(
        out.stdout
            .starts_with("Defaulting debug container name to debugger-"),
        "{out:?}"
    );
    for words in [
        &[
            "debug",
            "p",
            "--image=busybox",
            "-c",
            "tgt",
            "--target=p",
            "--",
            "sh",
            "-c",
            "sleep 1",
        ][..],
        &[
            "debug",
            "pod/p",
            "--image=busybox",
            "-q",
            "-c",
            "base",
            "--profile=baseline",
        ],
        &[
            "debug",
            "p",
            "--image=busybox",
            "-c",
            "restr",
            "--profile=restricted",
            "--",
            "true",
        ],
        &[
            "debug",
            "p",
            "--image=busybox",
            "-c",
            "net",
            "--profile=netadmin",
            "--",
            "true",
        ],
        &[
            "debug",
            "p",
            "--image=busybox",
            "-c",
            "sys",
            "--profile=sysadmin",
            "--",
            "true",
        ],
        &[
            "debug",
            "p",
            "--image=busybox",
            "-c",
            "leg",
            "--profile=legacy",
            "--",
            "true",
        ],
        &[
            "debug",
            "p",
            "--image=busybox:1.36",
            "-c",
            "envs",
            "--env=A=1=2",
            "--image-pull-policy=IfNotPresent",
            "--arguments-only",
            "--",
            "x",
            "y",
        ],
        &[
            "debug",
            "p",
            "--image=busybox",
            "-c",
            "cust",
            &custom_flag,
            "--",
            "true",
        ],
        &[
            "debug",
            "nonroot",
            "--image=busybox",
            "-c",
            "warned",
            "--",
            "true",
        ],
        &[
            "debug",
            "nonroot",
            "--image=busybox",
            "-c",
            "root",
            &custom_flag,
            "--",
            "true",
        ],
        // A name in use: the server's Invalid answer ends in its diff and a
        // newline, which kubectl closes with another (a blank line).
        &[
            "debug",
            "p",
            "--image=busybox",
            "-c",
            "leg",
            "--profile=legacy",
            "--",
            "true",
        ],
        // (One --env pair only: kubectl orders several in Go's random map order.)
        // The second name fails after the first pod got its container.
        &[
            "debug",
            "q",
            "nope",
            "--image=busybox",
            "-c",
            "two",
            "--",
            "true",
        ],
    ] {
        same(&t.0, words);
    }
    let _ = std::fs::remove_file(&custom);
    let pods = same_pods(&t.0);
    assert!(pods.contains("\"targetContainerName\": \"p\""), "{pods}");
    assert!(pods.contains("FROM_CUSTOM"), "{pods}");
}

#[test]
fn copies_of_a_pod() {
    let t = twins("debug-copy");
    for words in [
        &[
            "debug",
            "p",
            "--copy-to=c1",
            "--image=busybox",
            "--",
            "sleep",
            "100",
        ][..],
        &[
            "debug",
            "p",
            "--copy-to=c2",
            "--set-image=*=alpine,side=busybox:1",
        ],
        &[
            "debug",
            "p",
            "--copy-to=c3",
            "--container=p",
            "--keep-labels",
            "--keep-annotations",
            "--keep-readiness",
            "--keep-init-containers=false",
            "--share-processes=false",
            "--same-node",
            "--env=X=y",
            "--",
            "sleep",
            "50",
        ],
        &[
            "debug",
            "p",
            "--copy-to=c4",
            "--image=busybox",
            "-c",
            "dbg",
            "--profile=restricted",
            "--arguments-only",
            "--",
            "a",
        ],
        &[
            "debug",
            "p",
            "--copy-to=c5",
            "--image=busybox",
            "--profile=legacy",
            "--keep-labels",
            "-q",
        ],
        &[
            "debug",
            "nonroot",
            "--copy-to=c6",
            "--image=busybox",
            "-c",
            "d",
            "--profile=sysadmin",
        ],
        &[
            "debug",
            "q",
            "--copy-to=c7",
            "--image=busybox",
            "-c",
            "d",
            "--replace",
            "--",
            "sleep",
            "60",
        ],
        &["debug", "q", "--copy-to=c1", "--image=busybox"],
    ] {
        same(&t.0, words);
    }
    // q was replaced by its copy.
    for ns in [&t.0.a, &t.0.b] {
        wait_until(ns, "get pod q", &|o| o.code != 0);
    }
    same_pods(&t.0);
}

#[test]
fn node_debugging_pods() {
    let t = twins("debug-node");
    let out = same(
        &t.0,
        &[
            "debug",
            "node/kuddle-node",
            "--image=busybox",
            "--",
            "sleep",
            "3",
        ],
    );
    assert!(
        out.stdout
            .starts_with("Creating debugging pod node-debugger-kuddle-node-"),
        "{out:?}"
    );
    same(
        &t.0,
        &[
            "debug",
            "node/kuddle-node",
            "--image=busybox",
            "-c",
            "sys",
            "--profile=sysadmin",
            "--env=A=b",
            "--",
            "sleep",
            "3",
        ],
    );
    same(
        &t.0,
        &[
            "debug",
            "nodes/kuddle-node",
            "--image=busybox",
            "-q",
            "--profile=netadmin",
            "--",
            "true",
        ],
    );
    let pods = same_pods(&t.0);
    assert!(pods.contains("\"mountPath\": \"/host\""), "{pods}");
}

#[test]
fn pods_from_a_file() {
    let t = twins("debug-file");
    let file = common::scratch_root().join(format!("kuddle-debug-pod-{}.yaml", std::process::id()));
    // A pod as `get -o yaml` shows it (kubectl needs the securityContext).
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  securityContext: {}\n  containers:\n  - {name: q, image: busybox, command: [sleep, '3600']}\n",
    )
    .unwrap();
    let path = file.display().to_string();
    same(
        &t.0,
        &[
            "debug",
            "-f",
            &path,
            "--image=busybox",
            "-c",
            "ff",
            "--",
            "true",
        ],
    );
    same(
        &t.0,
        &[
            "debug",
            "-f",
            &path,
            "--image=busybox",
            "--copy-to=fc",
            "-q",
        ],
    );
    same(&t.0, &["debug", "q", "-f", &path, "--image=busybox"]);
    // An object of another namespace than -n's.
    let other =
        common::scratch_root().join(format!("kuddle-debug-other-{}.yaml", std::process::id()));
    std::fs::write(
        &other,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: elsewhere}\nspec: {securityContext: {}, containers: [{name: q, image: busybox}]}\n",
    )
    .unwrap();
    let other_path = other.display().to_string();
    same(&t.0, &["debug", "-f", &other_path, "--image=busybox"]);
    let _ = std::fs::remove_file(&other);
    let _ = std::fs::remove_file(&file);
    same_pods(&t.0);
}

/// `-i` joins the new container: what goes in reaches it, what it writes
/// comes back. One that finished before the join has its log printed.
#[test]
fn attached_sessions() {
    let t = twins("debug-attach");
    let out = same_with_input(
        &t.0,
        &[
            "debug",
            "q",
            "--image=busybox",
            "-i",
            "-c",
            "rd",
            "--",
            "sh",
            "-c",
            "read l; echo got $l",
        ],
        b"hello\n",
    );
    assert!(out.stdout.ends_with("got hello\n"), "{out:?}");
    // A container that ends at once: seen running, it is gone by the time
    // of the join (kubectl's warning, then the log), or seen finished (the
    // log at once), by chance; the log comes either way.
    let out = same_masked(
        &t.0,
        &[
            "debug",
            "q",
            "--image=busybox",
            "--attach",
            "-q",
            "-c",
            "fin",
            "--",
            "echo",
            "from-log",
        ],
        b"",
        &|s| {
            s.lines()
                .filter(|l| {
                    !l.starts_with(
                        "warning: couldn't attach to pod/q, falling back to streaming logs",
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
    );
    assert_eq!(out.stdout, "from-log\n");
    same_with_input(
        &t.0,
        &[
            "debug",
            "q",
            "--copy-to=qc",
            "--image=busybox",
            "-i",
            "-q",
            "-c",
            "rd",
            "--",
            "sh",
            "-c",
            "read l; echo copy $l",
        ],
        b"x\n",
    );
}

/// On a terminal: the container's shell, and kubectl's hint for joining
/// the ephemeral container again.
#[test]
fn terminal_session() {
    let t = twins("debug-tty");
    let run = |ns: &str, program: &std::path::Path| {
        let inv =
            t.0.invocation(ns, &["debug", "q", "-it", "--image=busybox", "-c", "sh"]);
        run_on_pty(
            &inv,
            program,
            30,
            100,
            b"echo typed-$((1+2)); exit\r",
            Duration::from_secs(5),
        )
    };
    let expected = run(&t.0.a, &kubectl_bin());
    let actual = run(&t.0.b, &kuddle_bin());
    // The shell's first prompt comes before or after the join, by chance.
    let terminal = |text: &str, ns: &str| mask(text, ns).replace("# ", "");
    assert_same_text(
        "terminal",
        &terminal(&expected.stdout, &t.0.a),
        &terminal(&actual.stdout, &t.0.b),
        "debug -it",
    );
    assert_eq!(expected.code, actual.code);
    assert!(actual.stdout.contains("typed-3"), "{actual:?}");
    assert!(
        actual
            .stdout
            .contains("may be reattached using 'kuddle attach q -c sh -n "),
        "{actual:?}"
    );
}

/// While the container waits (here for a ConfigMap its environment needs),
/// kubectl's warning with the kubelet's message; once it runs, the session.
#[test]
fn warnings_while_the_container_waits() {
    let t = twins("debug-wait");
    let custom =
        common::scratch_root().join(format!("kuddle-debug-wait-{}.yaml", std::process::id()));
    std::fs::write(
        &custom,
        "env:\n- name: LATER\n  valueFrom:\n    configMapKeyRef: {name: later, key: k}\n",
    )
    .unwrap();
    let flag = format!("--custom={}", custom.display());
    let words = [
        "debug",
        "q",
        "--image=busybox",
        "--attach",
        "-c",
        "w",
        &flag,
        "--",
        "sh",
        "-c",
        "sleep 1; echo started $LATER",
    ];
    let a = t.0.invocation(&t.0.a, &words);
    let b = t.0.invocation(&t.0.b, &words);
    let expected = std::thread::spawn(move || a.kubectl());
    let actual = std::thread::spawn(move || b.kuddle());
    std::thread::sleep(Duration::from_secs(4));
    t.0.setup("create configmap later --from-literal=k=now");
    let expected = expected.join().unwrap();
    let actual = actual.join().unwrap();
    let _ = std::fs::remove_file(&custom);
    // How often the kubelet reports the wait is its own affair: each
    // distinct line once.
    let lines = |text: &str, ns: &str| {
        let mut lines: Vec<String> = mask(text, ns).lines().map(str::to_string).collect();
        lines.dedup();
        lines.join("\n")
    };
    assert_same_text(
        "stderr",
        &lines(&expected.stderr, &t.0.a),
        &lines(&actual.stderr, &t.0.b),
        "debug --attach, waiting",
    );
    assert_eq!(expected.stdout, actual.stdout);
    assert_eq!(expected.code, actual.code);
    assert!(
        actual
            .stderr
            .contains("Warning: container w: configmaps \"later\" not found"),
        "{actual:?}"
    );
    assert_eq!(actual.stdout, "started now\n");
}
