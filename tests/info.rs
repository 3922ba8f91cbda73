//! The cluster information verbs against the real control plane, compared
//! with kubectl 1.37.1: `version`, `api-versions`, `cluster-info`,
//! `cluster-info dump` and `events`.
//!
//! Live state moves between the two runs (resource versions, node
//! heartbeats, ages), so those are masked; everything else must match.

mod common;
use std::time::Duration;

use common::cluster::{cluster_kubeconfig, namespace};
use common::twin::mask_output;
use common::*;
use serde_json::Value;

fn on_cluster(words: &[&str]) -> Invocation {
    Invocation::new(words).kubeconfig(cluster_kubeconfig())
}

/// A fresh namespace, deleted (without waiting) when the test ends.
struct Scratch(String);

impl Scratch {
    fn new(prefix: &str) -> Scratch {
        Scratch(namespace(prefix))
    }
}

impl std::ops::Deref for Scratch {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = on_cluster(&["delete", "namespace", &self.0, "--wait=false"]).kubectl();
    }
}

fn kubectl_ok(ns: &str, line: &str) -> String {
    let mut words = vec!["-n", ns];
    words.extend(line.split_whitespace());
    let out = on_cluster(&words).kubectl();
    assert_eq!(out.code, 0, "setup `{line}` failed: {}", out.stderr);
    out.stdout
}

/// Both programs, masking what the server stamps (resource versions, times,
/// uids) and what ticks (ages).
fn same_masked(words: &[&str]) -> Output {
    assert_same_with(&on_cluster(words), &|s| normalize_ages(&mask_output(s)))
}

/// Retries a comparison of live state a few times: what the two programs
/// saw may differ when something changed between their runs.
fn eventually_same(words: &[&str]) {
    for _ in 0..4 {
        let inv = on_cluster(words);
        let (a, b) = (inv.kubectl(), inv.kuddle());
        let norm = |s: &str| normalize_ages(&mask_output(s));
        if norm(&a.stdout) == norm(&b.stdout)
            && norm(&normalize_stderr(&a.stderr)) == norm(&normalize_stderr(&b.stderr))
            && a.code == b.code
        {
            return;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    same_masked(words);
}

#[test]
fn version_reports_the_server_as_kubectl_and_itself_in_kubectls_layout() {
    let json = |out: &Output| -> Value {
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).expect("version json")
    };
    let inv = on_cluster(&["version", "-o", "json"]);
    let (a, b) = (json(&inv.kubectl()), json(&inv.kuddle()));
    assert_eq!(a["serverVersion"], b["serverVersion"]);
    let keys = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    // Every client field kubectl prints, in its order.
    assert_eq!(keys(&a["clientVersion"]), keys(&b["clientVersion"]));
    assert_eq!(b["clientVersion"]["major"], "1");
    assert_eq!(b["clientVersion"]["minor"], "37");
    let git_version = b["clientVersion"]["gitVersion"].as_str().unwrap_or("");
    assert!(git_version.starts_with("v1.37.1+kuddle."), "{git_version}");
    assert!(b.get("kustomizeVersion").is_none());

    // The text form: the same server line, no skew warning.
    let text = on_cluster(&["version"]).kuddle();
    assert_eq!(text.code, 0);
    assert_eq!(text.stderr, "");
    let server_line = on_cluster(&["version"])
        .kubectl()
        .stdout
        .lines()
        .find(|l| l.starts_with("Server Version:"))
        .map(str::to_string);
    assert_eq!(
        text.stdout,
        format!(
            "Client Version: {git_version}\n{}\n",
            server_line.unwrap_or_default()
        )
    );

    // YAML: the same server block.
    let yaml = on_cluster(&["version", "-o", "yaml"]);
    let server_block = |s: &str| s[s.find("serverVersion:").unwrap_or(0)..].to_string();
    assert_eq!(
        server_block(&yaml.kubectl().stdout),
        server_block(&yaml.kuddle().stdout)
    );
    let client = on_cluster(&["version", "--client", "-o", "yaml"]).kuddle();
    assert!(client.stdout.starts_with("clientVersion:\n  buildDate: "));
    assert!(client.stdout.ends_with("\n\n"), "{:?}", client.stdout);
}

#[test]
fn version_errors_as_kubectl() {
    for line in [
        "version -o xml",
        "version extra",
        "version --client extra -o xml",
        "version --context nope",
        "version --output",
    ] {
        same_masked(&line.split_whitespace().collect::<Vec<_>>());
    }
    // No server at all: the client line, then kubectl's connection error.
    let inv = Invocation::line("version").env("KUBECONFIG", "/nonexistent-kubeconfig");
    let (a, b) = (inv.kubectl(), inv.kuddle());
    assert_eq!(a.code, b.code);
    assert_eq!(normalize_stderr(&a.stderr), normalize_stderr(&b.stderr));
    assert!(b.stdout.starts_with("Client Version: v1.37.1+kuddle."));
}

#[test]
fn api_versions_sorted() {
    same_masked(&["api-versions"]);
    same_masked(&["api-versions", "extra"]);
    same_masked(&["api-versions", "--context", "limited"]);
}

#[test]
fn cluster_info_lists_labelled_services() {
    let ns = Scratch::new("info-ci");
    kubectl_ok(&ns, "create service clusterip web --tcp=80:8080");
    kubectl_ok(&ns, "create service clusterip secure --tcp=443:8443");
    kubectl_ok(&ns, "create service clusterip plain --tcp=8080");
    for svc in ["web", "secure", "plain"] {
        kubectl_ok(
            &ns,
            &format!("label svc {svc} kubernetes.io/cluster-service=true"),
        );
    }
    kubectl_ok(&ns, "label svc secure kubernetes.io/name=Secure-Service");
    kubectl_ok(&ns, "create service clusterip hidden --tcp=81");
    for line in [
        format!("cluster-info -n {ns}"),
        "cluster-info".to_string(),
        "cluster-info extra words".to_string(),
        "cluster-info -n no-such-namespace".to_string(),
        "cluster-info --context limited".to_string(),
        "cluster-info --context nope".to_string(),
    ] {
        same_masked(&line.split_whitespace().collect::<Vec<_>>());
    }
}

fn pods_and_workloads(ns: &str) {
    kubectl_ok(ns, "run solo --image=nginx");
    kubectl_ok(ns, "create deployment web --image=nginx --replicas=2");
    kubectl_ok(ns, "create service clusterip web --tcp=80");
    kubectl_ok(ns, "wait --for=condition=Ready pod --all --timeout=90s");
}

#[test]
fn cluster_info_dump_to_stdout_and_to_a_folder() {
    let ns = Scratch::new("info-dump");
    pods_and_workloads(&ns);
    let empty = Scratch::new("info-dump-empty");
    let both = format!("{ns},{empty}");
    for line in [
        format!("cluster-info dump --namespaces {ns}"),
        format!("cluster-info dump --namespaces {both} -o yaml"),
        format!("cluster-info dump --namespaces {ns} -o kyaml"),
        format!("cluster-info dump -n {ns}"),
        format!("cluster-info dump --namespaces {ns} --show-managed-fields"),
        format!("cluster-info dump --namespaces {ns} -o jsonpath={{.kind}}:{{range.items[*]}}{{.metadata.name}},{{end}}"),
        format!("cluster-info dump --namespaces {ns} --output-directory -"),
        "cluster-info dump -o name".to_string(),
        "cluster-info dump -o wide".to_string(),
        "cluster-info dump --pod-running-timeout=0".to_string(),
        "cluster-info dump --pod-running-timeout=soon".to_string(),
        "cluster-info dump --context limited".to_string(),
    ] {
        eventually_same(&line.split_whitespace().collect::<Vec<_>>());
    }

    // Into folders: the same tree, modes and (masked) contents.
    let root = common::scratch_root().join(format!("kuddle-dump-{}", std::process::id()));
    let (dir_a, dir_b) = (root.join("a"), root.join("b"));
    for (dir, kuddle) in [(&dir_a, false), (&dir_b, true)] {
        let inv = on_cluster(&[
            "cluster-info",
            "dump",
            "--namespaces",
            &both,
            "-o",
            "yaml",
            "--output-directory",
            &dir.display().to_string(),
        ]);
        let out = if kuddle { inv.kuddle() } else { inv.kubectl() };
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            out.stdout.replace(&dir.display().to_string(), "<dir>"),
            "Cluster info dumped to <dir>\n"
        );
    }
    let tree = |dir: &std::path::Path| -> Vec<(String, u32, String)> {
        use std::os::unix::fs::PermissionsExt;
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("read dir") {
                let path = entry.expect("entry").path();
                let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                if path.is_dir() {
                    stack.push(path.clone());
                    out.push((rel, mode, String::new()));
                } else {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    out.push((rel, mode, mask_output(&text)));
                }
            }
        }
        out.sort();
        out
    };
    let (a, b) = (tree(&dir_a), tree(&dir_b));
    let names = |t: &[(String, u32, String)]| -> Vec<(String, u32)> {
        t.iter().map(|(n, m, _)| (n.clone(), *m)).collect()
    };
    assert_eq!(names(&a), names(&b));
    for ((name, _, x), (_, _, y)) in a.iter().zip(b.iter()) {
        // Node heartbeats move between the runs; the namespaces do not.
        if name != "nodes.yaml" {
            assert_same_text(name, x, y, "dump folder");
        }
    }
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn events_table_filters_and_printers() {
    let ns = Scratch::new("info-events");
    pods_and_workloads(&ns);
    kubectl_ok(&ns, "scale deployment web --replicas=1");
    let quiet = Scratch::new("info-events-none");
    for line in [
        format!("events -n {ns}"),
        format!("events -n {ns} --no-headers"),
        format!("events -n {ns} --types=Normal"),
        format!("events -n {ns} --types=warning,NORMAL"),
        format!("events -n {ns} --types=Warning"),
        format!("events -n {ns} --for pod/solo"),
        format!("events -n {ns} --for Deployment/web"),
        format!("events -n {ns} --for deployments.apps/web"),
        format!("events -n {ns} --for deployments.v1.apps/web"),
        format!("events -n {ns} --chunk-size=1"),
        format!("events -n {ns} -o json"),
        format!("events -n {ns} -o yaml"),
        format!("events -n {ns} -o kyaml"),
        format!("events -n {ns} -o name"),
        format!("events -n {ns} -o jsonpath={{.items[*].reason}}"),
        format!("events -n {ns} -o jsonpath={{.items[99].reason}}"),
        format!("events -n {ns} --show-managed-fields -o json"),
        format!("events -n {ns} ignored words"),
        format!("events -n {quiet}"),
        format!("events -n {quiet} -o json"),
        format!("events -n {ns} --types=Bogus"),
        // An empty list filters nothing; an empty name or resource does not
        // filter either, or is the mapper's complaint.
        format!("events -n {ns} --types="),
        format!("events -n {ns} --types=Normal,"),
        format!("events -n {ns} --for pod/"),
        format!("events -n {ns} --for /x"),
        // `ev` is also events.events.k8s.io: kubectl's warning.
        format!("events -n {ns} --for ev/x"),
        format!("events -n {ns} --for pod"),
        format!("events -n {ns} --for a/b/c"),
        format!("events -n {ns} --for nothing/x"),
        format!("events -n {ns} -o bogus"),
        format!("events -n {ns} --chunk-size=x"),
        "events --context limited -n default".to_string(),
        "events -A --context limited".to_string(),
    ] {
        eventually_same(&line.split_whitespace().collect::<Vec<_>>());
    }
}

#[test]
fn events_watch_until_the_request_times_out() {
    let ns = Scratch::new("info-events-watch");
    pods_and_workloads(&ns);
    for extra in [
        "",
        "-o json",
        "-o name",
        "--types=Warning",
        "--for deploy/web",
    ] {
        let mut words = vec!["events", "-n", &*ns, "-w", "--request-timeout=4s"];
        words.extend(extra.split_whitespace());
        eventually_same(&words);
    }
}

fn same_explain(words: &[&str]) {
    let mut all = vec!["explain"];
    all.extend_from_slice(words);
    assert_same(&on_cluster(&all));
}

#[test]
fn explain_built_in_kinds_and_fields() {
    for line in [
        "pods",
        "po.spec",
        "pods.spec.containers",
        "pods.spec.containers.ports",
        "pods.spec.containers.ports.containerPort",
        "pods.spec.containers.resources.limits",
        "pods.metadata.labels",
        "pods.metadata.managedFields",
        "pods.status.conditions",
        "pods --recursive",
        "pods.spec.volumes --recursive --max-depth=1",
        "pods -R --max-depth=2",
        "pods --recursive=false",
        "svc.spec.ports.targetPort",
        "nodes.spec.taints.effect",
        "deployments.apps",
        "deployment.apps",
        "deploy.spec.template --recursive",
        "events.events.k8s.io",
        "hpa",
        "hpa --api-version=autoscaling/v1",
        "horizontalpodautoscalers.v2.autoscaling.spec.metrics",
        "crd.spec.versions.schema.openAPIV3Schema --recursive",
        "jobs.spec.template.spec.containers.env.valueFrom",
        "ingresses.spec.rules.http.paths.pathType",
        "pods..spec",
        "pods.spec.",
        "pods -oplaintext",
        "pods -o plaintext-openapiv2",
        "pods.spec.containers -o plaintext-openapiv2",
        "pods.spec.containers.name -o plaintext-openapiv2",
        "deploy --recursive -o plaintext-openapiv2",
        "crd --recursive --output=plaintext-openapiv2",
        "svc.spec.ports.targetPort -o plaintext-openapiv2",
        "pods --context limited",
    ] {
        same_explain(&line.split_whitespace().collect::<Vec<_>>());
    }
}

#[test]
fn explain_errors_as_kubectl() {
    for line in [
        "",
        "pods svc",
        "nope",
        "nope.spec",
        "pods.spec.nope",
        "pods.spec.nope --recursive",
        "pods.spec.containers.name.x",
        "pods[0]",
        "pods.spec[0]",
        "pods.spec[0] --api-version=v1",
        "pods --api-version=v2",
        "pods --api-version=apps/v1",
        "pods --api-version=a/b/c",
        "pods -o yaml",
        "pods -o",
        "pods --max-depth=1",
        "pods --recursive --max-depth=-1",
        "pods --max-depth=x",
        "pods.spec.nope -o plaintext-openapiv2",
        "pods -o plaintext-openapiv2 --api-version=v9",
        "deploy -o plaintext-openapiv2 --api-version=apps/v9",
        "pods --context nope",
    ] {
        same_explain(&line.split_whitespace().collect::<Vec<_>>());
    }
}

/// A CRD made from tests/fixtures/explain/widgets-crd.yaml with a random
/// suffix in its names, deleted when dropped.
struct Crd {
    suffix: String,
}

impl Crd {
    fn create() -> Crd {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let suffix = format!("{}{nanos}", std::process::id());
        let manifest = std::fs::read_to_string(fixture("explain/widgets-crd.yaml"))
            .expect("crd manifest")
            .replace('@', &suffix);
        let crd = Crd { suffix };
        let out = on_cluster(&["apply", "-f", "-"]).stdin(manifest).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let wait = on_cluster(&["wait", "--for=condition=Established", &crd.name()]).kubectl();
        assert_eq!(wait.code, 0, "{}", wait.stderr);
        // The server publishes a new kind's OpenAPI (v3 and v2) a little
        // after it is established: both programs must see it.
        let kind = format!("widgets{}", crd.suffix);
        for args in [
            vec![kind.as_str()],
            vec![kind.as_str(), "-o", "plaintext-openapiv2"],
        ] {
            let mut words = vec!["explain"];
            words.extend(args);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
            while on_cluster(&words).kubectl().code != 0 {
                assert!(
                    std::time::Instant::now() < deadline,
                    "{kind} never explained"
                );
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
        }
        crd
    }

    fn name(&self) -> String {
        let s = &self.suffix;
        format!("crd/widgets{s}.ex{s}.kuddle.test")
    }
}

impl Drop for Crd {
    fn drop(&mut self) {
        let _ = on_cluster(&["delete", &self.name()]).kubectl();
    }
}

#[test]
fn explain_custom_resources() {
    let crd = Crd::create();
    let s = &crd.suffix;
    for line in [
        "widgets@",
        "widget@",
        "wg@",
        "widgets@.ex@.kuddle.test",
        "widgets@ --recursive",
        "widgets@.spec",
        "widgets@.spec.color",
        "widgets@.spec.port",
        "widgets@.spec.labels",
        "widgets@.spec.parts.nested",
        "widgets@.spec.free",
        "widgets@.spec.free.x",
        "widgets@.spec.nope",
        "widgets@ --api-version=ex@.kuddle.test/v2beta1",
        "widgets@.spec --api-version=ex@.kuddle.test/v2beta1",
        "widgets@ --api-version=ex@.kuddle.test/v9",
        "widgets@ -o plaintext-openapiv2",
        "widgets@ --recursive -o plaintext-openapiv2",
        "widgets@.spec.color -o plaintext-openapiv2",
        "widgets@.spec.parts -o plaintext-openapiv2",
    ] {
        let line = line.replace('@', s);
        same_explain(&line.split_whitespace().collect::<Vec<_>>());
    }
}

#[test]
fn explain_fetches_one_document_through_kubectls_cache() {
    use std::os::unix::fs::PermissionsExt;
    let root = common::scratch_root().join(format!("kuddle-explain-cache-{}", std::process::id()));
    let entries = |dir: &std::path::Path| -> Vec<(String, u32)> {
        let mut names: Vec<(String, u32)> = std::fs::read_dir(dir.join("http"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().is_file())
                    .map(|e| {
                        let mode = e.metadata().map(|m| m.permissions().mode() & 0o777);
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            mode.unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let (a, b) = (root.join("kubectl"), root.join("kuddle"));
    let run = |dir: &std::path::Path, kuddle: bool| {
        let inv = on_cluster(&[
            "explain",
            "pods.spec",
            "--cache-dir",
            &dir.display().to_string(),
        ]);
        let out = if kuddle { inv.kuddle() } else { inv.kubectl() };
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let expected = run(&a, false);
    assert_eq!(run(&b, true), expected);
    // Only the core group's document, stored where kubectl stores it.
    let ours = entries(&b);
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(ours[0].1, 0o660);
    assert!(
        entries(&a).iter().any(|(n, _)| *n == ours[0].0),
        "{:?}",
        entries(&a)
    );
    // Each reads what the other stored (kubectl would rewrite an entry it
    // fetched again: its date and audit id change).
    assert_eq!(run(&a, true), expected);
    let stored = std::fs::read(b.join("http").join(&ours[0].0)).expect("entry");
    assert_eq!(run(&b, false), expected);
    assert!(std::fs::read(b.join("http").join(&ours[0].0)).expect("entry") == stored);
    let _ = std::fs::remove_dir_all(root);
}

/// `--match-server-version`: kubectl compares its whole version.Info with
/// the server's whenever it builds a client; no client matches this server
/// to the build date, so both refuse, naming the server's version in Go's
/// syntax (the client's part names each program's own build).
#[test]
fn match_server_version_refuses_a_server_of_another_build() {
    for words in [
        &["get", "ns", "default", "--match-server-version"][..],
        &["version", "--match-server-version"][..],
    ] {
        let inv = Invocation::new(words).kubeconfig(cluster_kubeconfig());
        let (theirs, ours) = (inv.kubectl(), inv.kuddle());
        assert_eq!(ours.code, 1, "{ours:?}");
        assert_eq!(theirs.code, ours.code);
        assert_eq!(ours.stdout, theirs.stdout);
        let server_part = |text: &str| {
            let end =
                text.find(" differs from client version (version.Info{Major:\"1\", Minor:\"37\", ");
            assert!(end.is_some(), "{text}");
            text[..end.unwrap()].to_string()
        };
        let last = |o: &Output| o.stderr.lines().last().unwrap_or("").to_string();
        assert_eq!(server_part(&last(&ours)), server_part(&last(&theirs)));
        assert!(last(&ours).starts_with("error: server version (&version.Info{Major:"));
        assert!(last(&ours).ends_with("\"})"));
        // `--client` needs no server.
        let inv = Invocation::new(&["version", "--client", "--match-server-version"])
            .kubeconfig(cluster_kubeconfig());
        assert_eq!(inv.kuddle().code, 0);
    }
}
