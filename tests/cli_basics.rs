//! Command-line parsing errors, compared with kubectl 1.37.1.

mod common;
use common::*;

#[test]
fn flag_errors_match_kubectl() {
    for line in [
        "create deployment",
        "create deployment a --bogus",
        "create deployment a --bogus=2",
        "create deployment a -xvz --image=x",
        "create deployment a --image=x -n",
        "create deployment a --image=x --namespace",
        "create deployment a --image=x --replicas=x",
        "create deployment a --image=x --replicas=99999999999",
        "create deployment a b --image=x --dry-run=client",
        "create deployment --image=x --dry-run=client",
        "create deployment a --image=x --dry-run=client -o bogus",
        "create deployment a --image=x --dry-run=bogus",
        "create deployment a --image=x --dry-run=",
        "create deployment a --image=x --insecure-skip-tls-verify=maybe",
    ] {
        same(line);
    }
}

#[test]
fn deprecated_dry_run_spellings_warn_like_kubectl() {
    for line in [
        "create deployment a --image=x --dry-run -o name",
        "create deployment a --image=x --dry-run=true -o name",
        "create deployment a --image=x --dry_run=client -o name",
    ] {
        same(line);
    }
}
