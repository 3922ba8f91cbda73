//! `auth whoami` and `auth can-i` against the real control plane, as the
//! `admin` and the `limited` contexts; both programs must print the same
//! answer, warnings and exit code. Nothing is written.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::mask_output;
use common::*;

/// Both programs on `line` (split on spaces) against the test cluster.
fn same_on_cluster(line: &str) -> Output {
    let words: Vec<&str> = line.split_whitespace().collect();
    let inv = Invocation::new(&words).kubeconfig(cluster_kubeconfig());
    assert_same_with(&inv, &mask_output)
}

#[test]
fn whoami() {
    for context in ["admin", "limited"] {
        for flags in [
            "",
            "-o json",
            "-o yaml",
            "-o name",
            "-o jsonpath={.status.userInfo.groups}",
            "-o bogus",
        ] {
            let out = same_on_cluster(&format!("auth whoami --context {context} {flags}"));
            assert!(flags == "-o bogus" || out.code == 0, "{}", out.stderr);
        }
    }
}

#[test]
fn can_i_as_admin_and_limited() {
    for context in ["admin", "limited"] {
        for question in [
            "get pods",
            "create pods -n kube-system",
            "list secrets -A",
            "delete nodes",
            "get nodes -A",
            "list deployments.apps",
            "list deploy",
            "get pods/log",
            "get pods --subresource=log",
            "list jobs.batch/bar -n foo",
            "get /logs",
            "get /healthz",
            "impersonate users/x",
            "get pods -q",
            "delete nodes -q",
        ] {
            same_on_cluster(&format!("auth can-i --context {context} {question}"));
        }
    }
    // Impersonation (only admin may).
    same_on_cluster("auth can-i get pods --as=nobody");
    same_on_cluster("auth can-i list pods --as=nobody --as-group=system:masters");
    // Everything, as kubectl quotes it for the shell.
    let inv = Invocation::new(&["auth", "can-i", "*", "*"]).kubeconfig(cluster_kubeconfig());
    assert_same(&inv);
}

#[test]
fn can_i_warnings_and_errors() {
    for line in [
        "auth can-i",
        "auth can-i get",
        "auth can-i get pods extra",
        "auth can-i foo bar",
        "auth can-i fly pods",
        "auth can-i fly /x",
        "auth can-i get /x --subresource=log",
        "auth can-i get nodes",
        "auth can-i get clusterroles.rbac.authorization.k8s.io",
        "auth can-i get foos.example.com",
        "auth can-i get users",
        "auth can-i get pods -q=maybe",
    ] {
        same_on_cluster(line);
    }
}

#[test]
fn can_i_list() {
    for line in [
        "auth can-i --list",
        "auth can-i --list --no-headers",
        "auth can-i --list --context limited",
        "auth can-i --list --context limited -n kube-system",
        "auth can-i --list --as=system:serviceaccount:kube-system:default -n kube-system",
        "auth can-i --list get pods",
        "auth can-i --list -A",
        "auth can-i --list -q",
        "auth can-i --list --subresource=log",
        "auth can-i get pods --no-headers",
    ] {
        same_on_cluster(line);
    }
    // The limited user's table: its resource rows, then the non-resource
    // URLs every authenticated user may get.
    let out = same_on_cluster("auth can-i --list --context limited");
    assert!(out.stdout.starts_with("Resources "), "{}", out.stdout);
    assert!(out.stdout.contains("[/healthz]"), "{}", out.stdout);
}

#[test]
fn can_i_list_with_resource_names_and_a_dangling_binding() {
    let ns = common::cluster::namespace("cani");
    let kubectl = |line: &str| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let out = Invocation::new(&words)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "`{line}`: {}", out.stderr);
    };
    kubectl(&format!(
        "-n {ns} create role multi --verb=get,list --resource=pods,configmaps --resource-name=a --resource-name=b"
    ));
    kubectl(&format!(
        "-n {ns} create rolebinding multi --role=multi --user=limited"
    ));
    kubectl(&format!(
        "-n {ns} create rolebinding dangling --role=missing --user=limited"
    ));
    let out = same_on_cluster(&format!("auth can-i --list --context limited -n {ns}"));
    assert!(out.stdout.contains("[a]"), "{}", out.stdout);
    same_on_cluster(&format!(
        "auth can-i --list --context limited -n {ns} --no-headers"
    ));
    kubectl(&format!("delete namespace {ns} --wait=false"));
}
