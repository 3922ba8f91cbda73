//! cordon, uncordon, drain and taint against the real control plane. Each
//! program gets a stand-in node of its own (tests/cluster/standin.go plays
//! its kubelet) and a namespace of its own, so the cluster's own node is
//! never touched: kubectl works on node `a` in namespace `a`, kuddle on
//! node `b` in namespace `b`, and the output, exit code and the nodes and
//! pods left behind must match once the names are masked.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::{mask_object, mask_output, Twin};
use common::*;

use regex::Regex;
use serde_json::Value;

/// Two stand-in nodes and two namespaces; the nodes are deleted on drop.
struct Nodes {
    twin: Twin,
    a: String,
    b: String,
}

impl Nodes {
    fn new(prefix: &str) -> Nodes {
        let twin = Twin::new(prefix);
        let (a, b) = (format!("standin-{}", twin.a), format!("standin-{}", twin.b));
        let nodes = Nodes { twin, a, b };
        for node in [&nodes.a, &nodes.b] {
            let manifest = fixture_text("standin-node.yaml").replace("NODE", node);
            kubectl_ok(&["apply", "-f", "-"], Some(&manifest));
        }
        for node in [&nodes.a, &nodes.b] {
            let ready = kubectl_ok(
                &[
                    "wait",
                    "--for=condition=Ready",
                    "--timeout=30s",
                    &format!("node/{node}"),
                ],
                None,
            );
            assert!(
                ready.contains("condition met"),
                "stand-in node {node} is not Ready: does the cluster's harness have tests/cluster/standin.go?"
            );
        }
        nodes
    }

    /// Applies a fixture with NODE replaced, in each program's namespace,
    /// and waits until every pod of the namespace is Ready.
    fn setup(&self, fixture: &str) {
        for (ns, node) in [(&self.twin.a, &self.a), (&self.twin.b, &self.b)] {
            let manifest = fixture_text(fixture).replace("NODE", node);
            kubectl_ok(&["-n", ns, "apply", "-f", "-"], Some(&manifest));
        }
        for ns in [&self.twin.a, &self.twin.b] {
            // Controllers create their pods a moment later.
            std::thread::sleep(std::time::Duration::from_secs(2));
            kubectl_ok(
                &[
                    "-n",
                    ns,
                    "wait",
                    "--for=condition=Ready",
                    "--timeout=60s",
                    "pods",
                    "--all",
                ],
                None,
            );
        }
    }

    /// kubectl runs `line` with NODE as node `a` in namespace `a`, kuddle
    /// with node `b` in namespace `b`.
    fn same(&self, line: &str) -> Output {
        self.compare(line, false)
    }

    /// Like `same`, for commands whose pods are worked on concurrently:
    /// the lines are compared in sorted order.
    fn same_unordered(&self, line: &str) -> Output {
        self.compare(line, true)
    }

    fn compare(&self, line: &str, sort: bool) -> Output {
        let run = |ns: &str, node: &str, kubectl: bool| {
            let words: Vec<String> = line
                .split_whitespace()
                .map(|w| w.replace("NODE", node))
                .collect();
            let inv = self
                .twin
                .invocation(ns, &words.iter().map(String::as_str).collect::<Vec<_>>());
            if kubectl {
                inv.kubectl()
            } else {
                inv.kuddle()
            }
        };
        let expected = run(&self.twin.a, &self.a, true);
        let actual = run(&self.twin.b, &self.b, false);
        let mask = |text: &str, ns: &str, node: &str| {
            let text = mask_names(&mask_output(
                &text.replace(node, "<node>").replace(ns, "<ns>"),
            ));
            if sort {
                sorted_lines(&text)
            } else {
                text
            }
        };
        let context = format!("`{line}`");
        assert_same_text(
            "stdout",
            &mask(&expected.stdout, &self.twin.a, &self.a),
            &mask(&actual.stdout, &self.twin.b, &self.b),
            &context,
        );
        assert_same_text(
            "stderr",
            &mask(&normalize_stderr(&expected.stderr), &self.twin.a, &self.a),
            &mask(&normalize_stderr(&actual.stderr), &self.twin.b, &self.b),
            &context,
        );
        assert_eq!(
            expected.code, actual.code,
            "exit code differs for {context}"
        );
        actual
    }

    /// The two nodes as the server has them (labels, taints, unschedulable)
    /// must be the same once named alike.
    fn same_nodes(&self) {
        let node = |name: &str| {
            let text = kubectl_ok(&["get", "node", name, "-o", "json"], None);
            let mut obj: Value = serde_json::from_str(&text).expect("node json");
            mask_object(&mut obj);
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                // Each node's own: written by kubectl apply at setup.
                meta.remove("annotations");
                meta.remove("managedFields");
            }
            mask_output(
                &serde_json::to_string_pretty(&obj)
                    .expect("json")
                    .replace(name, "<node>"),
            )
        };
        assert_same_text(
            "node",
            &node(&self.a),
            &node(&self.b),
            "the nodes left behind",
        );
    }

    /// The pods (and budgets) left in the namespaces.
    fn same_pods(&self) {
        let list = |ns: &str| {
            let text = kubectl_ok(&["-n", ns, "get", "pods", "-o", "name"], None);
            sorted_lines(&mask_names(&text))
        };
        assert_same_text(
            "pods",
            &list(&self.twin.a),
            &list(&self.twin.b),
            "the pods left behind",
        );
        self.twin.same_objects("pods,pdb");
    }
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for node in [&self.a, &self.b] {
            let _ = Invocation::new(&["delete", "node", node, "--wait=false"])
                .kubeconfig(cluster_kubeconfig())
                .kubectl();
        }
    }
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("nodes/{name}"))).expect("fixture")
}

fn kubectl_ok(words: &[&str], stdin: Option<&str>) -> String {
    let mut inv = Invocation::new(words).kubeconfig(cluster_kubeconfig());
    if let Some(data) = stdin {
        inv = inv.stdin(data.as_bytes().to_vec());
    }
    let out = inv.kubectl();
    assert_eq!(out.code, 0, "kubectl {}: {}", words.join(" "), out.stderr);
    out.stdout
}

/// Generated pod names: `web-<hash>-<x>`, `ds-<x>`.
fn mask_names(text: &str) -> String {
    let re = Regex::new(r"\b(web|guarded|scratch|ds)(-[0-9a-f]{6,10})?-[b-df-hj-np-tv-z2-9]{5}\b")
        .expect("regex");
    re.replace_all(text, "$1-<x>").into_owned()
}

/// Lines sorted, and the `; `-joined groups of a `Warning:` line too (kubectl
/// groups pods by message in a Go map, whose order varies).
fn sorted_lines(text: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| match line.strip_prefix("Warning: ") {
            Some(groups) => {
                let mut parts: Vec<&str> = groups.split("; ").collect();
                parts.sort();
                format!("Warning: {}", parts.join("; "))
            }
            None => line.to_string(),
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn cordon_and_uncordon() {
    let n = Nodes::new("node-cordon");
    for line in [
        "cordon NODE",
        "cordon NODE",
        "uncordon node/NODE --dry-run=server",
        "uncordon nodes/NODE -o name",
        "uncordon NODE",
        "cordon NODE --dry-run=client",
        "cordon -l kuddle.dev/node=NODE",
        "uncordon -l kuddle.dev/node=NODE,kuddle.dev/stand-in=true",
        "cordon -l kuddle.dev/node=nothing-here",
        "cordon NODE NODE",
    ] {
        n.same(line);
        n.same_nodes();
    }
}

#[test]
fn cordon_errors() {
    let n = Nodes::new("node-cordon-err");
    for line in [
        "cordon",
        "uncordon",
        "cordon NODE -l x=y",
        "cordon nope-node-x",
        "cordon NODE nope-node-x",
        "cordon pod/NODE",
        "cordon a/b/c",
        "cordon /x",
        "cordon NODE --dry-run=bogus",
        "uncordon NODE --selector",
    ] {
        n.same(line);
    }
    n.same_nodes();
}

#[test]
fn taint_add_modify_remove() {
    let n = Nodes::new("node-taint");
    for line in [
        "taint nodes NODE dedicated=special:NoSchedule",
        "taint nodes NODE dedicated=other:NoSchedule",
        "taint nodes NODE dedicated=other:NoSchedule --overwrite",
        "taint node NODE bar:NoExecute e=f:PreferNoSchedule -o name",
        "taint no NODE example.com/x=y:NoSchedule -o json",
        "taint nodes NODE g=h:NoExecute --dry-run=client -o yaml",
        "taint nodes NODE g=h:NoExecute --dry-run=server -o jsonpath={.spec.taints[*].key}",
        // kubectl's result line carries no `(dry run)` for taint.
        "taint nodes NODE g=h:NoExecute --dry-run=client",
        "taint nodes NODE g=h:NoExecute --dry-run=server -o name",
        "taint nodes NODE e:PreferNoSchedule-",
        "taint nodes NODE bar- dedicated=again:NoSchedule --overwrite",
        "taint nodes -l kuddle.dev/node=NODE k=v:NoSchedule",
        "taint nodes NODE k:NoSchedule-",
        "taint nodes NODE dedicated- example.com/x-",
        "taint nodes NODE nope- bar-",
        "taint nodes NODE nope:NoSchedule-",
    ] {
        n.same(line);
        n.same_nodes();
    }
}

#[test]
fn taint_errors() {
    let n = Nodes::new("node-taint-err");
    for line in [
        "taint nodes NODE x=y:Bogus",
        "taint nodes NODE x=y",
        "taint nodes NODE x:y:z",
        "taint nodes NODE x=y=z:NoSchedule",
        "taint nodes NODE -x:NoSchedule",
        "taint nodes NODE bad_key!:NoSchedule",
        "taint nodes NODE example.com/a/b:NoSchedule",
        "taint nodes NODE x=-bad:NoSchedule",
        "taint nodes NODE",
        "taint nodes x=y:NoSchedule",
        "taint nodes NODE x=y:NoSchedule x=z:NoSchedule",
        "taint nodes NODE x=y:NoSchedule x-",
        "taint nodes NODE x=y:NoSchedule extra",
        "taint pods NODE x=y:NoSchedule",
        "taint nodes --all -l x=y x=y:NoSchedule",
        "taint nodes NODE x=y:NoSchedule -o bogus",
        "taint nodes nope-node-x x=y:NoSchedule",
        "taint",
    ] {
        n.same(line);
    }
    n.same_nodes();
}

#[test]
fn drain_refusals_and_dry_runs() {
    let n = Nodes::new("node-drain-dry");
    n.setup("workloads.yaml");
    for line in [
        // One refusal reason at a time (kubectl orders several at random).
        "drain NODE --ignore-daemonsets --force --dry-run=client",
        "drain NODE --ignore-daemonsets --delete-emptydir-data --dry-run=client",
        "drain NODE --force --delete-emptydir-data --dry-run=server",
        "drain NODE --pod-selector=app=bare --dry-run=client",
        "drain NODE --pod-selector=app=scratch",
        "drain NODE --pod-selector=app=ds --dry-run=server",
        "drain NODE --pod-selector=app=web --dry-run=server",
        "drain NODE --pod-selector=app=web --dry-run=client",
        "drain NODE --pod-selector=a(b",
        "drain",
        "drain NODE -l x=y",
        "drain nope-node-x",
        "uncordon NODE",
    ] {
        // Dry runs evict several pods at once: their lines come in any order.
        n.same_unordered(line);
    }
    n.same_nodes();
    n.same_pods();
}

#[test]
fn drain_evicts_and_deletes() {
    let n = Nodes::new("node-drain");
    n.setup("workloads.yaml");
    n.same_unordered("drain NODE --pod-selector=app=web --chunk-size=1");
    n.same_pods();
    n.same("uncordon NODE");
    n.same_unordered(
        "drain -l kuddle.dev/node=NODE --ignore-daemonsets --force --delete-emptydir-data --grace-period=0 --disable-eviction",
    );
    n.same_nodes();
    n.same_pods();
    // Nothing left to remove.
    n.same("drain NODE --ignore-daemonsets --timeout=20s");
}

#[test]
fn drain_blocked_by_a_disruption_budget() {
    let n = Nodes::new("node-drain-pdb");
    n.setup("guarded.yaml");
    // Refused every 5s until the timeout, then the pod is reported pending.
    n.same("drain NODE --timeout=7s");
    n.same_nodes();
    n.same_pods();
    // Deleting skips the budget.
    n.same_unordered("drain NODE --disable-eviction");
    n.same_pods();
}
