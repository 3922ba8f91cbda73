//! `create -f … --edit`: kuddle's edit-before-create loop against the real
//! control plane, compared with `kubectl create --edit` in a twin
//! namespace, with the same scripted editor.

mod common;

use common::twin::{mask_output, Twin};
use common::*;

/// A fresh editor state: snippet N runs at call N.
fn editor_state(steps: &[&str]) -> std::path::PathBuf {
    let dir = common::scratch_root().join(format!(
        "kuddle-create-edit-{}-{}",
        std::process::id(),
        fastrand::u32(..)
    ));
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    for (i, step) in steps.iter().enumerate() {
        std::fs::write(dir.join((i + 1).to_string()), step).unwrap();
    }
    dir
}

/// `create --edit -f FILE EXTRA…` by kubectl or kuddle, the editor running
/// `steps` one per call.
fn create_edit(
    t: &Twin,
    ns: &str,
    file: &str,
    extra: &[&str],
    steps: &[&str],
    kuddle: bool,
) -> Output {
    let state = editor_state(steps);
    let mut words = vec!["create", "--edit", "-f", file];
    words.extend(extra);
    let out = t
        .invocation(ns, &words)
        .env(
            "KUBE_EDITOR",
            fixture("edit/editor.sh").display().to_string(),
        )
        .env("EDIT_STATE", state.display().to_string())
        .env("TMPDIR", state.join("tmp").display().to_string());
    let out = if kuddle { out.kuddle() } else { out.kubectl() };
    let _ = std::fs::remove_dir_all(&state);
    out
}

fn normalize(text: &str, ns: &str) -> String {
    let text = text.replace(ns, "<ns>");
    let text = regex::Regex::new(r"/\S*/tmp/(kubectl|kuddle)-edit-[0-9]+\.yaml")
        .unwrap()
        .replace_all(&text, "<file>");
    mask_output(&text)
}

fn same(t: &Twin, file: &str, output: Option<&str>, steps: &[&str]) -> Output {
    let extra: Vec<&str> = output.map(|o| vec!["-o", o]).unwrap_or_default();
    let expected = create_edit(t, &t.a, file, &extra, steps, false);
    let actual = create_edit(t, &t.b, file, &extra, steps, true);
    let context = format!("create --edit -f {file} {extra:?}");
    assert_same_text(
        "stdout",
        &normalize(&expected.stdout, &t.a),
        &normalize(&actual.stdout, &t.b),
        &context,
    );
    assert_same_text(
        "stderr",
        &normalize(&expected.stderr, &t.a),
        &normalize(&actual.stderr, &t.b),
        &context,
    );
    assert_eq!(
        expected.code, actual.code,
        "exit code differs for {context}"
    );
    actual
}

#[test]
fn edit_then_create() {
    let t = Twin::new("cr-edit");
    let list = fixture("edit/list.yaml").display().to_string();
    let change_first = "sed -i 's/^  a: \"1\"/  a: \"one\"/' \"$1\"\n";
    // The first object is changed and created; the second is left as it
    // was, which cancels its creation.
    let out = same(&t, &list, None, &[change_first]);
    assert_eq!(out.stdout, "configmap/first created\n");
    assert_eq!(out.stderr, "Edit cancelled, no changes made.\n");
    t.same_objects("cm");
    // Both exist now: creating fails, the edited file is kept.
    let change_both = [
        change_first,
        "sed -i 's/^  b: \"2\"/  b: \"two\"/' \"$1\"\n",
    ];
    let out = same(&t, &list, None, &change_both);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert_eq!(out.code, 1);
    // -o picks the file's format and how results print.
    let plain = fixture("edit/plain.yaml").display().to_string();
    same(
        &t,
        &plain,
        Some("json"),
        &["sed -i 's/\"c\": \"3\"/\"c\": \"4\"/' \"$1\"\n"],
    );
    same(&t, &plain, Some("name"), &[]);
    t.same_objects("cm");
    // --raw posts the file as it is: not together with --edit.
    let words = [
        "create",
        "--edit",
        "-f",
        &plain,
        "--raw",
        "/api/v1/namespaces/x/configmaps",
    ];
    let (theirs, ours) = (
        t.invocation(&t.a, &words).kubectl(),
        t.invocation(&t.b, &words).kuddle(),
    );
    assert_eq!(
        ours.stderr,
        "error: --raw and --edit are mutually exclusive\n"
    );
    assert_eq!((ours.stderr, ours.code), (theirs.stderr, theirs.code));
}
