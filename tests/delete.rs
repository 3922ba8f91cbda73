//! `delete` against the real control plane: kubectl works in one namespace,
//! kuddle in its twin; output, errors, exit codes and the objects left
//! behind must match.

mod common;
use common::cluster::{cluster_kubeconfig, DefaultPod};
use common::twin::{mask_output, Twin};
use common::*;

fn path(name: &str) -> String {
    fixture(&format!("delete/{name}")).display().to_string()
}

fn setup_objects(t: &Twin) {
    t.setup_manifest(&std::fs::read_to_string(path("objects.yaml")).expect("fixture"));
}

/// Both programs with the same standard input (the `-i` prompt).
fn same_with_stdin(t: &Twin, words: &[&str], stdin: &str) -> Output {
    let expected = t
        .invocation(&t.a, words)
        .stdin(stdin.as_bytes().to_vec())
        .kubectl();
    let actual = t
        .invocation(&t.b, words)
        .stdin(stdin.as_bytes().to_vec())
        .kuddle();
    let context = format!("`{}` with input {stdin:?}", words.join(" "));
    let mask = |s: &str, ns: &str| mask_output(&normalize_stderr(s).replace(ns, "<ns>"));
    assert_same_text(
        "stdout",
        &mask(&expected.stdout, &t.a),
        &mask(&actual.stdout, &t.b),
        &context,
    );
    assert_same_text(
        "stderr",
        &mask(&expected.stderr, &t.a),
        &mask(&actual.stderr, &t.b),
        &context,
    );
    assert_eq!(
        expected.code, actual.code,
        "exit code differs for {context}"
    );
    actual
}

#[test]
fn by_name_type_and_selector() {
    let t = Twin::new("del-names");
    setup_objects(&t);
    for line in [
        "delete cm web-a",
        // Some names do not exist: the others are deleted, errors come last.
        "delete cm nope web-b also-nope",
        "delete cm nope --ignore-not-found",
        "delete configmap/db secret/nope secret/web-secret",
        "delete cm,secret gone",
    ] {
        t.same(line);
    }
    t.same_objects("cm,secret");
    setup_objects(&t);
    for line in [
        "delete cm,secret -l app=web",
        // Nothing matches: kubectl says so on stdout and succeeds.
        "delete cm -l app=nothing",
        "delete cm -l app=nothing --ignore-not-found=false",
        "delete cm --field-selector metadata.name=db",
        "delete secret --all",
    ] {
        t.same(line);
    }
    t.same_objects("cm,secret");
}

#[test]
fn dry_runs_and_output() {
    let t = Twin::new("del-dry");
    setup_objects(&t);
    for line in [
        "delete cm web-a --dry-run=client",
        "delete cm web-a nope --dry-run=client",
        "delete cm -l app=web --dry-run=server",
        "delete cm web-b --dry-run",
        "delete cm web-b --dry-run=true",
        "delete cm web-b --dry-run=bogus",
        "delete secret web-secret -o name",
        "delete cm web-a -o yaml",
        "delete cm web-a -o name --dry-run=server",
    ] {
        t.same(line);
    }
    t.same_objects("cm,secret");
}

#[test]
fn conflicting_and_bad_flags() {
    let t = Twin::new("del-flags");
    setup_objects(&t);
    for line in [
        "delete",
        "delete cm",
        "delete cm web-a --all",
        "delete cm --all -l app=web",
        "delete cm --all --field-selector metadata.name=db",
        "delete cm/web-a -l app=web",
        "delete cm cm/web-a",
        "delete nosuchtype x",
        "delete cm web-a --force --grace-period=5",
        "delete cm web-a --now --grace-period=3",
        "delete cm web-a --cascade=sideways",
        "delete cm web-a --bogus-flag",
        "delete cm web-a --grace-period=x",
        "delete cm web-a --timeout=forever",
        "delete cm web-a --wait=maybe",
        "delete -A cm web-a",
        "delete -f nonexistent.yaml",
        "delete -k /nonexistent-kustomization",
    ] {
        t.same(line);
    }
    t.same_objects("cm,secret");
}

#[test]
fn grace_periods_force_and_cascade() {
    let t = Twin::new("del-grace");
    t.setup_manifest(&std::fs::read_to_string(path("deploy.yaml")).expect("fixture"));
    t.setup("rollout status deploy/web --timeout=60s");
    for line in [
        "delete pod solo --now",
        "delete deploy web --cascade=orphan",
        // The orphaned replica set is left, without its owner.
        "delete rs -l app=web --cascade=false",
    ] {
        t.same(line);
    }
    t.same_objects("deploy,rs");
    t.setup_manifest(&std::fs::read_to_string(path("deploy.yaml")).expect("fixture"));
    for line in [
        "delete pod solo --force",
        "delete deploy web --cascade=foreground --grace-period=0",
        "delete pods -l app=web --grace-period=0 --force --wait=false",
        "delete deploy web --cascade",
    ] {
        t.same(line);
    }
    t.same_objects("deploy,rs,pod");
}

#[test]
fn finalizers_wait_and_timeout() {
    let t = Twin::new("del-fin");
    let kept = std::fs::read_to_string(path("finalizer.yaml")).expect("fixture");
    t.setup_manifest(&kept);
    // The finalizer keeps the object: the wait times out.
    t.same("delete cm kept --timeout=2s");
    t.same("delete cm kept --wait=false");
    t.same("delete cm kept --timeout=-1s");
    t.same_objects("cm");
    // Once the finalizer goes, the default wait ends.
    for ns in [&t.a, &t.b] {
        let release = t
            .invocation(
                ns,
                &[
                    "patch",
                    "cm",
                    "kept",
                    "--type=merge",
                    "-p",
                    r#"{"metadata":{"finalizers":null}}"#,
                ],
            )
            .kubectl();
        assert_eq!(release.code, 0, "{}", release.stderr);
    }
    t.same("delete cm kept --ignore-not-found");
    t.same_objects("cm");
}

#[test]
fn finalizer_removed_while_waiting() {
    let t = Twin::new("del-fin-wait");
    t.setup_manifest(&std::fs::read_to_string(path("finalizer.yaml")).expect("fixture"));
    // Another client removes the finalizer a moment after the delete.
    let release_later = |ns: String| {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            Invocation::new(&[
                "-n",
                &ns,
                "patch",
                "cm",
                "kept",
                "--type=merge",
                "-p",
                r#"{"metadata":{"finalizers":null}}"#,
            ])
            .kubeconfig(cluster_kubeconfig())
            .kubectl()
        })
    };
    let a = release_later(t.a.clone());
    let b = release_later(t.b.clone());
    let started = std::time::Instant::now();
    let expected = t.invocation(&t.a, &["delete", "cm", "kept"]).kubectl();
    let actual = t.invocation(&t.b, &["delete", "cm", "kept"]).kuddle();
    assert!(started.elapsed() >= std::time::Duration::from_millis(1500));
    assert_eq!(
        expected.stdout.replace(&t.a, "<ns>"),
        actual.stdout.replace(&t.b, "<ns>")
    );
    assert_eq!((expected.code, actual.code), (0, 0), "{}", actual.stderr);
    let _ = (a.join(), b.join());
    t.same_objects("cm");
}

#[test]
fn from_files_dirs_stdin_and_urls() {
    let t = Twin::new("del-files");
    let objects = path("objects.yaml");
    let dir = path("dir");
    setup_objects(&t);
    t.same_words(&["delete", "-f", &objects]);
    t.same_words(&["delete", "-f", &objects]);
    t.same_words(&["delete", "-f", &objects, "--ignore-not-found"]);
    setup_objects(&t);
    t.same_words(&["delete", "-f", &objects, "-l", "app=web"]);
    t.same_words(&["delete", "-f", &objects, "cm", "x"]);
    t.same_words(&["delete", "-f", &objects, "cm/db"]);
    for ns in [&t.a, &t.b] {
        for f in ["dir/a.yaml", "dir/b.json", "dir/sub/c.yaml"] {
            let out = t.invocation(ns, &["apply", "-f", &path(f)]).kubectl();
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
    }
    t.same_words(&["delete", "-f", &dir]);
    t.same_words(&["delete", "-f", &dir, "-R"]);
    setup_objects(&t);
    let stdin = std::fs::read_to_string(&objects).expect("fixture");
    same_with_stdin(&t, &["delete", "-f", "-"], &stdin);
    setup_objects(&t);
    let base = serve_dir(fixture("delete"));
    t.same_words(&["delete", "-f", &format!("{base}/objects.yaml")]);
    t.same_words(&["delete", "-f", &format!("{base}/missing.yaml")]);
    t.same_objects("cm,secret");
}

#[test]
fn one_failure_among_ten() {
    let t = Twin::new("del-ten");
    let file = path("ten-with-failures.yaml");
    for ns in [&t.a, &t.b] {
        for i in [0, 1, 2, 3, 5, 6, 8, 9] {
            let name = format!("cm-{i}");
            let out = t.invocation(ns, &["create", "configmap", &name]).kubectl();
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
    }
    // The kind nobody serves and the namespace the server keeps fail; the
    // eight config maps are deleted; exit 1.
    let out = t.same_words(&["delete", "-f", &file]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout.lines().count(), 8, "{}", out.stdout);
    t.same_objects("cm");
}

#[test]
fn interactive_confirmation() {
    let t = Twin::new("del-ask");
    setup_objects(&t);
    same_with_stdin(&t, &["delete", "cm", "-l", "app=web", "-i"], "n\n");
    same_with_stdin(&t, &["delete", "cm", "-l", "app=web", "-i"], "yes\n");
    same_with_stdin(&t, &["delete", "cm", "-l", "app=web", "-i"], "");
    t.same_objects("cm");
    same_with_stdin(
        &t,
        &["delete", "cm", "-l", "app=web", "--interactive"],
        "Y\n",
    );
    same_with_stdin(&t, &["delete", "cm", "-l", "app=nothing", "-i"], "y\n");
    same_with_stdin(&t, &["delete", "cm", "db", "nope", "-i"], "y\n");
    same_with_stdin(&t, &["delete", "--raw", "/api", "-i"], "y\n");
    t.same_objects("cm,secret");
}

#[test]
fn raw_deletes() {
    let t = Twin::new("del-raw");
    setup_objects(&t);
    t.same_per_namespace(&|ns| {
        vec![
            "delete".into(),
            "--raw".into(),
            format!("/api/v1/namespaces/{ns}/configmaps/web-a"),
        ]
    });
    t.same_per_namespace(&|ns| {
        vec![
            "delete".into(),
            "--raw".into(),
            format!("/api/v1/namespaces/{ns}/configmaps/web-a"),
        ]
    });
    // A directory as the body fails as the request does ("Unable to
    // connect to the server: read DIR: is a directory").
    let dir_body = format!("delete --raw /x -f {}", fixture("delete").display());
    for line in [
        "delete --raw foo",
        "delete --raw /x -o name",
        "delete --raw /x -f a.yaml -f b.yaml",
        "delete --raw /x -f http://127.0.0.1:1/x.yaml",
        "delete --raw /x -R",
        "delete --raw /api/v1/nope cm web-b",
        "delete --raw /x -f /nonexistent.yaml",
        &dir_body,
    ] {
        t.same(line);
    }
    t.same_objects("cm,secret");
}

#[test]
fn namespaces_and_cluster_scope() {
    let t = Twin::new("del-ns");
    // A namespace of each program's own, with something in it: the server
    // keeps it Terminating until its controller has emptied it.
    for ns in [&t.a, &t.b] {
        let child = format!("{ns}-child");
        let out = Invocation::new(&["create", "namespace", &child])
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = Invocation::new(&["-n", &child, "create", "configmap", "inside"])
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    t.same_per_namespace(&|ns| vec!["delete".into(), "namespace".into(), format!("{ns}-child")]);
    // -n with a cluster-scoped object: kubectl warns.
    t.same_per_namespace(&|ns| {
        vec![
            "delete".into(),
            "ns".into(),
            format!("{ns}-child"),
            "--ignore-not-found".into(),
            "--dry-run=server".into(),
        ]
    });
    t.same("delete namespace kube-public");
    let gone = Invocation::new(&["get", "namespace", &format!("{}-child", t.b)])
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(gone.code, 1, "{}", gone.stdout);
}

#[test]
fn across_namespaces() {
    let t = Twin::new("del-all-ns");
    for ns in [&t.a, &t.b] {
        let label = format!("owner={ns}");
        for name in ["x", "y"] {
            let out = t.invocation(ns, &["create", "configmap", name]).kubectl();
            assert_eq!(out.code, 0, "{}", out.stderr);
            let out = t
                .invocation(ns, &["label", "configmap", name, &label])
                .kubectl();
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
    }
    // With -n too, kubectl refuses every namespaced object.
    t.same_per_namespace(&|ns| {
        vec![
            "delete".into(),
            "cm".into(),
            "-A".into(),
            "-l".into(),
            format!("owner={ns}"),
        ]
    });
    t.same("delete cm x -A");
    t.same_objects("cm");
    // Without -n: every namespace (each program finds its own objects by
    // their label).
    let run = |ns: &str, kuddle: bool| {
        let label = format!("owner={ns}");
        let inv =
            Invocation::new(&["delete", "cm", "-A", "-l", &label]).kubeconfig(cluster_kubeconfig());
        let out = if kuddle { inv.kuddle() } else { inv.kubectl() };
        (out.stdout.replace(ns, "<ns>"), out.stderr, out.code)
    };
    let expected = run(&t.a, false);
    let actual = run(&t.b, true);
    assert_eq!(expected, actual);
    assert_eq!(expected.0.lines().count(), 2, "{}", expected.0);
    t.same_objects("cm");
}

#[test]
fn custom_resources() {
    let t = Twin::new("del-crd");
    let template = std::fs::read_to_string(path("crd.yaml.tmpl")).expect("fixture");
    let group = |ns: &str| format!("{ns}.kuddle.test");
    for ns in [&t.a, &t.b] {
        let crd = template.replace("GROUP", &group(ns));
        let out = Invocation::new(&["apply", "-f", "-"])
            .kubeconfig(cluster_kubeconfig())
            .stdin(crd.into_bytes())
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
        for name in ["g1", "g2"] {
            let gadget = format!(
                "apiVersion: {}/v1\nkind: Gadget\nmetadata:\n  name: {name}\nspec: {{size: 1}}\n",
                group(ns)
            );
            let out = t
                .invocation(ns, &["apply", "-f", "-"])
                .stdin(gadget.into_bytes())
                .kubectl();
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
    }
    let gadgets = |ns: &str| format!("gadgets.{}", group(ns));
    t.same_per_namespace(&|ns| vec!["delete".into(), gadgets(ns), "g1".into()]);
    t.same_per_namespace(&|ns| vec!["delete".into(), gadgets(ns), "g1".into()]);
    t.same_per_namespace(&|ns| {
        vec![
            "delete".into(),
            format!("gadget.{}/g2", group(ns)),
            "--dry-run=server".into(),
        ]
    });
    // Deleting the definition removes the objects left with it.
    t.same_per_namespace(&|ns| vec!["delete".into(), "crd".into(), gadgets(ns)]);
    let gone = Invocation::new(&["get", "crd", &gadgets(&t.b)])
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(gone.code, 1, "{}", gone.stdout);
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("del-limited");
    // The limited user may read pods in default, not delete them.
    let name = format!("{}-p", t.b);
    let pod = DefaultPod::create(&name);
    let version = || pod.resource_version();
    let before = version();
    for line in [
        format!("--context limited -n default delete pod {name}"),
        format!("--context limited -n default delete pod {name} --dry-run=server"),
        "--context limited -n default delete pod -l nothing=here".to_string(),
        "--context limited -n default delete cm x".to_string(),
    ] {
        let out = assert_same(&Invocation::line(&line).kubeconfig(cluster_kubeconfig()));
        assert!(
            out.stderr.is_empty() || out.stderr.contains("Forbidden"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(before, version(), "the pod changed");
    setup_objects(&t);
    t.same("--context limited delete cm web-a");
    t.same_objects("cm");
}
