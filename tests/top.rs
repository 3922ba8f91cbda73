//! `top pod` and `top node` against the real control plane (metrics-server
//! scraping the harness's node), compared with kubectl 1.37.1.
//!
//! The figures move between the two runs, so they are masked and the
//! columns compared word by word; the table layout itself is checked
//! byte for byte by the printer's unit tests. Pods whose memory differs by
//! tens of MiB keep `--sort-by=memory` meaningful; CPU is near zero for all,
//! so `--sort-by=cpu` output is compared without its order.

mod common;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::cluster::{cluster_kubeconfig, kubectl_words_in, namespace};
use common::*;

const PODS: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: big, labels: {app: top, size: big}}
spec:
  containers:
  - {name: c, image: perl, command: [perl, -e, '$x = "a" x 90000000; sleep 3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: mid, labels: {app: top, size: mid}}
spec:
  containers:
  - {name: c, image: perl, command: [perl, -e, '$x = "a" x 40000000; sleep 3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: multi, labels: {app: top, size: small}}
spec:
  containers:
  - {name: hog, image: perl, command: [perl, -e, '$x = "a" x 20000000; sleep 3600']}
  - {name: idle, image: busybox, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: small, labels: {app: top, size: small}}
spec:
  containers:
  - {name: c, image: busybox, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: stuck, labels: {app: stuck}}
spec:
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
    env: [{name: X, valueFrom: {configMapKeyRef: {name: missing, key: k}}}]
"#;

/// The namespace with the pods above, once metrics-server reports all four.
fn top_namespace() -> &'static str {
    static NS: OnceLock<String> = OnceLock::new();
    NS.get_or_init(|| {
        let ns = namespace("top");
        let out = Invocation::new(&["-n", &ns, "apply", "-f", "-"])
            .kubeconfig(cluster_kubeconfig())
            .stdin(PODS.as_bytes().to_vec())
            .kubectl();
        assert_eq!(out.code, 0, "apply: {}", out.stderr);
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let out = kubectl_words_in(&ns, &["top", "pod", "-l", "app=top", "--no-headers"]);
            if out.code == 0 && out.stdout.lines().count() == 4 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "metrics never came for the pods in {ns}: {out:?}"
            );
            std::thread::sleep(Duration::from_secs(1));
        }
        ns
    })
}

/// Figures masked, columns compared as words.
fn mask_figures(text: &str) -> String {
    text.lines()
        .map(|line| {
            line.split_whitespace()
                .map(|word| {
                    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                    if word.strip_suffix("Mi").is_some_and(digits) {
                        "<mem>"
                    } else if word.strip_suffix('m').is_some_and(digits) {
                        "<cpu>"
                    } else if word.strip_suffix('%').is_some_and(digits) {
                        "<pct>"
                    } else {
                        word
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn same_masked(args: &[&str], unordered: bool) -> Output {
    let ns = top_namespace();
    let mut all = vec!["-n", ns];
    all.extend_from_slice(args);
    let inv = Invocation::new(&all).kubeconfig(cluster_kubeconfig());
    let ns_owned = ns.to_string();
    assert_same_with(&inv, &move |s| {
        let masked = mask_figures(&s.replace(&ns_owned, "<ns>"));
        if !unordered {
            return masked;
        }
        let mut lines: Vec<&str> = masked.lines().collect();
        lines.sort_unstable();
        lines.join("\n")
    })
}

fn same_words(line: &str) -> Output {
    same_masked(&line.split_whitespace().collect::<Vec<_>>(), false)
}

#[test]
fn pods() {
    for line in [
        "top pod",
        "top pods -l app=top",
        "top po --containers",
        "top pod --containers --sum",
        "top pod --sum --no-headers",
        "top pod --containers --sum --no-headers",
        "top pod --sort-by=memory",
        "top pod --sort-by=memory --containers",
        "top pod --sort-by=memory --sum --show-swap",
        "top pod big",
        "top pod multi --containers",
        "top pod -l size=small --containers",
        "top pod -l size in (mid,big)",
        "top pod -l app=top,size!=big --no-headers",
        "top pod --field-selector=metadata.name=mid",
        "top pod --field-selector=metadata.name!=mid -l app=top",
        "top pod --use-protocol-buffers=false",
        "top pod --show-swap --containers",
    ] {
        same_masked(&split_selector_words(line), false);
    }
    for line in [
        "top pod --sort-by=cpu",
        "top pod --sort-by=cpu --containers --sum",
    ] {
        same_masked(&line.split_whitespace().collect::<Vec<_>>(), true);
    }
}

/// `-l size in (mid,big)` keeps its spaces: the selector is one word.
fn split_selector_words(line: &str) -> Vec<&str> {
    match line.split_once(" -l ") {
        Some((before, selector)) if selector.contains(" in ") => {
            let mut words: Vec<&str> = before.split_whitespace().collect();
            words.push("-l");
            words.push(selector);
            words
        }
        _ => line.split_whitespace().collect(),
    }
}

#[test]
fn all_namespaces() {
    // Other tests' pods come and go: only the shape of the table is stable,
    // so both programs' first line (the header) and their errors are compared.
    let inv = Invocation::line("top pod -A --no-headers=false").kubeconfig(cluster_kubeconfig());
    let (a, b) = (inv.kubectl(), inv.kuddle());
    assert_eq!(a.code, b.code, "{} / {}", a.stderr, b.stderr);
    assert_eq!(a.stdout.lines().next(), b.stdout.lines().next());
    let ns = top_namespace();
    let mine = |o: &Output| -> Vec<String> {
        o.stdout
            .lines()
            .filter(|l| l.starts_with(ns))
            .map(|l| mask_figures(&l.replace(ns, "<ns>")))
            .collect()
    };
    assert_eq!(mine(&a), mine(&b));
}

#[test]
fn nodes() {
    for line in [
        "top node",
        "top nodes",
        "top no kuddle-node",
        "top node --no-headers",
        "top node --show-capacity",
        "top node --show-swap",
        "top node --sort-by=cpu",
        "top node --sort-by=memory --show-capacity --show-swap",
        "top node -l kubernetes.io/os=linux",
        "top node -l kubernetes.io/os=windows",
        "top node --use-protocol-buffers=false",
    ] {
        same_words(line);
    }
}

#[test]
fn bad_input() {
    for line in [
        "top pod a b",
        "top pod nope",
        "top pod stuck",
        "top pod -l app=stuck",
        "top pod -l app=nothing",
        "top pod --sort-by=name",
        "top pod -l app=top big",
        "top pod --field-selector=metadata.name=x big",
        "top pod -l =x",
        "top pod -l a,",
        "top pod --field-selector=nonsense",
        "top node a b",
        "top node nope",
        "top node --sort-by=name",
        "top node -l a=b kuddle-node",
        "top node -l a(",
        "top nonsense",
    ] {
        same_words(line);
    }
    // `top` alone prints its help (each program its own) to stderr and fails.
    let inv = Invocation::line("top").kubeconfig(cluster_kubeconfig());
    let (a, b) = (inv.kubectl(), inv.kuddle());
    assert_eq!((a.code, a.stdout.as_str()), (b.code, b.stdout.as_str()));
    assert_eq!(b.code, 1);
    assert!(!b.stderr.is_empty());
}

#[test]
fn forbidden_for_the_limited_user() {
    let ns = top_namespace();
    for args in [
        vec!["--context", "limited", "-n", ns, "top", "pod"],
        vec!["--context", "limited", "top", "pod"],
        vec!["--context", "limited", "top", "node"],
    ] {
        let ns_owned = ns.to_string();
        assert_same_with(
            &Invocation::new(&args).kubeconfig(cluster_kubeconfig()),
            &move |s| s.replace(&ns_owned, "<ns>"),
        );
    }
}
