//! `apply view-last-applied` and `apply set-last-applied` against the real
//! control plane: kubectl in one namespace, kuddle in its twin.

mod common;

use common::cluster::cluster_kubeconfig;
use common::twin::Twin;
use common::*;

fn path(name: &str) -> String {
    fixture(&format!("edit/{name}")).display().to_string()
}

fn setup(prefix: &str) -> Twin {
    let t = Twin::new(prefix);
    t.setup_manifest(&std::fs::read_to_string(path("list.yaml")).unwrap());
    t.setup_words(&["create", "-f", &path("plain.yaml")]);
    t
}

#[test]
fn view_last_applied() {
    let t = setup("la-view");
    let list = path("list.yaml");
    let plain = path("plain.yaml");
    for line in [
        "apply view-last-applied cm/first",
        "apply view-last-applied cm/first -o json",
        "apply view-last-applied cm first second",
        "apply view-last-applied configmaps",
        "apply view-last-applied cm --all",
        "apply view-last-applied cm -l x=y",
        "apply view-last-applied --all -l x=y cm",
        "apply view-last-applied cm/plain",
        "apply view-last-applied cm/nope cm/first",
        "apply view-last-applied",
        "apply view-last-applied cm/first -o wide",
        "apply view-last-applied cm/plain -o wide",
        "apply view-last-applied bogus/x",
    ] {
        t.same(line);
    }
    t.same_words(&["apply", "view-last-applied", "-f", &list, "-o", "json"]);
    t.same_words(&["apply", "view-last-applied", "-f", &plain]);
    t.same_words(&["apply", "view-last-applied", "-f", &list, "cm/first"]);
    // Without -n a lone type names nothing.
    let inv = Invocation::line("apply view-last-applied cm").kubeconfig(cluster_kubeconfig());
    assert_same(&inv);
    let inv = Invocation::line("apply view-last-applied cm --all -l a=b")
        .kubeconfig(cluster_kubeconfig());
    assert_same(&inv);
}

#[test]
fn set_last_applied() {
    let t = setup("la-set");
    let list = path("list.yaml");
    let plain = path("plain.yaml");
    for line in [
        format!("apply set-last-applied -f {list}"),
        format!("apply set-last-applied -f {list}"),
        format!("apply set-last-applied -f {plain}"),
        format!("apply set-last-applied -f {plain} --create-annotation --dry-run=client -o yaml"),
        format!("apply set-last-applied -f {plain} --create-annotation --dry-run=server"),
        format!("apply set-last-applied -f {plain} --create-annotation -o name"),
        format!("apply view-last-applied -f {plain}"),
        "apply set-last-applied".to_string(),
        format!("apply set-last-applied -f {plain} -o bogus"),
        "apply set-last-applied -f /nonexistent.yaml".to_string(),
        format!("apply set-last-applied -f {plain} --dry-run=maybe"),
    ] {
        t.same(&line);
    }
    t.same_objects("cm");
    let missing = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: missing\n";
    for ns in [&t.a, &t.b] {
        let inv = t
            .invocation(ns, &["apply", "set-last-applied", "-f", "-"])
            .stdin(missing.as_bytes().to_vec());
        let (expected, actual) = (inv.kubectl(), inv.kuddle());
        assert_eq!(expected.code, actual.code);
        assert_eq!(
            expected.stderr.replace(ns.as_str(), "<ns>"),
            actual.stderr.replace(ns.as_str(), "<ns>")
        );
    }
}
