//! Generated files kept in the repository: the completion scripts in
//! completions/ and the man pages in man/. Each test fails when the files
//! are stale; `KUDDLE_BLESS=1 cargo test --test generated` rewrites them.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

fn blessing() -> bool {
    std::env::var_os("KUDDLE_BLESS").is_some_and(|v| v == "1")
}

/// Compares (or, when blessing, writes) `expected` files in `dir`; files
/// with `extension` that nothing generates are stale too.
fn check_dir(dir: &Path, expected: &BTreeMap<String, String>, extension: Option<&str>) {
    std::fs::create_dir_all(dir).expect("create folder");
    let mut stale = Vec::new();
    for (name, text) in expected {
        let path = dir.join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if &current != text {
            if blessing() {
                std::fs::write(&path, text).expect("write");
            } else {
                stale.push(name.clone());
            }
        }
    }
    if let Some(ext) = extension {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(ext) && !expected.contains_key(&name) {
                if blessing() {
                    std::fs::remove_file(dir.join(&name)).expect("remove");
                } else {
                    stale.push(format!("{name} (no such command)"));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale files in {}: {stale:?}\nregenerate with: KUDDLE_BLESS=1 cargo test --test generated",
        dir.display()
    );
}

#[test]
fn completion_scripts_are_current() {
    let mut expected = BTreeMap::new();
    for (shell, file) in [
        ("bash", "kuddle.bash"),
        ("zsh", "_kuddle"),
        ("fish", "kuddle.fish"),
        ("powershell", "kuddle.ps1"),
    ] {
        let out = Invocation::new(&["completion", shell]).kuddle();
        assert_eq!(out.code, 0, "kuddle completion {shell}: {}", out.stderr);
        expected.insert(file.to_string(), out.stdout);
    }
    check_dir(&repo_root().join("completions"), &expected, None);
}

#[test]
fn man_pages_are_current() {
    let expected: BTreeMap<String, String> = kuddle::man::pages().into_iter().collect();
    check_dir(&repo_root().join("man"), &expected, Some(".1"));
}

/// Every page renders without groff warnings.
#[test]
fn man_pages_render_cleanly() {
    let dir = repo_root().join("man");
    let mut pages: Vec<_> = kuddle::man::pages().into_iter().map(|(n, _)| n).collect();
    pages.sort();
    assert!(!pages.is_empty());
    for name in pages {
        let path = dir.join(&name);
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path)
            .output()
            .expect("groff is missing: run scripts/test-deps");
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && warnings.is_empty(),
            "groff warns about {name}:\n{warnings}"
        );
    }
}
