//! The harness's fault-injecting proxy (`testcluster fault-proxy`) in front
//! of the test cluster: one per test binary, stopped when the binary exits
//! (its standard input closes). Tests get kubeconfigs whose server URL
//! picks the fault, e.g. `match=pods,status=429,retry-after=1,times=2`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use super::cluster::cluster_kubeconfig;
use super::repo_root;

pub struct FaultProxy {
    /// `127.0.0.1:PORT` of the TLS proxy.
    pub main: String,
    /// Accepts TCP connections and never answers (no TLS handshake).
    pub silent_tcp: String,
    /// Completes the TLS handshake and never answers.
    pub silent_tls: String,
    /// Plain HTTP: `/__files/ABS/PATH` and `/__redirect/CODE/REST`.
    pub plain: String,
    /// The TLS proxy over HTTP/2.
    pub h2: String,
    /// The proxy (no faults) behind a self-signed certificate for
    /// 127.0.0.1 that is also a CA.
    pub self_signed: String,
    /// That certificate as PEM, base64-encoded (`certificate-authority-data`).
    pub self_signed_ca_data: String,
    // Kept so that its stdin stays open for as long as this process lives.
    _child: Mutex<Child>,
}

pub fn fault_proxy() -> &'static FaultProxy {
    static PROXY: OnceLock<FaultProxy> = OnceLock::new();
    PROXY.get_or_init(start)
}

fn start() -> FaultProxy {
    let kubeconfig = cluster_kubeconfig();
    let dir = kubeconfig.parent().expect("cluster dir").to_path_buf();
    let script = repo_root().join("scripts/cluster");
    let status = Command::new(&script)
        .arg("build")
        .stdout(Stdio::null())
        .status()
        .expect("scripts/cluster build");
    assert!(status.success(), "scripts/cluster build failed");
    let mut child = Command::new(repo_root().join("build/testcluster"))
        .arg("fault-proxy")
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the fault proxy");
    let stdout = child.stdout.take().expect("proxy stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("proxy ready line");
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"ready"), "fault proxy said {line:?}");
    FaultProxy {
        main: words[1].to_string(),
        silent_tcp: words[2].to_string(),
        silent_tls: words[3].to_string(),
        plain: words[4].to_string(),
        h2: words[5].to_string(),
        self_signed: words[6].to_string(),
        self_signed_ca_data: words[7].to_string(),
        _child: Mutex::new(child),
    }
}

impl FaultProxy {
    /// A copy of the cluster's kubeconfig whose server is `server_url`.
    pub fn kubeconfig_for(&self, server_url: &str) -> PathBuf {
        let text = std::fs::read_to_string(cluster_kubeconfig()).expect("kubeconfig");
        let rewritten: String = text
            .lines()
            .map(|l| match l.trim_start().strip_prefix("server: ") {
                Some(_) => {
                    let indent = &l[..l.len() - l.trim_start().len()];
                    format!("{indent}server: {server_url}\n")
                }
                None => format!("{l}\n"),
            })
            .collect();
        let path = super::scratch_root().join(format!(
            "kuddle-fault-{}-{}.yaml",
            std::process::id(),
            unique()
        ));
        std::fs::write(&path, rewritten).expect("write kubeconfig");
        path
    }

    /// A kubeconfig for requests through the proxy with `spec`'s fault
    /// (counted on its own: each call gets a fresh `id`).
    pub fn kubeconfig(&self, spec: &str) -> PathBuf {
        let spec = format!("{spec},id={}-{}", std::process::id(), unique());
        self.kubeconfig_for(&format!("https://{}/__fault/{spec}", self.main))
    }

    /// `kubeconfig`, through the listener that speaks HTTP/2.
    pub fn kubeconfig_h2(&self, spec: &str) -> PathBuf {
        let spec = format!("{spec},id={}-{}", std::process::id(), unique());
        self.kubeconfig_for(&format!("https://{}/__fault/{spec}", self.h2))
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
