//! The real control plane the integration tests talk to.
//!
//! `scripts/test` starts one cluster and exports `KUDDLE_TEST_KUBECONFIG`;
//! without it, the first test in a test binary that asks starts one with
//! `scripts/cluster up` and a watchdog stops it when the binary exits.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use super::{kubectl_bin, repo_root};

pub fn cluster_kubeconfig() -> PathBuf {
    static KUBECONFIG: OnceLock<PathBuf> = OnceLock::new();
    KUBECONFIG.get_or_init(start_or_reuse).clone()
}

// The watchdog outlives this process on purpose; nothing waits for it.
#[allow(clippy::zombie_processes)]
fn start_or_reuse() -> PathBuf {
    if let Some(path) = std::env::var_os("KUDDLE_TEST_KUBECONFIG") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("current exe");
    let name = exe
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("tests")
        .to_string();
    let dir = repo_root()
        .join("build/clusters")
        .join(format!("{name}-{}", std::process::id()));
    let script = repo_root().join("scripts/cluster");
    let status = Command::new(&script)
        .arg("up")
        .arg(&dir)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        status.success(),
        "scripts/cluster up {} failed",
        dir.display()
    );
    // Stop the cluster once this test binary is gone.
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; '{script}' down '{dir}' >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        script = script.display(),
        dir = dir.display()
    );
    // The watchdog outlives this process on purpose; it is never waited for.
    let _watchdog = Command::new("setsid")
        .args(["sh", "-c", &watchdog])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watchdog");
    drop(_watchdog);
    dir.join("kubeconfig")
}

/// A fresh namespace on the test cluster, named `<prefix>-<random>`.
pub fn namespace(prefix: &str) -> String {
    let name = format!("{prefix}-{}", random_word(6));
    let out = Command::new(kubectl_bin())
        .arg("--kubeconfig")
        .arg(cluster_kubeconfig())
        .args(["create", "namespace", &name])
        .output()
        .expect("kubectl create namespace");
    assert!(
        out.status.success(),
        "cannot create namespace {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    name
}

/// Two namespaces, one for each program, for comparing mutating commands:
/// `(for kubectl, for kuddle)`.
pub fn twin_namespaces(prefix: &str) -> (String, String) {
    (
        namespace(&format!("{prefix}-a")),
        namespace(&format!("{prefix}-b")),
    )
}

fn random_word(n: usize) -> String {
    const CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        ^ ((std::process::id() as u64) << 32);
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            CHARS[(seed % CHARS.len() as u64) as usize] as char
        })
        .collect()
}

/// A deployment made with kubectl in `default`, where the `limited` user
/// may read deployments but not change them; deleted when dropped.
pub struct DefaultDeployment(pub String);

impl DefaultDeployment {
    pub fn create(name: &str) -> DefaultDeployment {
        let out = Command::new(kubectl_bin())
            .arg("--kubeconfig")
            .arg(cluster_kubeconfig())
            .args([
                "-n",
                "default",
                "create",
                "deployment",
                name,
                "--image=nginx",
            ])
            .output()
            .expect("kubectl create deployment");
        assert!(
            out.status.success(),
            "cannot create deployment {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        DefaultDeployment(name.to_string())
    }
}

impl Drop for DefaultDeployment {
    fn drop(&mut self) {
        let _ = Command::new(kubectl_bin())
            .arg("--kubeconfig")
            .arg(cluster_kubeconfig())
            .args([
                "-n",
                "default",
                "delete",
                "deployment",
                &self.0,
                "--wait=false",
            ])
            .output();
    }
}

/// Real kubectl's `line` (split on spaces) in namespace `ns` of the test
/// cluster: for setting things up and reading them back.
pub fn kubectl_in(ns: &str, line: &str) -> super::Output {
    let words: Vec<&str> = line.split_whitespace().collect();
    kubectl_words_in(ns, &words)
}

/// [`kubectl_in`] for words that may hold spaces.
pub fn kubectl_words_in(ns: &str, words: &[&str]) -> super::Output {
    let mut args = vec!["-n", ns];
    args.extend_from_slice(words);
    super::Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl()
}

/// Polls a kubectl command until `ok` accepts its output (at most 120 s).
pub fn wait_until(ns: &str, line: &str, ok: &dyn Fn(&super::Output) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let out = kubectl_in(ns, line);
        if ok(&out) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for `{line}` in {ns}: {out:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// A pod in `default`, where the `limited` user may read pods but change
/// nothing: for checking that a refused write leaves the object as it was.
/// Deleted when dropped.
pub struct DefaultPod {
    pub name: String,
}

impl DefaultPod {
    pub fn create(name: &str) -> DefaultPod {
        let create = kubectl_words_in("default", &["run", name, "--image=nginx"]);
        assert_eq!(create.code, 0, "{}", create.stderr);
        DefaultPod {
            name: name.to_string(),
        }
    }

    pub fn resource_version(&self) -> String {
        let jsonpath = "jsonpath={.metadata.resourceVersion}";
        kubectl_words_in("default", &["get", "pod", &self.name, "-o", jsonpath]).stdout
    }
}

impl Drop for DefaultPod {
    fn drop(&mut self) {
        let _ = kubectl_words_in("default", &["delete", "pod", &self.name, "--now"]);
    }
}
