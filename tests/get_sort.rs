//! `get --sort-by` against the real control plane, compared with kubectl
//! 1.37.1: tables, object formats, ties (Go's unstable sort), quantities,
//! missing fields and kubectl's error quirks.

mod common;
use std::sync::OnceLock;

use common::cluster::{cluster_kubeconfig, namespace};
use common::*;

/// Two namespaces with the objects of tests/fixtures/sort_by: the first
/// holds configmaps, deployments and pods, the second more configmaps; all
/// configmaps carry the label `group=<first namespace>` for `-A` tests.
fn fixture_namespaces() -> &'static (String, String) {
    static NAMESPACES: OnceLock<(String, String)> = OnceLock::new();
    NAMESPACES.get_or_init(|| {
        let first = namespace("get-sort");
        let second = namespace("get-sort-b");
        create(&first, "sort_by/objects.yaml");
        create(&second, "sort_by/others.yaml");
        for ns in [&first, &second] {
            kubectl(
                ns,
                &["label", "configmap", "--all", &format!("group={first}")],
            );
        }
        kubectl(
            &first,
            &[
                "wait",
                "--for=condition=Available",
                "deployment",
                "--all",
                "--timeout=120s",
            ],
        );
        kubectl(
            &first,
            &[
                "wait",
                "--for=condition=Ready",
                "pod",
                "--all",
                "--timeout=120s",
            ],
        );
        // A few objects a second or more younger than the rest, so that
        // creation timestamps are not all ties.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        for (name, size) in [("late-b", "750m"), ("late-a", "1")] {
            let data = format!("--from-literal=size={size}");
            kubectl(&first, &["create", "configmap", name, &data]);
        }
        (first, second)
    })
}

fn kubectl(ns: &str, words: &[&str]) {
    let mut args = vec!["-n", ns];
    args.extend_from_slice(words);
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(
        out.code,
        0,
        "setup `{}` failed: {}",
        words.join(" "),
        out.stderr
    );
}

fn create(ns: &str, manifest: &str) {
    let yaml = std::fs::read(fixture(manifest)).expect("fixture manifest");
    let out = Invocation::new(&["-n", ns, "create", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(yaml)
        .kubectl();
    assert_eq!(out.code, 0, "creating {manifest} failed: {}", out.stderr);
}

/// Runs `words` (after `-n ns`) through both programs; ages normalised.
fn same_in(ns: &str, words: &[&str]) -> Output {
    let mut args = vec!["-n", ns];
    args.extend_from_slice(words);
    assert_same_with(
        &Invocation::new(&args).kubeconfig(cluster_kubeconfig()),
        &normalize_ages,
    )
}

fn same_lines(ns: &str, lines: &[&str]) {
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        same_in(ns, &words);
    }
}

#[test]
fn tables_sort_by_fields_quantities_and_ties() {
    let (ns, _) = fixture_namespaces();
    same_lines(
        ns,
        &[
            "get cm --sort-by=.metadata.name",
            "get cm --sort-by={.metadata.name}",
            "get cm --sort-by=metadata.name",
            "get cm --sort-by=.data.size",
            "get cm --sort-by=.data.word",
            "get cm --sort-by=.metadata.labels.tier",
            "get cm --sort-by=.metadata.labels.idx",
            "get cm --sort-by=.metadata.annotations.rank",
            "get cm --sort-by=.metadata.creationTimestamp",
            "get cm --sort-by=.metadata.uid --no-headers",
            "get cm --sort-by=.data.size --show-labels",
            "get cm --sort-by=.data.size -L tier",
            "get deploy --sort-by=.spec.replicas",
            "get deploy --sort-by=.spec.replicas -o wide",
            "get deploy --sort-by=.spec.template.spec.containers[0].resources.requests.cpu",
            "get deploy --sort-by=.status.availableReplicas",
            "get pods --sort-by=.spec.containers[0].resources.requests.cpu",
            "get pods --sort-by=.spec.containers[0].resources.requests.memory",
            "get pods --sort-by=.status.startTime",
            "get pods --sort-by=.metadata.creationTimestamp",
            "get pods --sort-by=.metadata.labels.weight",
            "get pods,deploy,cm --sort-by=.kind",
            "get cm alpha --sort-by=.nope",
            "get cm -l tier=front --sort-by=.data.size",
            "get cm -l tier=none --sort-by=.data.size",
            "get cm --sort-by=",
        ],
    );
}

#[test]
fn all_namespaces_with_namespace_ties() {
    let (ns, _) = fixture_namespaces();
    let group = format!("group={ns}");
    for field in [
        ".metadata.namespace",
        ".metadata.creationTimestamp",
        ".metadata.labels.tier",
        ".data.size",
        ".metadata.name",
    ] {
        let sort = format!("--sort-by={field}");
        same_in(ns, &["get", "cm", "-A", "-l", &group, &sort]);
        same_in(ns, &["get", "cm", "-A", "-l", &group, &sort, "-o", "name"]);
    }
}

#[test]
fn object_formats_sort_the_list() {
    let (ns, _) = fixture_namespaces();
    same_lines(
        ns,
        &[
            "get cm --sort-by=.data.size -o name",
            "get cm --sort-by=.data.word -o name",
            "get cm --sort-by=.metadata.creationTimestamp -o name",
            "get cm --sort-by=.data.size -o yaml",
            "get cm --sort-by=.metadata.labels.idx -o json",
            "get cm --sort-by=.data.size -o custom-columns=NAME:.metadata.name,SIZE:.data.size",
            "get cm --sort-by=.data.word -o jsonpath={.items[*].metadata.name}",
            "get deploy --sort-by=.spec.replicas -o name",
            "get pods,deploy,cm --sort-by=.kind -o name",
            "get pods --sort-by=.metadata.creationTimestamp -o name",
            "get pods,deploy --sort-by=.spec.containers[0].resources.requests.cpu -o name",
            "get cm alpha beta gamma 10 9 --sort-by=.data.size -o name",
            "get cm alpha --sort-by=.nope -o yaml",
            "get cm -l tier=front --sort-by=.nope -o name",
            "get cm -l tier=none --sort-by=.nope -o name",
        ],
    );
}

#[test]
fn several_tables_are_sorted_as_objects_first() {
    let (ns, _) = fixture_namespaces();
    same_lines(
        ns,
        &[
            // Tables have no metadata.name: kubectl fails before printing.
            "get cm alpha beta --sort-by=.metadata.name",
            "get cm,deploy --sort-by=.metadata.name",
            "get cm alpha beta 10 9 --sort-by=.kind",
            "get deploy,cm --sort-by=.apiVersion",
            "get cm 9 10 alpha beta --sort-by=.metadata.resourceVersion",
            "get cm alpha beta nope --sort-by=.kind",
        ],
    );
}

#[test]
fn errors_and_quirks_match_kubectl() {
    let (ns, _) = fixture_namespaces();
    same_lines(
        ns,
        &[
            // A field no row has: the table prints nothing, exit 0.
            "get cm --sort-by=.nope",
            "get cm --sort-by=.nope -o name",
            "get cm --sort-by=.nope -o yaml",
            "get cm alpha nope beta --sort-by=.nope -o name",
            // Parse errors: silent for tables, fatal for objects.
            "get cm --sort-by={.data.size",
            "get cm --sort-by={.data.size -o name",
            "get cm --sort-by=.data[",
            "get cm --sort-by=.data[ -o name",
            "get cm --sort-by={.data[}",
            "get cm --sort-by={.data[} -o name",
            // Maps, lists and booleans are unsortable: klog's fatal line.
            "get cm --sort-by=.data",
            "get cm --sort-by=.data -o name",
            "get deploy --sort-by=.spec.template.spec.containers -o name",
            "get pods --sort-by=.spec.enableServiceLinks",
            "get pods --sort-by=.spec.enableServiceLinks -o name",
            // Only the first deployment has a second container: the path
            // fails on the others (silently for tables; klog.Fatalf with
            // the object dumped, exit 255, for objects).
            "get deploy --sort-by={.spec.template.spec.containers[1].name}",
            "get deploy --sort-by={.spec.template.spec.containers[1].name} -o name",
            "get deploy --sort-by={.spec.template.spec.containers[5].name} -o name",
        ],
    );
}

#[test]
fn watch_sorts_only_the_first_table() {
    let (ns, _) = fixture_namespaces();
    same_lines(
        ns,
        &[
            "get cm -w --request-timeout=2s --sort-by=.data.size",
            "get cm -w --request-timeout=2s --chunk-size=4 --sort-by=.data.size",
            "get cm -w --request-timeout=2s --sort-by=.nope",
            "get cm -w --request-timeout=2s --output-watch-events --sort-by=.nope",
            "get cm --watch-only --request-timeout=2s --sort-by=.nope",
            "get cm -w --request-timeout=2s -o name --sort-by=.data.size",
        ],
    );
}
