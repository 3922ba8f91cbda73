//! The discovery cache kuddle writes after a cold start (in the background,
//! while the command goes on) is whole when the process ends, and kubectl
//! reads it as its own.

mod common;
use common::cluster::cluster_kubeconfig;
use common::*;

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &std::path::Path) -> Vec<String> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn a_cold_start_leaves_a_whole_cache_kubectl_reads() {
    let root = std::env::temp_dir().join(format!("kuddle-discovery-cache-{}", std::process::id()));
    let (ours, theirs) = (root.join("kuddle"), root.join("kubectl"));
    let run = |dir: &std::path::Path, words: &[&str], kuddle: bool| {
        let mut args: Vec<String> = vec!["--cache-dir".into(), dir.display().to_string()];
        args.extend(words.iter().map(|w| w.to_string()));
        let inv = Invocation::new(&args).kubeconfig(cluster_kubeconfig());
        let out = if kuddle { inv.kuddle() } else { inv.kubectl() };
        assert_eq!(out.code, 0, "{words:?}: {}", out.stderr);
        out.stdout
    };
    let expected = run(
        &theirs,
        &["get", "namespace", "default", "-o", "name"],
        false,
    );
    assert_eq!(
        run(&ours, &["get", "namespace", "default", "-o", "name"], true),
        expected
    );
    // The same discovery files as kubectl's (kubectl's HTTP cache aside),
    // each whole: written before the process ended.
    let written = files(&ours.join("discovery"));
    assert!(
        written.iter().any(|f| f.ends_with("/servergroups.json")),
        "{written:?}"
    );
    assert!(
        written
            .iter()
            .any(|f| f.ends_with("/apps/v1/serverresources.json")),
        "{written:?}"
    );
    assert_eq!(written, files(&theirs.join("discovery")));
    for file in &written {
        let text = std::fs::read(ours.join("discovery").join(file)).expect("cache file");
        assert!(
            serde_json::from_slice::<serde_json::Value>(&text).is_ok(),
            "{file} is not whole"
        );
    }
    // kubectl resolves names from kuddle's cache as from its own.
    let line = ["api-resources", "--api-group=apps", "-o", "name"];
    assert_eq!(run(&ours, &line, false), run(&theirs, &line, false));

    // A refresh (api-resources always asks the server) renews the age of
    // the files it finds unchanged and rewrites the ones that differ.
    run(&ours, &["api-resources", "-o", "name"], true);
    let file = |suffix: &str| {
        ours.join("discovery")
            .join(written.iter().find(|f| f.ends_with(suffix)).unwrap())
    };
    let (apps, core) = (
        file("/apps/v1/serverresources.json"),
        file("/v1/serverresources.json"),
    );
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .append(true)
        .open(&apps)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let unchanged = std::fs::read(&apps).unwrap();
    std::fs::write(&core, b"{\"cut off").unwrap();
    run(&ours, &["api-resources", "-o", "name"], true);
    let age = std::fs::metadata(&apps)
        .unwrap()
        .modified()
        .unwrap()
        .elapsed();
    assert!(
        age.as_ref()
            .is_ok_and(|a| *a < std::time::Duration::from_secs(600)),
        "not renewed: {age:?}"
    );
    assert!(
        std::fs::read(&apps).unwrap() == unchanged,
        "apps/v1 changed"
    );
    let text = std::fs::read(&core).unwrap();
    assert!(
        serde_json::from_slice::<serde_json::Value>(&text).is_ok(),
        "v1 not rewritten"
    );
    let _ = std::fs::remove_dir_all(&root);
}
