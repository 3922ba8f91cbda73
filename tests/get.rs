//! `get` against the real control plane, compared with kubectl 1.37.1.

mod common;
use common::cluster::{cluster_kubeconfig, namespace};
use common::*;

fn kubectl_setup(ns: &str, lines: &[&str]) {
    for line in lines {
        let mut args: Vec<String> = vec!["-n".into(), ns.into()];
        args.extend(line.split_whitespace().map(str::to_string));
        let out = Invocation::new(&args)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "setup `{line}` failed: {}", out.stderr);
    }
}

fn same_on_cluster(ns: &str, line: &str) -> Output {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(line.split_whitespace().map(str::to_string));
    assert_same_with(
        &Invocation::new(&args).kubeconfig(cluster_kubeconfig()),
        &normalize_ages,
    )
}

#[test]
fn tables_match_kubectl() {
    let ns = namespace("get-tables");
    kubectl_setup(
        &ns,
        &[
            "create deployment web --image=nginx --replicas=2",
            "create service clusterip web --tcp=80:8080",
            "create configmap cfg --from-literal=a=b",
            "label configmap cfg tier=backend app.kubernetes.io/name=cfg",
        ],
    );
    for line in [
        "get deploy",
        "get deploy,svc,cm",
        "get all",
        "get deploy -o wide",
        "get cm --show-labels",
        "get cm -L tier -L app.kubernetes.io/name",
        "get cm --no-headers",
        "get deploy --show-kind",
        "get deploy/web svc/web",
        "get cm -l tier=backend",
        "get cm -l tier=nope",
        "get deploy web cfg",
        "get ns kube-system default",
        "get nodes",
    ] {
        same_on_cluster(&ns, line);
    }
}

#[test]
fn object_formats_match_kubectl() {
    let ns = namespace("get-formats");
    kubectl_setup(
        &ns,
        &[
            "create configmap one --from-literal=k=v",
            "create configmap two --from-literal=x=y",
        ],
    );
    for line in [
        "get cm one -o json",
        "get cm -o json",
        "get cm one two -o json",
        "get cm -o name",
        "get cm,deploy -o name",
        "get cm one --show-managed-fields -o json",
        "get cm one -o yaml",
        "get cm -o yaml",
        "get cm -o kyaml",
        "get cm one two -o yaml",
        "get cm -o jsonpath={.items[*].metadata.name}",
        "get cm one -o jsonpath={.data}",
        "get cm -o jsonpath-as-json={.items[*].data}",
        "get cm -o custom-columns=NAME:.metadata.name,DATA:.data",
        "get cm -o custom-columns=NAME:.metadata.name,NOPE:.nope --no-headers",
        "get cm -o custom-columns=BAD",
        "get cm -o custom-columns",
        "get cm -l nothing=here -o json",
        "get cm -l nothing=here -o yaml",
        "get cm -l nothing=here -o name",
        "get cm,deploy -o yaml",
        "get cm --chunk-size=1 -o json",
        "get cm --chunk-size=1 -o yaml",
    ] {
        same_on_cluster(&ns, line);
    }
}

#[test]
fn errors_match_kubectl() {
    let ns = namespace("get-errors");
    for line in [
        "get nope",
        "get pods nope",
        "get pods nope --ignore-not-found",
        "get pods/nope configmaps/nope",
        "get pods pods/x",
        "get pods a -A",
        "get pods -o bogus",
        "get pods --show-labels -o name",
        "get pods",
        "get pods -A -l nothing=here",
        "get --raw /api/v1/nope",
        "get pods --raw /api",
    ] {
        same_on_cluster(&ns, line);
    }
}

#[test]
fn api_resources_match_kubectl() {
    for line in [
        "api-resources",
        "api-resources -o wide",
        "api-resources -o name",
        "api-resources --namespaced=false",
        "api-resources --api-group=apps --verbs=list,watch --sort-by=kind",
        "api-resources --api-group=",
        "api-resources --categories=all --no-headers",
        "api-resources --sort-by=name -o json",
        "api-resources --sort-by=x",
        "api-resources extra",
        "api-resources --api-group=nothing",
    ] {
        assert_same_with(
            &Invocation::line(line).kubeconfig(cluster_kubeconfig()),
            &|s| s.to_string(),
        );
    }
}
