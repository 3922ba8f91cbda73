//! `auth reconcile` on the real control plane: kubectl reconciles a
//! manifest in one namespace, kuddle the same manifest in the twin
//! namespace (`{ns}` in the fixtures names it); output, exit code and the
//! RBAC objects left behind must match.

mod common;
use common::twin::{mask_output, Twin};
use common::*;

fn manifest(name: &str, ns: &str) -> Vec<u8> {
    let path = fixture(&format!("rbac/{name}"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    text.replace("{ns}", ns).into_bytes()
}

/// `auth reconcile -f - FLAGS` with fixture `file` for stdin, through
/// kubectl in `a` and kuddle in `b`; both must print and exit the same.
fn same_reconcile(twin: &Twin, file: &str, flags: &str) -> Output {
    same_reconcile_in(twin, file, flags, true)
}

/// `same_reconcile`, with `-n` (the twin namespace) or without.
fn same_reconcile_in(twin: &Twin, file: &str, flags: &str, with_namespace: bool) -> Output {
    let mut words = vec!["auth", "reconcile", "-f", "-"];
    words.extend(flags.split_whitespace());
    let invocation = |ns: &str| {
        if with_namespace {
            twin.invocation(ns, &words)
        } else {
            Invocation::new(&words).kubeconfig(common::cluster::cluster_kubeconfig())
        }
    };
    let expected = invocation(&twin.a).stdin(manifest(file, &twin.a)).kubectl();
    let actual = invocation(&twin.b).stdin(manifest(file, &twin.b)).kuddle();
    let context = format!("`{}` with {file}", words.join(" "));
    let mask = |s: &str, ns: &str| mask_output(&normalize_stderr(s).replace(ns, "<ns>"));
    assert_same_text(
        "stdout",
        &mask(&expected.stdout, &twin.a),
        &mask(&actual.stdout, &twin.b),
        &context,
    );
    assert_same_text(
        "stderr",
        &mask(&expected.stderr, &twin.a),
        &mask(&actual.stderr, &twin.b),
        &context,
    );
    assert_eq!(
        expected.code, actual.code,
        "exit code differs for {context}"
    );
    actual
}

/// kubectl on the test cluster, for setup and clean-up.
fn kubectl(words: &[&str]) -> Output {
    Invocation::new(words)
        .kubeconfig(common::cluster::cluster_kubeconfig())
        .kubectl()
}

/// The named cluster-scoped objects of both twins, masked, must match.
fn same_cluster_objects(twin: &Twin, names: &[&str]) {
    let get = |ns: &str| {
        let names: Vec<String> = names.iter().map(|n| n.replace("{ns}", ns)).collect();
        let mut words = vec!["get", "-o", "yaml"];
        words.extend(names.iter().map(String::as_str));
        let out = kubectl(&words);
        assert_eq!(out.code, 0, "{}", out.stderr);
        mask_output(&out.stdout.replace(ns, "<ns>"))
    };
    assert_same_text(
        "cluster objects",
        &get(&twin.a),
        &get(&twin.b),
        "after reconcile",
    );
}

fn delete_namespaces(names: &[&str]) {
    for ns in names {
        kubectl(&[
            "delete",
            "namespace",
            ns,
            "--wait=false",
            "--ignore-not-found",
        ]);
    }
}

#[test]
fn roles_and_bindings_created_merged_and_stomped() {
    let twin = Twin::new("reconcile");
    // Dry run first: nothing may be left behind.
    same_reconcile(&twin, "v1.yaml", "--dry-run=client");
    same_reconcile(&twin, "v1.yaml", "--dry-run");
    twin.same_objects("roles,rolebindings");
    let out = same_reconcile(&twin, "v1.yaml", "");
    assert!(out
        .stdout
        .contains("role.rbac.authorization.k8s.io/reader reconciled"));
    twin.same_objects("roles,rolebindings");
    // Nothing to do the second time.
    same_reconcile(&twin, "v1.yaml", "");
    // Union: rules and subjects added, labels merged.
    same_reconcile(&twin, "v2.yaml", "--dry-run=client");
    same_reconcile(&twin, "v2.yaml", "");
    twin.same_objects("roles,rolebindings");
    // Back to v1 with removal: the role and binding become v1's again.
    same_reconcile(
        &twin,
        "v1.yaml",
        "--remove-extra-permissions --remove-extra-subjects --dry-run=client",
    );
    same_reconcile(
        &twin,
        "v1.yaml",
        "--remove-extra-permissions --remove-extra-subjects",
    );
    twin.same_objects("roles,rolebindings");
    // A different roleRef: recreated.
    same_reconcile(&twin, "rebind.yaml", "--dry-run=client");
    let out = same_reconcile(&twin, "rebind.yaml", "");
    assert!(out.stderr.contains("reconciliation required recreate"));
    twin.same_objects("roles,rolebindings");
    delete_namespaces(&[&twin.a, &twin.b]);
}

#[test]
fn output_formats_and_protected_roles() {
    let twin = Twin::new("reconcile-o");
    for flags in ["-o yaml --dry-run=client", "-o json", "-o name", "-o yaml"] {
        same_reconcile(&twin, "v1.yaml", flags);
    }
    same_reconcile(&twin, "v2.yaml", "-o jsonpath={.metadata.name}");
    same_reconcile(&twin, "protected.yaml", "");
    let out = same_reconcile(&twin, "protected-more.yaml", "--remove-extra-permissions");
    assert!(out.stderr.contains("opted out"));
    twin.same_objects("roles,rolebindings");
    same_reconcile(&twin, "v1.yaml", "-o bogus");
    // Objects as kubectl's typed decoding leaves them.
    for flags in [
        "-o json --dry-run=client",
        "-o yaml --dry-run=client",
        "-o yaml",
    ] {
        same_reconcile(&twin, "typed.yaml", flags);
    }
    // The limited user may not read roles: the server's errors, per object.
    let out = same_reconcile(&twin, "forbidden.yaml", "--context limited");
    assert!(out.stderr.contains("Forbidden"), "{}", out.stderr);
    for ns in [&twin.a, &twin.b] {
        kubectl(&[
            "delete",
            &format!("clusterrole/{ns}-typed"),
            "--ignore-not-found",
        ]);
    }
    delete_namespaces(&[&twin.a, &twin.b]);
}

#[test]
fn cluster_roles_and_bindings() {
    let twin = Twin::new("reconcile-c");
    let names = [
        "clusterrole/{ns}-nodes",
        "clusterrole/{ns}-aggregate",
        "clusterrolebinding/{ns}-nodes",
    ];
    same_reconcile(&twin, "cluster.yaml", "");
    same_cluster_objects(&twin, &names);
    same_reconcile(&twin, "cluster-v2.yaml", "");
    same_cluster_objects(&twin, &names);
    same_reconcile(
        &twin,
        "cluster.yaml",
        "--remove-extra-permissions --remove-extra-subjects",
    );
    same_cluster_objects(&twin, &names);
    for ns in [&twin.a, &twin.b] {
        for name in names {
            kubectl(&["delete", &name.replace("{ns}", ns), "--ignore-not-found"]);
        }
    }
    delete_namespaces(&[&twin.a, &twin.b]);
}

#[test]
fn namespaces_kinds_and_bad_input() {
    let twin = Twin::new("reconcile-e");
    same_reconcile(&twin, "unsupported.yaml", "");
    let out = same_reconcile(&twin, "malformed.yaml", "");
    assert!(out.stderr.contains("cannot unmarshal"), "{}", out.stderr);
    same_reconcile(&twin, "no-namespace.yaml", "");
    // An explicit -n must agree with the manifest's namespace.
    same_reconcile(&twin, "new-namespace.yaml", "");
    // Without -n the namespace is created with the role.
    let out = same_reconcile_in(&twin, "new-namespace.yaml", "", false);
    assert_eq!(out.code, 0, "{}", out.stderr);
    twin.same_objects("roles");
    let new_a = format!("{}-new", twin.a);
    let new_b = format!("{}-new", twin.b);
    assert_eq!(twin.objects(&new_a, "roles"), twin.objects(&new_b, "roles"));
    for flags in [
        "",
        "extra",
        "--dry-run=server",
        "--dry-run=maybe",
        "--remove-extra-subjects=maybe",
    ] {
        let mut words = vec!["auth", "reconcile"];
        words.extend(flags.split_whitespace());
        if !flags.is_empty() {
            words.extend(["-f", "-"]);
        }
        let inv = twin
            .invocation(&twin.a, &words)
            .stdin(manifest("v1.yaml", &twin.a));
        assert_same(&inv);
    }
    // Without a server, every object fails on its own.
    let unreachable = twin
        .invocation(
            &twin.a,
            &[
                "auth",
                "reconcile",
                "-f",
                "-",
                "-s",
                "https://127.0.0.1:1",
                "--insecure-skip-tls-verify",
            ],
        )
        .stdin(manifest("forbidden.yaml", &twin.a));
    let out = assert_same(&unreachable);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    let missing = twin.invocation(
        &twin.a,
        &["auth", "reconcile", "-f", "/nonexistent/rbac.yaml"],
    );
    assert_same(&missing);
    delete_namespaces(&[&twin.a, &twin.b, &new_a, &new_b]);
}
