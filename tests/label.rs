//! `label` and `annotate` against the real control plane (kubectl in one
//! namespace, kuddle in its twin: output, errors and the objects left must
//! match), and offline with `--local`, byte for byte.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::Twin;
use common::*;

fn set_fixture(name: &str) -> String {
    fixture(&format!("set/{name}")).display().to_string()
}

fn setup(t: &Twin) {
    t.setup("create configmap c1 --from-literal=a=1");
    t.setup("create configmap c2");
    t.setup("create deployment web --image=nginx");
}

#[test]
fn labels_added_changed_and_removed() {
    let t = Twin::new("lbl-label");
    setup(&t);
    for line in [
        "label cm c1 a=b",
        "label cm c1 a=c",
        "label cm c1 a=c --overwrite",
        "label cm c1 a- b=c",
        "label cm c1 b-",
        // Removing what is not there: `label "b" not found.` and no request.
        "label cm c1 b-",
        "label cm c1 x=1 -o json",
        "label cm c1 x=1",
        "label cm c1 --list",
        "label cm --all --list",
        "label cm c1 c2 y=1",
        "label cm/c1 deploy/web t=1 -o name",
        "label deploy,cm --all u=1 -o name",
        "label cm -l y=1 w=2 -o name",
        "label cm -l nothing=here v=1",
        "label cm --all --field-selector metadata.name=c1 --list",
        "label cm --field-selector metadata.name=c2 fs=1",
        // Server dry runs change nothing; label prints the object it sent.
        "label cm c1 q=1 --dry-run=server -o yaml",
        "label cm c1 q=1 --dry-run=client -o yaml",
        "label cm c1 q=1 --dry-run",
        "label cm c1 r=1 --field-manager=mine -o jsonpath={.metadata.labels}",
        "label deploy web app- -o jsonpath={.metadata.labels}",
        "label cm c1 s=1 --show-managed-fields -o jsonpath={.metadata.managedFields[*].manager}",
    ] {
        t.same(line);
    }
    t.same_objects("cm,deploy");
}

/// Many objects at once (kuddle's patches overlap): lines keep kubectl's
/// order, refused objects are reported at the end and the rest changed.
#[test]
fn many_objects_with_some_refused() {
    let t = Twin::new("lbl-many");
    let manifest: String = (1..=40)
        .map(|i| {
            let value = if i % 7 == 0 { "taken" } else { "free" };
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m{i:02}\n  labels: {{set: many, k: {value}}}\n---\n"
            )
        })
        .collect();
    t.setup_manifest(&manifest);
    for line in [
        "label cm -l set=many k=free",
        "label cm -l set=many k- n=1",
        "label cm -l set=many k- -o name",
        "annotate cm -l set=many note=x",
        "annotate cm -l set=many note=y",
        "annotate cm --all note=z --overwrite -o name",
    ] {
        t.same(line);
    }
    t.same_objects("cm");
}

#[test]
fn annotations_added_changed_and_removed() {
    let t = Twin::new("lbl-annotate");
    setup(&t);
    for words in [
        vec!["annotate", "cm", "c1", "a=b"],
        // Go lists a map in random order: one key each.
        vec!["annotate", "cm", "c1", "--list"],
        vec!["annotate", "cm", "--all", "--list"],
        vec!["annotate", "cm", "c1", "a=c"],
        vec!["annotate", "cm", "c1", "a=c", "--overwrite"],
        vec!["annotate", "cm", "c1", "a-", "b=c"],
        // Always sent, even when nothing changes.
        vec!["annotate", "cm", "c1", "x-"],
        vec!["annotate", "cm", "c1", "b=c"],
        vec!["annotate", "cm", "c1", "x=1", "-o", "json"],
        vec!["annotate", "cm", "c1", "c2", "y=1"],
        vec!["annotate", "cm", "-l", "nothing=here", "z=1"],
        vec!["annotate", "cm", "c1", "note=my frontend", "-o", "yaml"],
        vec!["annotate", "deploy", "web", "json={\"a\":1}", "eq=a=b"],
        vec![
            "annotate",
            "cm",
            "c1",
            "q=1",
            "--dry-run=server",
            "-o",
            "yaml",
        ],
        vec![
            "annotate",
            "cm",
            "c1",
            "q=1",
            "--dry-run=client",
            "-o",
            "name",
        ],
        // The change cause may always be overwritten.
        vec!["annotate", "cm", "c2", "kubernetes.io/change-cause=one"],
        vec!["annotate", "cm", "c2", "kubernetes.io/change-cause=two"],
    ] {
        t.same_words(&words);
    }
    t.same_objects("cm,deploy");
}

#[test]
fn resource_version_preconditions() {
    let t = Twin::new("lbl-version");
    setup(&t);
    let version = |ns: &str| t.kubectl_in(ns, "get cm c1 -o jsonpath={.metadata.resourceVersion}");
    let before_a = version(&t.a);
    let before_b = version(&t.b);
    // A stale version: the server refuses, nothing changes.
    for line in [
        "label cm c1 stale=1 --resource-version=1",
        "annotate cm c1 stale=1 --resource-version=1",
        "label cm c1 c2 stale=1 --resource-version=1",
        "annotate cm --all stale=1 --resource-version=1",
    ] {
        t.same(line);
    }
    assert_eq!(version(&t.a), before_a);
    assert_eq!(version(&t.b), before_b);
    t.same_objects("cm");
    // The current version passes, and is sent with the patch. One field
    // manager for both: two managers' entries are ordered by the second
    // each wrote in, which may differ between the twins.
    for verb in ["label", "annotate"] {
        t.same_per_namespace(&|ns| {
            vec![
                verb.into(),
                "cm".into(),
                "c1".into(),
                format!("{verb}ed=1"),
                format!("--resource-version={}", version(ns)),
                "--field-manager=versioned".into(),
                "-o".into(),
                "name".into(),
            ]
        });
    }
    t.same_objects("cm");
}

#[test]
fn usage_and_argument_errors() {
    let t = Twin::new("lbl-errors");
    setup(&t);
    let cm = set_fixture("local-mixed.yaml");
    for words in [
        vec!["label", "cm", "x=1"],
        vec!["label", "x=1"],
        vec!["label", "cm", "c1"],
        vec!["annotate", "cm", "c1"],
        vec!["label", "cm", "c1", "--all", "-l", "a=b", "x=1"],
        vec!["label", "cm", "--field-selector", "a=b", "--all", "x=1"],
        vec!["annotate", "cm", "--all", "-l", "a=b", "x=1"],
        vec!["label", "cm", "c1", "--list", "-o", "yaml"],
        vec!["annotate", "cm", "c1", "--list", "-o", "yaml"],
        vec!["label", "cm", "c1", "a=b", "--local"],
        vec!["annotate", "cm", "c1", "a=b", "--local"],
        vec!["label", "cm", "c1", "a=b", "--local", "--dry-run=server"],
        vec!["label", "--local", "a=b"],
        vec!["annotate", "--local", "a=b"],
        vec!["label", "cm", "c1", "a=b", "-f", &cm],
        vec!["label", "cm", "c1", "a=b=c"],
        vec!["label", "cm", "c1", "a=-b"],
        vec!["label", "cm", "c1", "ab"],
        vec!["label", "cm", "c1", "a=1", "foo"],
        vec!["label", "cm", "c1", "a=1", "a-"],
        vec!["annotate", "cm", "c1", "x-", "x=5"],
        vec!["annotate", "cm", "c1", "-x", "=y"],
        // Keys are checked by the server.
        vec!["label", "cm", "c1", "A_/b=c"],
        vec!["label", "cm", "c1", "c2", "x=1", "--resource-version=5"],
        vec!["label", "cm", "c1", "x=1", "--dry-run=bogus"],
        vec!["label", "cm", "c1", "x=1", "--overwrite=maybe"],
        vec!["label", "nope", "c1", "x=1"],
        vec!["label", "cm/c1", "cm", "c2", "x=1"],
        vec!["label", "cm", "-l", "a b", "x=1"],
        vec!["label", "cm", "c1", "x=1", "--bogus"],
        vec!["label", "-f", "/nonexistent/x.yaml", "x=1"],
        // Objects that are missing, or refuse the change, do not stop the others.
        vec!["label", "cm", "c1", "nope", "c2", "m=1"],
        vec!["annotate", "cm", "c1", "nope", "c2", "m=1"],
        vec!["label", "cm", "c1", "c2", "a=2"],
        // A bad -o: annotate stops first, label only when printing (after writing).
        vec!["annotate", "cm", "c1", "o=1", "-o", "bogus"],
        vec!["label", "cm", "c1", "o=1", "-o", "bogus"],
        vec!["label", "cm", "c1", "c2", "p=1", "-o", "jsonpath={.x"],
    ] {
        t.same_words(&words);
    }
    t.same_objects("cm,deploy");
}

#[test]
fn objects_named_by_files() {
    let t = Twin::new("lbl-files");
    let workloads = std::fs::read_to_string(fixture("set/workloads.yaml")).expect("fixture");
    t.setup_manifest(&workloads);
    let file = set_fixture("workloads.yaml");
    for words in [
        // Read again from the server before the change.
        vec!["label", "-f", &file, "from=file", "-o", "name"],
        vec!["label", "-f", &file, "-l", "app=web", "web=1"],
        vec!["annotate", "-f", &file, "from=file", "--dry-run=client"],
        vec!["annotate", "-f", &file, "from-", "-o", "name"],
    ] {
        t.same_words(&words);
    }
    t.same_objects("deploy,ds,sts,rc,cj,svc,cm,secret,rolebinding");
}

#[test]
fn all_namespaces_with_an_explicit_namespace() {
    let t = Twin::new("lbl-all-ns");
    setup(&t);
    for ns in [&t.a, &t.b] {
        t.kubectl_in(ns, &format!("label cm c2 twin={ns}"));
    }
    // kubectl's builder still requires the -n namespace, which -A empties:
    // every object found fails the check.
    for verb in ["label", "annotate"] {
        t.same_per_namespace(&|ns| {
            vec![
                verb.into(),
                "-A".into(),
                "cm".into(),
                "-l".into(),
                format!("twin={ns}"),
                "seen=1".into(),
            ]
        });
    }
    t.same_per_namespace(&|ns| {
        vec![
            "label".into(),
            "-A".into(),
            "cm".into(),
            "-l".into(),
            format!("twin={ns},none"),
            "seen=1".into(),
        ]
    });
    t.same_objects("cm");
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("lbl-limited");
    // The limited user may read services in default, not change them.
    let name = format!("{}-s", t.b);
    let admin = |line: &str| {
        let out = Invocation::line(line)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "{line}: {}", out.stderr);
        out.stdout
    };
    admin(&format!(
        "-n default create service clusterip {name} --tcp=80"
    ));
    let version = || {
        admin(&format!(
            "-n default get svc {name} -o jsonpath={{.metadata.resourceVersion}}"
        ))
    };
    let before = version();
    for line in [
        format!("--context limited -n default label svc {name} a=b"),
        format!("--context limited -n default annotate svc {name} a=b"),
        format!("--context limited -n default label svc {name} a=b --dry-run=server"),
        "--context limited -n default label cm nope a=b".to_string(),
    ] {
        let out = assert_same(&Invocation::line(&line).kubeconfig(cluster_kubeconfig()));
        assert_eq!(out.code, 1, "{line}");
    }
    assert_eq!(version(), before);
    admin(&format!("-n default delete service {name}"));
}

/// `--local` reads files and needs no server (nor any kubeconfig).
fn offline(words: &[&str]) {
    let inv = Invocation::new(words)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .cwd(fixture("set"));
    assert_same(&inv);
}

#[test]
fn local_files_print_byte_for_byte() {
    for line in [
        "label -f local-mixed.yaml --local tier=x --overwrite -o yaml",
        "label -f local-mixed.yaml --local tier=x -o json",
        "label -f local-mixed.yaml --local --list",
        "label -f local-deployment.yaml --local --list",
        "label -f local-mixed.yaml --local tier- -o name",
        "label -f local-deployment.yaml --local a=b --dry-run=client -o yaml",
        "label -f local-mixed.yaml --local nope-",
        "annotate -f local-mixed.yaml --local note=x -o json",
        "annotate -f local-mixed.yaml --local note=x -o yaml",
        "annotate -f local-deployment.yaml --local note- other=1 -o yaml",
        "annotate -f local-deployment.yaml --local note=2",
        "annotate -f local-deployment.yaml --local --list",
        "annotate -f local-mixed.yaml --local nope-",
        "label -f . --local d=1 -o name",
        "annotate -f . --local d=1 -o name",
        "label -f . --local -R=false d=1 -o name",
    ] {
        offline(&line.split_whitespace().collect::<Vec<_>>());
    }
    let stdin = std::fs::read_to_string(fixture("set/local-deployment.yaml")).expect("fixture");
    for line in [
        "label -f - --local from=stdin -o yaml",
        "annotate -f - --local --list",
    ] {
        let inv = Invocation::line(line)
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .stdin(stdin.clone());
        assert_same(&inv);
    }
}
