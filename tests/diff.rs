//! `diff` against the real control plane: kubectl in one namespace, kuddle
//! in its twin, both starting from the same applied objects. The outputs
//! are compared once the temporary folders' random suffixes and the file
//! dates in the headers are masked; and kuddle's own unified diff (used
//! where no diff program is installed) is compared with GNU diff's.

mod common;

use std::path::{Path, PathBuf};

use common::cluster::cluster_kubeconfig;
use common::twin::{mask_output, Twin};
use common::*;
use regex::Regex;

fn path(name: &str) -> String {
    fixture(&format!("diff/{name}")).display().to_string()
}

/// Temporary folder names and GNU diff's header dates.
fn mask(text: &str, ns: &str) -> String {
    let folders = Regex::new(r"/tmp/(LIVE|MERGED)-[0-9]+").unwrap();
    let dates = Regex::new(r"\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4}").unwrap();
    let text = text.replace(ns, "<ns>");
    let text = folders.replace_all(&text, "/tmp/$1-<n>");
    mask_output(&dates.replace_all(&text, "\t<date>"))
}

/// kubectl in `a`, kuddle in `b`, each with `env` on top; kuddle's PATH
/// may be replaced. Returns kuddle's output.
fn same_with(
    t: &Twin,
    words: &[&str],
    env: &[(&str, &str)],
    kuddle_path: Option<&str>,
    stdin: Option<&str>,
) -> Output {
    let prepare = |ns: &str| {
        let mut inv = t.invocation(ns, words);
        for (k, v) in env {
            inv = inv.env(k, v);
        }
        if let Some(data) = stdin {
            inv = inv.stdin(data.as_bytes().to_vec());
        }
        inv
    };
    let expected = prepare(&t.a).kubectl();
    let mut inv = prepare(&t.b);
    if let Some(p) = kuddle_path {
        inv = inv.env("PATH", p);
    }
    let actual = inv.kuddle();
    let context = format!("`{}` {env:?}", words.join(" "));
    assert_same_text(
        "stdout",
        &mask(&expected.stdout, &t.a),
        &mask(&actual.stdout, &t.b),
        &context,
    );
    assert_same_text(
        "stderr",
        &mask(&normalize_stderr(&expected.stderr), &t.a),
        &mask(&normalize_stderr(&actual.stderr), &t.b),
        &context,
    );
    assert_eq!(
        expected.code, actual.code,
        "exit code differs for {context}"
    );
    actual
}

fn same(t: &Twin, line: &str) -> Output {
    same_with(
        t,
        &line.split_whitespace().collect::<Vec<_>>(),
        &[],
        None,
        None,
    )
}

#[test]
fn new_changed_and_unchanged_objects() {
    let t = Twin::new("diff-basic");
    let base = path("base.yaml");
    let changed = path("changed.yaml");
    // Nothing on the server yet: everything is new.
    let out = same(&t, &format!("diff -f {base}"));
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("+kind: Deployment"), "{}", out.stdout);
    t.setup_words(&["apply", "-f", &base]);
    let out = same(&t, &format!("diff -f {base}"));
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    let out = same(&t, &format!("diff -f {changed}"));
    assert!(out.stdout.contains("*** (before)"), "{}", out.stdout);
    for flags in [
        "--show-secrets",
        "--show-managed-fields",
        "--concurrency=3",
        "-l tier=web",
        "-l tier=db",
        "-l tier=none",
        "--field-manager=someone",
        "--server-side",
        "--server-side --force-conflicts",
        "--server-side --field-manager=someone",
        "--server-side --show-managed-fields",
    ] {
        same(&t, &format!("diff -f {changed} {flags}"));
    }
    // Nothing was changed by any of it.
    same(&t, &format!("diff -f {base}"));
    t.same_objects("cm,secret,deploy");
    // Standard input, and a folder.
    let manifest = std::fs::read_to_string(&changed).unwrap();
    same_with(&t, &["diff", "-f", "-"], &[], None, Some(&manifest));
    same(&t, &format!("diff -R -f {}", fixture("diff").display()));
}

#[test]
fn conflicts_for_server_side_diffs() {
    let t = Twin::new("diff-ssa");
    let base = path("base.yaml");
    t.setup_words(&[
        "apply",
        "-f",
        &base,
        "--server-side",
        "--field-manager=other",
    ]);
    let changed = path("changed.yaml");
    same(&t, &format!("diff -f {changed} --server-side"));
    same(
        &t,
        &format!("diff -f {changed} --server-side --force-conflicts"),
    );
    same(&t, &format!("diff -f {changed}"));
}

#[test]
fn objects_prune_would_delete() {
    let t = Twin::new("diff-prune");
    t.setup_words(&["apply", "-f", &path("base.yaml")]);
    let only = path("only-settings.yaml");
    // Without an allowlist kubectl lists namespaces and volumes cluster-wide:
    // a label nothing else on the shared cluster has keeps that to the test.
    for flags in [
        "--prune -l tier=web",
        "--prune -l tier=db",
        "--prune --prune-allowlist=core/v1/Secret",
        "--prune --prune-allowlist=core/v1/Secret --prune-allowlist=apps/v1/Deployment",
        "--prune --prune-allowlist=apps/v1/Deployment --show-secrets --show-managed-fields",
        "--prune --server-side --prune-allowlist=core/v1/ConfigMap",
        "--prune --prune-allowlist=core/v1/Foo",
        "--prune --prune-allowlist=apps/v9/Deployment",
        "--prune --prune-allowlist=foo",
        "--prune-allowlist=foo",
    ] {
        same(&t, &format!("diff -f {only} {flags}"));
    }
    // Pruned objects are shown as they are: secrets unmasked.
    let out = same(
        &t,
        &format!("diff -f {only} --prune --prune-allowlist=core/v1/Secret"),
    );
    assert!(out.stdout.contains(&format!("v1.Secret.{}.creds", t.b)));
    assert!(
        out.stdout.contains("-  password: aHVudGVyMg=="),
        "{}",
        out.stdout
    );
    // A failed visit still lists what would be pruned, then fails.
    let manifest = format!(
        "{}---\napiVersion: example.com/v1\nkind: Nothing\nmetadata:\n  name: x\n",
        std::fs::read_to_string(&only).unwrap()
    );
    same_with(
        &t,
        &[
            "diff",
            "-f",
            "-",
            "--prune",
            "--prune-allowlist=core/v1/Secret",
        ],
        &[],
        None,
        Some(&manifest),
    );
    t.same_objects("cm,secret,deploy");
}

#[test]
fn external_programs() {
    let t = Twin::new("diff-ext");
    let base = path("base.yaml");
    let changed = path("changed.yaml");
    t.setup_words(&["apply", "-f", &base]);
    let words = ["diff", "-f", changed.as_str()];
    for program in [
        "diff -u -N",
        "diff --brief",
        "diff -q $(true) -r",
        "diff  -N -u --label=x",
        "true",
        "false",
        "no-such-diff-program -u",
        "sh -c exit",
        "cmp",
    ] {
        same_with(
            &t,
            &words,
            &[("KUBECTL_EXTERNAL_DIFF", program)],
            None,
            None,
        );
    }
}

#[test]
fn own_unified_diff_where_no_diff_is_installed() {
    let t = Twin::new("diff-own");
    let base = path("base.yaml");
    let changed = path("changed.yaml");
    t.setup_words(&["apply", "-f", &base]);
    // kubectl runs GNU diff; kuddle finds none on its PATH.
    let empty = common::scratch_root().join(format!("kuddle-diff-nopath-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let nopath = empty.display().to_string();
    for file in [&base, &changed] {
        same_with(&t, &["diff", "-f", file], &[], Some(&nopath), None);
    }
    // kubectl fails there; kuddle still diffs.
    let inv = t
        .invocation(&t.a, &["diff", "-f", &changed])
        .env("PATH", &nopath);
    let out = inv.kubectl();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: failed to run \"diff\": executable file not found in $PATH\n"
    );
    assert_eq!(inv.kuddle().code, 1);
}

#[test]
fn bad_input() {
    let t = Twin::new("diff-bad");
    let base = path("base.yaml");
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: elsewhere\n";
    let unknown = "apiVersion: example.com/v1\nkind: Nothing\nmetadata:\n  name: x\n";
    let invalid = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n";
    let no_name = "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n";
    for line in [
        "diff".to_string(),
        format!("diff -f {base} extra words"),
        format!("diff -f {base} --force-conflicts"),
        "diff -f /nonexistent.yaml".to_string(),
        "diff -f /nonexistent.yaml -f /also-missing.yaml".to_string(),
        format!("diff -f {base} --concurrency=x"),
        format!("diff -f {base} --bogus"),
        format!("diff -f {base} --server-side=maybe"),
    ] {
        same(&t, &line);
    }
    for manifest in [other, unknown, invalid, no_name] {
        same_with(&t, &["diff", "-f", "-"], &[], None, Some(manifest));
    }
    // Cluster-scoped objects have an empty namespace in their file name.
    let ns = format!("kuddle-diff-{}", std::process::id());
    let manifest = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n");
    let inv = Invocation::new(&["diff", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(manifest.into_bytes());
    let out = assert_same_with(&inv, &|s| mask(s, "<none>"));
    assert!(out.stdout.contains("/v1.Namespace..kuddle-diff-"));
}

/// GNU diff and kuddle's own diff on the same folders.
fn compare_with_gnu(from: &Path, to: &Path) {
    let gnu = std::process::Command::new("diff")
        .args(["-u", "-N"])
        .arg(from)
        .arg(to)
        .output()
        .expect("GNU diff");
    let mut own = Vec::new();
    let differ = kuddle::printers::unified_diff::diff_dirs(from, to, &mut own).unwrap();
    assert_eq!(gnu.status.code(), Some(differ as i32));
    assert_same_text(
        "unified diff",
        &String::from_utf8_lossy(&gnu.stdout),
        &String::from_utf8_lossy(&own),
        &format!("{} {}", from.display(), to.display()),
    );
}

fn folder(name: &str) -> PathBuf {
    let dir = common::scratch_root().join(format!("kuddle-udiff-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn own_diff_matches_gnu_diff() {
    let (from, to) = (folder("from"), folder("to"));
    let lines: Vec<String> = (0..60).map(|i| format!("line {i}\n")).collect();
    let text = |skip: &[usize], add: &[(usize, &str)]| {
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            for (at, extra) in add {
                if *at == i {
                    out.push_str(extra);
                }
            }
            if !skip.contains(&i) {
                out.push_str(l);
            }
        }
        out
    };
    let cases: Vec<(&str, String, Option<String>)> = vec![
        ("same", text(&[], &[]), Some(text(&[], &[]))),
        ("one", text(&[], &[]), Some(text(&[5], &[]))),
        (
            "near",
            text(&[], &[]),
            Some(text(&[5, 11], &[(8, "new\n")])),
        ),
        (
            "far",
            text(&[], &[]),
            Some(text(&[2, 40], &[(58, "x\ny\n")])),
        ),
        ("start", text(&[], &[]), Some(text(&[0], &[(0, "first\n")]))),
        ("end", text(&[59], &[]), Some(text(&[], &[]))),
        ("gone", text(&[], &[]), None),
        ("empty", String::new(), Some(text(&[], &[]))),
        ("null", "null\n".into(), Some("a: 1\nb: 2\n".into())),
        ("nonl", "a\nb\n".into(), Some("a\nc".into())),
    ];
    for (name, old, new) in &cases {
        std::fs::write(from.join(name), old).unwrap();
        if let Some(new) = new {
            std::fs::write(to.join(name), new).unwrap();
        }
    }
    std::fs::write(to.join("added"), "only\nhere\n").unwrap();
    compare_with_gnu(&from, &to);
    // Real manifests, before and after.
    let (a, b) = (folder("a"), folder("b"));
    std::fs::copy(path("base.yaml"), a.join("m")).unwrap();
    std::fs::copy(path("changed.yaml"), b.join("m")).unwrap();
    compare_with_gnu(&a, &b);
    compare_with_gnu(&b, &a);
    for dir in [from, to, a, b] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A dry-run patch the server forbids: kubectl's patcher names the file,
/// and nothing more (apply's longer form is not diff's).
#[test]
fn forbidden_dry_runs_name_the_file() {
    let name = format!("diff-forbidden-{}", std::process::id());
    let admin = |line: &str| {
        Invocation::new(&line.split_whitespace().collect::<Vec<_>>())
            .kubeconfig(cluster_kubeconfig())
            .kubectl()
    };
    let created = admin(&format!(
        "-n default create deployment {name} --image=nginx"
    ));
    assert_eq!(created.code, 0, "{}", created.stderr);
    let file = common::scratch_root().join(format!("{name}.yaml"));
    std::fs::write(
        &file,
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - {{name: nginx, image: \"nginx:2\"}}\n"
        ),
    )
    .expect("manifest");
    let file = file.display().to_string();
    let out = assert_same(
        &Invocation::new(&["--context", "limited", "-n", "default", "diff", "-f", &file])
            .kubeconfig(cluster_kubeconfig()),
    );
    assert!(out.stderr.contains("error when patching"), "{}", out.stderr);
    let _ = admin(&format!("-n default delete deployment {name} --wait=false"));
}
