//! `rollout` against the real control plane: kubectl in one namespace,
//! kuddle in its twin, the output and the objects left compared. The
//! node's fake kubelet makes pods ready at once, so rollouts finish within
//! moments; a paused deployment holds one still.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::cluster::{cluster_kubeconfig, DefaultDeployment};
use common::twin::Twin;
use common::*;

fn manifest(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("rollout/{name}"))).expect("fixture")
}

fn fixture_path(name: &str) -> String {
    fixture(&format!("rollout/{name}")).display().to_string()
}

/// Waits (with kubectl, in both namespaces) until every workload has
/// rolled out.
fn settle(t: &Twin) {
    for w in ["deploy/web", "ds/agent", "sts/db"] {
        t.setup(&format!("rollout status {w} --timeout=120s"));
    }
}

/// The workloads of the fixture, rolled out, then a second revision of each.
fn two_revisions(prefix: &str) -> Twin {
    let t = Twin::new(prefix);
    t.setup_manifest(&manifest("workloads.yaml"));
    settle(&t);
    t.setup("set image deploy/web nginx=nginx:1.26");
    t.setup("set image ds/agent agent=busybox:1.37");
    t.setup("set image sts/db db=postgres:17");
    settle(&t);
    t
}

#[test]
fn status_of_each_kind() {
    let t = two_revisions("ro-status");
    t.setup_manifest(&manifest("on-delete.yaml"));
    let all = fixture_path("workloads.yaml");
    for line in [
        "rollout status deploy/web",
        "rollout status ds/agent",
        "rollout status sts/db",
        "rollout status deploy/web --watch=false",
        "rollout status deploy web -w=false",
        "rollout status deploy",
        "rollout status deploy,ds,sts -l tier=back",
        "rollout status deploy/web --revision=2",
        "rollout status deploy/web --revision=1",
        "rollout status cm/settings",
        "rollout status deploy/nope",
        "rollout status deploy/nope deploy/web",
        "rollout status sts/manual",
        "rollout status deploy -l tier=none",
        "rollout status",
        "rollout status deploy/web --revision=-1",
        "rollout status deploy/web --timeout=bad",
        "rollout status deploy/web --timeout=-1s",
        "rollout status deploy/web -o name",
    ] {
        t.same(line);
    }
    t.same_words(&["rollout", "status", "-f", &all]);
    t.same_objects("deploy,ds,sts");
}

#[test]
fn status_of_a_held_rollout_times_out() {
    let t = Twin::new("ro-held");
    t.setup("create deployment web --image=nginx --replicas=3");
    t.setup("rollout status deploy/web --timeout=120s");
    t.setup("rollout pause deploy/web");
    t.setup("set image deploy/web nginx=nginx:2");
    // The watch sees the change it waits for never come.
    let out = t.same("rollout status deploy/web --timeout=2s");
    assert_eq!(
        out.stdout,
        "Waiting for deployment \"web\" rollout to finish: 0 out of 3 new replicas have been updated...\n"
    );
    assert_eq!(out.stderr, "error: timed out waiting for the condition\n");
    t.same("rollout status deploy/web --watch=false");
    t.same_objects("deploy");
}

/// Runs `rollout status` (through `program`) on a held rollout, lets it go
/// once the first line is out, and returns every line printed and the
/// exit code.
fn watch_through_resume(t: &Twin, ns: &str, program: &std::path::Path) -> (Vec<String>, i32) {
    let mut child = Command::new(program)
        .arg("--kubeconfig")
        .arg(cluster_kubeconfig())
        .args([
            "-n",
            ns,
            "rollout",
            "status",
            "deploy/web",
            "--timeout=120s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rollout status");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    // Still watching: nothing moves until the deployment is resumed.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "status ended early"
    );
    let resumed = t
        .invocation(ns, &["rollout", "resume", "deploy/web"])
        .kubectl();
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let mut all = vec![first];
    all.extend(lines.map(|l| l.expect("utf-8")));
    let status = child.wait().expect("wait");
    (all, status.code().unwrap_or(-1))
}

#[test]
fn status_watches_a_progressing_rollout() {
    let t = Twin::new("ro-watch");
    t.setup("create deployment web --image=nginx --replicas=3");
    t.setup("rollout status deploy/web --timeout=120s");
    t.setup("rollout pause deploy/web");
    t.setup("set image deploy/web nginx=nginx:2");
    let (expected, expected_code) = watch_through_resume(&t, &t.a, &kubectl_bin());
    let (actual, actual_code) = watch_through_resume(&t, &t.b, &kuddle_bin());
    assert_eq!(expected_code, 0);
    assert_eq!(actual_code, expected_code);
    // How many progress lines show depends on the controller's pace; their
    // wording, the first and the last do not.
    let progress = regex::Regex::new(
        r#"^(Waiting for deployment "web" rollout to finish: (\d+ out of 3 new replicas have been updated|\d+ old replicas are pending termination|\d+ of \d+ updated replicas are available)\.\.\.|Waiting for deployment spec update to be observed\.\.\.|deployment "web" successfully rolled out)$"#,
    )
    .unwrap();
    for line in expected.iter().chain(&actual) {
        assert!(progress.is_match(line), "unexpected line {line:?}");
    }
    assert_eq!(actual.first(), expected.first());
    assert_eq!(actual.last(), expected.last());
    assert!(actual.len() > 1, "{actual:?}");
    t.same_objects("deploy");
}

#[test]
fn history_tables_templates_and_objects() {
    let t = two_revisions("ro-history");
    let all = fixture_path("workloads.yaml");
    for line in [
        "rollout history deploy/web",
        "rollout history deploy/web --revision=1",
        "rollout history deploy/web --revision=2",
        "rollout history deploy/web --revision=3",
        "rollout history deploy/web -o yaml",
        "rollout history deploy/web -o name",
        "rollout history deploy/web --revision=1 -o json",
        "rollout history deploy/web --revision=7 -o name",
        "rollout history ds/agent",
        "rollout history ds/agent --revision=1",
        "rollout history sts/db -o name",
        "rollout history sts/db --revision=2 -o yaml",
        "rollout history sts/db --revision=1 -o json",
        "rollout history deploy,ds,sts",
        "rollout history deploy -l tier=front",
        "rollout history cm/settings",
        "rollout history rs -l app=web",
        "rollout history deploy/web -o bogus",
        "rollout history deploy/web --revision=-2",
        "rollout history",
        "rollout history deploy/nope ds/agent",
    ] {
        t.same(line);
    }
    t.same_words(&["rollout", "history", "-f", &all]);
    // A change cause shows in the table.
    t.setup("annotate deploy/web kubernetes.io/change-cause=upgrade");
    t.setup("set image deploy/web nginx=nginx:1.27");
    t.setup("rollout status deploy/web --timeout=120s");
    t.same("rollout history deploy/web");
    t.same_objects("deploy,ds,sts");
}

#[test]
fn undo_to_earlier_revisions() {
    let t = two_revisions("ro-undo");
    for line in [
        "rollout undo deploy/web --dry-run=client",
        "rollout undo deploy/web --dry-run=server",
        "rollout undo ds/agent --dry-run=client",
        "rollout undo sts/db --dry-run=client -o yaml",
        "rollout undo deploy/web --to-revision=2",
        "rollout undo deploy/web --to-revision=9",
        "rollout undo deploy/web --to-revision=-1",
        "rollout undo cm/settings",
        "rollout undo rs -l app=web",
        "rollout undo",
        "rollout undo deploy/web --dry-run=bogus",
    ] {
        t.same(line);
    }
    t.same_objects("deploy,ds,sts");
    for line in [
        "rollout undo deploy/web",
        "rollout undo ds/agent -o name",
        "rollout undo sts/db --to-revision=1",
    ] {
        t.same(line);
        settle(&t);
    }
    t.same("rollout history deploy/web");
    t.same("rollout history sts/db");
    // Back where it was: nothing to do.
    t.same("rollout undo sts/db --to-revision=3");
    t.same_objects("deploy,ds,sts");
    // A deployment without an earlier revision.
    t.setup("create deployment lone --image=nginx");
    t.setup("rollout status deploy/lone --timeout=120s");
    t.same("rollout undo deploy/lone");
    t.same("rollout undo deploy -l app=none");
    t.same_objects("deploy");
}

#[test]
fn pause_resume_and_restart() {
    let t = Twin::new("ro-pause");
    t.setup_manifest(&manifest("workloads.yaml"));
    settle(&t);
    // Refused changes leave the objects as they were.
    let versions = || {
        t.kubectl_in(
            &t.b,
            "get ds,sts -o jsonpath={.items[*].metadata.resourceVersion}",
        )
    };
    let before = versions();
    for line in [
        "rollout pause ds/agent",
        "rollout resume sts/db",
        "rollout undo sts/db --to-revision=5",
    ] {
        t.same(line);
    }
    assert_eq!(versions(), before);
    for line in [
        "rollout pause deploy/web",
        "rollout pause deploy/web",
        "rollout restart deploy/web",
        "rollout undo deploy/web",
        "rollout resume deploy/web -o name",
        "rollout resume deploy/web",
        "rollout pause ds/agent",
        "rollout resume sts/db",
        "rollout pause cm/settings",
        "rollout pause deploy/nope deploy/web",
        "rollout resume deploy/nope ds/nope deploy/web",
        "rollout resume deploy/web --field-manager=ops -o yaml",
        "rollout restart deploy -l tier=none",
        "rollout pause",
        "rollout pause deploy/web -o bogus",
        "rollout restart cm/settings",
    ] {
        t.same(line);
    }
    t.same_objects("deploy,ds,sts");
    settle(&t);
    t.same("rollout restart ds/agent sts/db");
    settle(&t);
    t.same("rollout restart deploy -l tier=front -o name");
    settle(&t);
    t.same_objects("deploy,ds,sts");
    t.same_words(&["rollout", "pause", "-f", &fixture_path("workloads.yaml")]);
    t.same_objects("deploy,ds,sts");
}

#[test]
fn usage() {
    let t = Twin::new("ro-usage");
    // Help is prose of its own; where it goes and the exit code are kubectl's.
    let help = t.invocation(&t.a, &["rollout"]);
    let (expected, actual) = (help.kubectl(), help.kuddle());
    assert_eq!((actual.code, expected.code), (1, 1));
    assert!(actual.stdout.contains("status") && actual.stderr.is_empty());
    for line in [
        "rollout bogus",
        "rollout status deploy/web --bogus",
        "rollout undo deploy/web --to-revision=x",
    ] {
        t.same_in_place(line);
    }
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("ro-limited");
    // The limited user may read deployments in default, not change them.
    let name = format!("{}-d", t.b);
    let _deployment = DefaultDeployment::create(&name);
    for words in [
        vec!["rollout", "pause", "deploy", &name],
        vec!["rollout", "restart", "deploy", &name],
        vec!["rollout", "undo", "deploy", &name],
        vec!["rollout", "status", "deploy", &name, "--watch=false"],
    ] {
        let mut all = vec!["--context", "limited", "-n", "default"];
        all.extend(words);
        assert_same(&Invocation::new(&all).kubeconfig(cluster_kubeconfig()));
    }
    let paused = Invocation::line(&format!(
        "-n default get deploy {name} -o jsonpath={{.spec.paused}}"
    ))
    .kubeconfig(cluster_kubeconfig())
    .kubectl();
    assert_eq!(paused.stdout, "");
}

/// Custom resources: kubectl's typed builder refuses them before any
/// subcommand looks at them.
#[test]
fn custom_resources_are_refused_by_the_scheme() {
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.rollout-test.example.com}\nspec:\n  group: rollout-test.example.com\n  names: {kind: Gadget, plural: gadgets, singular: gadget}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n";
    let applied = Invocation::new(&["apply", "-f", "-"])
        .stdin(crd)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let established = Invocation::line(
        "wait --for=condition=Established crd/gadgets.rollout-test.example.com --timeout=60s",
    )
    .kubeconfig(cluster_kubeconfig())
    .kubectl();
    assert_eq!(established.code, 0, "{}", established.stderr);
    let ns = common::cluster::namespace("rollout-cr");
    let gadget = "apiVersion: rollout-test.example.com/v1\nkind: Gadget\nmetadata: {name: g1}\n";
    let created = Invocation::new(&["-n", &ns, "apply", "-f", "-"])
        .stdin(gadget)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(created.code, 0, "{}", created.stderr);
    for sub in ["status", "history", "undo", "pause", "resume", "restart"] {
        let out = assert_same(
            &Invocation::new(&["-n", &ns, "rollout", sub, "gadgets/g1"])
                .kubeconfig(cluster_kubeconfig()),
        );
        assert_eq!(out.code, 1, "{sub}");
    }
}
