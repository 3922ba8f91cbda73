//! The discovery cache kuddle writes after a cold start (handed to a helper
//! process that writes it after the command) ends up whole, and kubectl
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

/// Waits up to 20 s for `done` (the cache's writer outlives the command).
fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_cold_start_leaves_a_whole_cache_kubectl_reads() {
    let root =
        common::scratch_root().join(format!("kuddle-discovery-cache-{}", std::process::id()));
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
    // each whole; servergroups.json, written last, says the rest is there.
    eventually("servergroups.json written", || {
        files(&ours.join("discovery"))
            .iter()
            .any(|f| f.ends_with("/servergroups.json"))
    });
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
    let groups = ours.join("discovery").join(
        written
            .iter()
            .find(|f| f.ends_with("/servergroups.json"))
            .unwrap(),
    );
    let modified = || std::fs::metadata(&groups).and_then(|m| m.modified()).ok();
    let before = modified();
    std::thread::sleep(std::time::Duration::from_millis(20));
    run(&ours, &["api-resources", "-o", "name"], true);
    // servergroups.json, renewed last, says this refresh is finished.
    eventually("the refresh finished", || modified() > before);
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
    let renewed = || {
        std::fs::metadata(&apps)
            .and_then(|m| m.modified())
            .is_ok_and(|t| {
                t.elapsed()
                    .is_ok_and(|a| a < std::time::Duration::from_secs(600))
            })
    };
    let rewritten = || {
        std::fs::read(&core)
            .is_ok_and(|text| serde_json::from_slice::<serde_json::Value>(&text).is_ok())
    };
    eventually("apps/v1 renewed and v1 rewritten", || {
        renewed() && rewritten()
    });
    assert!(
        std::fs::read(&apps).unwrap() == unchanged,
        "apps/v1 changed"
    );
    let _ = std::fs::remove_dir_all(&root);
}
