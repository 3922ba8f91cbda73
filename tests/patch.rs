//! `patch` compared with kubectl on the real control plane (kubectl in one
//! namespace, kuddle in its twin) and offline with `--local`.

mod common;
use common::cluster::{cluster_kubeconfig, DefaultPod};
use common::twin::Twin;
use common::*;

fn fixture_path(name: &str) -> String {
    fixture(name).display().to_string()
}

fn setup(t: &Twin) {
    t.setup_manifest(
        &std::fs::read_to_string(fixture_path("delete/deploy.yaml")).expect("fixture"),
    );
    t.setup("create configmap cfg --from-literal=a=1");
    t.setup("create configmap other");
}

#[test]
fn patch_types() {
    let t = Twin::new("patch-types");
    setup(&t);
    let image = fixture_path("patch/image.yaml");
    let ops = fixture_path("patch/ops.json");
    t.same_words(&["patch", "deploy", "web", "--patch-file", &image]);
    t.same_words(&["patch", "deploy/web", "--type=json", "--patch-file", &ops]);
    t.same_words(&["patch", "deploy", "web", "-p", "spec:\n  replicas: 1"]);
    for line in [
        r#"patch cm cfg -p {"data":{"b":"2"}}"#,
        // The same again changes nothing.
        r#"patch cm cfg -p {"data":{"b":"2"}}"#,
        r#"patch cm cfg --type=merge -p {"data":{"a":null}}"#,
        r#"patch cm cfg --type merge -p {"data":{"b":"2"}}"#,
        r#"patch cm cfg --type=Merge -p {"metadata":{"labels":{"x":"y"}}}"#,
        r#"patch cm/cfg cm/other -p {"metadata":{"labels":{"both":"yes"}}}"#,
        r#"patch configmap cfg --type=json -p [{"op":"remove","path":"/data/b"}]"#,
        r#"patch deploy web --field-manager=tester -p {"spec":{"minReadySeconds":5}}"#,
    ] {
        t.same(line);
    }
    t.same_objects("deploy,cm");
}

#[test]
fn subresources_dry_runs_and_output() {
    let t = Twin::new("patch-sub");
    setup(&t);
    for line in [
        r#"patch deploy web --subresource=scale --type=merge -p {"spec":{"replicas":3}}"#,
        r#"patch deploy web --subresource=scale -p {"spec":{"replicas":3}} -o jsonpath={.spec.replicas}"#,
        r#"patch deploy web --subresource=status --type=merge -p {"status":{"observedGeneration":1}} -o name"#,
        r#"patch deploy web --subresource=foo -p {}"#,
        r#"patch deploy web -p {"spec":{"replicas":5}} --dry-run=server"#,
        r#"patch deploy web -p {"spec":{"replicas":5}} --dry-run=client -o json"#,
        r#"patch deploy web -p {"spec":{"replicas":3}} --dry-run=client"#,
        r#"patch cm cfg --type=json -p [{"op":"add","path":"/data/c","value":"3"}] --dry-run=client -o yaml"#,
        r#"patch cm cfg -p {"data":{"c":"3"}} -o yaml"#,
        r#"patch cm cfg -p {"data":{"c":"3"}} -o name"#,
        r#"patch cm cfg -p {"data":{"d":"4"}} -o bogus"#,
        r#"patch cm cfg -p {} --dry-run"#,
    ] {
        t.same(line);
    }
    t.same_objects("deploy,cm");
}

#[test]
fn bad_patches_and_flags() {
    let t = Twin::new("patch-bad");
    setup(&t);
    let bad = fixture_path("patch/bad.yaml");
    t.same_words(&["patch", "cm", "cfg", "--patch-file", &bad]);
    t.same_words(&["patch", "cm", "cfg", "-p", "a: ["]);
    t.same_words(&["patch", "cm", "cfg", "-p", "[1"]);
    for line in [
        "patch cm cfg",
        "patch cm cfg -p {} --patch-file x.yaml",
        "patch cm cfg --patch-file /nonexistent.yaml",
        "patch cm cfg -p {} --type=yaml",
        "patch cm cfg -p {bad",
        "patch cm cfg -p [1] --type=merge",
        "patch cm cfg -p \"x\" --type=merge --dry-run=client",
        "patch cm cfg -p [1] --dry-run=client",
        r#"patch cm cfg --type=json -p {"op":"add"}"#,
        r#"patch cm cfg --type=json -p [{"op":"remove","path":"/nope"}]"#,
        r#"patch cm cfg --type=json -p [{"op":"remove","path":"/nope"}] --dry-run=client"#,
        r#"patch cm cfg --type=json -p [{"op":"replace","path":"/data/x/y","value":1}] --dry-run=client"#,
        r#"patch cm cfg --type=json -p [{"op":"frob","path":"/data"}] --dry-run=client"#,
        r#"patch cm cfg --type=json -p [{"op":"test","path":"/data/a","value":"2"}]"#,
        r#"patch cm nope -p {}"#,
        r#"patch cm cfg nope other -p {"data":{"z":"1"}}"#,
        "patch cm -p {}",
        "patch -p {}",
        "patch cm cfg -l a=b -p {}",
        "patch cm cfg -p {} --local",
        "patch nosuchtype x -p {}",
        // A stale resource version in the patch: a conflict.
        r#"patch cm cfg -p {"metadata":{"resourceVersion":"1"},"data":{"s":"x"}}"#,
        r#"patch deploy web -p {"spec":{"replicas":-1}}"#,
    ] {
        t.same(line);
    }
    t.same_objects("deploy,cm");
}

#[test]
fn local_patches_offline() {
    let deploy = fixture_path("delete/deploy.yaml");
    let objects = fixture_path("delete/objects.yaml");
    let image = fixture_path("patch/image.yaml");
    let offline = |words: &[&str]| {
        let inv = Invocation::new(words).env("KUBECONFIG", "/nonexistent/kubeconfig");
        assert_same(&inv)
    };
    let out = offline(&[
        "patch",
        "--local",
        "-f",
        &deploy,
        "--patch-file",
        &image,
        "-o",
        "yaml",
    ]);
    assert!(out.stdout.contains("image: httpd"), "{}", out.stdout);
    offline(&["patch", "--local", "-f", &deploy, "--patch-file", &image]);
    offline(&["patch", "--local", "-f", &deploy, "-p", "{}"]);
    offline(&[
        "patch",
        "--local",
        "-f",
        &objects,
        "--type=merge",
        "-p",
        r#"{"metadata":{"labels":{"x":"y"}}}"#,
        "-o",
        "json",
    ]);
    offline(&[
        "patch",
        "--local",
        "-f",
        &objects,
        "--type=json",
        "-p",
        r#"[{"op":"add","path":"/metadata/labels/x","value":"y"}]"#,
        "-o",
        "name",
    ]);
    offline(&[
        "patch",
        "--local",
        "-f",
        &deploy,
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","$patch":"delete"}]}}}}"#,
        "-o",
        "yaml",
    ]);
    offline(&[
        "patch",
        "--local",
        "-f",
        &deploy,
        "-p",
        r#"{"spec":{"replicas":3}}"#,
        "--dry-run=client",
    ]);
    offline(&[
        "patch",
        "--local",
        "-f",
        &deploy,
        "-p",
        "{}",
        "--dry-run=server",
    ]);
    offline(&["patch", "--local", "cm", "x", "-p", "{}"]);
    offline(&["patch", "--local", "-p", "{}"]);
    let crd = fixture_path("mutate/widget.yaml");
    offline(&[
        "patch",
        "--local",
        "-f",
        &crd,
        "-p",
        r#"{"spec":{"replicas":2}}"#,
    ]);
    offline(&[
        "patch",
        "--local",
        "-f",
        &crd,
        "--type=merge",
        "-p",
        r#"{"spec":{"replicas":2}}"#,
        "-o",
        "yaml",
    ]);
}

#[test]
fn custom_resources_take_no_strategic_patch() {
    let t = Twin::new("patch-cr");
    let template = std::fs::read_to_string(fixture_path("delete/crd.yaml.tmpl")).expect("fixture");
    let group = |ns: &str| format!("{ns}.kuddle.test");
    for ns in [&t.a, &t.b] {
        let out = Invocation::new(&["apply", "-f", "-"])
            .kubeconfig(cluster_kubeconfig())
            .stdin(template.replace("GROUP", &group(ns)).into_bytes())
            .kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = Invocation::new(&[
            "wait",
            "--for=condition=Established",
            &format!("crd/gadgets.{}", group(ns)),
        ])
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let gadget = format!(
            "apiVersion: {}/v1\nkind: Gadget\nmetadata:\n  name: g\nspec: {{size: 1}}\n",
            group(ns)
        );
        let out = t
            .invocation(ns, &["apply", "-f", "-"])
            .stdin(gadget.into_bytes())
            .kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let gadget = |ns: &str| format!("gadgets.{}/g", group(ns));
    let words = |ns: &str, rest: &[&str]| {
        let mut w = vec!["patch".to_string(), gadget(ns)];
        w.extend(rest.iter().map(|s| s.to_string()));
        w
    };
    t.same_per_namespace(&|ns| words(ns, &["-p", r#"{"spec":{"size":2}}"#]));
    t.same_per_namespace(&|ns| words(ns, &["--type=merge", "-p", r#"{"spec":{"size":2}}"#]));
    t.same_per_namespace(&|ns| words(ns, &["--type=merge", "-p", r#"{"spec":{"size":2}}"#]));
    t.same_per_namespace(&|ns| {
        words(
            ns,
            &[
                "--subresource=status",
                "--type=merge",
                "-p",
                r#"{"status":{"ok":true}}"#,
            ],
        )
    });
    t.same_per_namespace(&|ns| {
        words(
            ns,
            &[
                "--type=merge",
                "-p",
                r#"{"spec":{"size":3}}"#,
                "--dry-run=client",
            ],
        )
    });
    t.same_per_namespace(&|ns| words(ns, &["-p", r#"{"spec":{"size":3}}"#, "--dry-run=client"]));
    for ns in [&t.a, &t.b] {
        let _ = Invocation::new(&["delete", "crd", &format!("gadgets.{}", group(ns))])
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
    }
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("patch-limited");
    let name = format!("{}-p", t.b);
    let pod = DefaultPod::create(&name);
    let version = || pod.resource_version();
    let before = version();
    let patch = r#"{"metadata":{"labels":{"x":"y"}}}"#;
    for words in [
        vec![
            "--context",
            "limited",
            "-n",
            "default",
            "patch",
            "pod",
            &name,
            "-p",
            patch,
        ],
        vec![
            "--context",
            "limited",
            "-n",
            "default",
            "patch",
            "pod",
            &name,
            "-p",
            patch,
            "--dry-run=server",
        ],
        vec![
            "--context",
            "limited",
            "-n",
            "default",
            "patch",
            "pod",
            &name,
            "-p",
            patch,
            "--dry-run=client",
            "-o",
            "name",
        ],
    ] {
        assert_same(&Invocation::new(&words).kubeconfig(cluster_kubeconfig()));
    }
    assert_eq!(before, version(), "the pod changed");
    setup(&t);
    t.same(r#"--context limited patch cm cfg -p {"data":{"x":"y"}}"#);
    t.same_objects("cm");
}
