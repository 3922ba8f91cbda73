//! `get --subresource`, `--server-print=false` and `--show-managed-fields`
//! against kubectl 1.37.1 on the real control plane.

mod common;

use common::cluster::{cluster_kubeconfig, namespace};
use common::*;

fn kubectl(ns: &str, words: &[&str]) {
    let mut args: Vec<&str> = vec!["-n", ns];
    args.extend_from_slice(words);
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "`{}` failed: {}", words.join(" "), out.stderr);
}

fn same_in(ns: &str, line: &str) {
    let mut args: Vec<&str> = vec!["-n", ns];
    args.extend(line.split_whitespace());
    assert_same_with(
        &Invocation::new(&args).kubeconfig(cluster_kubeconfig()),
        &normalize_ages,
    );
}

/// A deployment (with its scale and status subresources), config maps
/// with labels and a secret.
fn populated() -> String {
    let ns = namespace("get-flags");
    kubectl(
        &ns,
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx",
            "--replicas=2",
        ],
    );
    kubectl(&ns, &["create", "configmap", "b", "--from-literal=k=v"]);
    kubectl(&ns, &["create", "configmap", "a"]);
    kubectl(&ns, &["label", "configmap", "a", "tier=front"]);
    kubectl(
        &ns,
        &["create", "secret", "generic", "s", "--from-literal=p=q"],
    );
    ns
}

#[test]
fn subresources_match_kubectl() {
    let ns = populated();
    for line in [
        "get deploy web --subresource scale",
        "get deploy web --subresource=scale -o wide",
        "get deploy web --subresource=scale -o yaml",
        "get deploy web --subresource=scale -o json",
        "get deploy web --subresource=scale -o name",
        "get deploy/web --subresource=scale -o jsonpath={.spec.replicas}",
        "get deploy web --subresource=scale -o go-template={{.kind}}/{{.status.selector}}",
        "get deploy web --subresource=scale --sort-by=.metadata.name",
        "get deploy web --subresource=scale --server-print=false",
        "get deploy web --subresource status -o jsonpath={.kind}",
        "get deploy web nope --subresource scale",
        "get deploy --subresource scale",
        "get deploy -l app=web --subresource scale",
        "get deploy web --subresource foo",
        "get cm a --subresource status",
        "get cm a --subresource scale",
        // No resource at all, with or without a subresource.
        "get",
        "get --subresource=log",
    ] {
        same_in(&ns, line);
    }
}

#[test]
fn client_side_tables_match_kubectl() {
    let ns = populated();
    for line in [
        "get cm --server-print=false",
        "get cm -o wide --server-print=false",
        "get cm,secret,deploy --server-print=false",
        "get cm --server-print=false --show-labels",
        "get cm --server-print=false -L tier --show-kind",
        "get cm --server-print=false --no-headers",
        "get cm --server-print=false --chunk-size=1",
        "get cm,secret --server-print=false --sort-by=.metadata.name",
        "get cm --server-print=false --sort-by=.nope",
        "get cm b a --server-print=false",
        "get cm a nope --server-print=false",
        "get cm --server-print=false -l nothing=here",
        "get deploy --server-print=false -o name",
        "get cm --server-print=false=true",
    ] {
        same_in(&ns, line);
    }
}

#[test]
fn managed_fields_match_kubectl() {
    let ns = populated();
    for output in [
        "yaml",
        "json",
        "kyaml",
        "name",
        "jsonpath={.metadata.managedFields[*].manager}",
        "go-template={{range .metadata.managedFields}}{{.manager}} {{end}}",
    ] {
        for flag in ["", "--show-managed-fields", "--show-managed-fields=false"] {
            same_in(&ns, &format!("get cm a -o {output} {flag}"));
            same_in(&ns, &format!("get cm -o {output} {flag}"));
        }
    }
    same_in(&ns, "get cm --show-managed-fields");
}
