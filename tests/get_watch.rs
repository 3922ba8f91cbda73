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
    let words: Vec<&str> = watch_line.split_whitespace().collect();
    same_while_changing_words(ns, &words);
}

/// `same_while_changing` for words that hold spaces, tabs or newlines.
fn same_while_changing_words(ns: &str, words: &[&str]) {
    let watch_line = words.join(" ");
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(words.iter().map(|w| w.to_string()));
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
        // Names are decoded without the rest of each object: of a named
        // object, of events only, and of a current state in pages.
        "get cm watched -w -o name --output-watch-events",
        "get cm --watch-only -o name --output-watch-events",
        "get cm -w -o name --chunk-size=1",
        "get cm --watch-only -o json --output-watch-events",
        "get cm --watch-only -o yaml",
    ] {
        let ns = namespace("watch");
        kubectl(&ns, "create configmap watched --from-literal=a=b");
        same_while_changing(&ns, watch_line);
    }
}

/// Every printer in watch mode: output goes through kubectl's table writer
/// (tabs in templates become aligned columns), events wrap the object for
/// `--output-watch-events` (`-o name` names the object inside), a template
/// failing on the current state is an error, on an event it ends the watch
/// quietly.
#[test]
fn watching_with_every_printer() {
    let cases: &[&[&str]] = &[
        &["get", "cm", "-w", "-o", "go-template={{.metadata.name}}\t{{.kind}}\t{{len .metadata}}\n"],
        &["get", "cm", "-w", "--output-watch-events", "-o", "go-template={{.type}}\t{{.object.metadata.name}}\n"],
        &["get", "cm", "--watch-only", "--output-watch-events", "-o", "jsonpath={.type}\t{.object.metadata.name}{\"\\n\"}"],
        &["get", "cm", "-w", "--output-watch-events", "-o", "name"],
        &["get", "cm", "--watch-only", "--output-watch-events", "-o", "go-template={{.}}\n"],
        &["get", "cm", "watched", "-w", "-o", "go-template={{.metadata.name}} {{.metadata.labels}}\n"],
        // Fails on the first event (the label), not on the current state.
        &["get", "cm", "-w", "-o", "go-template={{.metadata.name}}{{if .metadata.labels}}{{.metadata.labels.step.x}}{{end}}\n"],
        // Fails on the current state.
        &["get", "cm", "-w", "-o", "go-template={{.metadata.name}}\t{{.data.a.b}}\n"],
        &["get", "cm", "-w", "--output-watch-events", "-o", "go-template={{.object.metadata.name}}{{.type.x}}"],
        &["get", "cm", "-w", "--output-watch-events", "-o", "yaml"],
        &["get", "cm", "-w", "--output-watch-events", "-o", "kyaml"],
        &["get", "cm", "-w", "--output-watch-events", "-o", "custom-columns=NAME:.metadata.name,TYPE:.type"],
        &["get", "cm", "-w", "-o", "custom-columns=NAME:.metadata.name"],
        &["get", "cm", "-w", "--output-watch-events", "--server-print=false"],
        &["get", "cm", "-w", "--server-print=false", "--show-labels"],
    ];
    for words in cases {
        let ns = namespace("watch-tmpl");
        kubectl(&ns, "create configmap watched --from-literal=a=b");
        same_while_changing_words(&ns, words);
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
