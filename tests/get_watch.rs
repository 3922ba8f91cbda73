//! `get -w` against the real control plane: both programs watch the same
//! namespace while it changes, and print the same lines.

mod common;

use std::time::Duration;

use common::cluster::{cluster_kubeconfig, namespace};
use common::*;

fn kubectl(ns: &str, line: &str) {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(line.split_whitespace().map(str::to_string));
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "`{line}` failed: {}", out.stderr);
}

/// Values that differ between two observations of the same change.
fn normalize(text: &str) -> String {
    let volatile =
        regex::Regex::new(r#""(resourceVersion|uid|creationTimestamp|time|v)": ?"[^"]*""#).unwrap();
    normalize_ages(&volatile.replace_all(text, "\"$1\": \"X\""))
}

/// Starts both programs watching with `watch_line`, changes the namespace
/// while they watch, and compares what they printed once the server (or
/// --request-timeout) ended the watch.
fn same_while_changing(ns: &str, watch_line: &str) {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(watch_line.split_whitespace().map(str::to_string));
    args.push("--request-timeout=5s".into());
    let inv = Invocation::new(&args).kubeconfig(cluster_kubeconfig());
    let (theirs, ours) = std::thread::scope(|scope| {
        let a = scope.spawn(|| inv.kubectl());
        let b = scope.spawn(|| inv.kuddle());
        std::thread::sleep(Duration::from_millis(2000));
        kubectl(ns, "label configmap watched step=one --overwrite");
        std::thread::sleep(Duration::from_millis(300));
        kubectl(ns, "create configmap added --from-literal=k=v");
        std::thread::sleep(Duration::from_millis(300));
        kubectl(ns, "delete configmap added");
        (a.join().unwrap(), b.join().unwrap())
    });
    let context = format!("`{watch_line}`");
    assert_same_text(
        "stdout",
        &normalize(&theirs.stdout),
        &normalize(&ours.stdout),
        &context,
    );
    assert_eq!(theirs.code, ours.code, "exit code differs for {context}");
    assert!(!ours.stdout.is_empty(), "nothing printed for {context}");
}

#[test]
fn watching_a_namespace_that_changes() {
    for watch_line in [
        "get cm -w",
        "get cm --watch-only",
        "get cm -w --output-watch-events",
        "get cm watched -w",
        "get cm -w -o name",
        "get cm --watch-only -o json --output-watch-events",
        "get cm --watch-only -o yaml",
    ] {
        let ns = namespace("watch");
        kubectl(&ns, "create configmap watched --from-literal=a=b");
        same_while_changing(&ns, watch_line);
    }
}

#[test]
fn watch_errors_match_kubectl() {
    let ns = namespace("watch-errors");
    kubectl(&ns, "create configmap one");
    kubectl(&ns, "create configmap two");
    for line in [
        // Both exist: printed, then kubectl refuses to watch two objects.
        "get cm one two -w",
        "get cm,secrets -w",
        "get cm a b -w",
        "get cm --output-watch-events",
        "get nope -w",
        "get cm nope -w --request-timeout=2s",
        "get cm nope -w --ignore-not-found --request-timeout=2s",
    ] {
        let mut args: Vec<String> = vec!["-n".into(), ns.clone()];
        args.extend(line.split_whitespace().map(str::to_string));
        assert_same_with(
            &Invocation::new(&args).kubeconfig(cluster_kubeconfig()),
            &normalize_ages,
        );
    }
}
