//! `wait` against the real control plane, compared with kubectl: conditions,
//! JSONPath values, creation and deletion (also while another client
//! changes the objects), timeouts and errors.

mod common;
use common::twin::Twin;
use common::*;

fn path(name: &str) -> String {
    fixture(&format!("delete/{name}")).display().to_string()
}

/// Each program runs `words` in its namespace while kubectl runs each of
/// `meanwhile` there, that many milliseconds after it started; the outputs
/// must match.
fn same_while(t: &Twin, words: &[&str], meanwhile: &[(u64, &[&str])]) -> Output {
    let run = |ns: &str, kuddle: bool| {
        let helpers: Vec<_> = meanwhile
            .iter()
            .map(|(delay, other)| {
                let inv = t.invocation(ns, other);
                let delay = std::time::Duration::from_millis(*delay);
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    inv.kubectl()
                })
            })
            .collect();
        let inv = t.invocation(ns, words);
        let out = if kuddle { inv.kuddle() } else { inv.kubectl() };
        for helper in helpers {
            let helped = helper.join().expect("thread");
            assert_eq!(helped.code, 0, "{}", helped.stderr);
        }
        Output {
            stdout: out.stdout.replace(ns, "<ns>"),
            stderr: normalize_stderr(&out.stderr).replace(ns, "<ns>"),
            code: out.code,
        }
    };
    let expected = run(&t.a, false);
    let actual = run(&t.b, true);
    let context = format!("`{}`", words.join(" "));
    assert_same_text("stdout", &expected.stdout, &actual.stdout, &context);
    assert_same_text("stderr", &expected.stderr, &actual.stderr, &context);
    assert_eq!(
        expected.code, actual.code,
        "exit code differs for {context}"
    );
    actual
}

#[test]
fn conditions_and_jsonpath() {
    let t = Twin::new("wait-cond");
    t.setup_manifest(&std::fs::read_to_string(path("deploy.yaml")).expect("fixture"));
    for line in [
        "wait --for=condition=Available deploy/web --timeout=60s",
        "wait --for=condition=available=TRUE deployment web --timeout=60s",
        "wait --for=condition=Ready pod/solo --timeout=60s -o name",
        "wait --for=jsonpath={.status.phase}=Running pod/solo --timeout=60s",
        "wait --for=jsonpath=.spec.replicas=2 deploy/web -o jsonpath={.metadata.name}",
        "wait --for=jsonpath={.status.readyReplicas} deploy/web",
        "wait --for=jsonpath={.metadata.labels.app}='web' deploy -l app=web",
        "wait --for=condition=Available deploy --all --timeout=30s",
        "wait --for=condition=Available deploy --field-selector metadata.name=web",
        "wait --for=condition=Available --for=jsonpath={.spec.replicas}=2 deploy/web",
        "wait --for=jsonpath={.status.phase}=Running pod/solo --timeout=0",
    ] {
        t.same(line);
    }
    t.same("wait --for=condition=Available deploy/web -o json");
}

#[test]
fn timeouts_and_missing_objects() {
    let t = Twin::new("wait-timeout");
    for name in ["a", "b"] {
        t.setup(&format!("create configmap {name}"));
    }
    for line in [
        "wait --for=condition=Ready cm/a --timeout=1s",
        "wait --for=condition=Ready cm/a --timeout=0",
        "wait --for=condition=x cm/a cm/nope cm/b --timeout=2s",
        "wait --for=jsonpath={.metadata.name}=b cm/a cm/b --timeout=1s",
        "wait --for=delete cm/a cm/b --timeout=1s",
        "wait --for=delete cm/a --timeout=0",
        "wait --for=delete cm/nope",
        "wait --for=condition=Ready cm/nope --timeout=1s",
        "wait --for=create cm/nope --timeout=1s",
        "wait --for=create cm/nope --timeout=0",
        "wait --for=create cm/a cm/nope --timeout=1s",
        "wait --for=create cm/nope cm/nope2 --timeout=1s",
        "wait --for=create cm -l none=here --timeout=1s",
        "wait --for=create --for=condition=x cm/a --timeout=1s",
        "wait --for=delete cm -l none=here",
        "wait --for=condition=x cm -l none=here",
    ] {
        t.same(line);
    }
}

#[test]
fn bad_flags_and_conditions() {
    let t = Twin::new("wait-bad");
    t.setup("create configmap a");
    for line in [
        "wait cm/a",
        "wait --for=bogus cm/a",
        "wait --for=jsonpath= cm/a",
        "wait --for=jsonpath={.a}= cm/a",
        "wait --for=jsonpath={.a}=1=2 cm/a",
        "wait --for=jsonpath={.a cm/a",
        "wait --for=jsonpath={.metadata}=x cm/a --timeout=1s",
        "wait --for=jsonpath={.metadata.*}=x cm/a --timeout=1s",
        "wait --for=delete",
        "wait --for=delete cm",
        "wait --for=delete cm a --bogus",
        "wait --for=delete cm/a --timeout=soon",
        "wait --for=delete cm/a -o bogus",
        "wait --for=delete cm/a cm",
        "wait --for=create --local cm/a",
        "wait --for=create --local",
        "wait --for=condition=Ready cm/a -A",
        "wait --for=condition=x cm -A --timeout=1s",
    ] {
        t.same(line);
    }
}

#[test]
fn creation_and_deletion_while_waiting() {
    let t = Twin::new("wait-watch");
    // An object appears a moment after the wait started.
    same_while(
        &t,
        &["wait", "--for=create", "cm/late", "--timeout=30s"],
        &[(1500, &["create", "configmap", "late"])],
    );
    // And disappears a moment after.
    let kept = std::fs::read_to_string(path("finalizer.yaml")).expect("fixture");
    t.setup_manifest(&kept);
    t.setup("delete cm kept --wait=false");
    same_while(
        &t,
        &[
            "wait",
            "--for=delete",
            "cm/kept",
            "--timeout=30s",
            "-o",
            "name",
        ],
        &[(
            1500,
            &[
                "patch",
                "cm",
                "kept",
                "--type=merge",
                "-p",
                r#"{"metadata":{"finalizers":null}}"#,
            ],
        )],
    );
    // A condition met while waiting.
    t.setup("create configmap flag");
    same_while(
        &t,
        &[
            "wait",
            "--for=jsonpath={.metadata.labels.ready}=yes",
            "cm/flag",
            "--timeout=30s",
        ],
        &[(1500, &["label", "configmap", "flag", "ready=yes"])],
    );
    t.same_objects("cm");
}

#[test]
fn many_objects_deleted_at_once() {
    let t = Twin::new("wait-many");
    for i in 0..12 {
        t.setup(&format!("create configmap m{i:02}"));
    }
    let names: Vec<String> = (0..12).map(|i| format!("cm/m{i:02}")).collect();
    let mut words: Vec<&str> = vec!["wait", "--for=delete", "--timeout=30s"];
    words.extend(names.iter().map(String::as_str));
    // m01…m11 go while the wait is still on m00: kubectl, which takes one
    // object after another, no longer finds them when their turn comes.
    let rest: Vec<String> = (1..12).map(|i| format!("m{i:02}")).collect();
    let mut early: Vec<&str> = vec!["delete", "cm", "--wait=false"];
    early.extend(rest.iter().map(String::as_str));
    let out = same_while(
        &t,
        &words,
        &[
            (800, &early),
            (2500, &["delete", "cm", "m00", "--wait=false"]),
        ],
    );
    assert_eq!(out.stdout, "configmap/m00 condition met\n");
    // Twelve objects of one collection, all deleted together: watched
    // together, reported in order.
    for i in 0..12 {
        t.setup(&format!("create configmap n{i:02}"));
    }
    t.same("wait --for=delete --timeout=0 cm -l none=here");
    let names: Vec<String> = (0..12).map(|i| format!("cm/n{i:02}")).collect();
    let mut words: Vec<&str> = vec!["wait", "--for=delete", "--timeout=1s"];
    words.extend(names.iter().map(String::as_str));
    t.same_words(&words);
}

#[test]
fn objects_from_files() {
    let t = Twin::new("wait-files");
    let objects = path("objects.yaml");
    t.setup_manifest(&std::fs::read_to_string(&objects).expect("fixture"));
    t.same_words(&["wait", "--for=create", "-f", &objects]);
    t.same_words(&[
        "wait",
        "--for=jsonpath={.metadata.labels.app}",
        "-f",
        &objects,
        "-o",
        "name",
    ]);
    t.same_words(&["wait", "--for=create", "-f", &path("dir")]);
    t.same_words(&["wait", "--for=delete", "-f", &path("dir"), "--timeout=1s"]);
    t.same_words(&["wait", "--for=delete", "-f", &objects, "--timeout=1s"]);
    t.same_words(&[
        "wait",
        "--for=create",
        "--local",
        "-f",
        &objects,
        "-o",
        "name",
    ]);
    t.same_words(&["wait", "--for=create", "--local", "-f", &path("dir")]);
    // --local needs no server at all.
    let offline = Invocation::new(&["wait", "--for=create", "--local", "-f", &objects])
        .env("KUBECONFIG", "/nonexistent/kubeconfig");
    let out = assert_same(&offline);
    assert_eq!(out.code, 0, "{}", out.stderr);
}
