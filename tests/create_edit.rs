//! `create -f … --edit`: kuddle's edit-before-create loop
//! (`editor::create_with_edit`, which `create -f` calls) run in-process
//! against the real control plane, compared with `kubectl create --edit`
//! in a twin namespace, with the same scripted editor.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::cluster::cluster_kubeconfig;
use common::twin::{mask_output, Twin};
use common::*;
use kuddle::context::{Context, SharedWriter};
use kuddle::editor::{create_with_edit, CreateEdit};
use kuddle::flags::validate::FieldValidation;
use kuddle::flags::{FilenameFlags, GlobalFlags, PrintFlags};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A fresh editor state: snippet N runs at call N.
fn editor_state(steps: &[&str]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
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

fn kuddle_create_edit(ns: &str, file: &str, print: PrintFlags, steps: &[&str]) -> Output {
    let state = editor_state(steps);
    std::env::set_var("KUBE_EDITOR", fixture("edit/editor.sh"));
    std::env::set_var("EDIT_STATE", &state);
    std::env::set_var("TMPDIR", state.join("tmp"));
    let global = GlobalFlags {
        kubeconfig: Some(cluster_kubeconfig().display().to_string()),
        namespace: Some(ns.to_string()),
        ..Default::default()
    };
    let (out, err) = (Buffer::default(), Buffer::default());
    let mut ctx = Context::new(
        global,
        Box::new(out.clone()),
        SharedWriter::new(Box::new(err.clone())),
        "kuddle create".into(),
    );
    let files = FilenameFlags {
        filenames: vec![file.to_string()],
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(create_with_edit(
        &mut ctx,
        CreateEdit {
            files: &files,
            print: &print,
            validation: FieldValidation::Strict,
            save_config: false,
        },
    ));
    let _ = ctx.out.flush();
    let code = match result {
        Ok(()) => 0,
        Err(e) => kuddle::error::render(&e, &mut ctx.err),
    };
    let _ = std::fs::remove_dir_all(&state);
    Output {
        stdout: out.text(),
        stderr: err.text(),
        code,
    }
}

fn kubectl_create_edit(t: &Twin, ns: &str, file: &str, extra: &[&str], steps: &[&str]) -> Output {
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
        .env("TMPDIR", state.join("tmp").display().to_string())
        .kubectl();
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
    let expected = kubectl_create_edit(t, &t.a, file, &extra, steps);
    let print = PrintFlags {
        output: output.map(str::to_string),
        ..Default::default()
    };
    let actual = kuddle_create_edit(&t.b, file, print, steps);
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
}
