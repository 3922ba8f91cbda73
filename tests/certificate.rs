//! `certificate approve|deny` against the real control plane. Requests are
//! cluster-scoped: kubectl decides on requests named after its twin
//! namespace, kuddle on requests named after its own, and the output, exit
//! code and conditions left behind must match once the names are masked.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::{mask_output, Twin};
use common::*;

use serde_json::Value;

/// Requests `<ns>-<suffix>` for each twin; deleted on drop.
struct Requests {
    twin: Twin,
    names: Vec<String>,
}

impl Requests {
    fn new(prefix: &str, suffixes: &[&str]) -> Requests {
        let twin = Twin::new(prefix);
        let manifest = std::fs::read_to_string(fixture("certificates/csr.yaml")).expect("fixture");
        let mut names = Vec::new();
        for ns in [&twin.a, &twin.b] {
            for suffix in suffixes {
                let name = format!("{ns}-{suffix}");
                let out = Invocation::new(&["create", "-f", "-"])
                    .kubeconfig(cluster_kubeconfig())
                    .stdin(manifest.replace("NAME", &name).into_bytes())
                    .kubectl();
                assert_eq!(out.code, 0, "creating CSR {name}: {}", out.stderr);
                names.push(name);
            }
        }
        Requests { twin, names }
    }

    /// kubectl runs `line` with `<ns>-x` for `NS-x` in its namespace,
    /// kuddle in its own.
    fn same(&self, line: &str) -> Output {
        self.twin.same_per_namespace(&|ns| {
            line.split_whitespace()
                .map(|w| w.replace("NS", ns))
                .collect()
        })
    }

    /// The conditions (type, status, reason, message) of each twin's
    /// requests must match.
    fn same_conditions(&self) {
        let conditions = |ns: &str| {
            let mut text = String::new();
            for name in self
                .names
                .iter()
                .filter(|n| n.starts_with(&format!("{ns}-")))
            {
                let out = Invocation::new(&["get", "csr", name, "-o", "json"])
                    .kubeconfig(cluster_kubeconfig())
                    .kubectl();
                assert_eq!(out.code, 0, "get csr {name}: {}", out.stderr);
                let csr: Value = serde_json::from_str(&out.stdout).expect("csr json");
                let status = csr.get("status").cloned().unwrap_or(Value::Null);
                text.push_str(&format!(
                    "{}: {}\n",
                    name.replace(ns, "<ns>"),
                    mask_output(&status.to_string())
                ));
            }
            text
        };
        assert_same_text(
            "conditions",
            &conditions(&self.twin.a),
            &conditions(&self.twin.b),
            "the requests left behind",
        );
    }
}

impl Drop for Requests {
    fn drop(&mut self) {
        let mut words = vec!["delete", "csr", "--wait=false"];
        words.extend(self.names.iter().map(String::as_str));
        let _ = Invocation::new(&words)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
    }
}

#[test]
fn approve_and_deny() {
    let r = Requests::new("csr", &["one", "two", "three"]);
    for line in [
        "certificate approve NS-one",
        // Already approved: printed again, nothing written.
        "certificate approve NS-one",
        "certificate approve NS-one --force -o name",
        "certificate deny NS-one",
        "certificate deny csr/NS-two -o jsonpath={.metadata.name}",
        "certificate approve NS-two",
        "certificate approve NS-three NS-missing NS-one",
        "certificate deny certificatesigningrequests.certificates.k8s.io/NS-missing",
    ] {
        r.same(line);
        r.same_conditions();
    }
}

#[test]
fn errors() {
    let r = Requests::new("csr-err", &["one"]);
    for line in [
        "certificate approve",
        "certificate deny",
        "certificate approve NS-one -o bogus",
        "certificate approve pod/x NS-one",
        "certificate approve node/NS-missing",
        "certificate approve NS-one --force=maybe",
    ] {
        r.same(line);
    }
    r.same_conditions();
}

#[test]
fn requests_named_by_files() {
    let r = Requests::new("csr-file", &["one", "two"]);
    let dir = common::scratch_root();
    let manifest = std::fs::read_to_string(fixture("certificates/csr.yaml")).expect("fixture");
    for ns in [&r.twin.a, &r.twin.b] {
        let both = format!(
            "{}---\n{}",
            manifest.replace("NAME", &format!("{ns}-one")),
            manifest.replace("NAME", &format!("{ns}-two"))
        );
        std::fs::write(dir.join(format!("{ns}-csrs.yaml")), both).expect("write manifest");
    }
    let file = format!("{}/NS-csrs.yaml", dir.display());
    // Names beside -f: refused before anything is decided.
    r.same(&format!("certificate approve -f {file} NS-two"));
    r.same(&format!("certificate deny -f {file} nope"));
    r.same_conditions();
    r.same(&format!("certificate deny -f {file}"));
    r.same_conditions();
    r.same(&format!("certificate approve -f {file} -o name"));
    r.same_conditions();
    for ns in [&r.twin.a, &r.twin.b] {
        let _ = std::fs::remove_file(dir.join(format!("{ns}-csrs.yaml")));
    }
}
