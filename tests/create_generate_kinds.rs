//! `create namespace|quota|serviceaccount|priorityclass|configmap|secret|
//! role|clusterrole|rolebinding|clusterrolebinding|poddisruptionbudget|job|
//! cronjob --dry-run=client`, compared byte for byte with kubectl 1.37.1
//! (no server in either program; kubectl's own offline failures included).

mod common;
use common::*;

/// Each line as JSON, YAML and names, and as a plain result line.
fn same_in_every_format(line: &str) {
    for output in [" -o json", " -o yaml", " -o name", ""] {
        same(&format!("{line}{output}"));
    }
}

#[test]
fn namespace_quota_serviceaccount_priorityclass() {
    for line in [
        "create namespace n --dry-run=client",
        "create ns yes -n foo --dry-run=client --save-config",
        "create quota q --hard=cpu=1,memory=1G,pods=2 --scopes=BestEffort,NotTerminating -n x --dry-run=client",
        "create resourcequota q --hard=cpu=100m,memory=1024Mi,requests.storage=1e3,cpu=2 --dry-run=client",
        "create quota q --dry-run=client --save-config",
        "create serviceaccount s -n x --dry-run=client",
        "create sa s --dry-run=client --save-config",
        "create priorityclass p --value=5 --global-default --description=d --preemption-policy=Never --dry-run=client",
        "create pc p --value=0x10 --global-default=false --dry-run=client",
        "create pc p --preemption-policy= --dry-run=client -n x",
    ] {
        same_in_every_format(line);
    }
}

#[test]
fn namespace_quota_serviceaccount_priorityclass_errors() {
    for line in [
        "create quota q --hard=cpu --dry-run=client",
        "create quota q --hard=cpu=x --dry-run=client",
        "create quota q --hard=, --dry-run=client",
        "create quota q --scopes=a,, --dry-run=client",
        "create ns a b --dry-run=client",
        "create ns --dry-run=client",
        "create ns a --dry-run=client -- b c",
        "create pc p --value=x --dry-run=client",
        "create pc p --value=3000000000 --dry-run=client",
        "create sa s --dry-run=bogus",
        "create sa s --dry-run=client -o bogus",
        "create sa s --dry-run=client --validate=bogus",
    ] {
        same(line);
    }
    for words in [
        &["create", "quota", "", "--dry-run=client"][..],
        &["create", "namespace", "", "--dry-run=client"],
        &["create", "serviceaccount", "", "--dry-run=client"],
        &[
            "create",
            "priorityclass",
            "",
            "--dry-run=client",
            "-o",
            "json",
        ],
    ] {
        assert_same(&Invocation::new(words));
    }
}
