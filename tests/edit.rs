//! `edit` and `apply edit-last-applied` driven by a scripted editor
//! (tests/fixtures/edit/editor.sh): kubectl edits in one namespace, kuddle
//! in its twin, each call of the editor making the same change. Compared:
//! stdout, stderr, exit code, what the editor was shown each time, the
//! files left in the temporary folder, and the objects on the server.

mod common;

use std::path::PathBuf;

use common::cluster::{cluster_kubeconfig, DefaultDeployment};
use common::twin::{mask_output, Twin};
use common::*;

/// One program's run of an edit: what it printed and what the editor saw.
struct Edited {
    out: Output,
    seen: Vec<String>,
    left: Vec<String>,
}

/// A scratch folder for one run: the editor's state and the temp folder.
fn state_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = common::scratch_root().join(format!(
        "kuddle-edit-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("tmp")).expect("state dir");
    dir
}

/// How an editor is named for one run.
#[derive(Clone, Copy)]
enum EditorVar {
    KubeEditor,
    Editor,
    /// `KUBE_EDITOR="sh <script>"`: split on the space.
    Split,
    /// `KUBE_EDITOR="sh '<script>'"`: handed to the shell.
    Quoted,
}

fn run_edit(
    t: &Twin,
    ns: &str,
    kubectl: bool,
    words: &[&str],
    steps: &[&str],
    var: EditorVar,
) -> Edited {
    let state = state_dir();
    for (i, step) in steps.iter().enumerate() {
        std::fs::write(state.join((i + 1).to_string()), step).expect("step");
    }
    let script = fixture("edit/editor.sh").display().to_string();
    let mut inv = t
        .invocation(ns, words)
        .env("EDIT_STATE", state.display().to_string())
        .env("TMPDIR", state.join("tmp").display().to_string())
        .env("KUBECTL", kubectl_bin().display().to_string())
        .env("KUBECONFIG", cluster_kubeconfig().display().to_string())
        .env("NS", ns);
    inv = match var {
        EditorVar::KubeEditor => inv.env("KUBE_EDITOR", &script),
        EditorVar::Editor => inv.env("EDITOR", &script),
        EditorVar::Split => inv.env("KUBE_EDITOR", format!("sh {script}")),
        EditorVar::Quoted => inv.env("KUBE_EDITOR", format!("sh '{script}'")),
    };
    let out = if kubectl { inv.kubectl() } else { inv.kuddle() };
    let mut seen = Vec::new();
    for n in 1.. {
        match std::fs::read_to_string(state.join(format!("seen-{n}"))) {
            Ok(text) => seen.push(text),
            Err(_) => break,
        }
    }
    let mut left: Vec<String> = std::fs::read_dir(state.join("tmp"))
        .expect("tmp")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let state_text = state.display().to_string();
    let normalize = |s: &str| normalize_run(s, ns, &state_text);
    let edited = Edited {
        out: Output {
            stdout: normalize(&out.stdout),
            stderr: normalize(&normalize_stderr(&out.stderr)),
            code: out.code,
        },
        seen: seen.iter().map(|s| without_status(&normalize(s))).collect(),
        left: left.iter().map(|s| normalize(s)).collect(),
    };
    let _ = std::fs::remove_dir_all(&state);
    edited
}

/// Masks what differs between the two runs: namespace, the scratch
/// folder, the temp file's random name, the program's name, and what the
/// server stamps.
fn normalize_run(text: &str, ns: &str, state: &str) -> String {
    let text = text.replace(state, "<state>").replace(ns, "<ns>");
    let text = regex::Regex::new(r"(kubectl|kuddle)-edit-[0-9]+\.(yaml|json)")
        .unwrap()
        .replace_all(&text, "<prog>-edit-<n>.$2")
        .replace("`kubectl ", "`kuddle ");
    mask_output(&text)
}

/// A file with its (last, top-level) status cut: controllers write it on
/// their own schedule, so two runs moments apart may see it differ.
fn without_status(text: &str) -> String {
    match text.find("\nstatus:\n") {
        Some(i) => format!("{}\nstatus: <cut>\n", &text[..i]),
        None => text.to_string(),
    }
}

fn same_edit_with(t: &Twin, words: &[&str], steps: &[&str], var: EditorVar) -> Output {
    let expected = run_edit(t, &t.a, true, words, steps, var);
    let actual = run_edit(t, &t.b, false, words, steps, var);
    let context = format!("`{}`", words.join(" "));
    assert_same_text("stdout", &expected.out.stdout, &actual.out.stdout, &context);
    assert_same_text("stderr", &expected.out.stderr, &actual.out.stderr, &context);
    assert_eq!(
        expected.out.code, actual.out.code,
        "exit code differs for {context}"
    );
    assert_eq!(
        expected.seen.len(),
        actual.seen.len(),
        "editor calls differ for {context}"
    );
    for (i, (e, a)) in expected.seen.iter().zip(&actual.seen).enumerate() {
        assert_same_text(&format!("file at call {}", i + 1), e, a, &context);
    }
    assert_eq!(
        expected.left, actual.left,
        "files left differ for {context}"
    );
    actual.out
}

fn same_edit(t: &Twin, words: &[&str], steps: &[&str]) -> Output {
    same_edit_with(t, words, steps, EditorVar::KubeEditor)
}

fn sed(expr: &str) -> String {
    format!("sed -i '{expr}' \"$1\"\n")
}

#[test]
fn unchanged_and_changed_files() {
    let t = Twin::new("ed-basic");
    t.setup("create configmap cfg --from-literal=a=1");
    let out = same_edit(&t, &["edit", "cm", "cfg"], &[]);
    assert_eq!(out.stderr, "Edit cancelled, no changes made.\n");
    same_edit(&t, &["edit", "cm/cfg"], &[&sed(r#"s/^  a: "1"/  a: "2"/"#)]);
    same_edit(
        &t,
        &["edit", "configmap", "cfg", "--output-patch"],
        &[&sed(r#"s/^  a: "2"/  a: "3"\n  b: x/"#)],
    );
    same_edit(
        &t,
        &["edit", "cm", "cfg", "-o", "json"],
        &[&sed(r#"s/"a": "3"/"a": "4"/"#)],
    );
    same_edit(
        &t,
        &["edit", "cm", "cfg", "-o", "yaml", "--windows-line-endings"],
        &[&sed(r#"s/^  a: "4"/  a: "5"/"#)],
    );
    // JSON text is compared as it is: only spacing changed, nothing to send.
    same_edit(
        &t,
        &["edit", "cm", "cfg", "-o", "json"],
        &[&sed("s/^{/{ /")],
    );
    same_edit(
        &t,
        &["edit", "cm", "cfg", "--save-config"],
        &[&sed("s/^  b: x/  b: xy/")],
    );
    // A value the server refuses (YAML 1.1 reads `y` as true).
    same_edit(&t, &["edit", "cm", "cfg"], &[&sed("s/^  b: xy/  b: y/")]);
    t.same_objects("cm");
}

#[test]
fn editors_from_the_environment() {
    let t = Twin::new("ed-env");
    t.setup("create configmap cfg --from-literal=a=1");
    let change = sed(r#"s/^  a: "1"/  a: "2"/"#);
    same_edit_with(&t, &["edit", "cm/cfg"], &[&change], EditorVar::Editor);
    let change = sed(r#"s/^  a: "2"/  a: "3"/"#);
    same_edit_with(&t, &["edit", "cm/cfg"], &[&change], EditorVar::Split);
    let change = sed(r#"s/^  a: "3"/  a: "4"/"#);
    same_edit_with(&t, &["edit", "cm/cfg"], &[&change], EditorVar::Quoted);
    // An editor that fails, or that does not exist.
    let out = same_edit(&t, &["edit", "cm/cfg"], &["exit 3\n"]);
    assert!(
        out.stderr.contains("there was a problem with the editor"),
        "{}",
        out.stderr
    );
    for (var, value) in [
        ("KUBE_EDITOR", "kuddle-no-such-editor"),
        ("KUBE_EDITOR", "/nonexistent/editor"),
        ("EDITOR", "false"),
    ] {
        // The copy each program keeps of a failed edit goes to a scratch
        // temp folder, not /tmp.
        let tmp = state_dir().join("tmp").display().to_string();
        let inv = t
            .invocation(&t.a, &["edit", "cm/cfg"])
            .env(var, value)
            .env("TMPDIR", &tmp);
        let ns = t.a.clone();
        assert_same_with(&inv, &move |s| mask_output(&s.replace(&ns, "<ns>")));
    }
    t.same_objects("cm");
}

#[test]
fn several_objects_are_edited_as_a_list() {
    let t = Twin::new("ed-list");
    t.setup_manifest(&std::fs::read_to_string(fixture("edit/list.yaml")).unwrap());
    same_edit(
        &t,
        &["edit", "cm", "first", "second"],
        &[&sed(r#"s/^    a: "1"/    a: "one"/"#)],
    );
    same_edit(
        &t,
        &["edit", "cm/first", "cm/second", "-o", "json"],
        &[&sed(r#"s/"b": "2"/"b": "two"/"#)],
    );
    // An item without its apiVersion: refused by the validator, or (with
    // warn validation) by the reader.
    let untyped = sed("0,/^- apiVersion: v1/s//- kind2: x/");
    same_edit(&t, &["edit", "cm", "first", "second"], &[&untyped]);
    same_edit(
        &t,
        &["edit", "cm", "first", "second", "--validate=warn"],
        &[&untyped],
    );
    let list = fixture("edit/list.yaml").display().to_string();
    same_edit(
        &t,
        &["edit", "-f", &list, "-o", "yaml"],
        &[&sed(r#"s/^    b: two/    b: three/"#)],
    );
    t.same_objects("cm");
}

#[test]
fn invalid_files_are_opened_again() {
    let t = Twin::new("ed-invalid");
    t.setup("create configmap cfg --from-literal=a=1");
    t.setup("create deployment web --image=nginx");
    // Files show the status: edits start from a finished rollout.
    t.setup("rollout status deploy/web --timeout=120s");
    let broken = "printf 'data: [\\n' >> \"$1\"\n";
    // Broken, then mended.
    same_edit(
        &t,
        &["edit", "cm/cfg"],
        &[broken, &sed(r#"/^data: \[/d; s/^  a: "1"/  a: "2"/"#)],
    );
    // Broken twice the same way: cancelled, the file kept.
    let out = same_edit(&t, &["edit", "cm/cfg"], &[broken]);
    assert!(out
        .stderr
        .contains("A copy of your changes has been stored to"));
    // The server finds it invalid: the reasons come back in the header.
    same_edit(
        &t,
        &["edit", "deploy/web"],
        &[
            &sed("s/^  replicas: 1/  replicas: -1/"),
            &sed("s/^  replicas: -1/  replicas: 2/"),
        ],
    );
    t.setup("rollout status deploy/web --timeout=120s");
    same_edit(
        &t,
        &["edit", "deploy/web"],
        &[&sed("s/^  replicas: 2/  replicas: -1/")],
    );
    // An unknown kind does not map; a renamed object cannot be patched.
    same_edit(
        &t,
        &["edit", "cm/cfg"],
        &[&sed("s/^kind: ConfigMap/kind: Bogus/")],
    );
    same_edit(
        &t,
        &["edit", "cm/cfg"],
        &[&sed("s/^  name: cfg/  name: other/")],
    );
    same_edit(&t, &["edit", "cm/cfg"], &[&sed("s/^  uid: .*/  uid: 42/")]);
    same_edit(
        &t,
        &["edit", "cm/cfg"],
        &[&sed("s/^  uid: .*/  uid: not-it/")],
    );
    same_edit(&t, &["edit", "cm/cfg"], &[&sed("/^apiVersion/d")]);
    // Empty files.
    same_edit(&t, &["edit", "cm/cfg"], &[": > \"$1\"\n"]);
    same_edit(
        &t,
        &["edit", "cm/cfg", "--validate=false"],
        &[": > \"$1\"\n"],
    );
    same_edit(
        &t,
        &["edit", "cm/cfg", "--validate=false"],
        &[broken, &sed(r#"/^data: \[/d; s/^  a: "2"/  a: "3"/"#)],
    );
    t.same_objects("cm,deploy");
}

#[test]
fn strategic_patches_for_built_in_kinds() {
    let t = Twin::new("ed-strategic");
    t.setup("create deployment web --image=nginx --replicas=2");
    t.setup("rollout status deploy/web --timeout=120s");
    same_edit(
        &t,
        &["edit", "deploy/web", "--output-patch"],
        &[&sed("s/- image: nginx$/- image: nginx:1.27/")],
    );
    // The next file shows the status: let the rollout finish first.
    t.setup("rollout status deploy/web --timeout=120s");
    same_edit(
        &t,
        &[
            "edit",
            "deployment.apps/web",
            "--output-patch",
            "--field-manager=ops",
        ],
        &[&sed(
            "s/^      labels:/      annotations:\\n        note: hi\\n      labels:/",
        )],
    );
    t.setup("rollout status deploy/web --timeout=120s");
    same_edit(&t, &["edit", "deploy/web", "--subresource=status"], &[]);
    // A stale resource version: the patch conflicts, the file is kept.
    let out = same_edit(
        &t,
        &["edit", "deploy/web"],
        &[&sed(
            "s/^  resourceVersion: .*/  resourceVersion: \"1\"/; s/^  replicas: 2/  replicas: 3/",
        )],
    );
    assert!(
        out.stderr.contains("to try this update again"),
        "{}",
        out.stderr
    );
    same_edit(&t, &["edit", "deploy/web", "--subresource=bogus"], &[]);
    t.same_objects("deploy");
}

#[test]
fn objects_deleted_or_forbidden_while_editing() {
    let t = Twin::new("ed-gone");
    t.setup("create configmap gone --from-literal=a=1");
    let delete = format!(
        "\"$KUBECTL\" -n \"$NS\" delete configmap gone >/dev/null\n{}",
        sed(r#"s/^  a: "1"/  a: "2"/"#)
    );
    let out = same_edit(&t, &["edit", "cm/gone"], &[&delete]);
    assert!(
        out.stderr.contains("could not be found on the server"),
        "{}",
        out.stderr
    );
    t.same_objects("cm");
    // The limited user reads deployments in default but cannot patch them.
    let name = format!("{}-d", t.b);
    let _deployment = DefaultDeployment::create(&name);
    let words = ["--context", "limited", "edit", "deploy", name.as_str()];
    let change = sed("s/- image: nginx$/- image: nginx:2/");
    let expected = run_edit_in(&t, "default", true, &words, &[&change]);
    let actual = run_edit_in(&t, "default", false, &words, &[&change]);
    assert_same_text(
        "stderr",
        &expected.out.stderr,
        &actual.out.stderr,
        "forbidden edit",
    );
    assert_eq!(expected.out.code, actual.out.code);
    assert!(
        actual.out.stderr.contains("could not be patched"),
        "{}",
        actual.out.stderr
    );
    let _ = Invocation::new(&["-n", "default", "delete", "deployment", &name])
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
}

#[test]
fn merge_patches_for_custom_resources() {
    let crd = Invocation::new(&["apply", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(std::fs::read_to_string(fixture("mutate/widget-crd.yaml")).unwrap())
        .kubectl();
    assert_eq!(crd.code, 0, "{}", crd.stderr);
    let established = Invocation::line(
        "wait --for condition=established --timeout=60s crd/widgets.mutate.kuddle.test",
    )
    .kubeconfig(cluster_kubeconfig())
    .kubectl();
    assert_eq!(established.code, 0, "{}", established.stderr);
    let t = Twin::new("ed-crd");
    t.setup_manifest(&std::fs::read_to_string(fixture("mutate/widget.yaml")).unwrap());
    let out = same_edit(
        &t,
        &[
            "edit",
            "widgets.mutate.kuddle.test/gadget",
            "--output-patch",
        ],
        &[&sed("s/^  replicas: 1/  replicas: 4\\n  color: blue/")],
    );
    assert!(out.stdout.starts_with("Patch: {\"spec\""), "{}", out.stdout);
    same_edit(
        &t,
        &["edit", "widgets.mutate.kuddle.test/gadget"],
        &[&sed("s/^kind: Widget/kind: Gizmo/")],
    );
    t.same_objects("widgets.mutate.kuddle.test");
}

/// A run in a namespace other than the twins'.
fn run_edit_in(t: &Twin, ns: &str, kubectl: bool, words: &[&str], steps: &[&str]) -> Edited {
    run_edit(t, ns, kubectl, words, steps, EditorVar::KubeEditor)
}

#[test]
fn bad_input() {
    let t = Twin::new("ed-bad");
    t.setup("create configmap cfg --from-literal=a=1");
    let version = || t.kubectl_in(&t.b, "get cm cfg -o jsonpath={.metadata.resourceVersion}");
    let before = version();
    for words in [
        vec!["edit"],
        vec!["edit", "cm/nope"],
        vec!["edit", "cm", "cfg", "nope"],
        vec!["edit", "bogus/x"],
        vec!["edit", "cm/cfg", "-o", "name"],
        vec!["edit", "cm/cfg", "-o", "bogus"],
        vec!["edit", "cm/cfg", "-l", "a=b"],
        vec!["edit", "cm/cfg", "--validate=maybe"],
        vec!["edit", "-f", "/nonexistent.yaml"],
        vec!["edit", "cm", "-l"],
    ] {
        same_edit(&t, &words, &[]);
    }
    // Nothing was written.
    assert_eq!(version(), before);
    t.same_objects("cm");
}

#[test]
fn last_applied_annotations() {
    let t = Twin::new("ed-applied");
    t.setup_manifest(&std::fs::read_to_string(fixture("edit/list.yaml")).unwrap());
    t.setup("create configmap plain");
    same_edit(&t, &["apply", "edit-last-applied", "cm/first"], &[]);
    same_edit(
        &t,
        &["apply", "edit-last-applied", "cm/first"],
        &[&sed(r#"s/^  a: "1"/  a: "9"/"#)],
    );
    same_edit(
        &t,
        &[
            "apply",
            "edit-last-applied",
            "cm",
            "first",
            "second",
            "-o",
            "json",
        ],
        &[&sed(r#"s/"b": "2"/"b": "8"/"#)],
    );
    same_edit(&t, &["apply", "edit-last-applied", "cm/plain"], &[]);
    same_edit(
        &t,
        &[
            "apply",
            "edit-last-applied",
            "cm/second",
            "--windows-line-endings",
        ],
        &[
            "printf 'data: [\\n' >> \"$1\"\n",
            &sed(r#"/^data: \[/d; s/^  b: "8"/  b: "7"/"#),
        ],
    );
    same_edit(&t, &["apply", "edit-last-applied", "cm/nope"], &[]);
    t.same_objects("cm");
}
