//! `replace` compared with kubectl on the real control plane: kubectl in
//! one namespace, kuddle in its twin.

mod common;
use common::cluster::{cluster_kubeconfig, DefaultPod};
use common::twin::{mask_output, Twin};
use common::*;

fn path(name: &str) -> String {
    fixture(&format!("replace/{name}")).display().to_string()
}

fn setup(t: &Twin) {
    t.setup("create configmap cfg --from-literal=mode=original");
    t.setup("create secret generic sec --from-literal=k=v");
}

#[test]
fn replace_objects() {
    let t = Twin::new("repl-basic");
    setup(&t);
    let cm = path("cm.yaml");
    t.same_words(&["replace", "-f", &cm]);
    t.same_words(&["replace", "-f", &cm, "-o", "yaml"]);
    t.same_words(&["replace", "-f", &cm, "-o", "name", "--dry-run=server"]);
    t.same_words(&["replace", "-f", &cm, "--dry-run=client", "-o", "json"]);
    t.same_words(&["replace", "-f", &cm, "--dry-run=client"]);
    t.same_words(&["replace", "-f", &cm, "--save-config"]);
    t.same_objects("cm");
    // An object that carries the annotation keeps it up to date.
    t.same_words(&["replace", "-f", &cm, "--field-manager=tester"]);
    t.same_objects("cm,secret");
}

#[test]
fn stale_versions_validation_and_partial_failures() {
    let t = Twin::new("repl-bad");
    setup(&t);
    let version = |ns: &str| t.kubectl_in(ns, "get cm cfg -o jsonpath={.metadata.resourceVersion}");
    let before = (version(&t.a), version(&t.b));
    t.same_words(&["replace", "-f", &path("stale.yaml")]);
    let unknown = path("unknown-field.yaml");
    t.same_words(&["replace", "-f", &unknown]);
    t.same_words(&["replace", "-f", &unknown, "--validate=bogus"]);
    assert_eq!(before, (version(&t.a), version(&t.b)), "the object changed");
    t.same_words(&["replace", "-f", &unknown, "--validate=warn"]);
    t.same_words(&["replace", "-f", &unknown, "--validate=false"]);
    // One object replaced, one missing, one of a kind nobody serves, one
    // more replaced: exit 1, the others done.
    let out = t.same_words(&["replace", "-f", &path("several.yaml")]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    t.same_objects("cm,secret");
}

#[test]
fn flags_kubectl_refuses() {
    let t = Twin::new("repl-flags");
    setup(&t);
    let cm = path("cm.yaml");
    let dir = fixture("replace").display().to_string();
    for words in [
        vec!["replace"],
        vec!["replace", "cm", "cfg"],
        vec!["replace", "-f", &cm, "--grace-period=5"],
        vec!["replace", "-f", &cm, "--grace-period=0"],
        vec!["replace", "-f", &cm, "--timeout=5s"],
        vec!["replace", "-f", &cm, "--force", "--dry-run=client"],
        vec!["replace", "-f", &cm, "--force", "cm", "cfg"],
        vec!["replace", "-f", &cm, "--cascade=nope", "--force"],
        vec!["replace", "-f", &cm, "-o", "bogus"],
        vec!["replace", "-f", &cm, "--bogus"],
        vec!["replace", "-f", "/nonexistent.yaml"],
        vec!["replace", "--raw", "/x"],
        vec!["replace", "--raw", "/x", "-f", &cm, "-f", &cm],
        vec!["replace", "--raw", "/x", "-f", "https://example.com/x.yaml"],
        vec!["replace", "--raw", "/x", "-f", &cm, "-R"],
        vec!["replace", "--raw", "/x", "-f", &cm, "-o", "name"],
        vec!["replace", "--raw", "x y", "-f", &cm],
        vec!["replace", "--raw", "/x", "-f", "/nonexistent.yaml"],
        vec!["replace", "--raw", "/x", "-f", &dir],
    ] {
        t.same_words(&words);
    }
    t.same_objects("cm");
}

#[test]
fn force_replace() {
    let t = Twin::new("repl-force");
    setup(&t);
    t.setup_manifest(&std::fs::read_to_string(fixture("delete/deploy.yaml")).expect("fixture"));
    let cm = path("cm.yaml");
    t.same_words(&["replace", "--force", "-f", &cm]);
    t.same_words(&["replace", "--force", "-f", &cm, "-o", "name"]);
    t.same_words(&["replace", "--force", "-f", &cm, "-o", "yaml"]);
    t.same_words(&["replace", "--force", "-f", &cm, "--grace-period=0"]);
    t.same_words(&[
        "replace",
        "--force",
        "-f",
        &cm,
        "--cascade=orphan",
        "--wait",
    ]);
    t.same_words(&[
        "replace",
        "--force",
        "-f",
        &path("pod.yaml"),
        "--grace-period=1",
    ]);
    // Missing objects are simply created.
    t.setup("delete cm cfg");
    t.same_words(&["replace", "--force", "-f", &cm]);
    t.same_words(&["replace", "--force", "-f", &path("several.yaml")]);
    t.same_objects("cm,secret,pod");
    // A finalizer keeps the old object past the timeout.
    let kept = fixture("delete/finalizer.yaml").display().to_string();
    t.setup_manifest(&std::fs::read_to_string(&kept).expect("fixture"));
    t.same_words(&["replace", "--force", "-f", &kept, "--timeout=2s"]);
    for ns in [&t.a, &t.b] {
        t.kubectl_in(
            ns,
            r#"patch cm kept --type=merge -p {"metadata":{"finalizers":null}}"#,
        );
    }
}

#[test]
fn standard_input_and_raw() {
    let t = Twin::new("repl-stdin");
    setup(&t);
    let manifest = std::fs::read_to_string(path("cm.yaml")).expect("fixture");
    for words in [
        vec!["replace", "-f", "-"],
        vec!["replace", "--force", "-f", "-"],
        vec!["replace", "-f", "-", "-o", "name"],
    ] {
        let expected = t
            .invocation(&t.a, &words)
            .stdin(manifest.clone().into_bytes())
            .kubectl();
        let actual = t
            .invocation(&t.b, &words)
            .stdin(manifest.clone().into_bytes())
            .kuddle();
        let mask = |s: &str, ns: &str| mask_output(&s.replace(ns, "<ns>"));
        assert_eq!(mask(&expected.stdout, &t.a), mask(&actual.stdout, &t.b));
        assert_eq!(expected.stderr, actual.stderr);
        assert_eq!(expected.code, actual.code);
    }
    // --raw: the file as the body of a PUT, the answer as it came.
    let cm = path("cm.yaml");
    let raw_body = |ns: &str| {
        let text = t.kubectl_in(ns, "get cm cfg -o json");
        let file = common::scratch_root().join(format!("{ns}-raw.json"));
        std::fs::write(&file, text).expect("write");
        file.display().to_string()
    };
    t.same_per_namespace(&|ns| {
        vec![
            "replace".into(),
            "--raw".into(),
            format!("/api/v1/namespaces/{ns}/configmaps/cfg"),
            "-f".into(),
            raw_body(ns),
        ]
    });
    t.same_per_namespace(&|ns| {
        vec![
            "replace".into(),
            "--raw".into(),
            format!("/api/v1/namespaces/{ns}/configmaps/cfg"),
            "-f".into(),
            cm.clone(),
        ]
    });
    t.same_objects("cm");
}

#[test]
fn status_subresource() {
    let t = Twin::new("repl-status");
    t.setup_manifest(&std::fs::read_to_string(fixture("delete/deploy.yaml")).expect("fixture"));
    let status = path("status.yaml");
    t.same_words(&[
        "replace",
        "--subresource=status",
        "-f",
        &status,
        "-o",
        "name",
    ]);
    t.same_words(&["replace", "--subresource=nope", "-f", &status]);
    t.same_objects("deploy");
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("repl-limited");
    let name = format!("{}-p", t.b);
    let pod = DefaultPod::create(&name);
    let version = || pod.resource_version();
    let before = version();
    let manifest = std::fs::read_to_string(path("pod.yaml"))
        .expect("fixture")
        .replace("name: solo", &format!("name: {name}"));
    let file = common::scratch_root().join(format!("{name}.yaml"));
    std::fs::write(&file, manifest).expect("write");
    let file = file.display().to_string();
    for extra in [vec![], vec!["--force"], vec!["--dry-run=server"]] {
        let mut words = vec![
            "--context",
            "limited",
            "-n",
            "default",
            "replace",
            "-f",
            &file,
        ];
        words.extend(extra);
        assert_same(&Invocation::new(&words).kubeconfig(cluster_kubeconfig()));
    }
    assert_eq!(before, version(), "the pod changed");
}

/// 40 config maps replaced at once: one missing and one with an unknown
/// field in the middle, one named twice; lines and errors in file order.
#[test]
fn many_objects_report_in_file_order() {
    let t = Twin::new("repl-many");
    let config_map = |name: &str, value: &str, extra: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{extra}data:\n  k: \"{value}\"\n---\n")
    };
    let mut before = String::new();
    let mut after = String::new();
    for i in 0..40 {
        let name = format!("cm-{i:02}");
        if i != 17 {
            before += &config_map(&name, "old", "");
        }
        let extra = if i == 25 { "spare: 1\n" } else { "" };
        after += &config_map(&name, &format!("new-{i}"), extra);
        if i == 30 {
            after += &config_map("cm-03", "again", "");
        }
    }
    t.setup_manifest(&before);
    // Named apart from the namespaces, which the comparison masks.
    let file = common::scratch_root().join(format!("replace-many-{}.yaml", std::process::id()));
    std::fs::write(&file, after).expect("write manifest");
    let out = t.same_words(&["replace", "-f", file.to_str().unwrap()]);
    let _ = std::fs::remove_file(&file);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.matches(" replaced\n").count(),
        39,
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("\"cm-17\" not found"), "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown field \"spare\""),
        "{}",
        out.stderr
    );
    t.same_objects("cm");
}
