//! `create <kind>` subcommands and `create -f` against the real control
//! plane: kubectl in one namespace, kuddle in its twin; the output and the
//! objects left on the server must match.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::Twin;
use common::*;

/// A read-only command against the cluster (role names need discovery).
fn same_on_cluster(line: &str) -> Output {
    assert_same(&Invocation::line(line).kubeconfig(cluster_kubeconfig()))
}

#[test]
fn role_resources_resolved_by_discovery() {
    for line in [
        "create role r --verb=get --resource=rs.apps,po,pod,Pods,deploy/scale,deployments.apps/status",
        "create role r --verb=get --resource=events,events.events.k8s.io,hpa.autoscal",
        "create role r --verb=bind,escalate --resource=clusterroles.rbac.authorization.k8s.io,roles.rbac.authorization.k8s.io",
        "create role r --verb=impersonate --resource=users,groups,serviceaccounts,userextras.authentication.k8s.io",
        "create role r --verb=foo,get,get --resource=pods --resource-name=a --resource-name=a --resource-name=b",
        "create role r --verb=get,*,list --resource=pods,*",
        "create role r --verb=get --resource=*.apps,foo",
        "create role r --verb=get --resource=events -n foo --save-config",
        "create clusterrole c --verb=get --non-resource-url=/a --resource=pods,cm --resource-name=x",
        "create clusterrole c --verb=watch --resource=nodes/status,nodes",
    ] {
        for output in [" -o json", " -o yaml", ""] {
            same_on_cluster(&format!("{line} --dry-run=client{output}"));
        }
    }
    for line in [
        "create role r --verb=get --resource=rs.apps,po,pods.extensions",
        "create role r --verb=get --resource=foo",
        "create role r --verb=get --resource=FOO",
        "create role r --verb=get --resource=PO",
        "create role r --verb=get --resource=foo.bar",
        "create role r --verb=use,get --resource=pods",
        "create role r --verb=x --verb=y --resource=foo",
        "create clusterrole c --verb=foo --resource=pods --non-resource-url=/x",
        "create clusterrole c --verb=get --resource=nope",
    ] {
        same_on_cluster(&format!("{line} --dry-run=client"));
    }
}
