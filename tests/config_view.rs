//! `config view` and kubeconfig loading, compared with kubectl 1.37.1 on the
//! fixtures in tests/fixtures/kubeconfig/.

mod common;
use common::*;

use std::path::{Path, PathBuf};

fn fx(name: &str) -> String {
    fixture("kubeconfig").join(name).display().to_string()
}

fn view(args: &[&str]) -> Invocation {
    let mut words = vec!["config", "view"];
    words.extend_from_slice(args);
    Invocation::new(&words)
}

/// kubectl prints Go pointers in one duplicate-name error; addresses differ.
fn mask_pointers(text: &str) -> String {
    let re = regex::Regex::new(r"0x[0-9a-f]{6,}").unwrap();
    re.replace_all(text, "0xPTR").into_owned()
}

const VALID: &[&str] = &[
    "basic.yaml",
    "second.yaml",
    "no-current.yaml",
    "exec.yaml",
    "extensions.yaml",
    "impersonation.yaml",
    "names.yaml",
    "empty.yaml",
    "comment-only.yaml",
    "flow.json",
    "yaml11.yaml",
    "anchors.yaml",
    "unknown-fields.yaml",
    "minify-cases.yaml",
    "dangling-current.yaml",
    "flow-colons.yaml",
    "flow-tags.yaml",
    "relative/config",
];

#[test]
fn json_output_of_each_fixture() {
    for name in VALID {
        assert_same(&view(&["-o", "json"]).kubeconfig(fx(name)));
        assert_same(&view(&["-o", "json", "--raw"]).kubeconfig(fx(name)));
    }
}

/// Needs the go-yaml compatible emitter (src/printers/yaml.rs).
#[test]
fn yaml_output_of_each_fixture() {
    for name in VALID {
        assert_same(&view(&[]).kubeconfig(fx(name)));
        assert_same(&view(&["--raw"]).kubeconfig(fx(name)));
    }
    // The empty config, from a missing file or from nothing at all.
    assert_same(&view(&["--kubeconfig", &fx("does-not-exist.yaml")]));
    assert_same(&view(&[]));
    assert_same(&view(&["--output=yaml", "--minify", "--flatten"]).kubeconfig(fx("basic.yaml")));
    assert_same(&view(&[]).env(
        "KUBECONFIG",
        format!("{}:{}", fx("second.yaml"), fx("basic.yaml")),
    ));
}

#[test]
fn explicit_kubeconfig_flag() {
    let path = fx("basic.yaml");
    assert_same(&view(&["--kubeconfig", &path, "-o", "json"]));
    assert_same(&view(&[
        "--kubeconfig",
        &path,
        "--merge=false",
        "-o",
        "json",
    ]));
    // Only the flag's file is read, KUBECONFIG is ignored.
    assert_same(&view(&["--kubeconfig", &path, "-o", "json"]).env("KUBECONFIG", fx("second.yaml")));
}

#[test]
fn missing_and_empty_sources() {
    let missing = fx("does-not-exist.yaml");
    // A missing --kubeconfig is an empty config for config view...
    assert_same(&view(&["--kubeconfig", &missing, "-o", "json"]));
    // ...but an error when the file is read directly.
    assert_same(&view(&["--kubeconfig", &missing, "--merge=false"]));
    assert_same(&view(&["--merge=false"]));
    assert_same(&view(&["--merge=false"]).env("KUBECONFIG", fx("basic.yaml")));
    // No kubeconfig anywhere.
    assert_same(&view(&["-o", "json"]));
    assert_same(&view(&["-o", "json"]).env("KUBECONFIG", ""));
    assert_same(&view(&["-o", "json"]).env("KUBECONFIG", "::"));
    assert_same(&view(&["-o", "json"]).env("KUBECONFIG", format!("{missing}:{missing}2")));
    // A folder is not a file.
    assert_same(&view(&[]).kubeconfig(fx("relative")));
    assert_same(&view(&["--kubeconfig", &fx("relative"), "--merge=false"]));
}

#[test]
fn kubeconfig_lists_merge_first_wins() {
    let (basic, second, none) = (fx("basic.yaml"), fx("second.yaml"), fx("no-current.yaml"));
    let missing = fx("does-not-exist.yaml");
    for list in [
        format!("{basic}:{second}"),
        format!("{second}:{basic}"),
        format!("{none}:{second}:{basic}"),
        format!("{missing}:{basic}::{second}:{basic}"),
        format!("{basic}:{basic}"),
        format!("{none}:{none}"),
        format!("{}:{basic}", fx("extensions.yaml")),
        format!("{}:{}", fx("empty.yaml"), fx("exec.yaml")),
    ] {
        assert_same(&view(&["-o", "json", "--raw"]).env("KUBECONFIG", &list));
        assert_same(&view(&["-o", "json", "--minify"]).env("KUBECONFIG", &list));
    }
}

#[test]
fn home_file_is_the_default() {
    let inv = view(&["-o", "json"]);
    let home = PathBuf::from(&inv.env["HOME"]);
    std::fs::create_dir_all(home.join(".kube")).unwrap();
    std::fs::copy(fx("basic.yaml"), home.join(".kube/config")).unwrap();
    assert_same(&inv);
}

#[test]
fn old_home_file_is_migrated() {
    // Each program gets its own HOME holding only ~/.kube/.kubeconfig.
    let prepare = || {
        let inv = view(&["-o", "json"]);
        let home = PathBuf::from(&inv.env["HOME"]);
        std::fs::create_dir_all(home.join(".kube")).unwrap();
        std::fs::copy(fx("second.yaml"), home.join(".kube/.kubeconfig")).unwrap();
        (inv, home)
    };
    let (for_kubectl, _) = prepare();
    let (for_kuddle, home) = prepare();
    let expected = for_kubectl.kubectl();
    let actual = for_kuddle.kuddle();
    assert_eq!(expected, actual);
    assert!(home.join(".kube/config").exists());
}

#[test]
fn minify() {
    let basic = fx("basic.yaml");
    for args in [
        &["--minify", "-o", "json"][..],
        &["--minify", "--raw", "-o", "json"],
        &["--minify", "--context", "dev", "-o", "json"],
        // --context alone changes nothing.
        &["--context", "dev", "-o", "json"],
        &["--minify", "--context", "nope"],
    ] {
        assert_same(&view(args).kubeconfig(&basic));
    }
    let cases = fx("minify-cases.yaml");
    for args in [
        &["--minify", "-o", "json"][..],
        &["--minify", "--context", "missing-cluster"],
        &["--minify", "--context", "missing-user"],
    ] {
        assert_same(&view(args).kubeconfig(&cases));
    }
    assert_same(&view(&["--minify"]).kubeconfig(fx("no-current.yaml")));
    assert_same(&view(&["--minify"]).kubeconfig(fx("empty.yaml")));
    assert_same(&view(&["--minify", "-o", "json"]).kubeconfig(fx("names.yaml")));
}

#[test]
fn flatten_inlines_files_relative_to_their_kubeconfig() {
    let fixtures = fixture("");
    // A relative KUBECONFIG path, run from another folder.
    let rel = "kubeconfig/relative/config";
    for args in [
        &["--flatten", "-o", "json"][..],
        &["--flatten", "--minify", "-o", "json"],
        &["--flatten", "--minify", "--context", "both"],
        &["-o", "json"],
    ] {
        assert_same(&view(args).env("KUBECONFIG", rel).cwd(&fixtures));
    }
    assert_same(
        &view(&[
            "--flatten",
            "--merge=false",
            "-o",
            "json",
            "--kubeconfig",
            rel,
        ])
        .cwd(&fixtures),
    );
    assert_same(&view(&["--flatten", "-o", "json"]).kubeconfig(fx("basic.yaml")));
    assert_same(&view(&["--flatten"]).kubeconfig(fx("missing-file-ref.yaml")));
    assert_same(
        &view(&["--flatten", "-o", "json"])
            .kubeconfig(fx("unknown-fields.yaml"))
            .cwd(Path::new("/")),
    );
}

#[test]
fn output_formats_and_arguments() {
    let basic = fx("basic.yaml");
    for args in [
        &["-o", "name"][..],
        &["-o", ""],
        &["-o", "bogus"],
        &["unexpected"],
        &["a", "b"],
        &["--merge=maybe"],
        &["--raw=nope"],
    ] {
        assert_same(&view(args).kubeconfig(&basic));
    }
    assert_same(&Invocation::new(&["config", "bogus"]).kubeconfig(&basic));
}

#[test]
fn malformed_files_fail_in_kubectl_words() {
    for dir in ["broken", "types"] {
        let mut files: Vec<_> = std::fs::read_dir(fixture("kubeconfig").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() > 10);
        for file in files {
            let path = file.display().to_string();
            assert_same_with(&view(&["-o", "json"]).kubeconfig(&path), &mask_pointers);
            assert_same_with(
                &view(&["-o", "json", "--merge=false", "--kubeconfig", &path]),
                &mask_pointers,
            );
        }
    }
}

#[test]
fn several_broken_files_are_all_reported() {
    let list = format!(
        "{}:{}:{}",
        fx("broken/tab.yaml"),
        fx("basic.yaml"),
        fx("types/server-number.yaml")
    );
    assert_same(&view(&[]).env("KUBECONFIG", &list));
}

#[test]
fn jsonpath_output() {
    let jsonpath_fixture = fixture("jsonpath/kubeconfig.yaml").display().to_string();
    for file in [
        jsonpath_fixture,
        fx("basic.yaml"),
        fx("exec.yaml"),
        fx("extensions.yaml"),
    ] {
        for template in [
            "jsonpath={.current-context}",
            "jsonpath={.clusters[*].name}",
            "jsonpath={.users[*].user}",
            "jsonpath={range .contexts[*]}{.name}{\"\\t\"}{.context.namespace}{\"\\n\"}{end}",
            "jsonpath={.extensions}",
            "jsonpath={.preferences}",
            "jsonpath-as-json={.clusters[*].cluster}",
            "jsonpath={.users[0].user.exec.args[9]}",
        ] {
            assert_same(&view(&["-o", template]).kubeconfig(&file));
            assert_same(&view(&["-o", template, "--raw"]).kubeconfig(&file));
        }
        assert_same(&view(&["-o", "jsonpath", "--template", "{.kind}"]).kubeconfig(&file));
        assert_same(
            &view(&[
                "-o",
                "jsonpath={.nope}",
                "--allow-missing-template-keys=false",
            ])
            .kubeconfig(&file),
        );
    }
}
