//! Mutating commands compared on the real control plane: kubectl works in
//! one namespace, kuddle in its twin, and both the output and the objects
//! left behind must match once what legitimately differs is masked (names
//! of the two namespaces, uids, resource versions, timestamps, allocated
//! IPs and node ports, and what controllers write asynchronously).

use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;

use super::cluster::{cluster_kubeconfig, twin_namespaces};
use super::{assert_same_text, assert_same_with, kubectl_bin, Invocation, Output};

/// Managers whose writes race with the test (controllers, scheduler,
/// kubelet): their managedFields entries are dropped before comparing.
const CONTROLLER_MANAGERS: &[&str] = &[
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "testcluster",
];

/// Annotations controllers add on their own schedule.
const CONTROLLER_ANNOTATIONS: &[&str] = &[
    "deployment.kubernetes.io/revision",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
];

pub struct Twin {
    /// kubectl's namespace.
    pub a: String,
    /// kuddle's namespace.
    pub b: String,
}

impl Twin {
    pub fn new(prefix: &str) -> Twin {
        let (a, b) = twin_namespaces(prefix);
        Twin { a, b }
    }

    /// Runs `words` through kubectl in both namespaces (preparing the same
    /// starting point for both programs); every run must succeed.
    pub fn setup_words(&self, words: &[&str]) {
        for ns in [&self.a, &self.b] {
            let out = self.invocation(ns, words).kubectl();
            assert_eq!(
                out.code,
                0,
                "setup `{}` failed in {ns}: {}",
                words.join(" "),
                out.stderr
            );
        }
    }

    pub fn setup(&self, line: &str) {
        self.setup_words(&line.split_whitespace().collect::<Vec<_>>());
    }

    /// Applies a manifest (stdin) in both namespaces.
    pub fn setup_manifest(&self, manifest: &str) {
        for ns in [&self.a, &self.b] {
            let out = self
                .invocation(ns, &["apply", "-f", "-"])
                .stdin(manifest.as_bytes().to_vec())
                .kubectl();
            assert_eq!(out.code, 0, "setup apply failed in {ns}: {}", out.stderr);
        }
    }

    /// `-n NS words…` against the test cluster.
    pub fn invocation(&self, ns: &str, words: &[&str]) -> Invocation {
        let mut args: Vec<String> = vec!["-n".into(), ns.into()];
        args.extend(words.iter().map(|w| w.to_string()));
        Invocation::new(&args).kubeconfig(cluster_kubeconfig())
    }

    /// kubectl runs `words` in `a`, kuddle in `b`; stdout, stderr and exit
    /// code must match after masking.
    pub fn same_words(&self, words: &[&str]) -> Output {
        self.same_per_namespace(&|_| words.iter().map(|w| w.to_string()).collect())
    }

    /// Like `same_words`, with a command line made for each namespace (for
    /// values that differ between the twins, such as resource versions).
    pub fn same_per_namespace(&self, words_for: &dyn Fn(&str) -> Vec<String>) -> Output {
        // Each line is made right before it runs: what it reads (a resource
        // version) stays current.
        let words_a = words_for(&self.a);
        let refs_a: Vec<&str> = words_a.iter().map(String::as_str).collect();
        let expected = self.invocation(&self.a, &refs_a).kubectl();
        let words_b = words_for(&self.b);
        let refs_b: Vec<&str> = words_b.iter().map(String::as_str).collect();
        let actual = self.invocation(&self.b, &refs_b).kuddle();
        let context = format!("`{}`", words_b.join(" "));
        let mask = |s: &str, ns: &str| mask_output(&s.replace(ns, "<ns>"));
        assert_same_text(
            "stdout",
            &mask(&expected.stdout, &self.a),
            &mask(&actual.stdout, &self.b),
            &context,
        );
        assert_same_text(
            "stderr",
            &mask(&super::normalize_stderr(&expected.stderr), &self.a),
            &mask(&super::normalize_stderr(&actual.stderr), &self.b),
            &context,
        );
        assert_eq!(
            expected.code, actual.code,
            "exit code differs for {context}"
        );
        actual
    }

    pub fn same(&self, line: &str) -> Output {
        self.same_words(&line.split_whitespace().collect::<Vec<_>>())
    }

    /// Both programs run the same line in the same namespace (for commands
    /// that fail before changing anything, or use a fixed namespace).
    pub fn same_in_place(&self, line: &str) -> Output {
        let inv = self.invocation(&self.a, &line.split_whitespace().collect::<Vec<_>>());
        let ns = self.a.clone();
        assert_same_with(&inv, &move |s| mask_output(&s.replace(&ns, "<ns>")))
    }

    /// The objects of `types` (e.g. `deploy,svc,pod`) in both namespaces,
    /// as kubectl reads them, must be the same once masked.
    pub fn same_objects(&self, types: &str) {
        let a = self.objects(&self.a, types);
        let b = self.objects(&self.b, types);
        assert_same_text(
            "objects on the server",
            &a,
            &b,
            &format!("`get {types}` after the commands"),
        );
    }

    /// One type's objects, masked and pretty-printed.
    pub fn objects(&self, ns: &str, types: &str) -> String {
        let out = std::process::Command::new(kubectl_bin())
            .arg("--kubeconfig")
            .arg(cluster_kubeconfig())
            .args([
                "-n",
                ns,
                "get",
                types,
                "-o",
                "json",
                "--show-managed-fields",
            ])
            .output()
            .expect("kubectl get");
        assert!(
            out.status.success(),
            "kubectl get {types} in {ns}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).replace(ns, "<ns>");
        let mut list: Value = serde_json::from_str(&text).expect("list json");
        if let Some(items) = list.get_mut("items").and_then(Value::as_array_mut) {
            // What a controller owns (a deployment's replica sets, their
            // pods) changes on the controller's schedule: left out.
            items.retain(|item| !controlled(item));
            for item in items.iter_mut() {
                mask_object(item);
            }
        }
        mask_output(&serde_json::to_string_pretty(&list).expect("json"))
    }

    /// Runs a read-only kubectl command in one namespace and returns stdout.
    pub fn kubectl_in(&self, ns: &str, line: &str) -> String {
        let out = self
            .invocation(ns, &line.split_whitespace().collect::<Vec<_>>())
            .kubectl();
        assert_eq!(out.code, 0, "`{line}` failed in {ns}: {}", out.stderr);
        out.stdout
    }
}

/// Whether another object controls this one.
fn controlled(obj: &Value) -> bool {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| {
            refs.iter()
                .any(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        })
}

/// Drops what controllers write asynchronously.
pub fn mask_object(obj: &mut Value) {
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    map.remove("status");
    if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
        if let Some(fields) = meta.get_mut("managedFields").and_then(Value::as_array_mut) {
            fields.retain(|f| {
                let manager = f.get("manager").and_then(Value::as_str).unwrap_or("");
                let sub = f.get("subresource").and_then(Value::as_str).unwrap_or("");
                !CONTROLLER_MANAGERS.contains(&manager) && sub != "status"
            });
            // The server orders entries by the second each was written in,
            // which the twins cannot share: compare them by what they are.
            let key = |f: &Value| {
                let text = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                (text("operation"), text("manager"), text("subresource"))
            };
            fields.sort_by_key(key);
        }
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            for a in CONTROLLER_ANNOTATIONS {
                ann.remove(*a);
            }
            if ann.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    // Set by the scheduler, and by the volume binder.
    if let Some(spec) = map.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("nodeName");
        spec.remove("volumeName");
    }
}

fn masks() -> &'static [(Regex, &'static str)] {
    static MASKS: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    MASKS.get_or_init(|| {
        [
            (
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "<uid>",
            ),
            (r#"("?resourceVersion"?:\s*)"?[0-9]+"?"#, "${1}<rv>"),
            // Inside JSON held in a string (a last-applied annotation).
            (r#"(resourceVersion\\":\\")[0-9]+"#, "${1}<rv>"),
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<time>"),
            // The service account admission's projected volume.
            (r"kube-api-access-[a-z0-9]{5}", "kube-api-access-<x>"),
            (r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", "<ip>"),
            (r#"("?nodePort"?:\s*)[0-9]+"#, "${1}<port>"),
            (r"(resource version to be \d+, was )\d+", "${1}<rv>"),
        ]
        .into_iter()
        .map(|(re, to)| (Regex::new(re).expect("mask regex"), to))
        .collect()
    })
}

/// Masks values the server allocates or stamps.
pub fn mask_output(text: &str) -> String {
    let mut out = text.to_string();
    for (re, to) in masks() {
        out = re.replace_all(&out, *to).into_owned();
    }
    out
}
